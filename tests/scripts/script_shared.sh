#!/usr/bin/env bash
# vmsim script: file mappings. MAP_SHARED: one page-cache frame in every
# process, writes reach the file on msync / munmap / exit. MAP_PRIVATE: the
# same frame until a write, then a private copy; the file never changes.
source "$(dirname "$0")/script_lib.bash"

f=$tmp/file
head -c 10000 /dev/urandom >"$f"     # three pages, the last one partial
cp "$f" "$tmp/orig"

base_a=0x18000000   # a different virtual address in each process
pa() { printf '0x%x' $((base_a + $1)); }
vs <<EOS
proc a
proc b
map a $base_a 12K rw- file $f 0 shared
map b 0x50000000 12K rw- file $f 0 shared
translate a $(pa 4096)
translate b 0x50001000
read a $(pa 4096) 4
write b 0x50001000 "SHARED"
read a $(pa 4096) 6
translate a $(pa 8192)
translate b 0x50002000
msync b 0x50000000 12K
show stats b writebacks
show stats file_reads
EOS
expect_rc 0
no_errors
pa1=$(pfn a "$(pa 4096)"); pb1=$(pfn b 0x50001000)
[ -n "$pa1" ] && [ "$pa1" = "$pb1" ] || fail "shared page: pfn a=$pa1 b=$pb1 should be equal"
[ "$(pfn a "$(pa 8192)")" = "$(pfn b 0x50002000)" ] || fail "third page not shared"
expect_line '"SHARED"'               # a sees b's write: one frame
# Each file page was read once, though two processes mapped it.
[ "$(kv file_reads)" = 2 ] || fail "file_reads $(kv file_reads), expected 2 (pages 1 and 2)"
[ "$(kv writebacks)" -ge 1 ] || fail "msync wrote nothing back"
# After msync the host file holds the write, and nothing else changed.
printf 'SHARED' | dd of="$tmp/orig" bs=1 seek=4096 conv=notrunc status=none
cmp "$f" "$tmp/orig" || fail "file after msync differs from the expected bytes"
[ "$(wc -c <"$f")" -eq 10000 ] || fail "file size changed"

# munmap and exit write dirty shared pages back too (no msync).
vs <<EOS
proc a
map a 0x20000000 12K rw- file $f 0 shared
write a 0x20000000 "unmap"
unmap a 0x20000000 12K
map a 0x20000000 12K rw- file $f 0 shared
write a 0x20002000 "exit"
exit a
EOS
expect_rc 0
no_errors
printf 'unmap' | dd of="$tmp/orig" bs=1 seek=0 conv=notrunc status=none
printf 'exit' | dd of="$tmp/orig" bs=1 seek=8192 conv=notrunc status=none
cmp "$f" "$tmp/orig" || fail "munmap/exit did not write back"

# MAP_PRIVATE: shares the page-cache frame until written; the write makes a
# private copy (new pfn), the other process and the file keep the old bytes.
cp "$f" "$tmp/before"
vs <<EOS
proc a
proc b
map a 0x30000000 4K rw- file $f 0 private
map b 0x30000000 4K r-- file $f 0 private
translate a 0x30000000
translate b 0x30000000
write a 0x30000000 "PRIVATE"
translate a 0x30000000
translate b 0x30000000
read a 0x30000000 7
read b 0x30000000 5
exit a
exit b
EOS
expect_rc 0
no_errors
p1=$(pfn a 0x30000000 1); q1=$(pfn b 0x30000000 1)
p2=$(pfn a 0x30000000 2); q2=$(pfn b 0x30000000 2)
[ -n "$p1" ] && [ "$p1" = "$q1" ] || fail "before the write both map the cache page ($p1, $q1)"
[ "$p2" != "$q2" ] || fail "after a private write the pfns should differ ($p2, $q2)"
[ "$q2" = "$q1" ] || fail "b keeps the cache page"
expect_line '"PRIVATE"'
expect_line "\"unmap\""              # b still sees the file's bytes ("unmap" from above)
cmp "$f" "$tmp/before" || fail "a private write reached the file"

# A read-only file opened for a shared writable mapping: like Linux (EACCES
# needs an fd), a missing file is ENOENT.
vs <<EOS
proc a
map a any 4K rw- file $tmp/nonexistent 0 shared
EOS
expect_rc 1
expect_err 'script:2: .*No such file or directory \(ENOENT\)'
echo ok
