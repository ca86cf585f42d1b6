# SPDX-License-Identifier: LGPL-2.1-or-later
# libFuzzer harness for the JSON reader/writer and the QMP client's line
# handling (clang, -DVMHOST_FUZZ=ON); 20 s on the seed corpus under ctest.
# (tests/fuzz/json.cmake, sorted first, registered an older copy of it.)
if(VMHOST_FUZZ AND NOT TARGET fuzz_json)
  add_executable(fuzz_json ${CMAKE_CURRENT_LIST_DIR}/fuzz_json.c
    ${CMAKE_SOURCE_DIR}/common/json.c ${CMAKE_SOURCE_DIR}/vmhostd/qmp.c
    ${CMAKE_SOURCE_DIR}/common/log.c)
  target_link_libraries(fuzz_json PRIVATE PkgConfig::LIBEVENT m)
  target_compile_options(fuzz_json PRIVATE
    -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(fuzz_json PRIVATE -fsanitize=fuzzer,address,undefined)
  add_test(NAME fuzz_json
    COMMAND fuzz_json -max_total_time=20 -max_len=16384 -timeout=10
            -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/fuzz_json-
            ${CMAKE_CURRENT_BINARY_DIR}/fuzz_json_corpus
            ${CMAKE_CURRENT_LIST_DIR}/corpus/json)
  set_tests_properties(fuzz_json PROPERTIES LABELS fuzz TIMEOUT 120)
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz_json_corpus)
endif()
