# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhost-netd for real, as root dropping to vmhost-net, inside a network
# namespace the test creates and removes (never the host's own).
add_executable(test_netd ${CMAKE_CURRENT_LIST_DIR}/test_netd.c)
target_link_libraries(test_netd PRIVATE vmhost_common vmhost_proto vmhost_netconf)
add_test(NAME integration_netd
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/test_netd.sh
          $<TARGET_FILE:vmhost-netd> $<TARGET_FILE:test_netd>
          ${CMAKE_SOURCE_DIR}/data/networks/default.xml)
set_tests_properties(integration_netd PROPERTIES
  LABELS integration TIMEOUT 300 RUN_SERIAL TRUE SKIP_RETURN_CODE 77
  ENVIRONMENT "PATH=/usr/sbin:/sbin:$ENV{PATH}")
