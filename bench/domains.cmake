# SPDX-License-Identifier: LGPL-2.1-or-later
add_executable(bench_domains ${CMAKE_CURRENT_LIST_DIR}/bench_domains.c)
target_link_libraries(bench_domains PRIVATE vmhost)
