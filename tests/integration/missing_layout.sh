#!/bin/sh
# A kernel whose debug info lacks what whyhung needs for one part of the
# answer loses that part, not the report: with the init stack bounds gone
# from the symbols (as renamed in 6.10) and no thread_union in the 6.1
# fixture's DWARF, the kernel stack size is unknown; every command still
# runs, and the stacks say what is missing.
# usage: missing_layout.sh WHYHUNG VMCORE VMLINUX WORKDIR
set -eu
whyhung=$1 vmcore=$2 vmlinux=$3 work=$4
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work"
stripped=$work/vmlinux-no-init-stack
objcopy --strip-symbol=__start_init_task --strip-symbol=__end_init_task \
	--strip-symbol=__start_init_stack --strip-symbol=__end_init_stack "$vmlinux" "$stripped"

# The unstripped vmlinux unwinds pid 1 (the premise of the check below).
"$whyhung" bt "$vmcore" -k "$vmlinux" --pid 1 >"$work/bt-full.txt"
grep -q '#0 ' "$work/bt-full.txt" || fail "no frames with the full vmlinux"

"$whyhung" bt "$vmcore" -k "$stripped" --pid 1 >"$work/bt.txt" || fail "bt exited $?"
grep -q 'trace ends: stack layout unknown (.*thread_union' "$work/bt.txt" ||
	fail "bt does not say what is missing: $(cat "$work/bt.txt")"
grep -q '#0 ' "$work/bt.txt" && fail "frames without a stack size"
"$whyhung" report "$vmcore" -k "$stripped" >"$work/report.txt" || fail "report exited $?"
grep -q '^Why it hung:' "$work/report.txt" || fail "report has no explanation"
"$whyhung" report "$vmcore" -k "$stripped" --format json >/dev/null || fail "json exited $?"
"$whyhung" bt "$vmcore" -k "$stripped" --pid 1 --format json >"$work/bt.json"
grep -q '"end":"stack layout unknown","end_detail":"kernel stack size' "$work/bt.json" ||
	fail "bt JSON lacks end_detail: $(cat "$work/bt.json")"
echo ok
