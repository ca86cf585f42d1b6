# SPDX-License-Identifier: LGPL-2.1-or-later
# 100 clients against 10,000 domains with stuck and flooding peers (load.sh, bench_load).
# In an ASan build freed memory waits in ASan's quarantine and counts in RSS: off,
# so that the RSS bounds measure vmhostd, not the sanitizer (ignored otherwise).
add_test(NAME integration_load
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/load.sh)
set_tests_properties(integration_load PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE
  ENVIRONMENT "ASAN_OPTIONS=quarantine_size_mb=0")
