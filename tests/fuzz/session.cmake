# SPDX-License-Identifier: LGPL-2.1-or-later
# libFuzzer harness for bridge.conf's parser (netd/bridge_conf.c; clang, -DVMHOST_FUZZ=ON).
if(VMHOST_FUZZ)
  add_executable(fuzz_bridge_conf ${CMAKE_CURRENT_LIST_DIR}/fuzz_bridge_conf.c
    ${CMAKE_SOURCE_DIR}/netd/bridge_conf.c ${CMAKE_SOURCE_DIR}/common/log.c
    ${CMAKE_SOURCE_DIR}/common/fileio.c)
  target_compile_options(fuzz_bridge_conf PRIVATE
    -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer)
  target_link_options(fuzz_bridge_conf PRIVATE -fsanitize=fuzzer,address,undefined)
  add_test(NAME fuzz_bridge_conf
    COMMAND fuzz_bridge_conf -max_total_time=20 -max_len=4096
            -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/fuzz_bridge_conf-
            ${CMAKE_CURRENT_BINARY_DIR}/fuzz_bridge_conf_corpus
            ${CMAKE_CURRENT_LIST_DIR}/corpus/bridge_conf)
  set_tests_properties(fuzz_bridge_conf PROPERTIES LABELS fuzz TIMEOUT 120)
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz_bridge_conf_corpus)
endif()
