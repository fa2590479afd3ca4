#!/bin/sh
# `whyhung log` end to end on a fixture dump: the text is byte for byte
# makedumpfile --dump-dmesg's saved output, the JSON has one entry per
# record, and the summary opens with the panic the truth describes.
# usage: log_cli.sh WHYHUNG FIXTURE_DIR VMLINUX VMCORE
set -eu
whyhung=$1 fixture=$2 vmlinux=$3 vmcore=$4
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

ref="$fixture/reference/makedumpfile-dmesg.txt"
"$whyhung" log "$vmcore" -k "$vmlinux" >"$out/log.txt" 2>"$out/log.err"
cmp "$out/log.txt" "$ref" || fail "log differs from makedumpfile --dump-dmesg"
[ ! -s "$out/log.err" ] || fail "warnings on stderr: $(cat "$out/log.err")"
"$whyhung" -k "$vmlinux" log "$vmcore" --format json >"$out/log.json"
grep -q '^{"schema":"whyhung-log/1",' "$out/log.json" || fail "log schema"
# Continuation lines of multi-line records are indented; records are not.
n_json=$(grep -o '"seq":' "$out/log.json" | wc -l)
n_text=$(grep -c '^\[' "$ref")
[ "$n_json" -eq "$n_text" ] || fail "$n_json records in JSON, $n_text in the reference"

# The summary's first line: the first reported hung task, how many more,
# and the CPU and task the kernel printed after its panic line.
reported=$(tr -d ' \n' <"$fixture/truth.json" | sed -n 's/.*"hung_task_reported":\[\([0-9,]*\)\].*/\1/p' | tr ',' ' ')
first=${reported%% *}
more=$(($(echo $reported | wc -w) - 1))
# (6.10+ prints "UID: N " between the CPU and the PID: lib/dump_stack.c.)
set -- $(sed -n '/Kernel panic - not syncing/{n;s/.*CPU: \([0-9]*\) \(UID: [0-9]* \)\{0,1\}PID: \([0-9]*\) Comm: \([^ ]*\) .*/\1 \3 \4/p;}' \
	"$fixture/serial.log")
cpu=$1 pid=$2 comm=$3
line=$("$whyhung" "$vmcore" -k "$vmlinux" | head -1)
echo "$line" | grep -Eq "^panic: +hung task: [^ ]+\[$first\] blocked for more than [0-9]+ seconds \(and $more more\); panicked on CPU $cpu in $comm\[$pid\]\$" ||
	fail "summary panic line: $line"
"$whyhung" "$vmcore" -k "$vmlinux" --format json >"$out/summary.json"
grep -q '"panic":{"kind":"hung_task","message":"hung_task: blocked tasks",'"\"cpu\":$cpu," "$out/summary.json" ||
	fail "summary JSON panic"
echo "ok: $n_json records; $line"
