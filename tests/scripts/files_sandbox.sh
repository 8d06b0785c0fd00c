#!/usr/bin/env bash
# The sandbox of `vmsim run --root DIR`: no path, ".." or symlink leads
# outside DIR. A guest program (guest/files/sandbox.c) opens, creates,
# lists and chdirs through a tree with symlinks pointing outside by
# absolute host paths and by "..". The expected lines are Linux's answers
# for the same tree under chroot(DIR) (absolute symlink targets resolve
# from the new root, ".." stops at it; readlink shows a link's text as
# stored). Afterwards the directory outside must be untouched.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
prog="$GUEST_DIR/files/sandbox"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/outside" "$tmp/root/sub/deeper" "$tmp/root/etc"
echo "host secret" >"$tmp/outside/secret"
echo "inside" >"$tmp/root/inside.txt"
echo "sandbox passwd" >"$tmp/root/etc/passwd"
ln -s "$tmp/outside/secret" "$tmp/root/esc_abs"
ln -s ../outside/secret "$tmp/root/esc_rel"
ln -s ../../../../../inside.txt "$tmp/root/sub/up"
ln -s /inside.txt "$tmp/root/absin"
ln -s "$tmp/outside" "$tmp/root/escdir"
ln -s "$tmp/outside/created" "$tmp/root/newlink"
ln -s /created_via_link "$tmp/root/newlink2"

ops=(open inside.txt open /inside.txt open ../../../inside.txt
     open /../../outside/secret open esc_abs open esc_rel open sub/up open absin
     open escdir/secret open /etc/passwd open "$tmp/outside/secret"
     creat newlink creat newlink2 open /created_via_link creat ../../escaped
     ls / ls /.. ls /dev ls escdir
     cd /sub/deeper cd ../../.. cd escdir cd /sub cd ../../../.. readlink esc_abs)
cat >"$tmp/expect" <<EOT
open inside.txt: inside
open /inside.txt: inside
open ../../../inside.txt: inside
open /../../outside/secret: ENOENT
open esc_abs: ENOENT
open esc_rel: ENOENT
open sub/up: inside
open absin: inside
open escdir/secret: ENOENT
open /etc/passwd: sandbox passwd
open $tmp/outside/secret: ENOENT
creat newlink: ENOENT
creat newlink2: ok
open /created_via_link: created inside
creat ../../escaped: ok
ls /: . .. absin created_via_link esc_abs esc_rel escaped escdir etc inside.txt newlink newlink2 sub
ls /..: . .. absin created_via_link esc_abs esc_rel escaped escdir etc inside.txt newlink newlink2 sub
ls /dev: . .. fb0 full null stderr stdin stdout tty urandom vmsim-timer zero
ls escdir: ENOENT
cd /sub/deeper: /sub/deeper
cd ../../..: /
cd escdir: ENOENT
cd /sub: /sub
cd ../../../..: /
readlink esc_abs: $tmp/outside/secret
EOT
(cd "$tmp/root" && exec "$VMSIM" run --root . "$prog" "${ops[@]}") >"$tmp/out" 2>"$tmp/err"
rc=$?
fail=0
[ $rc -eq 0 ] || { echo "FAIL: exit status $rc"; head -5 "$tmp/err"; fail=1; }
if ! diff "$tmp/out" "$tmp/expect" >"$tmp/diff"; then
    echo "FAIL: output differs from chroot semantics (< vmsim, > expected)"
    cat "$tmp/diff"
    fail=1
fi
# Nothing outside changed; what was created is inside.
[ "$(ls -A "$tmp/outside")" = secret ] || { echo "FAIL: outside has: $(ls -A "$tmp/outside")"; fail=1; }
[ "$(cat "$tmp/outside/secret")" = "host secret" ] || { echo "FAIL: secret changed"; fail=1; }
[ -f "$tmp/root/created_via_link" ] || { echo "FAIL: created_via_link not in root"; fail=1; }
[ -f "$tmp/root/escaped" ] && [ ! -e "$tmp/escaped" ] || { echo "FAIL: ../../escaped not created at the root"; fail=1; }
[ $fail -eq 0 ] && echo "ok: $(wc -l <"$tmp/out") checks"
exit $fail
