#!/usr/bin/env bash
# Memory-mapped I/O, the framebuffer (issue 7): guest/mmio/fbdraw, a plain
# Linux fbdev client, draws a known picture from two processes (a forked
# child the lower half, then the parent the upper half) into /dev/fb0 mapped
# MAP_SHARED, signalling frame done after each half. Checked: the geometry
# the fbdev ioctls report, and every pixel of the PNG files --fb-out wrote
# (frame 1: lower half only; frame 2 and the file at exit: all), decoded by
# an independent decoder (mmio_png_check.py). Also: /proc/PID/smaps names
# /dev/fb0 with Rss 0 (device pages are not memory), and the JSON report
# marks the regions and their pages as device, apart from RAM frames.
set -u
cd "$(dirname "$0")/../.."
prog="$GUEST_DIR/mmio/fbdraw"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 77; }
command -v python3 >/dev/null && python3 -c 'import zlib' || { echo "no python3 with zlib"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$1"; then echo "FAIL: $1"; fail=1; fi; }

"$VMSIM" run --fb 64x48 --fb-out "$tmp/shot.png" --smaps-at-exit "$prog" >"$tmp/out" 2>"$tmp/err"
rc=$?
cat "$tmp/out"
check '[ $rc -eq 0 ]'
check 'grep -qx "fb 64x48 bpp 32 virtual 64x48 line_length 256 smem_len 12288 mmio_len 4096 visual 2" "$tmp/out"'
check 'grep -qx "red 16/8 green 8/8 blue 0/8" "$tmp/out"'
check 'grep -qx "fbdraw: ok" "$tmp/out"'
check '[ -e "$tmp/shot-0001.png" ] && [ -e "$tmp/shot-0002.png" ] && [ ! -e "$tmp/shot-0003.png" ]'
check 'python3 tests/scripts/mmio_png_check.py "$tmp/shot-0001.png" 64 48 lower'
check 'python3 tests/scripts/mmio_png_check.py "$tmp/shot-0002.png" 64 48 all'
check 'python3 tests/scripts/mmio_png_check.py "$tmp/shot.png" 64 48 all'
# smaps of the exiting processes: the pixel and register mappings are
# /dev/fb0 (the registers at file offset smem_len = 0x3000), outside Rss.
check 'grep -Eq "^[0-9a-f]+-[0-9a-f]+ rw-s 00000000 00:05 200 +/dev/fb0$" "$tmp/err"'
check 'grep -Eq "^[0-9a-f]+-[0-9a-f]+ rw-s 00003000 00:05 200 +/dev/fb0$" "$tmp/err"'
check '[ "$(awk "/\/dev\/fb0\$/ {d=1; next} d && /^Rss:/ {print \$2; d=0}" "$tmp/err" | sort -u)" = "0" ]'
check 'grep -q "VmFlags: rd wr sh mr mw me ms pf io de dd" "$tmp/err"'
# The JSON report: the regions are of kind "device", their leaves are
# device pages (the pixels at 0x20000000, the registers at 0x10001000),
# none of them among the RAM frames.
"$VMSIM" run --fb 64x48 --report "$tmp/r.json" "$prog" >/dev/null 2>"$tmp/err2"
rc=$?
check '[ $rc -eq 0 ]'
check 'python3 - "$tmp/r.json" <<"PY"
import json, sys
r = json.load(open(sys.argv[1]))
p = r["processes"][0]
dev = [v for v in p["vmas"] if v["kind"] == "device"]
assert sorted(v["name"] for v in dev) == ["/dev/fb0", "/dev/fb0"], dev
leaves = [l for l in p["pagetable"]["leaves"] if l.get("device")]
pfns = sorted(l["pfn"] for l in leaves)
assert pfns == [0x10001, 0x20000, 0x20001, 0x20002], [hex(x) for x in pfns]
ram = {f["pfn"] for f in r["frames"]}
assert not ram & set(pfns)
assert all(not l.get("device") for l in p["pagetable"]["leaves"] if l["pfn"] in ram)
PY'
[ $fail -eq 0 ] || { cat "$tmp/err"; exit 1; }
echo "mmio_fb: ok"
