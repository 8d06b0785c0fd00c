#!/usr/bin/env bash
# The OOM killer under `vmsim run` (issue 5): with 16 MiB of RAM and no swap,
# a runaway child (guest/proc/oom) is killed with Linux's message and
# SIGKILL, as Linux's OOM killer does, and its parent finishes with correct
# output: sum of i*i for i < 1000, computed here independently.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
prog="$GUEST_DIR/proc/oom"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$VMSIM" run --mem 16M "$prog" >"$tmp/out" 2>"$tmp/err"
rc=$?
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"; exit 1; }
[ $rc -eq 0 ] || fail "exit status $rc, want 0 (the parent must finish)"
want_sum=$(awk 'BEGIN { s = 0; for (i = 0; i < 1000; i++) s += i * i; print s }')
grep -qx "child killed by signal 9" "$tmp/out" || fail "the child was not killed by SIGKILL"
grep -qx "sum $want_sum" "$tmp/out" || fail "the parent's data is wrong (want sum $want_sum)"
grep -Eq '^vmsim: out of memory: killed process 1001 \(oom\) total-vm:[0-9]+kB, anon-rss:[0-9]+kB' "$tmp/err" ||
    fail "no OOM message naming the child (pid 1001)"
[ "$(grep -c 'out of memory' "$tmp/err")" -eq 1 ] || fail "more than one OOM message"
echo "ok: runaway child OOM-killed, parent finished with sum $want_sum"
