#!/usr/bin/env bash
# Scenario (issue 4): a program's file pages are read only when touched.
# guest/files/lazy maps a 1024-page file and touches the pages named on its
# command line. Demand paging (the reference: a file page is read from the
# file on the first access that needs it, once) means: mapping costs no file
# read, and of two runs that execute the same code, one touching 1 distinct
# page 7 times and one touching 5 distinct pages (7 accesses), the second
# reads exactly 4 more pages from files, whatever the file's size. Also,
# a dynamic hello world has only part of libc.so.6's text resident at exit
# (Rss < Size in its smaps): the rest was never read.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
prog="$GUEST_DIR/files/lazy"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -c $((1024 * 4096)) /dev/urandom >"$tmp/big.bin"
major() {   # pages read from files in one run (vmsim run --stats, the machine's total)
    (cd "$tmp" && "$VMSIM" run --root . --stats "$prog" big.bin "$@") >"$tmp/out" 2>"$tmp/err" ||
        { echo "run failed: $(head -3 "$tmp/err")" >&2; echo -1; return; }
    grep -o -m1 'page-ins: [0-9]* from files' "$tmp/err" | grep -o '[0-9]*' ||
        sed -n 's/.*faults:* [0-9]* minor, \([0-9]*\) major.*/\1/p' "$tmp/err" | head -1
}
fail=0
m1=$(major 3 3 3 3 3 3 3)
m5=$(major 1 100 1023 512 8 100 1)
echo "file page reads: $m1 touching 1 page, $m5 touching 5 distinct pages (7 accesses each)"
[ -n "$m1" ] && [ "$m1" -ge 0 ] && [ -n "$m5" ] || { echo "FAIL: no fault counts in --stats"; exit 1; }
[ $((m5 - m1)) -eq 4 ] || { echo "FAIL: expected exactly 4 more file page reads"; fail=1; }
# The file has 1024 pages: reading it whole would cost more than 1024 faults.
[ "$m5" -lt 1024 ] || { echo "FAIL: mapping the file read it"; fail=1; }

hello="$GUEST_DIR/dyn/hello"
[ -x "$hello" ] && [ -d /usr/riscv64-linux-gnu/lib ] ||
    { echo "FAIL: no $hello or no riscv64 sysroot"; exit 1; }
(cd "$tmp" && "$VMSIM" run --root . --smaps-at-exit "$hello") >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -ne 3 ]; then   # hello.c returns 3
    echo "FAIL: dynamic hello: exit status $rc: $(head -3 "$tmp/err")"; fail=1
else
    read -r size rss < <(awk '/ r-xp .*libc\.so\.6$/ { t = 1; next }
        t && /^Size:/ { s = $2 } t && /^Rss:/ { r = $2; t = 0 } END { print s + 0, r + 0 }' "$tmp/err")
    echo "dynamic hello: libc text Size $size kB, Rss $rss kB"
    if [ "$size" -eq 0 ] || [ "$rss" -eq 0 ] || [ "$rss" -ge "$size" ]; then
        echo "FAIL: libc's text should be partly resident (0 < Rss < Size)"; fail=1
    fi
fi
[ $fail -eq 0 ] && echo "ok: file pages are read when touched, once"
exit $fail
