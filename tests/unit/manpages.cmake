# SPDX-License-Identifier: LGPL-2.1-or-later
# The man pages (cmake/install.cmake, target "man", built when pandoc is there).
if(TARGET man)
  add_test(NAME unit_manpages
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/manpages.sh ${CMAKE_BINARY_DIR})
  set_tests_properties(unit_manpages PROPERTIES LABELS unit TIMEOUT 60)
endif()
