# SPDX-License-Identifier: LGPL-2.1-or-later
# QEMU command line builder (pure function of a definition + launch state).
add_library(vmhost_qemu_argv STATIC ${CMAKE_CURRENT_LIST_DIR}/qemu_argv.c
  ${CMAKE_CURRENT_LIST_DIR}/qemu_argv_dev.c)
target_link_libraries(vmhost_qemu_argv PUBLIC vmhost_domain)
