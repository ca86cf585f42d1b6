# SPDX-License-Identifier: LGPL-2.1-or-later
# 100 clients against 10,000 domains with stuck and flooding peers (load.sh, bench_load).
add_test(NAME integration_load
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/load.sh)
set_tests_properties(integration_load PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
