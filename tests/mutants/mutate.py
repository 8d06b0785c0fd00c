#!/usr/bin/env python3
"""The mutants of tests/mutants/mutants.txt, for tests/mutants/run.sh.

    mutate.py list LIST               one line per mutant: NAME<TAB>TESTS...
    mutate.py apply LIST NAME ROOT    applies NAME to the tree at ROOT; prints
                                      the file it changed (relative to ROOT)
    mutate.py restore ROOT            undoes the last apply

A mutant names its target by its text, not by its file: the `from` text must
occur exactly once in all of ROOT/src (any file, any folder), so the list
survives files moving. apply fails (exit 1) with a message otherwise.
"""
import json
import os
import sys

FIELDS = ("name", "why", "tests", "from", "to")


def parse(path):
    """The mutants of the list, each a dict of FIELDS."""
    mutants, cur, lineno = [], None, 0

    def finish():
        if cur is None:
            return
        missing = [f for f in FIELDS if f not in cur]
        if missing:
            sys.exit(f"{path}: mutant ending at line {lineno}: no {', '.join(missing)}")
        if cur["from"] == cur["to"]:
            sys.exit(f"{path}: mutant {cur['name']}: from and to are the same")
        mutants.append(cur)

    for lineno, line in enumerate(open(path), 1):
        line = line.rstrip("\n")
        if line.startswith("#"):
            continue
        if not line.strip():
            finish()
            cur = None
            continue
        key, sep, val = line.partition(":")
        if not sep or key not in FIELDS:
            sys.exit(f"{path}:{lineno}: expected one of {', '.join(FIELDS)} and ':'")
        val = val[1:] if val.startswith(" ") else val  # one space after the colon
        cur = cur if cur is not None else {}
        if key in ("from", "to") and key in cur:
            cur[key] += "\n" + val  # more lines of the same text
        elif key in cur:
            sys.exit(f"{path}:{lineno}: second '{key}' in one mutant")
        else:
            cur[key] = val
    finish()
    names = [m["name"] for m in mutants]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        sys.exit(f"{path}: mutants named twice: {', '.join(sorted(dup))}")
    return mutants


def sources(root):
    for d, _, files in os.walk(os.path.join(root, "src")):
        for f in files:
            if f.endswith((".c", ".h", ".inc")):
                yield os.path.join(d, f)


def main(argv):
    if len(argv) == 3 and argv[1] == "list":
        for m in parse(argv[2]):
            print(m["name"] + "\t" + m["tests"])
        return 0
    if len(argv) == 5 and argv[1] == "apply":
        _, _, path, name, root = argv
        m = next((m for m in parse(path) if m["name"] == name), None)
        if m is None:
            sys.exit(f"no mutant {name}")
        hits = [(p, open(p).read().count(m["from"])) for p in sources(root)]
        hits = [(p, n) for p, n in hits if n]
        if sum(n for _, n in hits) != 1:
            where = ", ".join(f"{os.path.relpath(p, root)} ({n})" for p, n in hits) or "nowhere"
            sys.exit(f"mutant {name}: its 'from' text must occur exactly once under src/, "
                     f"found {where}")
        p = hits[0][0]
        text = open(p).read()
        with open(os.path.join(root, ".mutant"), "w") as f:
            json.dump({"path": p, "text": text}, f)
        with open(p, "w") as f:
            f.write(text.replace(m["from"], m["to"]))
        print(os.path.relpath(p, root))
        return 0
    if len(argv) == 3 and argv[1] == "restore":
        saved = os.path.join(argv[2], ".mutant")
        if os.path.exists(saved):
            d = json.load(open(saved))
            with open(d["path"], "w") as f:  # a new mtime: make rebuilds it
                f.write(d["text"])
            os.remove(saved)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
