/* `vmsim trace [OPTIONS] FILE|-`: replays a memory-reference trace (lackey or
 * page-number format, cli/trace_parse.h) through the kernel, its page tables,
 * the hart 0 MMU and TLB, swap and a replacement policy, and prints what it
 * cost as `key value` lines. docs/performance.md ("Trace replay") says what
 * each key means. */
#ifndef VMSIM_CLI_TRACE_H
#define VMSIM_CLI_TRACE_H

/* argv[0] is "trace". Returns the exit status: 0, 1 (the replay failed: out
 * of memory, I/O), 2 (bad usage or a malformed trace line). */
int cmd_trace(int argc, char **argv);

#endif
