/* Bad uses of the device files, each answered as Linux answers it:
 *   mmioerr checks    mmap errors (EINVAL, EACCES) and, with a SIGBUS
 *                     handler, the si_code/si_addr of bad register accesses
 *   mmioerr misaligned  an 8-byte load at offset 4 of the timer: dies of
 *                     SIGBUS (BUS_ADRALN)
 *   mmioerr wrongsize   a 4-byte load of the 8-byte INSNS register: dies of
 *                     SIGBUS (BUS_ADRERR) */
#include <errno.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int fails;
#define CHECK(c)                                                             \
    do {                                                                     \
        if (!(c)) {                                                          \
            printf("FAIL line %d: %s (errno %d)\n", __LINE__, #c, errno);   \
            fails++;                                                         \
        }                                                                    \
    } while (0)

static sigjmp_buf jb;
static volatile int got_code;
static volatile uintptr_t got_addr;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
    got_code = si->si_code;
    got_addr = (uintptr_t)si->si_addr;
    siglongjmp(jb, 1);
}

static volatile uint8_t *map_timer(int flags)
{
    int fd = open("/dev/vmsim-timer", O_RDWR);
    if (fd < 0)
        return MAP_FAILED;
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, flags, fd, 0);
    close(fd);
    return p;
}

static int checks(void)
{
    int fb = open("/dev/fb0", O_RDWR);
    CHECK(fb >= 0);
    struct fb_fix_screeninfo fix;
    CHECK(ioctl(fb, FBIOGET_FSCREENINFO, &fix) == 0);
    /* fbdev refuses private mappings of the device. */
    CHECK(mmap(NULL, fix.smem_len, PROT_READ, MAP_PRIVATE, fb, 0) == MAP_FAILED && errno == EINVAL);
    /* Beyond the pixels (into the register part, or past it), beyond the registers. */
    CHECK(mmap(NULL, fix.smem_len + 4096, PROT_READ, MAP_SHARED, fb, 0) == MAP_FAILED &&
          errno == EINVAL);
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fb, fix.smem_len + fix.mmio_len) == MAP_FAILED &&
          errno == EINVAL);
    CHECK(mmap(NULL, 8192, PROT_READ, MAP_SHARED, fb, fix.smem_len) == MAP_FAILED &&
          errno == EINVAL);
    /* A read-only descriptor gives no writable shared mapping. */
    int ro = open("/dev/fb0", O_RDONLY);
    CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED &&
          errno == EACCES);
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0) != MAP_FAILED);
    /* The nodes are character devices: fb0 is Linux's FB_MAJOR 29. */
    struct stat st;
    CHECK(stat("/dev/fb0", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 29 &&
          minor(st.st_rdev) == 0);
    CHECK(stat("/dev/vmsim-timer", &st) == 0 && S_ISCHR(st.st_mode));
    /* The timer: one page, shared only. */
    int t = open("/dev/vmsim-timer", O_RDWR);
    CHECK(mmap(NULL, 8192, PROT_READ, MAP_SHARED, t, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, t, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(ioctl(t, FBIOGET_FSCREENINFO, &fix) == -1 && errno == ENOTTY);

    /* Bad register accesses, caught. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGBUS, &sa, NULL);
    volatile uint8_t *tm = map_timer(MAP_SHARED);
    CHECK(tm != MAP_FAILED);
    if (sigsetjmp(jb, 1) == 0) {
        (void)*(volatile uint64_t *)(tm + 4);   /* misaligned */
        CHECK(!"no signal for a misaligned load");
    }
    CHECK(got_code == BUS_ADRALN && got_addr == (uintptr_t)(tm + 4));
    if (sigsetjmp(jb, 1) == 0) {
        (void)*(volatile uint32_t *)tm;   /* INSNS is 8 bytes wide */
        CHECK(!"no signal for a 4-byte load");
    }
    CHECK(got_code == BUS_ADRERR && got_addr == (uintptr_t)tm);
    got_code = 0;
    if (sigsetjmp(jb, 1) == 0) {
        *(volatile uint64_t *)tm = 1;   /* INSNS is read-only */
        CHECK(!"no signal for a store to INSNS");
    }
    CHECK(got_code == BUS_ADRERR);
    got_code = 0;
    if (sigsetjmp(jb, 1) == 0) {
        (void)*(volatile uint32_t *)(tm + 0x100);   /* no register there */
        CHECK(!"no signal for an unknown register");
    }
    CHECK(got_code == BUS_ADRERR);
    printf("mmioerr checks: %s\n", fails ? "FAILED" : "ok");
    return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "checks";
    if (strcmp(mode, "checks") == 0)
        return checks();
    volatile uint8_t *tm = map_timer(MAP_SHARED);
    if (tm == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    printf("%s\n", mode);
    fflush(stdout);
    if (strcmp(mode, "misaligned") == 0)
        return (int)*(volatile uint64_t *)(tm + 4);
    if (strcmp(mode, "wrongsize") == 0)
        return (int)*(volatile uint32_t *)tm;
    return 2;
}
