# SPDX-License-Identifier: LGPL-2.1-or-later
# Chaos (issue 9): 200 start/stop cycles of guests and networks while daemons,
# dnsmasq and emulators are killed at random (seeded; VMHOST_CHAOS_SEED replays).
add_test(NAME integration_chaos
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/chaos.sh)
set_tests_properties(integration_chaos PROPERTIES
  ENVIRONMENT "VMHOST_GUEST=${CMAKE_SOURCE_DIR}/tests/guest/cache"
  FIXTURES_REQUIRED vmhost_guest TIMEOUT 900 RUN_SERIAL TRUE)
