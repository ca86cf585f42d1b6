# SPDX-License-Identifier: LGPL-2.1-or-later
# stord's probe against qemu-img over a corpus built at test time.
add_executable(vmhost-probe-tool ${CMAKE_CURRENT_LIST_DIR}/probe_tool.c)
target_link_libraries(vmhost-probe-tool PRIVATE vmhost_probe)
find_program(QEMU_IMG qemu-img)
find_program(PYTHON3 python3)
if(QEMU_IMG AND PYTHON3)
  add_test(NAME integration_storage_probe
    COMMAND ${PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/storage_probe.py
            $<TARGET_FILE:vmhost-probe-tool>)
  set_tests_properties(integration_storage_probe PROPERTIES
    LABELS integration TIMEOUT 300)
endif()
