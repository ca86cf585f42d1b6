# SPDX-License-Identifier: LGPL-2.1-or-later
# Pure generators of netd: dnsmasq configs and nftables rulesets.
add_library(vmhost_netconf STATIC
  ${CMAKE_CURRENT_LIST_DIR}/dnsmasq_conf.c
  ${CMAKE_CURRENT_LIST_DIR}/firewall_ipt.c
  ${CMAKE_CURRENT_LIST_DIR}/firewall_rules.c)
target_link_libraries(vmhost_netconf PUBLIC vmhost_network)
