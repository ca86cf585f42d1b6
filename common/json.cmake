# SPDX-License-Identifier: LGPL-2.1-or-later
# The JSON value type (QMP); libc and libm only.
add_library(vmhost_json STATIC ${CMAKE_CURRENT_LIST_DIR}/json.c)
target_link_libraries(vmhost_json PUBLIC m)
