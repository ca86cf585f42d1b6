#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs each golden argv (tests/data/qemu_argv/NAME.args) in the real QEMU.

The fds the argv names are created for real: the QMP and chardev sockets
as socketpairs, the disk layers as qemu-img images (a real qcow2 chain)
opened read-write on top and read-only below. QEMU starts with -S; the
test negotiates QMP, checks the block graph and quits. Stand-ins, since a
test must not create taps or need a block device: 'tap,fd=N' becomes
'user', 'host_device' becomes 'file'; accel=kvm becomes tcg (and -cpu
host becomes max) because only the syntax is under test. Paths under the fake image folders
point into a scratch folder; -kernel/-initrd use a small fake bzImage
unless tests/guest/cache has a real one.
Prints 'N passed, N failed'; exit 77 (skip) without qemu-system-x86_64.
"""
import fcntl, json, os, shutil, socket, subprocess, sys, tempfile

DATA = sys.argv[1] if len(sys.argv) > 1 else "tests/data/qemu_argv"
QEMU = shutil.which("qemu-system-x86_64")
QIMG = shutil.which("qemu-img")
FAKE_DIRS = ("/var/lib/vmhost/images/", "/srv/images/")


def make_images(tmp, args):
    """Create what -add-fd and path filenames refer to; return {fd: path}."""
    layers = {}
    for i, a in enumerate(args):
        if a == "-add-fd":
            kv = dict(p.split("=", 1) for p in args[i + 1].split(","))
            layers[kv["opaque"]] = int(kv["fd"])
    fds = {}
    # disk<i>-l<j>: build bottom-up so backing files exist
    for name in sorted(layers, key=lambda n: (n.split("-")[0],
                                              -int(n.split("-l")[1]))):
        disk, j = name.split("-l")
        fmt = layer_format(args, disk, int(j))
        path = os.path.join(tmp, name + "." + fmt)
        below = "%s-l%d" % (disk, int(j) + 1)
        cmd = [QIMG, "create", "-q", "-f", fmt]
        if below in layers:
            bfmt = layer_format(args, disk, int(j) + 1)
            cmd += ["-b", os.path.join(tmp, below + "." + bfmt), "-F", bfmt]
        subprocess.run(cmd + [path, "16M"], check=True)
        fds[layers[name]] = (path, int(j) == 0 and not read_only(args, disk, 0))
    return fds


def node(disk, j):
    return disk if j == 0 else "%s-b%d" % (disk, j)


def blockdevs(args):
    return [json.loads(args[i + 1]) for i, a in enumerate(args)
            if a == "-blockdev"]


def layer_format(args, disk, j):
    for b in blockdevs(args):
        if b["node-name"] == node(disk, j):
            return b["driver"]
    return "raw"


def read_only(args, disk, j):
    return any(b["node-name"] == node(disk, j) and b["read-only"]
               for b in blockdevs(args))


def fake_paths(tmp, args):
    out = []
    for a in args:
        for d in FAKE_DIRS:
            while d in a:
                a = a.replace(d, tmp + "/")
        out.append(a.replace("tap,fd=", "user,fdx=").replace(
            '"driver":"host_device"', '"driver":"file"'))
    out = [a if not a.startswith("user,fdx=") else
           "user," + a.split(",", 2)[2] for a in out]
    return out


def path_files(tmp, args):
    """Files named by path (not fdset) in -blockdev, -kernel, -initrd."""
    for b in blockdevs(args):
        if b["driver"] == "file" and b["filename"].startswith(tmp):
            subprocess.run([QIMG, "create", "-q", "-f", "raw",
                            b["filename"], "16M"], check=True)
    for i, a in enumerate(args):
        if i and args[i - 1] in ("-kernel", "-initrd"):
            src = "/work/main/tests/guest/cache/" + os.path.basename(a)
            if os.path.exists(src):
                shutil.copy(src, a)
            else:
                with open(a, "wb") as f:
                    f.write(b"\0" * 4096)


def qmp(sock, cmd):
    sock.sendall(json.dumps({"execute": cmd}).encode() + b"\n")
    buf = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("QMP closed")
        buf += chunk
        for line in buf.split(b"\n"):
            if line.strip():
                msg = json.loads(line)
                if "return" in msg or "error" in msg:
                    return msg
        buf = buf[buf.rfind(b"\n") + 1:]


def run_case(name):
    args = open(os.path.join(DATA, name + ".args")).read().splitlines()
    # always TCG: this is about syntax, and -cpu host is unreliable on
    # nested KVM hosts (it asserts on kvm-pvm)
    if any("accel=kvm" in a for a in args):
        args = [a.replace("accel=kvm", "accel=tcg") for a in args]
        args = ["max" if a.startswith("host") and i and args[i - 1] == "-cpu"
                else a for i, a in enumerate(args)]
    tmp = tempfile.mkdtemp(prefix="vmhost-argv-")
    try:
        args = fake_paths(tmp, args)
        path_files(tmp, args)
        fds = make_images(tmp, args)
        ours, theirs = {}, {}
        for a in args:
            if a.startswith("socket,id=") and ",fd=" in a:
                n = int(a.split(",fd=")[1].split(",")[0])
                ours[n], theirs[n] = socket.socketpair()
        # park every source fd above the target numbers so dup2 cannot
        # clobber one target with another
        for n in list(theirs):
            s = theirs[n]
            theirs[n] = socket.socket(fileno=fcntl.fcntl(s.fileno(),
                                      fcntl.F_DUPFD_CLOEXEC, 200))
            s.close()
        opened = {}
        for n, (path, rw) in fds.items():
            fd = os.open(path, os.O_RDWR if rw else os.O_RDONLY)
            opened[n] = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 200)
            os.close(fd)

        def child_fds():
            for n, s in theirs.items():
                os.dup2(s.fileno(), n)
            for n, fd in opened.items():
                os.dup2(fd, n)

        # Python's fds are close-on-exec; the dup2'd targets are not
        p = subprocess.Popen([QEMU] + args[1:], preexec_fn=child_fds,
                             close_fds=False,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for s in theirs.values():
            s.close()
        mon = ours[int([a for a in args if a.startswith(
            "socket,id=charmonitor")][0].split("fd=")[1])]
        mon.settimeout(20)
        try:
            mon.recv(65536)  # greeting
            ok = "return" in qmp(mon, "qmp_capabilities")
            st = qmp(mon, "query-status")
            ok = ok and st["return"]["status"] == "prelaunch"
            blk = qmp(mon, "query-named-block-nodes")
            nodes = {b["node-name"] for b in blk.get("return", [])}
            want = {b["node-name"] for b in blockdevs(args)}
            ok = ok and want <= nodes
            if not want <= nodes:
                print("%s: missing nodes %s" % (name, want - nodes),
                      file=sys.stderr)
            qmp(mon, "quit")
        except Exception as e:  # noqa: BLE001 - report any failure
            print("%s: %s" % (name, e), file=sys.stderr)
            ok = False
        out, err = p.communicate(timeout=20)
        if not ok or p.returncode != 0:
            print("%s: qemu rc %s: %s" % (name, p.returncode,
                                         err.decode(errors="replace")),
                  file=sys.stderr)
            return False
        return True
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if not QEMU or not QIMG:
        print("qemu-system-x86_64 or qemu-img missing: skipped")
        return 77
    names = sorted(f[:-5] for f in os.listdir(DATA) if f.endswith(".args"))
    passed = failed = 0
    for n in names:
        if run_case(n):
            passed += 1
            print("ok   %s" % n)
        else:
            failed += 1
            print("FAIL %s" % n)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
