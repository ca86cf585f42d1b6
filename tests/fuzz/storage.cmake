# SPDX-License-Identifier: LGPL-2.1-or-later
# libFuzzer harness for every stord header reader (clang, -DVMHOST_FUZZ=ON).
if(VMHOST_FUZZ)
  file(GLOB fuzz_probe_srcs ${CMAKE_SOURCE_DIR}/stord/probe.c
    ${CMAKE_SOURCE_DIR}/stord/qcow2.c ${CMAKE_SOURCE_DIR}/stord/qed.c
    ${CMAKE_SOURCE_DIR}/stord/vmdk.c ${CMAKE_SOURCE_DIR}/stord/vdi.c
    ${CMAKE_SOURCE_DIR}/stord/vpc.c ${CMAKE_SOURCE_DIR}/stord/vhdx.c
    ${CMAKE_SOURCE_DIR}/stord/luks.c ${CMAKE_SOURCE_DIR}/stord/iso.c
    ${CMAKE_SOURCE_DIR}/stord/legacy.c)
  add_executable(fuzz_probe ${CMAKE_CURRENT_LIST_DIR}/fuzz_probe.c
    ${fuzz_probe_srcs})
  target_compile_options(fuzz_probe PRIVATE
    -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer)
  target_link_options(fuzz_probe PRIVATE -fsanitize=fuzzer,address,undefined)
  add_test(NAME fuzz_probe
    COMMAND fuzz_probe -max_total_time=20 -max_len=8192
            -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe-
            ${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe_corpus
            ${CMAKE_CURRENT_LIST_DIR}/corpus/probe)
  set_tests_properties(fuzz_probe PROPERTIES LABELS fuzz TIMEOUT 120)
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe_corpus)
endif()
