# SPDX-License-Identifier: LGPL-2.1-or-later
# Access control in vmhostd (sockets, acl.conf, read-only) with real users, through the stack.
add_test(NAME integration_acl
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/acl.sh)
set_tests_properties(integration_acl PROPERTIES
  ENVIRONMENT "VMHOST_GUEST=${CMAKE_SOURCE_DIR}/tests/guest/cache"
  FIXTURES_REQUIRED vmhost_guest LABELS integration TIMEOUT 600 RUN_SERIAL TRUE)
