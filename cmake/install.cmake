# SPDX-License-Identifier: LGPL-2.1-or-later
# What `cmake --install` (and the Debian package, debian/rules) puts where,
# besides the binaries, the library, its header and vmhost.pc (installed by
# their own folders' CMakeLists):
#
#   /lib/systemd/system/*.service         systemd/ (ExecStart=/usr/sbin/...)
#   /usr/lib/tmpfiles.d/vmhost.conf       systemd/vmhost.tmpfiles
#   /etc/vmhost/*.conf                    data/etc/ (commented defaults)
#   /etc/apparmor.d/abstractions/vmhost-qemu   data/apparmor/abstractions/
#   /usr/share/vmhost/apparmor/TEMPLATE   data/apparmor/TEMPLATE
#   /usr/share/vmhost/cpu_map/            data/cpu_map/
#   /usr/share/vmhost/networks/default.xml data/networks/
#   /usr/share/man/man{1,8}/              man/ (pandoc, VMHOST_MAN)
#   /usr/share/bash-completion/completions/vmhost   cli/vmhost.bash-completion
#   /usr/share/doc/vmhost/*.md            docs/
#
# The daemons find their data in VMHOST_DATADIR (vmhostd/daemon.cmake,
# secd/daemon.cmake), which defaults to the source tree's data/ so that a
# build tree works: set -DVMHOST_DATADIR=/usr/share/vmhost (debian/rules
# does) when building something to install.

set(VMHOST_SYSTEMD_UNIT_DIR "/lib/systemd/system" CACHE PATH
  "Where the systemd units are installed")
set(VMHOST_TMPFILES_DIR "/usr/lib/tmpfiles.d" CACHE PATH
  "Where vmhost.conf for systemd-tmpfiles is installed")
set(VMHOST_BASH_COMPLETION_DIR "${CMAKE_INSTALL_FULL_DATADIR}/bash-completion/completions"
  CACHE PATH "Where the bash completion for vmhost is installed")
set(VMHOST_APPARMOR_DIR "${CMAKE_INSTALL_FULL_SYSCONFDIR}/apparmor.d" CACHE PATH
  "AppArmor's folder (the abstraction goes to abstractions/)")
set(vmhost_share "${CMAKE_INSTALL_DATADIR}/vmhost")

install(FILES
  ${CMAKE_SOURCE_DIR}/systemd/vmhostd.service
  ${CMAKE_SOURCE_DIR}/systemd/vmhost-netd.service
  ${CMAKE_SOURCE_DIR}/systemd/vmhost-secd.service
  ${CMAKE_SOURCE_DIR}/systemd/vmhost-stord.service
  DESTINATION ${VMHOST_SYSTEMD_UNIT_DIR})
install(FILES ${CMAKE_SOURCE_DIR}/systemd/vmhost.tmpfiles
  DESTINATION ${VMHOST_TMPFILES_DIR} RENAME vmhost.conf)

install(FILES
  ${CMAKE_SOURCE_DIR}/data/etc/qemu.conf
  ${CMAKE_SOURCE_DIR}/data/etc/stord.conf
  ${CMAKE_SOURCE_DIR}/data/etc/bridge.conf
  ${CMAKE_SOURCE_DIR}/data/etc/acl.conf
  DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/vmhost)

install(FILES ${CMAKE_SOURCE_DIR}/data/apparmor/abstractions/vmhost-qemu
  DESTINATION ${VMHOST_APPARMOR_DIR}/abstractions)
install(FILES ${CMAKE_SOURCE_DIR}/data/apparmor/TEMPLATE
  DESTINATION ${vmhost_share}/apparmor)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/data/cpu_map
  DESTINATION ${vmhost_share} FILES_MATCHING PATTERN "*.xml")
install(FILES ${CMAKE_SOURCE_DIR}/data/networks/default.xml
  DESTINATION ${vmhost_share}/networks)

install(FILES ${CMAKE_SOURCE_DIR}/cli/vmhost.bash-completion
  DESTINATION ${VMHOST_BASH_COMPLETION_DIR} RENAME vmhost)

install(FILES
  ${CMAKE_SOURCE_DIR}/docs/config.md
  ${CMAKE_SOURCE_DIR}/docs/remote.md
  ${CMAKE_SOURCE_DIR}/docs/systemd.md
  ${CMAKE_SOURCE_DIR}/docs/vmhostd.md
  ${CMAKE_SOURCE_DIR}/docs/vmhost-netd.md
  ${CMAKE_SOURCE_DIR}/docs/vmhost-secd.md
  ${CMAKE_SOURCE_DIR}/docs/vmhost-stord.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Man pages: man/*.md (and docs/vmhost.1.md) through pandoc. AUTO builds them
# when pandoc is there; ON requires it (the package build).
set(VMHOST_MAN AUTO CACHE STRING "Build the man pages with pandoc (ON, OFF, AUTO)")
find_program(PANDOC pandoc)
if(VMHOST_MAN STREQUAL "AUTO")
  set(vmhost_build_man ${PANDOC})
elseif(VMHOST_MAN)
  if(NOT PANDOC)
    message(FATAL_ERROR "VMHOST_MAN=ON but pandoc is missing (apt-get install pandoc)")
  endif()
  set(vmhost_build_man ON)
else()
  set(vmhost_build_man OFF)
endif()
if(vmhost_build_man)
  set(vmhost_man_pages
    "${CMAKE_SOURCE_DIR}/docs/vmhost.1.md|vmhost.1"
    "${CMAKE_SOURCE_DIR}/man/vmhostd.8.md|vmhostd.8"
    "${CMAKE_SOURCE_DIR}/man/vmhost-netd.8.md|vmhost-netd.8"
    "${CMAKE_SOURCE_DIR}/man/vmhost-secd.8.md|vmhost-secd.8"
    "${CMAKE_SOURCE_DIR}/man/vmhost-stord.8.md|vmhost-stord.8")
  set(vmhost_man_outputs "")
  foreach(p ${vmhost_man_pages})
    string(REPLACE "|" ";" p "${p}")
    list(GET p 0 src)
    list(GET p 1 page)
    string(REGEX REPLACE ".*\\.([0-9])$" "\\1" sect "${page}")
    set(out ${CMAKE_BINARY_DIR}/man/${page})
    add_custom_command(OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND ${CMAKE_SOURCE_DIR}/man/md2man.sh ${PANDOC} ${src} ${out} ${PROJECT_VERSION}
      DEPENDS ${src} ${CMAKE_SOURCE_DIR}/man/md2man.sh
      COMMENT "man page ${page}" VERBATIM)
    list(APPEND vmhost_man_outputs ${out})
    install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${sect})
  endforeach()
  add_custom_target(man ALL DEPENDS ${vmhost_man_outputs})
endif()
