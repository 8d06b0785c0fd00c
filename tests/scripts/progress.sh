#!/usr/bin/env bash
# The progress line of `vmsim run`: under a pseudo-terminal (util-linux
# `script`) a long run draws "\rvmsim: N instructions, P processes, ..."
# lines whose counts grow and never pass --max-insns, and clears the line
# ("\r\e[K") after the last one, and before any output the guest writes to
# the terminal; with stderr in a file, or --no-progress, there is none.
source "$(dirname "$0")/script_lib.bash"
prog=$GUEST_DIR/run/spin
[ -x "$prog" ] || { echo "no $prog (make builds the guests)"; exit 77; }
command -v script >/dev/null || { echo "no script(1) (util-linux)"; exit 77; }
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
max=150000000   # a few seconds under ASan: redrawn every 0.5 s
# The interpreter, whatever the default engine: the translator runs these
# instructions in well under the 0.5 s between two lines.

# (script -e returns the command's status, 128 + N for a signal)
rc=0
script -qec "$VMSIM run --engine interp --max-insns $max $prog" "$tmp/pty.log" >/dev/null 2>&1 || rc=$?
expect_rc 152   # --max-insns is RLIMIT_CPU: SIGXCPU
python3 - "$tmp/pty.log" "$max" <<'PY' || fail "progress line under a terminal"
import re, sys
log = open(sys.argv[1], "rb").read().decode("latin-1"); mx = int(sys.argv[2])
lines = [(m.start(), int(m.group(1))) for m in
         re.finditer(r"\rvmsim: (\d+) instructions, 1 processes, \d+ faults, \d+ resident pages\x1b\[K", log)]
if not lines: print("FAIL: no progress line:", repr(log[:300])); sys.exit(1)
counts = [n for _, n in lines]
if counts != sorted(counts) or counts[-1] > mx: print("FAIL: counts", counts); sys.exit(1)
if "\r\x1b[K" not in log[lines[-1][0] + 1:]: print("FAIL: not cleared at the end"); sys.exit(1)
PY

# Guest output on the same terminal starts on a clean row: the line is
# cleared ("\r\e[K") before each write, never left in front of the text.
chatty=$GUEST_DIR/run/chatty
rc=0
script -qec "$VMSIM run --engine interp $chatty" "$tmp/pty3.log" >/dev/null 2>&1 || rc=$?
expect_rc 0
python3 - "$tmp/pty3.log" <<'PY' || fail "guest output after the progress line"
import re, sys
log = open(sys.argv[1], "rb").read().decode("latin-1")
ticks = [m.start() for m in re.finditer(r"tick \d", log)]
if len(ticks) != 6: print("FAIL: ticks", len(ticks), repr(log[-300:])); sys.exit(1)
cleared = 0
for at in ticks:
    before = log[max(0, at - 4):at]
    if before.endswith("\r\x1b[K"): cleared += 1
    elif not (at == 0 or before.endswith("\n")): print("FAIL: tick after", repr(log[max(0, at - 80):at + 8])); sys.exit(1)
if not cleared: print("FAIL: no progress line was shown before any tick:", repr(log[:400])); sys.exit(1)
PY

# Not a terminal: nothing.
rc=0
"$VMSIM" run --max-insns 60000000 "$prog" >"$out" 2>"$err" || rc=$?
expect_rc 152   # --max-insns is RLIMIT_CPU: SIGXCPU
! grep -q 'instructions, ' "$err" || fail "progress written to a file"
# --no-progress under a terminal: nothing.
rc=0
script -qec "$VMSIM run --no-progress --max-insns 60000000 $prog" "$tmp/pty2.log" >/dev/null 2>&1 || rc=$?
expect_rc 152
! grep -q 'instructions, ' "$tmp/pty2.log" || fail "--no-progress still drew the line"
exit 0
