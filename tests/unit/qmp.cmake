# SPDX-License-Identifier: LGPL-2.1-or-later
# JSON reader/writer and QMP client against fake monitors (no QEMU needed).
# (tests/unit/json.cmake, sorted first, registered an older copy of this test.)
if(NOT TARGET test_json)
  add_executable(test_json ${CMAKE_CURRENT_LIST_DIR}/test_json.c)
  target_link_libraries(test_json PRIVATE vmhost_qmp vmhost_json vmhost_common)
  add_test(NAME unit_json_qmp COMMAND test_json)
endif()
