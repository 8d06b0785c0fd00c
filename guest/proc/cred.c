/* Credentials of an unprivileged user (issue 12): set*id to the ids the
 * process has succeed, any other is EPERM. The native reference runs as an
 * unprivileged uid/gid with no supplementary groups (coord_native.sh passes
 * the same ids to vmsim with --uid/--gid). */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <unistd.h>

static void say(const char *what, long rc)
{
    if (rc < 0)
        printf("%s: %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, rc);
}

int main(void)
{
    uid_t u = getuid();
    gid_t g = getgid();
    printf("uid==euid %d gid==egid %d\n", u == geteuid(), g == getegid());
    say("setuid(self)", setuid(u));
    say("setuid(0)", setuid(0));
    say("setuid(u+1)", setuid(u + 1));
    say("setgid(self)", setgid(g));
    say("setgid(0)", setgid(0));
    say("setreuid(-1,-1)", setreuid(-1, -1));
    say("setreuid(self,self)", setreuid(u, u));
    say("setreuid(0,-1)", setreuid(0, -1));
    say("setregid(-1,self)", setregid(-1, g));
    say("setregid(-1,0)", setregid(-1, 0));
    say("setresuid(self x3)", setresuid(u, u, u));
    say("setresuid(-1,-1,0)", setresuid(-1, -1, 0));
    say("setresgid(self,-1,self)", setresgid(g, -1, g));
    say("setresgid(0,0,0)", setresgid(0, 0, 0));
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    printf("getresuid all self: %d\n", r == u && e == u && s == u);
    gid_t gr, ge, gs;
    getresgid(&gr, &ge, &gs);
    printf("getresgid all self: %d\n", gr == g && ge == g && gs == g);
    printf("setfsuid(0) returns self: %d\n", setfsuid(0) == (int)u);
    printf("setfsgid(0) returns self: %d\n", setfsgid(0) == (int)g);
    say("getgroups(0)", getgroups(0, NULL));
    gid_t one = 0;
    say("setgroups([0])", setgroups(1, &one));
    return 0;
}
