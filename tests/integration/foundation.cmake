# SPDX-License-Identifier: LGPL-2.1-or-later
add_executable(rawclient ${CMAKE_CURRENT_LIST_DIR}/rawclient.c)
target_link_libraries(rawclient PRIVATE vmhost_common vmhost_proto)

# The foundation test runs inside the dev launcher, vmhostd under valgrind.
add_test(NAME integration_foundation
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/foundation-run.sh ${CMAKE_BINARY_DIR})
set_tests_properties(integration_foundation PROPERTIES
  ENVIRONMENT "RAWCLIENT=$<TARGET_FILE:rawclient>"
  TIMEOUT 300 RUN_SERIAL TRUE)
