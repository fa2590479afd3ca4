#!/bin/sh
# Build whyhung and run its unit tests inside another Debian release (13
# trixie by default, or unstable), in a root made with debootstrap from this
# machine's own mirror; the host stays Debian 12 and untouched. The source
# tree is bind-mounted read-only; the build goes to the root's /build.
# usage (as root): tests/releases/build-in-root.sh [SUITE] [ROOTDIR]
# Not part of CI (a root takes minutes and ~1 GB); README says what it found.
set -eu
suite=${1:-trixie}
root=${2:-/var/tmp/whyhung-$suite-root}
src=$(cd "$(dirname "$0")/../.." && pwd)
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}
pkgs="build-essential cmake pkg-config xz-utils python3 libkdumpfile-dev libdwarf-dev libelf-dev
zlib1g-dev libcmocka-dev libsqlite3-dev liblzma-dev libbz2-dev liblz4-dev libzstd-dev
libgraphviz-dev makedumpfile gzip bzip2 lz4 zstd binutils"

if [ ! -x "$root/usr/bin/apt-get" ]; then
	debootstrap --variant=minbase "$suite" "$root" "$mirror"
fi
mounted=""
cleanup() { for m in $mounted; do umount "$m" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
for d in proc dev; do
	mount --bind "/$d" "$root/$d"
	mounted="$root/$d $mounted"
done
mkdir -p "$root/src"
mount --bind -o ro "$src" "$root/src"
mounted="$root/src $mounted"
# shellcheck disable=SC2086
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs
chroot "$root" sh -c 'gcc --version | head -1; cmake --version | head -1;
	dpkg-query -W -f "\${Package} \${Version}\n" libkdumpfile-dev libdwarf-dev libcmocka-dev'
chroot "$root" cmake -S /src -B /build -DWHYHUNG_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
chroot "$root" cmake --build /build -j"$(nproc)"
# Unit tests only: the integration tests need the fixtures unpacked and the
# host's tools; they run on Debian 12 in CI.
chroot "$root" ctest --test-dir /build -R '^unit\.|^lint\.' --output-on-failure -j"$(nproc)"
chroot "$root" /build/whyhung /src/fixtures/hung-6.1/vmcore -k /build/fixtures/hung-6.1/vmlinux |
	sed -n '1,2p;/^Why it hung:/,/^$/p'
