# SPDX-License-Identifier: LGPL-2.1-or-later
add_executable(vmhost-stord main.c disks.c service.c pool.c owner.c offline.c)
target_link_libraries(vmhost-stord PRIVATE vmhost_probe vmhost_domain vmhost_common vmhost_proto)
install(TARGETS vmhost-stord DESTINATION ${CMAKE_INSTALL_SBINDIR})
