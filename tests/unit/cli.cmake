# SPDX-License-Identifier: LGPL-2.1-or-later
# The CLI's pure parts: option parsing, and the console relay over a socketpair.
add_executable(test_cli_args ${CMAKE_CURRENT_LIST_DIR}/test_cli_args.c
  ${PROJECT_SOURCE_DIR}/cli/args.c)
target_include_directories(test_cli_args PRIVATE ${PROJECT_SOURCE_DIR})
add_test(NAME unit_cli_args COMMAND test_cli_args)

add_executable(test_cli_console ${CMAKE_CURRENT_LIST_DIR}/test_cli_console.c
  ${PROJECT_SOURCE_DIR}/cli/console.c ${PROJECT_SOURCE_DIR}/cli/util.c)
target_include_directories(test_cli_console PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(test_cli_console PRIVATE vmhost vmhost_common)
add_test(NAME unit_cli_console COMMAND test_cli_console)
set_tests_properties(unit_cli_args unit_cli_console PROPERTIES LABELS unit
  TIMEOUT 60)
