#!/usr/bin/env bash
# Issue 18, bytes lost or clobbered:
#  1. guest/proc/pipeintr.c: a pipe write interrupted by a handler (no
#     SA_RESTART) after 64 KiB went in returns 65536, not EINTR; a writer
#     that retries after short writes delivers 2 MiB to a slow reader that
#     signals it after every read, each byte once and in order.
#  2. guest/proc/txtbsy.c: ETXTBSY for opening/truncating a running program
#     for writing (its host bytes stay) and for executing a file open for
#     writing.
# Both compared with the same source built natively and run on this Linux.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
for p in pipeintr txtbsy; do
    [ -x "$GUEST_DIR/proc/$p" ] || { echo "no $GUEST_DIR/proc/$p (make guest)"; exit 77; }
done
command -v gcc >/dev/null || { echo "no gcc"; exit 77; }
src=$(cd "$(dirname "$0")/../.." && pwd)/guest/proc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
gcc -O2 -o "$tmp/pipeintr_native" "$src/pipeintr.c" && gcc -O2 -o "$tmp/txtbsy_native" "$src/txtbsy.c" ||
    { echo "native build failed"; exit 1; }

timeout 120 "$tmp/pipeintr_native" >"$tmp/want1" 2>&1
timeout 120 "$VMSIM" run "$GUEST_DIR/proc/pipeintr" >"$tmp/out1" 2>&1
rc=$?
[ $rc -eq 0 ] || { echo "FAIL pipeintr: exit $rc"; fail=1; }
grep -q '^interrupted write = 65536$' "$tmp/want1" || { echo "native reference unexpected:"; cat "$tmp/want1"; fail=1; }
diff "$tmp/out1" "$tmp/want1" || { echo "FAIL pipeintr (< vmsim, > native)"; fail=1; }

mkdir "$tmp/n" "$tmp/v"
cp "$tmp/txtbsy_native" "$tmp/n/prog"
cp "$GUEST_DIR/proc/txtbsy" "$tmp/v/prog"
(cd "$tmp/n" && timeout 60 ./prog prog) >"$tmp/want2" 2>&1
(cd "$tmp/v" && timeout 120 "$VMSIM" run --root . ./prog prog) >"$tmp/out2" 2>&1
rc=$?
[ $rc -eq 0 ] || { echo "FAIL txtbsy: exit $rc"; fail=1; }
diff "$tmp/out2" "$tmp/want2" || { echo "FAIL txtbsy (< vmsim, > native)"; fail=1; }
cmp -s "$tmp/v/prog" "$GUEST_DIR/proc/txtbsy" || { echo "FAIL: the running program's bytes changed"; fail=1; }
[ $fail -eq 0 ] && echo ok
exit $fail
