# SPDX-License-Identifier: LGPL-2.1-or-later
# clear_emulator_capabilities = 0: the emulator keeps exactly CAP_NET_ADMIN
# (tests/integration/secd-caps.sh).
add_test(NAME integration_secd_caps
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/secd-stack.sh ${CMAKE_BINARY_DIR}
          ${CMAKE_CURRENT_LIST_DIR}/secd-caps.conf
          ${CMAKE_CURRENT_LIST_DIR}/secd-caps.sh)
set_tests_properties(integration_secd_caps PROPERTIES TIMEOUT 120 RUN_SERIAL TRUE)
