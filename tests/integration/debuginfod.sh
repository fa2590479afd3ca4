#!/bin/sh
# Debug info from a real debuginfod server: elfutils' debuginfod, started
# here on 127.0.0.1 in a network namespace whose only interface is
# loopback, serves a fixture's vmlinux and module debug file. whyhung with
# no -k/-m and an empty cache must print the report it prints with -k/-m,
# fetching both by the build ids in the dump; summary, bt and batch too
# (batch: one download per build id). Then the failures, one line and one
# exit code each: a build id the server lacks (6), a wrong file served (8,
# and dropped from the cache), the server down (11), --offline and no
# DEBUGINFOD_URLS (6, no network).
# usage: debuginfod.sh WHYHUNG VMCORE VMLINUX MODULE_KO WORKDIR
set -u
whyhung=$1 vmcore=$2 vmlinux=$3 module=$4 work=$5
if ! command -v debuginfod >/dev/null; then
	echo "SKIP: elfutils' debuginfod is not installed (setup.sh --tests installs the debuginfod package)"
	exit 77
fi
# debuginfod 0.188 listens on every interface: only in a namespace of its
# own is it reachable from the loopback alone.
if [ -z "${WH_IN_NETNS:-}" ]; then
	if [ "$(id -u)" -ne 0 ] || ! unshare -n true 2>/dev/null; then
		echo "SKIP: cannot make a network namespace (root and unshare needed), and debuginfod must not listen beyond the loopback"
		exit 77
	fi
	WH_IN_NETNS=1 exec unshare -n "$0" "$@"
fi
ip link set lo up || { echo "FAIL: no loopback in the namespace"; exit 1; }

here=$(dirname "$(realpath "$0")")
whyhung=$(realpath "$whyhung") vmcore=$(realpath "$vmcore")
vmlinux=$(realpath "$vmlinux") module=$(realpath "$module")
rm -rf "$work"
mkdir -p "$work/serve" "$work/other"
work=$(realpath "$work")
unset DEBUGINFOD_URLS DEBUGINFOD_CACHE_PATH
export HOME="$work/home" # nothing of the user's cache is read or written
fail=0
check() { # check WHAT CONDITION...
	what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do
		for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
	done
}
trap cleanup EXIT INT TERM

build_id_of() {
	readelf -n "$1" | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p' | head -n 1
}
vmlinux_id=$(build_id_of "$vmlinux")
module_id=$(build_id_of "$module")
[ -n "$vmlinux_id" ] && [ -n "$module_id" ] || { echo "FAIL: fixture files without build ids"; exit 1; }

# The server: symlinks to the fixture files (-L follows them).
ln -s "$vmlinux" "$work/serve/vmlinux"
ln -s "$module" "$work/serve/$(basename "$module")"
port=$(free_port)
url="http://127.0.0.1:$port"
debuginfod -F -L --disable-source-scan -p "$port" -d "$work/index.sqlite" -t 0 -g 0 -c 1 \
	"$work/serve" >"$work/debuginfod.log" 2>&1 &
server=$!
pids="$server"
# Indexed when its metrics count both files as debug info (the server
# answers GET only: polling a build id would download it).
ready=no
for i in $(seq 1 1200); do
	n=$(curl -sf "$url/metrics" | sed -n 's/^found_debuginfo_total{source="files"} //p')
	if [ "${n:-0}" -ge 2 ]; then
		ready=yes
		break
	fi
	kill -0 "$server" 2>/dev/null || break
	sleep 0.1
done
if [ $ready != yes ]; then
	echo "FAIL: debuginfod did not index the fixture files"
	tail -n 20 "$work/debuginfod.log"
	exit 1
fi
echo "ok: debuginfod on $url indexed vmlinux $vmlinux_id and module $module_id"
# What the server has sent, by its own count (text of /metrics).
served() {
	curl -sf "$url/metrics" | awk -v t="$1" '
		/^http_responses_transfer_bytes_count/ && index($0, "type=\"" t "\"") && /code="200"/ { n += $2 }
		END { print n + 0 }'
}

# 1. The report, summary and bt without -k/-m equal those with them.
for cmd in report summary bt; do
	"$whyhung" $cmd "$vmcore" -k "$vmlinux" -m "$module" >"$work/$cmd.local" 2>"$work/$cmd.local.err"
	rc_local=$?
	rm -rf "$work/cache"
	DEBUGINFOD_URLS="$url" DEBUGINFOD_CACHE_PATH="$work/cache" \
		"$whyhung" $cmd "$vmcore" >"$work/$cmd.fetched" 2>"$work/$cmd.fetched.err"
	rc=$?
	check "$cmd without -k/-m exits $rc_local like with them (got $rc)" [ $rc -eq $rc_local ]
	check "$cmd without -k/-m equals $cmd with -k/-m" cmp -s "$work/$cmd.local" "$work/$cmd.fetched"
	check "$cmd: no warnings" [ ! -s "$work/$cmd.fetched.err" ]
done
check "the vmlinux is in the cache" [ -s "$work/cache/$vmlinux_id/debuginfo" ]
check "the module's debug file is in the cache" [ -s "$work/cache/$module_id/debuginfo" ]
# The report names frames' file:line in the module only with its debug file.
check "module frames have file:line" grep -q 'whyhung_fixture\] (.*whyhung_fixture\.c:[0-9]*)' "$work/report.fetched"

# On a terminal (script(1) gives one), the download shows its progress on
# stderr; the runs above, on a pipe, showed nothing.
rm -rf "$work/cache"
DEBUGINFOD_URLS="$url" DEBUGINFOD_CACHE_PATH="$work/cache" \
	script -qec "'$whyhung' report '$vmcore' >/dev/null" /dev/null >"$work/tty.out" 2>&1
check "on a TTY: a progress line for the vmlinux" \
	grep -qE 'whyhung: fetching vmlinux from debuginfod: [0-9.]+ of [0-9.]+ MiB' "$work/tty.out"
check "on a TTY: a progress line for the module" \
	grep -qE 'whyhung: fetching module whyhung_fixture from debuginfod: [0-9.]+ of [0-9.]+ MiB' "$work/tty.out"

# 2. From the cache, no server needed: the same report, --offline too.
DEBUGINFOD_URLS="http://127.0.0.1:1" DEBUGINFOD_CACHE_PATH="$work/cache" \
	"$whyhung" report "$vmcore" >"$work/report.cached" 2>&1
check "a second run reads the cache (no server answers on port 1)" cmp -s "$work/report.local" "$work/report.cached"

# 3. batch: two copies of the dump, two workers, one download of each file.
mkdir -p "$work/dumps"
cp "$vmcore" "$work/dumps/vmcore.a"
cp "$vmcore" "$work/dumps/vmcore.b"
before=$(served debuginfo)
rm -rf "$work/cache"
DEBUGINFOD_URLS="$url" DEBUGINFOD_CACHE_PATH="$work/cache" \
	"$whyhung" batch -j 2 "$work/dumps" --json "$work/batch.jsonl" >"$work/batch.out" 2>&1
rc=$?
after=$(served debuginfo)
check "batch exits 0 (got $rc)" [ $rc -eq 0 ]
check "batch: both dumps ok" [ "$(grep -c '"status":"ok"' "$work/batch.jsonl")" -eq 2 ]
check "batch: the server sent the vmlinux and the module once each (sent $((after - before)))" \
	[ $((after - before)) -eq 2 ]

# A download is not analysis: a batch whose --timeout (5 s) is shorter
# than the download (about 11 s from a slow server) still analyses both
# dumps; the second worker waits for the first's download, not the server.
sport=$(free_port)
python3 "$here/debuginfod_fake.py" slow "$sport" "$vmlinux_id" "$vmlinux" "$module_id" "$module" \
	>"$work/slow-server.log" 2>&1 &
pids="$pids $!"
for i in $(seq 1 100); do curl -s "http://127.0.0.1:$sport/" >/dev/null 2>&1 && break; sleep 0.1; done
rm -rf "$work/cache" "$work/batch-slow.jsonl"
DEBUGINFOD_URLS="http://127.0.0.1:$sport" DEBUGINFOD_CACHE_PATH="$work/cache" \
	"$whyhung" batch -j 2 --timeout 5 "$work/dumps" --json "$work/batch-slow.jsonl" \
	>"$work/batch-slow.out" 2>&1
rc=$?
check "slow download, --timeout 5: batch exits 0 (got $rc)" [ $rc -eq 0 ]
check "slow download: both dumps ok" [ "$(grep -c '"status":"ok"' "$work/batch-slow.jsonl")" -eq 2 ]
check "slow download: the vmlinux was asked for once" \
	[ "$(grep -c "GET /buildid/$vmlinux_id/debuginfo" "$work/slow-server.log")" -eq 1 ]

# 4. A build id the server does not have: a copy of the dump whose
# VMCOREINFO names another build.
other_id=$(printf '%s' "$vmlinux_id" | tr '0-9a-f' 'fedcba9876543210')
python3 - "$vmcore" "$work/other/vmcore" "$vmlinux_id" "$other_id" <<'EOF' || exit 1
import sys
data = open(sys.argv[1], "rb").read()
old, new = b"BUILD-ID=" + sys.argv[3].encode(), b"BUILD-ID=" + sys.argv[4].encode()
if data.count(old) < 1:
    sys.exit("FAIL: no BUILD-ID line in the dump")
open(sys.argv[2], "wb").write(data.replace(old, new))
EOF
expect() { # expect NAME CODE PATTERN ENV... -- ARGS...
	name=$1 code=$2 pattern=$3
	shift 3
	env "$@" >"$work/$name.out" 2>"$work/$name.err"
	rc=$?
	check "$name: exit $code (got $rc)" [ $rc -eq "$code" ]
	check "$name: one line on stderr" [ "$(wc -l <"$work/$name.err")" -eq 1 ]
	check "$name: says '$pattern'" grep -q "$pattern" "$work/$name.err"
	cat "$work/$name.err"
}
rm -rf "$work/cache"
expect unknown-build-id 6 "servers (DEBUGINFOD_URLS) do not have the vmlinux of build id $other_id" \
	DEBUGINFOD_URLS="$url" DEBUGINFOD_CACHE_PATH="$work/cache" "$whyhung" report "$work/other/vmcore"

# 5. A wrong file served: a plain HTTP server that answers every build id
# with the fixture's vmlinux.
wport=$(free_port)
python3 "$here/debuginfod_fake.py" wrong "$wport" "$vmlinux" >"$work/wrong-server.log" 2>&1 &
wrong=$!
pids="$pids $wrong"
for i in $(seq 1 100); do curl -sfI "http://127.0.0.1:$wport/" >/dev/null 2>&1 && break; sleep 0.1; done
rm -rf "$work/cache"
expect wrong-file 8 "served the wrong file for the vmlinux of build id $other_id: it has build id $vmlinux_id" \
	DEBUGINFOD_URLS="http://127.0.0.1:$wport" DEBUGINFOD_CACHE_PATH="$work/cache" \
	"$whyhung" report "$work/other/vmcore"
check "wrong-file: not left in the cache" [ ! -e "$work/cache/$other_id/debuginfo" ]

# 6. The server down: stopped, its port refuses.
kill "$server"
wait "$server" 2>/dev/null
rm -rf "$work/cache"
expect server-down 11 "no debuginfod server (DEBUGINFOD_URLS) answered for the vmlinux of build id $vmlinux_id" \
	DEBUGINFOD_URLS="$url" DEBUGINFOD_CACHE_PATH="$work/cache" "$whyhung" report "$vmcore"

# 7. --offline, and no DEBUGINFOD_URLS: the local lookup's answer, no
# network (the wrong-file server still answers, and must not be asked).
expect offline 6 "no debug info found for kernel" \
	DEBUGINFOD_URLS="http://127.0.0.1:$wport" DEBUGINFOD_CACHE_PATH="$work/cache" \
	"$whyhung" report "$vmcore" --offline
check "offline: the cache was not touched" [ ! -e "$work/cache/$vmlinux_id" ]
expect no-urls 6 "no debug info found for kernel" \
	DEBUGINFOD_CACHE_PATH="$work/cache" "$whyhung" report "$vmcore"
check "no URLs: the cache was not touched" [ ! -e "$work/cache/$vmlinux_id" ]
DEBUGINFOD_URLS="http://127.0.0.1:$wport" DEBUGINFOD_CACHE_PATH="$work/cache" \
	"$whyhung" batch --offline -j 1 "$work/dumps" --json "$work/batch-offline.jsonl" \
	>"$work/batch-offline.out" 2>&1
rc=$?
check "batch --offline: exits 10 (got $rc)" [ $rc -eq 10 ]
check "batch --offline: both dumps no-debuginfo" \
	[ "$(grep -c '"status":"no-debuginfo"' "$work/batch-offline.jsonl")" -eq 2 ]
check "no request reached the wrong-file server after case 5" \
	[ "$(grep -c 'GET /buildid' "$work/wrong-server.log")" -eq 1 ]

exit $fail
