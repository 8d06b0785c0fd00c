#!/usr/bin/env bash
# Issue 18, bytes lost or clobbered:
#  1. guest/proc/pipeintr.c: a pipe write interrupted by a handler (no
#     SA_RESTART) after 64 KiB went in returns 65536, not EINTR; a writer
#     that retries after short writes delivers 2 MiB to a slow reader that
#     signals it after every read, each byte once and in order.
#  2. guest/proc/txtbsy.c: ETXTBSY for opening/truncating a running program
#     for writing (its host bytes stay) and for executing a file open for
#     writing.
#  3. guest/proc/sockbuf.c: a Unix stream socket's send buffer bounds one
#     non-blocking write, send or sendmsg into an empty socket (a part,
#     then EAGAIN); a blocking write or send of 4 MiB waits for the reader
#     and returns all of it; a send interrupted by a handler returns what
#     it queued, and a writer going on from there delivers each byte once.
# All compared with the same source built natively and run on this Linux.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
for p in pipeintr txtbsy sockbuf; do
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
gcc -O2 -o "$tmp/sockbuf_native" "$src/sockbuf.c" || { echo "native build failed"; exit 1; }
timeout 120 "$tmp/sockbuf_native" >"$tmp/want3" 2>&1
timeout 300 "$VMSIM" run "$GUEST_DIR/proc/sockbuf" >"$tmp/out3" 2>&1
rc=$?
[ $rc -eq 0 ] || { echo "FAIL sockbuf: exit $rc"; fail=1; }
[ "$(grep -c ': yes' "$tmp/want3")" = 12 ] || { echo "native reference unexpected:"; cat "$tmp/want3"; fail=1; }
diff "$tmp/out3" "$tmp/want3" || { echo "FAIL sockbuf (< vmsim, > native)"; fail=1; }

[ $fail -eq 0 ] && echo ok
exit $fail
