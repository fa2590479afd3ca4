#!/bin/sh
# Line coverage of the fuzzed parsers by what the fuzzers kept: builds the
# replay harnesses with clang's source-based coverage in build-cov/, replays
# the seeds and BUILD/corpus/NAME of each (BUILD: WHYHUNG_FUZZ_BUILD or
# build-fuzz, as fuzz/run.sh left it), prints llvm-cov's report for the
# parsers' files.  usage: fuzz/coverage.sh
set -eu
cd "$(dirname "$0")/.."
fuzz_build=${WHYHUNG_FUZZ_BUILD:-build-fuzz}
fuzzers="dump_check dump_notes flattened dwarf_info dwarf_lines dwarf_aranges dwarf_inline elf_image orc printk list_walk"
CC=clang cmake -S . -B build-cov -DCMAKE_BUILD_TYPE=Debug -DWHYHUNG_TESTS=ON \
	-DCMAKE_C_FLAGS="-fprofile-instr-generate -fcoverage-mapping" >/dev/null
for f in $fuzzers; do
	cmake --build build-cov -j"$(nproc)" --target "fuzz_$f" >/dev/null 2>&1
done
rm -rf build-cov/profiles
mkdir -p build-cov/profiles
objects="build-cov/fuzz/fuzz_dump_check"
for f in $fuzzers; do
	LLVM_PROFILE_FILE="build-cov/profiles/$f.profraw" "build-cov/fuzz/fuzz_$f" \
		"$fuzz_build/seeds/$f" "$fuzz_build/corpus/$f" >/dev/null
	[ "$f" = dump_check ] || objects="$objects -object build-cov/fuzz/fuzz_$f"
done
llvm-profdata merge -o build-cov/profiles/all.profdata build-cov/profiles/*.profraw
# shellcheck disable=SC2086
llvm-cov report $objects -instr-profile=build-cov/profiles/all.profdata \
	analyzer/dump/dump_check.c analyzer/dump/dump_pages.c analyzer/dump/flattened.c symbols/dwarf_info.c symbols/dwarf_lines.c symbols/dwarf_aranges.c \
	symbols/dwarf_inline.c symbols/elf_image.c symbols/dwarf_object.c symbols/elf_reloc.c \
	analyzer/kernel/orc.c analyzer/kernel/printk.c analyzer/kernel/list_walk.c
