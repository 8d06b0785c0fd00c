#!/usr/bin/env bash
# vmsim run --report/--stats on a real program that forks (guest/proc/fork):
# the report lists every process the run had (as many as --stats names, and
# as `os` counted), the program's own address space when it exits, and the
# two views of memory agree: every present page-table entry of the program
# (the tree) is a mapper of its frame (the reverse map), and back.
source "$(dirname "$0")/script_lib.bash"
prog=$GUEST_DIR/proc/fork
[ -x "$prog" ] || { echo "no $prog (make builds the guests)"; exit 77; }

rc=0
"$VMSIM" run --stats --report "$tmp/run.json" "$prog" >"$out" 2>"$err" || rc=$?
expect_rc 3   # fork.c's own status (proc_diff.sh: qemu agrees)
nproc=$(sed -n 's/.* syscalls, \([0-9]*\) processes, .*/\1/p' "$err")
[ -n "$nproc" ] || fail "no process count in --stats"
[ "$(grep -c '^vmsim: process ' "$err")" -eq "$nproc" ] || fail "--stats should name $nproc processes"
python3 -m json.tool "$tmp/run.json" >/dev/null || fail "invalid JSON"
python3 - "$tmp/run.json" "$nproc" <<'PY' || fail "report check failed"
import json, sys
d = json.load(open(sys.argv[1])); nproc = int(sys.argv[2])
errs = []
procs = d["processes"]
if len(procs) != nproc: errs.append(f"{len(procs)} processes, --stats says {nproc}")
if [p["pid"] for p in procs] != sorted(p["pid"] for p in procs): errs.append("not in pid order")
first = min(procs, key=lambda p: p["pid"])
if not first["alive"]: errs.append("the program's map should be there (taken as it exits)")
kinds = {v["kind"] for v in first["vmas"]}
for k in ("stack", "vdso", "heap", "file"):
    if k not in kinds: errs.append(f"no {k} region: {kinds}")
frames = {f["pfn"]: f for f in d["frames"]}
tree = {(l["va"], l["pfn"]) for l in first["pagetable"]["leaves"] if l["present"] and not l["kernel"]}
rmap = {(m["va"], pfn) for pfn, f in frames.items() for m in f["mappers"] if m["pid"] == first["pid"]}
if tree != rmap: errs.append(f"tree and rmap differ: {sorted(tree ^ rmap)[:5]}")
# RSS counts user pages; the vDSO is the kernel's page (Linux does not count it either).
user = [x for x in tree if frames[x[1]]["use"] != "kernel"]
if len(user) != first["rss"]["pages"]: errs.append(f"{len(user)} leaves, rss {first['rss']['pages']}")
vdso = [v for v in first["vmas"] if v["kind"] == "vdso"][0]
vf = [f for f in d["frames"] if f["role"] == "vdso"]
if len(vf) != 1 or vdso["start"] not in [m["va"] for m in vf[0]["mappers"]]:
    errs.append("the vdso frame should be mapped at the [vdso] region")
for e in errs: print("FAIL:", e)
sys.exit(1 if errs else 0)
PY
exit 0
