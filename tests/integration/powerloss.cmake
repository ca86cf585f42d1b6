# SPDX-License-Identifier: LGPL-2.1-or-later
# Power loss (issue 9): vmhostd and netd killed during write bursts leave every file
# old or new, never torn; full disks give one clear error and leave nothing half-made.
add_test(NAME integration_powerloss
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/powerloss.sh)
set_tests_properties(integration_powerloss PROPERTIES
  ENVIRONMENT "VMHOST_GUEST=${CMAKE_SOURCE_DIR}/tests/guest/cache"
  FIXTURES_REQUIRED vmhost_guest TIMEOUT 900 RUN_SERIAL TRUE)
