# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Per-guest AppArmor profile of vmhost (sVirt). vmhost-secd copies this
# template to /etc/apparmor.d/vmhost/vmhost-<uuid> the first time the guest
# starts, with the placeholder after "profile" (and in the include) replaced
# by the profile name, and never overwrites it afterwards: an administrator may edit that copy. The guest's
# own files (disks, kernel, logs, sockets) are listed in the .files include,
# which secd regenerates whenever they change.
#

abi <abi/3.0>,

#include <tunables/global>

profile vmhost-a1b2c3d4-e5f6-4789-abcd-ef0123456789 flags=(attach_disconnected) {
  #include <abstractions/vmhost-qemu>
  #include <vmhost/vmhost-a1b2c3d4-e5f6-4789-abcd-ef0123456789.files>
}
