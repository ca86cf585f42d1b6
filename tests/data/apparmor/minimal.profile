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

profile vmhost-11111111-2222-3333-4444-555555555555 flags=(attach_disconnected) {
  #include <abstractions/vmhost-qemu>
  #include <vmhost/vmhost-11111111-2222-3333-4444-555555555555.files>
}
