#!/bin/sh
# What reading a dump in each form costs, against the plain dump: the
# fixture saved again as kdump tools save it (flattened, each whole-file
# compression of the stream, split), timed REPS times each: the dump's open
# alone (rebuild included) and a whole `whyhung report`; medians in ms of
# CPU (user + system: what a shared machine distorts least) and of wall
# time, and the CPU ratio to the plain dump. Then the rebuild's cost per GiB of a large
# synthetic flattened stream, against makedumpfile -R and an index of the
# records (what serving reads through the stream would need first).
# usage: bench/dump_forms.sh [PLAIN_DUMP VMLINUX] [--reps N] [--gib N]
# (run from the source tree after building; default: the kdump-6.1 fixture)
set -eu
cd "$(dirname "$0")/.."
plain=fixtures/kdump-6.1/vmcore vmlinux=build/fixtures/hung-6.1/vmlinux reps=7 gib=1
[ $# -ge 2 ] && [ "${1#--}" = "$1" ] && { plain=$1 vmlinux=$2; shift 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=$2; shift 2 ;;
	--gib) gib=$2; shift 2 ;;
	*) echo "usage: $0 [PLAIN_DUMP VMLINUX] [--reps N] [--gib N]" >&2; exit 2 ;;
	esac
done
cmake --build build --target whyhung rebuild_bench >/dev/null
bench=build/rebuild_bench whyhung=build/whyhung
work=$(mktemp -d "${TMPDIR:-/tmp}/whyhung-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT

makedumpfile -F -c -d 31 "$plain" >"$work/flat" 2>/dev/null
gzip -c "$work/flat" >"$work/flat.gz"
bzip2 -c "$work/flat" >"$work/flat.bz2"
lz4 -q -c "$work/flat" >"$work/flat.lz4"
xz -T1 -c "$work/flat" >"$work/flat.xz"
zstd -q -c "$work/flat" >"$work/flat.zst"
makedumpfile --split -c -d 31 --splitblock-size 4 "$plain" "$work/s1" "$work/s2" "$work/s3" \
	>/dev/null 2>&1

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $reps reps, plain dump $plain ($(wc -c <"$plain") bytes)"
printf '%-9s %6s %9s %9s %7s %11s %11s %7s\n' form MiB "open cpu" "open wall" "x plain" \
	"report cpu" "report wall" "x plain"
base_open="" base_report=""
for form in plain flat flat.gz flat.bz2 flat.lz4 flat.xz flat.zst split; do
	case $form in
	plain) set -- "$plain" ;;
	split) set -- "$work/s1" "$work/s2" "$work/s3" ;;
	*) set -- "$work/$form" ;;
	esac
	size=$(cat "$@" | wc -c)
	"$bench" open "$@" >/dev/null # warm the page cache
	for i in $(seq "$reps"); do "$bench" open "$@"; done >"$work/open.txt"
	for i in $(seq "$reps"); do "$bench" run "$whyhung" report "$@" -k "$vmlinux"; done \
		>"$work/report.txt"
	open_wall=$(cut -d' ' -f1 "$work/open.txt" | median)
	open=$(cut -d' ' -f2 "$work/open.txt" | median)
	report_wall=$(cut -d' ' -f1 "$work/report.txt" | median)
	report=$(cut -d' ' -f2 "$work/report.txt" | median)
	[ -z "$base_open" ] && base_open=$open base_report=$report
	awk -v f="$form" -v s="$size" -v o="$open" -v ow="$open_wall" -v bo="$base_open" \
		-v r="$report" -v rw="$report_wall" -v br="$base_report" 'BEGIN {
		printf "%-9s %6.1f %9.1f %9.1f %7.2f %11.1f %11.1f %7.2f\n",
			f, s / 1048576, o, ow, o / bo, r, rw, r / br }'
done

[ "$gib" -gt 0 ] || exit 0
echo
echo "A ${gib} GiB synthetic flattened stream (64 KiB records of incompressible data):"
"$bench" gen $((gib * 1024)) "$work/big.flat"
for i in 1 2 3; do "$bench" rebuild "$work/big.flat"; done
"$bench" index "$work/big.flat"
s=$(date +%s%N)
makedumpfile -R "$work/big.R" <"$work/big.flat" >/dev/null 2>&1
e=$(date +%s%N)
echo "makedumpfile -R: $(((e - s) / 1000000)) ms"
rm -f "$work/big.R"
zstd -q -1 -T1 -c "$work/big.flat" >"$work/big.flat.zst"
rm -f "$work/big.flat"
"$bench" rebuild "$work/big.flat.zst"
