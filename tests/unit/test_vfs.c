/* The sandbox's path resolution (kernel/vfs.c) against Linux chroot
 * semantics, on a host tree built here:
 *
 *   outside/secret                   a file the guest must never reach
 *   root/a/b/file  ("root file")
 *   root/a/rel -> b/file             relative symlink
 *   root/a/abs -> /a/b/file          absolute: resolves from the sandbox root
 *   root/a/up -> ../../../../a/b/file   ".." clamps at the sandbox root
 *   root/escape -> <host path of outside/secret>   must not leave the sandbox
 *   root/escdir -> <host path of outside>
 *   root/loop1 -> loop2, root/loop2 -> loop1
 *   root/chainN -> chainN-1 ... chain0 -> a/b/file
 *   root/etc/passwd ("sandbox passwd")
 *   sys/lib/libc.so.6, sys/a/b/file ("sysroot file")
 *
 * Expected results are what Linux gives for the same tree after
 * chroot(root) (with the sysroot rule of qemu -L on top). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel/fs/file.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/pagecache.h"
#include "kernel/proc/proc.h"
#include "kernel/fs/vfs.h"

struct env {
    char top[64], root[128], sys[128], outside[128];
    struct fs *fs;     /* root only */
    struct fs *fsys;   /* root + sysroot */
};

static void put_file(const char *dir, const char *rel, const char *content)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0755);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
}

static void put_dir(const char *dir, const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    assert_int_equal(mkdir(path, 0755), 0);
}

static void put_link(const char *dir, const char *rel, const char *target)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
    struct env *e = calloc(1, sizeof *e);
    strcpy(e->top, "/tmp/vmsim-vfs-XXXXXX");
    assert_non_null(mkdtemp(e->top));
    snprintf(e->root, sizeof e->root, "%s/root", e->top);
    snprintf(e->sys, sizeof e->sys, "%s/sys", e->top);
    snprintf(e->outside, sizeof e->outside, "%s/outside", e->top);
    put_dir(e->top, "root");
    put_dir(e->top, "sys");
    put_dir(e->top, "outside");
    put_file(e->outside, "secret", "secret");
    put_dir(e->root, "a");
    put_dir(e->root, "a/b");
    put_file(e->root, "a/b/file", "root file");
    put_link(e->root, "a/rel", "b/file");
    put_link(e->root, "a/abs", "/a/b/file");
    put_link(e->root, "a/up", "../../../../a/b/file");
    char target[256];
    snprintf(target, sizeof target, "%s/secret", e->outside);
    put_link(e->root, "escape", target);
    put_link(e->root, "escdir", e->outside);
    put_link(e->root, "loop1", "loop2");
    put_link(e->root, "loop2", "loop1");
    put_link(e->root, "chain0", "a/b/file");
    for (int i = 1; i <= 41; i++) {
        char name[32], prev[32];
        snprintf(name, sizeof name, "chain%d", i);
        snprintf(prev, sizeof prev, "chain%d", i - 1);
        put_link(e->root, name, prev);
    }
    put_dir(e->root, "etc");
    put_file(e->root, "etc/passwd", "sandbox passwd");
    char pw[256];
    snprintf(pw, sizeof pw, "%s/etc/passwd", e->root);
    assert_int_equal(chmod(pw, 0644), 0);   /* not executable */
    put_dir(e->sys, "lib");
    put_file(e->sys, "lib/libc.so.6", "sysroot libc");
    put_dir(e->sys, "a");
    put_dir(e->sys, "a/b");
    put_file(e->sys, "a/b/file", "sysroot file");
    struct vfs_config c1 = {.root = e->root, .sysroot = NULL};
    struct vfs_config c2 = {.root = e->root, .sysroot = e->sys};
    e->fs = fs_new(&c1);
    e->fsys = fs_new(&c2);
    assert_non_null(e->fs);
    assert_non_null(e->fsys);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct env *e = *state;
    fs_put(e->fs);
    fs_put(e->fsys);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", e->top);
    assert_int_equal(system(cmd), 0);
    free(e);
    return 0;
}

/* Resolves path and returns the content of the file it names (static
 * buffer), or "" with *rc set. */
static const char *resolve(struct fs *fs, const char *path, int flags, int *rc, char *canon)
{
    static char buf[256];
    struct vfs_lookup l;
    buf[0] = 0;
    *rc = vfs_lookup(fs, VFS_ROOT, NULL, path, flags, &l);
    if (*rc)
        return buf;
    if (canon)
        strcpy(canon, l.path);
    if (l.exists && l.virt == VFS_HOST && S_ISREG(l.st.st_mode)) {
        int fd = openat(l.dirfd, l.name, O_RDONLY | O_NOFOLLOW);
        assert_true(fd >= 0);
        ssize_t n = read(fd, buf, sizeof buf - 1);
        assert_true(n >= 0);
        buf[n] = 0;
        close(fd);
    }
    vfs_lookup_done(&l);
    return buf;
}

static void test_plain_and_dotdot(void **state)
{
    struct env *e = *state;
    int rc;
    char canon[VFS_PATH_MAX];
    assert_string_equal(resolve(e->fs, "/a/b/file", VFS_FOLLOW, &rc, canon), "root file");
    assert_string_equal(canon, "/a/b/file");
    assert_string_equal(resolve(e->fs, "a/./b//file", VFS_FOLLOW, &rc, canon), "root file");
    assert_string_equal(canon, "/a/b/file");
    /* ".." never goes above "/" */
    assert_string_equal(resolve(e->fs, "/../../../a/b/../b/file", VFS_FOLLOW, &rc, canon),
                        "root file");
    assert_string_equal(canon, "/a/b/file");
    assert_string_equal(resolve(e->fs, "../../..", VFS_FOLLOW, &rc, canon), "");
    assert_int_equal(rc, 0);
    assert_string_equal(canon, "/");
    /* the host's own files are not there */
    resolve(e->fs, "/../outside/secret", VFS_FOLLOW, &rc, NULL);
    assert_int_equal(rc, -ENOENT);
    assert_string_equal(resolve(e->fs, "/etc/passwd", VFS_FOLLOW, &rc, NULL), "sandbox passwd");
}

static void test_symlinks(void **state)
{
    struct env *e = *state;
    int rc;
    char canon[VFS_PATH_MAX];
    assert_string_equal(resolve(e->fs, "/a/rel", VFS_FOLLOW, &rc, canon), "root file");
    assert_string_equal(canon, "/a/b/file");
    assert_string_equal(resolve(e->fs, "/a/abs", VFS_FOLLOW, &rc, canon), "root file");
    assert_string_equal(resolve(e->fs, "/a/up", VFS_FOLLOW, &rc, canon), "root file");
    assert_string_equal(canon, "/a/b/file");
    /* not following the last one: the link itself */
    struct vfs_lookup l;
    assert_int_equal(vfs_lookup(e->fs, VFS_ROOT, NULL, "/a/rel", 0, &l), 0);
    assert_true(S_ISLNK(l.st.st_mode));
    assert_string_equal(l.path, "/a/rel");
    vfs_lookup_done(&l);
    /* a symlink in the middle is always followed */
    assert_int_equal(vfs_lookup(e->fs, VFS_ROOT, NULL, "/escdir/secret", 0, &l), -ENOENT);
}

static void test_escape_refused(void **state)
{
    struct env *e = *state;
    int rc;
    /* absolute host targets resolve inside the sandbox, where they do not exist */
    assert_string_equal(resolve(e->fs, "/escape", VFS_FOLLOW, &rc, NULL), "");
    assert_int_equal(rc, -ENOENT);
    resolve(e->fs, "/escdir/secret", VFS_FOLLOW, &rc, NULL);
    assert_int_equal(rc, -ENOENT);
    /* creating through an escaping link creates inside (its directory is missing: ENOENT) */
    struct vfs_lookup l;
    assert_int_equal(vfs_lookup(e->fs, VFS_ROOT, NULL, "/escape", VFS_FOLLOW | VFS_CREATE, &l),
                     -ENOENT);
    /* the sandbox root and its tree, nothing else */
    char target[512];
    snprintf(target, sizeof target, "%s/secret", e->outside);
    resolve(e->fs, target, VFS_FOLLOW, &rc, NULL);
    assert_int_equal(rc, -ENOENT);
}

static void test_eloop(void **state)
{
    struct env *e = *state;
    int rc;
    resolve(e->fs, "/loop1", VFS_FOLLOW, &rc, NULL);
    assert_int_equal(rc, -ELOOP);
    resolve(e->fs, "/loop1/x", 0, &rc, NULL);
    assert_int_equal(rc, -ELOOP);
    /* 40 links are followed (Linux MAXSYMLINKS), 41 are too many */
    assert_string_equal(resolve(e->fs, "/chain39", VFS_FOLLOW, &rc, NULL), "root file");
    assert_int_equal(rc, 0);
    resolve(e->fs, "/chain40", VFS_FOLLOW, &rc, NULL);
    assert_int_equal(rc, -ELOOP);
}

static void test_enotdir_enametoolong(void **state)
{
    struct env *e = *state;
    int rc;
    resolve(e->fs, "/a/b/file/x", VFS_FOLLOW, &rc, NULL);
    assert_int_equal(rc, -ENOTDIR);
    resolve(e->fs, "/a/b/file/", VFS_FOLLOW, &rc, NULL);
    assert_int_equal(rc, -ENOTDIR);
    resolve(e->fs, "/a/rel/", VFS_FOLLOW, &rc, NULL);
    assert_int_equal(rc, -ENOTDIR);
    char name[300];
    memset(name, 'n', 256);
    name[0] = '/';
    name[257] = 0;
    memset(name + 1, 'n', 256);
    resolve(e->fs, name, VFS_FOLLOW, &rc, NULL);
    assert_int_equal(rc, -ENAMETOOLONG);
    name[256] = 0;   /* 255 bytes: just missing */
    resolve(e->fs, name, VFS_FOLLOW, &rc, NULL);
    assert_int_equal(rc, -ENOENT);
    char *longp = malloc(VFS_PATH_MAX + 10);
    memset(longp, '/', VFS_PATH_MAX + 9);
    longp[VFS_PATH_MAX + 9] = 0;
    resolve(e->fs, longp, VFS_FOLLOW, &rc, NULL);
    assert_int_equal(rc, -ENAMETOOLONG);
    free(longp);
    resolve(e->fs, "", VFS_FOLLOW, &rc, NULL);
    assert_int_equal(rc, -ENOENT);
}

static void test_sysroot_precedence(void **state)
{
    struct env *e = *state;
    int rc;
    /* absolute: the sysroot's copy when it exists there */
    assert_string_equal(resolve(e->fsys, "/a/b/file", VFS_FOLLOW, &rc, NULL), "sysroot file");
    assert_string_equal(resolve(e->fsys, "/lib/libc.so.6", VFS_FOLLOW, &rc, NULL),
                        "sysroot libc");
    /* else the root's */
    assert_string_equal(resolve(e->fsys, "/etc/passwd", VFS_FOLLOW, &rc, NULL),
                        "sandbox passwd");
    /* relative paths are the cwd's (in root) */
    assert_string_equal(resolve(e->fsys, "a/b/file", VFS_FOLLOW, &rc, NULL), "root file");
    /* without a sysroot, no /lib */
    resolve(e->fs, "/lib/libc.so.6", VFS_FOLLOW, &rc, NULL);
    assert_int_equal(rc, -ENOENT);
    /* a directory in both trees is root's; one only in the sysroot is the sysroot's */
    struct vfs_lookup d;
    assert_int_equal(vfs_lookup(e->fsys, VFS_ROOT, NULL, "/", VFS_FOLLOW, &d), 0);
    assert_int_equal(d.base, VFS_ROOT);
    vfs_lookup_done(&d);
    assert_int_equal(vfs_lookup(e->fsys, VFS_ROOT, NULL, "/a/b", VFS_FOLLOW, &d), 0);
    assert_int_equal(d.base, VFS_ROOT);
    vfs_lookup_done(&d);
    assert_int_equal(vfs_lookup(e->fsys, VFS_ROOT, NULL, "/lib/", VFS_FOLLOW, &d), 0);
    assert_int_equal(d.base, VFS_SYSROOT);
    /* ... and a relative lookup from it stays there (openat on its dirfd) */
    assert_string_equal(resolve(e->fsys, "/lib/libc.so.6", VFS_FOLLOW, &rc, NULL),
                        "sysroot libc");
    struct vfs_lookup d2;
    assert_int_equal(vfs_lookup(e->fsys, d.base, d.path, "libc.so.6", VFS_FOLLOW, &d2), 0);
    assert_int_equal(d2.base, VFS_SYSROOT);
    assert_string_equal(d2.path, "/lib/libc.so.6");
    vfs_lookup_done(&d2);
    vfs_lookup_done(&d);
    /* a name to create is created in root, even under a sysroot directory */
    struct vfs_lookup l;
    assert_int_equal(vfs_lookup(e->fsys, VFS_ROOT, NULL, "/a/b/new", VFS_CREATE, &l), 0);
    assert_false(l.exists);
    assert_int_equal(l.base, VFS_ROOT);
    vfs_lookup_done(&l);
}

static void test_virtual(void **state)
{
    struct env *e = *state;
    struct vfs_lookup l;
    assert_int_equal(vfs_lookup(e->fs, VFS_ROOT, NULL, "/dev/null", VFS_FOLLOW, &l), 0);
    assert_int_equal(l.virt, VFS_DEV_NULL);
    vfs_lookup_done(&l);
    assert_int_equal(vfs_lookup(e->fs, VFS_ROOT, NULL, "/a/../dev/./zero", VFS_FOLLOW, &l), 0);
    assert_int_equal(l.virt, VFS_DEV_ZERO);
    assert_string_equal(l.path, "/dev/zero");
    vfs_lookup_done(&l);
    assert_int_equal(vfs_lookup(e->fs, VFS_ROOT, NULL, "/dev/urandom", VFS_FOLLOW, &l), 0);
    assert_int_equal(l.virt, VFS_DEV_URANDOM);
    vfs_lookup_done(&l);
    assert_int_equal(vfs_lookup(e->fs, VFS_ROOT, NULL, "/dev", VFS_FOLLOW, &l), 0);
    assert_int_equal(l.virt, VFS_DEV_DIR);
    vfs_lookup_done(&l);
    assert_int_equal(vfs_lookup(e->fs, VFS_ROOT, NULL, "/dev/sda", VFS_FOLLOW, &l), -ENOENT);
    assert_int_equal(vfs_lookup(e->fs, VFS_ROOT, NULL, "/dev/null/x", VFS_FOLLOW, &l),
                     -ENOTDIR);
    assert_int_equal(vfs_lookup(e->fs, VFS_ROOT, NULL, "/proc/self/maps", VFS_FOLLOW, &l),
                     -ENOENT);
}

static void test_cwd_and_dirfd(void **state)
{
    struct env *e = *state;
    struct fs *fs = fs_fork(e->fs);
    struct vfs_lookup l;
    assert_int_equal(vfs_lookup(fs, VFS_ROOT, NULL, "a/b", VFS_FOLLOW, &l), 0);
    assert_int_equal(fs_chdir(fs, &l), 0);
    vfs_lookup_done(&l);
    assert_string_equal(fs_cwd(fs), "/a/b");
    assert_string_equal(fs_cwd(e->fs), "/");   /* the fork has its own cwd */
    int rc;
    char canon[VFS_PATH_MAX];
    assert_string_equal(resolve(fs, "file", VFS_FOLLOW, &rc, canon), "root file");
    assert_string_equal(canon, "/a/b/file");
    assert_string_equal(resolve(fs, "../../../../a/rel", VFS_FOLLOW, &rc, NULL), "root file");
    /* relative to a directory (openat's dirfd) */
    assert_int_equal(vfs_lookup(fs, VFS_ROOT, "/a", "b/file", VFS_FOLLOW, &l), 0);
    assert_string_equal(l.path, "/a/b/file");
    vfs_lookup_done(&l);
    /* chdir to a file */
    assert_int_equal(vfs_lookup(fs, VFS_ROOT, NULL, "/a/b/file", VFS_FOLLOW, &l), 0);
    assert_int_equal(fs_chdir(fs, &l), -ENOTDIR);
    vfs_lookup_done(&l);
    assert_int_equal(fs_umask(fs, 077), 022);
    assert_int_equal(fs_get_umask(fs), 077);
    fs_put(fs);
}

static void test_open_vfile(void **state)
{
    struct env *e = *state;
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.mem_bytes = 16ULL << 20;
    struct machine *m = machine_new(&cfg);
    struct kernel *k = kernel_new(m);
    struct proc *p = calloc(1, sizeof *p);
    p->k = k;
    p->fs = e->fsys;
    struct vfile *f1 = NULL, *f2 = NULL;
    char err[128];
    assert_int_equal(vfs_open_vfile(p, "/lib/libc.so.6", true, &f1, err, sizeof err), 0);
    assert_string_equal(vfile_name(f1), "/lib/libc.so.6");
    assert_int_equal(vfile_size(f1), strlen("sysroot libc"));
    /* the same file through a different path: one page-cache identity */
    assert_int_equal(vfs_open_vfile(p, "/lib/../lib/libc.so.6", false, &f2, err, sizeof err), 0);
    assert_ptr_equal(f1->ino, f2->ino);
    vfile_put(f2);
    assert_int_equal(vfs_open_vfile(p, "/nope", false, &f2, err, sizeof err), -ENOENT);
    assert_string_equal(err, strerror(ENOENT));
    assert_int_equal(vfs_open_vfile(p, "/a", false, &f2, err, sizeof err), -EACCES);
    assert_int_equal(vfs_open_vfile(p, "/etc/passwd", false, &f2, err, sizeof err), -EACCES);
    assert_int_equal(vfs_open_vfile(p, "/escape", false, &f2, err, sizeof err), -ENOENT);
    assert_int_equal(vfs_open_vfile(p, "/dev/zero", false, &f2, err, sizeof err), -EACCES);
    vfile_put(f1);
    free(p);
    kernel_free(k);
    machine_free(m);
}

static void test_files_table(void **state)
{
    struct files *t = files_new_stdio();
    assert_non_null(t);
    assert_non_null(files_lookup(t, 0));
    assert_non_null(files_lookup(t, 2));
    assert_null(files_lookup(t, 3));
    struct file *f = file_new_dev(VFS_DEV_NULL, LX_O_RDWR, "/dev/null");
    int fd = files_install(t, f, 0, true);
    assert_int_equal(fd, 3);
    assert_int_equal(files_install_at(t, f, 7, false), 7);
    assert_int_equal(f->refcount, 2);
    struct files *c = files_fork(t);
    assert_int_equal(f->refcount, 4);
    files_close_on_exec(c);   /* fd 3 was close-on-exec */
    assert_null(files_lookup(c, 3));
    assert_ptr_equal(files_lookup(c, 7), f);
    assert_int_equal(f->refcount, 3);
    files_put(c);
    assert_int_equal(f->refcount, 2);
    /* RLIMIT_NOFILE */
    int last = 0;
    for (int i = 0; i < FILES_MAX + 5; i++) {
        int r = files_install(t, file_get(f), 0, false);
        if (r < 0) {
            assert_int_equal(r, -EMFILE);
            break;
        }
        last = r;
    }
    assert_int_equal(last, FILES_MAX - 1);
    assert_int_equal(files_close(t, FILES_MAX), -EBADF);
    assert_int_equal(files_close(t, 8), 0);
    assert_int_equal(files_install(t, file_get(f), 0, false), 8);
    files_put(t);
}

/* Every (dev, ino) reachable inside root and sysroot, found with lstat. */
static struct { dev_t dev; ino_t ino; } inside[256];
static int n_inside;
static int note_inside(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    if (n_inside < 256) {
        inside[n_inside].dev = st->st_dev;
        inside[n_inside].ino = st->st_ino;
        n_inside++;
    }
    return 0;
}

/* Random paths built from names that exist, "..", ".", links that point
 * outside and in loops: whatever resolves is an object of the sandbox, its
 * canonical path is clean, and nothing resolves to the outside secret. */
static void test_random_paths_stay_inside(void **state)
{
    struct env *e = *state;
    n_inside = 0;
    assert_int_equal(nftw(e->root, note_inside, 16, FTW_PHYS), 0);
    assert_int_equal(nftw(e->sys, note_inside, 16, FTW_PHYS), 0);
    static const char *parts[] = {"a", "b", "file", "rel", "abs", "up", "escape", "escdir",
                                  "secret", "..", ".", "", "loop1", "chain3", "lib", "etc",
                                  "passwd", "outside", "root", "dev", "null"};
    uint64_t seed = 42;
    int resolved = 0;
    for (int iter = 0; iter < 20000; iter++) {
        char path[512] = "";
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        int n = 1 + (int)((seed >> 60) & 7);
        if (seed & (1ULL << 40))
            strcat(path, "/");
        for (int i = 0; i < n; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            strcat(path, parts[(seed >> 33) % (sizeof parts / sizeof parts[0])]);
            if (i + 1 < n)
                strcat(path, "/");
        }
        struct fs *fs = (seed & (1ULL << 41)) ? e->fsys : e->fs;
        struct vfs_lookup l;
        int flags = (seed & (1ULL << 42)) ? VFS_FOLLOW : 0;
        if (vfs_lookup(fs, VFS_ROOT, NULL, path, flags, &l) != 0)
            continue;
        resolved++;
        assert_true(l.path[0] == '/');
        assert_null(strstr(l.path, "/./"));
        assert_null(strstr(l.path, "/../"));
        assert_null(strstr(l.path, "//"));
        if (l.virt == VFS_HOST) {
            bool found = false;
            for (int i = 0; i < n_inside && !found; i++)
                found = inside[i].dev == l.st.st_dev && inside[i].ino == l.st.st_ino;
            if (!found)
                fail_msg("%s resolved outside the sandbox (to %s)", path, l.path);
        }
        vfs_lookup_done(&l);
    }
    assert_true(resolved > 1000);
}

/* vmsim run keeps its vfs_config on the stack: the defaults must set every
 * field (an unset ntmpfs, tmpfs_size or cwd was whatever the stack held). */
static void test_config_default_sets_all(void **state)
{
    (void)state;
    struct vfs_config c;
    memset(&c, 0xa5, sizeof c);
    vfs_config_default(&c);
    assert_string_equal(c.root, ".");
    assert_int_equal(c.ntmpfs, 0);
    assert_int_equal(c.tmpfs_size, 0);
    assert_null(c.cwd);
    for (size_t i = 0; i < sizeof c.tmpfs / sizeof c.tmpfs[0]; i++)
        assert_null(c.tmpfs[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plain_and_dotdot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlinks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escape_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eloop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enotdir_enametoolong, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sysroot_precedence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtual, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cwd_and_dirfd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_vfile, setup, teardown),
        cmocka_unit_test(test_files_table),
        cmocka_unit_test_setup_teardown(test_random_paths_stay_inside, setup, teardown),
        cmocka_unit_test(test_config_default_sets_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
