#!/usr/bin/env bash
# Runs every libFuzzer target ($FUZZ_DIR/fuzz_NAME, default build/fuzz) for
# FUZZ_TIME seconds (default 20) from its seed corpus tests/fuzz/corpus_NAME/.
# Fails if any target finds a crash, a leak, a sanitizer report or a timeout;
# the input that did it is kept in $FUZZ_DIR/crashes/. New inputs go to a
# temporary corpus: the committed seeds are never changed.
set -u
cd "$(dirname "$0")/../.."
dir=${FUZZ_DIR:-build/fuzz}
time=${FUZZ_TIME:-20}
shopt -s nullglob
targets=("$dir"/fuzz_*)
if [ ${#targets[@]} -eq 0 ]; then
    echo "no fuzz targets in $dir (make builds them with clang)"
    exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0
for t in "${targets[@]}"; do
    [ -x "$t" ] || continue
    name=$(basename "$t"); short=${name#fuzz_}
    mkdir -p "$tmp/$short"
    seeds=()
    [ -d "tests/fuzz/corpus_$short" ] && seeds=("tests/fuzz/corpus_$short")
    echo "== $name: ${time}s, seeds: ${seeds[*]:-none}"
    "$t" -max_total_time="$time" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$tmp/$short-" "$tmp/$short" "${seeds[@]}" >"$tmp/$short.log" 2>&1
    rc=$?
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "$tmp/$short.log"
    if [ $rc -ne 0 ]; then
        status=1
        echo "FAIL $name (exit $rc)"
        grep -vE '^#[0-9]+' "$tmp/$short.log" | tail -n 30
        mkdir -p "$dir/crashes"
        for a in "$tmp/$short"-*; do
            cp "$a" "$dir/crashes/" && echo "kept $dir/crashes/$(basename "$a")"
        done
    fi
done
exit $status
