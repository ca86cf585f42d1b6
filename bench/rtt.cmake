# SPDX-License-Identifier: LGPL-2.1-or-later
add_executable(bench_rtt ${CMAKE_CURRENT_LIST_DIR}/bench_rtt.c)
target_link_libraries(bench_rtt PRIVATE vmhost)
