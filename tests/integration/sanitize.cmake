# SPDX-License-Identifier: LGPL-2.1-or-later
# The sanitizer pass: only in a -DVMHOST_SANITIZE=ON build (scripts/test makes
# build-fuzz one and runs this there): the four daemons under ASan+UBSan+LSan through
# a domain's and a network's lifecycle, zero reports.
if(VMHOST_SANITIZE)
  add_test(NAME integration_sanitize
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/sanitize-run.sh ${CMAKE_BINARY_DIR}
            ${CMAKE_CURRENT_LIST_DIR}/sanitize.sh)
  set_tests_properties(integration_sanitize PROPERTIES
    ENVIRONMENT "VMHOST_GUEST=${CMAKE_SOURCE_DIR}/tests/guest/cache"
    FIXTURES_REQUIRED vmhost_guest TIMEOUT 600 RUN_SERIAL TRUE)
endif()
