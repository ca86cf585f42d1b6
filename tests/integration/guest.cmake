# SPDX-License-Identifier: LGPL-2.1-or-later
# The tiny test guest (tests/guest/): build it once, then boot it with bare QEMU
# (TCG). Tests that boot the guest through vmhost add
#   FIXTURES_REQUIRED vmhost_guest
# and find vmlinuz/vmlinux/initrd.img/cmdline in ${VMHOST_GUEST_DIR}.
set(VMHOST_GUEST_DIR ${CMAKE_SOURCE_DIR}/tests/guest/cache)
set(guest_sh ${CMAKE_SOURCE_DIR}/tests/guest)

# first run downloads the Debian kernel package (~70 MB) and builds the initramfs
add_test(NAME integration_guest_build
  COMMAND bash ${guest_sh}/build-guest.sh ${VMHOST_GUEST_DIR})
set_tests_properties(integration_guest_build PROPERTIES
  LABELS "integration;guest" TIMEOUT 600 FIXTURES_SETUP vmhost_guest)

# name | boot-bare.sh options
set(guest_boots
  "bare_poweroff|--kernel vmlinuz --mode poweroff"
  "pvh_poweroff|--kernel vmlinux --mode poweroff"
  "powerdown|--kernel vmlinux --mode wait"
  "dhcp_netns|--kernel vmlinux --mode dhcp --netns")
foreach(entry ${guest_boots})
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 name)
  list(GET parts 1 opts)
  separate_arguments(opts UNIX_COMMAND "${opts}")
  add_test(NAME integration_guest_${name}
    COMMAND bash ${guest_sh}/boot-bare.sh --timeout 150 ${opts} ${VMHOST_GUEST_DIR})
  # --netns skips (77) where it cannot create a namespace (not root)
  set_tests_properties(integration_guest_${name} PROPERTIES
    LABELS "integration;guest" TIMEOUT 200 SKIP_RETURN_CODE 77
    FIXTURES_REQUIRED vmhost_guest)
endforeach()
