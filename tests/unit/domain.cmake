# SPDX-License-Identifier: LGPL-2.1-or-later
# Domain XML parser and QEMU argv builder unit tests.
add_executable(test_domain_xml ${CMAKE_CURRENT_LIST_DIR}/test_domain_xml.c)
target_link_libraries(test_domain_xml vmhost_domain)
add_test(NAME domain_xml COMMAND test_domain_xml)

add_executable(test_qemu_argv ${CMAKE_CURRENT_LIST_DIR}/test_qemu_argv.c)
target_link_libraries(test_qemu_argv vmhost_qemu_argv)
add_test(NAME qemu_argv
  COMMAND test_qemu_argv ${VMHOST_TEST_DATA}/qemu_argv)
