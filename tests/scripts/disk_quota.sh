#!/usr/bin/env bash
# Issue 18: `vmsim run --disk-quota 1M` bounds what the guest adds to the
# host disk (guest/proc/quota.c): writes stop with ENOSPC (a full file
# system's answer, write(2)) at about 1 MiB, rewriting in place costs
# nothing, unlink gives the room back, a 1 TiB sparse file costs the block
# it holds; every new file, directory and symlink costs one 4 KiB block
# (ENOSPC after about 256 empty ones, room back when removed); writes
# through a MAP_SHARED mapping into the holes of a sparse file get SIGBUS
# at the fault after about 1M (Linux's answer when page_mkwrite finds the
# disk full), rewriting the pages already written does not, and what
# reaches the file at msync/munmap stays within the quota. Afterwards the
# root holds no more than the quota.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
prog="$GUEST_DIR/proc/quota"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/want" <<'EOT'
a: ENOSPC after about 1M
rewrite in place: 1
sparse 1 TiB: 1
b: ENOSPC after about 1M again
file: ENOSPC after about 256
dir: ENOSPC after about 256
link: ENOSPC after about 256
mapped: SIGBUS after about 1M
mapped: rewrote every page
mapped: on disk within 1M
c: ENOSPC after about 1M again
EOT
mkdir "$tmp/root"
(cd "$tmp/root" && timeout 120 "$VMSIM" run --disk-quota 1M --root . "$prog") >"$tmp/out" 2>"$tmp/err"
rc=$?
fail=0
[ $rc -eq 0 ] || { echo "FAIL: exit $rc"; head -5 "$tmp/err"; fail=1; }
diff "$tmp/out" "$tmp/want" || { echo "FAIL (< vmsim, > expected)"; fail=1; }
used=$(du -sk "$tmp/root" | cut -f1)
[ "$used" -le 1100 ] || { echo "FAIL: the root holds ${used} kB"; fail=1; }
"$VMSIM" run --disk-quota nonsense "$prog" 2>/dev/null && { echo "FAIL: a bad size was accepted"; fail=1; }
[ $fail -eq 0 ] && echo ok
exit $fail
