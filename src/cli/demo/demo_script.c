/* `vmsim demo --script`: a built-in script that walks through Figure 9.9 of
 * CS:APP (VM as a tool for memory management) on a live kernel without a CPU,
 * echoing each command and its output, with `# ` narration lines saying what
 * the numbers prove. (Plain `vmsim demo` runs real programs: demo_prog.c.) */
#include "demo_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../opts.h"
#include "../parse.h"
#include "../script/script.h"
#include "../report/stats.h"

/* The kernel address the demo translates: the first kernel page (KERNEL_BASE
 * in kernel_impl.h), in the upper half of every address space. */
#define DEMO_KADDR "0xffffffc000000000"

/* Runs in a private temporary directory that holds shared.txt. */
static const char demo_script[] =
    "# CS:APP Figure 9.9: each process has its own page table; the tables map\n"
    "# virtual pages of each process onto physical frames, private or shared.\n"
    "show stats free_frames\n"
    "proc a\n"
    "proc b\n"
    "\n"
    "# 1. Private pages. a and b both map an anonymous page at 0x400000 and write\n"
    "#    to it. Each walk starts from a different root (satp): two page tables.\n"
    "map a 0x400000 4K rw- anon private\n"
    "map b 0x400000 4K rw- anon private\n"
    "write a 0x400000 \"I am a\"\n"
    "write b 0x400000 \"I am b\"\n"
    "translate a 0x400000\n"
    "translate b 0x400000\n"
    "# Same virtual address, different root pfn, different frame: private pages.\n"
    "\n"
    "# 2. A shared page. Both map the same file MAP_SHARED at 0x600000.\n"
    "map a 0x600000 4K rw- file shared.txt 0 shared\n"
    "map b 0x600000 4K rw- file shared.txt 0 shared\n"
    "write b 0x600000 \"b wrote this\"\n"
    "read a 0x600000 12\n"
    "translate a 0x600000 brief\n"
    "translate b 0x600000 brief\n"
    "# One frame (same pfn) in two page tables: a sees what b wrote.\n"
    "\n"
    "# 3. The kernel half. Every process maps the kernel's pages through the same\n"
    "#    lower-level tables, with U=0: a user access faults.\n"
    "translate a " DEMO_KADDR "\n"
    "translate b " DEMO_KADDR "\n"
    "# Different roots, but root entry 511 points at the same table pfn in both:\n"
    "# one set of kernel tables and pages, shared. The leaf's U bit is clear, so\n"
    "# a user-mode access faults (no VMA there: SEGV_MAPERR, as on Linux).\n"
    "\n"
    "# 4. fork and copy-on-write. c is a copy of a: it shares every page, until\n"
    "#    one of them writes.\n"
    "fork a c\n"
    "translate a 0x400000 brief\n"
    "translate c 0x400000 brief\n"
    "# Same pfn after fork: no page was copied.\n"
    "write c 0x400000 \"I am c\"\n"
    "translate a 0x400000 brief\n"
    "translate c 0x400000 brief\n"
    "read a 0x400000 6\n"
    "read c 0x400000 6\n"
    "show stats c cow_faults cow_copies\n"
    "# c's write faulted once (cow_faults 1), got its own copy (a new pfn); a kept\n"
    "# its page and its data.\n"
    "\n"
    "# 5. Contiguous virtual pages, scattered frames. Map 8 pages, touch each.\n"
    "map b 0x800000 32K rw- anon private\n"
    "write b 0x800000 \"page 0\"\n"
    "write b 0x801000 \"page 1\"\n"
    "write b 0x802000 \"page 2\"\n"
    "write b 0x803000 \"page 3\"\n"
    "write b 0x804000 \"page 4\"\n"
    "write b 0x805000 \"page 5\"\n"
    "write b 0x806000 \"page 6\"\n"
    "write b 0x807000 \"page 7\"\n"
    "translate b 0x800000 brief\n"
    "translate b 0x801000 brief\n"
    "translate b 0x802000 brief\n"
    "translate b 0x803000 brief\n"
    "translate b 0x804000 brief\n"
    "translate b 0x805000 brief\n"
    "translate b 0x806000 brief\n"
    "translate b 0x807000 brief\n"
    "# The virtual pages follow each other; the frames are wherever the allocator\n"
    "# found them. Only the page table knows the order.\n"
    "exit c\n"
    "exit b\n"
    "exit a\n"
    "show stats minor_faults cow_faults free_frames total_frames\n"
    "# Every process has exited: free_frames is back where it started; what\n"
    "# stays in use are the kernel's own pages and tables.\n";


/* Where the reports are taken: the figure is complete (a, b and c alive)
 * just before the processes exit. */
#define DEMO_REPORT_POINT "exit c\n"

/* `show json|html PATH` with PATH made absolute against the directory home
 * (the demo runs elsewhere), quoted as a script string. */
static void show_line(FILE *f, int home, const char *what, const char *path)
{
    fprintf(f, "show %s ", what);
    char *abs = NULL;
    if (path[0] != '/') {
        char buf[64];
        snprintf(buf, sizeof buf, "/proc/self/fd/%d", home);
        char *dir = realpath(buf, NULL);
        if (dir && asprintf(&abs, "%s/%s", dir, path) < 0)
            abs = NULL;
        free(dir);
    }
    const char *p = abs ? abs : path;
    print_c_string(f, (const uint8_t *)p, strlen(p));
    fputc('\n', f);
    free(abs);
}

/* The demo's script, with the report commands the options ask for. NULL on
 * OOM; *len is its length. */
static char *demo_text(int home, const char *report, const char *html, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f)
        return NULL;
    const char *at = strstr(demo_script, DEMO_REPORT_POINT);
    size_t head = at ? (size_t)(at - demo_script) : sizeof demo_script - 1;
    fwrite(demo_script, 1, head, f);
    if (report)
        show_line(f, home, "json", report);
    if (html)
        show_line(f, home, "html", html);
    fputs(demo_script + head, f);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

static void demo_usage(FILE *f)
{
    fprintf(f,
            "usage: vmsim demo --script [OPTIONS]\n"
            "Walks through CS:APP Figure 9.9 with a built-in script on a live kernel\n"
            "(no CPU: the script maps, writes, forks and translates by itself).\n"
            "Options:\n%s"
            "  --stats         print a summary of the run on stderr at the end\n"
            "  --report FILE   write the JSON report of the figure (before the processes exit)\n"
            "  --html FILE     draw the figure as a self-contained HTML page\n",
            opts_machine_help);
}

int demo_script_main(int argc, char **argv)
{
    struct script_options o;
    script_options_default(&o);
    const char *report = NULL, *html = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            demo_usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--script") == 0)
            continue;
        int r = opts_machine(argc, argv, &i, &o.machine, "demo");
        if (r == 0)
            r = report_parse_opt(argc, argv, &i, &o.stats, &report, &html, "demo");
        if (r < 0)
            return 2;
        if (r == 0) {
            fprintf(stderr, "vmsim demo: unknown argument '%s'\n", argv[i]);
            demo_usage(stderr);
            return 2;
        }
    }
    o.echo = true;
    o.label = "demo";

    /* The shared file lives in a private directory, removed afterwards. */
    const char *tmp = getenv("TMPDIR");
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/vmsim-demo.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "vmsim demo: cannot create a temporary directory: %s\n", strerror(errno));
        return 2;
    }
    snprintf(path, sizeof path, "%s/shared.txt", dir);
    FILE *f = fopen(path, "w");
    if (!f || fputs("a file page shared by a and b\n", f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "vmsim demo: cannot write %s: %s\n", path, strerror(errno));
        rmdir(dir);
        return 2;
    }
    /* Relative paths keep the output the same from run to run. */
    int home = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 2;
    char *text = NULL;
    size_t len = 0;
    if (home < 0 || chdir(dir) != 0)
        fprintf(stderr, "vmsim demo: cannot enter %s: %s\n", dir, strerror(errno));
    else if (!(text = demo_text(home, report, html, &len)))
        fprintf(stderr, "vmsim demo: out of memory\n");
    else
        rc = script_run_buffer(text, len, &o, stdout, stderr);
    free(text);
    if (home >= 0) {
        if (fchdir(home) != 0)
            fprintf(stderr, "vmsim demo: cannot return to the first directory: %s\n",
                    strerror(errno));
        close(home);
    }
    unlink(path);
    rmdir(dir);
    return rc;
}
