# SPDX-License-Identifier: LGPL-2.1-or-later
# Network golden tests: dnsmasq configs against libvirt 9.0.0's
# networkxml2confdata (one test per input), dnsmasq --test on each, and
# nftables rulesets against networkxml2firewalldata in meaning.
set(NETDATA ${VMHOST_TEST_DATA}/network)

add_executable(test_dnsmasq_conf ${CMAKE_CURRENT_LIST_DIR}/test_dnsmasq_conf.c)
target_link_libraries(test_dnsmasq_conf PRIVATE vmhost_netconf)

# Cases whose lines match libvirt's only as a multiset (order differs).
set(DNSMASQ_MULTISET_ONLY)

find_program(DNSMASQ_BIN dnsmasq PATHS /usr/sbin /sbin)
file(GLOB confcases ${NETDATA}/networkxml2confdata/*.xml)
list(SORT confcases)
foreach(xml ${confcases})
  get_filename_component(case ${xml} NAME_WE)
  set(mode exact)
  if(case IN_LIST DNSMASQ_MULTISET_ONLY)
    set(mode multiset)
  endif()
  add_test(NAME golden.dnsmasq_conf.${case}
    COMMAND test_dnsmasq_conf ${mode} ${NETDATA}/networkxml2confdata ${case})
  if(DNSMASQ_BIN)
    add_test(NAME golden.dnsmasq_syntax.${case}
      COMMAND test_dnsmasq_conf syntax ${NETDATA}/networkxml2confdata ${case})
    set_tests_properties(golden.dnsmasq_syntax.${case} PROPERTIES
      ENVIRONMENT "PATH=/usr/sbin:/sbin:$ENV{PATH}")
  endif()
endforeach()
if(DNSMASQ_BIN)
  # libvirt's case passes the made-up option "foo=bar" through on purpose:
  # the real dnsmasq must refuse it (which shows --test really parses).
  set_tests_properties(golden.dnsmasq_syntax.dnsmasq-options PROPERTIES
    WILL_FAIL TRUE)
endif()

add_executable(test_firewall_rules ${CMAKE_CURRENT_LIST_DIR}/test_firewall_rules.c)
target_link_libraries(test_firewall_rules PRIVATE vmhost_netconf)
find_program(NFT_BIN nft PATHS /usr/sbin /sbin)
file(GLOB fwcases ${NETDATA}/networkxml2firewalldata/*.xml)
list(SORT fwcases)
foreach(xml ${fwcases})
  get_filename_component(case ${xml} NAME_WE)
  add_test(NAME golden.firewall_meaning.${case}
    COMMAND test_firewall_rules meaning ${NETDATA}/networkxml2firewalldata ${case})
  # the iptables fallback: restore input in meaning, then applied for real
  # (iptables-legacy and iptables-nft) inside unshare(CLONE_NEWNET) only
  add_test(NAME golden.firewall_ipt_meaning.${case}
    COMMAND test_firewall_rules ipt ${NETDATA}/networkxml2firewalldata ${case})
  add_test(NAME golden.firewall_iptables.${case}
    COMMAND test_firewall_rules iptrun ${NETDATA}/networkxml2firewalldata ${case})
  set_tests_properties(golden.firewall_iptables.${case} PROPERTIES
    SKIP_RETURN_CODE 77 ENVIRONMENT "PATH=/usr/sbin:/sbin:$ENV{PATH}")
  if(NFT_BIN)
    # nft -c, then apply/re-apply/delete, inside unshare --net only
    add_test(NAME golden.firewall_nft.${case}
      COMMAND test_firewall_rules nft ${NETDATA}/networkxml2firewalldata ${case})
    set_tests_properties(golden.firewall_nft.${case} PROPERTIES
      SKIP_RETURN_CODE 77 ENVIRONMENT "PATH=/usr/sbin:/sbin:$ENV{PATH}")
  endif()
endforeach()

# vmhost's own full-featured case (nat address/ports, forward dev, NAT66,
# DHCPv6, TFTP, DNS records, dnsmasq passthrough): dnsmasq and nft accept it.
set(VMHOST_NETDATA ${NETDATA}/vmhost)
if(DNSMASQ_BIN)
  add_test(NAME golden.dnsmasq_syntax.vmhost-full-featured
    COMMAND test_dnsmasq_conf syntax ${VMHOST_NETDATA} full-featured)
  set_tests_properties(golden.dnsmasq_syntax.vmhost-full-featured PROPERTIES
    ENVIRONMENT "PATH=/usr/sbin:/sbin:$ENV{PATH}")
endif()
add_test(NAME golden.firewall_iptables.vmhost-full-featured
  COMMAND test_firewall_rules iptrun ${VMHOST_NETDATA} full-featured)
set_tests_properties(golden.firewall_iptables.vmhost-full-featured PROPERTIES
  SKIP_RETURN_CODE 77 ENVIRONMENT "PATH=/usr/sbin:/sbin:$ENV{PATH}")
if(NFT_BIN)
  add_test(NAME golden.firewall_nft.vmhost-full-featured
    COMMAND test_firewall_rules nft ${VMHOST_NETDATA} full-featured)
  set_tests_properties(golden.firewall_nft.vmhost-full-featured PROPERTIES
    SKIP_RETURN_CODE 77 ENVIRONMENT "PATH=/usr/sbin:/sbin:$ENV{PATH}")
endif()
