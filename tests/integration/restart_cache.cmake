# SPDX-License-Identifier: LGPL-2.1-or-later
# The definition cache: warm = cold, hand edits picked up, damaged caches ignored.
add_test(NAME integration_restart_cache
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/restart_cache.sh)
set_tests_properties(integration_restart_cache PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
