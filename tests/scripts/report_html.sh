#!/usr/bin/env bash
# vmsim script --html / show html: the page loads in headless Chromium with no
# errors, draws every process, and lists the frames the run really shared
# (found here with `translate`, the MMU's walk) with exactly their mappers:
# a MAP_SHARED file page mapped by two processes at different addresses and
# a copy-on-write page after fork. A big run stays drawable (capped, and the
# page says so). The page must be self-contained (no network, no files).
# Threads and processes sharing an address space are drawn as the JSON
# report says (from `vmsim run`).
source "$(dirname "$0")/script_lib.bash"
command -v python3 >/dev/null || { echo "python3 missing"; exit 1; }
# A skip (tests/run.sh makes it a failure in CI, which installs chromium).
command -v chromium >/dev/null || { echo "chromium is not installed (scripts/deps.sh)"; exit 77; }

# chrome ARGS...: headless Chromium with a throwaway profile and no network.
chrome() {
    local profile; profile=$(mktemp -d "$tmp/profile.XXXXXX")
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-extensions --user-data-dir="$profile" "$@"
}

printf 'one page of a shared file\n' >"$tmp/shared.txt"
# A file whose name could end the page's data <script> or open a comment.
mkdir "$tmp/<" && printf 'tricky' >"$tmp/</script><!--.txt"
vs --html "$tmp/end.html" <<EOF2
proc a
proc b
map a 0x400000 8K rw- anon private
write a 0x400000 "parent"
write a 0x401000 "parent"
fork a c
write c 0x401000 "child"
map a 0x600000 4K rw- file $tmp/shared.txt 0 shared
map b 0x7000000 4K rw- file $tmp/shared.txt 0 shared
write b 0x7000000 "</script><!-- written by b"
translate a 0x600000 brief
translate b 0x7000000 brief
translate a 0x400000 brief
translate c 0x400000 brief
map b 0x800000 4K r-- file "$tmp/</script><!--.txt" 0 private
read b 0x800000 4
EOF2
expect_rc 0
shared=$(pfn a 0x600000) cow=$(pfn a 0x400000)
[ -n "$shared" ] && [ "$shared" = "$(pfn b 0x7000000)" ] || fail "no shared frame"
[ -n "$cow" ] && [ "$cow" = "$(pfn c 0x400000)" ] || fail "no COW frame"

html=$tmp/end.html
[ -s "$html" ] || fail "no HTML written"
# Self-contained: nothing fetched from anywhere.
! grep -qiE '<(link|img|iframe|object|embed)[ >]|src=|@import|url\(' "$html" ||
    fail "the page refers to external resources"
[ "$(grep -ciE 'https?://' "$html")" -eq "$(grep -ciE 'http://www\.w3\.org/2000/svg' "$html")" ] ||
    fail "the page names a URL other than the SVG namespace"

chrome --enable-logging=stderr --v=0 --dump-dom "file://$html" >"$tmp/dom.html" 2>"$tmp/chrome.log" ||
    fail "chromium --dump-dom failed: $(tail -n 5 "$tmp/chrome.log")"
# The page logs nothing: any console message is an error or a leftover.
! grep -q ':CONSOLE' "$tmp/chrome.log" || fail "console messages: $(grep :CONSOLE "$tmp/chrome.log")"

python3 - "$tmp/dom.html" "$shared" "$cow" <<'PY' || fail "DOM check failed"
import sys
from html.parser import HTMLParser
dom, shared, cow = sys.argv[1], sys.argv[2], sys.argv[3]
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.body = None; self.procs = []; self.frames = {}; self.errors = None
        self.in_errors = False; self.text = ""
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "body": self.body = a
        if tag == "section" and "proc" in cls: self.procs.append(a.get("data-name"))
        if tag == "li" and "shared-frame" in cls:
            assert a["data-pfn"] not in self.frames, "frame listed twice"
            self.frames[a["data-pfn"]] = a
        if tag == "pre" and a.get("id") == "errors":
            self.in_errors = True; self.errors = ""
    def handle_endtag(self, tag):
        if tag == "pre": self.in_errors = False
    def handle_data(self, d):
        self.text += d
        if self.in_errors: self.errors += d
p = P(); p.feed(open(dom).read())
errs = []
if not p.body or p.body.get("data-ready") != "1": errs.append("body data-ready is not 1")
if p.errors is None: errs.append("no <pre id=errors>")
elif p.errors.strip(): errs.append("page errors: " + p.errors)
if sorted(p.procs) != ["a", "b", "c"]: errs.append(f"processes drawn: {p.procs}")
if "script><!--.txt r--p" not in p.text: errs.append("the tricky file name is not drawn")
def mappers(f): return sorted(f.get("data-mappers", "").split())
f = p.frames.get(shared)
if not f: errs.append(f"shared frame {shared} not listed")
else:
    if f.get("data-sharing") != "shared": errs.append(f"{shared}: sharing {f.get('data-sharing')}")
    if mappers(f) != ["a:0x600000", "b:0x7000000"]: errs.append(f"{shared}: mappers {mappers(f)}")
f = p.frames.get(cow)
if not f: errs.append(f"COW frame {cow} not listed")
else:
    if f.get("data-sharing") != "cow": errs.append(f"{cow}: sharing {f.get('data-sharing')}")
    if mappers(f) != ["a:0x400000", "c:0x400000"]: errs.append(f"{cow}: mappers {mappers(f)}")
user = [k for k, v in p.frames.items() if v.get("data-sharing") != "kernel"]
if sorted(user) != sorted([shared, cow]): errs.append(f"shared user frames {user}")
for e in errs: print("FAIL:", e)
sys.exit(1 if errs else 0)
PY

# One screenshot: a real PNG of the requested size.
chrome --window-size=1400,1000 --screenshot="$tmp/shot.png" "file://$html" >/dev/null 2>&1 ||
    fail "chromium --screenshot failed"
python3 - "$tmp/shot.png" <<'PY' || fail "bad screenshot"
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", b[16:24])
assert (w, h) == (1400, 1000), (w, h)
assert len(b) > 20000, "suspiciously small: blank page?"
PY

# vmsim demo --script --html: the picture of Figure 9.9, taken while a, b and c live:
# the file page a and b map MAP_SHARED at 0x600000 is shared by exactly the
# processes whose walk found it (c inherited it by fork).
rc=0
(cd "$tmp" && "$VMSIM" demo --script --html fig.html) >"$out" 2>"$err" || rc=$?
expect_rc 0
no_errors
expect_line "vmsim> show html \"$tmp/fig.html\""
fs=$(pfn a 0x600000)
[ -n "$fs" ] && [ "$fs" = "$(pfn b 0x600000)" ] || fail "demo: no shared page"
chrome --dump-dom "file://$tmp/fig.html" >"$tmp/figdom.html" 2>/dev/null || fail "demo page"
grep -q 'data-ready="1"' "$tmp/figdom.html" || fail "demo page not ready"
grep -q '<pre id="errors"></pre>' "$tmp/figdom.html" || fail "demo page has errors"
for n in a b c; do
    grep -q "<section class=\"proc\" data-name=\"$n\"" "$tmp/figdom.html" || fail "demo page: no $n"
done
li=$(grep -o "<li class=\"shared-frame\" data-pfn=\"$fs\"[^>]*>" "$tmp/figdom.html")
grep -q 'data-sharing="shared"' <<<"$li" || fail "demo page: $fs is not MAP_SHARED: $li"
for m in a:0x600000 b:0x600000; do
    grep -qE "data-mappers=\"([^\"]* )?$m( |\")" <<<"$li" || fail "demo page: $fs lacks mapper $m: $li"
done

# show html in a script: a big run is capped and says so.
{
    echo 'proc big'
    echo 'map big 0x10000000 24M rw- anon private'
    for ((i = 0; i < 5000; i++)); do printf 'write big 0x%x "p"\n' $((0x10000000 + i * 4096)); done
    echo 'fork big kid'
    echo "show html $tmp/big.html"
} >"$tmp/big.vms"
rc=0
"$VMSIM" script "$tmp/big.vms" >"$out" 2>"$err" || rc=$?
expect_rc 0
chrome --dump-dom "file://$tmp/big.html" >"$tmp/bigdom.html" 2>/dev/null || fail "big page"
grep -q 'data-ready="1"' "$tmp/bigdom.html" || fail "big page not ready"
grep -q '<pre id="errors"></pre>' "$tmp/bigdom.html" || fail "big page has errors"
grep -q 'not drawn (at most' "$tmp/bigdom.html" || fail "big page does not say what it capped"

# Threads (issue 13), from `vmsim run`: the page draws each live process's
# threads on its one page table and which hart ran which thread last,
# exactly as the JSON report taken at the same moment says; processes that
# share one address space (clone(CLONE_VM)) each say so, naming the other.
: "${GUEST_DIR:?}"
[ -x "$GUEST_DIR/threads/alive" ] || { echo "no guest programs (make guest)"; exit 1; }
(cd "$tmp" && "$VMSIM" run --harts 2 --report th.json --html th.html "$GUEST_DIR/threads/alive") \
    >/dev/null 2>&1
(cd "$tmp" && "$VMSIM" run --report cv.json --html cv.html "$GUEST_DIR/threads/clonevm" live) \
    >/dev/null 2>&1
for n in th cv; do
    chrome --dump-dom "file://$tmp/$n.html" >"$tmp/${n}dom.html" 2>/dev/null || fail "$n page"
done
python3 - "$tmp" <<'PY' || fail "threads on the page differ from the JSON report"
import json, sys
from html.parser import HTMLParser
tmp = sys.argv[1]
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.pid = None; self.threads = {}; self.harts = {}; self.mates = {}; self.ready = None
        self.errors = None; self.in_errors = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs); cls = (a.get("class") or "").split()
        if tag == "body": self.ready = a.get("data-ready")
        if tag == "section" and "proc" in cls: self.pid = int(a["data-pid"])
        if tag == "li" and "thread" in cls:
            self.threads.setdefault(self.pid, []).append((int(a["data-tid"]), a["data-hart"]))
        if tag == "span" and "hart" in cls: self.harts[int(a["data-hart"])] = a["data-tid"]
        if tag == "div" and "mm-shared" in cls:
            self.mates[self.pid] = sorted(int(x) for x in a["data-mm-mates"].split())
        if tag == "pre" and a.get("id") == "errors": self.in_errors = True; self.errors = ""
    def handle_endtag(self, tag):
        if tag == "pre": self.in_errors = False
    def handle_data(self, d):
        if self.in_errors: self.errors += d
errs = []
for n in ("th", "cv"):
    doc = json.load(open(f"{tmp}/{n}.json"))
    p = P(); p.feed(open(f"{tmp}/{n}dom.html").read())
    if p.ready != "1" or p.errors is None or p.errors.strip():
        errs.append(f"{n}: page not ready or errors: {p.errors}")
    want = {q["pid"]: [(t["tid"], "" if t["hart"] is None else str(t["hart"])) for t in q["threads"]]
            for q in doc["processes"] if q["alive"]}
    if p.threads != want: errs.append(f"{n}: threads drawn {p.threads}, JSON {want}")
    last = {str(t["hart"]): str(t["tid"]) for q in doc["processes"] if q["alive"]
            for t in q["threads"] if t["hart"] is not None}
    wh = {h: last.get(str(h), "") for h in range(doc["tlb"]["harts"])}
    if p.harts != wh: errs.append(f"{n}: harts drawn {p.harts}, JSON {wh}")
    live = [q for q in doc["processes"] if q["alive"]]
    wm = {q["pid"]: sorted(r["pid"] for r in live if r is not q and r["root_pfn"] == q["root_pfn"])
          for q in live}
    wm = {k: v for k, v in wm.items() if v}
    if p.mates != wm: errs.append(f"{n}: address-space mates drawn {p.mates}, JSON {wm}")
th = json.load(open(f"{tmp}/th.json"))["processes"][0]["threads"]
if len(th) != 4: errs.append(f"alive: {len(th)} threads in the JSON report, not 4")
cv = [q for q in json.load(open(f"{tmp}/cv.json"))["processes"] if q["alive"]]
if len(cv) != 2: errs.append(f"clonevm live: {len(cv)} live processes, not 2")
for e in errs: print("FAIL:", e)
sys.exit(1 if errs else 0)
PY
exit 0
