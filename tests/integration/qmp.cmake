# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhostd's QMP client against real QEMU (qemu-system-x86_64, TCG only).
add_executable(test_qmp ${CMAKE_CURRENT_LIST_DIR}/test_qmp.c)
target_link_libraries(test_qmp PRIVATE vmhost_qmp vmhost_json vmhost_common)
add_test(NAME integration_qmp COMMAND test_qmp)
set_tests_properties(integration_qmp PROPERTIES TIMEOUT 180 SKIP_RETURN_CODE 77)
