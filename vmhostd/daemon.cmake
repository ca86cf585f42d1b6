# SPDX-License-Identifier: LGPL-2.1-or-later
find_package(ZLIB REQUIRED)	# crc32 of the definition cache
add_executable(vmhostd main.c commit.c journal.c dispatch.c dispatch_domain.c helpers.c access.c
  emulator.c domains.c domains_cache.c domains_load.c events.c lifecycle.c start.c start_disks.c ops.c runtime.c migrate.c
  networks.c networks_netd.c networks_update.c dispatch_network.c dispatch_storage.c
  capabilities.c dispatch_cpu.c session.c session_launch.c
  ${CMAKE_SOURCE_DIR}/stord/disks.c)
target_link_libraries(vmhostd PRIVATE vmhost_qemu_argv vmhost_domain vmhost_network vmhost_qmp
  vmhost_common vmhost_proto vmhost_cpu vmhost_probe ZLIB::ZLIB)
set(VMHOST_DATADIR "${CMAKE_SOURCE_DIR}/data" CACHE PATH
  "vmhostd's data folder (cpu_map/); the environment's VMHOST_DATADIR overrides it")
target_compile_definitions(vmhostd PRIVATE VMHOST_DATADIR="${VMHOST_DATADIR}")
install(TARGETS vmhostd DESTINATION ${CMAKE_INSTALL_SBINDIR})
