#!/usr/bin/env bash
# Issue 18: a guest-side system-call fuzzer against the host. Runs
# guest/proc/hostfuzz (random file, descriptor, memory and signal calls with
# boundary arguments, paths into a sysroot, /proc, /dev, symlinks pointing
# out, a FIFO) with one seed per run, each on a fresh machine, under the
# ASan/UBSan build, for HOSTFUZZ_SECONDS (default 20; set it to hours for a
# long campaign; HOSTFUZZ_SEED picks the first seed). Fails on any vmsim
# abort, sanitizer report, hang (the FIFO, a host read) or any change
# outside the root: a directory next to it, the sysroot copy, the stdin file.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
prog="$GUEST_DIR/proc/hostfuzz"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 77; }
secs=${HOSTFUZZ_SECONDS:-20}
seed=${HOSTFUZZ_SEED:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/outside/dir" "$tmp/sys/lib" "$tmp/sys/onlysys/sub" "$tmp/root/d0"
echo secret >"$tmp/outside/secret"
echo deeper >"$tmp/outside/dir/file"
head -c 20000 /dev/urandom >"$tmp/sys/lib/libc.so.6"
echo sys >"$tmp/sys/onlysys/file"
echo f0 >"$tmp/root/f0"
echo f1 >"$tmp/root/d0/f1"
ln -s ../outside/secret "$tmp/root/link_out"
ln -s "$tmp/outside/secret" "$tmp/root/link_abs"
ln -s loop "$tmp/root/loop"
mkfifo "$tmp/root/fifo"
echo "stdin data" >"$tmp/in"
touch -d '2001-02-03 04:05:06' "$tmp/in" "$tmp/outside/secret" "$tmp/sys/lib/libc.so.6"
chmod 0640 "$tmp/in"
snap() {
    (cd "$tmp" && find outside sys in -printf '%p %y %m %s %T@ %C@ %l\n' | sort &&
        find outside sys in -type f -exec sha256sum {} + | sort)
}
snap >"$tmp/before"
# handle_abort: a run past its 30 s gets SIGABRT, and ASan prints where
# vmsim was (a hang that would not come back on a rerun is then explained).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16:handle_abort=1"
end=$(( $(date +%s) + secs ))
runs=0 fail=0 deaths=0
while [ "$(date +%s)" -lt "$end" ] && [ $fail -eq 0 ]; do
    (cd "$tmp/root" && exec timeout -s ABRT 30 "$VMSIM" run --root . -L "$tmp/sys" "$prog" "$seed") \
        <"$tmp/in" >"$tmp/stdout" 2>"$tmp/err"
    rc=$?
    runs=$((runs + 1))
    # 134 alone is the guest's own SIGABRT (glibc's abort after the fuzzer
    # scribbled over it): vmsim's abort says AddressSanitizer (handle_abort).
    if [ $rc -eq 124 ] ||
        grep -qaE 'AddressSanitizer|LeakSanitizer|runtime error|Assertion|vmsim: internal' "$tmp/err"; then
        echo "FAIL: seed $seed: exit $rc"
        # the end: the sanitizer's report (a hang's stack) follows the guest's output
        grep -avE '^[[:space:]]*$' "$tmp/err" | tail -n 80
        fail=1
    elif [ $rc -ne 0 ]; then
        deaths=$((deaths + 1))   # the guest died (a signal, a deadlock): its own business
    fi
    seed=$((seed + 1))
    : >"$tmp/stdout"
done
snap >"$tmp/after"
if ! diff "$tmp/before" "$tmp/after" >"$tmp/diff"; then
    echo "FAIL: something outside the root changed (< before, > after):"
    head -20 "$tmp/diff"
    fail=1
fi
echo "$runs runs (seeds ${HOSTFUZZ_SEED:-1}..$((seed - 1))), $deaths guest deaths, $fail failures"
exit $fail
