#!/usr/bin/env bash
# `vmsim run --page-trace`: the page-reference string of a real program
# (static glibc hello), replayed by `vmsim trace` at the run's memory size
# and policy, takes the run's own faults but for the documented difference:
# a private file page, or an anonymous one, read before it is written faults
# twice in the run (the read maps the page cache's page or the shared zero
# page, the write copies it) and once in the replay (every page is
# anonymous there and the replay maps no zero page). The pages the run faulted on (its
# --events) are exactly the pages of the string. The lackey form replays to
# the same count; tracing changes nothing the program prints.
set -u
VMSIM=${VMSIM:-build/san/vmsim}
GUEST_DIR=${GUEST_DIR:-build/guest}
prog=$GUEST_DIR/libc/hello
[ -x "$prog" ] || { echo "no $prog"; exit 77; }
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0

timeout 120 "$VMSIM" run --no-progress --mem 64M "$prog" >"$tmp/plain.out" 2>&1 || { echo "FAIL: plain run"; fail=1; }
timeout 120 "$VMSIM" run --no-progress --mem 64M --stats --events "$tmp/ev.json" --page-trace "$tmp/pt.txt" "$prog" >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: traced run"; cat "$tmp/err"; fail=1; }
cmp -s "$tmp/plain.out" "$tmp/out" || { echo "FAIL: tracing changed the output"; fail=1; }
run_faults=$(awk '/^vmsim:   faults:/ { gsub(",", ""); print $3 + $5; exit }' "$tmp/err")
timeout 120 "$VMSIM" trace --mem 64M --format pages --policy clock "$tmp/pt.txt" >"$tmp/replay" || { echo "FAIL: replay"; fail=1; }
replay_faults=$(awk '$1 == "faults" { print $2 }' "$tmp/replay")
timeout 120 "$VMSIM" run --no-progress --mem 64M --page-trace "$tmp/ptl.txt" --page-trace-format lackey "$prog" >/dev/null 2>&1 || { echo "FAIL: lackey run"; fail=1; }
lackey_faults=$(timeout 120 "$VMSIM" trace --mem 64M "$tmp/ptl.txt" | awk '$1 == "faults" { print $2 }')
python3 - "$tmp/ev.json" "$tmp/pt.txt" "$run_faults" "$replay_faults" "$lackey_faults" <<'PY' || fail=1
import json, sys
ev, pt, run, replay, lackey = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
evs = json.load(open(ev))
evs = evs["traceEvents"] if isinstance(evs, dict) else evs
kinds = {}
for e in evs:
    if e.get("cat") == "fault" and e.get("ph") == "i":
        kinds.setdefault(int(e["args"]["va"], 16) >> 12, []).append(e["args"]["kind"])
pages = set()
for line in open(pt):
    pid, vpn, k = line.split()
    assert k in "RWX", line
    pages.add(int(vpn))
twice = [p for p, k in kinds.items() if k in (["file", "cow-copy"], ["zero-page", "cow-copy"])]
ok = True
def check(c, what):
    global ok
    if not c:
        ok = False
        print("FAIL:", what)
check(set(kinds) == pages, f"faulted pages {len(kinds)} vs traced pages {len(pages)}")
check(sum(len(k) for k in kinds.values()) == run, "events vs --stats")
check(replay == run - len(twice), f"replay {replay} faults, run {run}, read-then-written pages {len(twice)}")
check(lackey == replay, f"lackey replay {lackey} vs pages replay {replay}")
print(f"run {run} faults, replay {replay}, pages read then written {len(twice)}, {len(pages)} pages")
sys.exit(0 if ok else 1)
PY
exit $fail
