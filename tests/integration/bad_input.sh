#!/bin/sh
# Bad input gets one line on stderr and its documented exit code; never a
# crash. usage: bad_input.sh WHYHUNG GOOD_VMCORE GOOD_VMLINUX WORKDIR
set -u
whyhung=$1 vmcore=$2 vmlinux=$3 work=$4
mkdir -p "$work"
failures=0

expect() { # expect CODE DESCRIPTION -- ARGS...
	want=$1 what=$2
	shift 3
	"$whyhung" "$@" >"$work/out" 2>"$work/err"
	got=$?
	lines=$(wc -l <"$work/err")
	if [ "$got" -ne "$want" ] || [ "$lines" -ne 1 ] || ! grep -q '^whyhung: ' "$work/err"; then
		echo "FAIL $what: exit $got (want $want), stderr $lines lines:"
		cat "$work/err"
		failures=$((failures + 1))
	else
		echo "ok   $what: exit $got: $(cat "$work/err")"
	fi
}

printf 'this is not a dump\n%.0s' $(seq 1 500) >"$work/text"
: >"$work/empty"
size=$(stat -c %s "$vmcore")
head -c $((size / 2)) "$vmcore" >"$work/truncated"
head -c 600 "$vmcore" >"$work/header-only"
objcopy --strip-debug "$vmlinux" "$work/vmlinux-nodebug"
# Same build, release string altered in the banner: must not be accepted.
cp "$vmlinux" "$work/vmlinux-other"
for off in $(grep -obUa 'Linux version [0-9]' "$vmlinux" | cut -d: -f1); do
	printf '9' | dd of="$work/vmlinux-other" bs=1 seek=$((off + 14)) conv=notrunc 2>/dev/null
done

expect 2 "no arguments" --
expect 2 "unknown format" -- "$vmcore" -k "$vmlinux" --format yaml
expect 2 "unknown option" -- "$vmcore" -k "$vmlinux" --frobnicate
expect 3 "missing dump" -- "$work/does-not-exist" -k "$vmlinux"
expect 4 "text file as dump" -- "$work/text" -k "$vmlinux"
expect 4 "empty file as dump" -- "$work/empty" -k "$vmlinux"
expect 9 "dump cut in half (kernel data not saved)" -- "$work/truncated" -k "$vmlinux"
expect 5 "dump cut after its header" -- "$work/header-only" -k "$vmlinux"
expect 6 "missing vmlinux" -- "$vmcore" -k "$work/does-not-exist"
expect 6 "text file as vmlinux" -- "$vmcore" -k "$work/text"
expect 6 "dump given as vmlinux" -- "$vmcore" -k "$vmcore"
expect 7 "vmlinux without DWARF" -- "$vmcore" -k "$work/vmlinux-nodebug"
expect 8 "vmlinux of another build" -- "$vmcore" -k "$work/vmlinux-other"
# A vmlinux whose section header table offset (e_shoff, at byte 40) is moved
# 4 bytes back, still inside the file but misaligned: rejected, not read
# misaligned (UBSan stops on that).
cp "$vmlinux" "$work/vmlinux-misaligned"
low=$(od -An -tu1 -j40 -N1 "$vmlinux" | tr -d ' ')
[ "$low" -ge 4 ] || { echo "FAIL: e_shoff's low byte is $low, cannot move it back"; exit 1; }
printf "\\$(printf %o $((low - 4)))" | dd of="$work/vmlinux-misaligned" bs=1 seek=40 conv=notrunc 2>/dev/null
expect 6 "vmlinux with a misaligned section header table" -- "$vmcore" -k "$work/vmlinux-misaligned"
expect 8 "tasks: vmlinux of another build" -- tasks "$vmcore" -k "$work/vmlinux-other"
# A program or a module given as the vmlinux is not a kernel (6), even
# though it has a build id of its own.
expect 6 "a program as vmlinux" -- "$vmcore" -k /bin/ls
ko=$(dirname "$vmcore")/whyhung_fixture.ko
[ -f "$ko" ] && expect 6 "a module as vmlinux" -- "$vmcore" -k "$ko"
# A symbol string table that does not end in NUL: exit 6, and the line
# names that reason (it was replaced by "not a vmlinux").
cp "$vmlinux" "$work/vmlinux-badstrtab"
set -- $(readelf -SW "$vmlinux" | awk '{for (i = 1; i <= NF; i++) if ($i == ".strtab") print $(i + 3), $(i + 4)}')
printf 'X' | dd of="$work/vmlinux-badstrtab" bs=1 seek=$((0x$1 + 0x$2 - 1)) conv=notrunc 2>/dev/null
expect 6 "vmlinux with a bad symbol string table" -- "$vmcore" -k "$work/vmlinux-badstrtab"
grep -q 'bad symbol string table' "$work/err" ||
	{ echo "FAIL: the reason is lost: $(cat "$work/err")"; failures=$((failures + 1)); }
# -m: a directory or one module debug file; anything else, exit 3.
printf 'not a module\n' >"$work/notes.txt"
expect 3 "-m a text file" -- bt "$vmcore" -k "$vmlinux" -m "$work/notes.txt"
expect 3 "-m /dev/null" -- bt "$vmcore" -k "$vmlinux" -m /dev/null

# Damaged page data (as in a dump that was corrupted in transit): the
# analysis may lose pieces but must end with a documented exit code, never a
# crash. Garbage is written at fixed places so the test is repeatable.
for pct in 3 10 30 50 70 90; do
	cp "$vmcore" "$work/damaged"
	off=$((size * pct / 100))
	printf 'garbage%.0s' $(seq 1 64) | dd of="$work/damaged" bs=1 seek="$off" conv=notrunc 2>/dev/null
	"$whyhung" "$work/damaged" -k "$vmlinux" >"$work/out" 2>"$work/err"
	got=$?
	if [ "$got" -ge 10 ] || grep -q 'Sanitizer\|runtime error' "$work/err"; then
		echo "FAIL damaged dump at ${pct}%: exit $got"
		head -5 "$work/err"
		failures=$((failures + 1))
	else
		echo "ok   damaged dump at ${pct}%: exit $got"
	fi
done

rm -f "$work/truncated" "$work/vmlinux-nodebug" "$work/vmlinux-other" "$work/damaged" \
	"$work/vmlinux-misaligned" "$work/vmlinux-badstrtab"
[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
