#!/usr/bin/env bash
# vmsim script: a bad line prints one error naming its line number, the
# script goes on, and the exit status is 1. The command line: bad options
# exit 2.
source "$(dirname "$0")/script_lib.bash"

vs <<'EOS'
proc a
bogus command
read zz 0x1000 4
map a 0x400000 12Q rw- anon private
map a 0x400000 0 rw- anon private
map a 0x400001 4K rw- anon private
map a 0x400000 4K rwz anon private
map a 0x400000 4K rw- anon
unmap a 0x400001 4K
write a 0x400000 "unterminated
proc a
proc bad/name
map a 0x400000 4K rw- anon private
write a 0x400000 "still runs"
read a 0x400000 10
read a 0x400000 99999999999999999999
write a 0x400000 0x123
show nothing
translate a
EOS
expect_rc 1
expect_err '^vmsim: script:2: unknown command .bogus.$'
expect_err "^vmsim: script:3: unknown process 'zz'$"
expect_err '^vmsim: script:4: bad number .12Q.'
expect_err '^vmsim: script:5: mmap: Invalid argument \(EINVAL\)$'     # length 0
expect_err '^vmsim: script:6: mmap: Invalid argument \(EINVAL\)$'     # unaligned MAP_FIXED
expect_err '^vmsim: script:7: bad protection'
expect_err '^vmsim: script:8: '
expect_err '^vmsim: script:9: munmap: Invalid argument \(EINVAL\)$'   # unaligned
expect_err '^vmsim: script:10: unterminated string'
expect_err "^vmsim: script:11: process 'a' already exists"
expect_err '^vmsim: script:12: bad process name'
expect_err '^vmsim: script:16: bad number'
expect_err '^vmsim: script:17: write: expected'
expect_err '^vmsim: script:18: show: expected'
expect_err '^vmsim: script:19: translate: wrong number of arguments'
[ "$(wc -l <"$err")" -eq 15 ] || fail "one error per bad line ($(wc -l <"$err"))"
expect_line 0x400000
expect_line '"still runs"'    # lines after errors still run

# A clean script exits 0; a script with only a segfault too.
vs <<<$'proc a\nread a 0x1000 1'
expect_rc 0
expect_line 'segfault a 0x1000 SEGV_MAPERR'

# Hostile input: NUL bytes, a very long line, huge numbers, CRLF.
{
    printf 'proc a\n'
    printf 'map a any 4K rw- anon private\0 junk\n'
    head -c 200000 /dev/zero | tr '\0' 'x'; printf '\n'
    printf 'write a 0x7ffeffff "%s"\n' "$(head -c 100000 /dev/zero | tr '\0' 'y')"
    printf 'brk a +18446744073709551615\n'
    printf 'brk a -99999999999999999999\n'
    printf 'read a 0xffffffffffffffff 0xffffffffffffffff\n'
    printf 'map a 0xfffffffffffff000 0xffffffffffffffff rw- anon private\n'
    printf 'map a any 0xfffffffffffff000 rw- anon private\n'
    printf 'map a any 16G rw- anon private\r\n'
    printf 'unmap a 0 0xffffffffffffffff\n'
    printf 'protect a 0x1000 0xfffffffffffff000 rw-\n'
    printf 'translate a 0x8000000000000000\n'
    printf 'read a 0x7ffeffffffff 2\n'
} >"$tmp/hostile"
vs "$tmp/hostile"
expect_rc 1   # bad lines, and the script went on to the end
expect_err '^vmsim: script:2: NUL byte'
expect_err '^vmsim: script:3: unknown command'

# Command line.
rc=0; "$VMSIM" script --mem 12X </dev/null >"$out" 2>"$err" || rc=$?
expect_rc 2; expect_err 'bad --mem'
rc=0; "$VMSIM" script --mem </dev/null >"$out" 2>"$err" || rc=$?
expect_rc 2
rc=0; "$VMSIM" script --bogus </dev/null >"$out" 2>"$err" || rc=$?
expect_rc 2; expect_err "unknown option '--bogus'"
rc=0; "$VMSIM" script --tlb-sets 3 </dev/null >"$out" 2>"$err" || rc=$?
expect_rc 2
rc=0; "$VMSIM" script "$tmp/does-not-exist" >"$out" 2>"$err" || rc=$?
expect_rc 2; expect_err 'cannot open'
rc=0; "$VMSIM" frobnicate >"$out" 2>"$err" || rc=$?
expect_rc 2
rc=0; "$VMSIM" --version >"$out" 2>"$err" || rc=$?
expect_rc 0; grep -qE '^vmsim [0-9]+\.[0-9]+' "$out" || fail "--version"
rc=0; "$VMSIM" --help >"$out" 2>"$err" || rc=$?
expect_rc 0; grep -q 'vmsim script' "$out" || fail "--help"
# --mem=SIZE and K/M/G suffixes are accepted; the machine has that many frames.
vs --mem=8M --tlb-sets=16 --tlb-ways 2 <<<'show stats total_frames'
expect_rc 0
[ "$(kv total_frames)" = 2048 ] || fail "--mem 8M gives $(kv total_frames) frames"
echo ok
