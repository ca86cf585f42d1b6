# SPDX-License-Identifier: LGPL-2.1-or-later
# Load generator (bench_load.c): 100 raw-protocol clients, 80/20 read/write mix,
# stuck and flooding peers; bench/load.sh runs it against vmhost and libvirt 9.
find_package(Threads REQUIRED)
add_executable(bench_load ${CMAKE_CURRENT_LIST_DIR}/bench_load.c)
target_link_libraries(bench_load PRIVATE vmhost_proto Threads::Threads)
