# SPDX-License-Identifier: LGPL-2.1-or-later
# Domain definitions (libvirt <domain> XML): parse, validate, format.
add_library(vmhost_domain STATIC
  ${CMAKE_CURRENT_LIST_DIR}/domain_load.c
  ${CMAKE_CURRENT_LIST_DIR}/domain_xml.c
  ${CMAKE_CURRENT_LIST_DIR}/domain_cpu.c
  ${CMAKE_CURRENT_LIST_DIR}/domain_devices.c
  ${CMAKE_CURRENT_LIST_DIR}/domain_check.c
  ${CMAKE_CURRENT_LIST_DIR}/domain_format.c)
target_link_libraries(vmhost_domain PUBLIC PkgConfig::LIBXML2)
