# SPDX-License-Identifier: LGPL-2.1-or-later
add_test(NAME integration_domains
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/domains.sh)
set_tests_properties(integration_domains PROPERTIES
  ENVIRONMENT "VMHOST_GUEST=${CMAKE_SOURCE_DIR}/tests/guest/cache;VMHOST_DOMAIN_CORPUS=${CMAKE_SOURCE_DIR}/tests/data/domain/qemuxml2argvdata"
  FIXTURES_REQUIRED vmhost_guest TIMEOUT 600 RUN_SERIAL TRUE)
