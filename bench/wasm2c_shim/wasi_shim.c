/* wasi_shim.c: the few wasi_snapshot_preview1 functions the benchmark
 * programs import, for modules translated by wasm2c (WABT), whose imports
 * are plain C functions named w2c_wasi__snapshot__preview1_<name> taking the
 * WASI instance first.  Only what bench/programs and the real programs of
 * bench/realprogs.py need: arguments, stdin reads, stdout and stderr writes,
 * clocks and exit; no environment, no preopened directories (every path
 * function fails with ENOSYS, so no file can be opened).  Not a general WASI
 * implementation. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wasi_shim.h"

enum { WASI_ESUCCESS = 0, WASI_EBADF = 8, WASI_EFAULT = 21, WASI_EINVAL = 28,
       WASI_EIO = 29, WASI_ENOSYS = 52, WASI_ESPIPE = 70 };

/* The guest address range [p, p+n) or NULL if it is outside the memory. */
static uint8_t *guest(struct w2c_wasi__snapshot__preview1 *w, uint32_t p, uint64_t n) {
  if ((uint64_t)p + n > w->memory->size) return NULL;
  return w->memory->data + p;
}
static int put32(struct w2c_wasi__snapshot__preview1 *w, uint32_t p, uint32_t v) {
  uint8_t *d = guest(w, p, 4);
  if (!d) return 0;
  memcpy(d, &v, 4); /* x86-64 and wasm are both little-endian */
  return 1;
}

uint32_t w2c_wasi__snapshot__preview1_args_sizes_get(struct w2c_wasi__snapshot__preview1 *w,
                                                     uint32_t argc_p, uint32_t size_p) {
  uint32_t size = 0;
  for (int i = 0; i < w->argc; i++) size += (uint32_t)strlen(w->argv[i]) + 1;
  if (!put32(w, argc_p, (uint32_t)w->argc) || !put32(w, size_p, size)) return WASI_EFAULT;
  return WASI_ESUCCESS;
}

uint32_t w2c_wasi__snapshot__preview1_args_get(struct w2c_wasi__snapshot__preview1 *w,
                                               uint32_t argv_p, uint32_t buf_p) {
  for (int i = 0; i < w->argc; i++) {
    uint32_t len = (uint32_t)strlen(w->argv[i]) + 1;
    uint8_t *d = guest(w, buf_p, len);
    if (!d || !put32(w, argv_p + 4u * (uint32_t)i, buf_p)) return WASI_EFAULT;
    memcpy(d, w->argv[i], len);
    buf_p += len;
  }
  return WASI_ESUCCESS;
}

uint32_t w2c_wasi__snapshot__preview1_clock_time_get(struct w2c_wasi__snapshot__preview1 *w,
                                                     uint32_t id, uint64_t precision,
                                                     uint32_t time_p) {
  static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                  CLOCK_THREAD_CPUTIME_ID};
  struct timespec ts;
  uint64_t t;
  uint8_t *d = guest(w, time_p, 8);
  (void)precision;
  if (id >= 4) return WASI_EINVAL;
  if (!d) return WASI_EFAULT;
  if (clock_gettime(ids[id], &ts) != 0) return WASI_EIO;
  t = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  memcpy(d, &t, 8);
  return WASI_ESUCCESS;
}

uint32_t w2c_wasi__snapshot__preview1_fd_close(struct w2c_wasi__snapshot__preview1 *w,
                                               uint32_t fd) {
  (void)w;
  return fd <= 2 ? WASI_ESUCCESS : WASI_EBADF;
}

/* fdstat: filetype u8 @0, flags u16 @2, rights_base u64 @8, rights_inheriting u64 @16 */
uint32_t w2c_wasi__snapshot__preview1_fd_fdstat_get(struct w2c_wasi__snapshot__preview1 *w,
                                                    uint32_t fd, uint32_t stat_p) {
  uint8_t *d = guest(w, stat_p, 24);
  uint64_t rights = fd == 0 ? 0x2 : 0x40; /* fd_read, fd_write */
  if (fd > 2) return WASI_EBADF;
  if (!d) return WASI_EFAULT;
  memset(d, 0, 24);
  d[0] = isatty((int)fd) ? 2 : 6; /* character_device, else socket_stream (a pipe) */
  memcpy(d + 8, &rights, 8);
  return WASI_ESUCCESS;
}

uint32_t w2c_wasi__snapshot__preview1_fd_seek(struct w2c_wasi__snapshot__preview1 *w,
                                              uint32_t fd, uint64_t offset, uint32_t whence,
                                              uint32_t result_p) {
  (void)w; (void)offset; (void)whence; (void)result_p;
  return fd > 2 ? WASI_EBADF : WASI_ESPIPE;
}

uint32_t w2c_wasi__snapshot__preview1_fd_write(struct w2c_wasi__snapshot__preview1 *w,
                                               uint32_t fd, uint32_t iovs, uint32_t n,
                                               uint32_t written_p) {
  uint32_t total = 0;
  if (fd != 1 && fd != 2) return WASI_EBADF;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t iov[2];
    uint8_t *e = guest(w, iovs + 8u * i, 8), *buf;
    if (!e) return WASI_EFAULT;
    memcpy(iov, e, 8);
    if (!(buf = guest(w, iov[0], iov[1]))) return WASI_EFAULT;
    for (uint32_t done = 0; done < iov[1];) {
      ssize_t k = write((int)fd, buf + done, iov[1] - done);
      if (k < 0) {
        if (errno == EINTR) continue;
        return WASI_EIO;
      }
      done += (uint32_t)k;
    }
    total += iov[1];
  }
  return put32(w, written_p, total) ? WASI_ESUCCESS : WASI_EFAULT;
}

void w2c_wasi__snapshot__preview1_proc_exit(struct w2c_wasi__snapshot__preview1 *w,
                                            uint32_t code) {
  (void)w;
  exit((int)code);
}

uint32_t w2c_wasi__snapshot__preview1_fd_read(struct w2c_wasi__snapshot__preview1 *w,
                                              uint32_t fd, uint32_t iovs, uint32_t n,
                                              uint32_t read_p) {
  uint32_t total = 0;
  if (fd != 0) return WASI_EBADF;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t iov[2];
    uint8_t *e = guest(w, iovs + 8u * i, 8), *buf;
    ssize_t k;
    if (!e) return WASI_EFAULT;
    memcpy(iov, e, 8);
    if (!(buf = guest(w, iov[0], iov[1]))) return WASI_EFAULT;
    do k = read(0, buf, iov[1]); while (k < 0 && errno == EINTR);
    if (k < 0) return WASI_EIO;
    total += (uint32_t)k;
    if ((uint32_t)k < iov[1]) break;
  }
  return put32(w, read_p, total) ? WASI_ESUCCESS : WASI_EFAULT;
}

uint32_t w2c_wasi__snapshot__preview1_environ_sizes_get(struct w2c_wasi__snapshot__preview1 *w,
                                                        uint32_t count_p, uint32_t size_p) {
  return put32(w, count_p, 0) && put32(w, size_p, 0) ? WASI_ESUCCESS : WASI_EFAULT;
}

uint32_t w2c_wasi__snapshot__preview1_environ_get(struct w2c_wasi__snapshot__preview1 *w,
                                                  uint32_t environ_p, uint32_t buf_p) {
  (void)w; (void)environ_p; (void)buf_p;
  return WASI_ESUCCESS;
}

uint32_t w2c_wasi__snapshot__preview1_fd_prestat_get(struct w2c_wasi__snapshot__preview1 *w,
                                                     uint32_t fd, uint32_t p) {
  (void)w; (void)fd; (void)p;
  return WASI_EBADF; /* no preopened directories */
}

/* What the real programs import but never reach without files: failures. */
#define UNSUPPORTED(name, ...) \
  uint32_t w2c_wasi__snapshot__preview1_##name(struct w2c_wasi__snapshot__preview1 *w, \
                                               __VA_ARGS__) { \
    (void)w; \
    return WASI_ENOSYS; \
  }
#define U uint32_t
UNSUPPORTED(fd_prestat_dir_name, U fd, U p, U n)
UNSUPPORTED(fd_fdstat_set_flags, U fd, U flags)
UNSUPPORTED(fd_filestat_get, U fd, U p)
UNSUPPORTED(fd_filestat_set_size, U fd, uint64_t size)
UNSUPPORTED(fd_readdir, U fd, U buf, U len, uint64_t cookie, U used)
UNSUPPORTED(fd_sync, U fd)
UNSUPPORTED(path_create_directory, U fd, U path, U len)
UNSUPPORTED(path_filestat_get, U fd, U flags, U path, U len, U buf)
UNSUPPORTED(path_filestat_set_times, U fd, U flags, U path, U len, uint64_t atim, uint64_t mtim,
            U fst)
UNSUPPORTED(path_open, U fd, U dirflags, U path, U len, U oflags, uint64_t base,
            uint64_t inheriting, U fdflags, U fd_p)
UNSUPPORTED(path_readlink, U fd, U path, U len, U buf, U buflen, U used)
UNSUPPORTED(path_remove_directory, U fd, U path, U len)
UNSUPPORTED(path_symlink, U old, U oldlen, U fd, U path, U len)
UNSUPPORTED(path_unlink_file, U fd, U path, U len)
UNSUPPORTED(poll_oneoff, U in, U out, U n, U nevents)
#undef U
#undef UNSUPPORTED
