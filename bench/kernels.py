#!/usr/bin/env python3
"""Per kernel generation: the report's time and peak RSS, next to drgn's on
the same dump, and each kernel against 6.1 (issue 11 asks that no kernel
be more than 1.5x slower than 6.1).

For every fixture with a committed vmcore and an unpacked vmlinux
(build/fixtures/NAME/vmlinux, made by `setup.sh --tests`), runs the full
report and drgn's D-task stacks script (bench/compare.py's) REPS times
after one warm-up run. CPU time (user+sys of the child) is the figure to
compare on a loaded machine; wall time is shown beside it.

usage: kernels.py [FIXTURE...] [--reps N] [--base hung-6.1] [--no-drgn]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from compare import DRGN_SCRIPT  # noqa: E402  the same work for every kernel


def run_once(argv):
    """(wall s, cpu s, peak RSS KiB) of one run; None when it failed."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) not in (0,):
        return None
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def measure(argv, reps):
    if run_once(argv) is None:  # warm-up; also tells whether the tool reads it
        return None
    runs = [run_once(argv) for _ in range(reps)]
    if any(r is None for r in runs):
        return None
    return {"wall": statistics.median(r[0] for r in runs),
            "cpu": statistics.median(r[1] for r in runs),
            "rss": max(r[2] for r in runs) / 1024.0}


def fixtures(names):
    if names:
        return names
    found = []
    for name in sorted(os.listdir(os.path.join(ROOT, "fixtures"))):
        if (os.path.exists(os.path.join(ROOT, "fixtures", name, "vmcore")) and
                os.path.exists(os.path.join(ROOT, "build", "fixtures", name, "vmlinux"))):
            found.append(name)
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("fixture", nargs="*")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--base", default="hung-6.1", help="the kernel others are compared with")
    ap.add_argument("--no-drgn", action="store_true")
    ap.add_argument("--whyhung", default=os.path.join(ROOT, "build", "whyhung"))
    args = ap.parse_args()

    script = None
    if not args.no_drgn and shutil.which("drgn"):
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
            f.write(DRGN_SCRIPT)
            script = f.name
    rows = []
    for name in fixtures(args.fixture):
        vmcore = os.path.join(ROOT, "fixtures", name, "vmcore")
        vmlinux = os.path.join(ROOT, "build", "fixtures", name, "vmlinux")
        ko = os.path.join(ROOT, "fixtures", name, "whyhung_fixture.ko")
        wh = measure([args.whyhung, vmcore, "-k", vmlinux], args.reps)
        dr = None
        if script:
            argv = ["drgn", "-q", "-c", vmcore, "-s", vmlinux]
            if os.path.exists(ko):
                argv += ["-s", ko]
            dr = measure(argv + [script], args.reps)
        rows.append((name, wh, dr))
    if script:
        os.unlink(script)

    base = next((wh for name, wh, _ in rows if name == args.base and wh), None)
    print("reps: %d; medians; cpu = user+sys of the child" % args.reps)
    print("%-22s %9s %9s %9s %10s %9s %9s %11s" % (
        "fixture", "wh cpu s", "wh wall s", "wh MiB", "vs " + args.base,
        "drgn cpu", "drgn MiB", "drgn/wh cpu"))
    for name, wh, dr in rows:
        if not wh:
            print("%-22s whyhung failed on it" % name)
            continue
        rel = "%9.2fx" % (wh["cpu"] / base["cpu"]) if base else "%10s" % "-"
        if dr:
            tail = "%9.3f %9.1f %10.1fx" % (dr["cpu"], dr["rss"], dr["cpu"] / wh["cpu"])
        else:
            tail = "%9s %9s %11s" % ("-", "-", "unreadable" if script else "no drgn")
        print("%-22s %9.3f %9.3f %9.1f %10s %s" % (name, wh["cpu"], wh["wall"], wh["rss"],
                                                   rel, tail))


if __name__ == "__main__":
    main()
