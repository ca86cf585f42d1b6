# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhost-stord through the whole stack: pool volumes, prepare-disks descriptors,
# remembered owners across a restart, migrate-disks, hostile input.
add_executable(stord_client ${CMAKE_CURRENT_LIST_DIR}/stord_client.c)
target_link_libraries(stord_client PRIVATE vmhost_common vmhost_proto)
add_test(NAME integration_stord
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/stack --build ${CMAKE_BINARY_DIR} --
          ${CMAKE_CURRENT_LIST_DIR}/stord.sh)
set_tests_properties(integration_stord PROPERTIES
  ENVIRONMENT "STORD_CLIENT=$<TARGET_FILE:stord_client>"
  TIMEOUT 300 RUN_SERIAL TRUE)
