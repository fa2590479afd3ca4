#!/bin/sh
# A dump saved by a kdump capture kernel: the panicking CPU's registers are
# the ones crash_setup_regs() took inside __crash_kexec, which ORC cannot
# follow at that IP. whyhung's stack of that CPU must still reach the
# thread's entry, and contain, in order, every function crash 8.0.6's
# `bt -a` shows for it except machine_kexec (called after the registers
# were saved, so not part of their stack). The other CPUs are reported as
# stopped by the crash NMI, with the context of the code they interrupted.
# usage: kdump_panic_stack.sh WHYHUNG FIXTURE_DIR VMLINUX
set -eu
whyhung=$1 fixture=$2 vmlinux=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The panicking CPU, from the line after the kernel's panic message.
cpu=$(sed -n '/Kernel panic - not syncing/{n;s/.*CPU: \([0-9]*\) PID: .*/\1/p;q;}' "$fixture/serial.log")
[ -n "$cpu" ] || fail "no panicking CPU in serial.log"
"$whyhung" bt "$fixture/vmcore" -k "$vmlinux" --cpu "$cpu" >"$out/bt.txt"
cat "$out/bt.txt"
grep -q 'trace ends' "$out/bt.txt" && fail "the panicking CPU's stack ends early"
grep -q ' ret_from_fork+' "$out/bt.txt" || fail "the stack does not reach ret_from_fork"

# crash's frames of the task on that CPU, in order.
pid=$(sed -n "s/^PID: *\([0-9]*\) .*CPU: $cpu .*/\1/p" "$fixture/reference/crash-bt-a.txt" | head -n 1)
[ -n "$pid" ] || fail "no task on CPU $cpu in crash-bt-a.txt"
sed -n "/^PID: *$pid /,/^\$/p" "$fixture/reference/crash-bt-a.txt" |
	sed -n 's/^ *#[0-9]* \[[0-9a-f]*\] \([A-Za-z0-9_.]*\) at .*/\1/p' |
	grep -v '^machine_kexec$' >"$out/crash.txt"
[ -s "$out/crash.txt" ] || fail "no frames for pid $pid in crash-bt-a.txt"
sed -n 's/^ *#[0-9]*  \(? \)\{0,1\}\([A-Za-z0-9_.]*\)+.*/\2/p' "$out/bt.txt" >"$out/whyhung.txt"
# Every crash frame, in order, among whyhung's (which may have more).
awk 'BEGIN { i = 0; n = 0 } NR == FNR { want[n++] = $0; next } i < n && $0 == want[i] { i++ } END { exit (i < n) ? 1 : 0 }' \
	"$out/crash.txt" "$out/whyhung.txt" ||
	fail "crash's frames $(tr '\n' ' ' <"$out/crash.txt") are not all in whyhung's $(tr '\n' ' ' <"$out/whyhung.txt")"

# The other CPUs sat in the crash NMI (nmi_shootdown_cpus) at dump time,
# with the registers of the code they were interrupted in.
"$whyhung" cpus "$fixture/vmcore" -k "$vmlinux" >"$out/cpus.txt"
grep '^CPU ' "$out/cpus.txt" | grep -v '(panicking)' >"$out/others.txt" || true
[ -s "$out/others.txt" ] || fail "no other CPU in the cpus output"
if grep -v 'stopped by an NMI for the dump, was in ' "$out/others.txt"; then
	fail "a non-panicking CPU is not reported as stopped by the crash NMI"
fi
echo "PASS: CPU $cpu stack complete, crash's frames in order; other CPUs stopped by NMI"
