# SPDX-License-Identifier: LGPL-2.1-or-later
# libvirt's side of bench/domains.sh, run inside bench/libvirt-env.sh: the same work
# through python3-libvirt (one client) and whole virsh processes.
import os
import statistics
import subprocess
import sys
import time

import libvirt


def rss_kib(name):
    pid = subprocess.run(["pgrep", "-x", name], capture_output=True,
                         text=True).stdout.split()[0]
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def median_ms(cmd, n=20):
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1e3


def xml(i):
    return (f"<domain type='qemu'><name>bench-{i:05d}</name>"
            "<memory unit='MiB'>128</memory><vcpu>1</vcpu>"
            "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
            "<devices><disk type='file' device='disk'>"
            "<driver name='qemu' type='qcow2'/>"
            f"<source file='/var/lib/libvirt/images/bench-{i:05d}.qcow2'/>"
            "<target dev='vda' bus='virtio'/></disk>"
            "<serial type='pty'/></devices></domain>")


def main():
    conn = libvirt.open("qemu:///system")
    print(f"rss_idle_kib {rss_kib('libvirtd')}")
    t = time.perf_counter()
    doms = [conn.defineXML(xml(i)) for i in range(1000)]
    print(f"define_ms {(time.perf_counter() - t) * 1e3:.1f}")
    print(f"rss_1000_kib {rss_kib('libvirtd')}")
    print(f"list_ms {median_ms(['virsh', 'list', '--all']):.2f}")
    print(f"list_name_ms {median_ms(['virsh', 'list', '--all', '--name']):.2f}")
    print(f"dumpxml_ms {median_ms(['virsh', 'dumpxml', 'bench-00500']):.2f}")
    t = time.perf_counter()
    for d in doms:
        d.undefine()
    print(f"undefine_ms {(time.perf_counter() - t) * 1e3:.1f}")

    dom = conn.defineXML(open(sys.argv[1]).read())
    log = "/var/log/libvirt/qemu/tiny-serial.log"
    for _ in range(5):
        if os.path.exists(log):
            os.unlink(log)
        t = time.perf_counter()
        dom.create()
        while True:
            try:
                if "VMHOST-GUEST-READY" in open(log, errors="replace").read():
                    break
            except FileNotFoundError:
                pass
            time.sleep(0.005)
        t_marker = time.perf_counter()
        print(f"start_marker_ms {(t_marker - t) * 1e3:.0f}")
        while dom.isActive():
            time.sleep(0.005)
        # the guest powers off right after its marker (tens of ms): from the
        # marker to libvirt saying shut off, an upper bound of its delay
        print(f"poweroff_marker_to_shutoff_ms {(time.perf_counter() - t_marker) * 1e3:.0f}")
    dom.undefine()


main()
