# SPDX-License-Identifier: LGPL-2.1-or-later
add_executable(vmhost-netd main.c)
target_link_libraries(vmhost-netd PRIVATE vmhost_common vmhost_proto)
install(TARGETS vmhost-netd DESTINATION ${CMAKE_INSTALL_SBINDIR})
