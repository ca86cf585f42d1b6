# SPDX-License-Identifier: LGPL-2.1-or-later
add_library(vmhost_qmp STATIC ${CMAKE_CURRENT_LIST_DIR}/qmp.c)
target_link_libraries(vmhost_qmp PUBLIC vmhost_json vmhost_common PkgConfig::LIBEVENT)
