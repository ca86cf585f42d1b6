# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhostd --session as a real unprivileged user, with taps from the system netd's
# bridge socket, inside scripts/stack's private network namespace.
add_executable(bridge_client ${CMAKE_CURRENT_LIST_DIR}/bridge_client.c)
target_link_libraries(bridge_client PRIVATE vmhost_common vmhost_proto)
add_test(NAME integration_session
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/session.sh)
set_tests_properties(integration_session PROPERTIES
  ENVIRONMENT "VMHOST_GUEST=${CMAKE_SOURCE_DIR}/tests/guest/cache;VMHOST_BRIDGE_CLIENT=$<TARGET_FILE:bridge_client>"
  FIXTURES_REQUIRED vmhost_guest TIMEOUT 300 RUN_SERIAL TRUE)
