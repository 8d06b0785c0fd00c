/* Drives Debian's socat (tests/scripts/real_socat.sh) through Unix sockets
 * between processes of one machine: a path socket (a listener and a
 * client), an abstract one, a datagram path socket and socat's EXEC, which
 * gives the exec'd child a socketpair. Built natively and for riscv64; the
 * outputs must agree. argv[1]: the socat program. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

static const char *socat;

static pid_t run(const char *a1, const char *a2, const char *a3)
{
    pid_t p = fork();
    if (p == 0) {
        int null = open("/dev/null", 1);
        dup2(null, 2);   /* socat's notices carry times and pids */
        execl(socat, socat, a1, a2, a3, (char *)NULL);
        _exit(127);
    }
    return p;
}

static int wait_for(pid_t p)
{
    int st;
    waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void nap(void)
{
    struct timespec ts = {0, 10000000};
    nanosleep(&ts, NULL);
}

static void show(const char *what, const char *file)
{
    char buf[256] = {0};
    FILE *f = fopen(file, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    printf("%s: %zu bytes: %s", what, n, buf);
    unlink(file);
}

static int is_socket(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    socat = argv[1];
    FILE *in = fopen("in.txt", "w");
    fprintf(in, "one line through socat\n");
    fclose(in);

    unlink("s.sock");
    pid_t srv = run("-u", "UNIX-LISTEN:s.sock", "CREATE:out1.txt");
    for (int i = 0; i < 500 && !is_socket("s.sock"); i++)
        nap();
    pid_t cli = run("-u", "OPEN:in.txt", "UNIX-CONNECT:s.sock");
    int c = wait_for(cli), s = wait_for(srv);
    printf("path socket: client %d server %d\n", c, s);
    show("received", "out1.txt");
    unlink("s.sock");

    srv = run("-u", "ABSTRACT-LISTEN:vmsim-socat-test", "CREATE:out2.txt");
    for (int i = 0; i < 500; i++) {   /* until the listener is there */
        cli = run("-u", "OPEN:in.txt", "ABSTRACT-CONNECT:vmsim-socat-test");
        if (wait_for(cli) == 0)
            break;
        nap();
    }
    printf("abstract socket: server %d\n", wait_for(srv));
    show("received", "out2.txt");

    unlink("d.sock");
    srv = run("-u", "UNIX-RECV:d.sock", "CREATE:out3.txt");
    for (int i = 0; i < 500 && !is_socket("d.sock"); i++)
        nap();
    cli = run("-u", "OPEN:in.txt", "UNIX-SENDTO:d.sock");
    printf("datagram: sender %d\n", wait_for(cli));
    for (int i = 0; i < 500; i++) {   /* until the datagram is written out */
        struct stat st;
        if (stat("out3.txt", &st) == 0 && st.st_size > 0)
            break;
        nap();
    }
    kill(srv, 15);
    wait_for(srv);
    show("received", "out3.txt");
    unlink("d.sock");

    pid_t e = run("-u", "OPEN:in.txt", "EXEC:./socat -u - CREATE\\:out4.txt");
    printf("exec over a socketpair: %d\n", wait_for(e));
    show("received", "out4.txt");
    unlink("in.txt");
    return 0;
}
