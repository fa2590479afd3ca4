#!/usr/bin/env python3
"""A report cut short by its budget (or by pages a damaged dump lacks) says
less, never something false: at every page budget from almost nothing to
enough, no task is offered as the inferred holder of the object it waits on,
and every deadlock cycle reported is one of the truth's.
usage: partial_budget.py WHYHUNG VMCORE VMLINUX TRUTH_JSON"""
import json
import os
import subprocess
import sys


def main(whyhung, vmcore, vmlinux, truth_path):
    truth = json.load(open(truth_path))
    true_cycles = [sorted(c) for c in truth["cycles"]]
    full = None
    for pages in list(range(100, 420, 20)) + [0]:
        env = dict(os.environ)
        if pages:
            env["WHYHUNG_LIMITS"] = f"pages={pages}"
        run = subprocess.run([whyhung, "report", vmcore, "-k", vmlinux, "--format", "json"],
                             capture_output=True, env=env, timeout=120)
        if run.returncode not in (0, 9):
            sys.exit(f"pages={pages}: exit {run.returncode}: {run.stderr.decode(errors='replace')}")
        if run.returncode:
            continue  # kernel data needed for any answer was out of budget
        report = json.loads(run.stdout)
        objects = {o["id"]: o for o in report["objects"]}
        for t in report["tasks"]:
            w = t["waits_on"]
            if not w:
                continue
            for owner in objects[w["object"]]["owners"]:
                if owner["pid"] == t["pid"] and owner["how"] == "inferred":
                    sys.exit(f"pages={pages}: pid {t['pid']} inferred as holder of "
                             f"{objects[w['object']]['name']}, which it waits on")
        for c in report["cycles"]:
            if sorted(c) not in true_cycles:
                sys.exit(f"pages={pages}: cycle {c} is not in the truth {true_cycles}")
        if not pages:
            full = report
    if full is None or sorted(map(sorted, full["cycles"])) != sorted(true_cycles):
        sys.exit("the unlimited report does not find the truth's cycles")
    print("ok")


if __name__ == "__main__":
    main(*sys.argv[1:])
