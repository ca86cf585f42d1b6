# SPDX-License-Identifier: LGPL-2.1-or-later
add_executable(bench_pipe ${CMAKE_CURRENT_LIST_DIR}/bench_pipe.c)
target_link_libraries(bench_pipe PRIVATE vmhost_proto)
