# SPDX-License-Identifier: LGPL-2.1-or-later
# libFuzzer harness for the domain XML parser/formatter and argv builder.
if(VMHOST_FUZZ)
  add_executable(fuzz_domain_xml ${CMAKE_CURRENT_LIST_DIR}/fuzz_domain_xml.c
    ${CMAKE_SOURCE_DIR}/common/domain_load.c
    ${CMAKE_SOURCE_DIR}/common/domain_xml.c
    ${CMAKE_SOURCE_DIR}/common/domain_cpu.c
    ${CMAKE_SOURCE_DIR}/common/domain_devices.c
    ${CMAKE_SOURCE_DIR}/common/domain_check.c
    ${CMAKE_SOURCE_DIR}/common/domain_format.c
    ${CMAKE_SOURCE_DIR}/vmhostd/qemu_argv.c
    ${CMAKE_SOURCE_DIR}/vmhostd/qemu_argv_dev.c)
  target_link_libraries(fuzz_domain_xml PkgConfig::LIBXML2)
  target_compile_options(fuzz_domain_xml PRIVATE
    -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer)
  target_link_options(fuzz_domain_xml PRIVATE
    -fsanitize=fuzzer,address,undefined)
  add_test(NAME fuzz_domain_xml
    COMMAND fuzz_domain_xml -max_total_time=20 -max_len=16384
            -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/fuzz_domain_xml-
            ${CMAKE_CURRENT_BINARY_DIR}/fuzz_domain_xml_corpus
            ${CMAKE_CURRENT_LIST_DIR}/corpus/domain)
  set_tests_properties(fuzz_domain_xml PROPERTIES LABELS fuzz TIMEOUT 120)
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz_domain_xml_corpus)
endif()
