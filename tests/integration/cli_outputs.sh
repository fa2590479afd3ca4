#!/bin/sh
# The CLI end to end on a fixture: every command and format runs, JSON is
# well-formed and versioned, and the truth's blocked tasks are reported.
# usage: cli_outputs.sh WHYHUNG FIXTURE_DIR VMLINUX
set -eu
whyhung=$1 fixture=$2 vmlinux=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$whyhung" summary "$fixture/vmcore" -k "$vmlinux" >"$out/summary.txt"
"$whyhung" summary "$fixture/vmcore" -k "$vmlinux" --format json >"$out/summary.json"
"$whyhung" "$fixture/vmcore" -k "$vmlinux" >"$out/report.txt"
"$whyhung" "$fixture/vmcore" -k "$vmlinux" --format json >"$out/report.json"
"$whyhung" report "$fixture/vmcore" -k "$vmlinux" --format dot >"$out/report.dot"
"$whyhung" tasks "$fixture/vmcore" -k "$vmlinux" >"$out/tasks.txt"
"$whyhung" tasks "$fixture/vmcore" -k "$vmlinux" --format=json >"$out/tasks.json"
# Options before the command and dump work too.
"$whyhung" -k "$vmlinux" -f json tasks "$fixture/vmcore" | cmp -s - "$out/tasks.json" ||
	fail "option order changes the output"

grep -q '"schema":"whyhung-summary/1"' "$out/summary.json" || fail "summary schema"
grep -q '"schema":"whyhung-tasks/1"' "$out/tasks.json" || fail "tasks schema"
grep -q '"schema":"whyhung-report/2"' "$out/report.json" || fail "report schema"
grep -q '^Why it hung:' "$out/report.txt" || fail "report has no explanation"
grep -q '^digraph whyhung {' "$out/report.dot" && tail -1 "$out/report.dot" | grep -q '^}$' ||
	fail "dot output"
"$whyhung" summary "$fixture/vmcore" -k "$vmlinux" --format dot >/dev/null 2>&1 &&
	fail "dot accepted for summary"
release=$(sed -n 's/.*"release": *"\([^"]*\)".*/\1/p' "$fixture/truth.json" | head -1)
grep -q "^kernel: *$release\$" "$out/summary.txt" || fail "release $release not in summary"

# Every blocked task of the truth appears as D in the summary, text and JSON.
pids=$(tr -d '\n' <"$fixture/truth.json" | tr '{' '\n' | sed -n 's/.*"pid": *\([0-9]*\).*"state": *"D".*/\1/p')
[ -n "$pids" ] || fail "no D pids in truth.json"
for pid in $pids; do
	grep -Eq "^[ >]+$pid +[0-9]+ +D " "$out/summary.txt" || fail "pid $pid not D in summary"
	grep -q "{\"pid\":$pid,[^}]*\"state\":\"D\"" "$out/summary.json" || fail "pid $pid not in JSON"
done
# tasks lists more than the blocked ones, one line per task plus a header.
n_json=$(grep -o '"pid":' "$out/tasks.json" | wc -l)
n_text=$(($(wc -l <"$out/tasks.txt") - 1))
[ "$n_json" -eq "$n_text" ] || fail "tasks: $n_json in JSON, $n_text in text"
echo "ok: $(echo $pids | wc -w) blocked tasks, $n_json tasks"
