# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhostd's spare files for journaled definition writes (vmhostd/spares.c).
add_executable(test_spares ${CMAKE_CURRENT_LIST_DIR}/test_spares.c
  ${CMAKE_SOURCE_DIR}/vmhostd/spares.c)
target_link_libraries(test_spares PRIVATE vmhost_common)
add_test(NAME unit_spares COMMAND test_spares)
set_tests_properties(unit_spares PROPERTIES LABELS unit TIMEOUT 60)
