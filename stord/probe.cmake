# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhost_probe: stord's image header readers, backing chains and qcow2
# creation.  Pure code on fds, libc only, so tests and fuzzers link it alone.
add_library(vmhost_probe STATIC
  ${CMAKE_CURRENT_LIST_DIR}/probe.c
  ${CMAKE_CURRENT_LIST_DIR}/qcow2.c
  ${CMAKE_CURRENT_LIST_DIR}/qed.c
  ${CMAKE_CURRENT_LIST_DIR}/vmdk.c
  ${CMAKE_CURRENT_LIST_DIR}/vdi.c
  ${CMAKE_CURRENT_LIST_DIR}/vpc.c
  ${CMAKE_CURRENT_LIST_DIR}/vhdx.c
  ${CMAKE_CURRENT_LIST_DIR}/luks.c
  ${CMAKE_CURRENT_LIST_DIR}/iso.c
  ${CMAKE_CURRENT_LIST_DIR}/legacy.c
  ${CMAKE_CURRENT_LIST_DIR}/chain.c
  ${CMAKE_CURRENT_LIST_DIR}/qcow2_create.c)
target_include_directories(vmhost_probe PUBLIC ${CMAKE_SOURCE_DIR})
