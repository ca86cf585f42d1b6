# SPDX-License-Identifier: LGPL-2.1-or-later
# Guest panics and on_crash (destroy, preserve, restart, refused coredump).
add_test(NAME integration_crash
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/crash.sh)
set_tests_properties(integration_crash PROPERTIES
  ENVIRONMENT "VMHOST_GUEST=${CMAKE_SOURCE_DIR}/tests/guest/cache"
  FIXTURES_REQUIRED vmhost_guest TIMEOUT 400 RUN_SERIAL TRUE)
