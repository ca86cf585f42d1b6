# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhostd's network store and net-update, built from its sources, in a scratch root.
add_executable(test_networks_store ${CMAKE_CURRENT_LIST_DIR}/test_networks_store.c
  ${CMAKE_SOURCE_DIR}/vmhostd/networks.c
  ${CMAKE_SOURCE_DIR}/vmhostd/networks_update.c)
target_include_directories(test_networks_store PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(test_networks_store PRIVATE vmhost_network vmhost_common)
add_test(NAME unit.networks_store COMMAND test_networks_store)
