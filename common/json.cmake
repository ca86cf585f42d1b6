# SPDX-License-Identifier: LGPL-2.1-or-later
add_library(vmhost_json STATIC ${CMAKE_CURRENT_LIST_DIR}/json.c)
