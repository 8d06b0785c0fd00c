#!/usr/bin/env bash
# Nothing lost (issue 14): a real program, gzip built from Debian's source
# (scripts/debsrc.sh, tests/real/gzip.build), compresses and decompresses a
# file under vmsim with --mem at about a quarter of its footprint and swap,
# under every replacement policy. The compressed bytes must equal those of
# the same gzip built for the host (the reference), and decompressing them
# under pressure must give the input back.
set -u
: "${VMSIM:?}"
here=$(cd "$(dirname "$0")" && pwd)
command -v apt-get >/dev/null || { echo "no apt-get: cannot fetch Debian sources"; exit 77; }
out=$(source "$here/../../scripts/debsrc.sh" && debsrc_build gzip "$here/../real/gzip.build") ||
    { echo "cannot build gzip from Debian's source"; exit 77; }
G="$out/rv64/gzip" N="$out/native/gzip"
[ -x "$G" ] && [ -x "$N" ] || { echo "no gzip builds in $out"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# About 60 KiB of text with some redundancy.
seq 1 4000 | awk '{ printf "%d %d %s\n", $1, ($1 * $1) % 9973, ($1 % 7 ? "gzip" : "pressure") }' >"$tmp/in"
"$N" -9 -n -c "$tmp/in" >"$tmp/n.gz" || { echo "native gzip failed"; exit 1; }
fail=0
# gzip -9's footprint here is about 135 frames (540 KiB: 118 resident pages,
# 9 page tables, 8 kernel frames); --mem 160K is 40 frames, under a third
# of it, and the run swaps hundreds of thousands of pages (a quarter, 32
# frames, leaves too few for the kernel's reserve plus the pages one
# instruction needs).
for pol in clock fifo lru random; do
    timeout 120 "$VMSIM" run --root "$tmp" --mem 160K --swap 4M --policy "$pol" --stats \
        "$G" -9 -n -c /in >"$tmp/v.gz" 2>"$tmp/v.err"
    rc=$?
    swapped=$(sed -n 's/.*page-outs: \([0-9]*\) to swap.*/\1/p' "$tmp/v.err" | head -1)
    if [ $rc -ne 0 ] || ! cmp -s "$tmp/v.gz" "$tmp/n.gz"; then
        echo "FAIL gzip -9 under $pol: exit $rc, output differs from the native gzip's"
        tail -3 "$tmp/v.err"
        fail=1
        continue
    fi
    cp "$tmp/v.gz" "$tmp/in.gz"
    timeout 120 "$VMSIM" run --root "$tmp" --mem 160K --swap 4M --policy "$pol" \
        "$G" -d -c /in.gz >"$tmp/v.out" 2>"$tmp/v2.err"
    rc=$?
    if [ $rc -ne 0 ] || ! cmp -s "$tmp/v.out" "$tmp/in"; then
        echo "FAIL gunzip under $pol: exit $rc, the round trip lost data"
        tail -3 "$tmp/v2.err"
        fail=1
    elif [ "${swapped:-0}" -eq 0 ]; then
        echo "FAIL gzip under $pol: nothing went to swap, no pressure tested"
        fail=1
    else
        echo "ok gzip round trip under $pol at --mem 160K ($swapped pages to swap)"
    fi
done
exit $fail
