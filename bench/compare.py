#!/usr/bin/env python3
"""Time whyhung against crash and drgn doing the same work on one dump.

The work: every task in uninterruptible sleep (D) with its kernel stack --
crash's `foreach UN bt`, a drgn script doing the same, `whyhung bt` -- and,
for whyhung, the whole analysis (the default report). Each command runs
REPS times; the table shows the median wall time and the peak RSS of each,
and the ratios against whyhung.

usage: compare.py VMCORE VMLINUX [--reps N] [--crash PATH] [--module KO]...
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

DRGN_SCRIPT = r'''
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.sched import task_state_to_char
n = 0
for t in for_each_task(prog):
    if task_state_to_char(t) != "D":
        continue
    n += 1
    print("PID", t.pid.value_(), t.comm.string_().decode(errors="replace"))
    for frame in prog.stack_trace(t):
        print("  ", frame)
print(n, "D tasks")
'''


def run_once(argv, stdin_text=None):
    """Wall seconds and peak RSS (KiB) of one run; output discarded."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin_text else subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if stdin_text:
        proc.stdin.write(stdin_text.encode())
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if os.WEXITSTATUS(status) != 0:
        raise RuntimeError("%s exited with %d" % (argv[0], os.WEXITSTATUS(status)))
    return wall, usage.ru_maxrss


def measure(name, argv, reps, stdin_text=None):
    run_once(argv, stdin_text)  # warm the page cache; not counted
    walls, rss = [], []
    for _ in range(reps):
        w, r = run_once(argv, stdin_text)
        walls.append(w)
        rss.append(r)
    return {"name": name, "median": statistics.median(walls), "min": min(walls),
            "rss_mib": max(rss) / 1024.0}


def find_crash(explicit):
    for path in [explicit, os.environ.get("CRASH"),
                 "/work/fxwork/crash/crash-8.0.6/crash", shutil.which("crash")]:
        if path and os.access(path, os.X_OK):
            return path
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("vmcore")
    ap.add_argument("vmlinux")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--crash", help="crash binary (>= 8.0.3 for 6.1 kernels)")
    ap.add_argument("--module", action="append", default=[],
                    help="module debug file for drgn (-s)")
    ap.add_argument("--whyhung", default=os.path.join(ROOT, "build", "whyhung"))
    args = ap.parse_args()

    rows = []
    wh = [args.whyhung]
    rows.append(measure("whyhung bt (D tasks)",
                        wh + ["bt", args.vmcore, "-k", args.vmlinux], args.reps))
    rows.append(measure("whyhung report (full analysis)",
                        wh + [args.vmcore, "-k", args.vmlinux], args.reps))
    crash = find_crash(args.crash)
    if crash:
        rows.append(measure("crash foreach UN bt",
                            [crash, "-s", args.vmlinux, args.vmcore], args.reps,
                            stdin_text="foreach UN bt\nquit\n"))
    else:
        print("note: no crash binary found; skipping crash", file=sys.stderr)
    if shutil.which("drgn"):
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
            f.write(DRGN_SCRIPT)
            script = f.name
        argv = ["drgn", "-q", "-c", args.vmcore, "-s", args.vmlinux]
        for m in args.module:
            argv += ["-s", m]
        rows.append(measure("drgn script (D tasks + stacks)", argv + [script], args.reps))
        os.unlink(script)
    else:
        print("note: drgn not installed; skipping drgn", file=sys.stderr)

    base = rows[0]
    print("dump: %s (%.1f MiB)  vmlinux: %s (%.1f MiB)  reps: %d" % (
        args.vmcore, os.path.getsize(args.vmcore) / 2**20, args.vmlinux,
        os.path.getsize(args.vmlinux) / 2**20, args.reps))
    print("%-34s %10s %10s %10s %12s" % ("command", "median s", "min s", "peak MiB",
                                         "vs whyhung bt"))
    for r in rows:
        print("%-34s %10.3f %10.3f %10.1f %11.1fx" % (r["name"], r["median"], r["min"],
                                                    r["rss_mib"], r["median"] / base["median"]))


if __name__ == "__main__":
    main()
