# SPDX-License-Identifier: LGPL-2.1-or-later
# acl.conf's parser and matcher (vmhostd/acl.c), built from its source.
add_executable(test_acl ${CMAKE_CURRENT_LIST_DIR}/test_acl.c
  ${CMAKE_SOURCE_DIR}/vmhostd/acl.c)
target_link_libraries(test_acl PRIVATE vmhost_common)
add_test(NAME unit_acl COMMAND test_acl)
set_tests_properties(unit_acl PROPERTIES LABELS unit TIMEOUT 60)
