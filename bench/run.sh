#!/usr/bin/env bash
# Runs the benchmarks of `make bench`: the VM-core benchmark (vmsim's memory
# operations next to the same operations done natively by Linux). Prints the
# table; docs/performance.md records a run. Options are passed to vm_bench
# (--quick: smaller sizes, a few seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
rel="${VMSIM_REL:-build/rel}"
bin="$rel/bench/vm_bench"
[ -x "$bin" ] || { echo "bench: $bin is missing (run make bench)" >&2; exit 1; }
echo "vmsim VM-core benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(nproc) CPUs"
echo "(linux column: the same operation done natively; for the TLB hit, a native L1 load)"
echo
"$bin" "$@"
echo; bench/trace_bench.sh "$@"   # trace replay rate (docs/performance.md, "Trace replay")
echo; bench/cpu_bench.sh   # interpreter against qemu-riscv64 (docs/performance.md, "CPU")
echo; bench/jit_bench.sh "$@"   # interp and translator against qemu-riscv64 (docs/performance.md, "Translator")
echo; VMSIM="$rel/vmsim" bench/proc_bench.sh   # fork/execve/malloc against qemu-riscv64 and native (docs/performance.md, "Processes")
echo; VMSIM="$rel/vmsim" bench/thread_bench.sh   # thread create+join, futex wake latency against qemu-riscv64 and native (docs/performance.md, "Threads")
echo; "$rel/bench/swap_bench" "$@"; echo; bench/swap_sweep.sh "$@"   # memory pressure (docs/performance.md, "Memory pressure (issue 5)")
echo; bench/bigfile_bench.sh "$@"   # a file and a memfd larger than --mem (docs/performance.md, "Files larger than RAM")
echo; bench/memtime_bench.sh "$@"   # timeline, page trace, miss-ratio curves (docs/performance.md, "Memory over time")
