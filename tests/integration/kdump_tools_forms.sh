#!/bin/sh
# kdump-tools-6.1: the files the capture kernel saved with Debian
# kdump-tools' commands. whyhung reads the flattened dump.STAMP and the
# gzip'd dump.STAMP.gz directly; both reports are the same but for the
# "source:" line, which names the form.
# usage: kdump_tools_forms.sh WHYHUNG VMLINUX STAMPDIR
set -eu
whyhung=$1 vmlinux=$2 dir=$3
stamp=${dir##*/}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for f in "dump.$stamp" "dump.$stamp.gz"; do
	"$whyhung" report "$dir/$f" -k "$vmlinux" >"$out/$f.txt" || fail "report on $f exited $?"
	grep -q '^Why it hung:' "$out/$f.txt" || fail "$f: no explanation"
	grep -v '^source:' "$out/$f.txt" >"$out/$f.body"
done
grep -q "^source: .*dump.$stamp: flattened" "$out/dump.$stamp.txt" ||
	fail "dump.$stamp: no 'flattened' source line"
grep -q "^source: .*dump.$stamp.gz: gzip-compressed flattened" "$out/dump.$stamp.gz.txt" ||
	fail "dump.$stamp.gz: no 'gzip-compressed flattened' source line"
cmp -s "$out/dump.$stamp.body" "$out/dump.$stamp.gz.body" ||
	{ diff "$out/dump.$stamp.body" "$out/dump.$stamp.gz.body" | head -20; fail "the two forms give different reports"; }
echo "ok: dump.$stamp and dump.$stamp.gz give the same report"
