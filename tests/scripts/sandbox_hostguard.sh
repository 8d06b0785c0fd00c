#!/usr/bin/env bash
# Issue 18: what a guest must not change outside its root.
#  1. The -L sysroot is read-only to the guest, whoever runs vmsim: every
#     modifying call answers EROFS, as Linux on a read-only mount (mount(2),
#     open(2), ftruncate(2): EINVAL on a descriptor not open for writing,
#     EEXIST for O_CREAT|O_EXCL on an existing name). Reading, listing and
#     chdir into a directory only the sysroot has work. The sysroot is a
#     temporary copy; afterwards its bytes, modes and times are unchanged.
#  2. Inherited stdio: fchmod/fchown/futimens/ftruncate are refused (EPERM),
#     fallocate is not supported on it, and no write lands below where the
#     redirected file stood when vmsim started. The host file's mode, times
#     and bytes are checked afterwards.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
prog="$GUEST_DIR/files/hostguard"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
mkdir -p "$tmp/sys/lib" "$tmp/sys/onlysys/sub" "$tmp/root/lib"
head -c 5000 /dev/urandom >"$tmp/sys/lib/libc.so.6"
echo "sysroot file" >"$tmp/sys/onlysys/file"
chmod 0644 "$tmp/sys/lib/libc.so.6"
touch -d '2001-02-03 04:05:06' "$tmp/sys/lib/libc.so.6" "$tmp/sys/onlysys/file"
rmdir "$tmp/root/lib"   # root has no /lib: /lib is the sysroot's
snap() { (cd "$tmp/sys" && find . -printf '%p %y %m %s %T@ %C@\n' | sort && find . -type f -exec sha256sum {} + | sort); }
snap >"$tmp/before"
cat >"$tmp/expect" <<'EOT'
open wronly = -1 (EROFS)
open rdwr = -1 (EROFS)
open trunc = -1 (EROFS)
open creat new = -1 (EROFS)
open creat excl existing = -1 (EEXIST)
truncate = -1 (EROFS)
chmod = -1 (EROFS)
chown = -1 (EROFS)
utimensat = -1 (EROFS)
link = -1 (EROFS)
symlink = -1 (EROFS)
rename = -1 (EROFS)
unlink = -1 (EROFS)
mkdir = -1 (EROFS)
rmdir = -1 (EROFS)
open rdonly = 1
read = 4
fchmod = -1 (EROFS)
fchown = -1 (EROFS)
futimens = -1 (EROFS)
ftruncate = -1 (EINVAL)
opendir /onlysys: 4 entries
open dir = 1
openat dir file = -1 (EROFS)
fchmod dir = -1 (EROFS)
chdir = 0
rel open creat = -1 (EROFS)
rel open write = -1 (EROFS)
rel mkdir = -1 (EROFS)
rel symlink = -1 (EROFS)
rel rename = -1 (EROFS)
rel unlink = -1 (EROFS)
rel read = 1
opendir .: 4 entries
root creat = 1
EOT
(cd "$tmp/root" && exec timeout 120 "$VMSIM" run --root . -L "$tmp/sys" "$prog" sysroot) >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || { echo "FAIL: sysroot run exit $rc"; head -5 "$tmp/err"; fail=1; }
diff "$tmp/out" "$tmp/expect" >"$tmp/diff" || { echo "FAIL: sysroot answers (< vmsim, > Linux read-only mount)"; cat "$tmp/diff"; fail=1; }
snap >"$tmp/after"
diff "$tmp/before" "$tmp/after" >/dev/null || { echo "FAIL: the sysroot changed"; diff "$tmp/before" "$tmp/after"; fail=1; }
[ -f "$tmp/root/mine" ] || { echo "FAIL: /mine not created in root"; fail=1; }

# 2. stdio
printf 'stdin data\n' >"$tmp/in"
chmod 0640 "$tmp/in"
touch -d '2001-02-03 04:05:06' "$tmp/in"
{ printf 'HEADER\n'; timeout 120 "$VMSIM" run "$prog" stdio <"$tmp/in" 2>"$tmp/err2"; echo "rc=$?" >"$tmp/rc2"; } >"$tmp/outfile"
chmod_out=$(stat -c %a "$tmp/outfile")
cat >"$tmp/expect2" <<'EOT'
fchmod 0 = -1 (EPERM)
fchmod 1 = -1 (EPERM)
fchown 1 = -1 (EPERM)
futimens 0 = -1 (EPERM)
futimens 1 = -1 (EPERM)
ftruncate 1 = -1 (EPERM)
fallocate 1 = -1 (EPERM)
write 1 = 6
pwrite 1 at 0 = -1 (EPERM)
lseek 1 to 0 = 0
write 1 at 0 = -1 (EPERM)
lseek 1 to end = 1
write 1 at end = 4
pread 0 = 4
EOT
[ "$(cat "$tmp/rc2")" = rc=0 ] || { echo "FAIL: stdio run $(cat "$tmp/rc2")"; fail=1; }
diff "$tmp/err2" "$tmp/expect2" >"$tmp/diff" || { echo "FAIL: stdio answers (< vmsim, > expected)"; cat "$tmp/diff"; fail=1; }
[ "$(cat "$tmp/outfile")" = "$(printf 'HEADER\nguest\nend')" ] || { echo "FAIL: stdout file bytes:"; od -c "$tmp/outfile" | head; fail=1; }
[ "$chmod_out" = "$(umask -S >/dev/null; printf '%o' $((0666 & ~$(umask))))" ] || { echo "FAIL: stdout file mode $chmod_out"; fail=1; }
[ "$(stat -c '%a %Y' "$tmp/in")" = "640 $(date -d '2001-02-03 04:05:06' +%s)" ] || { echo "FAIL: stdin file mode/time: $(stat -c '%a %Y' "$tmp/in")"; fail=1; }
[ "$(stat -c %Y "$tmp/outfile")" -gt 1000000000 ] || { echo "FAIL: stdout file time reset"; fail=1; }
# 3. A host FIFO in the root never stops vmsim in the host's open(2): not a
#    guest's open, not a `vmsim script` line mapping it.
mkfifo "$tmp/root/fifo"
(cd "$tmp/root" && exec timeout 60 "$VMSIM" run --root . "$prog" fifo) >"$tmp/out3" 2>"$tmp/err3"
rc=$?
[ $rc -eq 0 ] && [ "$(tail -n 1 "$tmp/out3")" = "open fifo for writing returned" ] ||
    { echo "FAIL fifo: exit $rc (124: vmsim hung in open)"; cat "$tmp/out3"; head -3 "$tmp/err3"; fail=1; }
printf 'proc a\nmap a 0x10000000 4K r-- file %s 0 private\n' "$tmp/root/fifo" >"$tmp/fifo.vs"
timeout 60 "$VMSIM" script "$tmp/fifo.vs" >"$tmp/out4" 2>&1
rc=$?
[ $rc -ne 124 ] && grep -q "cannot open" "$tmp/out4" ||
    { echo "FAIL script map of a FIFO: exit $rc"; head -3 "$tmp/out4"; fail=1; }
[ $fail -eq 0 ] && echo "ok"
exit $fail
