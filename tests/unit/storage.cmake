# SPDX-License-Identifier: LGPL-2.1-or-later
# Unit tests of stord's header readers, chain walk and qcow2 writer.
add_executable(test_probe ${CMAKE_CURRENT_LIST_DIR}/test_probe.c)
target_link_libraries(test_probe PRIVATE vmhost_probe)
add_test(NAME unit_probe COMMAND test_probe)
set_tests_properties(unit_probe PROPERTIES LABELS unit TIMEOUT 60)

add_executable(test_probe_chain ${CMAKE_CURRENT_LIST_DIR}/test_probe_chain.c)
target_link_libraries(test_probe_chain PRIVATE vmhost_probe)
add_test(NAME unit_probe_chain
  COMMAND test_probe_chain ${VMHOST_TEST_DATA}/storage/virstoragetestdata)
set_tests_properties(unit_probe_chain PROPERTIES LABELS unit TIMEOUT 60)
