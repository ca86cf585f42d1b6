# SPDX-License-Identifier: LGPL-2.1-or-later
# bash completion (cli/vmhost.bash-completion) with names from the real stack,
# and hostile domain names that must not run anything.
add_test(NAME integration_completion
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/completion.sh)
set_tests_properties(integration_completion PROPERTIES TIMEOUT 120 RUN_SERIAL TRUE)
