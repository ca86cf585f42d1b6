# SPDX-License-Identifier: LGPL-2.1-or-later
# Session mode's pure parts: bridge.conf (netd/bridge_conf.c) and the XDG path mapping.
add_executable(test_session ${CMAKE_CURRENT_LIST_DIR}/test_session.c
  ${CMAKE_SOURCE_DIR}/netd/bridge_conf.c)
target_link_libraries(test_session PRIVATE vmhost_common)
add_test(NAME unit_session COMMAND test_session)
set_tests_properties(unit_session PROPERTIES LABELS unit TIMEOUT 60)
