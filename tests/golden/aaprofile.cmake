# SPDX-License-Identifier: LGPL-2.1-or-later
# secd: per-guest AppArmor profiles against golden files, compiled by the
# real apparmor_parser in its no-load mode.
add_executable(aaprofile_gen ${CMAKE_CURRENT_LIST_DIR}/aaprofile_gen.c)
target_link_libraries(aaprofile_gen PRIVATE vmhost_aaprofile)
find_program(APPARMOR_PARSER apparmor_parser PATHS /sbin /usr/sbin)
if(APPARMOR_PARSER)
  add_test(NAME golden_aa_profile
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/aaprofile.sh
      $<TARGET_FILE:aaprofile_gen> ${VMHOST_TEST_DATA}/apparmor
      ${CMAKE_CURRENT_LIST_DIR}/../../data/apparmor)
else()
  message(STATUS "apparmor_parser not found: golden_aa_profile skipped")
endif()
