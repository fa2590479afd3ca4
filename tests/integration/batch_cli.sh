#!/bin/sh
# whyhung batch and clusters end to end on the fixtures, laid out as kdump
# tools leave them, with bad input beside them: every file is one row with
# its status, the batch's exit code says it ran with failures, results
# survive a kill and a rerun, two batches share one database.
# usage: batch_cli.sh WHYHUNG FIXTURES VMLINUX WORKDIR [asan]
set -u
whyhung=$1 fixtures=$2 vmlinux=$3 work=$4 asan=${5:-}
rm -rf "$work"
mkdir -p "$work"
# The batch's temporary directory too: a batch killed with -9 below
# leaves its (empty) directory there, not in /tmp.
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"
failures=0
fail() {
	echo "FAIL $*"
	failures=$((failures + 1))
}
ok() { echo "ok   $*"; }
py() { python3 - "$@"; }

release=$("$whyhung" summary "$fixtures/hung-6.1/vmcore" -k "$vmlinux" --format json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["kernel"]["release"])')
build_id=$("$whyhung" summary "$fixtures/hung-6.1/vmcore" -k "$vmlinux" --format json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["kernel"]["build_id"])')
[ -n "$release" ] && [ -n "$build_id" ] || { echo "FAIL: no release/build id"; exit 1; }

# Debug trees: one by release, one by build id only.
mkdir -p "$work/dbg/boot" "$work/dbg-id/.build-id/$(echo "$build_id" | cut -c1-2)"
ln -s "$(realpath "$vmlinux")" "$work/dbg/boot/vmlinux-$release"
ln -s "$(realpath "$vmlinux")" \
	"$work/dbg-id/.build-id/$(echo "$build_id" | cut -c1-2)/$(echo "$build_id" | cut -c3-).debug"

# /var/crash as Debian's kdump-tools and RHEL's kdump leave it.
crash=$work/var/crash
mkdir -p "$crash/202611220520" "$crash/127.0.0.1-2026-11-22-05:25:33" "$crash/other" \
	"$crash/bad"
cp "$fixtures/hung-6.1/vmcore" "$crash/202611220520/dump.202611220520"
echo "kernel log" >"$crash/202611220520/dmesg.202611220520"
cp "$fixtures/kdump-6.1/vmcore" "$crash/127.0.0.1-2026-11-22-05:25:33/vmcore"
echo "kernel log" >"$crash/127.0.0.1-2026-11-22-05:25:33/vmcore-dmesg.txt"
cp "$fixtures/softlockup-6.1/vmcore" "$crash/other/no-dump-name-at-all"
echo "notes" >"$crash/other/README"
printf 'not a dump\n' >"$crash/bad/vmcore"
size=$(stat -c %s "$fixtures/hung-6.1/vmcore")
head -c $((size / 2)) "$fixtures/hung-6.1/vmcore" >"$crash/bad/vmcore-truncated"
# A corrupt copy: garbage over the middle of the page data.
cp "$fixtures/kdump-6.1/vmcore" "$crash/bad/vmcore-corrupt"
ksize=$(stat -c %s "$fixtures/kdump-6.1/vmcore")
yes "corrupt page data" | head -c 262144 | dd of="$crash/bad/vmcore-corrupt" bs=1 seek=$((ksize / 2)) \
	conv=notrunc 2>/dev/null

run() { # run NAME ARGS... : stdout, stderr and exit code in $work/NAME.*
	name=$1
	shift
	"$whyhung" batch "$@" >"$work/$name.out" 2>"$work/$name.err"
	echo $? >"$work/$name.rc"
}
row() { # row NAME PATH-SUFFIX -> status of that path in NAME.out
	awk -v p="$2" 'index($2, p) && substr($2, length($2) - length(p) + 1) == p { print $1 }' \
		"$work/$1.out"
}
expect_row() { # expect_row NAME PATH-SUFFIX STATUS
	got=$(row "$1" "$2")
	if [ "$got" = "$3" ]; then ok "$1: $2 is $3"; else fail "$1: $2 is '$got', want $3"; fi
}

# 1. The tree, -j 2, debug info by release, results to JSON Lines and SQLite.
mkfifo "$work/a-fifo"
unreadable=""
if [ "$(id -u)" -ne 0 ]; then # (root reads anything)
	cp "$fixtures/hung-6.1/vmcore" "$work/unreadable"
	chmod 000 "$work/unreadable"
	unreadable=$work/unreadable
fi
run tree "$crash" "$work/does-not-exist" "$work/a-fifo" $unreadable -j 2 --debug-dir "$work/dbg" \
	--json "$work/r.jsonl" --db "$work/r.db"
expect_row tree /202611220520/dump.202611220520 ok
expect_row tree "05:25:33/vmcore" ok
expect_row tree /other/no-dump-name-at-all ok
expect_row tree /bad/vmcore not-a-dump
expect_row tree /bad/vmcore-truncated truncated
expect_row tree /does-not-exist error
expect_row tree /a-fifo error
grep -q "a-fifo  cannot read the file: not a regular file" "$work/tree.out" &&
	ok "a FIFO: not a regular file" || fail "FIFO row: $(grep a-fifo "$work/tree.out")"
[ -z "$unreadable" ] || expect_row tree /unreadable error
grep -q "vmcore-corrupt" "$work/tree.out" && ok "the corrupt copy has a row" ||
	fail "the corrupt copy has no row"
grep -q "dmesg\|README" "$work/tree.out" && fail "kdump's logs were taken for dumps" ||
	ok "kdump's logs and other files passed over"
[ "$(cat "$work/tree.rc")" = 10 ] && ok "exit code 10 (ran, with failures)" ||
	fail "exit code $(cat "$work/tree.rc"), want 10"
tail -n 1 "$work/tree.err" | grep -q "^whyhung: batch ran, with [0-9]* failures$" &&
	ok "last line counts the failures: $(tail -n 1 "$work/tree.err")" ||
	fail "last stderr line: $(tail -n 1 "$work/tree.err")"
grep -q "$(printf '\r')" "$work/tree.err" && fail "progress line on a pipe" ||
	ok "no progress line on a pipe"
# On a terminal (script(1) gives it one), the progress line.
if command -v script >/dev/null; then
	script -qec "'$whyhung' batch '$crash/202611220520' --debug-dir '$work/dbg' >/dev/null" \
		/dev/null </dev/null | tr '\r' '\n' >"$work/tty.err"
	grep -aq "^.*1/1 dumps, [0-9.]* dumps/s, 0 failures, ETA 0 s" "$work/tty.err" &&
		ok "progress line on a TTY" || fail "no progress line on a TTY: $(cat "$work/tty.err")"
fi

# Signatures and rows, from the JSON Lines.
py "$work/r.jsonl" "$crash" <<'PY' || failures=$((failures + 1))
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {r["path"].split("/var/crash/")[1]: r for r in rows if "/var/crash/" in r["path"]}
hung = by["202611220520/dump.202611220520"]
kdump = by["127.0.0.1-2026-11-22-05:25:33/vmcore"]
soft = by["other/no-dump-name-at-all"]
bad = 0
def check(cond, what):
    global bad
    print(("ok   " if cond else "FAIL ") + what)
    bad += not cond
for r in (hung, kdump, soft):
    check(r["schema"] == "whyhung-batch/1" and r["report"]["schema"] == "whyhung-report/2",
          "schemas of " + r["path"])
    check(r["status"] == "ok" and r["exit_code"] == 0 and r["message"] is None, "ok row")
    check(len(r["content_id"]) == 32 and r["release"] and r["build_id"], "ids")
    check(isinstance(r["crash_time"], int) and r["analysis_ms"] >= 0, "times")
    check(r["signature"].startswith("whyhung-sig/1:") and len(r["signature"]) == 46,
          "signature form " + r["signature"])
check(hung["content_id"] != kdump["content_id"], "two dumps, two content ids")
pids = lambda r: sorted(t["pid"] for t in r["report"]["tasks"])
check(pids(hung) != pids(kdump), "hung-6.1 and kdump-6.1 differ in pids")
check(hung["signature"] == kdump["signature"],
      "the same bug on two boots: one signature (%s)" % hung["signature"])
check(soft["signature"] != hung["signature"], "another bug: another signature")
check("root: deadlock" in hung["signature_parts"], "deadlock named in the parts")
check("0x" not in hung["signature_parts"] and "[4" not in hung["signature_parts"],
      "no addresses or pids in the parts")
check("root: spinning-cpu" in soft["signature_parts"], "soft lockup: spinning CPU")
trunc = [r for r in rows if r["path"].endswith("vmcore-truncated")][0]
# Cut in its pages, the dump opens as incomplete (exit 9 in a single run);
# cut in its headers, exit 5.
check(trunc["exit_code"] in (5, 9) and ("truncated" in trunc["message"] or
      "incomplete" in trunc["message"]), "truncated: exit %d" % trunc["exit_code"])
nd = [r for r in rows if r["path"].endswith("/bad/vmcore")][0]
check(nd["exit_code"] == 4 and nd["report"] is None, "not a dump: exit 4")
missing = [r for r in rows if r["path"].endswith("does-not-exist")][0]
check(missing["exit_code"] == 3 and missing["content_id"] is None, "missing file: exit 3")
sys.exit(bad)
PY

# 2. A rerun analyses nothing again: every content id is in the database.
run rerun "$crash" --debug-dir "$work/dbg" --db "$work/r.db"
grep -q "already in the results" "$work/rerun.out" && ! grep -q "^ok " "$work/rerun.out" &&
	ok "rerun: dumps already in the database skipped" || fail "rerun analysed again"

# 3. Clusters, from the database and from the JSON Lines: the same.
"$whyhung" clusters --db "$work/r.db" --format json >"$work/c-db.json" &&
	"$whyhung" clusters --json "$work/r.jsonl" --format json >"$work/c-jsonl.json" ||
	fail "clusters failed"
py "$work/c-db.json" "$work/c-jsonl.json" <<'PY' || failures=$((failures + 1))
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sig = lambda d: sorted((c["signature"], c["count"]) for c in d["clusters"])
# hung-6.1, kdump-6.1 and the corrupt copy of kdump-6.1 (its damage misses
# what the signature is made of); softlockup-6.1 alone.
ok = sig(a) == sig(b) and [c["count"] for c in a["clusters"]] == [3, 1]
print(("ok   " if ok else "FAIL ") + "clusters from db and JSONL agree: %s" % sig(a))
sys.exit(not ok)
PY
"$whyhung" clusters --db "$work/r.db" >"$work/c.txt" && grep -q "kernels: $release" "$work/c.txt" &&
	ok "text clusters name the kernel" || fail "text clusters"
"$whyhung" clusters --db "$work/r.db" --since 2099-01-01 | grep -q "no analysed dumps" &&
	ok "--since in the future: nothing new" || fail "--since"
"$whyhung" clusters --db "$work/r.db" --since 2026-11-22T05:00:00 --format json |
	py -c 'import json,sys; d=json.load(sys.stdin); sys.exit(len(d["clusters"]) != 1)' &&
	ok "--since between the two bugs: only the later one" || fail "--since between"

# 4. No debug info: the row says so and the table names the kernel.
run nodebug "$crash/202611220520" "$crash/127.0.0.1-2026-11-22-05:25:33"
expect_row nodebug /dump.202611220520 no-debuginfo
grep -q "^$release *$build_id *2$" "$work/nodebug.out" &&
	ok "missing kernels table: $release $build_id 2 dumps" || fail "no missing-kernel table"

# 5. Debug info by build id alone; paths on stdin.
printf '%s\n' "$crash/202611220520/dump.202611220520" |
	"$whyhung" batch - --debug-dir "$work/dbg-id" >"$work/stdin.out" 2>&1
grep -q "^ok .*dump.202611220520" "$work/stdin.out" && ok "stdin list, .build-id lookup" ||
	fail "stdin list / .build-id: $(cat "$work/stdin.out")"
# The same lookup for a single run without -k.
"$whyhung" "$fixtures/hung-6.1/vmcore" --debug-dir "$work/dbg-id" >"$work/single.txt" 2>&1 &&
	"$whyhung" "$fixtures/hung-6.1/vmcore" -k "$vmlinux" | cmp -s - "$work/single.txt" &&
	ok "single run without -k finds the vmlinux by build id" || fail "single run without -k"
"$whyhung" "$fixtures/hung-6.1/vmcore" >/dev/null 2>"$work/single.err"
[ $? = 6 ] && grep -q "no debug info found for kernel $release (build id $build_id)" \
	"$work/single.err" && ok "single run, no debug info: exit 6" ||
	fail "single run without debug info: $(cat "$work/single.err")"

# 6. A worker that crashes, one that hangs, one out of memory: their dump's
# row only.
mkdir -p "$work/w"
for n in a b c d; do cp "$fixtures/hung-6.1/vmcore" "$work/w/vmcore-$n"; done
# (AddressSanitizer reserves terabytes of address space: RLIMIT_AS cannot
# be tested under it.)
mem=--max-memory=300M
[ -z "$asan" ] || mem=--timeout=3
hog=vmcore-c
[ -z "$asan" ] || hog=""
WHYHUNG_TEST_WORKER_ABORT=vmcore-a WHYHUNG_TEST_WORKER_HANG=vmcore-b \
	WHYHUNG_TEST_WORKER_HOG=$hog run workers "$work/w" -j 2 --timeout 3 \
	--debug-dir "$work/dbg" $mem
expect_row workers /vmcore-a error
grep -q "vmcore-a .*signal 6 (SIGABRT)" "$work/workers.out" && ok "crash: signal named" ||
	fail "crash row: $(grep vmcore-a "$work/workers.out")"
expect_row workers /vmcore-b timeout
[ -n "$asan" ] || expect_row workers /vmcore-c out-of-memory
expect_row workers /vmcore-d ok

# 7. Kill the batch midway, then rerun: finished dumps kept, none twice,
# the database intact.
mkdir -p "$work/k"
for n in 1 2 3 4 5 6; do
	# Bytes past the end: the dump reads the same, its content id differs.
	{ cat "$fixtures/hung-6.1/vmcore"; printf '%s' "$n"; } >"$work/k/vmcore-$n"
done
WHYHUNG_TEST_WORKER_HANG=vmcore-4 "$whyhung" batch "$work/k" -j 1 --debug-dir "$work/dbg" \
	--db "$work/k.db" --json "$work/k.jsonl" >"$work/kill.out" 2>&1 &
pid=$!
for i in $(seq 1 100); do
	[ "$(grep -c '^ok' "$work/kill.out")" -ge 3 ] && break
	sleep 0.1
done
kill -9 $pid
wait $pid 2>/dev/null
run resume "$work/k" -j 2 --debug-dir "$work/dbg" --db "$work/k.db" --json "$work/k.jsonl"
py "$work/k.db" "$work/k.jsonl" <<'PY' || failures=$((failures + 1))
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ok = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
rows = db.execute("SELECT path, status FROM dumps").fetchall()
reports = db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
lines = [json.loads(l) for l in open(sys.argv[2])]
ids = [l["content_id"] for l in lines]
version = db.execute("PRAGMA user_version").fetchone()[0]
good = ok and len(rows) == 6 and all(s == "ok" for _, s in rows) and reports == 6 and \
    len(ids) == 6 and len(set(ids)) == 6 and version == 1
print(("ok   " if good else "FAIL ") +
      "killed and resumed: %d dumps, %d reports, %d lines, integrity %s, schema %d" %
      (len(rows), reports, len(lines), ok, version))
sys.exit(not good)
PY

# A kernel warmed in a slot and reused gives the same reports as one
# loaded afresh for every dump.
run fresh "$work/k" -j 1 --no-reuse --debug-dir "$work/dbg" --json "$work/fresh.jsonl"
run warm "$work/k" -j 1 --debug-dir "$work/dbg" --json "$work/warm.jsonl"
py "$work/fresh.jsonl" "$work/warm.jsonl" <<'PY' || failures=$((failures + 1))
import json, sys
a, b = ({r["content_id"]: r for r in map(json.loads, open(p))} for p in sys.argv[1:3])
good = len(a) == 6 and a.keys() == b.keys() and all(
    a[k]["report"] == b[k]["report"] and a[k]["signature"] == b[k]["signature"] for k in a)
print(("ok   " if good else "FAIL ") + "reused kernel: the same 6 reports as fresh ones")
sys.exit(not good)
PY

# 8. Two batches on one database at once.
"$whyhung" batch "$work/k" "$work/w/vmcore-d" -j 1 --debug-dir "$work/dbg" --db "$work/two.db" \
	>"$work/two-a.out" 2>&1 &
a=$!
"$whyhung" batch "$work/k" "$work/w/vmcore-d" -j 1 --debug-dir "$work/dbg" --db "$work/two.db" \
	>"$work/two-b.out" 2>&1
rb=$?
wait $a
ra=$?
py "$work/two.db" "$ra" "$rb" <<'PY' || failures=$((failures + 1))
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ok = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
n = db.execute("SELECT COUNT(*) FROM dumps WHERE status = 'ok'").fetchone()[0]
good = ok and n == 7 and sys.argv[2:] == ["0", "0"]
print(("ok   " if good else "FAIL ") + "two batches on one database: %d dumps, exits %s" %
      (n, sys.argv[2:]))
sys.exit(not good)
PY

# 9. Shards and merge: two shards (one to SQLite, one to JSON Lines)
# merged give the clusters of the whole batch.
run shard0 "$crash" --shard 0/2 --debug-dir "$work/dbg" --db "$work/s0.db"
run shard1 "$crash" --shard 1/2 --debug-dir "$work/dbg" --json "$work/s1.jsonl"
n0=$(grep -c "^[a-z-]* " "$work/shard0.out")
n1=$(grep -c "^[a-z-]* " "$work/shard1.out")
"$whyhung" merge --db "$work/m.db" --json "$work/m.jsonl" "$work/s0.db" "$work/s1.jsonl" \
	>"$work/merge.out" 2>&1 || fail "merge: $(cat "$work/merge.out")"
"$whyhung" clusters --db "$work/m.db" --format json >"$work/c-m.json"
"$whyhung" clusters --json "$work/m.jsonl" --format json >"$work/c-mj.json"
py "$work/c-db.json" "$work/c-m.json" "$work/c-mj.json" "$work/r.db" "$work/m.db" <<'PY' ||
import json, sqlite3, sys
a, b, c = (json.load(open(p)) for p in sys.argv[1:4])
sig = lambda d: sorted((x["signature"], x["count"], x["first_crash_time"]) for x in d["clusters"])
ids = lambda p: sorted(r[0] for r in sqlite3.connect(p).execute(
    "SELECT content_id FROM dumps WHERE content_id NOT LIKE 'unreadable:%'"))
good = sig(a) == sig(b) == sig(c) and ids(sys.argv[4]) == ids(sys.argv[5])
print(("ok   " if good else "FAIL ") + "merged shards give the whole batch's dumps and clusters")
sys.exit(not good)
PY
	failures=$((failures + 1))
[ "$n0" -gt 0 ] && [ "$n1" -gt 0 ] && ok "both shards had work ($n0 + $n1 rows)" ||
	fail "shards: $n0 and $n1 rows"
# Merging again changes nothing.
"$whyhung" merge --db "$work/m.db" --json "$work/m.jsonl" "$work/s0.db" "$work/s1.jsonl" \
	>/dev/null 2>&1
[ "$(wc -l <"$work/m.jsonl")" = "$(python3 -c "import sqlite3; print(sqlite3.connect('$work/m.db').execute('SELECT COUNT(*) FROM dumps').fetchone()[0])")" ] &&
	ok "merge twice: each dump once" || fail "merge twice duplicated rows"

# Debian kdump-tools' own files (flattened, and gzip'd as a whole), found
# in their /var/crash tree: the same bug as hung-6.1.
if [ -d "$fixtures/kdump-tools-6.1/var/crash" ]; then
	run forms "$fixtures/kdump-tools-6.1/var/crash" "$fixtures/hung-6.1/vmcore" \
		--debug-dir "$work/dbg"
	sig=$(awk '/hung-6.1\/vmcore/ { print $3 }' "$work/forms.out")
	n=$(grep -c "^ok .*/dump\.[0-9]*\(\.gz\)\?  $sig" "$work/forms.out")
	[ -n "$sig" ] && [ "$n" = 2 ] && ok "kdump-tools' flattened and gzip'd dumps: hung-6.1's signature" ||
		fail "kdump-tools forms: $(cat "$work/forms.out")"
fi

# 10. Usage errors: one line, exit 2.
for args in "" "--timeout x $crash" "-j 0 $crash" "--shard 3/2 $crash" "--max-memory 1Q $crash"; do
	# shellcheck disable=SC2086
	"$whyhung" batch $args >/dev/null 2>"$work/usage.err"
	rc=$?
	[ $rc = 2 ] && [ "$(wc -l <"$work/usage.err")" = 1 ] && ok "usage: batch $args: exit 2" ||
		fail "usage: batch $args: exit $rc: $(cat "$work/usage.err")"
done
"$whyhung" clusters --db "$work/nope.db" >/dev/null 2>&1
[ $? = 3 ] && ok "clusters of a missing database: exit 3" || fail "clusters, missing db"
printf 'garbage\n' >"$work/garbage.jsonl"
"$whyhung" clusters --json "$work/garbage.jsonl" >/dev/null 2>"$work/g.err"
rc=$?
[ $rc != 0 ] && [ "$(wc -l <"$work/g.err")" = 1 ] && ok "clusters of a non-batch file: exit $rc" ||
	fail "clusters of garbage: exit $rc"

[ $failures -eq 0 ] || { echo "$failures failures"; exit 1; }
