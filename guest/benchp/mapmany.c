/* 65,000 separate one-page mappings made and unmapped in a random order
 * (bench/proc_bench.sh): guest/proc/mapmany.c, built as the benchmarks are. */
#include "../proc/mapmany.c"
