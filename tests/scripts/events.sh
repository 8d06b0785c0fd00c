#!/usr/bin/env bash
# --events FILE (Chrome trace-event JSON): the file parses (python's json),
# every event has the fields Perfetto needs, and the events agree with what
# the programs provably do and with the --stats counters:
#  1. vmsim run of guest/events/touch N: exactly N demand-zero faults in its
#     fresh region (one per page, by the parent), exactly 3 COW copies there
#     (pages 0..2, by the child the fork event names), one mmap of the
#     region, and fault/zero-fill/COW/page-in totals equal to --stats;
#  2. vmsim script under memory pressure: swap-out events == pages written
#     to swap and swap-ins read from disk == pages read back (--stats), and
#     ts is the line number of the command that caused the event;
#  3. guest-chosen names are escaped: a file named with quotes and a
#     backslash still gives valid JSON.
source "$(dirname "$0")/script_lib.bash"
prog=$GUEST_DIR/events/touch
[ -x "$prog" ] || { echo "no $prog (make builds the guests)"; exit 77; }
command -v python3 >/dev/null || { echo "no python3"; exit 77; }

# ---- 1. a real program --------------------------------------------------
N=7
"$VMSIM" run --events "$tmp/run.json" --stats "$prog" $N >"$out" 2>"$err" || fail "run failed"
region=$(sed -n 's/^region \(0x[0-9a-f]*\) pages.*/\1/p' "$out")
child=$(sed -n 's/^child \([0-9]*\) done/\1/p' "$out")
[ -n "$region" ] && [ -n "$child" ] || fail "touch did not report its region and child"
python3 - "$tmp/run.json" "$err" "$region" "$N" "$child" <<'PY' || fail "run events check failed"
import json, re, sys
path, errf, region, n, child = sys.argv[1], sys.argv[2], int(sys.argv[3], 16), int(sys.argv[4]), int(sys.argv[5])
d = json.load(open(path))
ev = d["traceEvents"]
errs = []
for e in ev:
    for k in ("name", "cat", "ph", "ts", "pid", "tid", "args"):
        if k not in e: errs.append(f"event without {k}: {e}")
    if e.get("ph") not in ("i", "M"): errs.append(f"bad ph: {e}")
    if e.get("ph") == "i" and "event" not in e.get("args", {}): errs.append(f"no args.event: {e}")
    for k in ("va", "pfn", "new_pfn"):
        v = e.get("args", {}).get(k)
        if v is not None and not re.fullmatch(r"0x[0-9a-f]+", v): errs.append(f"{k} not hex: {e}")
inst = [e for e in ev if e["ph"] == "i"]
ts = [e["ts"] for e in inst]
if ts != sorted(ts): errs.append("virtual time goes backwards")
parent = [e for e in inst if e["args"]["event"] == "exec"][0]["pid"]
forks = [e for e in inst if e["args"]["event"] == "fork"]
if len(forks) != 1 or forks[0]["args"]["child"] != child or forks[0]["pid"] != parent:
    errs.append(f"fork events {forks}, child {child}")
names = {e["pid"]: e["args"]["name"] for e in ev if e["ph"] == "M"}
if names.get(parent) != "touch" or names.get(child) != "touch": errs.append(f"process names {names}")
exits = sorted(e["pid"] for e in inst if e["args"]["event"] == "exit")
if exits != sorted([parent, child]): errs.append(f"exit events of {exits}")
end = region + (n + 4) * 4096
inreg = lambda e: region <= int(e["args"]["va"], 16) < end
faults = [e for e in inst if e["args"]["event"] == "fault"]
dz = [e for e in faults if e["args"]["kind"] == "demand-zero" and inreg(e)]
pages = sorted((int(e["args"]["va"], 16) - region) // 4096 for e in dz)
if pages != list(range(n)): errs.append(f"demand-zero faults at pages {pages}, want 0..{n-1}")
if any(e["pid"] != parent or e["args"]["access"] != "write" for e in dz): errs.append("demand-zero faults not the parent's writes")
cow = [e for e in inst if e["args"]["event"] == "cow-copy" and inreg(e)]
if sorted((int(e["args"]["va"], 16) - region) // 4096 for e in cow) != [0, 1, 2] or any(e["pid"] != child for e in cow):
    errs.append(f"COW copies in the region: {[(e['pid'], e['args']['va']) for e in cow]}")
if any(e["args"]["pfn"] == e["args"]["new_pfn"] for e in cow): errs.append("a COW copy into the same frame")
mm = [e for e in inst if e["args"]["event"] == "mmap" and int(e["args"]["va"], 16) == region]
if len(mm) != 1 or int(mm[0]["args"]["len"], 16) != (n + 4) * 4096 or not mm[0]["args"]["anonymous"]:
    errs.append(f"mmap of the region: {mm}")
# Totals against --stats (its machine-wide line is the first 'faults:' line).
st = open(errf).read()
m = re.search(r"faults: (\d+) minor, (\d+) major; (\d+) zero-fill, (\d+) copy-on-write \((\d+) copied\), (\d+) segv", st)
minor, major, zf, cw, copied, segv = map(int, m.groups())
pin = int(re.search(r"page-ins: (\d+) from files", st).group(1))
ok = [e for e in faults if e["args"]["outcome"] == "ok" and e["args"]["kind"] != "spurious"]
def count(kind): return sum(1 for e in faults if e["args"]["kind"] == kind and e["args"]["outcome"] == "ok")
checks = {"minor+major": (len(ok), minor + major), "zero-fill": (count("demand-zero"), zf),
          "cow copies": (sum(1 for e in inst if e["args"]["event"] == "cow-copy"), copied),
          "cow faults": (count("cow-copy") + count("cow-reuse"), cw),
          "page-ins": (sum(1 for e in inst if e["args"]["event"] == "page-in"), pin),
          "segv": (sum(1 for e in faults if e["args"]["outcome"] != "ok"), segv)}
for k, (got, want) in checks.items():
    if got != want: errs.append(f"{k}: {got} events, --stats says {want}")
if zf < n or copied < 3: errs.append("the run should have at least the region's faults")
for e in errs[:10]: print("FAIL:", e)
sys.exit(1 if errs else 0)
PY

# ---- 2. a script under memory pressure: swap traffic ---------------------
{
    echo "mem 1M"
    echo "swap 4M"
    echo "proc a"
    echo "map a 0x400000 2M rw- anon private"
    for ((i = 0; i < 400; i++)); do printf 'write a 0x%x "p%d"\n' $((0x400000 + i * 4096)) "$i"; done
    for ((i = 0; i < 400; i += 7)); do printf 'read a 0x%x 4\n' $((0x400000 + i * 4096)); done
} >"$tmp/swap.vms"
vs --events "$tmp/swap.json" --stats "$tmp/swap.vms"
expect_rc 0
python3 - "$tmp/swap.json" "$err" <<'PY' || fail "swap events check failed"
import json, re, sys
d = json.load(open(sys.argv[1])); st = open(sys.argv[2]).read()
inst = [e for e in d["traceEvents"] if e["ph"] == "i"]
errs = []
m = re.search(r"page-ins: \d+ from files, (\d+) from swap; page-outs: (\d+) to swap", st)
pswpin, pswpout = map(int, m.groups())
outs = [e for e in inst if e["args"]["event"] == "swap-out"]
ins = [e for e in inst if e["args"]["event"] == "swap-in" and e["args"]["from_disk"]]
if pswpout == 0: errs.append("no swap traffic: the test is too small")
if len(outs) != pswpout: errs.append(f"{len(outs)} swap-out events, --stats says {pswpout}")
if len(ins) != pswpin: errs.append(f"{len(ins)} swap-in events, --stats says {pswpin}")
# Line numbers: line 4 is the map; writes are lines 5..404; reads from 405.
mm = [e for e in inst if e["args"]["event"] == "mmap"]
if [e["ts"] for e in mm] != [4.0]: errs.append(f"mmap at ts {[e['ts'] for e in mm]}, want line 4")
for e in inst:
    if e["args"]["event"] == "fault" and e["args"]["kind"] == "demand-zero":
        page = (int(e["args"]["va"], 16) - 0x400000) // 4096
        if e["ts"] != 5 + page: errs.append(f"fault of page {page} at ts {e['ts']}"); break
if any(e["ts"] < 405 for e in ins): errs.append("a swap-in before the reads")
for e in errs: print("FAIL:", e)
sys.exit(1 if errs else 0)
PY

# ---- 3. escaping -----------------------------------------------------------
weird='we"ird\name'
printf 'abc' >"$tmp/$weird"
printf 'proc a\nmap a 0x500000 4K r-- file %s 0 private\nread a 0x500000 3\n' "\"$tmp/we\\\"ird\\\\name\"" >"$tmp/esc.vms"
vs --events "$tmp/esc.json" "$tmp/esc.vms"
[ "$rc" -eq 0 ] || { cat "$err"; fail "the script with a strange file name failed"; }
python3 - "$tmp/esc.json" "$tmp/$weird" <<'PY' || fail "escaping check failed"
import json, sys
d = json.load(open(sys.argv[1]))
files = [e["args"].get("file") for e in d["traceEvents"] if e["ph"] == "i" and e["args"]["event"] in ("mmap", "page-in")]
if files.count(sys.argv[2]) != 2: print("FAIL: file names", files); sys.exit(1)
PY
exit 0
