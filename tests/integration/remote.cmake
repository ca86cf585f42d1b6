# SPDX-License-Identifier: LGPL-2.1-or-later
# ssh:// remote access against a real sshd started by the test inside the stack's namespace.
add_test(NAME integration_remote
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/remote.sh)
set_tests_properties(integration_remote PROPERTIES
  ENVIRONMENT "VMHOST_GUEST=${CMAKE_SOURCE_DIR}/tests/guest/cache"
  FIXTURES_REQUIRED vmhost_guest TIMEOUT 600 RUN_SERIAL TRUE SKIP_RETURN_CODE 77)
