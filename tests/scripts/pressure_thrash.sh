#!/usr/bin/env bash
# Thrashing made visible (issue 14). guest/pressure/thrash sweeps a working
# set of 8 MiB four times and prints /proc/vmstat's workingset_refault_anon
# and workingset_activate_anon and /proc/pressure/memory. With --mem 8M
# (the working set slightly larger than what is left for it) and swap,
# refaults and PSI "some" must be above zero; with --mem 32M all must be
# zero. In both, the program's checksum must be what qemu-riscv64 computes
# (nothing lost), and the counters must agree with --stats, the JSON
# report, the events and --explain ("refault: evicted N faults ago").
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
T="$GUEST_DIR/pressure/thrash"
[ -x "$T" ] || { echo "no $T (make guest)"; exit 1; }
command -v qemu-riscv64 >/dev/null || { echo "no qemu-riscv64"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
some_total() { sed -n 's/^some avg10=[0-9.]* avg60=[0-9.]* avg300=[0-9.]* total=\([0-9]*\)$/\1/p' "$1"; }

qemu-riscv64 "$T" 8 4 >"$tmp/q.out" || bad "qemu run failed"
want_sum=$(val sum "$tmp/q.out")

timeout 120 "$VMSIM" run --mem 8M --swap 32M --stats --report "$tmp/r.json" --events "$tmp/ev.json" \
    --explain=0 --explain-file "$tmp/explain.txt" "$T" 8 4 >"$tmp/small.out" 2>"$tmp/small.err" ||
    bad "small run: exit $?"
timeout 120 "$VMSIM" run --mem 32M --swap 32M "$T" 8 4 >"$tmp/big.out" 2>"$tmp/big.err" ||
    bad "big run: exit $?"
for f in small big; do
    [ "$(val sum "$tmp/$f.out")" = "$want_sum" ] || bad "$f: sum $(val sum "$tmp/$f.out"), qemu $want_sum"
    grep -Eq '^full avg10=[0-9]+\.[0-9]{2} avg60=[0-9]+\.[0-9]{2} avg300=[0-9]+\.[0-9]{2} total=[0-9]+$' "$tmp/$f.out" ||
        bad "$f: /proc/pressure/memory not in Linux's format"
done
r=$(val workingset_refault_anon "$tmp/small.out") a=$(val workingset_activate_anon "$tmp/small.out")
s=$(some_total "$tmp/small.out")
[ "${r:-0}" -gt 0 ] && [ "${a:-0}" -gt 0 ] && [ "${s:-0}" -gt 0 ] ||
    bad "8M: refaults ${r:-?}, activations ${a:-?}, PSI some total ${s:-?}: want all > 0"
echo "8M:  workingset_refault_anon $r, workingset_activate_anon $a, some total ${s}us"
r2=$(val workingset_refault_anon "$tmp/big.out") s2=$(some_total "$tmp/big.out")
[ "$r2" = 0 ] && [ "$s2" = 0 ] || bad "32M: refaults $r2, PSI some total $s2: want 0"
echo "32M: workingset_refault_anon $r2, some total ${s2}us"
# The same numbers elsewhere (the stats and report count the whole run; the
# program read them before its exit, so they may only have grown).
grep -q "^vmsim:   workingset: [0-9]* refaults ([0-9]* anon" "$tmp/small.err" || bad "no workingset line in --stats"
grep -q "^vmsim:   pressure (memory, guest clock): some " "$tmp/small.err" || bad "no pressure line in --stats"
python3 - "$tmp/r.json" "$r" <<'PY' || bad "JSON report"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["counters"]
assert c["workingset_refault_anon"] >= int(sys.argv[2]), c
assert d["pressure_memory"]["some"]["total_us"] > 0, d["pressure_memory"]
PY
n_ev=$(grep -o '"refault_faults_ago":[0-9]*' "$tmp/ev.json" | wc -l)
n_ex=$(grep -c "refault: evicted [0-9]* faults ago" "$tmp/explain.txt")
[ "$n_ev" -ge "$r" ] && [ "$n_ex" -ge "$r" ] || bad "events show $n_ev refaults, --explain $n_ex; want >= $r"
echo "events: $n_ev refault faults; explain: $n_ex"
[ $fail = 0 ] && echo "ok: thrashing visible at 8M, none at 32M"
exit $fail
