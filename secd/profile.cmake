# SPDX-License-Identifier: LGPL-2.1-or-later
# Per-guest AppArmor profiles (sVirt): path validation and generation.
add_library(vmhost_aaprofile STATIC profile.c aa_path.c)
target_link_libraries(vmhost_aaprofile PUBLIC PkgConfig::LIBAPPARMOR)
