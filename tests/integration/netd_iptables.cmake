# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhost-netd's firewall backends (iptables, iptables-legacy, nftables) for real, in
# network namespaces the test creates: iptables-save against libvirt's rules in
# meaning, masquerade traffic, exact removal on stop.
# nonft_exec: nf_tables out of reach (seccomp refuses NETLINK_NETFILTER
# sockets), for firewall_backend = "auto" on a kernel without nftables
add_executable(nonft_exec ${CMAKE_CURRENT_LIST_DIR}/nonft_exec.c)
add_test(NAME integration_netd_iptables
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/netd_iptables.sh
          $<TARGET_FILE:vmhost-netd> $<TARGET_FILE:test_netd>
          $<TARGET_FILE:test_firewall_rules>
          ${VMHOST_TEST_DATA}/network/networkxml2firewalldata
          $<TARGET_FILE:nonft_exec>)
set_tests_properties(integration_netd_iptables PROPERTIES
  LABELS integration TIMEOUT 300 RUN_SERIAL TRUE SKIP_RETURN_CODE 77
  ENVIRONMENT "PATH=/usr/sbin:/sbin:$ENV{PATH}")
