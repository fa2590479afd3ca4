#!/bin/sh
# Run each libFuzzer harness of fuzz/ for SECONDS (one after the other),
# building them first with clang in build-fuzz/ (WHYHUNG_FUZZ_BUILD to
# change it) and making the seed corpora from the fixtures. New inputs
# are kept in BUILD/corpus/NAME, crashes in BUILD/crashes/, logs in
# BUILD/logs/. Exits 1 when a fuzzer found a crash, leak or timeout.
# usage: fuzz/run.sh SECONDS [FUZZER...]   (the long run: fuzz/run.sh 3600)
set -eu
cd "$(dirname "$0")/.."
secs=${1:?usage: fuzz/run.sh SECONDS [FUZZER...]}
shift
build=${WHYHUNG_FUZZ_BUILD:-build-fuzz}
fuzzers=${*:-dump_check dump_notes flattened dwarf_info dwarf_lines dwarf_aranges dwarf_inline elf_image orc orc_modules fuse printk list_walk btf kallsyms}
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWHYHUNG_FUZZ=ON >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
python3 fuzz/make_seeds.py fixtures "$build/seeds" # ~3 s; seeds follow the fixtures
mkdir -p "$build/crashes" "$build/logs"
failed=""
for f in $fuzzers; do
	mkdir -p "$build/corpus/$f"
	log=$build/logs/$f.log
	# The first directory receives what the run finds; seeds are read only.
	if "$build/fuzz/fuzz_$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$build/crashes/$f-" \
		"$build/corpus/$f" "$build/seeds/$f" >"$log" 2>&1; then
		result=ok
	else
		result=FAILED
		failed="$failed $f"
	fi
	# "#N DONE cov: C ft: F corp: ..." is libFuzzer's last progress line.
	stats=$(grep -E '^#[0-9]+' "$log" | tail -1 | sed 's/^#\([0-9]*\)[[:space:]]*[A-Z]*/\1 runs/')
	echo "$result $f (${secs}s): $stats"
done
if [ -n "$failed" ]; then
	echo "fuzzers that failed:$failed (see $build/logs/ and $build/crashes/)"
	exit 1
fi
