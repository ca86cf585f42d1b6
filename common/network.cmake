# SPDX-License-Identifier: LGPL-2.1-or-later
# Network definitions (libvirt <network> dialect): parse, validate, format.
add_library(vmhost_network STATIC
  ${CMAKE_CURRENT_LIST_DIR}/network_addr.c
  ${CMAKE_CURRENT_LIST_DIR}/network_buf.c
  ${CMAKE_CURRENT_LIST_DIR}/network_format.c
  ${CMAKE_CURRENT_LIST_DIR}/network_parse.c
  ${CMAKE_CURRENT_LIST_DIR}/network_validate.c
  ${CMAKE_CURRENT_LIST_DIR}/network_xml.c
  ${CMAKE_CURRENT_LIST_DIR}/network_xmlutil.c)
target_link_libraries(vmhost_network PUBLIC PkgConfig::LIBXML2)
