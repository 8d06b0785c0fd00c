#!/usr/bin/env bash
# What vmsim itself decides about processes (issue 4), checked against Linux
# semantics: a program that can never continue (reading a pipe whose only
# writer is itself blocks forever on Linux) is a deadlock that vmsim reports
# and ends with SIGKILL (137); --max-insns ends an endless loop with SIGXCPU
# (152); a first process killed by a signal gets the shell's line on stderr
# and 128+N; orphans run to their end before vmsim exits; a fork bomb meets
# EAGAIN (RLIMIT_NPROC). Last, random
# arguments to the process, signal, time and memory calls (guest/proc/
# sysfuzz) must not crash the simulator (run under ASan/UBSan), nor may a
# random process tree (guest/proc/forkfuzz: forks, vforks, kills, waits,
# orphans), whose every exit is followed by kernel_check in debug builds.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
P="$(cd "$GUEST_DIR" && pwd)/proc/die"
[ -x "$P" ] || { echo "no $P (make guest)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# expect NAME RC STDERR_REGEX ARGS... (an empty regex: stderr not checked)
expect() {
    local name=$1 want=$2 re=$3; shift 3
    timeout 60 "$VMSIM" run "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc -ne "$want" ]; then
        echo "FAIL $name: exit status $rc, want $want"; sed 's/^/    /' "$tmp/err" | head -5; fail=1
    elif [ -n "$re" ] && ! grep -Eq "$re" "$tmp/err"; then
        echo "FAIL $name: stderr lacks /$re/:"; sed 's/^/    /' "$tmp/err" | head -5; fail=1
    else
        echo "ok $name"
    fi
}
expect deadlock 137 '^vmsim: deadlock: all processes blocked' "$P" deadlock
expect max-insns 152 '^CPU time limit exceeded' --max-insns 2000000 "$P" spin
expect sigterm 143 '^Terminated$' "$P" term
expect segv 139 '^Segmentation fault \(address 0x8, SEGV_MAPERR' "$P" segv
expect orphan 4 '' "$P" orphan
grep -q '^orphan: still running after the parent$' "$tmp/out" || { echo "FAIL orphan: its output is missing"; fail=1; }
expect forkbomb 0 '' "$P" forkbomb
grep -q '^fork bomb stopped: Resource temporarily unavailable$' "$tmp/out" &&
    grep -q '^all reaped: 1$' "$tmp/out" || { echo "FAIL forkbomb: fork did not fail with EAGAIN"; fail=1; }
expect missing 127 'vmsim run: .*No such file' "$tmp/does-not-exist"
F="$(dirname "$P")/sysfuzz"
for seed in 1 2 3; do
    timeout 120 "$VMSIM" run "$F" $seed >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc -ne 0 ] || ! grep -q '^done' "$tmp/out"; then
        echo "FAIL sysfuzz seed $seed: exit status $rc"; head -20 "$tmp/err" | sed 's/^/    /'; fail=1
    else
        echo "ok sysfuzz seed $seed: $(cat "$tmp/out")"
    fi
done
F="$(dirname "$P")/forkfuzz"
for seed in 1 2 3; do
    timeout 300 "$VMSIM" run "$F" $seed >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc -ne 0 ] || ! grep -q '^done$' "$tmp/out"; then
        echo "FAIL forkfuzz seed $seed: exit status $rc"; head -20 "$tmp/err" | sed 's/^/    /'; fail=1
    else
        echo "ok forkfuzz seed $seed"
    fi
done
exit $fail
