# SPDX-License-Identifier: LGPL-2.1-or-later
# qemu.conf user = "root": uid 0 without capabilities.
add_test(NAME integration_secd_rootuser
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/secd_rootuser.sh)
set_tests_properties(integration_secd_rootuser PROPERTIES
  ENVIRONMENT "VMHOST_GUEST=${CMAKE_SOURCE_DIR}/tests/guest/cache"
  FIXTURES_REQUIRED vmhost_guest TIMEOUT 300 RUN_SERIAL TRUE)
