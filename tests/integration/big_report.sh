#!/bin/sh
# big-6.1 (10,079 tasks): the whole report, within the default analysis
# budget, against truth.json: every mutex, rwsem and completion waiter
# behind its object, each object's holder named. (Before the analysis was
# linear it spent the budget on this dump and was partial.)
# usage: big_report.sh WHYHUNG FIXTURE_DIR VMLINUX DUMP
set -eu
whyhung=$1 fixture=$2 vmlinux=$3 dump=$4
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
param() { tr -d ' \n' <"$fixture/truth.json" | sed -n "s/.*\"params\":{[^}]*\"$1\":\([0-9]*\).*/\1/p"; }

mutex=$(param mutex) rwsem=$(param rwsem) completion=$(param completion)
[ -n "$mutex" ] && [ -n "$rwsem" ] && [ -n "$completion" ] || fail "truth.json has no params"

"$whyhung" report "$dump" -k "$vmlinux" >"$out/report.txt" 2>"$out/stderr.txt" ||
	fail "report exited $?: $(cat "$out/stderr.txt")"
! grep -q "budget spent" "$out/report.txt" "$out/stderr.txt" || fail "the analysis budget was spent"
# The dump is whole and its kernel not PREEMPT_RT: no kind may complain per
# task (the RT kinds once warned for each of 200 non-RT rwsem writers).
! grep -q "^warning:" "$out/report.txt" || fail "warnings: $(grep -m3 '^warning:' "$out/report.txt")"
expect() { grep -qF -- "$1" "$out/report.txt" || fail "report lacks: $1"; }
expect "$mutex tasks are blocked behind mutex wh_big_mutex [whyhung_fixture] (locked, waiters flagged), held by wh_big_mholder["
expect "$rwsem tasks are blocked behind rwsem wh_big_rwsem [whyhung_fixture] (held for write"
expect "held by wh_big_rholder["
expect "$completion tasks wait on completion wh_big_done [whyhung_fixture]: not completed"
# One wait-graph line per waiter.
n_edges=$(grep -c -- '-> mutex wh_big_mutex \[whyhung_fixture\] -> wh_big_mholder\[' "$out/report.txt" || true)
[ "$n_edges" -eq "$mutex" ] || fail "$n_edges mutex waiters in the wait graph, truth $mutex"
echo "ok: $mutex + $rwsem + $completion waiters behind their objects"
