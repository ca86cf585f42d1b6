# SPDX-License-Identifier: LGPL-2.1-or-later
# The systemd units: systemd-analyze verify and security scores against the
# targets, and each daemon started as its unit says (setpriv, no systemd); a
# guest boot through them when the test guest is built (tests/guest/cache).
add_test(NAME integration_systemd
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/systemd.sh ${CMAKE_BINARY_DIR})
set_tests_properties(integration_systemd PROPERTIES
  ENVIRONMENT "VMHOST_GUEST=${CMAKE_SOURCE_DIR}/tests/guest/cache"
  TIMEOUT 300 RUN_SERIAL TRUE)
