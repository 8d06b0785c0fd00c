#!/usr/bin/env bash
# Sharing between processes across exec (issue 16), against the same C
# source built natively (qemu-riscv64 cannot exec riscv64 children): a
# memfd passed over a Unix socket to an exec'd program that maps it and
# sees the writer's bytes on the same frame (pagemap). Then vmsim-only
# checks of Linux's documented behaviour the reference cannot show here
# (it may run as root, or reach the host's network): other address
# families are EAFNOSUPPORT with one line on stderr; a tmpfs size limit
# gives ENOSPC; --tmpfs mounts a tmpfs where asked.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
[ -x "$GUEST_DIR/share/memfd_exec" ] || { echo "no guest programs in $GUEST_DIR/share (make guest)"; exit 77; }
command -v gcc >/dev/null || { echo "no native gcc"; exit 77; }
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
source "$here/tests/scripts/compare_lib.bash"

mkdir "$tmp/v" "$tmp/n"
cp "$GUEST_DIR/share/memfd_exec" "$tmp/v/memfd_exec"
gcc -O2 -Wall -Werror "$here/guest/share/memfd_exec.c" -o "$tmp/n/memfd_exec" || { echo "FAIL native build"; exit 1; }
(cd "$tmp/v" && exec timeout 120 "$VMSIM" run ./memfd_exec) >"$tmp/v.out" 2>"$tmp/v.err"
vrc=$?
(cd "$tmp/n" && exec timeout 60 ./memfd_exec) >"$tmp/n.out" 2>/dev/null
nrc=$?
compare_runs memfd_exec $vrc $nrc
grep -q "frame known: 1" "$tmp/v.err" || { echo "FAIL memfd_exec: vmsim's pagemap shows no frame"; fail=1; }

# Bad pointers and garbage: Linux's errors, no crash (qemu aborts on some).
cp "$GUEST_DIR/share/badptr_native" "$tmp/v/badptr"
gcc -O2 -w "$here/guest/share/badptr_native.c" -o "$tmp/n/badptr" || { echo "FAIL native build"; exit 1; }
(cd "$tmp/v" && exec timeout 120 "$VMSIM" run ./badptr) >"$tmp/v.out" 2>"$tmp/v.err"
vrc=$?
(cd "$tmp/n" && exec timeout 60 ./badptr) >"$tmp/n.out" 2>/dev/null
nrc=$?
compare_runs badptr $vrc $nrc

# Linux semantics checked under vmsim alone, by a small program written here.
cat >"$tmp/only.c" <<'CEOF'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
static const char *e(long rc) { return rc < 0 ? strerrorname_np(errno) : "ok"; }
int main(void)
{
    printf("AF_INET: %s\n", e(socket(AF_INET, SOCK_STREAM, 0)));
    printf("AF_INET6: %s\n", e(socket(AF_INET6, SOCK_DGRAM, 0)));
    int fd = open("/dev/shm/big", O_CREAT | O_RDWR, 0600);
    char buf[4096];
    memset(buf, 'x', sizeof buf);
    long n = 0, r;
    while ((r = write(fd, buf, sizeof buf)) > 0)
        n += r;
    printf("tmpfs filled: %ld bytes, then %s\n", n, e(r));
    printf("ftruncate past the limit: %s\n", e(ftruncate(fd, 1 << 20)));
    int t = open("/scratch/f", O_CREAT | O_RDWR, 0600);
    struct stat st;
    fstat(t, &st);
    printf("--tmpfs /scratch: %s, in RAM dev %d\n", e(t), major(st.st_dev) == 0);
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int on = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    struct ucred cr = {1, getuid(), getgid()};
    union { struct cmsghdr h; char b[CMSG_SPACE(sizeof cr)]; } u;
    struct iovec iov = {"x", 1};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_CREDENTIALS; c->cmsg_len = CMSG_LEN(sizeof cr);
    memcpy(CMSG_DATA(c), &cr, sizeof cr);
    printf("SCM_CREDENTIALS naming pid 1 unprivileged: %s\n", e(sendmsg(sv[0], &mh, 0)));
    int id = shmget(IPC_PRIVATE, 4096, 0400);
    printf("shmat for writing a 0400 segment: %s\n", e((long)shmat(id, NULL, 0) == -1 ? -1 : 0));
    char longpath[200];
    memset(longpath, 'a', sizeof longpath);
    struct sockaddr_un { unsigned short f; char p[108]; } a = {AF_UNIX, {0}};
    memcpy(a.p, longpath, sizeof a.p);
    printf("sun_path without its NUL, 108 bytes: %s\n",
           e(bind(socket(AF_UNIX, SOCK_STREAM, 0), (void *)&a, sizeof a)));
    char big[200] = {0};
    big[0] = AF_UNIX;
    memset(big + 2, 'b', 150);
    printf("addrlen 152: %s\n", e(bind(socket(AF_UNIX, SOCK_STREAM, 0), (void *)big, 152)));
    return 0;
}
CEOF
command -v riscv64-linux-gnu-gcc >/dev/null || { echo "no cross gcc"; exit 77; }
riscv64-linux-gnu-gcc -O2 -static "$tmp/only.c" -o "$tmp/v/only" || { echo "FAIL cross build"; exit 1; }
(cd "$tmp/v" && exec timeout 120 "$VMSIM" run --tmpfs /scratch --tmpfs-size 64K ./only) >"$tmp/o.out" 2>"$tmp/o.err"
orc=$?
expect() {
    if grep -qxF -e "$1" "$tmp/o.out"; then echo "ok $1"; else echo "FAIL want '$1'"; fail=1; fi
}
[ $orc -eq 0 ] || { echo "FAIL only: exit $orc"; sed 's/^/    /' "$tmp/o.err" | head; fail=1; }
expect "AF_INET: EAFNOSUPPORT"
expect "AF_INET6: EAFNOSUPPORT"
expect "tmpfs filled: 65536 bytes, then ENOSPC"
expect "ftruncate past the limit: ok"   # sparse, as Linux: only pages count
expect "--tmpfs /scratch: ok, in RAM dev 1"
expect "SCM_CREDENTIALS naming pid 1 unprivileged: EPERM"
expect "shmat for writing a 0400 segment: EACCES"
expect "sun_path without its NUL, 108 bytes: ok"   # Linux ends it itself
expect "addrlen 152: EINVAL"
n=$(grep -c "EAFNOSUPPORT (only Unix-domain sockets inside the machine; no host networking)" "$tmp/o.err")
if [ "$n" = 2 ]; then echo "ok one stderr line per refused socket"; else echo "FAIL stderr lines: $n"; fail=1; fi
exit $fail
