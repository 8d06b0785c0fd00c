#!/usr/bin/env bash
# Threads (issue 13). The pthread programs of guest/threads run under $VMSIM
# with 1, 2 and 4 harts and under qemu-riscv64 (which runs the threads of one
# process): stdout and exit status must be identical. robust and bad use
# calls qemu-user does not implement (set_robust_list), and procfs reads
# the guest's /proc and /sys, and clonevm and clonefs use clone(CLONE_VM)
# without CLONE_THREAD (qemu-user refuses it: EINVAL), so they are compared with the
# same C source built for this host and run natively. Then: the
# thread limit (--max-threads: EAGAIN, as Linux's RLIMIT_NPROC), TLB
# shootdown counters (none with one hart, some with two), a shootdown event
# naming its harts, and determinism (same output and --stats twice).
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
command -v qemu-riscv64 >/dev/null || { echo "qemu-riscv64 not installed"; exit 77; }
command -v gcc >/dev/null || { echo "no host gcc"; exit 77; }
d="$GUEST_DIR/threads"
[ -x "$d/basic" ] || { echo "no guest programs in $d (make guest)"; exit 77; }
src=$(cd "$(dirname "$0")/../../guest/threads" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

vm() { timeout 120 "$VMSIM" run "$@"; }

for p in basic sync cancel signals shoot pimutex; do
    { timeout 120 qemu-riscv64 "$d/$p" >"$tmp/q.out"; } 2>/dev/null
    qrc=$?
    for h in 1 2 4; do
        vm --harts $h "$d/$p" >"$tmp/v.out" 2>"$tmp/v.err"
        vrc=$?
        if [ $vrc -ne $qrc ]; then
            echo "FAIL $p --harts $h: exit status vmsim $vrc, qemu $qrc"
            head -5 "$tmp/v.err"
            fail=1
        elif ! cmp -s "$tmp/v.out" "$tmp/q.out"; then
            echo "FAIL $p --harts $h: stdout differs (< vmsim, > qemu)"
            diff "$tmp/v.out" "$tmp/q.out" | head -10
            fail=1
        else
            echo "ok $p --harts $h (exit $vrc, $(wc -l <"$tmp/v.out") lines, as qemu)"
        fi
    done
done

# (procfs: /proc/PID/task, thread-self, Threads:, /sys's cpulist; with as
# many harts as this host has CPUs, so the counts agree.)
# (exec: fork and execve from a thread; it re-executes argv[0], so each
# runs from its own directory as ./NAME.)
# (clonevm: a process sharing its parent's memory, exit_signal and
# __WCLONE/__WALL, a sharer that outlives the process that made the mm.)
# (clonefs: CLONE_FILES, CLONE_FS and CLONE_SIGHAND between two processes,
# what execve unshares, a thread without CLONE_FILES.)
# (shdpnd: the shared pending set; qemu-user keeps a blocked signal on the
# thread the host chose, so it is compared with native Linux.)
# (pirobust: robust PI mutexes, and a signal handled during FUTEX_LOCK_PI,
# which qemu-user keeps for after the host's call.)
for p in robust bad procfs exec clonevm clonefs shdpnd pirobust; do
    gcc -O2 -w -pthread "$src/$p.c" -o "$tmp/$p" || { echo "FAIL cannot build $p for the host"; fail=1; continue; }
    (cd "$tmp" && timeout 60 "./$p") >"$tmp/n.out" 2>/dev/null
    nrc=$?
    (cd "$d" && vm --harts "$(nproc)" "./$p") >"$tmp/v.out" 2>"$tmp/v.err"
    vrc=$?
    if [ $vrc -ne $nrc ] || ! cmp -s "$tmp/v.out" "$tmp/n.out"; then
        echo "FAIL $p: vmsim (exit $vrc) and native (exit $nrc) differ (< vmsim, > native)"
        diff "$tmp/v.out" "$tmp/n.out" | head -10
        head -5 "$tmp/v.err"
        fail=1
    else
        echo "ok $p (exit $vrc, $(wc -l <"$tmp/v.out") lines, as native)"
    fi
done

# The JSON report lists the CLONE_VM children as processes of their own
# (their pids) on their parent's address space (its asid).
(cd "$d" && vm --report "$tmp/cv.json" ./clonevm) >/dev/null 2>&1
if python3 -c '
import json, sys
ps = {p["pid"]: p for p in json.load(open(sys.argv[1]))["processes"]}
first = min(ps)
sys.exit(not all(ps.get(first + i, {}).get("asid") == ps[first]["asid"] for i in (1, 2, 3)))
' "$tmp/cv.json"; then
    echo "ok clonevm report: three CLONE_VM children listed on their parent's asid"
else
    echo "FAIL clonevm report: the CLONE_VM children are not listed with the parent's asid"
    fail=1
fi

# --max-threads 8: the main thread and 7 more, then EAGAIN.
out=$(vm --max-threads 8 "$d/limit" 2>&1)
lrc=$?
if [ $lrc -eq 0 ] && [ "$out" = $'created 7 threads, then: EAGAIN\njoined 7, sum 21' ]; then
    echo "ok limit: EAGAIN at --max-threads"
else
    echo "FAIL limit: $out"
    fail=1
fi

# exit with threads alive: all end (qemu's status), and the JSON report
# lists the 4 threads of the process on its one page table.
{ timeout 60 qemu-riscv64 "$d/alive" >"$tmp/q.out"; } 2>/dev/null
qrc=$?
(cd "$tmp" && vm --report r.json "$d/alive") >"$tmp/v.out" 2>"$tmp/v.err"
vrc=$?
if [ $vrc -ne $qrc ] || ! cmp -s "$tmp/v.out" "$tmp/q.out"; then
    echo "FAIL alive: vmsim exit $vrc, qemu $qrc"
    fail=1
elif ! python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))["processes"][0]
t = p.get("threads", [])
sys.exit(not (len(t) == 4 and t[0]["tid"] == p["pid"] and len({x["tid"] for x in t}) == 4))
' "$tmp/r.json"; then
    echo "FAIL alive: the JSON report does not list the 4 threads"
    fail=1
else
    echo "ok alive: exit_group ends every thread (exit $vrc); the report lists 4 threads"
fi

# Shootdowns: one hart has nobody to shoot down; with two the reader's hart
# receives the writer's flushes; the events name the target harts.
remote() { sed -n 's/.*nr_tlb_remote_flush \([0-9]*\),.*/\1/p' "$1"; }
vm --harts 1 --stats "$d/shoot" >/dev/null 2>"$tmp/s1"
rc1=$?
vm --harts 2 --stats --events "$tmp/ev.json" "$d/shoot" >/dev/null 2>"$tmp/s2"
rc2=$?
r1=$(remote "$tmp/s1") r2=$(remote "$tmp/s2")
if [ $rc1 -ne 0 ] || [ $rc2 -ne 0 ]; then
    echo "FAIL shootdown runs: exit $rc1 and $rc2"
    fail=1
elif [ "$r1" = 0 ] && [ -n "$r2" ] && [ "$r2" -gt 0 ] && grep -q '"shootdown_harts":\[' "$tmp/ev.json"; then
    echo "ok shootdown counters: 1 hart $r1, 2 harts $r2 remote flushes"
else
    echo "FAIL shootdown counters: 1 hart '$r1', 2 harts '$r2'"
    grep -c shootdown_harts "$tmp/ev.json"
    fail=1
fi

# The same counters inside the guest (/proc/vmstat): a threaded munmap
# makes nr_tlb_remote_flush and _received grow with 2 harts, not with 1;
# what the guest read is at most what --stats counts at the end.
want2=$'counters in /proc/vmstat: 4 of 4\nnr_tlb_remote_flush grew: yes\nnr_tlb_remote_flush_received grew: yes\nnr_tlb_local_flush_all grew: no\nnr_tlb_local_flush_one grew: yes'
want1=$'counters in /proc/vmstat: 4 of 4\nnr_tlb_remote_flush grew: no\nnr_tlb_remote_flush_received grew: no\nnr_tlb_local_flush_all grew: no\nnr_tlb_local_flush_one grew: yes'
for h in 1 2; do
    out=$(vm --harts $h --stats "$d/tlbvmstat" 2>"$tmp/tv.err")
    rc=$?
    want=$want2
    [ $h = 1 ] && want=$want1
    read -r -a seen <<<"$(sed -n 's/^tlbvmstat read: //p' "$tmp/tv.err")"
    read -r -a total <<<"$(sed -n 's/.*nr_tlb_remote_flush \([0-9]*\), nr_tlb_remote_flush_received \([0-9]*\), nr_tlb_local_flush_all \([0-9]*\), nr_tlb_local_flush_one \([0-9]*\).*/\1 \2 \3 \4/p' "$tmp/tv.err")"
    le=1
    for i in 0 1 2 3; do
        [ -n "${seen[$i]:-}" ] && [ -n "${total[$i]:-}" ] && [ "${seen[$i]}" -le "${total[$i]}" ] || le=0
    done
    if [ $rc -eq 0 ] && [ "$out" = "$want" ] && [ $le = 1 ]; then
        echo "ok tlbvmstat --harts $h: /proc/vmstat's shootdown counters (${seen[*]} <= ${total[*]})"
    else
        echo "FAIL tlbvmstat --harts $h (exit $rc; read '${seen[*]:-}', --stats '${total[*]:-}'):"
        echo "$out"
        fail=1
    fi
done

# Determinism: the same bytes and counters on a second run.
for p in sync shoot; do
    vm --harts 4 --stats "$d/$p" >"$tmp/a.out" 2>"$tmp/a.err"
    ra=$?
    vm --harts 4 --stats "$d/$p" >"$tmp/b.out" 2>"$tmp/b.err"
    rb=$?
    [ $ra -eq 0 ] && [ $rb -eq 0 ] || { echo "FAIL $p: exit $ra and $rb"; fail=1; continue; }
    grep -v ' in [0-9.]* s ' "$tmp/a.err" >"$tmp/a.st"
    grep -v ' in [0-9.]* s ' "$tmp/b.err" >"$tmp/b.st"
    if cmp -s "$tmp/a.out" "$tmp/b.out" && cmp -s "$tmp/a.st" "$tmp/b.st"; then
        echo "ok $p deterministic (output and --stats)"
    else
        echo "FAIL $p: two runs differ"
        diff "$tmp/a.st" "$tmp/b.st" | head -5
        fail=1
    fi
done
exit $fail
