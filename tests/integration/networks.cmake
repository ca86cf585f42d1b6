# SPDX-License-Identifier: LGPL-2.1-or-later
# Virtual networks through the real stack in a private network namespace.
add_test(NAME integration_networks
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/networks.sh)
set_tests_properties(integration_networks PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
