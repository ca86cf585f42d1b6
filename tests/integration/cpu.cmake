# SPDX-License-Identifier: LGPL-2.1-or-later
add_test(NAME integration_cpu
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/cpu.sh)
set_tests_properties(integration_cpu PROPERTIES
  ENVIRONMENT "VMHOST_GUEST=${CMAKE_SOURCE_DIR}/tests/guest/cache;VMHOST_CPU_DATA=${CMAKE_SOURCE_DIR}/tests/data/cpu"
  FIXTURES_REQUIRED vmhost_guest TIMEOUT 300 RUN_SERIAL TRUE)
