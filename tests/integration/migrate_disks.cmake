# SPDX-License-Identifier: LGPL-2.1-or-later
add_test(NAME integration_migrate_disks
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/migrate_disks.sh)
set_tests_properties(integration_migrate_disks PROPERTIES
  ENVIRONMENT "VMHOST_GUEST=${CMAKE_SOURCE_DIR}/tests/guest/cache"
  FIXTURES_REQUIRED vmhost_guest TIMEOUT 300 RUN_SERIAL TRUE)
