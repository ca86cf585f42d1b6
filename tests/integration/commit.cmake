# SPDX-License-Identifier: LGPL-2.1-or-later
# Group commit of definitions through the real stack.
add_test(NAME integration_commit
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/commit.sh)
set_tests_properties(integration_commit PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
