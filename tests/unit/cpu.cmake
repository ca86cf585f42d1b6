# SPDX-License-Identifier: LGPL-2.1-or-later
# Unit tests of the CPU models (vmhost_cpu): map, decoding, checks, live host.
foreach(t test_cpu_map test_cpu_decode test_cpu_check test_cpu_live)
  add_executable(${t} ${CMAKE_CURRENT_LIST_DIR}/${t}.c)
  target_link_libraries(${t} PRIVATE vmhost_cpu)
  target_compile_definitions(${t} PRIVATE
    CPU_MAP_DIR="${CMAKE_SOURCE_DIR}/data/cpu_map"
    CPU_TEST_DATA="${VMHOST_TEST_DATA}/cpu")
  add_test(NAME ${t} COMMAND ${t})
endforeach()
