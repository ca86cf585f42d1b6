# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhost-secd launching real QEMU as vmhost-qemu for a client running as vmhost.
add_executable(test_secd_launch ${CMAKE_CURRENT_LIST_DIR}/test_secd_launch.c)
target_link_libraries(test_secd_launch PRIVATE vmhost_common vmhost_proto)
add_test(NAME integration_secd_launch
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/secd-launch.sh
          $<TARGET_FILE:vmhost-secd> $<TARGET_FILE:test_secd_launch>)
set_tests_properties(integration_secd_launch PROPERTIES TIMEOUT 120 RUN_SERIAL TRUE)
target_sources(test_secd_launch PRIVATE ${CMAKE_SOURCE_DIR}/secd/emulator_policy.c)
# vmhostd's argv (golden files) passes secd's policy, and needs its descriptors.
file(GLOB secd_golden_args ${VMHOST_TEST_DATA}/qemu_argv/*.args)
add_test(NAME integration_secd_policy_vmhostd_argv
  COMMAND test_secd_launch policy ${secd_golden_args})
