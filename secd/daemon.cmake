# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhost-secd: emulator launch (launch.c, emulator_policy.c) and profiles.
# VMHOST_DATADIR holds apparmor/TEMPLATE for --print-profile (the source
# tree's data/ by default, so that the build tree works; set it when installing).
set(VMHOST_DATADIR "${CMAKE_SOURCE_DIR}/data" CACHE PATH
  "Folder with the shipped data (apparmor/TEMPLATE)")
add_executable(vmhost-secd main.c launch.c cgroup.c confine.c users.c emulator_policy.c)
target_compile_definitions(vmhost-secd PRIVATE
  VMHOST_DATADIR="${VMHOST_DATADIR}")
target_link_libraries(vmhost-secd PRIVATE vmhost_common vmhost_proto
  vmhost_aaprofile vmhost_domain PkgConfig::LIBCAPNG PkgConfig::LIBEVENT)
install(TARGETS vmhost-secd DESTINATION ${CMAKE_INSTALL_SBINDIR})
