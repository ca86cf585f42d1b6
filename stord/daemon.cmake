# SPDX-License-Identifier: LGPL-2.1-or-later
add_executable(vmhost-stord main.c)
target_link_libraries(vmhost-stord PRIVATE vmhost_common vmhost_proto)
install(TARGETS vmhost-stord DESTINATION ${CMAKE_INSTALL_SBINDIR})
