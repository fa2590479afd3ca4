#!/bin/sh
# -m DIR end to end: module frames get file:line from the fixture module's
# .ko or a split .ko.debug, a .ko of another module is left out with a warning (and the run
# still succeeds), a missing DIR is an I/O error (exit 3, one line).
# usage: module_debug_cli.sh WHYHUNG VMCORE VMLINUX KO
set -eu
whyhung=$1 vmcore=$2 vmlinux=$3 ko=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Where a -dbg package puts it, under a name with '-' for '_'.
mkdir -p "$work/good/lib/modules/any/extra" "$work/wrong"
cp "$ko" "$work/good/lib/modules/any/extra/whyhung-fixture.ko"
"$whyhung" bt "$vmcore" -k "$vmlinux" -m "$work/good" >"$work/out" 2>"$work/err" ||
	fail "bt -m exits $?: $(cat "$work/err")"
[ ! -s "$work/err" ] || fail "unexpected stderr: $(cat "$work/err")"
n=$(grep -c '\[whyhung_fixture\] (.*:[0-9][0-9]*)$' "$work/out" || true)
m=$(grep -c '\[whyhung_fixture\]' "$work/out" || true)
[ "$n" -ge 10 ] && [ "$n" -eq "$m" ] || fail "$n of $m module frames have a source line"

# A separate debug file (objcopy --only-keep-debug, as NAME.ko.debug): its
# struct module is NOBITS, the build id and functions must do.
mkdir -p "$work/split"
objcopy --only-keep-debug "$ko" "$work/split/whyhung_fixture.ko.debug"
"$whyhung" bt "$vmcore" -k "$vmlinux" -m "$work/split" >"$work/out" 2>"$work/err" ||
	fail "bt -m with a .ko.debug exits $?: $(cat "$work/err")"
[ ! -s "$work/err" ] || fail "unexpected stderr with a .ko.debug: $(cat "$work/err")"
n2=$(grep -c '\[whyhung_fixture\] (.*:[0-9][0-9]*)$' "$work/out" || true)
[ "$n2" -eq "$n" ] || fail "$n2 module frames with lines from the .ko.debug, $n from the .ko"

# The same file claiming to be another module (its struct module's name).
perl -0777 -pe 's/whyhung_fixture\x00/whyhung_fixturX\x00/g' "$ko" >"$work/wrong/whyhung_fixture.ko"
"$whyhung" bt "$vmcore" -k "$vmlinux" -m "$work/wrong" >"$work/out" 2>"$work/err" ||
	fail "bt -m with a wrong .ko exits $?"
grep -q '^whyhung: warning: module whyhung_fixture: .* not used: it is module "whyhung_fixturX"$' \
	"$work/err" || fail "no warning for the wrong .ko: $(cat "$work/err")"
! grep -q '\[whyhung_fixture\] (' "$work/out" || fail "the wrong .ko was used"

set +e
"$whyhung" bt "$vmcore" -k "$vmlinux" -m "$work/does-not-exist" >"$work/out" 2>"$work/err"
code=$?
set -e
[ "$code" -eq 3 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q '^whyhung: ' "$work/err" ||
	fail "missing -m dir: exit $code, stderr: $(cat "$work/err")"
echo "ok: $n module frames with lines (.ko and .ko.debug), wrong .ko refused, missing dir exit 3"
