#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs COMMAND beside a private libvirtd 9 (Debian's), for side-by-side benchmarks:
# libvirtd and virtlogd run in their own mount and network namespaces, with
# /etc/libvirt, /run/libvirt, /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt
# bind-mounted from fresh scratch folders, so the host's state and network are never
# touched. Inside, LIBVIRT_DEFAULT_URI points at the scratch socket.
#   bench/libvirt-env.sh COMMAND [ARGS...]
set -euo pipefail
if ! command -v libvirtd >/dev/null; then
  echo "installing libvirt from Debian for the comparison" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libvirt-daemon-system libvirt-clients python3-libvirt >/dev/null
fi
scratch=$(mktemp -d /tmp/libvirt-bench.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
export LV_SCRATCH=$scratch
unshare --mount --net --propagation private bash -s -- "$@" <<'INNER'
set -euo pipefail
ip link set lo up
for d in etc/libvirt run/libvirt var/lib/libvirt var/log/libvirt var/cache/libvirt; do
  mkdir -p "$LV_SCRATCH/$d" "/$d"
  if [ "$d" = etc/libvirt ]; then cp -a /etc/libvirt/. "$LV_SCRATCH/$d/" 2>/dev/null || true; fi
  mount --bind "$LV_SCRATCH/$d" "/$d"
done
# /dev/kvm here is a nested hypervisor on which QEMU's KVM probe hangs: hide it
# inside this mount namespace so libvirt probes TCG, which the guests use anyway
[ -e /dev/kvm ] && mount --bind /dev/null /dev/kvm
# no autostarted default network in the comparison namespace
rm -f /etc/libvirt/qemu/networks/autostart/*.xml
stop_libvirt() {
  kill -TERM "$(cat "$LV_SCRATCH/libvirtd.pid" 2>/dev/null)" \
    "$(cat "$LV_SCRATCH/virtlogd.pid" 2>/dev/null)" 2>/dev/null || true
  sleep 0.5
  pkill -KILL -f 'qemu-system.*libvirt' 2>/dev/null || true
}
trap stop_libvirt EXIT
virtlogd -d -p "$LV_SCRATCH/virtlogd.pid"
libvirtd -d -p "$LV_SCRATCH/libvirtd.pid"
export LIBVIRT_DEFAULT_URI='qemu:///system'
for _ in $(seq 1 400); do virsh -q version >/dev/null 2>&1 && break; sleep 0.05; done
"$@"
INNER
