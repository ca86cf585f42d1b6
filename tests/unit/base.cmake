# SPDX-License-Identifier: LGPL-2.1-or-later
# Unit tests of the base of vmhost_common: log, conf, fileio, paths, spawn.
foreach(t log conf fileio paths spawn)
  add_executable(test_${t} ${CMAKE_CURRENT_LIST_DIR}/test_${t}.c)
  target_link_libraries(test_${t} PRIVATE vmhost_common)
  add_test(NAME unit_${t} COMMAND test_${t})
  set_tests_properties(unit_${t} PROPERTIES LABELS unit TIMEOUT 60)
endforeach()
