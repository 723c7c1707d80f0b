/* test_wasi_fs.c: the fd_* and path_* functions against a real directory:
 * the sandbox (escapes refused), file I/O, seek/tell, stat, directories,
 * readdir, renames, links and symlinks, the descriptor table, rights,
 * bad pointers.  Run in an empty directory: it makes ./sandbox (preopened
 * as /sandbox, guest fd 3) and ./outside beside it. */
#include "wasi/w2c_wasi.h"
#include "wasi_check.h"

#define ESC W2C_WASI_ESCAPE_ERRNO
#define FT_DIR W2C_WASI_FILETYPE_DIRECTORY
#define FT_REG W2C_WASI_FILETYPE_REGULAR_FILE
#define FT_LNK W2C_WASI_FILETYPE_SYMBOLIC_LINK

static void write_file(const char *path, const char *s) {
  FILE *f = fopen(path, "w");
  fputs(s, f);
  fclose(f);
}
static int exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

static void fixture(void) {
  char abs[4200];
  if (!getcwd(abs, 4000)) abort();
  strcat(abs, "/outside");
  mkdir("sandbox", 0777);
  mkdir("sandbox/d", 0777);
  write_file("sandbox/f", "hello");
  write_file("sandbox/d/inner", "in");
  write_file("outside", "secret");
  mkdir("outdir", 0777);
  if (symlink(abs, "sandbox/abs") || symlink("../outside", "sandbox/rel") ||
      symlink("..", "sandbox/dotdot") || symlink("loop2", "sandbox/loop1") ||
      symlink("loop1", "sandbox/loop2") || symlink("self", "sandbox/self") ||
      symlink("f", "sandbox/lf") || symlink("d", "sandbox/ld") ||
      symlink("nonexist", "sandbox/dangle") || symlink("d/../f", "sandbox/deep") ||
      symlink("d/../../sandbox/f", "sandbox/up") || symlink("lf", "sandbox/chain") ||
      symlink("../outdir", "sandbox/reldir"))
    abort();
}

static void test_sandbox(void) {
  uint32_t fd, fd2;
  char buf[64];
  /* absolute paths, even the preopen's own name */
  EQ(openr("/etc/passwd", FOLLOW, &fd), ESC);
  EQ(openr("/sandbox/f", FOLLOW, &fd), ESC);
  /* .. */
  EQ(openr("..", FOLLOW, &fd), ESC);
  EQ(openr("../outside", FOLLOW, &fd), ESC);
  EQ(openr("d/../../outside", FOLLOW, &fd), ESC);
  EQ(openr("d/../d/../..", 0, &fd), ESC);
  /* .. that stays inside is fine */
  OK(openr("d/../f", FOLLOW, &fd));
  OK(rd(fd, 10, buf));
  STREQ(buf, "hello");
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  OK(openr("./d//inner", FOLLOW, &fd));
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  OK(openr("d/..", FOLLOW, &fd)); /* the preopen itself */
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  /* symlinks out: absolute, relative, to .., in the middle of a path */
  EQ(openr("abs", FOLLOW, &fd), ESC);
  EQ(openr("abs", 0, &fd), W2C_WASI_ELOOP); /* not followed: O_NOFOLLOW */
  EQ(openr("rel", FOLLOW, &fd), ESC);
  EQ(openr("rel", 0, &fd), W2C_WASI_ELOOP);
  EQ(openr("dotdot/outside", FOLLOW, &fd), ESC);
  EQ(openr("reldir/x", 0, &fd), ESC);
  EQ(openr("abs/x", 0, &fd), ESC);
  EQ(openr("up", FOLLOW, &fd), ESC); /* leaves, then comes back: refused */
  /* symlinks that stay inside */
  OK(openr("deep", FOLLOW, &fd));
  OK(rd(fd, 10, buf));
  STREQ(buf, "hello");
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  OK(openr("chain", FOLLOW, &fd));
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  OK(openr("ld/inner", 0, &fd));
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  EQ(openr("lf", 0, &fd), W2C_WASI_ELOOP);
  /* loops */
  EQ(openr("loop1", FOLLOW, &fd), W2C_WASI_ELOOP);
  EQ(openr("self", FOLLOW, &fd), W2C_WASI_ELOOP);
  EQ(openr("loop1/x", 0, &fd), W2C_WASI_ELOOP);
  /* stat follows or not */
  EQ(w2c_wasi_path_filestat_get(&W, &MEM, 3, FOLLOW, P("rel"), OUT_AT), ESC);
  OK(w2c_wasi_path_filestat_get(&W, &MEM, 3, 0, P("rel"), OUT_AT));
  EQ(LD8(OUT_AT + 16), FT_LNK);
  EQ(w2c_wasi_path_filestat_get(&W, &MEM, 3, 0, P("rel/"), OUT_AT), ESC); /* slash follows */
  /* nothing is created, removed or moved outside */
  EQ(w2c_wasi_path_create_directory(&W, &MEM, 3, P("../newdir")), ESC);
  EQ(w2c_wasi_path_create_directory(&W, &MEM, 3, P("reldir/newdir")), ESC);
  TRUE(!exists("newdir") && !exists("outdir/newdir"));
  EQ(open_(3, "reldir/new", FOLLOW, W2C_WASI_O_CREAT, RIGHTS_ALL, 0, 0, &fd), ESC);
  EQ(w2c_wasi_path_unlink_file(&W, &MEM, 3, P("../outside")), ESC);
  EQ(w2c_wasi_path_unlink_file(&W, &MEM, 3, P("dotdot/outside")), ESC);
  EQ(w2c_wasi_path_remove_directory(&W, &MEM, 3, P("../outdir")), ESC);
  EQ(w2c_wasi_path_rename(&W, &MEM, 3, P("f"), 3, P2("../stolen")), ESC);
  EQ(w2c_wasi_path_rename(&W, &MEM, 3, P("../outside"), 3, P2("got")), ESC);
  EQ(w2c_wasi_path_link(&W, &MEM, 3, 0, P("f"), 3, P2("../hard")), ESC);
  /* symlink_follow is refused before anything is followed (as wasmtime) */
  EQ(w2c_wasi_path_link(&W, &MEM, 3, FOLLOW, P("rel"), 3, P2("hard")), W2C_WASI_EINVAL);
  EQ(w2c_wasi_path_filestat_set_times(&W, &MEM, 3, FOLLOW, P("rel"), 0, 0,
                                      W2C_WASI_FST_MTIM_NOW), ESC);
  TRUE(exists("outside") && exists("outdir") && !exists("stolen") && !exists("hard"));
  TRUE(!exists("sandbox/got") && !exists("sandbox/hard"));
  /* creating symlinks: an absolute target is refused, a relative one that
   * points out is stored but cannot be followed */
  EQ(w2c_wasi_path_symlink(&W, &MEM, P("/etc/passwd"), 3, P2("s1")), ESC);
  OK(w2c_wasi_path_symlink(&W, &MEM, P("../outside"), 3, P2("s2")));
  EQ(openr("s2", FOLLOW, &fd), ESC);
  /* readlink: relative shown, absolute hidden */
  OK(w2c_wasi_path_readlink(&W, &MEM, 3, P("rel"), DATA_AT, 100, OUT_AT));
  EQ(LD32(OUT_AT), 10);
  TRUE(memcmp(MEM.data + DATA_AT, "../outside", 10) == 0);
  EQ(w2c_wasi_path_readlink(&W, &MEM, 3, P("abs"), DATA_AT, 100, OUT_AT), ESC);
  /* a directory descriptor is a root of its own */
  OK(openr("d", 0, &fd));
  EQ(open_(fd, "../f", FOLLOW, 0, RIGHTS_RO, 0, 0, NULL), ESC);
  OK(open_(fd, "inner", FOLLOW, 0, RIGHTS_RO, 0, 0, &fd2));
  OK(w2c_wasi_fd_close(&W, &MEM, fd2));
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  /* malformed paths */
  EQ(openr("", FOLLOW, &fd), W2C_WASI_ENOENT);
  memcpy(MEM.data + PATH_AT, "f\0x", 3);
  EQ(w2c_wasi_path_open(&W, &MEM, 3, 0, PATH_AT, 3, 0, RIGHTS_RO, 0, 0, OUT_AT), W2C_WASI_EINVAL);
  EQ(openr("\xff", FOLLOW, &fd), W2C_WASI_EILSEQ);
  EQ(openr("\xc3", FOLLOW, &fd), W2C_WASI_EILSEQ);
  EQ(openr("\xed\xa0\x80", FOLLOW, &fd), W2C_WASI_EILSEQ); /* a surrogate */
  EQ(openr("caf\xc3\xa9", FOLLOW, &fd), W2C_WASI_ENOENT);  /* valid UTF-8 */
  {
    char longp[5000];
    memset(longp, 'a', 300);
    longp[300] = 0;
    EQ(openr(longp, FOLLOW, &fd), W2C_WASI_ENAMETOOLONG); /* a name > NAME_MAX */
    memset(longp, 0, sizeof longp);
    while (strlen(longp) < 4200) strcat(longp, "d/");
    EQ(openr(longp, FOLLOW, &fd), W2C_WASI_ENAMETOOLONG); /* a path > PATH_MAX */
  }
}

static void test_files(void) {
  uint32_t fd, fd2;
  char buf[64];
  OK(open_(3, "new.txt", FOLLOW, W2C_WASI_O_CREAT | W2C_WASI_O_TRUNC, RIGHTS_ALL, 0, 0, &fd));
  EQ(fd, 4);
  /* gathered write, scattered read */
  iov(0, DATA_AT, put(DATA_AT, "abc"));
  iov(1, DATA_AT + 100, put(DATA_AT + 100, "def"));
  iov(2, DATA_AT, 0);
  OK(w2c_wasi_fd_write(&W, &MEM, fd, IOV_AT, 3, OUT_AT));
  EQ(LD32(OUT_AT), 6);
  OK(w2c_wasi_fd_tell(&W, &MEM, fd, OUT_AT));
  EQ(LD64(OUT_AT), 6);
  OK(w2c_wasi_fd_seek(&W, &MEM, fd, 0, W2C_WASI_WHENCE_SET, OUT_AT));
  EQ(LD64(OUT_AT), 0);
  iov(0, DATA_AT + 200, 2);
  iov(1, DATA_AT + 300, 10);
  OK(w2c_wasi_fd_read(&W, &MEM, fd, IOV_AT, 2, OUT_AT));
  EQ(LD32(OUT_AT), 6);
  TRUE(memcmp(MEM.data + DATA_AT + 200, "ab", 2) == 0 &&
       memcmp(MEM.data + DATA_AT + 300, "cdef", 4) == 0);
  OK(rd(fd, 10, buf));
  EQ(nio, 0); /* end of file */
  OK(w2c_wasi_fd_seek(&W, &MEM, fd, (uint64_t)-2, W2C_WASI_WHENCE_END, OUT_AT));
  EQ(LD64(OUT_AT), 4);
  OK(w2c_wasi_fd_seek(&W, &MEM, fd, (uint64_t)-1, W2C_WASI_WHENCE_CUR, OUT_AT));
  EQ(LD64(OUT_AT), 3);
  EQ(w2c_wasi_fd_seek(&W, &MEM, fd, (uint64_t)-10, W2C_WASI_WHENCE_SET, OUT_AT), W2C_WASI_EINVAL);
  EQ(w2c_wasi_fd_seek(&W, &MEM, fd, 0, 3, OUT_AT), W2C_WASI_EINVAL);
  OK(w2c_wasi_fd_seek(&W, &MEM, fd, UINT64_C(1) << 40, W2C_WASI_WHENCE_SET, OUT_AT));
  EQ(LD64(OUT_AT), UINT64_C(1) << 40);
  /* pread / pwrite leave the position alone */
  OK(w2c_wasi_fd_seek(&W, &MEM, fd, 1, W2C_WASI_WHENCE_SET, OUT_AT));
  iov(0, DATA_AT, put(DATA_AT, "XY"));
  OK(w2c_wasi_fd_pwrite(&W, &MEM, fd, IOV_AT, 1, 4, OUT_AT));
  EQ(LD32(OUT_AT), 2);
  iov(0, DATA_AT, 3);
  iov(1, DATA_AT + 3, 3);
  OK(w2c_wasi_fd_pread(&W, &MEM, fd, IOV_AT, 2, 1, OUT_AT));
  EQ(LD32(OUT_AT), 5);
  TRUE(memcmp(MEM.data + DATA_AT, "bcdXY", 5) == 0);
  OK(w2c_wasi_fd_tell(&W, &MEM, fd, OUT_AT));
  EQ(LD64(OUT_AT), 1);
  EQ(w2c_wasi_fd_pread(&W, &MEM, fd, IOV_AT, 1, UINT64_C(1) << 63, OUT_AT), W2C_WASI_EINVAL);
  /* stat, size, allocate, times, sync */
  OK(w2c_wasi_fd_filestat_get(&W, &MEM, fd, OUT_AT));
  EQ(LD8(OUT_AT + 16), FT_REG);
  EQ(LD64(OUT_AT + 32), 6);
  EQ(LD64(OUT_AT + 24), 1); /* nlink */
  OK(w2c_wasi_fd_filestat_set_size(&W, &MEM, fd, 3));
  OK(w2c_wasi_fd_filestat_get(&W, &MEM, fd, OUT_AT));
  EQ(LD64(OUT_AT + 32), 3);
  EQ(w2c_wasi_fd_filestat_set_size(&W, &MEM, fd, UINT64_C(1) << 63), W2C_WASI_EINVAL);
  OK(w2c_wasi_fd_allocate(&W, &MEM, fd, 0, 100));
  OK(w2c_wasi_fd_filestat_get(&W, &MEM, fd, OUT_AT));
  EQ(LD64(OUT_AT + 32), 100);
  EQ(w2c_wasi_fd_allocate(&W, &MEM, fd, 0, 0), W2C_WASI_EINVAL);
  OK(w2c_wasi_fd_advise(&W, &MEM, fd, 0, 100, 1));
  EQ(w2c_wasi_fd_advise(&W, &MEM, fd, 0, 100, 6), W2C_WASI_EINVAL);
  OK(w2c_wasi_fd_datasync(&W, &MEM, fd));
  OK(w2c_wasi_fd_sync(&W, &MEM, fd));
  { /* read-only: datasync as fsync, set_size EINVAL, allocate ENOTSUP (as wasmtime);
     * a position past the host's largest file is kept (reads there: EOF) */
    uint32_t ro;
    OK(open_(3, "new.txt", 0, 0, RIGHTS_RO, 0, 0, &ro));
    OK(w2c_wasi_fd_datasync(&W, &MEM, ro));
    EQ(w2c_wasi_fd_filestat_set_size(&W, &MEM, ro, 0), W2C_WASI_EINVAL);
    EQ(w2c_wasi_fd_allocate(&W, &MEM, ro, 0, 10), W2C_WASI_ENOTSUP);
    OK(w2c_wasi_fd_seek(&W, &MEM, ro, (uint64_t)INT64_MAX, W2C_WASI_WHENCE_SET, OUT_AT));
    EQ(LD64(OUT_AT), (uint64_t)INT64_MAX);
    OK(w2c_wasi_fd_tell(&W, &MEM, ro, OUT_AT));
    EQ(LD64(OUT_AT), (uint64_t)INT64_MAX);
    iov(0, DATA_AT, 4);
    OK(w2c_wasi_fd_read(&W, &MEM, ro, IOV_AT, 1, OUT_AT));
    EQ(LD32(OUT_AT), 0);
    EQ(w2c_wasi_fd_seek(&W, &MEM, ro, 1, W2C_WASI_WHENCE_CUR, OUT_AT), W2C_WASI_EINVAL);
    OK(w2c_wasi_fd_seek(&W, &MEM, ro, (uint64_t)-(INT64_MAX - 2), W2C_WASI_WHENCE_CUR, OUT_AT));
    EQ(LD64(OUT_AT), 2);
    OK(w2c_wasi_fd_tell(&W, &MEM, ro, OUT_AT));
    EQ(LD64(OUT_AT), 2);
    OK(w2c_wasi_fd_close(&W, &MEM, ro));
  }
  OK(w2c_wasi_fd_filestat_set_times(&W, &MEM, fd, UINT64_C(1000000000123), UINT64_C(2000000000456),
                                    W2C_WASI_FST_ATIM | W2C_WASI_FST_MTIM));
  OK(w2c_wasi_fd_filestat_get(&W, &MEM, fd, OUT_AT));
  EQ(LD64(OUT_AT + 40), UINT64_C(1000000000123));
  EQ(LD64(OUT_AT + 48), UINT64_C(2000000000456));
  OK(w2c_wasi_path_filestat_set_times(&W, &MEM, 3, 0, P("new.txt"), 0, UINT64_C(5000000000),
                                      W2C_WASI_FST_MTIM));
  OK(w2c_wasi_path_filestat_get(&W, &MEM, 3, 0, P("new.txt"), OUT_AT));
  EQ(LD64(OUT_AT + 40), UINT64_C(1000000000123)); /* atim untouched */
  EQ(LD64(OUT_AT + 48), UINT64_C(5000000000));
  OK(w2c_wasi_fd_filestat_set_times(&W, &MEM, fd, 0, 0, W2C_WASI_FST_MTIM_NOW));
  OK(w2c_wasi_fd_filestat_get(&W, &MEM, fd, OUT_AT));
  TRUE(LD64(OUT_AT + 48) > UINT64_C(1600000000) * 1000000000u);
  EQ(w2c_wasi_fd_filestat_set_times(&W, &MEM, fd, 0, 0, W2C_WASI_FST_ATIM | W2C_WASI_FST_ATIM_NOW),
     W2C_WASI_EINVAL);
  EQ(w2c_wasi_fd_filestat_set_times(&W, &MEM, fd, 0, 0, 16), W2C_WASI_EINVAL);
  /* fdstat and flags */
  memset(MEM.data + OUT_AT, 0xAA, 24);
  OK(w2c_wasi_fd_fdstat_get(&W, &MEM, fd, OUT_AT));
  EQ(LD8(OUT_AT), FT_REG);
  EQ(LD8(OUT_AT + 1), 0); /* padding zeroed */
  EQ(LD16(OUT_AT + 2), 0);
  EQ(LD32(OUT_AT + 4), 0);
  EQ(LD64(OUT_AT + 8), W2C_WASI_RIGHTS_FILE);
  EQ(LD64(OUT_AT + 16), 0);
  OK(w2c_wasi_fd_fdstat_set_flags(&W, &MEM, fd, W2C_WASI_FDFLAG_APPEND | W2C_WASI_FDFLAG_NONBLOCK));
  OK(w2c_wasi_fd_fdstat_get(&W, &MEM, fd, OUT_AT));
  EQ(LD16(OUT_AT + 2), W2C_WASI_FDFLAG_APPEND | W2C_WASI_FDFLAG_NONBLOCK);
  OK(w2c_wasi_fd_seek(&W, &MEM, fd, 0, W2C_WASI_WHENCE_SET, OUT_AT));
  OK(wr(fd, "Z"));
  OK(w2c_wasi_fd_tell(&W, &MEM, fd, OUT_AT));
  EQ(LD64(OUT_AT), 101); /* appended */
  EQ(w2c_wasi_fd_fdstat_set_flags(&W, &MEM, fd, W2C_WASI_FDFLAG_SYNC), W2C_WASI_EINVAL);
  OK(w2c_wasi_fd_fdstat_set_flags(&W, &MEM, fd, 0));
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  /* open flags */
  OK(open_(3, "app", 0, W2C_WASI_O_CREAT, RIGHTS_ALL, 0, W2C_WASI_FDFLAG_APPEND, &fd));
  OK(w2c_wasi_fd_fdstat_get(&W, &MEM, fd, OUT_AT));
  EQ(LD16(OUT_AT + 2), W2C_WASI_FDFLAG_APPEND);
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  EQ(open_(3, "f", 0, W2C_WASI_O_CREAT | W2C_WASI_O_EXCL, RIGHTS_ALL, 0, 0, &fd), W2C_WASI_EEXIST);
  EQ(open_(3, "lf", FOLLOW, W2C_WASI_O_CREAT | W2C_WASI_O_EXCL, RIGHTS_ALL, 0, 0, &fd),
     W2C_WASI_EEXIST);
  EQ(open_(3, "f", 0, W2C_WASI_O_DIRECTORY, RIGHTS_RO, 0, 0, &fd), W2C_WASI_ENOTDIR);
  EQ(openr("f/", 0, &fd), W2C_WASI_ENOTDIR);
  EQ(openr("lf/", 0, &fd), W2C_WASI_ENOTDIR);
  EQ(openr("f/x", 0, &fd), W2C_WASI_ENOTDIR);
  EQ(openr("nonexist/x", 0, &fd), W2C_WASI_ENOENT);
  EQ(openr("dangle", FOLLOW, &fd), W2C_WASI_ENOENT);
  EQ(open_(3, "x", 0, W2C_WASI_O_CREAT | W2C_WASI_O_DIRECTORY, RIGHTS_ALL, 0, 0, &fd),
     W2C_WASI_EINVAL);
  EQ(open_(3, "x", 0, 16, RIGHTS_ALL, 0, 0, &fd), W2C_WASI_EINVAL);
  EQ(open_(3, "d", 0, 0, RIGHTS_ALL, 0, 0, &fd), W2C_WASI_EISDIR); /* write rights on a dir */
  OK(openr("ld/", 0, &fd)); /* a trailing slash follows */
  OK(w2c_wasi_fd_fdstat_get(&W, &MEM, fd, OUT_AT));
  EQ(LD8(OUT_AT), FT_DIR);
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  /* truncate */
  OK(open_(3, "f", 0, W2C_WASI_O_TRUNC, RIGHTS_ALL, 0, 0, &fd));
  OK(w2c_wasi_fd_filestat_get(&W, &MEM, fd, OUT_AT));
  EQ(LD64(OUT_AT + 32), 0);
  OK(wr(fd, "hello"));
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  /* O_CREAT through a dangling symlink creates its (inside) target */
  OK(open_(3, "dangle", FOLLOW, W2C_WASI_O_CREAT, RIGHTS_ALL, 0, 0, &fd));
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  TRUE(exists("sandbox/nonexist"));
  EQ(open_(3, "dangle", 0, W2C_WASI_O_CREAT, RIGHTS_ALL, 0, 0, &fd), W2C_WASI_ELOOP);
  /* two descriptors of one file */
  OK(openr("f", 0, &fd));
  OK(openr("f", 0, &fd2));
  OK(rd(fd, 2, buf));
  OK(rd(fd2, 5, buf));
  STREQ(buf, "hello");
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  OK(w2c_wasi_fd_close(&W, &MEM, fd2));
}

#include "test_wasi_fs_b.h"

int main(void) {
  static const char *const argv[] = {"prog"};
  static const char *const host[] = {"sandbox"}, *const guest[] = {"/sandbox"};
  w2c_wasi_config cfg;
  mem_init();
  fixture();
  memset(&cfg, 0, sizeof cfg);
  cfg.argc = 1;
  cfg.argv = argv;
  cfg.npreopens = 1;
  cfg.preopen_host = host;
  cfg.preopen_guest = guest;
  cfg.stdin_fd = 0;
  cfg.stdout_fd = 1;
  cfg.stderr_fd = 2;
  OK(w2c_wasi_init(&W, &cfg));
  test_sandbox();
  test_files();
  test_dirs();
  test_links();
  test_table();
  test_faults();
  test_rights(); /* last: drops rights of the preopen */
  w2c_wasi_free(&W);
  free(MEM.data);
  return check_done();
}
