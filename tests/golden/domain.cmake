# SPDX-License-Identifier: LGPL-2.1-or-later
# Every libvirt domain input: accepted and round-tripped, or refused by name.
add_executable(test_domain_conformance
  ${CMAKE_CURRENT_LIST_DIR}/test_domain_conformance.c)
target_link_libraries(test_domain_conformance vmhost_domain)
add_test(NAME domain_conformance
  COMMAND test_domain_conformance ${VMHOST_TEST_DATA}/domain)

# The golden argvs, started for real in qemu-system-x86_64 -S (fds, fdsets
# and a qcow2 chain created by the script); skipped without QEMU.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND)
  add_test(NAME qemu_argv_run
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/qemu_argv_run.py
            ${VMHOST_TEST_DATA}/qemu_argv)
  set_tests_properties(qemu_argv_run PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
endif()
