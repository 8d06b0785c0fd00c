#!/usr/bin/env bash
# Page replacement through `vmsim trace --format pages`, pinned down exactly:
# for every policy (fifo, lru, clock, opt, and random with fixed seeds) and
# frame counts 1..7, the fault count on textbook reference strings and on
# generated ones must equal that of an independent reference model
# (policy_ref.py: a queue, a stack, a circular buffer with reference bits,
# future knowledge, splitmix64 over an array). The textbook strings also
# have their published counts (Silberschatz 10.4, OSTEP 22), which check the
# models themselves; then Belady's anomaly under FIFO and the stack property
# of LRU and OPT (never more faults with more frames).
set -u
VMSIM=${VMSIM:-build/san/vmsim}
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
FRAMES=1,2,3,4,5,6,7
SEEDS="7 12345"

# key K FILE: the value of the "K V" line; a missing line is an error.
key() {
    local v
    v=$(awk -v k="$1" '$1 == k && NF == 2 && $2 ~ /^[0-9]+$/ { print $2 }' "$2")
    [ -n "$v" ] || { echo "FAIL: no '$1' line in vmsim's output:" >&2; cat "$2" >&2; v=none; }
    echo "$v"
}

# faults POLICY FRAMES FILE [SEED]: vmsim's fault count ("none" if it failed).
faults() {
    local seed=()
    [ $# -ge 4 ] && seed=(--seed "$4")
    if ! timeout 120 "$VMSIM" trace --mem 16M --format pages --frames "$2" --policy "$1" \
        "${seed[@]}" "$3" >"$tmp/out" 2>"$tmp/err"; then
        echo "FAIL: vmsim trace failed (policy $1, frames $2):" >&2
        cat "$tmp/err" >&2
        echo none
        return
    fi
    key faults "$tmp/out"
}

expect() { # NAME GOT WANT
    if [ "$2" != "$3" ]; then
        echo "FAIL $1: got $2, want $3"
        fail=1
    else
        echo "ok   $1 = $2"
    fi
}

# ref FILE SEED POLICY FRAMES: the reference model's count.
ref() { awk -v p="$3" -v k="$4" '$1 == p && $2 == k { print $3 }' "$1.ref.$2"; }

# check_string NAME FILE: every policy and frame count against the models.
check_string() {
    local name=$1 f=$2 seed k pol got prev
    for seed in $SEEDS; do
        python3 "$here/policy_ref.py" faults "$f" "$FRAMES" "$seed" >"$f.ref.$seed" ||
            { echo "FAIL: policy_ref.py"; fail=1; return; }
    done
    for k in ${FRAMES//,/ }; do
        for pol in fifo lru clock opt; do
            expect "$name $pol $k frames" "$(faults $pol "$k" "$f")" "$(ref "$f" 7 $pol "$k")"
        done
        for seed in $SEEDS; do
            expect "$name random(seed $seed) $k frames" "$(faults random "$k" "$f" "$seed")" \
                "$(ref "$f" "$seed" random "$k")"
        done
    done
    # Stack algorithms: the pages resident with k frames are resident with
    # k+1, so more frames never fault more.
    for pol in lru opt; do
        prev=""
        for k in ${FRAMES//,/ }; do
            got=$(faults $pol "$k" "$f")
            if [ -n "$prev" ] && { [ "$got" = none ] || [ "$got" -gt "$prev" ]; }; then
                echo "FAIL $name $pol: $got faults with $k frames, $prev with one frame less"
                fail=1
            fi
            prev=$got
        done
    done
}

# Belady's anomaly: more frames, more faults under FIFO.
printf '%s\n' 1 2 3 4 1 2 5 1 2 3 4 5 >"$tmp/belady"
expect "belady fifo 3 frames" "$(faults fifo 3 "$tmp/belady")" 9
expect "belady fifo 4 frames" "$(faults fifo 4 "$tmp/belady")" 10
check_string belady "$tmp/belady"
expect "belady model fifo 3" "$(ref "$tmp/belady" 7 fifo 3)" 9
expect "belady model fifo 4" "$(ref "$tmp/belady" 7 fifo 4)" 10

# The standard string (Silberschatz 10.4) with 3 frames: FIFO 15, LRU 12,
# OPT 9 faults.
printf '%s\n' 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1 >"$tmp/std"
expect "standard fifo" "$(faults fifo 3 "$tmp/std")" 15
expect "standard lru" "$(faults lru 3 "$tmp/std")" 12
expect "standard opt" "$(faults opt 3 "$tmp/std")" 9
check_string standard "$tmp/std"
for p in fifo:15 lru:12 opt:9; do
    expect "standard model ${p%:*}" "$(ref "$tmp/std" 7 "${p%:*}" 3)" "${p#*:}"
done

# OSTEP 22's string, cache of 3: OPT and LRU 5 misses, FIFO 7.
printf '%s\n' 0 1 2 0 1 3 0 3 1 2 1 >"$tmp/ostep"
check_string ostep "$tmp/ostep"
for p in fifo:7 lru:5 opt:5; do
    expect "ostep model ${p%:*}" "$(ref "$tmp/ostep" 7 "${p%:*}" 3)" "${p#*:}"
done

# The same string in hex with comments and blank lines reads the same.
{ echo "# the standard string, hex"; echo; printf '0x%x\n' 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1; } >"$tmp/stdhex"
expect "standard opt (hex input)" "$(faults opt 3 "$tmp/stdhex")" 9
expect "standard clock (hex input)" "$(faults clock 3 "$tmp/stdhex")" "$(ref "$tmp/std" 7 clock 3)"

# Generated strings (fixed seeds): loops, a hot set and jumps over 6..16 pages.
for s in 1 2 3 4 5; do
    python3 "$here/policy_ref.py" gen "$s" 200 $((4 + 2 * s)) >"$tmp/gen$s"
    check_string "gen$s" "$tmp/gen$s"
done

# Distinct pages, frames to spare: one compulsory fault per page, nothing evicted.
if timeout 120 "$VMSIM" trace --format pages --frames 1000 "$tmp/gen5" >"$tmp/out" 2>"$tmp/err"; then
    expect "compulsory faults" "$(key faults "$tmp/out")" "$(sort -u "$tmp/gen5" | wc -l | tr -d ' ')"
    expect "no evictions" "$(key evictions "$tmp/out")" 0
    expect "references" "$(key references "$tmp/out")" 200
else
    echo "FAIL: vmsim trace --frames 1000 failed:"; cat "$tmp/err"; fail=1
fi

exit $fail
