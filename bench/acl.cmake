# SPDX-License-Identifier: LGPL-2.1-or-later
# acl_check cost per call against the number of rules (vmhostd/acl.c).
add_executable(bench_acl ${CMAKE_CURRENT_LIST_DIR}/bench_acl.c
  ${CMAKE_SOURCE_DIR}/vmhostd/acl.c)
target_link_libraries(bench_acl PRIVATE vmhost_common)
