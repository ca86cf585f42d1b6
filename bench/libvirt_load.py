# SPDX-License-Identifier: LGPL-2.1-or-later
# libvirt's side of bench/load.sh, run inside bench/libvirt-env.sh: the same
# mix as bench/bench_load.c through python3-libvirt. N client threads, one
# connection each, closed loop; W% writes (redefinition of one of the
# client's own domains with a new description), the rest in thirds dominfo,
# domstate and dumpxml of a random domain. Prints "key value" lines.
#   libvirt_load.py DOMAINS CLIENTS SECONDS [define]
import random
import statistics
import subprocess
import sys
import threading
import time

import libvirt


def rss_kib(name):
    pid = subprocess.run(["pgrep", "-x", name], capture_output=True,
                         text=True).stdout.split()[0]
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def xml(i, desc):
    return (f"<domain type='qemu'><name>bench-{i:05d}</name>"
            f"<uuid>0badc0de-0000-4000-8000-{i:012d}</uuid>"
            f"<description>{desc}</description>"
            "<memory unit='MiB'>128</memory><vcpu>1</vcpu>"
            "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
            "<devices><disk type='file' device='disk'>"
            "<driver name='qemu' type='qcow2'/>"
            f"<source file='/var/lib/libvirt/images/bench-{i:05d}.qcow2'/>"
            "<target dev='vda' bus='virtio'/></disk>"
            "<serial type='pty'/></devices></domain>")


def pct(v, p):
    if not v:
        return 0.0
    v = sorted(v)
    return v[int(p * (len(v) - 1) + 0.5)]


def main():
    ndom, nclients, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    conn = libvirt.open("qemu:///system")
    if len(sys.argv) > 4 and sys.argv[4] == "define":
        have = len(conn.listAllDomains(0))
        t = time.perf_counter()
        for i in range(have, ndom):
            conn.defineXML(xml(i, "init"))
        print(f"define_n {ndom - have}\ndefine_ms {(time.perf_counter() - t) * 1e3:.1f}",
              flush=True)
    ts = []
    for _ in range(20):
        t = time.perf_counter()
        n = len(conn.listAllDomains(0))
        ts.append(time.perf_counter() - t)
    print(f"list_all_n {n}\nlist_all_ms {statistics.median(ts) * 1e3:.3f}", flush=True)
    rss_before = rss_kib("libvirtd")
    stop = threading.Event()
    rd, wr, errs, last = [], [], [0], {}
    lock = threading.Lock()

    def client(cid):
        c = libvirt.open("qemu:///system")
        rnd = random.Random(cid)
        own = list(range(cid, ndom, nclients))
        seq = 0
        lr, lw = [], []
        while not stop.is_set():
            try:
                if own and rnd.randrange(100) < 20:
                    seq += 1
                    d = rnd.choice(own)
                    desc = f"load-c{cid}-s{seq}"
                    t = time.perf_counter()
                    c.defineXML(xml(d, desc))
                    lw.append(time.perf_counter() - t)
                    last[d] = desc
                else:
                    k, d = rnd.randrange(3), rnd.randrange(ndom)
                    t = time.perf_counter()
                    dom = c.lookupByName(f"bench-{d:05d}")
                    if k == 0:
                        dom.info()
                    elif k == 1:
                        dom.state()
                    else:
                        dom.XMLDesc(0)
                    lr.append(time.perf_counter() - t)
            except libvirt.libvirtError:
                with lock:
                    errs[0] += 1
        with lock:
            rd.extend(lr)
            wr.extend(lw)
        c.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(nclients)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    rss_max = rss_before
    while time.perf_counter() - t0 < secs:
        time.sleep(0.1)
        rss_max = max(rss_max, rss_kib("libvirtd"))
    stop.set()
    for th in threads:
        th.join()
    el = time.perf_counter() - t0
    lost = 0
    for d, desc in last.items():
        if f"<description>{desc}</description>" not in conn.lookupByName(
                f"bench-{d:05d}").XMLDesc(0):
            lost += 1
    print(f"clients {nclients}\ndomains {ndom}\nops_per_s {(len(rd) + len(wr)) / el:.0f}")
    print(f"read_p50_ms {pct(rd, 0.5) * 1e3:.3f}\nread_p99_ms {pct(rd, 0.99) * 1e3:.3f}")
    print(f"write_p50_ms {pct(wr, 0.5) * 1e3:.3f}\nwrite_p99_ms {pct(wr, 0.99) * 1e3:.3f}")
    print(f"errors {errs[0]}\nlost_updates {lost}")
    print(f"rss_before_kib {rss_before}\nrss_max_kib {rss_max}", flush=True)


main()
