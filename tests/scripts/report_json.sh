#!/usr/bin/env bash
# vmsim script --report / show json: the JSON report (docs/report-schema.md)
# is valid JSON with the schema's keys; a MAP_SHARED file page mapped by two
# processes at different addresses is one frame with exactly those two
# mappers, and a page shared after fork is one copy-on-write frame; every
# pfn agrees with what the MMU's walk (`translate`) found; the counters equal
# the `show stats` lines of the same run, also for a process that exited.
source "$(dirname "$0")/script_lib.bash"
command -v python3 >/dev/null || { echo "python3 missing"; exit 1; }

printf 'one page of a shared file\n' >"$tmp/shared.txt"
vs --report "$tmp/end.json" <<EOF2
proc a
proc b
map a 0x400000 8K rw- anon private
write a 0x400000 "parent"
write a 0x401000 "parent"
fork a c
write c 0x401000 "child"
map a 0x600000 4K rw- file $tmp/shared.txt 0 shared
map b 0x7000000 4K rw- file $tmp/shared.txt 0 shared
write b 0x7000000 "written by b"
read a 0x600000 12
translate a 0x600000 brief
translate b 0x7000000 brief
translate a 0x400000 brief
translate c 0x400000 brief
translate a 0x401000 brief
translate c 0x401000 brief
show maps a
show json $tmp/mid.json
show stats c
exit c
show stats
show stats a
show stats b
EOF2
expect_rc 0
no_errors
for f in mid end; do
    python3 -m json.tool "$tmp/$f.json" >/dev/null || fail "$f.json is not valid JSON"
done

python3 - "$tmp" "$out" <<'PY' || fail "report check failed"
import json, sys, re
tmp, outpath = sys.argv[1], sys.argv[2]
out = open(outpath).read().splitlines()
mid = json.load(open(tmp + "/mid.json"))
end = json.load(open(tmp + "/end.json"))
errors = []
def check(cond, msg):
    if not cond:
        errors.append(msg)

# The schema's required keys (docs/report-schema.md).
TOP = ["schema", "page_size", "machine", "frames_by_use", "pagecache_pages", "swap", "counters",
       "tlb", "processes", "frames", "frames_in_use", "frames_listed", "frames_shared"]
PROC = ["name", "pid", "alive", "asid", "satp", "root_pfn", "rss", "pagetable_pages", "vm_pages",
        "counters", "vmas", "pagetable"]
VMA = ["start", "end", "pages", "perms", "shared", "kind", "name", "pgoff", "present"]
FRAME = ["pfn", "use", "role", "refcount", "mapcount", "dirty", "owner", "sharing", "mappers"]
for doc, label in ((mid, "mid"), (end, "end")):
    for k in TOP:
        check(k in doc, f"{label}: no key {k}")
    check(doc.get("schema") == "vmsim-report/1", f"{label}: schema {doc.get('schema')}")
    for p in doc["processes"]:
        for k in PROC:
            check(k in p, f"{label}: process {p.get('name')} has no {k}")
        for v in p["vmas"]:
            for k in VMA:
                check(k in v, f"{label}: vma without {k}")
    for f in doc["frames"]:
        for k in FRAME:
            check(k in f, f"{label}: frame without {k}")
        check(f["mapcount"] == len(f["mappers"]), f"frame {f['pfn']:#x}: mapcount vs mappers")

# translate lines: "NAME 0xVA -> 0xPA pfn=0xPFN"
tr = {}
for l in out:
    m = re.match(r"^(\w+) (0x[0-9a-f]+) -> 0x[0-9a-f]+ pfn=(0x[0-9a-f]+)$", l)
    if m:
        tr[(m.group(1), m.group(2))] = int(m.group(3), 16)
check(len(tr) == 6, f"expected 6 translations, got {tr}")

def frames_by_pfn(doc):
    d = {}
    for f in doc["frames"]:
        check(f["pfn"] not in d, f"pfn {f['pfn']:#x} listed twice")
        d[f["pfn"]] = f
    return d
fm = frames_by_pfn(mid)

# 1. The shared file page: one frame, both mappers at their own addresses.
sp = tr.get(("a", "0x600000"))
check(sp is not None and sp == tr.get(("b", "0x7000000")), "a and b should share a frame")
f = fm.get(sp)
check(f is not None, "shared frame not listed")
if f:
    mappers = sorted((m["proc"], m["va"]) for m in f["mappers"])
    check(mappers == [("a", "0x600000"), ("b", "0x7000000")], f"shared mappers {mappers}")
    check(f["use"] == "file" and f["sharing"] == "shared", f"shared frame {f}")
    check(f["owner"] and f["owner"]["name"].endswith("shared.txt") and f["owner"]["index"] == 0,
          f"owner {f['owner']}")
    check(f["dirty"] is True, "b wrote the shared page: dirty")

# 2. COW after fork: 0x400000 still one frame for a and c; 0x401000 copied.
cp = tr.get(("a", "0x400000"))
check(cp is not None and cp == tr.get(("c", "0x400000")), "fork should share 0x400000")
f = fm.get(cp)
if f:
    check(f["sharing"] == "cow" and f["use"] == "anon" and f["mapcount"] == 2, f"cow frame {f}")
    check(sorted((m["proc"], m["va"], m["writable"]) for m in f["mappers"]) ==
          [("a", "0x400000", False), ("c", "0x400000", False)], f"cow mappers {f['mappers']}")
else:
    check(False, "cow frame not listed")
pa, pc = tr.get(("a", "0x401000")), tr.get(("c", "0x401000"))
check(pa != pc, "c's write should have copied 0x401000")
for pfn, who in ((pa, "a"), (pc, "c")):
    f = fm.get(pfn)
    check(f is not None and f["mapcount"] == 1 and f["sharing"] is None and
          f["mappers"][0]["proc"] == who, f"private frame of {who}: {f}")

# 3. Leaves agree with the walk; exactly one shared frame of each kind here.
procs = {p["name"]: p for p in mid["processes"]}
for (name, va), pfn in tr.items():
    leaves = {l["va"]: l for l in procs[name]["pagetable"]["leaves"]}
    check(va in leaves and leaves[va]["pfn"] == pfn, f"leaf {name} {va}")
kinds = sorted(f["sharing"] for f in mid["frames"] if f["sharing"] in ("cow", "shared", "file"))
check(kinds == ["cow", "shared"], f"shared frames {kinds}")
check(all(t["parent_pfn"] is None for p in procs.values() for t in p["pagetable"]["tables"]
          if t["level"] == 3), "root tables have no parent")

# 4. VMAs equal `show maps a` (first maps block).
maps = [l.split()[:2] for l in out if re.match(r"^[0-9a-f]{8,}-[0-9a-f]{8,} ", l)]
jv = [[f"{int(v['start'],16):08x}-{int(v['end'],16):08x}", v["perms"]] for v in procs["a"]["vmas"]]
check(maps == jv, f"maps {maps} vs json {jv}")

# 5. Counters equal `show stats` of the same run. Blocks: c (before exit), all, a, b.
blocks, cur = [], None
for l in out:
    m = re.match(r"^([a-z_]+) (0x[0-9a-f]+|\d+)$", l)
    if m:
        if cur is None or m.group(1) in cur:
            cur = {}
            blocks.append(cur)
        cur[m.group(1)] = int(m.group(2), 0)
    else:
        cur = None
check(len(blocks) == 4, f"expected 4 stats blocks, got {len(blocks)}")
if len(blocks) == 4:
    sc, sall, sa, sb = blocks
    CNT = ["minor_faults", "major_faults", "cow_faults", "cow_copies", "zero_fills", "file_reads",
           "writebacks", "segv"]
    ep = {p["name"]: p for p in end["processes"]}
    check(ep["c"]["alive"] is False and ep["c"]["vmas"] == [], "c exited")
    for name, st in (("c", sc), ("a", sa), ("b", sb)):
        p = ep[name]
        for k in CNT:
            check(p["counters"][k] == st[k], f"{name}.{k}: {p['counters'][k]} vs {st[k]}")
        check(p["rss"]["pages"] == st["rss_pages"], f"{name} rss")
        check(p["pagetable_pages"] == st["pagetable_pages"], f"{name} pagetable_pages")
        check(p["vm_pages"] == st["vm_pages"], f"{name} vm_pages")
        check(p["root_pfn"] == st["root_pfn"], f"{name} root_pfn")
    for k in CNT:
        check(end["counters"][k] == sall[k], f"global {k}: {end['counters'][k]} vs {sall[k]}")
    u = end["frames_by_use"]
    for k, j in (("free_frames", u["free"]), ("anon_frames", u["anon"]),
                 ("file_frames", u["file"]), ("pagetable_frames", u["pagetable"]),
                 ("kernel_frames", u["kernel"]), ("total_frames", end["machine"]["total_frames"]),
                 ("tlb_hits", end["tlb"]["hits"]), ("tlb_misses", end["tlb"]["misses"]),
                 ("nr_mm", end["machine"]["nr_mm"])):
        check(j == sall[k], f"{k}: json {j} vs stats {sall[k]}")
    # frames_in_use is every non-free frame, and each is listed once.
    check(end["frames_in_use"] == end["machine"]["total_frames"] - u["free"], "frames_in_use")
    check(len(end["frames"]) == end["frames_in_use"], "every frame listed")
for e in errors:
    print("FAIL:", e)
sys.exit(1 if errors else 0)
PY

# --stats: the summary names every process and the machine's totals.
vs --stats <<EOF2
proc a
map a 0x400000 4K rw- anon private
write a 0x400000 "x"
fork a b
write b 0x400000 "y"
exit b
EOF2
expect_rc 0
grep -q '^vmsim: machine: ' "$err" || fail "--stats: no machine line"
grep -q '^vmsim: process a (pid 1):' "$err" || fail "--stats: no line for a"
grep -q '^vmsim: process b (pid 2), exited' "$err" || fail "--stats: no line for exited b"
grep -qE '^vmsim:   faults: [0-9]+ minor, 0 major; 1 zero-fill, 1 copy-on-write \(1 copied\)' "$err" ||
    fail "--stats: machine faults line"
grep -qE 'TLB: [0-9]+ hits, [0-9]+ misses \(hit rate [0-9.]+%\)' "$err" || fail "--stats: TLB line"

# Errors: a report that cannot be written fails the line / the run.
vs <<EOF2
proc a
show json $tmp/no/such/dir/x.json
EOF2
expect_rc 1
expect_err 'cannot write .*x.json'
vs --report "$tmp/no/such/dir/y.json" </dev/null
expect_rc 1
rc=0; "$VMSIM" script --report >"$out" 2>"$err" </dev/null || rc=$?
expect_rc 2
expect_err 'needs a file name'
exit 0
