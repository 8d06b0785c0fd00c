#!/usr/bin/env bash
# Real utilities in pipelines (issue 12): busybox from Debian's source
# package (tests/real/busybox.build: ash and a few dozen applets), running
# tests/real/busybox_checks.sh: pipelines, a FIFO, flock(1), timeout(1),
# devices. The riscv64 build under vmsim and the host's build of the same
# source must give the same stdout and exit status. Skips when the source
# cannot be fetched.
set -u
: "${VMSIM:?}"
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(source "$root/scripts/debsrc.sh" && debsrc_build busybox "$root/tests/real/busybox.build") ||
    { echo "cannot fetch or build busybox from Debian's source"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$root/tests/scripts/compare_lib.bash"
fail=0
mkdir "$tmp/n" "$tmp/v"
# PATH cannot hold the cache's directory (the Debian epoch puts a ':' in it).
ln -s "$out/native" "$tmp/native"
ln -s "$out/rv64" "$tmp/rv64"
out=$tmp
(cd "$tmp/n" && PATH="$out/native/bin" exec "$out/native/busybox" ash "$root/tests/real/busybox_checks.sh") \
    >"$tmp/n.out" 2>/dev/null </dev/null
nrc=$?
# The guest's PATH is set inside it (busybox env), so that vmsim and its
# time-limit wrapper still find the host's tools.
(cd "$tmp/v" && exec timeout 300 "$VMSIM" run --root / "$out/rv64/busybox" env PATH="$out/rv64/bin" \
    "$out/rv64/busybox" ash "$root/tests/real/busybox_checks.sh") >"$tmp/v.out" 2>"$tmp/v.err" </dev/null
vrc=$?
compare_runs busybox_checks "$vrc" "$nrc"
[ "$nrc" -eq 0 ] || { echo "FAIL: the native run itself failed checks"; cat "$tmp/n.out"; fail=1; }
exit $fail
