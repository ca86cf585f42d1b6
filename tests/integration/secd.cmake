# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhost-secd launching real QEMU as vmhost-qemu for a client running as vmhost.
add_executable(test_secd_launch ${CMAKE_CURRENT_LIST_DIR}/test_secd_launch.c)
target_link_libraries(test_secd_launch PRIVATE vmhost_common vmhost_proto)
add_test(NAME integration_secd_launch
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/secd-launch.sh
          $<TARGET_FILE:vmhost-secd> $<TARGET_FILE:test_secd_launch>)
set_tests_properties(integration_secd_launch PROPERTIES TIMEOUT 120 RUN_SERIAL TRUE)
