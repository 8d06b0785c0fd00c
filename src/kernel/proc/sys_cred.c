/* Credentials (issue 12): the guest is one unprivileged user. Every process
 * has the real, effective, saved and file-system ids os->uid and os->gid
 * (default PROC_GUEST_ID; `vmsim run --uid N --gid N`) and no supplementary
 * groups. As Linux for a process without CAP_SETUID/CAP_SETGID, a set*id
 * call may only "change" to ids it already has: those succeed and change
 * nothing, any other id is EPERM (-1, "unchanged", is always allowed where
 * Linux allows it). setgroups to the groups it has (none) succeeds. */
#include <errno.h>

#include "proc.h"

#define NOCHANGE UINT32_MAX   /* (uid_t)-1 */

static uint32_t id_of(const struct proc *p, bool gid) { return gid ? p->os->gid : p->os->uid; }

/* setuid/setgid: -EINVAL for -1, 0 for the ids it has, else -EPERM. */
static int64_t set_one(const struct proc *p, uint64_t id, bool gid)
{
    if ((uint32_t)id == NOCHANGE)
        return -EINVAL;
    return (uint32_t)id == id_of(p, gid) ? 0 : -EPERM;
}

/* setre*id and setres*id: each id -1 or one the process has. */
static int64_t set_many(const struct proc *p, const uint64_t *ids, int n, bool gid)
{
    for (int i = 0; i < n; i++)
        if ((uint32_t)ids[i] != NOCHANGE && (uint32_t)ids[i] != id_of(p, gid))
            return -EPERM;
    return 0;
}

int64_t sys_getuid(struct proc *p, const uint64_t a[6]) { return p->os->uid; }
int64_t sys_getgid(struct proc *p, const uint64_t a[6]) { return p->os->gid; }
int64_t sys_setuid(struct proc *p, const uint64_t a[6]) { return set_one(p, a[0], false); }
int64_t sys_setgid(struct proc *p, const uint64_t a[6]) { return set_one(p, a[0], true); }
int64_t sys_setreuid(struct proc *p, const uint64_t a[6]) { return set_many(p, a, 2, false); }
int64_t sys_setregid(struct proc *p, const uint64_t a[6]) { return set_many(p, a, 2, true); }
int64_t sys_setresuid(struct proc *p, const uint64_t a[6]) { return set_many(p, a, 3, false); }
int64_t sys_setresgid(struct proc *p, const uint64_t a[6]) { return set_many(p, a, 3, true); }
/* setfsuid/setfsgid never fail: they return the old id either way. */
int64_t sys_setfsuid(struct proc *p, const uint64_t a[6]) { return p->os->uid; }
int64_t sys_setfsgid(struct proc *p, const uint64_t a[6]) { return p->os->gid; }

static int64_t put_res(struct proc *p, const uint64_t a[6], uint32_t id)
{
    for (int i = 0; i < 3; i++) {
        int rc = user_copyout(p, a[i], &id, sizeof id);
        if (rc)
            return rc;
    }
    return 0;
}

int64_t sys_getresuid(struct proc *p, const uint64_t a[6]) { return put_res(p, a, p->os->uid); }
int64_t sys_getresgid(struct proc *p, const uint64_t a[6]) { return put_res(p, a, p->os->gid); }

/* No supplementary groups: getgroups returns 0 whatever the size. */
int64_t sys_getgroups(struct proc *p, const uint64_t a[6])
{
    return (int)a[0] < 0 ? -EINVAL : 0;
}

/* Linux needs CAP_SETGID for any setgroups; we let the guest "set" the
 * groups it has (none, or its own gid), as for the other set*id calls. */
int64_t sys_setgroups(struct proc *p, const uint64_t a[6])
{
    if (a[0] > 65536)
        return -EINVAL;
    for (uint64_t i = 0; i < a[0]; i++) {
        uint32_t g;
        int rc = user_copyin(p, &g, a[1] + 4 * i, sizeof g);
        if (rc)
            return rc;
        if (g != p->os->gid)
            return -EPERM;
    }
    return 0;
}
