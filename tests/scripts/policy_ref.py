#!/usr/bin/env python3
"""Reference page-replacement models for trace_textbook.sh, written from the
textbooks (Silberschatz ch. 10, OSTEP ch. 22, Mattson et al. 1970), sharing
no code or data structure with vmsim's src/kernel/policy.c.

    policy_ref.py faults FILE FRAMES,... [SEED]
        one line "POLICY FRAMES FAULTS" per policy and frame count, for the
        page string in FILE (one page number a line, decimal or 0x hex, #
        comments). SEED is the random policy's seed.
    policy_ref.py gen SEED LENGTH PAGES
        a page string with some locality (loops, a hot set, jumps).

Every model counts demand-paging faults with FRAMES frames, all initially
empty:
    fifo    a plain queue in load order; the oldest goes.
    lru     a stack (most recent on top); the bottom goes. One pass gives
            every frame count: a reference faults with k frames iff its
            stack distance is > k (Mattson's stack algorithm).
    clock   a circular buffer of FRAMES slots with a reference bit each and
            a hand: a page loaded or referenced has its bit set; on a fault
            with every slot full the hand clears set bits as it passes and
            stops at the first clear one, whose page goes; the new page takes
            that slot and the hand moves one past it. Empty slots fill in
            order, the hand staying at slot 0.
    opt     Belady: the resident page whose next use is farthest (never used
            again counts as farthest) goes.
    random  the victim is resident[r % n], r the next splitmix64 output
            (Steele, Lea & Flood 2014) from SEED, resident the pages in an
            array: a new page is appended, a victim's place is taken by the
            last entry.
"""
import random
import sys

MASK = (1 << 64) - 1


def read_pages(path):
    pages = []
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if line:
            pages.append(int(line, 0))
    return pages


def fifo(refs, n):
    queue, faults = [], 0
    for p in refs:
        if p in queue:
            continue
        faults += 1
        if len(queue) == n:
            queue.pop(0)
        queue.append(p)
    return faults


def lru_all(refs, max_frames):
    """Faults for every frame count 1..max_frames from stack distances."""
    stack, dist = [], []  # stack[0] is the most recent
    for p in refs:
        if p in stack:
            d = stack.index(p) + 1
            stack.remove(p)
        else:
            d = None  # infinite: a first reference
        stack.insert(0, p)
        dist.append(d)
    return {k: sum(1 for d in dist if d is None or d > k) for k in range(1, max_frames + 1)}


def clock(refs, n):
    slots, bits, hand, faults = [], [], 0, 0
    for p in refs:
        if p in slots:
            bits[slots.index(p)] = 1
            continue
        faults += 1
        if len(slots) < n:
            slots.append(p)
            bits.append(1)
            continue
        while bits[hand]:
            bits[hand] = 0
            hand = (hand + 1) % n
        slots[hand] = p
        bits[hand] = 1
        hand = (hand + 1) % n
    return faults


def opt(refs, n):
    resident, faults = [], 0
    for i, p in enumerate(refs):
        if p in resident:
            continue
        faults += 1
        if len(resident) == n:
            def next_use(q):
                for j in range(i + 1, len(refs)):
                    if refs[j] == q:
                        return j
                return len(refs)  # never again: farthest
            resident.remove(max(resident, key=next_use))
        resident.append(p)
    return faults


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def rand_policy(refs, n, seed):
    resident, faults, state = [], 0, seed & MASK
    for p in refs:
        if p in resident:
            continue
        faults += 1
        if len(resident) == n:
            state, r = splitmix64(state)
            i = r % len(resident)
            resident[i] = resident[-1]
            resident.pop()
        resident.append(p)
    return faults


def gen(seed, length, npages):
    rng = random.Random(seed)
    out, hot = [], [rng.randrange(npages) for _ in range(3)]
    while len(out) < length:
        r = rng.random()
        if r < 0.2:  # a loop over a run of pages, a few times
            start, width = rng.randrange(npages), rng.randrange(2, 7)
            for _ in range(rng.randrange(1, 4)):
                out.extend((start + k) % npages for k in range(width))
        elif r < 0.7:
            out.append(rng.choice(hot))
        else:
            out.append(rng.randrange(npages))
    return out[:length]


def main(argv):
    if len(argv) == 5 and argv[1] == "gen":
        for p in gen(int(argv[2]), int(argv[3]), int(argv[4])):
            print(p)
        return 0
    if len(argv) in (4, 5) and argv[1] == "faults":
        refs = read_pages(argv[2])
        frames = [int(x) for x in argv[3].split(",")]
        seed = int(argv[4], 0) if len(argv) == 5 else 0x9E3779B97F4A7C15
        lru = lru_all(refs, max(frames))
        for k in frames:
            print("fifo", k, fifo(refs, k))
            print("lru", k, lru[k])
            print("clock", k, clock(refs, k))
            print("opt", k, opt(refs, k))
            print("random", k, rand_policy(refs, k, seed))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
