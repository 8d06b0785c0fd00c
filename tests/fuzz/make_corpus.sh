#!/usr/bin/env bash
# Regenerates the seed corpus of fuzz_elf (tests/fuzz/corpus_elf/): tiny
# riscv64 programs of each kind the loader takes (static ET_EXEC, static PIE,
# dynamic PIE with PT_INTERP), and truncated copies of them. The files are
# committed; run this only to change them. Needs riscv64-linux-gnu-gcc.
set -euo pipefail
cd "$(dirname "$0")"
out=corpus_elf
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/tiny.c" <<'SRC'
char buf[5000];
int val = 7;
void _start(void)
{
    buf[0] = (char)val;
    register long a0 __asm__("a0") = buf[0];
    register long a7 __asm__("a7") = 93;   /* exit */
    __asm__ volatile("ecall" : : "r"(a0), "r"(a7));
    for (;;) {}
}
SRC
cc=riscv64-linux-gnu-gcc
flags=(-Os -nostdlib -ffreestanding -fno-asynchronous-unwind-tables -Wl,--build-id=none -s
       -Wl,-z,norelro -Wl,-z,noseparate-code)
mkdir -p "$out"
rm -f "$out"/*
$cc "${flags[@]}" -static -o "$out/exec" "$tmp/tiny.c"
$cc "${flags[@]}" -fPIE -static-pie -Wl,--no-dynamic-linker -o "$out/pie" "$tmp/tiny.c"
$cc "${flags[@]}" -fPIE -pie -Wl,--dynamic-linker=/lib/ld-linux-riscv64-lp64d.so.1 \
    -o "$out/interp" "$tmp/tiny.c"
for f in exec pie interp; do
    size=$(stat -c %s "$out/$f")
    for n in 16 64 120 300 $((size / 2)) $((size - 1)); do
        head -c "$n" "$out/$f" >"$out/$f.trunc$n"
    done
done
ls -l "$out"
