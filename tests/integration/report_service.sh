#!/bin/sh
# contrib/whyhung-report (what whyhung-report.service runs) on /var/crash
# laid out as kdump-tools lays it out (issue 15 item 4): a finished capture,
# a half-written one (dump-incomplete: the file cut in its page data), a
# directory where only dmesg is saved yet, and the debug info missing.
# Usage: report_service.sh SCRIPT WHYHUNG VMLINUX STAMP_DIR OUTDIR
#   STAMP_DIR: the kdump-tools fixture's /var/crash/STAMP (dmesg.STAMP,
#   dump.STAMP flattened)
set -eu
script=$1 whyhung=$2 vmlinux=$3 src=$4 out=$5
stamp=$(basename "$src")
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$out" && mkdir -p "$out/crash"
crash=$out/crash
mkdir "$crash/$stamp" "$crash/202612020700" "$crash/202612020710" "$crash/202612020800"
cp "$src/dmesg.$stamp" "$src/dump.$stamp" "$crash/$stamp/"
# Half-written: kdump-tools renames the dump dump-incomplete when
# makedumpfile fails. Cut late (90%), the report is partial and says so;
# cut early (2/3), pages the analysis needs are gone: whyhung.txt says why.
size=$(stat -c %s "$src/dump.$stamp")
head -c $((size * 9 / 10)) "$src/dump.$stamp" >"$crash/202612020700/dump-incomplete"
head -c $((size * 2 / 3)) "$src/dump.$stamp" >"$crash/202612020710/dump-incomplete"
# Only dmesg so far.
cp "$src/dmesg.$stamp" "$crash/202612020800/dmesg.202612020800"

# 1. No debug info where whyhung looks: whyhung.txt names the package.
WHYHUNG=$whyhung "$script" "$crash" >"$out/run1.log" || true
txt=$crash/$stamp/whyhung.txt
[ -f "$txt" ] || fail "no whyhung.txt without debug info"
grep -q "install linux-image-6.1.192-whyhung-dbg" "$txt" || fail "package not named: $(cat "$txt")"
[ ! -e "$crash/$stamp/whyhung.html" ] || fail "an HTML report without debug info"
[ ! -e "$crash/202612020800/whyhung.txt" ] || fail "a report for a directory without a dump"
ls -a "$crash"/*/ | grep -q '\.tmp$' && fail "temporary files left"

# 2. Once it is installed (here: -k), the reports, after removing the note.
rm "$crash"/*/whyhung.txt
WHYHUNG=$whyhung WHYHUNG_OPTS="-k $vmlinux" "$script" "$crash" >"$out/run2.log" &&
	fail "run 2 succeeded with a dump it cannot read"
grep -q "202612020710: exit 5" "$out/run2.log" || fail "run 2: $(cat "$out/run2.log")"
grep -q "exit code 5" "$crash/202612020710/whyhung.txt" ||
	fail "unreadable dump: $(cat "$crash/202612020710/whyhung.txt")"
grep -q "the dump is incomplete" "$crash/202612020710/whyhung.txt" ||
	fail "unreadable dump: $(cat "$crash/202612020710/whyhung.txt")"
for f in whyhung.txt whyhung.json whyhung.html; do
	[ -s "$crash/$stamp/$f" ] || fail "$stamp/$f missing"
	[ -s "$crash/202612020700/$f" ] || fail "half-written dump: $f missing"
done
grep -q "^panic: *hung task" "$crash/$stamp/whyhung.txt" || fail "the report has no panic line"
grep -q "Deadlock" "$crash/$stamp/whyhung.html" || fail "the HTML has no explanation"
# The cut dump is analysed with what is there, and says so first.
head -3 "$crash/202612020700/whyhung.txt" | grep -qi "incomplete" ||
	fail "half-written dump not said: $(head -3 "$crash/202612020700/whyhung.txt")"
[ ! -e "$crash/202612020800/whyhung.txt" ] || fail "a report for a directory without a dump"

# 3. Done directories are left alone.
before=$(stat -c %Y.%s "$crash/$stamp/whyhung.html")
sleep 1
WHYHUNG=$whyhung WHYHUNG_OPTS="-k $vmlinux" "$script" "$crash" >"$out/run3.log"
[ "$(stat -c %Y.%s "$crash/$stamp/whyhung.html")" = "$before" ] || fail "report rewritten"
[ ! -s "$out/run3.log" ] || fail "run 3 did something: $(cat "$out/run3.log")"
echo "ok: $(cat "$out/run2.log" | tr '\n' ' ')"
