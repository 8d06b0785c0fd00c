#!/usr/bin/env python3
"""Reference for `vmsim trace --mrc`: plain per-size simulations of the
textbook policies (nothing of vmsim), and checks of vmsim's CSV against them.

usage: trace_mrc.py VMSIM TMPDIR; exit 0 when every check holds."""
import random
import subprocess
import sys

VMSIM, TMP = sys.argv[1], sys.argv[2]
fails = 0


def check(cond, what):
    global fails
    if not cond:
        fails += 1
        print("FAIL:", what)


def sim(policy, s, n):
    """Faults of demand paging with n frames."""
    res, order, ref, faults, hand = {}, [], {}, 0, 0
    for i, p in enumerate(s):
        if p in res:
            res[p] = i          # last use (lru)
            ref[p] = 1          # referenced bit (clock)
            continue
        faults += 1
        if len(order) < n:
            order.append(p)
        elif policy == "fifo":
            v = order.pop(0)
            del res[v]
            order.append(p)
        elif policy == "lru":
            v = min(order, key=lambda q: res[q])
            order.remove(v)
            del res[v]
            order.append(p)
        elif policy == "opt":
            def nxt(q):
                for j in range(i + 1, len(s)):
                    if s[j] == q:
                        return j
                return len(s) + 1
            v = max(order, key=nxt)
            order.remove(v)
            del res[v]
            order.append(p)
        elif policy == "clock":
            while ref[order[hand]]:
                ref[order[hand]] = 0
                hand = (hand + 1) % n
            del res[order[hand]]
            order[hand] = p
            hand = (hand + 1) % n
        res[p] = i
        ref[p] = 1
    return faults


def mrc(s, sizes, extra=()):
    path = f"{TMP}/s.txt"
    with open(path, "w") as f:
        f.write("".join(f"{p}\n" for p in s))
    out = subprocess.run([VMSIM, "trace", "--format", "pages", "--mrc", "--csv",
                          "--sizes", f"{sizes[0]}..{sizes[-1]}", *extra, path],
                         capture_output=True, text=True, timeout=120)
    check(out.returncode == 0, f"vmsim --mrc exit {out.returncode}: {out.stderr}")
    lines = out.stdout.strip().split("\n")
    head = lines[0].split(",")
    rows = {}
    for ln in lines[1:]:
        v = ln.split(",")
        rows[int(v[0])] = {h: float(x) for h, x in zip(head[1:], v[1:])}
    return rows


# Belady's anomaly: FIFO takes 9 faults with 3 frames and 10 with 4.
belady = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5]
r = mrc(belady, [3, 4])
check(round(r[3]["fifo"] * 12) == 9 and round(r[4]["fifo"] * 12) == 10,
      f"Belady's anomaly: fifo {r[3]['fifo']*12} {r[4]['fifo']*12}")
check(round(r[3]["lru"] * 12) == 10 and round(r[4]["lru"] * 12) == 8, "lru on Belady's string")
check(round(r[3]["opt"] * 12) == 7 and round(r[4]["opt"] * 12) == 6, "opt on Belady's string")

# The reference string of Silberschatz (OSC 10.4), 3 frames: FIFO 15, LRU 12, OPT 9.
osc = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1]
r = mrc(osc, [1, 2, 3, 4, 5])
check([round(r[3][p] * 20) for p in ("fifo", "lru", "opt")] == [15, 12, 9], "OSC string")

# Random strings with locality: every size against the reference simulator;
# LRU never rises with size; OPT never above any policy.
rng = random.Random(17)
for trial in range(6):
    npages = rng.choice([6, 12, 30])
    s = []
    for _ in range(rng.choice([200, 600])):
        s.append(rng.randrange(npages) if rng.random() < 0.4 else rng.randrange(max(2, npages // 4)))
    sizes = list(range(1, npages + 2))
    r = mrc(s, sizes)
    prev = 2.0
    for n in sizes:
        for p in ("fifo", "lru", "opt", "clock"):
            want = sim(p, s, n)
            got = round(r[n][p] * len(s))
            check(got == want, f"trial {trial} {p} at {n}: vmsim {got}, reference {want}")
        check(r[n]["lru"] <= prev, f"trial {trial}: LRU rises at {n}")
        prev = r[n]["lru"]
        for p in ("fifo", "lru", "clock", "random"):
            check(r[n]["opt"] <= r[n][p] + 1e-9, f"trial {trial}: OPT above {p} at {n}")

# SHARDS on a longer string: the sampled curve stays near the exact one.
s = [rng.randrange(2000) if rng.random() < 0.5 else rng.randrange(200) for _ in range(200000)]
exact = mrc(s, [50, 1000], ["--mrc-sample", "0"])
sampled = mrc(s, [50, 1000], ["--mrc-sample", "40000"])
for n in exact:
    if n in sampled:
        check(abs(exact[n]["lru"] - sampled[n]["lru"]) < 0.05,
              f"SHARDS lru at {n}: {sampled[n]['lru']} vs exact {exact[n]['lru']}")
print("checks failed:", fails)
sys.exit(1 if fails else 0)
