# SPDX-License-Identifier: LGPL-2.1-or-later
# The privilege boundary walked in one place (privilege_boundary.sh): a compromised
# vmhostd against every helper, inside scripts/stack. It drives the helpers with
# boundary_client and, where they exist, the clients of the netd and stord tests
# (test_netd, stord_client), so it is registered once every fragment is read.
add_executable(boundary_client ${CMAKE_CURRENT_LIST_DIR}/boundary_client.c)
target_link_libraries(boundary_client PRIVATE vmhost_common vmhost_proto)
set(vmhost_boundary_dir ${CMAKE_CURRENT_LIST_DIR})
function(vmhost_boundary_test)
  if(NOT TARGET test_netd OR NOT TARGET stord_client)
    message(STATUS "integration_privilege_boundary: needs tests/integration/netd.cmake and stord.cmake")
    return()
  endif()
  add_test(NAME integration_privilege_boundary
    COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
            ${vmhost_boundary_dir}/privilege_boundary.sh)
  set_tests_properties(integration_privilege_boundary PROPERTIES
    ENVIRONMENT "BOUNDARY_CLIENT=$<TARGET_FILE:boundary_client>;NETD_CLIENT=$<TARGET_FILE:test_netd>;STORD_CLIENT=$<TARGET_FILE:stord_client>;PATH=/usr/sbin:/sbin:$ENV{PATH}"
    TIMEOUT 300 RUN_SERIAL TRUE)
endfunction()
cmake_language(DEFER CALL vmhost_boundary_test)
