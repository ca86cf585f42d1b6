# SPDX-License-Identifier: LGPL-2.1-or-later
# Network definitions: parser refusals, hostile input, round trips, generator edges.
add_executable(test_network_xml ${CMAKE_CURRENT_LIST_DIR}/test_network_xml.c)
target_link_libraries(test_network_xml PRIVATE vmhost_netconf)
add_test(NAME unit.network_xml COMMAND test_network_xml
  ${VMHOST_TEST_DATA}/network/networkxml2confdata
  ${VMHOST_TEST_DATA}/network/networkxml2firewalldata
  ${CMAKE_SOURCE_DIR}/data/networks)
