#!/usr/bin/env bash
# vmsim run --timeline: series sampled on the guest clock.
#  - Sampling changes nothing the program does (output and status).
#  - The working set from the A bits follows the program's own phases
#    (guest/libc/phases.c: 2048 pages swept, then 16): Linux's idle-page
#    tracking semantics, pages referenced in the interval.
#  - The per-interval counts add up to the run's counters; the series all
#    have one value per sample time; the marks name the forks, execs and
#    exits of guest/proc/fork.
#  - A run stays under its cap of points (--timeline-points; the interval
#    doubles and neighbours merge).
#  - The events file has a Perfetto counter track per sample.
#  - The HTML charts render in headless Chromium: each line has the number
#    of points the JSON has, and the cursor (placed with #cursor=I) reads
#    back the JSON's values.
set -u
VMSIM=${VMSIM:-build/san/vmsim}
GUEST_DIR=${GUEST_DIR:-build/guest}
for p in libc/phases proc/fork; do
    [ -x "$GUEST_DIR/$p" ] || { echo "no $GUEST_DIR/$p"; exit 77; }
done
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
if ! command -v chromium >/dev/null; then
    # As report_html.sh: CI runs as root and installs chromium.
    [ "$(id -u)" -eq 0 ] && { echo "chromium is not installed (scripts/deps.sh installs it)"; exit 1; }
    echo "chromium is not installed"
    exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# Same output and status with and without sampling.
timeout 120 "$VMSIM" run --no-progress "$GUEST_DIR/proc/fork" >"$tmp/plain.out" 2>&1; st1=$?
timeout 120 "$VMSIM" run --no-progress --timeline --timeline-csv "$tmp/fork.csv" --report "$tmp/fork.json" \
    --events "$tmp/fork.events" "$GUEST_DIR/proc/fork" >"$tmp/tl.out" 2>&1; st2=$?
[ "$st1" = "$st2" ] && [ "$st1" -lt 124 ] || bad "status $st1 plain, $st2 with --timeline"
cmp -s "$tmp/plain.out" "$tmp/tl.out" || bad "--timeline changed the program's output"

# Under memory pressure sampling changes nothing reclaim decides: a cleared
# A bit leaves the frame "young" (Linux's PG_young), which the clock counts.
timeout 120 "$VMSIM" run --no-progress --stats --mem 8M --swap 64M "$GUEST_DIR/libc/phases" 6 \
    >/dev/null 2>"$tmp/p1.err" || bad "pressure run"
timeout 120 "$VMSIM" run --no-progress --stats --mem 8M --swap 64M --timeline --report "$tmp/p2.json" \
    "$GUEST_DIR/libc/phases" 6 >/dev/null 2>"$tmp/p2.err" || bad "pressure run with --timeline"
grep -E '^vmsim:   (faults|page-ins)' "$tmp/p1.err" | head -2 >"$tmp/p1.c"
grep -E '^vmsim:   (faults|page-ins)' "$tmp/p2.err" | head -2 >"$tmp/p2.c"
grep -q 'from swap' "$tmp/p1.c" && ! grep -q ' 0 from swap' "$tmp/p1.c" || bad "no swapping at 8M: $(cat "$tmp/p1.c")"
cmp -s "$tmp/p1.c" "$tmp/p2.c" || bad "sampling changed reclaim: $(cat "$tmp/p1.c") vs $(cat "$tmp/p2.c")"

timeout 120 "$VMSIM" run --no-progress --timeline --report "$tmp/ph.json" --html "$tmp/ph.html" \
    "$GUEST_DIR/libc/phases" 100 >/dev/null || bad "phases run"
timeout 120 "$VMSIM" run --no-progress --timeline-points 16 --report "$tmp/long.json" \
    "$GUEST_DIR/libc/phases" 100 >/dev/null || bad "long run"

python3 - "$tmp" <<'PY' || fail=1
import json, sys
tmp = sys.argv[1]
fails = 0
def check(c, what):
    global fails
    if not c:
        fails += 1
        print("FAIL:", what)

def series_ok(track, name):
    n = len(track["t_ns"])
    for k, v in track.items():
        if isinstance(v, list):
            check(len(v) == n, f"{name}: {k} has {len(v)} values for {n} times")
    check(all(a < b for a, b in zip(track["t_ns"], track["t_ns"][1:])), f"{name}: times not increasing")

# phases: the working set follows the program's phases.
doc = json.load(open(f"{tmp}/ph.json"))
tl = doc["timeline"]
series_ok(tl["machine"], "machine")
p = [q for q in tl["processes"] if q["name"] == "phases"]
check(len(p) == 1, "one track for the program")
w = p[0]["wss"]
big = [x for x in w if x >= 2048]
check(len(big) >= 5, f"phase 1: {len(big)} samples with >= 2048 referenced pages")
check(max(w) <= 2048 + 64, f"working set above the pages the program has: {max(w)}")
tail = w[len(w) * 3 // 4: -1]
check(tail and all(16 <= x <= 16 + 8 for x in tail), f"phase 2 working set not ~16 pages: {tail}")
# counts add up to the counters (the report's last sample is at its moment)
m = tl["machine"]
c = doc["counters"]
check(sum(m["minor"]) == c["minor_faults"], f"minor {sum(m['minor'])} vs {c['minor_faults']}")
check(sum(m["major"]) == c["major_faults"], f"major {sum(m['major'])} vs {c['major_faults']}")
check(sum(m["zero_fill"]) == c["zero_fills"], "zero-fill sums")
check(m["rss_anon"][-1] == doc["frames_by_use"]["anon"], "last rss_anon = frames by use")
check(all(0 <= r <= 1 for r in m["tlb_miss_rate"]), "miss rate in [0, 1]")
series_ok(p[0], "process")

# pressure: the swap traffic per interval adds up to the counters.
doc = json.load(open(f"{tmp}/p2.json"))
m = doc["timeline"]["machine"]
check(sum(m["swapout"]) == doc["swap"]["pswpout"] > 0, f"swapout {sum(m['swapout'])} vs {doc['swap']['pswpout']}")
check(sum(m["swapin"]) == doc["swap"]["pswpin"] > 0, f"swapin {sum(m['swapin'])} vs {doc['swap']['pswpin']}")
check(max(m["swap"]) > 0, "no pages in swap")

# fork: marks and per-process tracks.
doc = json.load(open(f"{tmp}/fork.json"))
tl = doc["timeline"]
kinds = {}
for mk in tl["marks"]:
    kinds[mk["kind"]] = kinds.get(mk["kind"], 0) + 1
check(kinds.get("exec", 0) >= 1 and kinds.get("fork", 0) >= 5 and kinds.get("exit", 0) >= 5, f"marks {kinds}")
forks = [mk for mk in tl["marks"] if mk["kind"] == "fork"]
check(all("child" in mk for mk in forks), "fork marks name the child")
ev = json.load(open(f"{tmp}/fork.events"))["traceEvents"]
cnt = [e for e in ev if e.get("ph") == "C" and e["pid"] == 0 and e["name"] == "rss (pages)"]
check(len(cnt) == tl["samples"], f"{len(cnt)} machine counter events for {tl['samples']} samples")
csv = open(f"{tmp}/fork.csv").read().split("\n")
check(csv[0].startswith("t_ms,pid,name,rss_anon"), "CSV header")

# long: the interval doubled, the points stay under the cap
tl = json.load(open(f"{tmp}/long.json"))["timeline"]
check(tl["interval_ns"] >= 4000000, f"interval did not grow: {tl['interval_ns']}")
check(8 <= len(tl["machine"]["t_ns"]) <= 16, f"{len(tl['machine']['t_ns'])} points")
check(tl["samples"] > 16, "fewer samples than the cap")
series_ok(tl["machine"], "long machine")
print("timeline checks failed:", fails)
sys.exit(1 if fails else 0)
PY

# The charts in headless Chromium.
idx=7
profile=$(mktemp -d "$tmp/profile.XXXXXX")
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-extensions --user-data-dir="$profile" --enable-logging=stderr --v=0 \
    --dump-dom "file://$tmp/ph.html#cursor=$idx" >"$tmp/dom.html" 2>"$tmp/chrome.log" ||
    bad "chromium failed: $(tail -n 5 "$tmp/chrome.log")"
! grep -q ':CONSOLE' "$tmp/chrome.log" || bad "console messages: $(grep :CONSOLE "$tmp/chrome.log")"
python3 - "$tmp/dom.html" "$tmp/ph.json" "$idx" <<'PY' || fail=1
import json, sys
from html.parser import HTMLParser
dom, js, idx = sys.argv[1], sys.argv[2], int(sys.argv[3])
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.charts = []; self.ready = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "body": self.ready = a.get("data-timeline-ready")
        if tag == "div" and "tl-chart" in cls:
            self.charts.append({"pid": int(a["data-pid"]), "cursor": a.get("data-cursor-index"),
                                "lines": {}, "values": {}, "marks": 0})
        if not self.charts: return
        c = self.charts[-1]
        if tag == "polyline" and "tl-line" in cls:
            c["lines"][a["data-series"]] = (int(a["data-n"]), len(a["points"].split()))
        if tag == "span" and "tl-value" in cls:
            c["values"][a["data-series"]] = float(a["data-value"])
        if tag == "line" and "tl-mark" in cls:
            c["marks"] += 1
p = P(); p.feed(open(dom).read())
tl = json.load(open(js))["timeline"]
m = tl["machine"]
n = len(m["t_ns"])
fails = 0
def check(c, what):
    global fails
    if not c:
        fails += 1; print("FAIL:", what)
check(p.ready == "1", "charts not drawn")
mach = [c for c in p.charts if c["pid"] == 0]
check(len(mach) == 4, f"{len(mach)} machine charts")
for c in mach:
    for s, (dn, npts) in c["lines"].items():
        check(dn == n and npts == n, f"machine {s}: {dn}/{npts} points, JSON has {n}")
    check(c["cursor"] == str(idx), f"cursor at {c['cursor']}, not {idx}")
    for s, v in c["values"].items():
        check(abs(v - m[s][idx]) < 1e-9, f"cursor value {s} {v} != JSON {m[s][idx]}")
check(any("rss_anon" in c["values"] for c in mach), "no rss_anon read back")
check(sum(c["marks"] for c in mach) >= 4 * len(tl["marks"]), "marks missing")
procs = [c for c in p.charts if c["pid"] != 0]
check(len(procs) == len(tl["processes"]), "a chart per process")
for c, t in zip(procs, tl["processes"]):
    check(c["lines"]["wss"][0] == len(t["t_ns"]), "process line points")
print("chart checks failed:", fails)
sys.exit(1 if fails else 0)
PY
exit $fail
