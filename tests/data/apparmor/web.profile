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

profile vmhost-6f3c2a10-8d4e-4b7a-9c21-5e0f1a2b3c4d flags=(attach_disconnected) {
  #include <abstractions/vmhost-qemu>
  #include <vmhost/vmhost-6f3c2a10-8d4e-4b7a-9c21-5e0f1a2b3c4d.files>
}
