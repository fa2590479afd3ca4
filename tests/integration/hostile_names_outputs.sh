#!/bin/sh
# The dump copy with hostile task names (hostile_comm_copy.py) through the
# text, JSON and DOT outputs: no raw control byte or invalid UTF-8 reaches
# them, the JSON parses and holds the names, the markup stays text.
# usage: hostile_names_outputs.sh WHYHUNG VMCORE VMLINUX
set -eu
whyhung=$1 vmcore=$2 vmlinux=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$whyhung" report "$vmcore" -k "$vmlinux" >"$out/report.txt"
"$whyhung" report "$vmcore" -k "$vmlinux" --format json >"$out/report.json"
"$whyhung" report "$vmcore" -k "$vmlinux" --format dot >"$out/report.dot"
"$whyhung" tasks "$vmcore" -k "$vmlinux" >"$out/tasks.txt"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
for name in ("report.txt", "report.json", "report.dot", "tasks.txt"):
    raw = open(f"{out}/{name}", "rb").read()
    text = raw.decode("utf-8")  # raises on invalid UTF-8
    bad = [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or ord(c) == 0x7f]
    if bad:
        sys.exit(f"{name}: raw control bytes {bad[:5]!r}")
report = json.load(open(f"{out}/report.json"))
comms = {t["comm"] for t in report["tasks"]}
for want in ('"><script>docume', "<img src=x onerr"):
    if want not in comms:
        sys.exit(f"JSON lacks the task named {want!r}: {sorted(comms)[:8]}")
txt = open(f"{out}/report.txt", encoding="utf-8").read()
if "\\x1b[31m\\xff\\xfe\\x0a\\x0d\\x07" not in txt:
    sys.exit("text output does not show the control-byte name escaped")
dot = open(f"{out}/report.dot", encoding="utf-8").read()
if '\\"><script>docume' not in dot:
    sys.exit("DOT does not escape the quote of the hostile name")
print("ok")
PY
