/* The kernel as a whole: a system of processes with files. os_new (proc/)
 * makes the process table and scheduler over a memory manager (mm/); here the
 * files subsystem (fs/) is joined to the processes: the hooks processes call
 * at fork, exec and exit (struct proc_fs_ops), and the first process. */
#include "kernel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hook_fork(struct proc *parent, struct proc *child, unsigned share)
{
    bool sfiles = share & PROC_SHARE_FILES, sfs = share & PROC_SHARE_FS;
    child->files = !parent->files ? NULL
                   : sfiles       ? files_get(parent->files)
                                  : files_fork(parent->files);
    child->fs = !parent->fs ? NULL : sfs ? fs_get(parent->fs) : fs_fork(parent->fs);
    if (child->fs && !sfs)   /* /proc/self is the child's process */
        fs_set_proc(child->fs, child->group_leader ? child->group_leader : child);
    if ((parent->files && !child->files) || (parent->fs && !child->fs)) {
        if (child->files)
            files_put(child->files);
        if (child->fs)
            fs_put(child->fs);
        child->files = NULL;
        child->fs = NULL;
        return -ENOMEM;
    }
    return 0;
}

/* p lets go of its fs context, which names p as its holder: another
 * process still using it (CLONE_FS) becomes the holder, so that the
 * context never names a freed process. */
static void fs_handover(struct proc *p)
{
    if (fs_proc(p->fs) != p)
        return;
    struct proc *to = NULL;
    for (struct proc *q = p->os->procs; q && !to; q = q->next)
        if (q != p && q->fs == p->fs)
            to = q->group_leader && q->group_leader != p && q->group_leader->fs == p->fs
                     ? q->group_leader
                     : q;
    fs_set_proc(p->fs, to);
}

static void hook_release(struct proc *p)
{
    fifo_proc_gone(p);   /* an open or a lock it was waiting in */
    lock_proc_gone(p);
    if (p->files)
        files_put(p->files);
    if (p->fs) {
        fs_handover(p);
        fs_put(p->fs);
    }
    p->files = NULL;
    p->fs = NULL;
}

static void hook_lead(struct proc *p)
{
    if (p->fs)
        fs_set_proc(p->fs, p);
}

static int hook_exec_unshare(struct proc *p)
{
    return files_unshare(&p->files);
}

static void hook_exec(struct proc *p)
{
    files_close_on_exec(p->files);
}

static const struct proc_fs_ops fs_ops = {
    .fork = hook_fork,
    .release = hook_release,
    .lead = hook_lead,
    .exec_unshare = hook_exec_unshare,
    .exec = hook_exec,
    .open_exec = vfs_open_vfile,
    .break_deadlock = lock_break_deadlock,
};

int os_spawn(struct os *os, const char *host_path, const struct vfs_config *vfs,
             char *const argv[], char *const envp[], char *err, size_t errlen)
{
    struct proc *p = calloc(1, sizeof *p);
    if (!p)
        return -ENOMEM;
    p->k = os->k;
    p->os = os;
    p->rng = 0x5eed5eed5eedULL;
    p->rlimit_stack = 8ULL << 20;
    p->rlimit_memlock[0] = p->rlimit_memlock[1] = LX_MLOCK_LIMIT;
    p->rlimit_fsize[0] = p->rlimit_fsize[1] = UINT64_MAX;
    os->fs_ops = &fs_ops;
    p->files = files_new_stdio();
    p->fs = fs_new(vfs);
    if (p->fs)
        fs_set_proc(p->fs, p);   /* whose /proc/self the lookups see */
    if (!p->files || !p->fs) {
        snprintf(err, errlen, "cannot set up the process's files (root %s)",
                 vfs && vfs->root ? vfs->root : "?");
        proc_free(p);
        return -ENOMEM;
    }
    /* The working directory: --cwd, or where vmsim was started if that is
     * inside the root. */
    char cwd[VFS_PATH_MAX];
    if (vfs && vfs->cwd)
        snprintf(cwd, sizeof cwd, "%s", vfs->cwd);
    else
        vfs_default_cwd(vfs, cwd, sizeof cwd);
    struct vfs_lookup l;
    int e = vfs_lookup(p->fs, VFS_ROOT, NULL, cwd, VFS_FOLLOW, &l);
    if (!e) {
        e = fs_chdir(p->fs, &l);
        vfs_lookup_done(&l);
    }
    if (e) {
        snprintf(err, errlen, "working directory %s: %s", cwd, strerror(-e));
        proc_free(p);
        return e;
    }
    /* Named by its absolute guest path, as Linux's maps and /proc/PID/exe
     * show a program even when started with a relative one. */
    char name[VFS_PATH_MAX];
    bool inside = vfs_guest_name(vfs, host_path, name, sizeof name);
    struct vfile *f = vfile_open(os->k, host_path, name, false, &e);
    if (!f) {
        snprintf(err, errlen, "%s", strerror(-e));
        proc_free(p);
        return e;
    }
    /* argv[0] is the guest's path of the program when it lies in the
     * sandbox, so that a program that runs argv[0] again finds itself;
     * a program from outside keeps the name it was given (as qemu-riscv64
     * does: there is no path the guest could run it by). */
    size_t argc = 0;
    while (argv[argc])
        argc++;
    char **gargv = calloc(argc + 1, sizeof *gargv);
    if (!gargv) {
        vfile_put(f);
        proc_free(p);
        return -ENOMEM;
    }
    for (size_t i = 0; i < argc; i++)
        gargv[i] = argv[i];
    if (argc && inside)
        gargv[0] = name;
    e = proc_execve(p, f, inside ? name : host_path, gargv, envp, err, errlen);
    free(gargv);
    if (e) {
        proc_free(p);
        return e;
    }
    os_add_proc(os, p);
    os->first_pid = p->pid;
    p->pgid = p->sid = p->pid;   /* leads its group and session */
    event_proc(os->k, VM_EV_EXEC, p->mm, p->pid, 0, p->comm, 0);
    return 0;
}
