# SPDX-License-Identifier: LGPL-2.1-or-later
add_executable(vmhost-secd main.c)
target_link_libraries(vmhost-secd PRIVATE vmhost_common vmhost_proto)
install(TARGETS vmhost-secd DESTINATION ${CMAKE_INSTALL_SBINDIR})
