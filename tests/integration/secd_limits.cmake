# SPDX-License-Identifier: LGPL-2.1-or-later
# <memtune>/<cputune> in the guest's cgroup, applied by secd.
add_test(NAME integration_secd_limits
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/secd_limits.sh)
set_tests_properties(integration_secd_limits PROPERTIES
  ENVIRONMENT "VMHOST_GUEST=${CMAKE_SOURCE_DIR}/tests/guest/cache"
  FIXTURES_REQUIRED vmhost_guest TIMEOUT 300 RUN_SERIAL TRUE)
