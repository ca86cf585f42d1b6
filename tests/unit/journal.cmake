# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhostd's definition journal: replay, torn and foreign files, cancels, switch.
add_executable(test_journal ${CMAKE_CURRENT_LIST_DIR}/test_journal.c
  ${CMAKE_SOURCE_DIR}/vmhostd/journal.c)
target_link_libraries(test_journal PRIVATE vmhost_common)
add_test(NAME unit_journal COMMAND test_journal)
set_tests_properties(unit_journal PROPERTIES LABELS unit TIMEOUT 120)
