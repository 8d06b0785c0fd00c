#!/usr/bin/env bash
# `vmsim trace --mrc`: miss-ratio curves checked against an independent
# reference (trace_mrc.py: per-size textbook simulations in Python) on
# Belady's string, Silberschatz's string and random strings; LRU's stack
# property and OPT's optimality; SHARDS sampling near the exact curve; the
# curve at one size equals a replay through the kernel (`--frames N`); the
# HTML page carries the numbers it draws.
set -u
VMSIM=${VMSIM:-build/san/vmsim}
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
timeout 300 python3 "$(dirname "$0")/trace_mrc.py" "$VMSIM" "$tmp" || fail=1

# The curve agrees with the kernel's own replay at one size.
python3 -c "
import random
r = random.Random(3)
print('\n'.join(str(r.randrange(40) if r.random() < .3 else r.randrange(8)) for _ in range(3000)))" >"$tmp/r.txt"
timeout 120 "$VMSIM" trace --format pages --mrc --csv --sizes 6..6 "$tmp/r.txt" >"$tmp/mrc.csv" || fail=1
for p in fifo lru clock opt; do
    k=$(timeout 120 "$VMSIM" trace --mem 16M --format pages --policy $p --frames 6 "$tmp/r.txt" | awk '$1=="faults"{print $2}')
    col=$(awk -F, -v p=$p 'NR==1{for(i=1;i<=NF;i++) if($i==p) c=i} NR==2{printf "%d", $c*3000+0.5}' "$tmp/mrc.csv")
    [ "$k" = "$col" ] || { echo "FAIL: $p at 6 frames: kernel replay $k faults, --mrc $col"; fail=1; }
done

# The HTML page: one polyline per policy, the numbers in its JSON.
timeout 120 "$VMSIM" trace --format pages --mrc --mrc-html "$tmp/mrc.html" "$tmp/r.txt" >/dev/null || fail=1
n=$(grep -c '<polyline class="curve"' "$tmp/mrc.html")
[ "$n" = 5 ] || { echo "FAIL: $n curves in the page"; fail=1; }
grep -q '"lru":\[' "$tmp/mrc.html" || { echo "FAIL: no data in the page"; fail=1; }
exit $fail
