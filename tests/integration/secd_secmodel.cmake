# SPDX-License-Identifier: LGPL-2.1-or-later
# The security model (secmodel, live seclabel, opt-out) on a host without
# AppArmor (tests/integration/secd-secmodel.sh).
add_test(NAME integration_secd_secmodel
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/secd-stack.sh ${CMAKE_BINARY_DIR} -
          ${CMAKE_CURRENT_LIST_DIR}/secd-secmodel.sh)
set_tests_properties(integration_secd_secmodel PROPERTIES TIMEOUT 120 RUN_SERIAL TRUE)
