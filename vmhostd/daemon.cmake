# SPDX-License-Identifier: LGPL-2.1-or-later
add_executable(vmhostd main.c dispatch.c helpers.c access.c emulator.c)
target_link_libraries(vmhostd PRIVATE vmhost_common vmhost_proto)
install(TARGETS vmhostd DESTINATION ${CMAKE_INSTALL_SBINDIR})
