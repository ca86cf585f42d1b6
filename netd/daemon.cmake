# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhost-netd: bridges and addresses (libnl-route-3), rules (nft or iptables-restore, run
# as children), dnsmasq, taps.
add_executable(vmhost-netd
  ${CMAKE_CURRENT_LIST_DIR}/main.c
  ${CMAKE_CURRENT_LIST_DIR}/bridge.c
  ${CMAKE_CURRENT_LIST_DIR}/bridge_conf.c
  ${CMAKE_CURRENT_LIST_DIR}/bridge_sock.c
  ${CMAKE_CURRENT_LIST_DIR}/dnsmasq.c
  ${CMAKE_CURRENT_LIST_DIR}/firewall.c
  ${CMAKE_CURRENT_LIST_DIR}/leases.c
  ${CMAKE_CURRENT_LIST_DIR}/network.c
  ${CMAKE_CURRENT_LIST_DIR}/preflight.c
  ${CMAKE_CURRENT_LIST_DIR}/tap.c)
target_link_libraries(vmhost-netd PRIVATE vmhost_common vmhost_proto
  vmhost_netconf PkgConfig::LIBNL PkgConfig::LIBEVENT)
install(TARGETS vmhost-netd DESTINATION ${CMAKE_INSTALL_SBINDIR})
