# SPDX-License-Identifier: LGPL-2.1-or-later
# Host/guest CPU models: map loading, CPUID detection, checks (vmhost_cpu).
add_library(vmhost_cpu STATIC
  ${CMAKE_CURRENT_LIST_DIR}/cpu_map.c
  ${CMAKE_CURRENT_LIST_DIR}/cpu_host.c
  ${CMAKE_CURRENT_LIST_DIR}/cpu_compare.c)
target_link_libraries(vmhost_cpu PUBLIC PkgConfig::LIBXML2)
set(VMHOST_CPU_MAP_DIR ${CMAKE_SOURCE_DIR}/data/cpu_map)
