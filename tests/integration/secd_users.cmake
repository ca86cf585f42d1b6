# SPDX-License-Identifier: LGPL-2.1-or-later
# dynamic_users = 1: one uid per running guest (tests/integration/secd-users.sh).
add_test(NAME integration_secd_users
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/secd-stack.sh ${CMAKE_BINARY_DIR}
          ${CMAKE_CURRENT_LIST_DIR}/secd-users.conf
          ${CMAKE_CURRENT_LIST_DIR}/secd-users.sh)
set_tests_properties(integration_secd_users PROPERTIES
  ENVIRONMENT "VMHOST_GUEST=${CMAKE_SOURCE_DIR}/tests/guest/cache"
  TIMEOUT 300 RUN_SERIAL TRUE)
