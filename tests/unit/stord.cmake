# SPDX-License-Identifier: LGPL-2.1-or-later
# stord's pool (names, create, info, resize, delete in a scratch folder), its
# remembered-owner state file, and the client's size parser.
add_executable(test_stord_pool ${CMAKE_CURRENT_LIST_DIR}/test_stord_pool.c
  ${PROJECT_SOURCE_DIR}/stord/pool.c ${PROJECT_SOURCE_DIR}/stord/owner.c)
target_include_directories(test_stord_pool PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(test_stord_pool PRIVATE vmhost vmhost_probe vmhost_common)
add_test(NAME unit_stord_pool COMMAND test_stord_pool)
set_tests_properties(unit_stord_pool PROPERTIES LABELS unit TIMEOUT 60)
