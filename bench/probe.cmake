# SPDX-License-Identifier: LGPL-2.1-or-later
# Probe benchmark: stord's readers against `qemu-img info`, same corpus,
# same run.  `cmake --build B --target bench-probe` prints both and the ratio.
add_executable(bench_probe ${CMAKE_CURRENT_LIST_DIR}/bench_probe.c)
target_link_libraries(bench_probe PRIVATE vmhost_probe)
add_custom_target(bench-probe COMMAND bench_probe 5 DEPENDS bench_probe
  USES_TERMINAL)
