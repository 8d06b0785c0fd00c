#!/usr/bin/env bash
# A real threaded program (issue 13): zstd from Debian's source package
# (tests/real/zstd.build; built once and cached, scripts/debsrc.sh) compresses
# with 4 worker threads (-T4) under vmsim at --harts 1 and 4, and once with
# 3 MiB of RAM and swap (every worker's buffers go to swap and back). zstd's
# multithreaded output depends only on its parameters, so each .zst must be
# byte-identical to the one the native build of the same source makes on this
# host; then vmsim decompresses it and the checksum must be the input's.
set -u
: "${VMSIM:?}"
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=/dev/null
source "$root/scripts/debsrc.sh" || { echo "no scripts/debsrc.sh"; exit 77; }
set +e
out=$(debsrc_build libzstd "$root/tests/real/zstd.build") || { echo "cannot fetch or build zstd"; exit 77; }
Z="$out/rv64/zstd" N="$out/native/zstd"
[ -x "$Z" ] && [ -x "$N" ] || { echo "zstd build incomplete in $out"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# 1.5 MB of mixed input: binary and text.
# (the riscv64 zstd binary itself, then vmsim's sources: the same bytes
# whoever runs the test)
{ head -c 700000 "$Z"; cat "$root"/src/*/*.c "$root"/src/*/*/*.c "$root"/src/*/*/*.h; } |
    head -c 1500000 >"$tmp/in"
[ "$(wc -c <"$tmp/in")" -eq 1500000 ] || { echo "FAIL: cannot make the 1.5 MB input"; exit 1; }
"$N" -T4 -B256K -q -f "$tmp/in" -o "$tmp/native.zst" || { echo "native zstd failed"; exit 1; }
want=$(sha256sum <"$tmp/in")
for opts in "--harts 1" "--harts 4" "--harts 2 --mem 3M --swap 64M"; do
    # shellcheck disable=SC2086
    # (inside the sandbox: vmsim's guest root is the working directory)
    (cd "$tmp" && timeout 120 "$VMSIM" run $opts --stats "$Z" -T4 -B256K -q -f in -o v.zst) 2>"$tmp/err"
    rc=$?
    if [ $rc -ne 0 ] || ! cmp -s "$tmp/v.zst" "$tmp/native.zst"; then
        echo "FAIL zstd -T4 ($opts): exit $rc, output differs from the native build's"
        tail -3 "$tmp/err"
        fail=1
        continue
    fi
    threads=$(sed -n 's/.* syscalls, \([0-9]*\) processes.*/\1/p' "$tmp/err")
    # shellcheck disable=SC2086
    (cd "$tmp" && timeout 120 "$VMSIM" run $opts "$Z" -d -q -f v.zst -o back) 2>"$tmp/err"
    rc=$?
    if [ $rc -ne 0 ] || [ "$(sha256sum <"$tmp/back")" != "$want" ]; then
        echo "FAIL zstd -d ($opts): exit $rc, checksum differs"
        tail -3 "$tmp/err"
        fail=1
        continue
    fi
    if [ "${threads:-0}" -lt 5 ]; then
        echo "FAIL zstd -T4 ($opts): only ${threads:-?} tasks: no worker threads?"
        fail=1
        continue
    fi
    echo "ok zstd -T4 round trip ($opts): same bytes as native, $threads tasks"
done
exit $fail
