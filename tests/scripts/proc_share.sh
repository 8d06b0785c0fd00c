#!/usr/bin/env bash
# Scenario (issue 4, CS:APP 9.3): two concurrent processes of the same
# dynamic program share libc's text frames. guest/proc/twice forks two
# children that exec guest/dyn/proc_sleeper at the same time; each sleeps
# (virtual time) so both are alive together. With --smaps-at-exit vmsim
# prints each process's smaps as it exits: for the first sleeper to exit, the
# pages of libc.so.6's text it has mapped must be mapped by the other one as
# well (Linux's Shared_Clean: pages with more than one mapper), and its Pss
# must count those at half a page (two mappers), the rest whole. The second
# sleeper, alone by then, has them private (Pss = Rss). The reference is
# Linux's definition of these smaps fields.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
G=$(cd "$GUEST_DIR" && pwd)
[ -x "$G/proc/twice" ] && [ -x "$G/dyn/proc_sleeper" ] || { echo "guests not built (make guest)"; exit 77; }
[ -d /usr/riscv64-linux-gnu/lib ] || { echo "no riscv64 sysroot"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$VMSIM" run --root / --smaps-at-exit "$G/proc/twice" "$G/dyn/proc_sleeper" >"$tmp/out" 2>"$tmp/err"
rc=$?
fail=0
[ $rc -eq 0 ] || { echo "FAIL: exit status $rc"; head -5 "$tmp/err"; exit 1; }
printf 'sleeper A: start\nsleeper B: start\nsleeper A: done\nsleeper B: done\n' | cmp -s - "$tmp/out" ||
    { echo "FAIL: the two sleepers did not run side by side:"; cat "$tmp/out"; fail=1; }
# Rss, Pss and Shared_Clean (kB) of libc's r-xp mapping in the Nth sleeper's smaps.
libc_text() {
    awk -v want="$1" '
        /^vmsim: smaps of pid [0-9]+ \(proc_sleeper\)/ { n++; next }
        /^vmsim: smaps of pid/ { n = -1 }
        n == want && / r-xp .*libc\.so\.6$/ { in_text = 1; next }
        n == want && in_text && /^Rss:/ { rss = $2 }
        n == want && in_text && /^Pss:/ { pss = $2 }
        n == want && in_text && /^Shared_Clean:/ { sc = $2; in_text = 0 }
        END { print rss + 0, pss + 0, sc + 0 }' "$tmp/err"
}
read -r rss1 pss1 shared1 < <(libc_text 1)
read -r rss2 pss2 shared2 < <(libc_text 2)
echo "first to exit: libc text Rss $rss1 kB, Pss $pss1 kB, Shared_Clean $shared1 kB"
echo "second:        libc text Rss $rss2 kB, Pss $pss2 kB, Shared_Clean $shared2 kB"
if [ "$rss1" -lt 64 ]; then
    echo "FAIL: the first sleeper mapped only $rss1 kB of libc text"; fail=1
elif [ $((shared1 * 10)) -lt $((rss1 * 9)) ]; then
    echo "FAIL: less than 90% of its libc text frames were shared"; fail=1
elif [ "$pss1" -ne $((rss1 - shared1 / 2)) ]; then
    # Its shared pages have two mappers (the sleepers), the rest one.
    echo "FAIL: Pss $pss1 kB, expected $((rss1 - shared1)) + $shared1 / 2 kB"; fail=1
fi
if [ "$shared2" -ne 0 ] || [ "$rss2" -lt 64 ] || [ "$pss2" -ne "$rss2" ]; then
    echo "FAIL: the last sleeper should map libc text alone (Shared_Clean $shared2 kB, Pss $pss2 kB)"; fail=1
fi
[ $fail -eq 0 ] && echo "ok: two processes of one dynamic program share libc's text frames"
exit $fail
