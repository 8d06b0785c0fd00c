#!/usr/bin/env bash
# Installs what vmsim needs to build and test, when it is missing (Debian 12).
# Run as root it installs with apt-get; otherwise it says what to install.
set -euo pipefail

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_hdr() { [ -e "/usr/include/$1" ]; }

have_cmd gcc || need+=(gcc)
have_cmd make || need+=(make)
have_cmd riscv64-linux-gnu-gcc || need+=(gcc-riscv64-linux-gnu)
[ -e /usr/riscv64-linux-gnu/lib/libc.so.6 ] || need+=(libc6-dev-riscv64-cross)
have_cmd qemu-riscv64 || need+=(qemu-user)
have_hdr cmocka.h || need+=(libcmocka-dev)
have_cmd clang || need+=(clang)
ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
    need+=(libclang-rt-14-dev)
have_hdr json-c/json.h || need+=(libjson-c-dev)
have_hdr png.h || need+=(libpng-dev)
have_cmd chromium || need+=(chromium)   # the HTML report's test (headless)
have_cmd python3 || need+=(python3)     # tests check reports, traces and PNGs with it
have_cmd valgrind || need+=(valgrind)   # trace_lackey.sh: a real trace from lackey; make bench: the page trace's peer
have_cmd script || need+=(bsdutils)     # script(1): the tests of terminal output
have_cmd tclsh || need+=(tcl)           # sqlite3's amalgamation (tests/real/sqlite3.build)
have_cmd dpkg-source || need+=(dpkg-dev) # apt-get source (scripts/debsrc.sh)
have_cmd autoreconf || need+=(autoconf automake)   # GNU make's source (tests/real/make.build)
have_cmd autopoint || need+=(autopoint)
have_cmd setpriv || need+=(util-linux)  # native references run unprivileged (coord_native.sh)

[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "vmsim: missing packages: ${need[*]}" >&2
    echo "vmsim: install them with: sudo apt-get install -y ${need[*]}" >&2
    exit 1
fi
echo "vmsim: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${need[@]}" >/dev/null
