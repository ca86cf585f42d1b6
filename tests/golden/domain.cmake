# SPDX-License-Identifier: LGPL-2.1-or-later
# Every libvirt domain input: accepted and round-tripped, or refused by name.
add_executable(test_domain_conformance
  ${CMAKE_CURRENT_LIST_DIR}/test_domain_conformance.c)
target_link_libraries(test_domain_conformance vmhost_domain)
add_test(NAME domain_conformance
  COMMAND test_domain_conformance ${VMHOST_TEST_DATA}/domain)
