#!/usr/bin/env python3
"""Throughput of `whyhung batch`: COPIES names of the fixture dumps (hard
links, so the disk holds each dump once; the content ids, and so the work,
are the same as for copies), analysed with -j JOBS; dumps/s (wall, and from
CPU time, which a shared machine distorts less), each worker's peak RSS
(from its rusage, in the JSON Lines), and the CPU time per dump in the
batch against a cold single run (`whyhung DUMP -k VMLINUX` in a fresh
process, REPS times, median).

The batch runs twice: with worker slots reusing the kernel they warmed
(the default) and with --no-reuse (every dump loads its kernel afresh).

usage: batch.py WHYHUNG VMLINUX DUMP... [--copies 200] [--jobs 2] [--reps 5]
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def release_of(whyhung, dump, vmlinux):
    out = subprocess.run([whyhung, "summary", dump, "-k", vmlinux, "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["kernel"]["release"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("whyhung")
    ap.add_argument("vmlinux")
    ap.add_argument("dumps", nargs="+")
    ap.add_argument("--copies", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        boot = os.path.join(tmp, "debug", "boot")
        os.makedirs(boot)
        os.symlink(os.path.abspath(a.vmlinux),
                   os.path.join(boot, "vmlinux-" + release_of(a.whyhung, a.dumps[0], a.vmlinux)))
        crash = os.path.join(tmp, "crash")
        for i in range(a.copies):
            d = os.path.join(crash, "%04d" % i)
            os.makedirs(d)
            os.link(a.dumps[i % len(a.dumps)], os.path.join(d, "vmcore"))
        cold = []
        for dump in a.dumps:
            for _ in range(a.reps):
                ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                subprocess.run([a.whyhung, dump, "-k", a.vmlinux], check=True,
                               stdout=subprocess.DEVNULL)
                ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cold.append((ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime))
        cold_ms = statistics.median(cold) * 1000
        vm = os.path.getsize(a.vmlinux) / 2**20
        print("cold single run: median %.0f ms of CPU" % cold_ms)
        for mode in ([], ["--no-reuse"]):
            jsonl = os.path.join(tmp, "r%d.jsonl" % len(mode))
            t = time.monotonic()
            ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            rc = subprocess.run([a.whyhung, "batch", crash, "-j", str(a.jobs), "--debug-dir",
                                 os.path.join(tmp, "debug"), "--json", jsonl] + mode,
                                stdout=subprocess.DEVNULL).returncode
            wall = time.monotonic() - t
            ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
            rows = [json.loads(line) for line in open(jsonl)]
            ok = sum(r["status"] == "ok" for r in rows)
            rss = [r["peak_rss_kib"] / 1024 for r in rows if r["peak_rss_kib"]]
            ms = [r["analysis_ms"] for r in rows]
            print("%s: %d dumps (%d ok, exit %d), -j %d: %.2f s, %.1f dumps/s" %
                  (" ".join(mode) or "reuse", len(rows), ok, rc, a.jobs, wall, len(rows) / wall))
            # CPU time is what a shared machine does not distort: dumps per
            # CPU second times the cores is the rate of an idle machine.
            print("  CPU: %.1f ms per dump; %.1f dumps/s on %d idle cores" %
                  (cpu * 1000 / len(rows), len(rows) / cpu * a.jobs, a.jobs))
            print("  worker peak RSS: median %.1f MiB, max %.1f MiB (vmlinux %.0f MiB, mapped)" %
                  (statistics.median(rss), max(rss), vm))
            print("  per-dump analysis: median %.0f ms wall; CPU per dump %.2f of a cold run" %
                  (statistics.median(ms), cpu * 1000 / len(rows) / cold_ms))


if __name__ == "__main__":
    sys.exit(main())
