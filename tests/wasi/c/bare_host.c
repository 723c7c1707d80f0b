/* bare_host.c: the bare-metal WASI shim (runtime_c/wasi/w2c_wasi_bare.h),
 * built on the host with -DW2C_WASI_BARE (tests/wasi/test_wasi_bare.py).
 *
 * This file plays the platform: its hooks record what the shim does (the
 * bytes written per stream, the exit code, through longjmp), simulate the
 * clocks (monotonic time advances 1 us per reading, realtime is a fixed
 * epoch plus that) and can be told to fail.  The guest memory is a static
 * buffer given with w2c_memory_use_static.  Every one of the 46 functions
 * is called, its errno and the bytes it wrote checked; prints
 * "checks: N failures: F" (wasi_check.h). */
#include <setjmp.h>

/* counts the turns of poll_oneoff's busy wait */
static unsigned long idle_turns;
#define W2C_WASI_BARE_IDLE() ((void)idle_turns++)

#include "wasi/w2c_wasi.h"
#include <stdlib.h>
#include <string.h>
#include "wasi_check.h"

#ifndef W2C_WASI_BARE_H
#error "W2C_WASI_BARE did not select w2c_wasi_bare.h"
#endif

/* ---- the platform ----------------------------------------------------------------- */
static char out1[4096], out2[4096];    /* what stdout / stderr received */
static size_t n1, n2, hook_writes, bad_writes;
static uint64_t counted;                /* count_only: bytes seen */
static int count_only;
static void reset_out(void) {
  n1 = n2 = hook_writes = bad_writes = 0;
  memset(out1, 0, sizeof out1);
  memset(out2, 0, sizeof out2);
}
void w2c_bare_write(uint32_t fd, const uint8_t *buf, size_t len) {
  hook_writes++;
  if (len == 0 || buf == NULL || (fd != 1 && fd != 2)) {
    bad_writes++;
    return;
  }
  if (count_only) {
    counted += len;
    return;
  }
  if (fd == 1 && n1 + len < sizeof out1) memcpy(out1 + n1, buf, len), n1 += len;
  else if (fd == 2 && n2 + len < sizeof out2) memcpy(out2 + n2, buf, len), n2 += len;
  else bad_writes++;
}

static jmp_buf exit_env;
static volatile uint32_t exit_code, exit_calls;
void w2c_bare_exit(uint32_t code) {
  exit_code = code;
  exit_calls++;
  longjmp(exit_env, 1);
}

#define EPOCH UINT64_C(1700000000000000000) /* realtime at monotonic 0 */
static uint64_t mono;                     /* ns; +1000 per reading */
static unsigned clock_calls;
static uint32_t fail_clock = 99;           /* this clock id returns fail_errno */
static uint32_t fail_errno;
uint32_t w2c_bare_clock_time(uint32_t clock_id, uint64_t *ns) {
  clock_calls++;
  if (clock_id > 3) return 99; /* must not happen: the shim checks ids */
  if (clock_id == fail_clock) return fail_errno;
  mono += 1000;
  *ns = clock_id == W2C_WASI_CLOCK_REALTIME    ? EPOCH + mono
        : clock_id == W2C_WASI_CLOCK_MONOTONIC ? mono
                                               : mono + clock_id; /* CPU times */
  return 0;
}
uint32_t w2c_bare_clock_res(uint32_t clock_id, uint64_t *ns) {
  clock_calls++;
  if (clock_id > 3) return 99;
  if (clock_id == 3) return W2C_WASI_ENOTSUP; /* a clock this "board" lacks */
  *ns = 1000u * (clock_id + 1);
  return 0;
}

static unsigned random_calls;
static uint32_t random_errno;
uint32_t w2c_bare_random(uint8_t *buf, size_t len) {
  size_t i;
  random_calls++;
  if (random_errno) return random_errno;
  for (i = 0; i < len; i++) buf[i] = (uint8_t)(0xA0 + i);
  return 0;
}

/* proc_exit(code) with the hook; returns what w2c_bare_exit got (or ~0) */
static uint32_t call_exit(uint32_t code) {
  exit_calls = 0;
  exit_code = 0xFFFFFFFFu;
  if (setjmp(exit_env) == 0) w2c_wasi_proc_exit(&W, &MEM, code);
  return exit_code;
}

static uint8_t guest[MEM_SIZE];

/* ---- init, args, environ ---------------------------------------------------------- */
static const char *const argv3[] = {"prog", "a", "bc"};
static const char *const envp2[] = {"HOME=/h", "EMPTY=", NULL};
static const char *const argv_hole[] = {"x", NULL};

static void setup(void) {
  w2c_wasi_config cfg = {3, argv3, envp2};
  OK(w2c_wasi_init(&W, &cfg));
}

static void test_init(void) {
  w2c_wasi_config bad1 = {-1, argv3, NULL}, bad2 = {1, NULL, NULL}, bad3 = {2, argv_hole, NULL};
  w2c_wasi_config none = {0, NULL, NULL};
  EQ(w2c_wasi_init(&W, &bad1), W2C_WASI_EINVAL);
  EQ(w2c_wasi_init(&W, &bad2), W2C_WASI_EINVAL);
  EQ(w2c_wasi_init(&W, &bad3), W2C_WASI_EINVAL);
  OK(w2c_wasi_init(&W, &none));
  OK(w2c_wasi_args_sizes_get(&W, &MEM, OUT_AT, OUT_AT + 4));
  EQ(LD32(OUT_AT), 0);
  EQ(LD32(OUT_AT + 4), 0);
  OK(w2c_wasi_environ_sizes_get(&W, &MEM, OUT_AT, OUT_AT + 4));
  EQ(LD32(OUT_AT), 0);
  OK(w2c_wasi_args_get(&W, &MEM, MEM_SIZE, MEM_SIZE)); /* nothing to write: no EFAULT */
  w2c_wasi_free(&W);
  EQ(wr(1, "x"), W2C_WASI_EBADF); /* freed: no descriptors */
  setup();
}

static void test_args_env(void) {
  OK(w2c_wasi_args_sizes_get(&W, &MEM, OUT_AT, OUT_AT + 4));
  EQ(LD32(OUT_AT), 3);
  EQ(LD32(OUT_AT + 4), 10);
  memset(MEM.data + DATA_AT, 0xEE, 64);
  OK(w2c_wasi_args_get(&W, &MEM, OUT_AT, DATA_AT));
  EQ(LD32(OUT_AT), DATA_AT);
  EQ(LD32(OUT_AT + 4), DATA_AT + 5);
  EQ(LD32(OUT_AT + 8), DATA_AT + 7);
  TRUE(memcmp(MEM.data + DATA_AT, "prog\0a\0bc\0", 10) == 0);
  EQ(LD8(DATA_AT + 10), 0xEE);
  EQ(w2c_wasi_args_get(&W, &MEM, MEM_SIZE - 8, DATA_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_args_get(&W, &MEM, OUT_AT, MEM_SIZE - 9), W2C_WASI_EFAULT);
  EQ(w2c_wasi_args_get(&W, &MEM, 0xFFFFFFFFu, DATA_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_args_sizes_get(&W, &MEM, OUT_AT, MEM_SIZE - 3), W2C_WASI_EFAULT);
  EQ(w2c_wasi_args_sizes_get(&W, &MEM, MEM_SIZE, OUT_AT), W2C_WASI_EFAULT);
  OK(w2c_wasi_environ_sizes_get(&W, &MEM, OUT_AT, OUT_AT + 4));
  EQ(LD32(OUT_AT), 2);
  EQ(LD32(OUT_AT + 4), 15);
  memset(MEM.data + DATA_AT, 0xEE, 64);
  OK(w2c_wasi_environ_get(&W, &MEM, OUT_AT, DATA_AT));
  EQ(LD32(OUT_AT), DATA_AT);
  EQ(LD32(OUT_AT + 4), DATA_AT + 8);
  TRUE(memcmp(MEM.data + DATA_AT, "HOME=/h\0EMPTY=\0", 15) == 0);
  EQ(LD8(DATA_AT + 15), 0xEE);
  EQ(w2c_wasi_environ_get(&W, &MEM, MEM_SIZE - 4, DATA_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_environ_get(&W, &MEM, OUT_AT, MEM_SIZE - 14), W2C_WASI_EFAULT);
  EQ(w2c_wasi_environ_sizes_get(&W, &MEM, 0xFFFFFFFFu, OUT_AT), W2C_WASI_EFAULT);
}

/* ---- fd_write, fd_read -------------------------------------------------------------- */
static void test_write(void) {
  reset_out();
  iov(0, DATA_AT, put(DATA_AT, "hello, "));
  iov(1, DATA_AT + 100, 0); /* empty: no hook call */
  iov(2, DATA_AT + 200, put(DATA_AT + 200, "world\n"));
  OK(w2c_wasi_fd_write(&W, &MEM, 1, IOV_AT, 3, OUT_AT));
  EQ(LD32(OUT_AT), 13);
  STREQ(out1, "hello, world\n");
  EQ(hook_writes, 2);
  OK(wr(2, "oops\n"));
  EQ(nio, 5);
  STREQ(out2, "oops\n");
  OK(w2c_wasi_fd_write(&W, &MEM, 1, IOV_AT, 0, OUT_AT)); /* no iovec: 0 bytes */
  EQ(LD32(OUT_AT), 0);
  /* not writable / not open */
  EQ(wr(0, "in"), W2C_WASI_EBADF);
  EQ(wr(3, "x"), W2C_WASI_EBADF);
  EQ(wr(0xFFFFFFFFu, "x"), W2C_WASI_EBADF);
  /* bad pointers: EFAULT and nothing written */
  reset_out();
  iov(0, DATA_AT, 4);
  iov(1, MEM_SIZE - 2, 3); /* runs past the end */
  EQ(w2c_wasi_fd_write(&W, &MEM, 1, IOV_AT, 2, OUT_AT), W2C_WASI_EFAULT);
  iov(1, 0xFFFFFFFFu, 1);
  EQ(w2c_wasi_fd_write(&W, &MEM, 1, IOV_AT, 2, OUT_AT), W2C_WASI_EFAULT);
  iov(1, DATA_AT, 0xFFFFFFFFu);
  EQ(w2c_wasi_fd_write(&W, &MEM, 1, IOV_AT, 2, OUT_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_fd_write(&W, &MEM, 1, MEM_SIZE - 12, 2, OUT_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_fd_write(&W, &MEM, 1, IOV_AT, 0x20000000u, OUT_AT), W2C_WASI_EFAULT);
  iov(0, DATA_AT, 4);
  EQ(w2c_wasi_fd_write(&W, &MEM, 1, IOV_AT, 1, MEM_SIZE - 3), W2C_WASI_EFAULT);
  EQ(hook_writes, 0);
  /* a buffer ending exactly at the end of memory is fine */
  memcpy(MEM.data + MEM_SIZE - 3, "end", 3);
  iov(0, MEM_SIZE - 3, 3);
  OK(w2c_wasi_fd_write(&W, &MEM, 2, IOV_AT, 1, MEM_SIZE - 4));
  EQ(LD32(MEM_SIZE - 4), 3);
  STREQ(out2, "end");
  EQ(bad_writes, 0);
}

/* one fd_write of more than 0x7FFFF000 bytes reports that many (a short write) */
static uint8_t big[4 * 65536];
static void test_write_cap(void) {
  w2c_memory m;
  uint32_t i;
  memset(&m, 0, sizeof m);
  OK(w2c_memory_use_static(&m, big, sizeof big, 4, 4, 16));
  for (i = 0; i < 8192; i++) { /* 8192 iovecs of the whole 256 KiB: 2 GiB */
    uint32_t v[2] = {0, (uint32_t)sizeof big};
    v[0] = W2C_LE32(v[0]);
    v[1] = W2C_LE32(v[1]);
    memcpy(big + 8 * i, v, 8);
  }
  count_only = 1;
  counted = 0;
  reset_out();
  OK(w2c_wasi_fd_write(&W, &m, 1, 0, 8192, 65536));
  count_only = 0;
  {
    uint32_t n;
    memcpy(&n, big + 65536, 4);
    EQ(W2C_LE32(n), 0x7FFFF000u);
  }
  EQ(counted, 0x7FFFF000u);
  EQ(bad_writes, 0);
}

static void test_read(void) {
  char buf[16];
  memset(MEM.data + DATA_AT, 0xEE, 16);
  OK(rd(0, 16, buf));
  EQ(nio, 0);
  EQ(LD8(DATA_AT), 0xEE);
  OK(w2c_wasi_fd_read(&W, &MEM, 0, IOV_AT, 0, OUT_AT));
  EQ(LD32(OUT_AT), 0);
  EQ(rd(1, 4, buf), W2C_WASI_EBADF);
  EQ(rd(2, 4, buf), W2C_WASI_EBADF);
  EQ(rd(3, 4, buf), W2C_WASI_EBADF);
  iov(0, MEM_SIZE - 1, 2);
  EQ(w2c_wasi_fd_read(&W, &MEM, 0, IOV_AT, 1, OUT_AT), W2C_WASI_EFAULT);
  iov(0, DATA_AT, 2);
  EQ(w2c_wasi_fd_read(&W, &MEM, 0, IOV_AT, 1, MEM_SIZE), W2C_WASI_EFAULT);
  EQ(w2c_wasi_fd_read(&W, &MEM, 0, MEM_SIZE - 4, 1, OUT_AT), W2C_WASI_EFAULT);
}

/* ---- descriptor state ---------------------------------------------------------------- */
#define R_COMMON (W2C_WASI_RIGHT_FD_DATASYNC | W2C_WASI_RIGHT_FD_SYNC | \
                  W2C_WASI_RIGHT_FD_FDSTAT_SET_FLAGS | W2C_WASI_RIGHT_FD_FILESTAT_GET | \
                  W2C_WASI_RIGHT_POLL_FD_READWRITE)
#define R_IN (R_COMMON | W2C_WASI_RIGHT_FD_READ)
#define R_OUT (R_COMMON | W2C_WASI_RIGHT_FD_WRITE)

static void check_fdstat(uint32_t fd, uint64_t rights) {
  memset(MEM.data + OUT_AT, 0xEE, 32);
  OK(w2c_wasi_fd_fdstat_get(&W, &MEM, fd, OUT_AT));
  EQ(LD8(OUT_AT), W2C_WASI_FILETYPE_CHARACTER_DEVICE);
  EQ(LD8(OUT_AT + 1), 0); /* padding */
  EQ(LD16(OUT_AT + 2), 0);
  EQ(LD32(OUT_AT + 4), 0);
  EQ(LD64(OUT_AT + 8), rights);
  EQ(LD64(OUT_AT + 16), 0);
  EQ(LD8(OUT_AT + 24), 0xEE); /* nothing past the 24 bytes */
}

static void test_fdstat(void) {
  uint32_t fd, i;
  check_fdstat(0, R_IN);
  check_fdstat(1, R_OUT);
  check_fdstat(2, R_OUT);
  /* isatty() in wasi-libc: a character device without seek/tell */
  TRUE(!(R_OUT & (W2C_WASI_RIGHT_FD_SEEK | W2C_WASI_RIGHT_FD_TELL)));
  EQ(w2c_wasi_fd_fdstat_get(&W, &MEM, 3, OUT_AT), W2C_WASI_EBADF);
  EQ(w2c_wasi_fd_fdstat_get(&W, &MEM, 1, MEM_SIZE - 23), W2C_WASI_EFAULT);
  for (fd = 0; fd < 3; fd++) {
    memset(MEM.data + OUT_AT, 0xEE, 72);
    OK(w2c_wasi_fd_filestat_get(&W, &MEM, fd, OUT_AT));
    for (i = 0; i < 64; i++) EQ(LD8(OUT_AT + i), i == 16 ? W2C_WASI_FILETYPE_CHARACTER_DEVICE : 0);
    EQ(LD8(OUT_AT + 64), 0xEE);
  }
  EQ(w2c_wasi_fd_filestat_get(&W, &MEM, 3, OUT_AT), W2C_WASI_EBADF);
  EQ(w2c_wasi_fd_filestat_get(&W, &MEM, 0, MEM_SIZE - 63), W2C_WASI_EFAULT);
  /* flags: nothing to set */
  OK(w2c_wasi_fd_fdstat_set_flags(&W, &MEM, 1, 0));
  EQ(w2c_wasi_fd_fdstat_set_flags(&W, &MEM, 1, W2C_WASI_FDFLAG_APPEND), W2C_WASI_ENOTSUP);
  EQ(w2c_wasi_fd_fdstat_set_flags(&W, &MEM, 0, W2C_WASI_FDFLAG_NONBLOCK), W2C_WASI_ENOTSUP);
  EQ(w2c_wasi_fd_fdstat_set_flags(&W, &MEM, 4, 0), W2C_WASI_EBADF);
  /* sync: nothing to flush */
  for (fd = 0; fd < 3; fd++) {
    OK(w2c_wasi_fd_sync(&W, &MEM, fd));
    OK(w2c_wasi_fd_datasync(&W, &MEM, fd));
  }
  EQ(w2c_wasi_fd_sync(&W, &MEM, 3), W2C_WASI_EBADF);
  EQ(w2c_wasi_fd_datasync(&W, &MEM, 3), W2C_WASI_EBADF);
}

static void test_unsupported(void) {
  uint32_t fd;
  for (fd = 0; fd < 4; fd++) {
    uint32_t open = fd < 3;
#define WANT(e) (open ? (uint32_t)(e) : (uint32_t)W2C_WASI_EBADF)
    EQ(w2c_wasi_fd_seek(&W, &MEM, fd, 0, W2C_WASI_WHENCE_CUR, OUT_AT), WANT(W2C_WASI_ESPIPE));
    EQ(w2c_wasi_fd_seek(&W, &MEM, fd, 5, W2C_WASI_WHENCE_SET, OUT_AT), WANT(W2C_WASI_ESPIPE));
    EQ(w2c_wasi_fd_tell(&W, &MEM, fd, OUT_AT), WANT(W2C_WASI_ESPIPE));
    EQ(w2c_wasi_fd_pread(&W, &MEM, fd, IOV_AT, 1, 0, OUT_AT), WANT(W2C_WASI_ESPIPE));
    EQ(w2c_wasi_fd_pwrite(&W, &MEM, fd, IOV_AT, 1, 0, OUT_AT), WANT(W2C_WASI_ESPIPE));
    EQ(w2c_wasi_fd_advise(&W, &MEM, fd, 0, 10, 0), WANT(W2C_WASI_ESPIPE));
    EQ(w2c_wasi_fd_allocate(&W, &MEM, fd, 0, 10), WANT(W2C_WASI_ESPIPE));
    EQ(w2c_wasi_fd_filestat_set_size(&W, &MEM, fd, 0), WANT(W2C_WASI_EINVAL));
    EQ(w2c_wasi_fd_filestat_set_times(&W, &MEM, fd, 1, 2, W2C_WASI_FST_ATIM),
       WANT(W2C_WASI_ENOTSUP));
    EQ(w2c_wasi_fd_readdir(&W, &MEM, fd, BIG_AT, 1024, 0, OUT_AT), WANT(W2C_WASI_ENOTDIR));
    EQ(w2c_wasi_fd_prestat_dir_name(&W, &MEM, fd, PATH_AT, 16), WANT(W2C_WASI_ENOTDIR));
    EQ(w2c_wasi_sock_accept(&W, &MEM, fd, 0, OUT_AT), WANT(W2C_WASI_ENOTSOCK));
    EQ(w2c_wasi_sock_recv(&W, &MEM, fd, IOV_AT, 1, 0, OUT_AT, OUT_AT + 4),
       WANT(W2C_WASI_ENOTSOCK));
    EQ(w2c_wasi_sock_send(&W, &MEM, fd, IOV_AT, 1, 0, OUT_AT), WANT(W2C_WASI_ENOTSOCK));
    EQ(w2c_wasi_sock_shutdown(&W, &MEM, fd, W2C_WASI_SDFLAG_WR), WANT(W2C_WASI_ENOTSOCK));
#undef WANT
  }
  /* no preopens: every descriptor says EBADF (wasi-libc stops at the first) */
  for (fd = 0; fd < 8; fd++) {
    memset(MEM.data + OUT_AT, 0xEE, 8);
    EQ(w2c_wasi_fd_prestat_get(&W, &MEM, fd, OUT_AT), W2C_WASI_EBADF);
    EQ(LD64(OUT_AT), UINT64_C(0xEEEEEEEEEEEEEEEE));
  }
  EQ(w2c_wasi_fd_prestat_get(&W, &MEM, 0xFFFFFFFFu, OUT_AT), W2C_WASI_EBADF);
  /* no directories: every path_* is EBADF, whatever the descriptor */
  for (fd = 0; fd < 5; fd += 3) {
    EQ(w2c_wasi_path_create_directory(&W, &MEM, fd, P("d")), W2C_WASI_EBADF);
    EQ(w2c_wasi_path_filestat_get(&W, &MEM, fd, 0, P("f"), OUT_AT), W2C_WASI_EBADF);
    EQ(w2c_wasi_path_filestat_set_times(&W, &MEM, fd, 0, P("f"), 1, 2, 5), W2C_WASI_EBADF);
    EQ(w2c_wasi_path_link(&W, &MEM, fd, 0, P("a"), fd, P2("b")), W2C_WASI_EBADF);
    EQ(open_(fd, "f", 0, W2C_WASI_O_CREAT, RIGHTS_ALL, RIGHTS_ALL, 0, NULL), W2C_WASI_EBADF);
    EQ(LD32(OUT_AT), 0xFFFFFFFFu); /* no fd written */
    EQ(w2c_wasi_path_readlink(&W, &MEM, fd, P("l"), DATA_AT, 64, OUT_AT), W2C_WASI_EBADF);
    EQ(w2c_wasi_path_remove_directory(&W, &MEM, fd, P("d")), W2C_WASI_EBADF);
    EQ(w2c_wasi_path_rename(&W, &MEM, fd, P("a"), fd, P2("b")), W2C_WASI_EBADF);
    EQ(w2c_wasi_path_symlink(&W, &MEM, P("t"), fd, P2("l")), W2C_WASI_EBADF);
    EQ(w2c_wasi_path_unlink_file(&W, &MEM, fd, P("f")), W2C_WASI_EBADF);
  }
}

static void test_rights(void) {
  /* drop fd_sync and fd_write from stderr */
  OK(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, 2, R_OUT & ~(W2C_WASI_RIGHT_FD_SYNC |
                                                           W2C_WASI_RIGHT_FD_WRITE), 0));
  check_fdstat(2, R_OUT & ~(W2C_WASI_RIGHT_FD_SYNC | W2C_WASI_RIGHT_FD_WRITE));
  EQ(w2c_wasi_fd_sync(&W, &MEM, 2), W2C_WASI_ENOTCAPABLE);
  OK(w2c_wasi_fd_datasync(&W, &MEM, 2));
  EQ(wr(2, "x"), W2C_WASI_ENOTCAPABLE);
  /* adding back, adding what a stream never has, inheriting: ENOTCAPABLE */
  EQ(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, 2, R_OUT, 0), W2C_WASI_ENOTCAPABLE);
  EQ(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, 1, R_OUT | W2C_WASI_RIGHT_FD_SEEK, 0),
     W2C_WASI_ENOTCAPABLE);
  EQ(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, 1, R_OUT, W2C_WASI_RIGHT_FD_READ),
     W2C_WASI_ENOTCAPABLE);
  EQ(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, 1, R_OUT | (UINT64_C(1) << 40), 0),
     W2C_WASI_ENOTCAPABLE);
  OK(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, 1, R_OUT, 0)); /* the same: fine */
  check_fdstat(1, R_OUT);
  EQ(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, 3, 0, 0), W2C_WASI_EBADF);
  /* stdin without fd_read */
  OK(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, 0, W2C_WASI_RIGHT_POLL_FD_READWRITE, 0));
  {
    char buf[4];
    EQ(rd(0, 4, buf), W2C_WASI_ENOTCAPABLE);
  }
  /* without any right the fd is still open */
  OK(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, 0, 0, 0));
  check_fdstat(0, 0);
  EQ(w2c_wasi_fd_filestat_get(&W, &MEM, 0, OUT_AT), W2C_WASI_ENOTCAPABLE);
  EQ(w2c_wasi_fd_fdstat_set_flags(&W, &MEM, 0, 0), W2C_WASI_ENOTCAPABLE);
  EQ(w2c_wasi_fd_seek(&W, &MEM, 0, 0, 0, OUT_AT), W2C_WASI_ESPIPE);
  w2c_wasi_free(&W);
  setup();
}

static void test_close_renumber(void) {
  char buf[4];
  /* renumber 2 -> 1: fd 1 is now the stderr stream, fd 2 closed */
  reset_out();
  OK(w2c_wasi_fd_renumber(&W, &MEM, 2, 1));
  OK(wr(1, "to stderr"));
  STREQ(out2, "to stderr");
  EQ(n1, 0);
  EQ(wr(2, "x"), W2C_WASI_EBADF);
  EQ(w2c_wasi_fd_fdstat_get(&W, &MEM, 2, OUT_AT), W2C_WASI_EBADF);
  /* to a closed or bad number, from a closed one: EBADF; to itself: nothing */
  EQ(w2c_wasi_fd_renumber(&W, &MEM, 1, 2), W2C_WASI_EBADF);
  EQ(w2c_wasi_fd_renumber(&W, &MEM, 2, 1), W2C_WASI_EBADF);
  EQ(w2c_wasi_fd_renumber(&W, &MEM, 1, 3), W2C_WASI_EBADF);
  EQ(w2c_wasi_fd_renumber(&W, &MEM, 7, 1), W2C_WASI_EBADF);
  OK(w2c_wasi_fd_renumber(&W, &MEM, 1, 1));
  OK(wr(1, "!"));
  STREQ(out2, "to stderr!");
  /* renumber stdin over fd 1: fd 1 reads (EOF), cannot write */
  OK(w2c_wasi_fd_renumber(&W, &MEM, 0, 1));
  OK(rd(1, 4, buf));
  EQ(nio, 0);
  EQ(wr(1, "x"), W2C_WASI_EBADF);
  check_fdstat(1, R_IN);
  /* close: later calls EBADF */
  OK(w2c_wasi_fd_close(&W, &MEM, 1));
  EQ(w2c_wasi_fd_close(&W, &MEM, 1), W2C_WASI_EBADF);
  EQ(rd(1, 4, buf), W2C_WASI_EBADF);
  EQ(w2c_wasi_fd_seek(&W, &MEM, 1, 0, 0, OUT_AT), W2C_WASI_EBADF);
  EQ(w2c_wasi_fd_sync(&W, &MEM, 1), W2C_WASI_EBADF);
  EQ(w2c_wasi_sock_shutdown(&W, &MEM, 1, 3), W2C_WASI_EBADF);
  EQ(w2c_wasi_fd_close(&W, &MEM, 3), W2C_WASI_EBADF);
  EQ(w2c_wasi_fd_close(&W, &MEM, 0xFFFFFFFFu), W2C_WASI_EBADF);
  w2c_wasi_free(&W);
  setup();
  OK(w2c_wasi_fd_close(&W, &MEM, 0));
  OK(wr(1, "still")); /* the others stay open */
  w2c_wasi_free(&W);
  setup();
}

/* ---- clocks, random, process ---------------------------------------------------------- */
static void test_clocks(void) {
  uint32_t id;
  unsigned calls;
  for (id = 0; id < 3; id++) {
    OK(w2c_wasi_clock_res_get(&W, &MEM, id, OUT_AT));
    EQ(LD64(OUT_AT), 1000u * (id + 1));
  }
  EQ(w2c_wasi_clock_res_get(&W, &MEM, 3, OUT_AT), W2C_WASI_ENOTSUP); /* the hook's errno */
  mono = 0;
  OK(w2c_wasi_clock_time_get(&W, &MEM, W2C_WASI_CLOCK_REALTIME, 0, OUT_AT));
  EQ(LD64(OUT_AT), EPOCH + 1000u);
  OK(w2c_wasi_clock_time_get(&W, &MEM, W2C_WASI_CLOCK_MONOTONIC, 1, OUT_AT));
  EQ(LD64(OUT_AT), 2000u);
  OK(w2c_wasi_clock_time_get(&W, &MEM, W2C_WASI_CLOCK_PROCESS_CPUTIME, 1, OUT_AT));
  EQ(LD64(OUT_AT), 3002u);
  OK(w2c_wasi_clock_time_get(&W, &MEM, W2C_WASI_CLOCK_THREAD_CPUTIME, 1, OUT_AT));
  EQ(LD64(OUT_AT), 4003u);
  fail_clock = W2C_WASI_CLOCK_REALTIME;
  fail_errno = W2C_WASI_ENOTSUP;
  memset(MEM.data + OUT_AT, 0xEE, 8);
  EQ(w2c_wasi_clock_time_get(&W, &MEM, W2C_WASI_CLOCK_REALTIME, 0, OUT_AT), W2C_WASI_ENOTSUP);
  EQ(LD64(OUT_AT), UINT64_C(0xEEEEEEEEEEEEEEEE)); /* nothing stored */
  fail_clock = 99;
  /* bad ids never reach the hooks; bad pointers neither */
  calls = clock_calls;
  EQ(w2c_wasi_clock_res_get(&W, &MEM, 4, OUT_AT), W2C_WASI_EINVAL);
  EQ(w2c_wasi_clock_time_get(&W, &MEM, 9, 0, OUT_AT), W2C_WASI_EINVAL);
  EQ(w2c_wasi_clock_time_get(&W, &MEM, 0xFFFFFFFFu, 0, OUT_AT), W2C_WASI_EINVAL);
  EQ(w2c_wasi_clock_time_get(&W, &MEM, 0, 0, MEM_SIZE - 7), W2C_WASI_EFAULT);
  EQ(w2c_wasi_clock_res_get(&W, &MEM, 0, MEM_SIZE), W2C_WASI_EFAULT);
  EQ(clock_calls, calls);
}

static void test_random(void) {
  memset(MEM.data + DATA_AT, 0, 16);
  OK(w2c_wasi_random_get(&W, &MEM, DATA_AT, 4));
  EQ(LD32(DATA_AT), 0xA3A2A1A0u);
  EQ(LD8(DATA_AT + 4), 0);
  random_calls = 0;
  OK(w2c_wasi_random_get(&W, &MEM, DATA_AT, 0)); /* nothing asked: no hook call */
  OK(w2c_wasi_random_get(&W, &MEM, MEM_SIZE, 0));
  EQ(w2c_wasi_random_get(&W, &MEM, MEM_SIZE - 3, 4), W2C_WASI_EFAULT);
  EQ(w2c_wasi_random_get(&W, &MEM, 0xFFFFFFFFu, 2), W2C_WASI_EFAULT);
  EQ(random_calls, 0);
  OK(w2c_wasi_random_get(&W, &MEM, MEM_SIZE - 4, 4)); /* up to the last byte */
  EQ(LD32(MEM_SIZE - 4), 0xA3A2A1A0u);
  random_errno = W2C_WASI_EIO;
  EQ(w2c_wasi_random_get(&W, &MEM, DATA_AT, 8), W2C_WASI_EIO);
  random_errno = 0;
}

static volatile uint32_t hook_code, hook_calls;
static void exit_hook_jumps(uint32_t code) {
  hook_code = code;
  hook_calls++;
  longjmp(exit_env, 1);
}
static void exit_hook_returns(uint32_t code) {
  hook_code = code;
  hook_calls++;
}

static void test_proc(void) {
  EQ(call_exit(0), 0);
  EQ(exit_calls, 1);
  EQ(call_exit(7), 7);
  EQ(call_exit(126), 126); /* passed through: no rule for 126 and more here */
  EQ(call_exit(300), 300);
  EQ(call_exit(0xFFFFFFFFu), 0xFFFFFFFFu);
  W.exit_hook = exit_hook_jumps; /* the hook first; it may leave */
  hook_calls = 0;
  EQ(call_exit(5), 0xFFFFFFFFu);
  EQ(hook_code, 5);
  EQ(hook_calls, 1);
  EQ(exit_calls, 0);
  W.exit_hook = exit_hook_returns; /* and if it returns, w2c_bare_exit */
  EQ(call_exit(9), 9);
  EQ(hook_code, 9);
  EQ(hook_calls, 2);
  W.exit_hook = NULL;
  EQ(w2c_wasi_proc_raise(&W, &MEM, 0), W2C_WASI_ENOTSUP);
  EQ(w2c_wasi_proc_raise(&W, &MEM, 15), W2C_WASI_ENOTSUP);
  EQ(w2c_wasi_proc_raise(&W, &MEM, 30), W2C_WASI_ENOTSUP);
  EQ(w2c_wasi_proc_raise(&W, &MEM, 31), W2C_WASI_EINVAL);
  OK(w2c_wasi_sched_yield(&W, &MEM));
}

/* ---- poll_oneoff --------------------------------------------------------------------- */
#define SUB_AT BIG_AT
#define EV_AT (BIG_AT + 0x2000u)
static void sub_clock(uint32_t i, uint64_t userdata, uint32_t id, uint64_t timeout,
                      uint32_t flags) {
  uint32_t p = SUB_AT + 48 * i;
  memset(MEM.data + p, 0xCC, 48); /* padding and precision: ignored */
  ST64(p, userdata);
  MEM.data[p + 8] = W2C_WASI_EVENTTYPE_CLOCK;
  ST32(p + 16, id);
  ST64(p + 24, timeout);
  ST16(p + 40, flags);
}
static void sub_fd(uint32_t i, uint64_t userdata, uint32_t type, uint32_t fd) {
  uint32_t p = SUB_AT + 48 * i;
  memset(MEM.data + p, 0xCC, 48);
  ST64(p, userdata);
  MEM.data[p + 8] = (uint8_t)type;
  ST32(p + 16, fd);
}
static uint32_t poll_(uint32_t n) {
  memset(MEM.data + EV_AT, 0xEE, 32 * (n + 1));
  ST32(OUT_AT, 0xFFFFFFFFu);
  idle_turns = 0;
  return w2c_wasi_poll_oneoff(&W, &MEM, SUB_AT, EV_AT, n, OUT_AT);
}
/* event k: userdata, error, type, nbytes; flags and padding 0 */
static void check_event(uint32_t k, uint64_t userdata, uint32_t error, uint32_t type,
                        uint64_t nbytes) {
  uint32_t q = EV_AT + 32 * k;
  EQ(LD64(q), userdata);
  EQ(LD16(q + 8), error);
  EQ(LD8(q + 10), type);
  EQ(LD8(q + 11) | LD32(q + 12), 0);
  EQ(LD64(q + 16), nbytes);
  EQ(LD16(q + 24), 0);
  EQ(LD16(q + 26) | LD32(q + 28), 0);
}

static void test_poll(void) {
  uint64_t t0;
  /* a relative sleep of 5 ms: waits (busy) on the monotonic clock */
  mono = 0;
  sub_clock(0, 0x1111, W2C_WASI_CLOCK_MONOTONIC, 5000000u, 0);
  OK(poll_(1));
  EQ(LD32(OUT_AT), 1);
  check_event(0, 0x1111, 0, W2C_WASI_EVENTTYPE_CLOCK, 0);
  TRUE(mono >= 5001000u && mono < 5100000u); /* start: the first reading, 1000 */
  TRUE(idle_turns > 1000);
  EQ(LD8(EV_AT + 32), 0xEE); /* one event only */
  /* realtime, relative: also on the monotonic clock */
  t0 = mono;
  sub_clock(0, 1, W2C_WASI_CLOCK_REALTIME, 2000000u, 0);
  OK(poll_(1));
  TRUE(mono - t0 >= 2001000u && mono - t0 < 2100000u);
  /* absolute: monotonic in the past (at once), realtime in 3 ms */
  sub_clock(0, 2, W2C_WASI_CLOCK_MONOTONIC, 10, W2C_WASI_SUBCLOCK_ABSTIME);
  OK(poll_(1));
  EQ(idle_turns, 0);
  check_event(0, 2, 0, W2C_WASI_EVENTTYPE_CLOCK, 0);
  t0 = mono;
  sub_clock(0, 3, W2C_WASI_CLOCK_REALTIME, EPOCH + mono + 3000000u, W2C_WASI_SUBCLOCK_ABSTIME);
  OK(poll_(1));
  check_event(0, 3, 0, W2C_WASI_EVENTTYPE_CLOCK, 0);
  TRUE(mono - t0 >= 3000000u && mono - t0 < 3100000u);
  /* timeout 0: due at once */
  sub_clock(0, 4, W2C_WASI_CLOCK_MONOTONIC, 0, 0);
  OK(poll_(1));
  EQ(idle_turns, 0);
  /* two clocks: only the first due is reported */
  t0 = mono;
  sub_clock(0, 5, W2C_WASI_CLOCK_MONOTONIC, 2000000u, 0);
  sub_clock(1, 6, W2C_WASI_CLOCK_MONOTONIC, 1000000u, 0);
  OK(poll_(2));
  EQ(LD32(OUT_AT), 1);
  check_event(0, 6, 0, W2C_WASI_EVENTTYPE_CLOCK, 0);
  TRUE(mono - t0 >= 1001000u && mono - t0 < 1100000u);
  /* descriptors are ready at once; clocks not due are not reported */
  sub_clock(0, 10, W2C_WASI_CLOCK_MONOTONIC, UINT64_MAX, 0); /* never (no overflow) */
  sub_fd(1, 11, W2C_WASI_EVENTTYPE_FD_WRITE, 1);
  sub_fd(2, 12, W2C_WASI_EVENTTYPE_FD_READ, 0);
  sub_fd(3, 13, W2C_WASI_EVENTTYPE_FD_WRITE, 2);
  sub_fd(4, 14, W2C_WASI_EVENTTYPE_FD_READ, 1);  /* stdout is never readable */
  sub_fd(5, 15, W2C_WASI_EVENTTYPE_FD_WRITE, 0); /* stdin never writable */
  sub_fd(6, 16, W2C_WASI_EVENTTYPE_FD_READ, 9);  /* no such fd */
  sub_clock(7, 17, W2C_WASI_CLOCK_MONOTONIC, 0, 0);
  OK(poll_(8));
  EQ(idle_turns, 0);
  EQ(LD32(OUT_AT), 7);
  check_event(0, 11, 0, W2C_WASI_EVENTTYPE_FD_WRITE, 1);
  check_event(1, 12, 0, W2C_WASI_EVENTTYPE_FD_READ, 0); /* like /dev/null: 0 bytes */
  check_event(2, 13, 0, W2C_WASI_EVENTTYPE_FD_WRITE, 1);
  check_event(3, 14, W2C_WASI_EBADF, W2C_WASI_EVENTTYPE_FD_READ, 0);
  check_event(4, 15, W2C_WASI_EBADF, W2C_WASI_EVENTTYPE_FD_WRITE, 0);
  check_event(5, 16, W2C_WASI_EBADF, W2C_WASI_EVENTTYPE_FD_READ, 0);
  check_event(6, 17, 0, W2C_WASI_EVENTTYPE_CLOCK, 0);
  EQ(LD8(EV_AT + 7 * 32), 0xEE);
  /* a dropped poll right: ENOTCAPABLE in the event */
  OK(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, 2, W2C_WASI_RIGHT_FD_WRITE, 0));
  sub_fd(0, 20, W2C_WASI_EVENTTYPE_FD_WRITE, 2);
  OK(poll_(1));
  check_event(0, 20, W2C_WASI_ENOTCAPABLE, W2C_WASI_EVENTTYPE_FD_WRITE, 0);
  w2c_wasi_free(&W);
  setup();
  /* malformed: EINVAL for the call */
  EQ(poll_(0), W2C_WASI_EINVAL);
  sub_fd(0, 1, 3, 1); /* unknown tag */
  EQ(poll_(1), W2C_WASI_EINVAL);
  sub_clock(0, 1, W2C_WASI_CLOCK_PROCESS_CPUTIME, 0, 0);
  EQ(poll_(1), W2C_WASI_EINVAL);
  sub_clock(0, 1, 7, 0, 0);
  EQ(poll_(1), W2C_WASI_EINVAL);
  sub_clock(0, 1, W2C_WASI_CLOCK_MONOTONIC, 0, 2);
  EQ(poll_(1), W2C_WASI_EINVAL);
  /* bad pointers */
  sub_fd(0, 1, W2C_WASI_EVENTTYPE_FD_WRITE, 1);
  EQ(w2c_wasi_poll_oneoff(&W, &MEM, MEM_SIZE - 47, EV_AT, 1, OUT_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_poll_oneoff(&W, &MEM, SUB_AT, MEM_SIZE - 31, 1, OUT_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_poll_oneoff(&W, &MEM, SUB_AT, EV_AT, 1, MEM_SIZE - 3), W2C_WASI_EFAULT);
  EQ(w2c_wasi_poll_oneoff(&W, &MEM, SUB_AT, EV_AT, 0x10000000u, OUT_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_poll_oneoff(&W, &MEM, SUB_AT, EV_AT, 0xFFFFFFFFu, OUT_AT), W2C_WASI_EFAULT);
  /* a failing clock ends the call with its errno */
  fail_clock = W2C_WASI_CLOCK_MONOTONIC;
  fail_errno = W2C_WASI_ENOTSUP;
  sub_clock(0, 1, W2C_WASI_CLOCK_MONOTONIC, 1000, 0);
  EQ(poll_(1), W2C_WASI_ENOTSUP);
  fail_clock = W2C_WASI_CLOCK_REALTIME;
  sub_clock(0, 1, W2C_WASI_CLOCK_REALTIME, 1000, W2C_WASI_SUBCLOCK_ABSTIME);
  EQ(poll_(1), W2C_WASI_ENOTSUP);
  sub_fd(0, 1, W2C_WASI_EVENTTYPE_FD_WRITE, 1); /* descriptors need no clock */
  OK(poll_(1));
  EQ(LD32(OUT_AT), 1);
  fail_clock = 99;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (w2c_memory_use_static(&MEM, guest, sizeof guest, 1, 1, 16) != 0) return 2;
  test_init();
  test_args_env();
  test_write();
  test_write_cap();
  test_read();
  test_fdstat();
  test_unsupported();
  test_rights();
  test_close_renumber();
  test_clocks();
  test_random();
  test_proc();
  test_poll();
  w2c_wasi_free(&W);
  return check_done();
}
