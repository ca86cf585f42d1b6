#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds an image corpus with qemu-img and checks stord's probe and chain walk
# (through vmhost-probe-tool) against `qemu-img info --backing-chain`.
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

TOOL = os.path.abspath(sys.argv[1])
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, file=sys.stderr)


def qemu_img(*args, cwd):
    for _ in range(8):  # luks key setup fails now and then on busy CPUs
        r = subprocess.run(["qemu-img", *args], cwd=cwd,
                           capture_output=True, text=True)
        if r.returncode == 0 or "accurate CPU usage" not in r.stderr:
            break
    if r.returncode != 0:
        raise SystemExit("qemu-img %s: %s" % (" ".join(args), r.stderr))


def tool(*args, cwd):
    r = subprocess.run([TOOL, *args], cwd=cwd, capture_output=True,
                       text=True)
    if r.returncode not in (0, 2):
        raise SystemExit("probe tool %s: %s" % (args, r.stderr))
    return json.loads(r.stdout)


def qemu_info(path, cwd, chain=True):
    r = subprocess.run(["qemu-img", "info", "-U", "--output=json",
                        *(["--backing-chain"] if chain else []), path],
                       cwd=cwd,
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return json.loads(r.stdout)


def patch(path, off, data):
    with open(path, "r+b") as f:
        f.seek(off)
        f.write(data)


def build_corpus(d, other):
    q = lambda *a: qemu_img("create", "-q", *a, cwd=d)
    sec = ["--object", "secret,id=s,data=x"]
    with open(os.path.join(d, "base.raw"), "wb") as f:
        f.write(b"\x11" * 65536 * 4)
        f.truncate(1 << 20)
    q("-f", "qcow2", "-o", "compat=0.10", "v2.qcow2", "3M")
    q("-f", "qcow2", "-o", "compat=1.1", "v3.qcow2", "4M")
    q("-f", "qcow2", "-b", "base.raw", "-F", "raw", "rel.qcow2", "1M")
    q("-f", "qcow2", "-b", os.path.join(d, "v3.qcow2"), "-F", "qcow2",
      "abs.qcow2", "4M")
    # No backing format: the extension's type is overwritten afterwards.
    q("-f", "qcow2", "-b", "v2.qcow2", "-F", "qcow2", "noformat.qcow2", "3M")
    patch(os.path.join(d, "noformat.qcow2"), 112, struct.pack(">I", 0x1234))
    q("-f", "qcow2", "-b", "rel.qcow2", "-F", "qcow2", "deep2.qcow2", "1M")
    q("-f", "qcow2", "-b", "deep2.qcow2", "-F", "qcow2", "deep3.qcow2", "1M")
    q("-f", "qcow2", "-o", "preallocation=metadata", "prealloc.qcow2", "2M")
    qemu_img("convert", "-c", "-O", "qcow2", "base.raw", "compressed.qcow2",
             cwd=d)
    qemu_img("convert", "-c", "-O", "qcow2", "-o", "compression_type=zstd",
             "base.raw", "zstd.qcow2", cwd=d)
    q("-f", "qcow2", "-o", "extended_l2=on", "extl2.qcow2", "2M")
    q("-f", "qcow2", "-o", "data_file=datafile.raw", "datafile.qcow2", "2M")
    q("-f", "qcow2", "-o", "data_file=" + os.path.join(other, "out.raw"),
      "dataout.qcow2", "2M")
    q("-f", "qcow2", *sec, "-o", "encrypt.format=luks,encrypt.key-secret=s",
      "enc.qcow2", "2M")
    q("-f", "qed", "nob.qed", "2M")
    q("-f", "qed", "-b", "base.raw", "-F", "raw", "b.qed", "2M")
    q("-f", "vmdk", "sparse.vmdk", "9M")
    q("-f", "vmdk", "-o", "subformat=monolithicFlat", "flat.vmdk", "9M")
    q("-f", "vmdk", "-o", "subformat=twoGbMaxExtentSparse", "split.vmdk",
      "5M")
    q("-f", "vdi", "a.vdi", "3M")
    q("-f", "vdi", "-o", "static=on", "static.vdi", "2M")
    q("-f", "vpc", "dyn.vpc", "5M")
    q("-f", "vpc", "-o", "subformat=fixed", "fixed.vpc", "5M")
    q("-f", "vpc", "-o", "force_size=on", "forced.vpc", "6M")
    q("-f", "vhdx", "a.vhdx", "7M")
    q("-f", "luks", *sec, "-o", "key-secret=s", "a.luks", "3M")
    q("-f", "raw", os.path.join(other, "secret.raw"), "1M")
    q("-f", "qcow2", "-b", os.path.join(other, "secret.raw"), "-F", "raw",
      "outside.qcow2", "1M")
    build_iso(os.path.join(d, "a.iso"))
    build_hostile(d)


def build_iso(path):
    pvd = bytearray(2048)
    pvd[0:7] = b"\x01CD001\x01"
    pvd[80:88] = struct.pack("<I", 40) + struct.pack(">I", 40)
    pvd[128:132] = struct.pack("<H", 2048) + struct.pack(">H", 2048)
    with open(path, "wb") as f:
        f.truncate(40 * 2048)
        f.seek(16 * 2048)
        f.write(pvd)


def copy(d, src, dst):
    shutil.copy(os.path.join(d, src), os.path.join(d, dst))
    return os.path.join(d, dst)


def build_hostile(d):
    # A raw disk whose content is a qcow2 naming a file it should not see.
    copy(d, "outside.qcow2", "hostile.raw")
    copy(d, "rel.qcow2", "loop-a.qcow2")
    qemu_img("rebase", "-u", "-b", "loop-b.qcow2", "-F", "qcow2",
             "loop-a.qcow2", cwd=d)
    copy(d, "loop-a.qcow2", "loop-b.qcow2")
    qemu_img("rebase", "-u", "-b", "loop-a.qcow2", "-F", "qcow2",
             "loop-b.qcow2", cwd=d)
    qemu_img("rebase", "-u", "-b", "self.qcow2", "-F", "qcow2",
             copy(d, "rel.qcow2", "self.qcow2"), cwd=d)
    for name, size in (("trunc.qcow2", 50), ("trunc.qed", 40),
                       ("trunc.vmdk", 100), ("trunc.vhdx", 200 * 1024),
                       ("trunc.vdi", 300), ("trunc.luks", 100)):
        src = {"qcow2": "v3.qcow2", "qed": "b.qed", "vmdk": "sparse.vmdk",
               "vhdx": "a.vhdx", "vdi": "a.vdi", "luks": "a.luks"}
        p = copy(d, src[name.split(".")[1]], name)
        os.truncate(p, size)
    patch(copy(d, "rel.qcow2", "longname.qcow2"), 16, struct.pack(">I", 5000))
    patch(copy(d, "rel.qcow2", "farname.qcow2"), 8, struct.pack(">Q", 1 << 60))
    patch(copy(d, "v3.qcow2", "bigsize.qcow2"), 24, struct.pack(">Q", 1 << 62))
    patch(copy(d, "v3.qcow2", "l1far.qcow2"), 40, struct.pack(">Q", 1 << 50))
    patch(copy(d, "v3.qcow2", "incompat.qcow2"), 72, struct.pack(">Q", 1 << 20))
    patch(copy(d, "v3.qcow2", "clusterbits.qcow2"), 20, struct.pack(">I", 31))
    patch(copy(d, "rel.qcow2", "extlen.qcow2"), 108,
          struct.pack(">I", 0x7ffffff0))
    patch(copy(d, "a.vdi", "vdisize.vdi"), 0x170, struct.pack("<Q", 1 << 60))
    patch(copy(d, "dyn.vpc", "vpcoff.vpc"), 16, struct.pack(">Q", 1 << 61))
    patch(copy(d, "a.luks", "luksoff.luks"), 104, struct.pack(">I", 1 << 31))
    patch(copy(d, "b.qed", "qedname.qed"), 60, struct.pack("<I", 1 << 30))
    patch(copy(d, "sparse.vmdk", "vmdkcap.vmdk"), 12, struct.pack("<Q", 1 << 62))


def compare_top(name, ours, theirs):
    fmt = ours.get("qemu_format")
    check(fmt == theirs["format"], "%s: format %s != %s"
          % (name, fmt, theirs["format"]))
    size = ours["file_size"] if fmt == "raw" else ours["virtual_size"]
    check(size == theirs["virtual-size"], "%s: size %s != %s"
          % (name, size, theirs["virtual-size"]))
    check(ours["backing"] == theirs.get("backing-filename"),
          "%s: backing %r != %r" % (name, ours["backing"],
                                    theirs.get("backing-filename")))
    check(ours["backing_format"] == theirs.get("backing-filename-format"),
          "%s: backing format %r != %r" % (name, ours["backing_format"],
                                           theirs.get("backing-filename-format")))
    check(ours["encrypted"] == bool(theirs.get("encrypted")),
          "%s: encrypted %s" % (name, ours["encrypted"]))
    data = theirs.get("format-specific", {}).get("data", {})
    if fmt == "qcow2":
        check(ours["data_file"] == data.get("data-file"),
              "%s: data file %r != %r" % (name, ours["data_file"],
                                          data.get("data-file")))
        check(ours["extended_l2"] == bool(data.get("extended-l2")),
              "%s: extended l2" % name)
        check(ours["compression"] == data.get("compression-type", "zlib"),
              "%s: compression %s" % (name, ours["compression"]))


def probe_all(d):
    for name in sorted(os.listdir(d)):
        ours = tool("probe", name, cwd=d)
        theirs = qemu_info(name, d, chain=False)
        if "error" in ours:
            check(False, "%s: probe error %s" % (name, ours["error"]))
            continue
        if theirs is None:
            # qemu refuses the image: stord must distrust it too.
            check(len(ours["reasons"]) > 0 or ours["qemu_format"] == "raw",
                  "%s: qemu-img refuses it, probe has no reason" % name)
            continue
        compare_top(name, ours, theirs)
        if theirs["format"] == "vmdk" and "flat" in name:
            check(ours["extents"] == ["flat-flat.vmdk"],
                  "%s: extents %r" % (name, ours["extents"]))


def compare_chain(d, name, extra=()):
    ours = tool("chain", "--probe", *extra, name, cwd=d)
    theirs = qemu_info(name, d)
    check(ours["ok"] and theirs is not None, "%s: chain %s" % (name, ours))
    if not ours["ok"] or theirs is None:
        return
    check(len(ours["layers"]) == len(theirs), "%s: %d layers, qemu %d"
          % (name, len(ours["layers"]), len(theirs)))
    for l, t in zip(ours["layers"], theirs):
        check(l["info"]["qemu_format"] == t["format"] and
              l["info"]["virtual_size"] == t["virtual-size"],
              "%s: layer %s" % (name, l["path"]))


def chain_error(d, name, needle, *extra):
    ours = tool("chain", *extra, name, cwd=d)
    check(not ours["ok"] and needle in ours.get("error", ""),
          "%s: expected %r, got %s" % (name, needle, ours))


def chains(d, other):
    for name in ("rel.qcow2", "abs.qcow2", "deep3.qcow2", "b.qed",
                 "noformat.qcow2"):
        compare_chain(d, name)
    compare_chain(d, os.path.join(d, "deep3.qcow2"))
    ours = tool("chain", "--format", "qcow2", "deep3.qcow2", cwd=d)
    check(ours["ok"] and [l["info"]["format"] for l in ours["layers"]] ==
          ["qcow2", "qcow2", "qcow2", "raw"], "deep3 declared: %s" % ours)
    ours = tool("chain", "--format", "raw", "hostile.raw", cwd=d)
    check(ours["ok"] and len(ours["layers"]) == 1 and
          ours["layers"][0]["info"]["format"] == "raw",
          "raw stays raw: %s" % ours)
    chain_error(d, "hostile.raw", "outside the allowed folders", "--probe")
    chain_error(d, "outside.qcow2", "outside the allowed folders",
                "--format", "qcow2")
    ours = tool("chain", "--format", "qcow2", "--allow", other,
                "outside.qcow2", cwd=d)
    check(ours["ok"] and len(ours["layers"]) == 2, "allowed folder")
    ours = tool("chain", "--format", "qcow2", "--allow-outside",
                "outside.qcow2", cwd=d)
    check(ours["ok"] and len(ours["layers"]) == 2, "allow-outside")
    chain_error(d, "dataout.qcow2", "data file", "--format", "qcow2")
    chain_error(d, "loop-a.qcow2", "loop", "--format", "qcow2")
    chain_error(d, "self.qcow2", "loop", "--format", "qcow2")
    check(qemu_info("loop-a.qcow2", d) is None, "qemu-img refuses the loop")
    chain_error(d, "deep3.qcow2", "deeper", "--format", "qcow2",
                "--depth", "3")
    chain_error(d, "longname.qcow2", "backing file", "--format", "qcow2")
    chain_error(d, "rel.qcow2", "not a vmdk image", "--format", "vmdk")


def native_create(d):
    # stord's own qcow2 writer, checked by qemu-img check and info.
    cases = (("n-empty.qcow2", "0"), ("n-odd.qcow2", "1000"),
             ("n-1g.qcow2", str(1 << 30)), ("n-3t.qcow2", str(3 << 40)),
             ("n-back.qcow2", str(1 << 20), "base.raw", "raw"),
             ("n-back2.qcow2", str(5 << 20), "n-back.qcow2", "qcow2"))
    for name, *args in cases:
        r = subprocess.run([TOOL, "create", name, *args], cwd=d)
        check(r.returncode == 0, "%s: native create" % name)
        r = subprocess.run(["qemu-img", "check", "--output=json", name],
                           cwd=d, capture_output=True, text=True)
        ok = r.returncode == 0 and json.loads(r.stdout).get("leaks", 0) == 0
        check(ok, "%s: qemu-img check: %s %s" % (name, r.stdout, r.stderr))
        info = qemu_info(name, d, chain=False)
        want = (int(args[0]) + 511) // 512 * 512
        check(info is not None and info["format"] == "qcow2" and
              info["virtual-size"] == want and
              info.get("backing-filename") == (args[1] if len(args) > 1
                                               else None) and
              info.get("backing-filename-format") == (args[2] if
                                                      len(args) > 1 else None),
              "%s: qemu-img info %s" % (name, info))
    compare_chain(d, "n-back2.qcow2")
    r = subprocess.run(["qemu-io", "-c", "write -P 0x5a 0 64k",
                        "n-1g.qcow2"], cwd=d, capture_output=True)
    if r.returncode == 0:
        r = subprocess.run(["qemu-img", "check", "n-1g.qcow2"], cwd=d,
                           capture_output=True)
        check(r.returncode == 0, "n-1g.qcow2: check after a write")


def main():
    d = tempfile.mkdtemp(prefix="vmhost-probe-")
    other = tempfile.mkdtemp(prefix="vmhost-other-")
    try:
        build_corpus(d, other)
        probe_all(d)
        chains(d, other)
        native_create(d)
    finally:
        shutil.rmtree(d)
        shutil.rmtree(other)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


sys.exit(main())
