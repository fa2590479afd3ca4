#!/bin/sh
# big-6.1 (10,079 tasks): whyhung lists every task with the dump's states,
# and bt --state D unwinds every D task. The counts come from truth.json
# (tools/make_truth_big.py); the report is big_report.sh's.
# usage: big_tasks.sh WHYHUNG FIXTURE_DIR VMLINUX DUMP
set -eu
whyhung=$1 fixture=$2 vmlinux=$3 dump=$4
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
count() { sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p" "$fixture/truth.json" | head -1; }

want_d=$(tr -d ' \n' <"$fixture/truth.json" | sed -n 's/.*"by_state":{"D":\([0-9]*\),"S":\([0-9]*\)}.*/\1/p')
want_s=$(tr -d ' \n' <"$fixture/truth.json" | sed -n 's/.*"by_state":{"D":\([0-9]*\),"S":\([0-9]*\)}.*/\2/p')
module_tasks=$(count module_tasks)
[ -n "$want_d" ] && [ -n "$want_s" ] && [ -n "$module_tasks" ] || fail "truth.json has no counts"

"$whyhung" tasks "$dump" -k "$vmlinux" --format json >"$out/tasks.json"
n=$(grep -o '"pid":' "$out/tasks.json" | wc -l)
n_d=$(grep -o '"state":"D"' "$out/tasks.json" | wc -l)
n_s=$(grep -o '"state":"S"' "$out/tasks.json" | wc -l)
[ "$n" -ge "$module_tasks" ] && [ "$n" -ge 10000 ] || fail "$n tasks listed, want >= $module_tasks and >= 10000"
# Every D task of this dump is a module task; the module's S tasks are not
# the only S ones (kernel threads sleep too).
[ "$n_d" -eq "$want_d" ] || fail "$n_d D tasks, truth $want_d"
[ "$n_s" -ge "$want_s" ] || fail "$n_s S tasks, truth at least $want_s"
for comm in wh_big_mholder wh_big_rholder; do
	grep -q "\"comm\":\"$comm\",\"state\":\"D\"" "$out/tasks.json" || fail "$comm not D"
done

"$whyhung" bt --state D "$dump" -k "$vmlinux" >"$out/bt.txt"
n_bt=$(grep -c '^PID [0-9]* TGID [0-9]* .* state D ' "$out/bt.txt")
[ "$n_bt" -eq "$want_d" ] || fail "bt --state D: $n_bt stacks, truth $want_d D tasks"
echo "ok: $n tasks ($n_d D, $n_s S), $n_bt D stacks"
