# SPDX-License-Identifier: LGPL-2.1-or-later
# The guests' device ACL through the v1 devices controller and the v2 eBPF
# device program, with a real guest launched by secd (tests/integration/secd-cgroups.sh).
add_test(NAME integration_secd_cgroups
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/secd-stack.sh ${CMAKE_BINARY_DIR} -
          ${CMAKE_CURRENT_LIST_DIR}/secd-cgroups.sh)
set_tests_properties(integration_secd_cgroups PROPERTIES TIMEOUT 180 RUN_SERIAL TRUE)
# The pieces against the real kernel: ACL rules from paths (hostile: relative,
# not a device, too many), and the eBPF program's semantics (exact device,
# read-only, wildcard minor, wildcard major and minor vs a block node, no rule)
# in scratch v2 folders.
add_executable(test_secd_devprog ${CMAKE_CURRENT_LIST_DIR}/test_secd_devprog.c
  ${CMAKE_SOURCE_DIR}/secd/cgroup.c)
target_link_libraries(test_secd_devprog PRIVATE vmhost_common)
add_test(NAME integration_secd_devprog COMMAND test_secd_devprog)
set_tests_properties(integration_secd_devprog PROPERTIES TIMEOUT 60)
