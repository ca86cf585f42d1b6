# SPDX-License-Identifier: LGPL-2.1-or-later
# The Debian package: built with dpkg-buildpackage from a copy of the source
# tree, lintian, installed, its daemons started as their installed units say,
# the CLI against them, an upgrade (migrate-disks), dnsmasq interop, purged.
# Installs and removes packages on this machine: run alone.
add_test(NAME integration_debian
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/debian.sh ${CMAKE_BINARY_DIR})
set_tests_properties(integration_debian PROPERTIES
  ENVIRONMENT "VMHOST_GUEST=${CMAKE_SOURCE_DIR}/tests/guest/cache"
  TIMEOUT 2400 RUN_SERIAL TRUE)
