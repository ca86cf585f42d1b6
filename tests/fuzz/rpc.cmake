# SPDX-License-Identifier: LGPL-2.1-or-later
# libFuzzer harnesses for each service's receive path (clang, -DVMHOST_FUZZ=ON):
# frame decoder -> protobuf-c unpack -> dispatch table -> handlers, sandboxed
# (tests/fuzz/fuzz_rpc.h); 20 s each under ctest on tests/fuzz/corpus/rpc_*,
# longer runs with tests/fuzz/run-long.sh. gen_rpc_seeds writes the seeds.
if(VMHOST_FUZZ)
  set(fuzz_rpc_dir ${CMAKE_CURRENT_LIST_DIR})
  file(GLOB fuzz_rpc_base ${CMAKE_SOURCE_DIR}/common/*.c)
  # Every source of each daemon but its main.c (the harness includes that).
  foreach(d vmhostd netd secd stord)
    file(GLOB fuzz_rpc_${d} ${CMAKE_SOURCE_DIR}/${d}/*.c)
    list(REMOVE_ITEM fuzz_rpc_${d} ${CMAKE_SOURCE_DIR}/${d}/main.c)
  endforeach()

  function(vmhost_fuzz_rpc svc)
    set(t fuzz_rpc_${svc})
    add_executable(${t} ${fuzz_rpc_dir}/${t}.c ${fuzz_rpc_base} ${ARGN})
    target_link_libraries(${t} PRIVATE vmhost_proto PkgConfig::LIBEVENT
      PkgConfig::LIBCAPNG PkgConfig::LIBXML2 PkgConfig::LIBNL
      PkgConfig::LIBAPPARMOR m)
    target_compile_definitions(${t} PRIVATE
      VMHOST_DATADIR="${CMAKE_SOURCE_DIR}/data")
    target_compile_options(${t} PRIVATE
      -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=undefined)
    target_link_options(${t} PRIVATE -fsanitize=fuzzer,address,undefined)
    set(out ${CMAKE_CURRENT_BINARY_DIR}/${t})
    file(MAKE_DIRECTORY ${out}_corpus ${out}_artifacts)
    add_test(NAME ${t}
      COMMAND ${t} -max_total_time=20 -max_len=65536 -timeout=10
              -artifact_prefix=${out}_artifacts/
              ${out}_corpus ${fuzz_rpc_dir}/corpus/rpc_${svc})
    set_tests_properties(${t} PROPERTIES LABELS fuzz TIMEOUT 180)
  endfunction()

  foreach(d vmhostd netd secd stord)
    vmhost_fuzz_rpc(${d} ${fuzz_rpc_${d}})
  endforeach()
  # vmhostd opens session guests' disks with stord's code (vmhostd/daemon.cmake).
  target_sources(fuzz_rpc_vmhostd PRIVATE ${CMAKE_SOURCE_DIR}/stord/disks.c)
  find_package(ZLIB REQUIRED)	# crc32 of the definition cache (domains_cache.c)
  target_link_libraries(fuzz_rpc_vmhostd PRIVATE vmhost_probe ZLIB::ZLIB)

  add_executable(gen_rpc_seeds ${fuzz_rpc_dir}/gen_rpc_seeds.c)
  target_link_libraries(gen_rpc_seeds PRIVATE vmhost_proto)
endif()
