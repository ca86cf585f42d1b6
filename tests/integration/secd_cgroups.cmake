# SPDX-License-Identifier: LGPL-2.1-or-later
# The guests' device ACL through the v1 devices controller and the v2 eBPF
# device program, with a real guest launched by secd (tests/integration/secd-cgroups.sh).
add_test(NAME integration_secd_cgroups
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/secd-stack.sh ${CMAKE_BINARY_DIR} -
          ${CMAKE_CURRENT_LIST_DIR}/secd-cgroups.sh)
set_tests_properties(integration_secd_cgroups PROPERTIES TIMEOUT 180 RUN_SERIAL TRUE)
