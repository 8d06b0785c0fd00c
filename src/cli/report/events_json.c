/* Chrome trace-event JSON for --events (see events_json.h). Written with
 * fprintf and one escaping function: names come from the guest (file
 * names), so every string goes through json_string(), which keeps the file
 * pure ASCII (bytes >= 0x80 become \u00XX, i.e. read as Latin-1). */
#include "events_json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/uapi/abi.h"

struct events_json {
    FILE *f;
    char *path;
    bool first; /* no event written yet: no comma before the next */
    unsigned long long n;
};

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

struct events_json *events_json_open(const char *path, const char *cmd, FILE *err)
{
    struct events_json *j = calloc(1, sizeof *j);
    if (j)
        j->path = strdup(path);
    if (!j || !j->path) {
        fprintf(err, "vmsim %s: out of memory\n", cmd);
        free(j);
        return NULL;
    }
    j->f = fopen(path, "w");
    if (!j->f) {
        fprintf(err, "vmsim %s: --events: cannot write '%s': %s\n", cmd, path, strerror(errno));
        free(j->path);
        free(j);
        return NULL;
    }
    setvbuf(j->f, NULL, _IOFBF, 1 << 16);
    j->first = true;
    fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"vmsim\",\"clock\":"
          "\"virtual: 10 ns per instruction (script: ts = command number)\"},\n"
          "\"traceEvents\":[\n",
          j->f);
    events_json_name(j, 0, "kernel", 0);
    return j;
}

/* The common head of an event: name, cat, ph, ts, pid, tid; args follow. */
static void head(struct events_json *j, const char *name, const char *cat, const char *ph, int pid,
                 double ts)
{
    FILE *f = j->f;
    if (!j->first)
        fputs(",\n", f);
    j->first = false;
    fputs("{\"name\":", f);
    json_string(f, name);
    fprintf(f, ",\"cat\":\"%s\",\"ph\":\"%s\",", cat, ph);
    if (ph[0] == 'i')
        fputs("\"s\":\"t\",", f);
    fprintf(f, "\"ts\":%.2f,\"pid\":%d,\"tid\":%d,\"args\":{", ts, pid, pid);
}

void events_json_name(struct events_json *j, int pid, const char *name, double ts_us)
{
    head(j, "process_name", "__metadata", "M", pid, ts_us);
    fputs("\"name\":", j->f);
    json_string(j->f, name);
    fputs("}}", j->f);
}

void events_json_counter(struct events_json *j, int pid, const char *name, double ts_us,
                         int n, const char *const *keys, const uint64_t *vals)
{
    head(j, name, "timeline", "C", pid, ts_us);
    for (int i = 0; i < n; i++)
        fprintf(j->f, "%s\"%s\":%" PRIu64, i ? "," : "", keys[i], vals[i]);
    fputs("}}", j->f);
}

static void hex(FILE *f, const char *key, uint64_t v)
{
    fprintf(f, ",\"%s\":\"0x%" PRIx64 "\"", key, v);
}

static const char *access_name(int acc)
{
    return acc == ACCESS_WRITE ? "write" : acc == ACCESS_EXEC ? "exec" : "read";
}

static void prot_string(char out[4], int prot)
{
    out[0] = prot & LX_PROT_READ ? 'r' : '-';
    out[1] = prot & LX_PROT_WRITE ? 'w' : '-';
    out[2] = prot & LX_PROT_EXEC ? 'x' : '-';
    out[3] = '\0';
}

/* "ok", "SIGSEGV", "SIGBUS", or the errno's name. */
static const char *outcome_name(const struct vm_event *ev)
{
    if (ev->outcome == 0)
        return "ok";
    if (ev->outcome == -1)
        return ev->signo == LX_SIGBUS ? "SIGBUS" : "SIGSEGV";
    return ev->outcome == -ENOMEM ? "ENOMEM" : "error";
}

static const char *category(enum vm_event_kind k)
{
    switch (k) {
    case VM_EV_FAULT:
        return "fault";
    case VM_EV_PAGE_IN:
    case VM_EV_COW_COPY:
    case VM_EV_SWAP_OUT:
    case VM_EV_SWAP_IN:
    case VM_EV_EVICT:
        return "paging";
    case VM_EV_TLB_FLUSH:
        return "tlb";
    case VM_EV_MMAP:
    case VM_EV_MUNMAP:
    case VM_EV_MPROTECT:
    case VM_EV_BRK:
    case VM_EV_MREMAP:
    case VM_EV_MADVISE:
        return "mm";
    default:
        return "proc";
    }
}

static void fault_args(FILE *f, const struct vm_event *ev)
{
    fprintf(f, ",\"kind\":\"%s\",\"access\":\"%s\",\"outcome\":\"%s\",\"major\":%s",
            vm_fault_type_name(ev->fault), access_name(ev->access), outcome_name(ev),
            ev->major ? "true" : "false");
    if (ev->refault_faults)
        fprintf(f, ",\"refault_faults_ago\":%" PRIu64, ev->refault_faults);
    hex(f, "pte_before", ev->pte_before);
    hex(f, "pte_after", ev->pte_after);
    if (ev->vma_end) {
        char prot[4];
        prot_string(prot, ev->vma_prot);
        fprintf(f, ",\"region\":\"0x%" PRIx64 "-0x%" PRIx64 " %s%c\"", ev->vma_start, ev->vma_end,
                prot, ev->vma_flags & VM_EV_VMA_SHARED ? 's' : 'p');
        if (ev->vma_name) {
            fputs(",\"region_name\":", f);
            json_string(f, ev->vma_name);
        }
    }
}

void events_json_write(struct events_json *j, const struct vm_event *ev, int pid, double ts_us)
{
    FILE *f = j->f;
    char name[48];
    if (ev->kind == VM_EV_FAULT)
        snprintf(name, sizeof name, "fault %s", vm_fault_type_name(ev->fault));
    else if (ev->kind == VM_EV_TLB_FLUSH)
        snprintf(name, sizeof name, "tlb-flush %s", vm_flush_scope_name(ev->scope));
    else
        snprintf(name, sizeof name, "%s", vm_event_name(ev->kind));
    head(j, name, category(ev->kind), "i", pid, ts_us);
    j->n++;
    fprintf(f, "\"event\":\"%s\"", vm_event_name(ev->kind));
    if (ev->kind != VM_EV_FORK && ev->kind != VM_EV_EXEC && ev->kind != VM_EV_EXIT &&
        ev->kind != VM_EV_OOM_KILL && !(ev->kind == VM_EV_TLB_FLUSH && ev->scope != VM_FLUSH_PAGE))
        hex(f, "va", ev->va);
    if (ev->pfn != VM_EV_NO_PFN)
        hex(f, "pfn", ev->pfn);
    char prot[4];
    switch (ev->kind) {
    case VM_EV_FAULT:
        fault_args(f, ev);
        if (ev->fault == VM_FAULT_SWAP_IN)
            fprintf(f, ",\"slot\":%" PRIu64, ev->aux);
        break;
    case VM_EV_COW_COPY:
        hex(f, "new_pfn", ev->pfn2);
        break;
    case VM_EV_PAGE_IN:
    case VM_EV_EVICT:
        fprintf(f, ",\"index\":%" PRIu64, ev->aux);
        if (ev->kind == VM_EV_EVICT)
            fprintf(f, ",\"written_back\":%s", ev->major ? "true" : "false");
        if (ev->name) {
            fputs(",\"file\":", f);
            json_string(f, ev->name);
        }
        break;
    case VM_EV_SWAP_OUT:
        fprintf(f, ",\"slot\":%" PRIu64 ",\"mappers\":%" PRIu64, ev->aux, ev->len);
        break;
    case VM_EV_SWAP_IN:
        fprintf(f, ",\"slot\":%" PRIu64 ",\"from_disk\":%s", ev->aux, ev->major ? "true" : "false");
        break;
    case VM_EV_TLB_FLUSH:
        fprintf(f, ",\"scope\":\"%s\",\"asid\":%" PRIu64, vm_flush_scope_name(ev->scope), ev->aux);
        if (ev->harts) {   /* a shootdown: the other harts that flushed */
            fputs(",\"shootdown_harts\":[", f);
            for (int i = 0, n = 0; i < 64; i++)
                if (ev->harts >> i & 1)
                    fprintf(f, "%s%d", n++ ? "," : "", i);
            fputc(']', f);
        }
        break;
    case VM_EV_MMAP:
    case VM_EV_MPROTECT:
        prot_string(prot, ev->prot);
        fprintf(f, ",\"len\":\"0x%" PRIx64 "\",\"prot\":\"%s\"", ev->len, prot);
        if (ev->kind == VM_EV_MMAP) {
            fprintf(f, ",\"shared\":%s,\"anonymous\":%s",
                    (ev->flags & LX_MAP_TYPE) != LX_MAP_PRIVATE ? "true" : "false",
                    ev->flags & LX_MAP_ANONYMOUS ? "true" : "false");
            if (ev->name) {
                fputs(",\"file\":", f);
                json_string(f, ev->name);
            }
        } else {
            fprintf(f, ",\"result\":%d", ev->outcome);
        }
        break;
    case VM_EV_MUNMAP:
        fprintf(f, ",\"len\":\"0x%" PRIx64 "\",\"result\":%d", ev->len, ev->outcome);
        break;
    case VM_EV_BRK:
        hex(f, "old_brk", ev->len);
        break;
    case VM_EV_MREMAP:
        fprintf(f, ",\"len\":\"0x%" PRIx64 "\"", ev->len);
        hex(f, "new_addr", ev->aux);
        hex(f, "new_len", ev->pfn2);
        fprintf(f, ",\"result\":%d", ev->outcome);
        break;
    case VM_EV_MADVISE:
        fprintf(f, ",\"len\":\"0x%" PRIx64 "\",\"advice\":%d,\"result\":%d", ev->len,
                ev->flags, ev->outcome);
        break;
    case VM_EV_FORK:
        fprintf(f, ",\"child\":%d", ev->pid2);
        break;
    case VM_EV_EXEC:
        fputs(",\"comm\":", f);
        json_string(f, ev->name);
        break;
    case VM_EV_EXIT:
        fprintf(f, ",\"status\":%" PRIu64, ev->aux);
        break;
    default:
        break;
    }
    fputs("}}", f);
}

unsigned long long events_json_count(const struct events_json *j)
{
    return j->n;
}

bool events_json_close(struct events_json *j, FILE *err)
{
    if (!j)
        return true;
    fputs("\n]}\n", j->f);
    bool ok = !ferror(j->f);
    if (fclose(j->f) != 0)
        ok = false;
    if (!ok)
        fprintf(err, "vmsim: --events: error writing '%s'\n", j->path);
    free(j->path);
    free(j);
    return ok;
}
