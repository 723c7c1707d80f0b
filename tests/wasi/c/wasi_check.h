/* wasi_check.h: harness of the WASI C tests (tests/wasi/test_wasi_c.py).
 *
 * The program includes wasi/w2c_wasi.h first (it sets the POSIX feature
 * macros), then this.  A fake linear memory MEM (one 64 KiB page from
 * malloc) stands in for the guest's; helpers put strings and iovecs into it
 * and read results back as little-endian values.  EQ(got, want) compares
 * and counts; check_done() prints "checks: N failures: F" and is the exit
 * status.  Everything runs in the current directory (a pytest tmp dir). */
#ifndef WASI_CHECK_H
#define WASI_CHECK_H

#include <stdio.h>

#ifdef __GNUC__
#define CHECK_FN static __attribute__((unused))
#else
#define CHECK_FN static
#endif

#define MEM_SIZE 65536u
/* fixed scratch areas of the fake memory */
#define PATH_AT 0x1000u  /* first path argument */
#define PATH2_AT 0x2000u /* second path argument */
#define IOV_AT 0x3000u   /* iovec array */
#define OUT_AT 0x3800u   /* results (nwritten, fd, stat buffers...) */
#define DATA_AT 0x4000u  /* data buffers */
#define BIG_AT 0x8000u   /* 32 KiB: readdir buffers, poll arrays */

static w2c_memory MEM;
static w2c_wasi W;
static volatile int check_count, check_failures;

CHECK_FN void check_u64_(uint64_t got, uint64_t want, const char *what, int line) {
  check_count++;
  if (got == want) return;
  check_failures++;
  printf("FAIL line %d: %s: got %llu (0x%llx), want %llu (0x%llx)\n", line, what,
         (unsigned long long)got, (unsigned long long)got, (unsigned long long)want,
         (unsigned long long)want);
}
#define EQ(got, want) check_u64_((uint64_t)(got), (uint64_t)(want), #got, __LINE__)
#define OK(got) EQ(got, 0)
#define TRUE(cond) EQ(!!(cond), 1)
#define STREQ(got, want) TRUE(strcmp((got), (want)) == 0)

CHECK_FN int check_done(void) {
  printf("checks: %d failures: %d\n", check_count, check_failures);
  return check_failures != 0;
}

CHECK_FN void mem_init(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  MEM.data = (uint8_t *)calloc(1, MEM_SIZE);
  MEM.size = MEM_SIZE;
  MEM.pages = 1;
  MEM.max_pages = 1;
  MEM.page_log2 = 16;
}

/* guest memory access */
CHECK_FN uint32_t put(uint32_t at, const char *s) {
  size_t n = strlen(s);
  memcpy(MEM.data + at, s, n);
  return (uint32_t)n;
}
CHECK_FN uint64_t ldn(uint32_t at, int n) {
  uint64_t v = 0;
  int i;
  for (i = n - 1; i >= 0; i--) v = (v << 8) | MEM.data[at + (uint32_t)i];
  return v;
}
#define LD8(at) ldn((at), 1)
#define LD16(at) ldn((at), 2)
#define LD32(at) ((uint32_t)ldn((at), 4))
#define LD64(at) ldn((at), 8)
CHECK_FN void stn(uint32_t at, uint64_t v, int n) {
  int i;
  for (i = 0; i < n; i++, v >>= 8) MEM.data[at + (uint32_t)i] = (uint8_t)(v & 0xFF);
}
#define ST16(at, v) stn((at), (v), 2)
#define ST32(at, v) stn((at), (v), 4)
#define ST64(at, v) stn((at), (v), 8)
/* an iovec at IOV_AT + 8*i */
CHECK_FN void iov(uint32_t i, uint32_t buf, uint32_t len) {
  ST32(IOV_AT + 8 * i, buf);
  ST32(IOV_AT + 8 * i + 4, len);
}

/* path arguments: (ptr, len) */
#define P(s) PATH_AT, put(PATH_AT, (s))
#define P2(s) PATH2_AT, put(PATH2_AT, (s))

/* what wasi-libc asks for with O_RDONLY: everything but writing */
#define RIGHTS_WRITE (W2C_WASI_RIGHT_FD_DATASYNC | W2C_WASI_RIGHT_FD_WRITE | \
                      W2C_WASI_RIGHT_FD_ALLOCATE | W2C_WASI_RIGHT_FD_FILESTAT_SET_SIZE)
#define RIGHTS_ALL W2C_WASI_RIGHTS_ALL
#define RIGHTS_RO (RIGHTS_ALL & ~RIGHTS_WRITE)

/* path_open from dirfd; the new fd in *fd (or 0xFFFFFFFF) */
CHECK_FN uint32_t open_(uint32_t dirfd, const char *path, uint32_t lookup, uint32_t oflags,
                      uint64_t base, uint64_t inh, uint32_t fdflags, uint32_t *fd) {
  uint32_t e;
  ST32(OUT_AT, 0xFFFFFFFFu);
  e = w2c_wasi_path_open(&W, &MEM, dirfd, lookup, P(path), oflags, base, inh, fdflags, OUT_AT);
  if (fd) *fd = e ? 0xFFFFFFFFu : LD32(OUT_AT);
  return e;
}
#define FOLLOW W2C_WASI_LOOKUP_SYMLINK_FOLLOW
CHECK_FN uint32_t openr(const char *path, uint32_t lookup, uint32_t *fd) {
  return open_(3, path, lookup, 0, RIGHTS_RO, RIGHTS_ALL, 0, fd);
}

/* write a string / read up to n bytes (into out, NUL-terminated) */
CHECK_FN uint32_t nio;
CHECK_FN uint32_t wr(uint32_t fd, const char *s) {
  uint32_t e;
  iov(0, DATA_AT, put(DATA_AT, s));
  e = w2c_wasi_fd_write(&W, &MEM, fd, IOV_AT, 1, OUT_AT);
  nio = e ? 0 : LD32(OUT_AT);
  return e;
}
CHECK_FN uint32_t rd(uint32_t fd, uint32_t n, char *out) {
  uint32_t e;
  iov(0, DATA_AT, n);
  e = w2c_wasi_fd_read(&W, &MEM, fd, IOV_AT, 1, OUT_AT);
  nio = e ? 0 : LD32(OUT_AT);
  memcpy(out, MEM.data + DATA_AT, nio);
  out[nio] = 0;
  return e;
}

#endif /* WASI_CHECK_H */
