# SPDX-License-Identifier: LGPL-2.1-or-later
# libFuzzer harness for acl.conf's parser and matcher (vmhostd/acl.c; clang, -DVMHOST_FUZZ=ON).
if(VMHOST_FUZZ)
  add_executable(fuzz_acl ${CMAKE_CURRENT_LIST_DIR}/fuzz_acl.c
    ${CMAKE_SOURCE_DIR}/vmhostd/acl.c ${CMAKE_SOURCE_DIR}/common/log.c
    ${CMAKE_SOURCE_DIR}/common/fileio.c)
  target_compile_options(fuzz_acl PRIVATE
    -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer)
  target_link_options(fuzz_acl PRIVATE -fsanitize=fuzzer,address,undefined)
  add_test(NAME fuzz_acl
    COMMAND fuzz_acl -max_total_time=20 -max_len=8192
            -dict=${CMAKE_CURRENT_LIST_DIR}/corpus/acl.dict
            -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/fuzz_acl-
            ${CMAKE_CURRENT_BINARY_DIR}/fuzz_acl_corpus
            ${CMAKE_CURRENT_LIST_DIR}/corpus/acl)
  set_tests_properties(fuzz_acl PROPERTIES LABELS fuzz TIMEOUT 120)
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz_acl_corpus)
endif()
