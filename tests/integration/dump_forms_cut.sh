#!/bin/sh
# A capture cut short in the forms kdump-tools writes (issue 9 items 1, 2, 4):
# a flattened stream, and a gzip'd one, that end early. Near the end, the
# report is partial and says so first; whatever the cut, the run ends with a
# report or one line and exit 5, never a signal.
# PLAIN may itself be a flattened capture (kdump-tools' dump.STAMP): then
# that stream is cut, as a capture that stopped early leaves it.
# usage: dump_forms_cut.sh WHYHUNG VMLINUX PLAIN WORKDIR
set -eu
whyhung=$1 vmlinux=$2 plain=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
if [ "$(head -c 12 "$plain")" = makedumpfile ]; then
	cp "$plain" "$work/dump.flat"
else
	makedumpfile -F -c -d 31 "$plain" >"$work/dump.flat" 2>"$work/makedumpfile.log" ||
		{ cat "$work/makedumpfile.log"; fail "makedumpfile -F"; }
fi
size=$(stat -c %s "$work/dump.flat")

run() { # FILE PERCENT-NAME: the report on FILE; sets rc
	rc=0
	"$whyhung" report "$1" -k "$vmlinux" >"$work/$2.out" 2>"$work/$2.err" || rc=$?
	[ $rc -lt 128 ] || fail "$2: killed by signal $((rc - 128))"
}

for pct in 97 90 60 30 5; do
	# Named as kdump-tools names a capture it could not finish.
	mkdir -p "$work/$pct"
	head -c $((size * pct / 100)) "$work/dump.flat" >"$work/$pct/dump-incomplete"
	run "$work/$pct/dump-incomplete" "cut$pct"
	case $rc in
	0) head -1 "$work/cut$pct.out" | grep -q '^warning: dump incomplete: ' ||
		fail "cut at $pct%: a report that does not say first it is incomplete" ;;
	4 | 5) [ "$(wc -l <"$work/cut$pct.err")" -eq 1 ] && grep -q '^whyhung: ' "$work/cut$pct.err" ||
		fail "cut at $pct%: not one line: $(cat "$work/cut$pct.err")" ;;
	*) fail "cut at $pct%: exit $rc: $(cat "$work/cut$pct.err")" ;;
	esac
	grep -q 'the stream ends inside\|ends early\|incomplete' "$work/cut$pct.out" "$work/cut$pct.err" ||
		fail "cut at $pct%: nothing says the stream ends early"
done
# Near the end the answer is still there.
head -1 "$work/cut97.out" | grep -q '^warning: dump incomplete: ' || fail "97%: no partial report"
grep -q '^Why it hung:' "$work/cut97.out" || fail "97%: no explanation"

# The same stream gzip'd, then cut: the decompressor's early end.
gzip -c "$work/dump.flat" >"$work/dump.gz"
gsize=$(stat -c %s "$work/dump.gz")
head -c $((gsize * 97 / 100)) "$work/dump.gz" >"$work/dump.202612020301"
run "$work/dump.202612020301" gzcut
[ $rc -eq 0 ] || fail "gzip cut at 97%: exit $rc: $(cat "$work/gzcut.err")"
head -1 "$work/gzcut.out" | grep -q '^warning: dump incomplete: ' || fail "gzip cut: no first-line warning"
grep -q '^source: .*gzip' "$work/gzcut.out" || fail "gzip cut: the source line does not say gzip"
echo ok
