#!/usr/bin/env bash
# The tree keeps its shape (docs/architecture.md, "Layers"): no #include
# circle between the kernel's subsystem folders, other folders reach a
# subsystem only through its public header, the machine includes nothing of
# the kernel, the kernel nothing of the front ends, and no source file grows
# past 900 lines. Reads the #include lines; fails naming what broke.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 - <<'PY'
import os, re, sys
PUBLIC = {"mm": "mm.h", "proc": "proc.h", "fs": "fs.h", "core": "kernel.h", "uapi": "abi.h"}
inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
errors, edges = [], {}

def folder(path):
    """The layer or kernel subsystem a source path belongs to."""
    parts = path.split("/")
    if parts[:2] == ["src", "kernel"] and len(parts) > 3:
        return "kernel/" + parts[2]
    if parts[:2] == ["src", "kernel"]:
        return "kernel"
    return "/".join(parts[:2])

for dirpath, _, names in os.walk("src"):
    for name in names:
        if not name.endswith((".c", ".h", ".inc")):
            continue
        path = os.path.join(dirpath, name)
        text = open(path).read()
        if name.endswith((".c", ".h")) and text.count("\n") > 900:
            errors.append(f"{path}: {text.count(chr(10))} lines (more than 900: split it by concern)")
        src = folder(path)
        for target in inc.findall(text):
            full = os.path.normpath(os.path.join(dirpath, target))
            if not os.path.exists(full):
                continue   # a system header found on the include path
            dst = folder(full)
            if dst == src:
                continue
            if src == "src/machine" and dst.startswith("kernel"):
                errors.append(f"{path}: the machine includes the kernel ({target})")
            if src.startswith("kernel") and dst == "src/cli":
                errors.append(f"{path}: the kernel includes a front end ({target})")
            if dst.startswith("kernel/"):
                sub = dst.split("/")[1]
                if os.path.basename(full) != PUBLIC.get(sub):
                    errors.append(f"{path}: includes {target}, internal to {dst}; "
                                  f"use {sub}/{PUBLIC.get(sub)}")
                if src.startswith("kernel/"):
                    edges.setdefault(src, set()).add(dst)

# A circle between subsystem folders: depth-first search for a back edge.
state, stack = {}, []
def visit(n):
    state[n] = 1
    stack.append(n)
    for m in sorted(edges.get(n, ())):
        if state.get(m) == 1:
            cyc = stack[stack.index(m):] + [m]
            errors.append("include circle between subsystems: " + " -> ".join(cyc))
        elif m not in state:
            visit(m)
    stack.pop()
    state[n] = 2
for n in sorted(edges):
    if n not in state:
        visit(n)

for n in sorted(edges):
    print(f"{n} -> {', '.join(sorted(edges[n]))}")
if errors:
    print("\n".join(errors))
    sys.exit(1)
print("layers: no circles, public headers only, no file over 900 lines")
PY
