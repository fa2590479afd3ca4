#!/bin/sh
# Install build dependencies (Debian 12, as root or via sudo; libdwarf-dev is
# for the tests only, as their reference DWARF reader; clang and
# libclang-rt-14-dev for the fuzzers, python3 for the corpus and seeds), build whyhung,
# and unpack the bundled fixture vmlinux next to the build.
set -eu
cd "$(dirname "$0")"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if ! dpkg -s libkdumpfile-dev libdwarf-dev libelf-dev zlib1g-dev libcmocka-dev cmake \
	pkg-config xz-utils gcc make clang libclang-rt-14-dev python3 >/dev/null 2>&1; then
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		build-essential cmake pkg-config xz-utils \
		libkdumpfile-dev libdwarf-dev libelf-dev zlib1g-dev libcmocka-dev \
		clang libclang-rt-14-dev python3
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
