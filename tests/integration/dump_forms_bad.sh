#!/bin/sh
# Damaged dump forms on the command line: one line on stderr in whyhung's
# words and the documented exit code, never a crash or a hang.
# usage: dump_forms_bad.sh WHYHUNG VMLINUX PLAIN_KDUMP WORKDIR [OTHER_KDUMP]
# (OTHER_KDUMP: another dump of the same kernel, for a split set mixed from two)
set -eu
whyhung=$1 vmlinux=$2 plain=$3 work=$4 other=${5:-}
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

# expect CODE WORDS ARGS...: whyhung summary ARGS exits CODE, one line with WORDS.
expect() {
	code=$1 words=$2
	shift 2
	set +e
	timeout 60 "$whyhung" summary "$@" -k "$vmlinux" >/dev/null 2>"$work/err"
	got=$?
	set -e
	[ "$got" -eq "$code" ] || { cat "$work/err"; fail "$*: exit $got, not $code"; }
	[ "$(wc -l <"$work/err")" -eq 1 ] || { cat "$work/err"; fail "$*: not one line"; }
	grep -q "^whyhung: .*$words" "$work/err" || { cat "$work/err"; fail "$*: no '$words'"; }
}

makedumpfile -F -c -d 31 "$plain" >"$work/flat" 2>/dev/null || fail "makedumpfile -F"
size=$(wc -c <"$work/flat")

# Streams that end early: what is there is rebuilt, then named as incomplete.
head -c $((size / 2)) "$work/flat" >"$work/flat.half"
expect 5 "flat.half: the stream ends inside record .*so the dump is incomplete" "$work/flat.half"
head -c 5000 "$work/flat" >"$work/flat.start"
expect 5 "the stream ends inside record [0-9]* .*dump truncated" "$work/flat.start"
gzip -c "$work/flat" | head -c $((size / 2)) >"$work/flat.gz"
expect 5 "the gzip data ends early" "$work/flat.gz"
xz -T1 -c "$work/flat" | head -c $((size / 3)) >"$work/flat.xz"
expect 5 "the xz data ends early" "$work/flat.xz"

# A flattened header of another version.
cp "$work/flat" "$work/flat.v2"
printf '\002' | dd of="$work/flat.v2" bs=1 seek=31 conv=notrunc 2>/dev/null
expect 4 "flattened dump of type 1 version 2" "$work/flat.v2"

# Bad magic: no form whyhung knows, said in its own words.
cp "$work/flat" "$work/flat.magic"
printf 'X' | dd of="$work/flat.magic" bs=1 seek=11 conv=notrunc 2>/dev/null
expect 4 "not a kernel dump: no dump format whyhung reads starts like this file" \
	"$work/flat.magic"

# Split sets with a member missing, given twice, or mixed with a plain dump.
mkdir "$work/set"
makedumpfile --split -c -d 31 --splitblock-size 4 "$plain" "$work/set/a" "$work/set/b" \
	"$work/set/c" >/dev/null 2>&1 || fail "makedumpfile --split"
expect 5 "split dump incomplete: pfns 0x[0-9a-f]*-0x[0-9a-f]* are in none" \
	"$work/set/a" "$work/set/c"
expect 2 "both hold pfns" "$work/set/a" "$work/set/a" "$work/set/b" "$work/set/c"
expect 2 "is not part of a split dump" "$work/set/a" "$plain"
if [ -n "$other" ]; then
	mkdir "$work/other"
	makedumpfile --split -c -d 31 --splitblock-size 4 "$other" "$work/other/a" \
		"$work/other/b" "$work/other/c" >/dev/null 2>&1 || fail "makedumpfile --split"
	expect 2 "are not parts of the same dump" "$work/set/a" "$work/other/b" "$work/set/c"
fi
# kdump-tools leaves a raw vmcore.STAMP beside a failed dump: two dumps.
mkdir "$work/two"
cp "$plain" "$work/two/vmcore.202612020301"
cp "$work/flat" "$work/two/dump.202612020301"
expect 2 "holds 2 dumps that are not one split dump .*name the one to read" "$work/two"
mkdir "$work/empty"
echo "not a dump" >"$work/empty/dmesg.202612020301"
expect 4 "holds no dump file" "$work/empty"
rm -rf "$work"
echo ok
