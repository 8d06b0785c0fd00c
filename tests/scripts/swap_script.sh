#!/usr/bin/env bash
# `vmsim script` under memory pressure: the mem/swap/policy settings and the
# --swap/--policy options, 4x more memory written than RAM and every byte of
# every page read back (each page a distinct pattern), settings after the
# first proc refused, opt refused outside trace replays, the OOM killer's
# message with the sibling intact, and no swap file left in $TMPDIR.
. "$(dirname "$0")/script_lib.bash"

# gen_writes NAME BASE FIRST N: writes "NAME:i" at the start of page i, for
# i in [FIRST, FIRST+N) (page i at BASE + i*4096).
gen_writes() {
    local i
    for ((i = $3; i < $3 + $4; i++)); do
        printf 'write %s 0x%x "%s:%d"\n' "$1" $(($2 + i * 4096)) "$1" "$i"
    done
}
# page_reads NAME BASE FIRST N: reads those pages whole.
page_reads() {
    local i
    for ((i = $3; i < $3 + $4; i++)); do
        printf 'read %s 0x%x 4096\n' "$1" $(($2 + i * 4096))
    done
}
pp="python3 $(dirname "$0")/pagepat.py"
# want_str TEXT: what `read ... 12` prints for a page starting with TEXT.
want_str() {
    local s=$1
    printf '"%s' "$s"
    for ((j = ${#s}; j < 12; j++)); do printf '\\000'; done
    printf '"\n'
}
export TMPDIR=$tmp/tmpdir
mkdir -p "$TMPDIR"

# 1. Settings in the script: 64 frames of RAM; a writes 256 pages, forks b,
#    b rewrites half of them; both read all 256 back whole (512 pages in 64
#    frames; the pages they still share go to swap once). Every page has its
#    own pattern (pagepat.py), and every byte of it is checked.
want1=$(seq 1000 1255; seq 1000 1127; seq 2128 2255)
for policy in clock fifo lru random; do
    {
        echo "mem 256K"
        echo "swap 8M"
        echo "policy $policy"
        echo "proc a"
        echo "map a 0x100000 0x100000 rw- anon private"
        $pp write a 0x100000 1000 256
        echo "fork a b"
        $pp write b 0x180000 2128 128
        page_reads a 0x100000 0 256
        page_reads b 0x100000 0 256
        echo "show stats total_frames swap_total pswpout pswpin oom_kill"
    } >"$tmp/s1"
    vs <"$tmp/s1"
    expect_rc 0
    no_errors
    $pp check "$out" $want1 || fail "$policy: pages read back wrong"
    [ "$(kv total_frames)" = 64 ] || fail "mem 256K: $(kv total_frames) frames"
    [ "$(kv swap_total)" = 2048 ] || fail "swap 8M: $(kv swap_total) slots"
    [ "$(kv pswpout)" -gt 200 ] || fail "$policy: only $(kv pswpout) pages swapped out"
    [ "$(kv pswpin)" -gt 100 ] || fail "$policy: only $(kv pswpin) pages swapped in"
    [ "$(kv oom_kill)" = 0 ] || fail "$policy: OOM kill"
done

# 2. The same with command-line options instead of settings.
{
    echo "proc a"
    echo "map a 0x100000 0x100000 rw- anon private"
    $pp write a 0x100000 3000 256
    page_reads a 0x100000 0 256
    echo "show stats pswpout pswpin"
} >"$tmp/s2"
vs --mem 256K --swap 4M --policy lru <"$tmp/s2"
expect_rc 0
no_errors
$pp check "$out" $(seq 3000 3255) || fail "--swap: pages read back wrong"
[ "$(kv pswpin)" -gt 150 ] || fail "--swap: only $(kv pswpin) pages swapped in"

# 3. Settings configure the machine: only before the first proc.
vs <<'EOF'
proc a
mem 1M
swap 1M
policy fifo
EOF
expect_rc 1
expect_err 'script:2: mem: settings must come before the first proc'
expect_err 'script:3: swap: settings must come before the first proc'
expect_err 'script:4: policy: settings must come before the first proc'
vs <<'EOF'
policy opt
policy belady
swap lots
EOF
expect_rc 1
expect_err 'policy opt needs to know the future'
expect_err "unknown policy 'belady'"
expect_err "bad swap size 'lots'"
vs --policy opt </dev/null
expect_rc 2
expect_err 'needs to know the future'
vs --swap 1Q </dev/null
expect_rc 2

# 4. OOM without swap: the hog is killed with the message, the sibling's
#    bytes are intact, and the script goes on.
{
    echo "mem 256K"
    echo "proc small"
    echo "map small 0x10000 0x2000 rw- anon private"
    echo 'write small 0x10000 "sibling data"'
    echo 'write small 0x11000 "second page"'
    echo "proc hog"
    echo "map hog 0x100000 0x100000 rw- anon private"
    gen_writes hog 0x100000 0 256
    echo "read small 0x10000 12"
    echo "read small 0x11000 12"
    echo "show stats oom_kill nr_mm"
} >"$tmp/s4"
vs <"$tmp/s4"
expect_err '^vmsim: out of memory: killed process 2 \(hog\) total-vm:1024kB, anon-rss:[0-9]+kB'
[ "$(grep -c 'out of memory' "$err")" = 1 ] || fail "more than one OOM kill"
# After the kill, the remaining writes name a process that is gone.
! grep -v -e 'out of memory' -e "unknown process 'hog'" "$err" | grep -q . ||
    fail "unexpected errors"
expect_line "$(want_str 'sibling data')"
expect_line "$(want_str 'second page')"
[ "$(kv oom_kill)" = 1 ] || fail "oom_kill $(kv oom_kill)"
[ "$(kv nr_mm)" = 1 ] || fail "nr_mm $(kv nr_mm)"

# 5. The swap file never shows up in $TMPDIR, not even while vmsim runs, nor
#    after Ctrl-C.
[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"
mkfifo "$tmp/fifo"
# Job control on: a background job of a script ignores SIGINT otherwise.
set -m
"$VMSIM" script --swap 64M <"$tmp/fifo" >"$out" 2>"$err" &
pid=$!
set +m
exec 3>"$tmp/fifo"
echo "proc a" >&3
sleep 0.5
[ -z "$(ls -A "$TMPDIR")" ] || fail "swap file visible while running: $(ls -A "$TMPDIR")"
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 130 ] || fail "Ctrl-C: exit status $rc, expected 130 (killed by SIGINT)"
exec 3>&-
[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR after Ctrl-C: $(ls -A "$TMPDIR")"
echo "swap_script: ok"
