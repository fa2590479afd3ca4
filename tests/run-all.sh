#!/bin/sh
# The whole test suite: a normal build and an ASan+UBSan build, each running
# every unit and integration test with ctest (the damaged-dump corpus
# included), then a short run of each fuzzer (fuzz/run.sh, 5 s each; the
# documented long run is fuzz/run.sh 3600). Installs what it needs.
set -eu
cd "$(dirname "$0")/.."
./setup.sh --tests
ctest --test-dir build --output-on-failure -j"$(nproc)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DWHYHUNG_SANITIZE=ON -DWHYHUNG_TESTS=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --test-dir build-asan --output-on-failure -j"$(nproc)"
fuzz/run.sh 5
