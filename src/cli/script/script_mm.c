/* Script commands that change address spaces and touch user memory:
 * proc, fork, exit, map, unmap, protect, brk, msync, load, write, read. */
#include "script_int.h"

#include "../../kernel/core/kernel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool valid_name(const char *n, size_t len)
{
    if (len == 0 || len > PROC_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = n[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return false;
    }
    return true;
}

/* Adds a process named t with address space mm (which it then owns), or
 * fails the line (and destroys mm). */
static void add_proc(struct script *s, const struct token *t, struct mm *mm)
{
    if (s->nprocs == s->cap) {
        int cap = s->cap ? 2 * s->cap : 8;
        struct sproc *p = realloc(s->procs, (size_t)cap * sizeof *p);
        if (!p) {
            mm_destroy(mm);
            script_error(s, "out of host memory");
            return;
        }
        s->procs = p;
        s->cap = cap;
    }
    struct sproc *p = &s->procs[s->nprocs++];
    memcpy(p->name, t->s, t->len + 1);
    p->mm = mm;
    p->pid = ++s->last_pid;
    p->oom_killed = false;
}

/* Checks that t can name a new process. */
static bool new_name_ok(struct script *s, const struct token *t)
{
    if (t->quoted || !valid_name(t->s, t->len)) {
        script_error(s, "bad process name '%.64s' (want 1..%d of A-Z a-z 0-9 _ - .)", t->s,
                     PROC_NAME_MAX);
        return false;
    }
    for (int i = 0; i < s->nprocs; i++)
        if (strcmp(s->procs[i].name, t->s) == 0) {
            script_error(s, "process '%.64s' already exists", t->s);
            return false;
        }
    if (s->nprocs >= PROCS_MAX) {
        script_error(s, "too many processes (at most %d)", PROCS_MAX);
        return false;
    }
    return true;
}

void cmd_proc(struct script *s, const struct token_line *tl)
{
    if (!new_name_ok(s, &tl->tok[1]))
        return;
    struct mm *mm = mm_new(s->k);
    if (!mm) {
        script_errno(s, "proc", -ENOMEM);
        return;
    }
    /* As if an empty program ended here, so that `brk` has a heap to move
     * (`load` sets the real base: the end of the program's bss). */
    mm_set_brk_base(mm, va(SCRIPT_BRK_BASE));
    add_proc(s, &tl->tok[1], mm);
    if (!s->line_failed)
        script_watch_proc(s, VM_EV_EXEC, 0, &s->procs[s->nprocs - 1]);
}

void cmd_fork(struct script *s, const struct token_line *tl)
{
    struct sproc *parent = script_proc(s, &tl->tok[1]);
    if (!parent || !new_name_ok(s, &tl->tok[2]))
        return;
    int ppid = parent->pid;
    struct mm *mm = mm_fork(parent->mm);
    if (!mm) {
        script_errno(s, "fork", -ENOMEM);
        return;
    }
    add_proc(s, &tl->tok[2], mm);
    if (!s->line_failed)
        script_watch_proc(s, VM_EV_FORK, ppid, &s->procs[s->nprocs - 1]);
}

void cmd_exit(struct script *s, const struct token_line *tl)
{
    struct sproc *p = script_proc(s, &tl->tok[1]);
    if (!p)
        return;
    script_watch_proc(s, VM_EV_EXIT, p->pid, p);
    script_note_exit(s, p); /* the reports still list it, with its counters */
    mm_destroy(p->mm);
    int i = (int)(p - s->procs);
    memmove(p, p + 1, (size_t)(s->nprocs - i - 1) * sizeof *p);
    s->nprocs--;
}

/* PROT as three letters, like the permissions column of /proc/PID/maps. */
static bool parse_prot(struct script *s, const struct token *t, int *prot)
{
    const char *p = t->s;
    if (t->len == 3 && (p[0] == 'r' || p[0] == '-') && (p[1] == 'w' || p[1] == '-') &&
        (p[2] == 'x' || p[2] == '-')) {
        *prot = (p[0] == 'r' ? LX_PROT_READ : 0) | (p[1] == 'w' ? LX_PROT_WRITE : 0) |
                (p[2] == 'x' ? LX_PROT_EXEC : 0);
        return true;
    }
    script_error(s, "bad protection '%.64s' (want three letters like rw-, r-x, ---)", t->s);
    return false;
}

/* The `ADDR LEN` pair that most commands take. */
static bool parse_range(struct script *s, const struct token_line *tl, int first, vaddr_t *a,
                        uint64_t *len)
{
    uint64_t v;
    if (!script_number(s, &tl->tok[first], "ADDR", false, &v) ||
        !script_number(s, &tl->tok[first + 1], "LEN", true, len))
        return false;
    *a = va(v);
    return true;
}

void cmd_map(struct script *s, const struct token_line *tl)
{
    /* map NAME ADDR|any LEN PROT anon private|shared
     * map NAME ADDR|any LEN PROT file PATH OFFSET private|shared */
    struct sproc *p = script_proc(s, &tl->tok[1]);
    if (!p)
        return;
    uint64_t addr = 0, len, off = 0;
    int prot, flags = 0;
    if (strcmp(tl->tok[2].s, "any") == 0)
        addr = 0;
    else if (script_number(s, &tl->tok[2], "ADDR", false, &addr))
        flags |= LX_MAP_FIXED; /* a script that names an address means that address */
    else
        return;
    if (!script_number(s, &tl->tok[3], "LEN", true, &len) || !parse_prot(s, &tl->tok[4], &prot))
        return;
    const char *kind = tl->tok[5].s;
    bool is_file = strcmp(kind, "file") == 0;
    if (!is_file && strcmp(kind, "anon") != 0) {
        script_error(s, "map: expected 'anon' or 'file', not '%.64s'", kind);
        return;
    }
    int want = is_file ? 9 : 7;
    if (tl->ntok != want) {
        script_error(s, "map: wrong number of arguments (usage: map NAME ADDR|any LEN PROT "
                        "anon private|shared, or ... file PATH OFFSET private|shared)");
        return;
    }
    const char *share = tl->tok[want - 1].s;
    if (strcmp(share, "private") == 0)
        flags |= LX_MAP_PRIVATE;
    else if (strcmp(share, "shared") == 0)
        flags |= LX_MAP_SHARED;
    else {
        script_error(s, "map: expected 'private' or 'shared', not '%.64s'", share);
        return;
    }
    struct vfile *f = NULL;
    if (is_file) {
        if (!script_number(s, &tl->tok[7], "OFFSET", true, &off))
            return;
        if (s->o->no_host_files) {
            script_error(s, "map: host files are disabled here");
            return;
        }
        const struct token *path = &tl->tok[6];
        if (path->len == 0 || strlen(path->s) != path->len) {
            script_error(s, "map: bad path");
            return;
        }
        int err = 0;
        bool writable = (flags & LX_MAP_SHARED) && (prot & LX_PROT_WRITE);
        f = vfile_open(s->k, path->s, NULL, writable, &err);
        if (!f) {
            script_error(s, "map: cannot open '%s': %s (%s)", path->s, strerror(-err),
                         errno_name(-err));
            return;
        }
    } else {
        flags |= LX_MAP_ANONYMOUS;
    }
    vaddr_t got;
    int r = mm_mmap(p->mm, va(addr), len, prot, flags, f, off, &got);
    if (f)
        vfile_put(f); /* the mapping holds its own reference */
    if (r < 0) {
        script_errno(s, "mmap", r);
        return;
    }
    fprintf(s->out, "0x%" PRIx64 "\n", got.v);
}

void cmd_unmap(struct script *s, const struct token_line *tl)
{
    struct sproc *p = script_proc(s, &tl->tok[1]);
    vaddr_t a;
    uint64_t len;
    if (!p || !parse_range(s, tl, 2, &a, &len))
        return;
    int r = mm_munmap(p->mm, a, len);
    if (r < 0)
        script_errno(s, "munmap", r);
}

void cmd_protect(struct script *s, const struct token_line *tl)
{
    struct sproc *p = script_proc(s, &tl->tok[1]);
    vaddr_t a;
    uint64_t len;
    int prot;
    if (!p || !parse_range(s, tl, 2, &a, &len) || !parse_prot(s, &tl->tok[4], &prot))
        return;
    int r = mm_mprotect(p->mm, a, len, prot);
    if (r < 0)
        script_errno(s, "mprotect", r);
}

void cmd_msync(struct script *s, const struct token_line *tl)
{
    struct sproc *p = script_proc(s, &tl->tok[1]);
    vaddr_t a;
    uint64_t len;
    if (!p || !parse_range(s, tl, 2, &a, &len))
        return;
    int r = mm_msync(p->mm, a, len, LX_MS_SYNC);
    if (r < 0)
        script_errno(s, "msync", r);
}

void cmd_brk(struct script *s, const struct token_line *tl)
{
    struct sproc *p = script_proc(s, &tl->tok[1]);
    if (!p)
        return;
    const struct token *t = &tl->tok[2];
    uint64_t cur = mm_brk(p->mm, va(0)).v; /* brk(0) asks for the current break */
    uint64_t want, n;
    if (t->s[0] == '+' || t->s[0] == '-') {
        struct token rest = {t->s + 1, t->len - 1, t->quoted};
        if (!script_number(s, &rest, "brk increment", true, &n))
            return;
        if (t->s[0] == '+' ? n > UINT64_MAX - cur : n > cur) {
            script_error(s, "brk: %c0x%" PRIx64 " moves the break out of the address space",
                         t->s[0], n);
            return;
        }
        want = t->s[0] == '+' ? cur + n : cur - n;
    } else if (!script_number(s, t, "ADDR", false, &want)) {
        return;
    }
    uint64_t got = mm_brk(p->mm, va(want)).v;
    fprintf(s->out, "0x%" PRIx64 "\n", got);
    if (got != want) /* brk(2) says no by returning the old break */
        script_errno(s, "brk", -ENOMEM);
}

void cmd_load(struct script *s, const struct token_line *tl)
{
    struct sproc *p = script_proc(s, &tl->tok[1]);
    if (!p)
        return;
    if (s->o->no_host_files) {
        script_error(s, "load: host files are disabled here");
        return;
    }
    const struct token *path = &tl->tok[2];
    if (path->len == 0 || strlen(path->s) != path->len) {
        script_error(s, "load: bad path");
        return;
    }
    int err = 0;
    struct vfile *f = vfile_open(s->k, path->s, NULL, false, &err);
    if (!f) {
        script_error(s, "load: cannot open '%s': %s (%s)", path->s, strerror(-err),
                     errno_name(-err));
        return;
    }
    /* struct elf_image is large (the interpreter path, every segment). */
    struct elf_image *img = calloc(1, sizeof *img);
    char why[160] = "";
    int r = img ? elf_load(p->mm, f, va(ELF_ET_DYN_BASE), img, why, sizeof why) : -ENOMEM;
    vfile_put(f); /* the mappings hold their own references */
    if (r == -ENOEXEC && why[0])
        script_error(s, "load: %s: %s (ENOEXEC)", path->s, why);
    else if (r < 0)
        script_errno(s, "load", r);
    else {
        fprintf(s->out, "entry 0x%" PRIx64 "\n", img->entry.v);
        for (int i = 0; i < img->nseg && i < ELF_MAX_PHNUM; i++) {
            const struct elf_segment *g = &img->seg[i];
            fprintf(s->out,
                    "segment 0x%" PRIx64 "-0x%" PRIx64 " %c%c%c offset 0x%" PRIx64
                    " filesz 0x%" PRIx64 " memsz 0x%" PRIx64 "\n",
                    g->vaddr, g->vaddr + g->memsz, g->prot & LX_PROT_READ ? 'r' : '-',
                    g->prot & LX_PROT_WRITE ? 'w' : '-', g->prot & LX_PROT_EXEC ? 'x' : '-',
                    g->offset, g->filesz, g->memsz);
        }
        if (img->has_interp)
            fprintf(s->out, "interp %s (not loaded)\n", img->interp);
    }
    free(img);
}

/* Handles the result of copyin/copyout: a segfault line, or an error. */
static void access_result(struct script *s, const struct sproc *p, const char *op, int r,
                          const struct segv *sv)
{
    if (r == -1)
        script_segfault(s, p, sv);
    else if (r < 0)
        script_errno(s, op, r);
}

void cmd_write(struct script *s, const struct token_line *tl)
{
    struct sproc *p = script_proc(s, &tl->tok[1]);
    uint64_t addr;
    if (!p || !script_number(s, &tl->tok[2], "ADDR", false, &addr))
        return;
    const struct token *t = &tl->tok[3];
    uint8_t *hex = NULL;
    const void *data = t->s;
    size_t len = t->len;
    if (!t->quoted) {
        if (!parse_hex_bytes(t->s, &hex, &len)) {
            script_error(s, "write: expected \"text\" or 0xHEXBYTES, not '%.64s'", t->s);
            return;
        }
        data = hex;
    }
    struct segv sv = {0};
    int r = copyout(p->mm, va(addr), data, len, &sv);
    access_result(s, p, "write", r, &sv);
    free(hex);
}

void cmd_read(struct script *s, const struct token_line *tl)
{
    struct sproc *p = script_proc(s, &tl->tok[1]);
    vaddr_t a;
    uint64_t len;
    if (!p || !parse_range(s, tl, 2, &a, &len))
        return;
    if (len > SCRIPT_READ_MAX) {
        script_error(s, "read: LEN 0x%" PRIx64 " is too long (at most 1M)", len);
        return;
    }
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        script_error(s, "out of host memory");
        return;
    }
    struct segv sv = {0};
    int r = copyin(p->mm, buf, a, len, &sv);
    if (r == 0) {
        print_c_string(s->out, buf, len);
        fputc('\n', s->out);
    }
    access_result(s, p, "read", r, &sv);
    free(buf);
}
