#!/usr/bin/env bash
# Textbook page-replacement results through `vmsim trace --format pages`:
# Belady's anomaly under FIFO, the standard reference string of OSTEP /
# Silberschatz under FIFO, LRU and OPT, and random strings checked against an
# independent reference simulator (refsim below, plain awk: a set of resident
# pages and the textbook rule, nothing of vmsim). OPT must never be worse
# than any other policy.
set -u
VMSIM=${VMSIM:-build/san/vmsim}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0

# faults POLICY FRAMES FILE: vmsim's fault count.
faults() {
    "$VMSIM" trace --mem 16M --format pages --frames "$2" --policy "$1" "$3" >"$tmp/out" 2>"$tmp/err" || {
        echo "vmsim trace failed (policy $1, frames $2):" >&2
        cat "$tmp/err" >&2
        echo -1
        return
    }
    awk '$1 == "faults" { print $2 }' "$tmp/out"
}

# refsim POLICY FRAMES FILE: demand paging with FRAMES frames, counting faults.
refsim() {
    awk -v pol="$1" -v n="$2" '
    NF { r[++len] = $1 }
    END {
        f = 0; cnt = 0
        for (i = 1; i <= len; i++) {
            p = r[i]
            if (p in res) { last[p] = i; continue }
            f++
            if (cnt == n) {
                victim = ""; best = -1
                for (q in res) {
                    if (pol == "fifo") key = -load[q]      # oldest load
                    else if (pol == "lru") key = -last[q]  # oldest use
                    else {                                 # opt: farthest next use
                        key = len + 1
                        for (j = i + 1; j <= len; j++) if (r[j] == q) { key = j; break }
                    }
                    if (victim == "" || key > best) { best = key; victim = q }
                }
                delete res[victim]; cnt--
            }
            res[p] = 1; load[p] = i; last[p] = i; cnt++
        }
        print f
    }' "$3"
}

expect() { # NAME GOT WANT
    if [ "$2" != "$3" ]; then
        echo "FAIL $1: got $2, want $3"
        fail=1
    else
        echo "ok   $1 = $2"
    fi
}

# Belady's anomaly: more frames, more faults under FIFO.
printf '%s\n' 1 2 3 4 1 2 5 1 2 3 4 5 >"$tmp/belady"
expect "belady fifo 3 frames" "$(faults fifo 3 "$tmp/belady")" 9
expect "belady fifo 4 frames" "$(faults fifo 4 "$tmp/belady")" 10
expect "belady refsim fifo 3" "$(refsim fifo 3 "$tmp/belady")" 9
expect "belady refsim fifo 4" "$(refsim fifo 4 "$tmp/belady")" 10

# The standard string (Silberschatz 10.4, OSTEP 22) with 3 frames.
printf '%s\n' 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1 >"$tmp/std"
expect "standard fifo" "$(faults fifo 3 "$tmp/std")" 15
expect "standard lru" "$(faults lru 3 "$tmp/std")" 12
expect "standard opt" "$(faults opt 3 "$tmp/std")" 9

# The same string in hex with comments and blank lines reads the same.
{ echo "# the standard string, hex"; echo; printf '0x%x\n' 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1; } >"$tmp/stdhex"
expect "standard opt (hex input)" "$(faults opt 3 "$tmp/stdhex")" 9

# Random strings (fixed seeds): fifo, lru and opt exactly as the reference
# simulator; opt no worse than clock, random, fifo and lru.
for seed in 1 2 3 4 5; do
    awk -v seed="$seed" 'BEGIN { srand(seed); npages = 6 + seed * 2
        for (i = 0; i < 300; i++) {
            # some locality: mostly a small hot set, sometimes anywhere
            if (rand() < 0.6) print int(rand() * 4); else print int(rand() * npages) }
    }' >"$tmp/rand$seed"
    for frames in 3 4 5; do
        tag="seed $seed, $frames frames"
        fifo=$(faults fifo "$frames" "$tmp/rand$seed")
        lru=$(faults lru "$frames" "$tmp/rand$seed")
        opt=$(faults opt "$frames" "$tmp/rand$seed")
        expect "$tag fifo" "$fifo" "$(refsim fifo "$frames" "$tmp/rand$seed")"
        expect "$tag lru" "$lru" "$(refsim lru "$frames" "$tmp/rand$seed")"
        expect "$tag opt" "$opt" "$(refsim opt "$frames" "$tmp/rand$seed")"
        for pol in clock random fifo lru; do
            got=$(faults "$pol" "$frames" "$tmp/rand$seed")
            if [ "$got" -lt 0 ] || [ "$opt" -lt 0 ] || [ "$opt" -gt "$got" ]; then
                echo "FAIL $tag: opt $opt faults, $pol $got"
                fail=1
            fi
        done
    done
done

# Distinct pages, frames to spare: one compulsory fault per page, nothing evicted.
"$VMSIM" trace --format pages --frames 1000 "$tmp/rand5" >"$tmp/out" || fail=1
expect "compulsory faults" "$(awk '$1 == "faults" { print $2 }' "$tmp/out")" \
    "$(sort -u "$tmp/rand5" | wc -l | tr -d ' ')"
expect "no evictions" "$(awk '$1 == "evictions" { print $2 }' "$tmp/out")" 0
expect "references" "$(awk '$1 == "references" { print $2 }' "$tmp/out")" 300

exit $fail
