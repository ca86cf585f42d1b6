# SPDX-License-Identifier: LGPL-2.1-or-later
# libFuzzer harnesses for the base of vmhost_common (clang, -DVMHOST_FUZZ=ON).
if(VMHOST_FUZZ)
  add_executable(fuzz_conf ${CMAKE_CURRENT_LIST_DIR}/fuzz_conf.c
    ${CMAKE_SOURCE_DIR}/common/conf.c ${CMAKE_SOURCE_DIR}/common/log.c
    ${CMAKE_SOURCE_DIR}/common/fileio.c)
  target_compile_options(fuzz_conf PRIVATE
    -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer)
  target_link_options(fuzz_conf PRIVATE -fsanitize=fuzzer,address,undefined)
  add_test(NAME fuzz_conf
    COMMAND fuzz_conf -max_total_time=20 -max_len=4096
            -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/fuzz_conf-
            ${CMAKE_CURRENT_BINARY_DIR}/fuzz_conf_corpus
            ${CMAKE_CURRENT_LIST_DIR}/corpus/conf)
  set_tests_properties(fuzz_conf PROPERTIES LABELS fuzz TIMEOUT 120)
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz_conf_corpus)
endif()
