# SPDX-License-Identifier: LGPL-2.1-or-later
# libFuzzer harness for the network XML parser and generators (clang, -DVMHOST_FUZZ=ON).
if(VMHOST_FUZZ)
  file(GLOB fuzz_network_srcs ${CMAKE_SOURCE_DIR}/common/network_*.c)
  add_executable(fuzz_network_xml ${CMAKE_CURRENT_LIST_DIR}/fuzz_network_xml.c
    ${fuzz_network_srcs} ${CMAKE_SOURCE_DIR}/netd/dnsmasq_conf.c
    ${CMAKE_SOURCE_DIR}/netd/firewall_rules.c
    ${CMAKE_SOURCE_DIR}/netd/firewall_ipt.c)
  target_link_libraries(fuzz_network_xml PRIVATE PkgConfig::LIBXML2)
  target_compile_options(fuzz_network_xml PRIVATE
    -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer)
  target_link_options(fuzz_network_xml PRIVATE
    -fsanitize=fuzzer,address,undefined)
  add_test(NAME fuzz_network_xml
    COMMAND fuzz_network_xml -max_total_time=20 -max_len=16384
            -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/fuzz_network_xml-
            ${CMAKE_CURRENT_BINARY_DIR}/fuzz_network_xml_corpus
            ${CMAKE_CURRENT_LIST_DIR}/corpus/network)
  set_tests_properties(fuzz_network_xml PROPERTIES LABELS fuzz TIMEOUT 120)
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz_network_xml_corpus)
endif()
