#!/bin/sh
# Install build dependencies (Debian 12, as root or via sudo; libdwarf-dev is
# for the tests only, as their reference DWARF reader; makedumpfile and the
# compression tools make the tests' flattened, compressed and split dumps;
# libsqlite3-dev is batch's results database; clang and libclang-rt-14-dev
# for the fuzzers, python3 for the corpus and seeds; libgraphviz-dev lays out
# the HTML/SVG wait graph; chromium renders the HTML in the browser test;
# mandoc lints the man page; libdebuginfod-dev fetches debug info by build
# id from debuginfod servers), build whyhung, and unpack the bundled fixture's
# vmlinux next to the build.
# Usage: setup.sh [--tests]   (--tests also builds the test suite and
# unpacks every fixture; tests/run-all.sh passes it)
set -eu
tests=OFF
[ "${1:-}" = "--tests" ] && tests=ON
cd "$(dirname "$0")"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if ! dpkg -s libkdumpfile-dev libdwarf-dev libelf-dev zlib1g-dev libcmocka-dev libsqlite3-dev cmake \
	pkg-config xz-utils gcc make python3 liblzma-dev libbz2-dev liblz4-dev libzstd-dev \
	makedumpfile gzip bzip2 lz4 zstd clang libclang-rt-14-dev libgraphviz-dev chromium \
	mandoc libdebuginfod-dev >/dev/null 2>&1; then
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		build-essential cmake pkg-config xz-utils python3 \
		libkdumpfile-dev libdwarf-dev libelf-dev zlib1g-dev libcmocka-dev libsqlite3-dev \
		liblzma-dev libbz2-dev liblz4-dev libzstd-dev \
		makedumpfile gzip bzip2 lz4 zstd clang libclang-rt-14-dev libgraphviz-dev chromium \
		mandoc libdebuginfod-dev
fi
# The Slurm test runs a real single-node Slurm: its daemons, for the tests
# only; the debuginfod test a real elfutils debuginfod server (and curl to
# read its metrics); the docs test loads the completion with bash-completion;
# the BTF test has pahole (dwarves) encode the fixture vmlinux as BTF, the
# reference the BTF reader is checked against.
if [ "$tests" = ON ] && ! dpkg -s slurm-wlm munge iproute2 debuginfod curl bash-completion \
	dwarves >/dev/null 2>&1; then
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		slurm-wlm munge iproute2 debuginfod curl bash-completion dwarves
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWHYHUNG_TESTS=$tests >/dev/null
cmake --build build -j"$(nproc)"
# The README's first command runs whyhung on the bundled dump with this vmlinux.
demo=build/fixtures/hung-6.1/vmlinux
if [ ! -f "$demo" ]; then
	mkdir -p "$(dirname "$demo")"
	xz -dc fixtures/hung-6.1/vmlinux.xz >"$demo.tmp"
	mv "$demo.tmp" "$demo"
fi
