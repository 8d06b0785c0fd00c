/* Memory-reference traces: the two text formats `vmsim trace` reads, parsed
 * in a streaming way (a big read buffer, a hand-written number parser, no
 * stdio per character), so a trace of any length is read in constant memory.
 *
 *   lackey  the output of `valgrind --tool=lackey --trace-mem=yes` (the
 *           traces of CS:APP's cache lab): "I  04016f0,3", " L 04222cac,8",
 *           " S 7ff000398,8", " M 0421f9b8,4" = instruction fetch, load,
 *           store, modify (load then store); hex address without 0x, decimal
 *           size 1..TRACE_MAX_SIZE. Lines starting with "==" or "--"
 *           (valgrind's own messages) are ignored.
 *   pages   one virtual page number a line, decimal or 0x hex, each a read;
 *           optionally preceded by a process id and followed by the kind,
 *           R (read), W (write) or X (fetch): "PID VPN K", as `vmsim run
 *           --page-trace` writes it (pid 0 when absent).
 *
 * Both: blank lines and lines whose first non-blank is '#' are ignored;
 * leading and trailing blanks (and a CR before the newline) are allowed;
 * anything else is an error with its line number. Nothing here touches the
 * simulation; everything must survive hostile input (fuzz_trace). */
#ifndef VMSIM_CLI_TRACE_PARSE_H
#define VMSIM_CLI_TRACE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum trace_format { TRACE_FMT_LACKEY, TRACE_FMT_PAGES };

enum trace_op { TRACE_OP_LOAD, TRACE_OP_STORE, TRACE_OP_MODIFY, TRACE_OP_FETCH };

#define TRACE_MAX_SIZE 4096u             /* so an access spans at most two pages */
#define TRACE_MAX_VPN ((1ULL << 52) - 1) /* a page number whose address fits 64 bits */
#define TRACE_MAX_PID ((1u << 22) - 1) /* Linux's PID_MAX_LIMIT */
#define TRACE_MAX_LINE (64u << 10)       /* longer lines are an error */

/* One reference. For the pages format: addr = vpn << 12, size 1, op LOAD. */
struct trace_ref {
    uint64_t addr;
    uint32_t size;
    uint32_t op;  /* enum trace_op */
    uint32_t pid; /* pages format: the process (0 when not given); lackey: 0 */
};

/* Parses the line s[0..n) (no newline). Returns 1 and fills *out for a
 * reference, 0 for a line to ignore, -1 with *why (a static message) for a
 * malformed one. */
int trace_parse_line(enum trace_format fmt, const char *s, size_t n, struct trace_ref *out,
                     const char **why);

/* "lackey" / "pages" -> format; false for anything else. */
bool trace_format_parse(const char *name, enum trace_format *out);

/* A streaming reader over a file descriptor or a memory buffer. */
struct trace_reader {
    enum trace_format fmt;
    int fd;          /* -1: memory buffer */
    char *own;       /* the read buffer (fd mode) */
    const char *buf; /* bytes [pos, end) not parsed yet */
    size_t pos, end, cap;
    bool eof;
    bool failed;     /* an error was reported: every later call fails */
    uint64_t lineno; /* lines consumed so far (the failing one on error) */
    char err[160];   /* what is wrong, after trace_read returned -1 */
};

/* Reads from fd (not closed by the reader). 0, or -ENOMEM. */
int trace_reader_init_fd(struct trace_reader *r, enum trace_format fmt, int fd);
/* Reads data[0..len), which must outlive the reader. */
void trace_reader_init_mem(struct trace_reader *r, enum trace_format fmt, const char *data,
                           size_t len);
void trace_reader_fini(struct trace_reader *r);

/* Parses up to max references into refs. Returns how many (0 only at the end
 * of the input), or -1 with r->err and r->lineno set (malformed line, line
 * longer than TRACE_MAX_LINE, read error). The references before a bad line
 * are returned first; the next call reports it. */
long trace_read(struct trace_reader *r, struct trace_ref *refs, size_t max);

#endif
