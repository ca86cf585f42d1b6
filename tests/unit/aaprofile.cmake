# SPDX-License-Identifier: LGPL-2.1-or-later
# secd: AppArmor profile generation and path validation.
add_executable(test_aa_profile ${CMAKE_CURRENT_LIST_DIR}/test_aa_profile.c)
target_link_libraries(test_aa_profile PRIVATE vmhost_aaprofile)
add_test(NAME unit_aa_profile COMMAND test_aa_profile)
