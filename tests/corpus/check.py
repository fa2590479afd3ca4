#!/usr/bin/env python3
"""Run whyhung on every case of the damaged-dump corpus (damage.py) and
check how each run ends: exit 0, or a documented exit code (README: 1-9)
with exactly one stderr line starting "whyhung: "; no signal, no sanitizer
report, no answer later than --timeout seconds; stderr (and stdout, but
for the log's own text) valid UTF-8 without control bytes. Pairings of
wrong files and cut files must give their documented code.

usage: check.py --whyhung BIN --targets CORPUS_TARGETS_BIN --fixtures DIR
                --build-fixtures DIR --work DIR [--jobs N] [--timeout S]
                [--only REGEX] [--list]
Damaged files are made one at a time per job in WORK (copies patched in
place and restored, cut copies deleted): disk use stays ~2 fixtures per job.
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import damage  # noqa: E402
from elf_file import Elf  # noqa: E402

SANITIZER = re.compile(rb"ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"
                       rb"UndefinedBehaviorSanitizer|SUMMARY: \w+Sanitizer")
# Control bytes but tab and newline; C1 controls (U+0080..U+009F) too.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def text_problem(data, what):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return "%s: invalid UTF-8 at byte %d" % (what, e.start)
    m = RAW.search(text)
    if m:
        line = text[:m.start()].count("\n") + 1
        return "%s line %d: raw control byte %r" % (what, line, m.group())
    return None


def verdict(case, command, proc, elapsed, timeout):
    """None when the run is acceptable, else why not."""
    if proc is None:
        return "no answer within %ds" % timeout
    rc, out, err = proc.returncode, proc.stdout, proc.stderr
    if SANITIZER.search(err):
        summary = re.search(rb"SUMMARY: .*|runtime error: .*|ERROR: .*", err)
        return "sanitizer report: %s" % summary.group().decode("utf-8", "replace")[:200]
    if rc < 0:
        return "killed by signal %d" % -rc
    if rc > 9:
        return "undocumented exit code %d" % rc
    want = case.expect
    if want is not None and rc not in want and command == ("report",):
        return "exit %d, documented %s" % (rc, "/".join(map(str, sorted(want))))
    lines = err.decode("utf-8", "replace").split("\n")
    lines = lines[:-1] if lines and lines[-1] == "" else lines
    if rc != 0 and (len(lines) != 1 or not lines[0].startswith("whyhung: ")):
        return "exit %d with %d stderr lines (want one 'whyhung: ' line)" % (rc, len(lines))
    if rc == 0 and any(not l.startswith("whyhung: ") for l in lines):
        return "stderr line not starting 'whyhung: '"
    problem = text_problem(err, "stderr")
    if not problem:
        if command[0] == "log":  # the log is printed byte for byte; check our lines
            out = b"\n".join(l for l in out.split(b"\n") if l.startswith(b"[whyhung:"))
        problem = text_problem(out, "stdout")
    return problem


class Worker:
    """One job's copies of the fixtures, patched in place per case."""

    def __init__(self, work):
        self.dir = work
        os.makedirs(work, exist_ok=True)
        self.copies = {}

    def materialize(self, f):
        """Path of F; undo() restores the copy afterwards."""
        if f.pristine():
            return f.source, lambda: None
        base = os.path.basename(f.source.rstrip("/"))
        if f.truncate is not None:
            cut = os.path.join(self.dir, "cut-" + base)
            with open(f.source, "rb") as src, open(cut, "wb") as dst:
                left = f.truncate
                while left:
                    block = src.read(min(left, 1 << 20))
                    if not block:
                        break
                    dst.write(block)
                    left -= len(block)
            return cut, lambda: os.unlink(cut)
        copy = self.copies.get(f.source)
        if copy is None:
            copy = os.path.join(self.dir, base)
            shutil.copyfile(f.source, copy)
            self.copies[f.source] = copy
        saved = []
        with open(copy, "r+b") as fd:
            for patch in f.patches:
                if patch[0] == "xor":
                    _, off, mask = patch
                    fd.seek(off)
                    old = fd.read(1)
                    data = bytes([old[0] ^ mask])
                else:
                    off, data = patch
                    fd.seek(off)
                    old = fd.read(len(data))
                saved.append((off, old))
                fd.seek(off)
                fd.write(data)

        def undo():
            with open(copy, "r+b") as fd:
                for off, old in reversed(saved):
                    fd.seek(off)
                    fd.write(old)
        return copy, undo


def run_case(args, worker, case):
    dump, undo_dump = worker.materialize(case.dump)
    vmlinux, undo_vmlinux = worker.materialize(case.vmlinux)
    results = []
    try:
        for command in case.commands:
            argv = [args.whyhung, command[0], dump, "-k", vmlinux] + list(command[1:])
            start = time.monotonic()
            try:
                proc = subprocess.run(argv, capture_output=True, timeout=args.timeout)
            except subprocess.TimeoutExpired:
                proc = None
            elapsed = time.monotonic() - start
            results.append((command, proc, elapsed, verdict(case, command, proc, elapsed,
                                                            args.timeout)))
    finally:
        undo_vmlinux()
        undo_dump()
    return case, results


def targets(args, dump, truth_dir):
    """corpus_targets' map of DUMP, with its truth's lock addresses."""
    truth = json.load(open(os.path.join(truth_dir, "truth.json")))
    locks = [l["address"] for l in truth["locks"]][:12]
    out = subprocess.run([args.targets, dump, args.vmlinux] + locks, check=True,
                         capture_output=True, timeout=300).stdout.decode()
    return damage.Targets(out)


def zlib_vmlinux(args):
    """The vmlinux with zlib-compressed debug sections, made once in WORK."""
    path = os.path.join(args.work, "vmlinux-zlib")
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(args.vmlinux):
        subprocess.run(["objcopy", "--compress-debug-sections=zlib", args.vmlinux, path + ".tmp"],
                       check=True, timeout=600)
        os.rename(path + ".tmp", path)
    return path


def main():
    p = argparse.ArgumentParser()
    for opt in ("--whyhung", "--targets", "--fixtures", "--build-fixtures", "--work"):
        p.add_argument(opt, required=True)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--timeout", type=int, default=30)
    p.add_argument("--only")
    p.add_argument("--list", action="store_true")
    args = p.parse_args()
    fixtures, built = args.fixtures, args.build_fixtures
    os.makedirs(args.work, exist_ok=True)
    args.vmlinux = os.path.join(built, "hung-6.1", "vmlinux")
    fx = dict(kdump=os.path.join(fixtures, "kdump-6.1", "vmcore"),
              elf=os.path.join(built, "hung-6.1", "vmcore.elf"), vmlinux=args.vmlinux,
              ko=os.path.join(fixtures, "hung-6.1", "whyhung_fixture.ko"),
              no_orc=os.path.join(built, "hung-6.1", "vmlinux-no-orc"),
              softlockup=os.path.join(fixtures, "softlockup-6.1", "vmcore"),
              serial=os.path.join(fixtures, "hung-6.1", "serial.log"), dir=fixtures)
    fx["vmlinux_zlib"] = zlib_vmlinux(args)
    with open(args.vmlinux, "rb") as f:
        elf = Elf(f.read())
    with open(fx["vmlinux_zlib"], "rb") as f:
        zelf = Elf(f.read())
    cases = damage.generate(fx, targets(args, fx["kdump"], os.path.join(fixtures, "kdump-6.1")),
                            targets(args, fx["elf"], os.path.join(fixtures, "hung-6.1")), elf, zelf)
    del elf, zelf
    if args.only:
        cases = [c for c in cases if re.search(args.only, c.name)]
    if args.list:
        for c in cases:
            print(c.name, " ".join(" ".join(cmd) for cmd in c.commands))
        return 0

    local = threading.local()

    def job(case):
        if not hasattr(local, "worker"):
            local.worker = Worker(os.path.join(args.work, "job-%d" % threading.get_ident()))
        return run_case(args, local.worker, case)

    start = time.monotonic()
    failures, slow, runs, per_class = [], [], 0, {}
    with open(os.path.join(args.work, "results.txt"), "w") as log, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for case, results in pool.map(job, cases):
            stats = per_class.setdefault(case.klass, [0, 0, 0])
            stats[0] += 1
            for command, proc, elapsed, problem in results:
                runs += 1
                stats[1] += 1
                rc = "timeout" if proc is None else proc.returncode
                first = b"" if proc is None else proc.stderr.split(b"\n")[0][:300]
                log.write("%s %s [%s] %.1fs exit %s: %r%s\n" % (
                    "FAIL" if problem else "ok  ", case.name, " ".join(command), elapsed, rc,
                    first, " -- " + problem if problem else ""))
                if problem:
                    if proc is not None:  # the whole stderr, for the sanitizer's stacks
                        name = re.sub(r"[^\w.=+-]", "_", case.name + "-" + command[0])
                        os.makedirs(os.path.join(args.work, "failures"), exist_ok=True)
                        with open(os.path.join(args.work, "failures", name), "wb") as f:
                            f.write(proc.stderr)
                    stats[2] += 1
                    failures.append((case, command, rc, first, problem))
                if elapsed > 10:
                    slow.append((case.name, command, elapsed))
    total = time.monotonic() - start
    for klass in sorted(per_class):
        n, r, f = per_class[klass]
        print("%-28s %4d cases %4d runs %4d failed" % (klass, n, r, f))
    for name, command, elapsed in slow:
        print("slow: %s [%s] %.1fs" % (name, " ".join(command), elapsed))
    for case, command, rc, first, problem in failures:
        print("FAIL %s [%s]: %s; exit %s, stderr %r" % (case.name, " ".join(command), problem, rc,
                                                        first))
    print("%d cases, %d runs, %d failed, %.0fs with %d jobs (details: %s)" % (
        len(cases), runs, len(failures), total, args.jobs, os.path.join(args.work, "results.txt")))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
