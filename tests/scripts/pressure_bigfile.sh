#!/usr/bin/env bash
# A file 4x larger than RAM and a shmem object larger than RAM, each swept
# twice (issue 18; the page cache's index tree, mm/pindex.c).
# guest/pressure/bigread writes a 32 MiB file, maps it and reads it in order
# twice through --mem 8M (reclaim evicts the cache from the front while it
# fills at the back), then fills a 16 MiB memfd and sweeps it twice and reads
# it with pread(2) (its pages go to swap and come back). Every checksum must
# equal qemu-riscv64's, the file must have been read from the host more than
# twice over (so eviction happened), pages must have gone to swap, and every
# swap slot must be free at the end. The run uses the invariant checker of
# the sanitizer build, which walks every vinode's index tree.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
command -v qemu-riscv64 >/dev/null || { echo "qemu-riscv64 not installed"; exit 77; }
prog="$GUEST_DIR/pressure/bigread"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/q" "$tmp/v"
(cd "$tmp/q" && qemu-riscv64 "$prog" 32 16) >"$tmp/q.out" 2>&1
qrc=$?
(cd "$tmp/v" && "$VMSIM" run --root . --mem 8M --swap 64M --stats "$prog" 32 16) >"$tmp/v.out" 2>"$tmp/v.err"
vrc=$?
fail() { echo "FAIL: $*"; echo "--- vmsim stdout"; cat "$tmp/v.out"; echo "--- vmsim stderr"; head -20 "$tmp/v.err"; exit 1; }
[ $qrc -eq 0 ] || fail "qemu exit status $qrc: $(cat "$tmp/q.out")"
[ $vrc -eq 0 ] || fail "vmsim exit status $vrc"
[ "$(wc -l <"$tmp/q.out")" -eq 5 ] || fail "qemu printed $(wc -l <"$tmp/q.out") lines, want 5"
cmp -s "$tmp/v.out" "$tmp/q.out" || { diff "$tmp/v.out" "$tmp/q.out"; fail "checksums differ from qemu's"; }
line=$(grep -m1 '^vmsim:   page-ins: ' "$tmp/v.err")
ins=$(sed -n 's/^vmsim:   page-ins: \([0-9]*\) from files.*/\1/p' <<<"$line")
outs=$(sed -n 's/.*page-outs: \([0-9]*\) to swap.*/\1/p' <<<"$line")
# 32 MiB is 8192 pages: two sweeps through 8 MiB read nearly all twice.
[ -n "$ins" ] && [ "$ins" -gt 16000 ] || fail "only '${ins:-?}' file page-ins (the file fits? eviction lost?)"
[ -n "$outs" ] && [ "$outs" -gt 2048 ] || fail "only '${outs:-?}' pages to swap (16 MiB cannot fit in 8 MiB)"
grep -Eq '^vmsim:   swap: 0 of [0-9]+ pages used' "$tmp/v.err" || fail "swap slots still used at exit"
[ ! -e "$tmp/v/bigread.bin" ] || fail "the guest's unlink left the file"
echo "ok: 32 MiB file swept twice through 8 MiB ($ins page-ins), 16 MiB memfd ($outs pages to swap): checksums equal qemu's"
