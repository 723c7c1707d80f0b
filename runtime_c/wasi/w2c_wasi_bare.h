/* w2c_wasi_bare.h: WASI preview1 (`wasi_snapshot_preview1`) on bare metal
 * (microcontrollers: Cortex-M, RISC-V; no OS, no libc), header-only, C99.
 *
 * Selected by defining W2C_WASI_BARE (identically in every file) and
 * including wasi/w2c_wasi.h, which then includes this and none of the POSIX
 * implementation; including this file directly works too.  It builds with
 * -std=c99 -ffreestanding -nostdlib: it includes only "../w2c_rt.h"
 * (<stddef.h>, <stdint.h>), copies with W2C_MEMCPY/W2C_MEMSET, and needs
 * nothing from the platform but the five hooks below (and what the runtime
 * needs anyway: memcpy, memmove, memset, the W2C_TRAP_HANDLER function).
 * Everything is `static`: a linker drops what the guest does not import.
 *
 * The API is the POSIX shim's (docs/wasi.md), so generated glue links
 * against either: `uint32_t w2c_wasi_<name>(w2c_wasi *w, w2c_memory *mem,
 * <args>)` for all 46 functions, returning the WASI errno (0 success);
 * proc_exit never returns; `int w2c_wasi_init(w2c_wasi *, const
 * w2c_wasi_config *)` (0, or a WASI errno: EINVAL 28 for a bad config),
 * `void w2c_wasi_free(w2c_wasi *)`.  There is no w2c_wasi_insert_fd (no host
 * descriptors).  Every guest pointer and length is checked against
 * mem->size in 64-bit arithmetic first: a bad one gives EFAULT (21) and
 * nothing happens.
 *
 * The world the guest sees:
 *   fd 0  stdin: a character device at end of file (reads give 0 bytes)
 *   fd 1  stdout, fd 2 stderr: character devices written with w2c_bare_write
 *   no other descriptor, no directory, no preopen, no file system, no socket
 *   args and environ: the config's (baked into the firmware)
 *   clocks, random: the hooks; sleep (poll_oneoff): a busy wait on the
 *   monotonic clock hook
 *
 * The functions (fd 0-2 when open; any other fd: EBADF):
 *   fd_write     1/2: w2c_bare_write once per non-empty iovec, nwritten =
 *                the total (at most 0x7FFFF000 per call, a short write past
 *                that); 0: EBADF
 *   fd_read      0: nread 0 (end of file); 1/2: EBADF
 *   fd_fdstat_get  filetype CHARACTER_DEVICE (2), flags 0, rights as below,
 *                inheriting 0
 *   fd_filestat_get  filetype CHARACTER_DEVICE, every other field 0
 *   fd_fdstat_set_flags  0: nothing to change (0); any flag: ENOTSUP
 *   fd_fdstat_set_rights  drops rights (adding one: ENOTCAPABLE)
 *   fd_close     0 (later calls on that fd: EBADF)
 *   fd_renumber  both must be open (EBADF); `to` becomes `fd`'s stream
 *   fd_sync, fd_datasync  0 (each write has reached the hook)
 *   fd_seek, fd_tell, fd_pread, fd_pwrite, fd_advise, fd_allocate  ESPIPE
 *                (not seekable; checked before the other arguments)
 *   fd_filestat_set_size  EINVAL;  fd_filestat_set_times  ENOTSUP
 *   fd_readdir, fd_prestat_dir_name  ENOTDIR
 *   fd_prestat_get  EBADF for every fd: no preopens (how wasi-libc learns)
 *   path_*       EBADF: no descriptor is a directory
 *   poll_oneoff  clock subscriptions (realtime/monotonic, relative or
 *                absolute) due when the clock hook says so, waiting in a busy
 *                loop on the monotonic clock (W2C_WASI_BARE_IDLE() in each
 *                turn); fd_read on 0: ready with nbytes 0 (like /dev/null);
 *                fd_write on 1/2: ready with nbytes 1; other fds, or the
 *                wrong direction: an event with EBADF.  Events come in
 *                subscription order and are written over `out` as each is
 *                found, so `in` and `out` must not overlap (`out` == `in`
 *                is fine); no subscription, an unknown tag, clock id or
 *                flag: EINVAL; a clock hook's error ends the call with it.
 *   args_*, environ_*  the config's strings, as on POSIX
 *   clock_res_get, clock_time_get  ids 0-3 to the hooks (others EINVAL)
 *   random_get   the hook (not called for 0 bytes)
 *   proc_exit    w->exit_hook(code) if set, then w2c_bare_exit(code): any
 *                code, passed through
 *   proc_raise   EINVAL above 30, else ENOTSUP (no signals)
 *   sched_yield  0
 *   sock_*       ENOTSOCK (57) on 0-2, else EBADF
 * Rights: stdin fd_read, stdout/stderr fd_write; all three fd_datasync,
 * fd_sync, fd_fdstat_set_flags, fd_filestat_get, poll_fd_readwrite; no
 * seek/tell, which is how wasi-libc's isatty() recognizes a terminal.
 * A call needing a right its stream never has (reading stdout) is EBADF,
 * one that was dropped ENOTCAPABLE, as on POSIX.
 *
 * Configuration (define before including, identically in every file):
 *   W2C_WASI_BARE_IDLE()  see its #ifndef below. */
#ifndef W2C_WASI_BARE_H
#define W2C_WASI_BARE_H
#ifdef W2C_WASI_H
#error "w2c: the POSIX wasi/w2c_wasi.h was included before w2c_wasi_bare.h: define W2C_WASI_BARE identically in every file (before any include)."
#endif
#ifndef W2C_WASI_BARE
#define W2C_WASI_BARE 1
#endif
#define W2C_WASI_H 1 /* so a later #include "wasi/w2c_wasi.h" adds nothing */

#ifndef W2C_RT_H
#include "../w2c_rt.h"
#endif

/* ---- configuration ------------------------------------------------------------
 * W2C_WASI_BARE_IDLE(): a statement run in each turn of poll_oneoff's busy
 * wait for a clock (a sleep), e.g. `__asm__ volatile("wfi")` when a timer
 * interrupt wakes the core often enough, or feeding a watchdog.  Default:
 * nothing (spin). */
#ifndef W2C_WASI_BARE_IDLE
#define W2C_WASI_BARE_IDLE() ((void)0)
#endif

#ifdef __GNUC__
#define W2C_WASI_FN static __attribute__((unused))
#else
#define W2C_WASI_FN static
#endif

/* ---- the platform hooks: defined by the firmware (its startup code) ------------ */

/* Write len bytes (len > 0) of the guest's stdout (fd 1) or stderr (fd 2),
 * the stream the guest's descriptor refers to: e.g. to a UART, waiting until
 * each byte is taken (docs/wasi.md has an example), or to a debugger by
 * semihosting.  It cannot fail: fd_write reports every byte written. */
void w2c_bare_write(uint32_t fd, const uint8_t *buf, size_t len);

/* End the program with this exit code (proc_exit, any value the guest
 * gave): stop, reset, or report to a debugger.  Must not return. */
W2C_NORETURN void w2c_bare_exit(uint32_t code);

/* *ns = the current time of WASI clock clock_id, in nanoseconds: 0
 * realtime (since 1970-01-01 UTC), 1 monotonic (from any start, never going
 * back: poll_oneoff sleeps on it), 2 process and 3 thread CPU time (as
 * monotonic, on a single-program board).  Called with ids 0-3 only.
 * Returns a WASI errno: 0, or e.g. 58 (ENOTSUP) or 28 (EINVAL) for a clock
 * the platform lacks (an RTC-less board has no realtime). */
uint32_t w2c_bare_clock_time(uint32_t clock_id, uint64_t *ns);

/* *ns = the resolution of that clock in nanoseconds (e.g. 1000 for a 1 MHz
 * timer).  Ids 0-3 only; returns a WASI errno as w2c_bare_clock_time. */
uint32_t w2c_bare_clock_res(uint32_t clock_id, uint64_t *ns);

/* Fill buf[0..len) (len > 0) with random bytes, from a hardware RNG if
 * there is one (what the guest uses them for, e.g. hash seeds, is its
 * business).  Returns a WASI errno: 0, or e.g. 29 (EIO) or 58 (ENOTSUP). */
uint32_t w2c_bare_random(uint8_t *buf, size_t len);

/* There is no stdin hook: fd_read on fd 0 always reports end of file. */

/* ---- the spec's constants (the same names as the POSIX shim's) ---- */
#include "w2c_wasi_abi.h"
/* what stdin and stdout/stderr can do */
#define W2C_WASI_BARE_RIGHTS_COMMON                                                   \
  (W2C_WASI_RIGHT_FD_DATASYNC | W2C_WASI_RIGHT_FD_SYNC | W2C_WASI_RIGHT_FD_FDSTAT_SET_FLAGS | \
   W2C_WASI_RIGHT_FD_FILESTAT_GET | W2C_WASI_RIGHT_POLL_FD_READWRITE)
#define W2C_WASI_BARE_RIGHTS_IN (W2C_WASI_BARE_RIGHTS_COMMON | W2C_WASI_RIGHT_FD_READ)
#define W2C_WASI_BARE_RIGHTS_OUT (W2C_WASI_BARE_RIGHTS_COMMON | W2C_WASI_RIGHT_FD_WRITE)

/* bytes one fd_write reports at most (as the POSIX shim), so counts fit in u32 */
#define W2C_WASI_IO_MAX 0x7FFFF000u

/* ---- state ------------------------------------------------------------------------ */
/* The strings are not copied: they must stay valid while the w2c_wasi is
 * used (they are constants in the firmware).  There are no preopens on bare
 * metal, hence no fields for them nor for host descriptors. */
typedef struct w2c_wasi_config {
  int argc;
  const char *const *argv;  /* guest argv (argv[0] = program name) */
  const char *const *envp;  /* NULL-terminated "K=V" list (NULL: none) */
} w2c_wasi_config;

typedef struct w2c_wasi {
  /* guest fds 0-2: 0 closed, else (stream + 1) << 30 | rights base, stream
   * 0 stdin, 1 stdout, 2 stderr (fd_renumber moves streams) */
  uint32_t fds[3];
  uint32_t argc, argv_size;  /* argv_size: bytes of the strings with their NULs */
  uint32_t envc, env_size;
  const char *const *argv, *const *envp; /* the config's */
  /* proc_exit calls exit_hook(code) first if set (it may longjmp out) */
  void (*exit_hook)(uint32_t code);
  void *user;                /* free for the embedder */
} w2c_wasi;

/* ---- guest memory, args and environ (shared with the POSIX shim) ---------------- */
#include "w2c_wasi_guest.h"

/* ---- descriptors -------------------------------------------------------------------- */
/* The stream (0-2) of guest fd `fd` if it is open and has the rights `need`,
 * else an errno + 3: EBADF for no such descriptor or a right its stream
 * never has, ENOTCAPABLE for one that was dropped. */
static inline uint32_t w2c_wasi_bare_fd_(const w2c_wasi *w, uint32_t fd, uint64_t need) {
  uint32_t s, max;
  if (fd > 2 || !(s = w->fds[fd])) return 3 + W2C_WASI_EBADF;
  max = (uint32_t)((s >> 30) == 1 ? W2C_WASI_BARE_RIGHTS_IN : W2C_WASI_BARE_RIGHTS_OUT);
  if ((max & need) != need) return 3 + W2C_WASI_EBADF;
  if ((s & need) != need) return 3 + W2C_WASI_ENOTCAPABLE;
  return (s >> 30) - 1;
}
/* w2c_wasi_bare_fd_'s errno (0 if fd is fine) */
#define W2C_WASI_BARE_ERR(st) ((st) > 2 ? (st) - 3 : 0)
/* an fd that is open gets `err`, any other EBADF */
static inline uint32_t w2c_wasi_bare_open_(const w2c_wasi *w, uint32_t fd, uint32_t err) {
  return fd <= 2 && w->fds[fd] ? err : W2C_WASI_EBADF;
}

/* ---- init / free -------------------------------------------------------------------- */
/* Count n strings (n < 0: up to a NULL); *count, *size (bytes with NULs);
 * 0 or an errno. */
static inline uint32_t w2c_wasi_bare_strings_(const char *const *v, int n, uint32_t *count,
                                              uint32_t *size) {
  uint64_t total = 0;
  uint32_t i;
  for (i = 0; v && (n < 0 ? v[i] != NULL : i < (uint32_t)n); i++) {
    const char *s = v[i];
    if (!s) return W2C_WASI_EINVAL;
    while (*s++) total++;
    total++;
  }
  if (total > 0xFFFFFFFFu) return W2C_WASI_E2BIG;
  *count = i;
  *size = (uint32_t)total;
  return 0;
}

W2C_WASI_FN int w2c_wasi_init(w2c_wasi *w, const w2c_wasi_config *cfg) {
  uint32_t err;
  W2C_MEMSET(w, 0, sizeof *w);
  if (cfg->argc < 0 || (cfg->argc > 0 && !cfg->argv)) return W2C_WASI_EINVAL;
  if ((err = w2c_wasi_bare_strings_(cfg->argv, cfg->argc, &w->argc, &w->argv_size)) ||
      (err = w2c_wasi_bare_strings_(cfg->envp, -1, &w->envc, &w->env_size)))
    return (int)err;
  w->argv = cfg->argv;
  w->envp = cfg->envp;
  w->fds[0] = UINT32_C(1) << 30 | (uint32_t)W2C_WASI_BARE_RIGHTS_IN;
  w->fds[1] = UINT32_C(2) << 30 | (uint32_t)W2C_WASI_BARE_RIGHTS_OUT;
  w->fds[2] = UINT32_C(3) << 30 | (uint32_t)W2C_WASI_BARE_RIGHTS_OUT;
  return 0;
}

W2C_WASI_FN void w2c_wasi_free(w2c_wasi *w) { W2C_MEMSET(w, 0, sizeof *w); }


/* ---- clocks and random ----------------------------------------------------------- */
static inline uint32_t w2c_wasi_bare_clock_(w2c_memory *mem, uint32_t id, uint32_t ptr, int res) {
  uint64_t ns = 0;
  uint32_t err;
  if (id > W2C_WASI_CLOCK_THREAD_CPUTIME) return W2C_WASI_EINVAL;
  W2C_WASI_CHECK(mem, ptr, 8);
  if ((err = res ? w2c_bare_clock_res(id, &ns) : w2c_bare_clock_time(id, &ns))) return err;
  w2c_wasi_st64_(mem, ptr, ns);
  return 0;
}
W2C_WASI_FN uint32_t w2c_wasi_clock_res_get(w2c_wasi *w, w2c_memory *mem, uint32_t id,
                                            uint32_t res_ptr) {
  (void)w;
  return w2c_wasi_bare_clock_(mem, id, res_ptr, 1);
}
/* precision is a hint; the clock's own resolution is used */
W2C_WASI_FN uint32_t w2c_wasi_clock_time_get(w2c_wasi *w, w2c_memory *mem, uint32_t id,
                                             uint64_t precision, uint32_t time_ptr) {
  (void)w;
  (void)precision;
  return w2c_wasi_bare_clock_(mem, id, time_ptr, 0);
}

W2C_WASI_FN uint32_t w2c_wasi_random_get(w2c_wasi *w, w2c_memory *mem, uint32_t buf,
                                         uint32_t buf_len) {
  (void)w;
  W2C_WASI_CHECK(mem, buf, buf_len);
  return buf_len ? w2c_bare_random(mem->data + buf, buf_len) : 0;
}

/* ---- read and write --------------------------------------------------------------- */
/* fd_read (fd 0: end of file) and fd_write (fds 1, 2: the hook) */
static inline uint32_t w2c_wasi_bare_rw_(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint32_t iovs,
                                         uint32_t n, uint32_t count_ptr, int write) {
  uint32_t i, total = 0;
  uint32_t st = w2c_wasi_bare_fd_(w, fd, write ? W2C_WASI_RIGHT_FD_WRITE : W2C_WASI_RIGHT_FD_READ);
  if (st > 2) return st - 3;
  W2C_WASI_CHECK(mem, count_ptr, 4);
  W2C_WASI_CHECK(mem, iovs, (uint64_t)n * 8);
  for (i = 0; i < n; i++) { /* every buffer first: EFAULT before any output */
    uint64_t at = (uint64_t)iovs + (uint64_t)i * 8;
    if (!w2c_wasi_in_(mem, w2c_wasi_ld32_(mem, at), w2c_wasi_ld32_(mem, at + 4)))
      return W2C_WASI_EFAULT;
  }
  for (i = 0; write && i < n && total < W2C_WASI_IO_MAX; i++) {
    uint64_t at = (uint64_t)iovs + (uint64_t)i * 8;
    uint32_t len = w2c_wasi_ld32_(mem, at + 4);
    if (len > W2C_WASI_IO_MAX - total) len = W2C_WASI_IO_MAX - total;
    if (len) w2c_bare_write(st, mem->data + w2c_wasi_ld32_(mem, at), len);
    total += len;
  }
  w2c_wasi_st32_(mem, count_ptr, total);
  return 0;
}
W2C_WASI_FN uint32_t w2c_wasi_fd_read(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint32_t iovs,
                                      uint32_t iovs_len, uint32_t nread_ptr) {
  return w2c_wasi_bare_rw_(w, mem, fd, iovs, iovs_len, nread_ptr, 0);
}
W2C_WASI_FN uint32_t w2c_wasi_fd_write(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint32_t iovs,
                                       uint32_t iovs_len, uint32_t nwritten_ptr) {
  return w2c_wasi_bare_rw_(w, mem, fd, iovs, iovs_len, nwritten_ptr, 1);
}

/* ---- what a character device cannot do ----------------------------------------- */
W2C_WASI_FN uint32_t w2c_wasi_fd_pread(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint32_t iovs,
                                       uint32_t iovs_len, uint64_t offset, uint32_t nread_ptr) {
  (void)mem, (void)iovs, (void)iovs_len, (void)offset, (void)nread_ptr;
  return w2c_wasi_bare_open_(w, fd, W2C_WASI_ESPIPE);
}
W2C_WASI_FN uint32_t w2c_wasi_fd_pwrite(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint32_t iovs,
                                        uint32_t iovs_len, uint64_t offset,
                                        uint32_t nwritten_ptr) {
  (void)mem, (void)iovs, (void)iovs_len, (void)offset, (void)nwritten_ptr;
  return w2c_wasi_bare_open_(w, fd, W2C_WASI_ESPIPE);
}
W2C_WASI_FN uint32_t w2c_wasi_fd_seek(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint64_t offset,
                                      uint32_t whence, uint32_t newoffset_ptr) {
  (void)mem, (void)offset, (void)whence, (void)newoffset_ptr;
  return w2c_wasi_bare_open_(w, fd, W2C_WASI_ESPIPE);
}
W2C_WASI_FN uint32_t w2c_wasi_fd_tell(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                      uint32_t offset_ptr) {
  (void)mem, (void)offset_ptr;
  return w2c_wasi_bare_open_(w, fd, W2C_WASI_ESPIPE);
}
W2C_WASI_FN uint32_t w2c_wasi_fd_advise(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                        uint64_t offset, uint64_t len, uint32_t advice) {
  (void)mem, (void)offset, (void)len, (void)advice;
  return w2c_wasi_bare_open_(w, fd, W2C_WASI_ESPIPE);
}
W2C_WASI_FN uint32_t w2c_wasi_fd_allocate(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                          uint64_t offset, uint64_t len) {
  (void)mem, (void)offset, (void)len;
  return w2c_wasi_bare_open_(w, fd, W2C_WASI_ESPIPE);
}
W2C_WASI_FN uint32_t w2c_wasi_fd_filestat_set_size(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                   uint64_t size) {
  (void)mem, (void)size;
  return w2c_wasi_bare_open_(w, fd, W2C_WASI_EINVAL);
}
W2C_WASI_FN uint32_t w2c_wasi_fd_filestat_set_times(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                    uint64_t atim, uint64_t mtim,
                                                    uint32_t fst_flags) {
  (void)mem, (void)atim, (void)mtim, (void)fst_flags;
  return w2c_wasi_bare_open_(w, fd, W2C_WASI_ENOTSUP);
}
W2C_WASI_FN uint32_t w2c_wasi_fd_readdir(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint32_t buf,
                                         uint32_t buf_len, uint64_t cookie,
                                         uint32_t bufused_ptr) {
  (void)mem, (void)buf, (void)buf_len, (void)cookie, (void)bufused_ptr;
  return w2c_wasi_bare_open_(w, fd, W2C_WASI_ENOTDIR);
}
W2C_WASI_FN uint32_t w2c_wasi_fd_prestat_dir_name(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                  uint32_t path, uint32_t path_len) {
  (void)mem, (void)path, (void)path_len;
  return w2c_wasi_bare_open_(w, fd, W2C_WASI_ENOTDIR);
}
/* no preopens: EBADF for every fd (wasi-libc stops looking at the first) */
W2C_WASI_FN uint32_t w2c_wasi_fd_prestat_get(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                             uint32_t ptr) {
  (void)w, (void)mem, (void)fd, (void)ptr;
  return W2C_WASI_EBADF;
}

/* ---- descriptor state ----------------------------------------------------------------- */
/* fdstat: filetype u8 @0, flags u16 @2, rights base u64 @8, inheriting u64 @16 */
W2C_WASI_FN uint32_t w2c_wasi_fd_fdstat_get(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                            uint32_t ptr) {
  uint32_t st = w2c_wasi_bare_fd_(w, fd, 0);
  if (st > 2) return st - 3;
  W2C_WASI_CHECK(mem, ptr, 24);
  W2C_MEMSET(mem->data + ptr, 0, 24);
  mem->data[ptr] = W2C_WASI_FILETYPE_CHARACTER_DEVICE;
  w2c_wasi_st32_(mem, ptr + 8, w->fds[fd] & 0x3FFFFFFFu);
  return 0;
}
/* filestat: dev u64 @0, ino u64 @8, filetype u8 @16, nlink, size, atim, mtim, ctim */
W2C_WASI_FN uint32_t w2c_wasi_fd_filestat_get(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                              uint32_t ptr) {
  uint32_t st = w2c_wasi_bare_fd_(w, fd, W2C_WASI_RIGHT_FD_FILESTAT_GET);
  if (st > 2) return st - 3;
  W2C_WASI_CHECK(mem, ptr, 64);
  W2C_MEMSET(mem->data + ptr, 0, 64);
  mem->data[ptr + 16] = W2C_WASI_FILETYPE_CHARACTER_DEVICE;
  return 0;
}
/* nothing to change: 0 for no flag, ENOTSUP for any (no append/nonblock/sync modes) */
W2C_WASI_FN uint32_t w2c_wasi_fd_fdstat_set_flags(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                  uint32_t flags) {
  uint32_t st = w2c_wasi_bare_fd_(w, fd, W2C_WASI_RIGHT_FD_FDSTAT_SET_FLAGS);
  (void)mem;
  if (st > 2) return st - 3;
  return flags ? W2C_WASI_ENOTSUP : 0;
}
/* rights can only be dropped (inheriting rights: there are none) */
W2C_WASI_FN uint32_t w2c_wasi_fd_fdstat_set_rights(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                   uint64_t base, uint64_t inheriting) {
  uint32_t st = w2c_wasi_bare_fd_(w, fd, 0);
  (void)mem;
  if (st > 2) return st - 3;
  if ((base & ~(uint64_t)(w->fds[fd] & 0x3FFFFFFFu)) || inheriting) return W2C_WASI_ENOTCAPABLE;
  w->fds[fd] = (w->fds[fd] & 0xC0000000u) | (uint32_t)base;
  return 0;
}
/* every write has reached the hook: nothing to flush */
W2C_WASI_FN uint32_t w2c_wasi_fd_sync(w2c_wasi *w, w2c_memory *mem, uint32_t fd) {
  (void)mem;
  return W2C_WASI_BARE_ERR(w2c_wasi_bare_fd_(w, fd, W2C_WASI_RIGHT_FD_SYNC));
}
W2C_WASI_FN uint32_t w2c_wasi_fd_datasync(w2c_wasi *w, w2c_memory *mem, uint32_t fd) {
  (void)mem;
  return W2C_WASI_BARE_ERR(w2c_wasi_bare_fd_(w, fd, W2C_WASI_RIGHT_FD_DATASYNC));
}
W2C_WASI_FN uint32_t w2c_wasi_fd_close(w2c_wasi *w, w2c_memory *mem, uint32_t fd) {
  (void)mem;
  if (fd > 2 || !w->fds[fd]) return W2C_WASI_EBADF;
  w->fds[fd] = 0;
  return 0;
}
/* `to` must be open (as wasmtime); it takes fd's stream and rights, fd closes */
W2C_WASI_FN uint32_t w2c_wasi_fd_renumber(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint32_t to) {
  (void)mem;
  if (fd > 2 || to > 2 || !w->fds[fd] || !w->fds[to]) return W2C_WASI_EBADF;
  w->fds[to] = w->fds[fd];
  if (fd != to) w->fds[fd] = 0;
  return 0;
}

/* ---- path_*: no descriptor is a directory ------------------------------------------ */
W2C_WASI_FN uint32_t w2c_wasi_path_create_directory(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                    uint32_t path, uint32_t path_len) {
  (void)w, (void)mem, (void)fd, (void)path, (void)path_len;
  return W2C_WASI_EBADF;
}
W2C_WASI_FN uint32_t w2c_wasi_path_filestat_get(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                uint32_t flags, uint32_t path, uint32_t path_len,
                                                uint32_t buf) {
  (void)w, (void)mem, (void)fd, (void)flags, (void)path, (void)path_len, (void)buf;
  return W2C_WASI_EBADF;
}
W2C_WASI_FN uint32_t w2c_wasi_path_filestat_set_times(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                      uint32_t flags, uint32_t path,
                                                      uint32_t path_len, uint64_t atim,
                                                      uint64_t mtim, uint32_t fst_flags) {
  (void)w, (void)mem, (void)fd, (void)flags, (void)path, (void)path_len;
  (void)atim, (void)mtim, (void)fst_flags;
  return W2C_WASI_EBADF;
}
W2C_WASI_FN uint32_t w2c_wasi_path_link(w2c_wasi *w, w2c_memory *mem, uint32_t old_fd,
                                        uint32_t old_flags, uint32_t old_path, uint32_t old_len,
                                        uint32_t new_fd, uint32_t new_path, uint32_t new_len) {
  (void)w, (void)mem, (void)old_fd, (void)old_flags, (void)old_path, (void)old_len;
  (void)new_fd, (void)new_path, (void)new_len;
  return W2C_WASI_EBADF;
}
W2C_WASI_FN uint32_t w2c_wasi_path_open(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                        uint32_t dirflags, uint32_t path, uint32_t path_len,
                                        uint32_t oflags, uint64_t rights_base,
                                        uint64_t rights_inheriting, uint32_t fdflags,
                                        uint32_t fd_ptr) {
  (void)w, (void)mem, (void)fd, (void)dirflags, (void)path, (void)path_len, (void)oflags;
  (void)rights_base, (void)rights_inheriting, (void)fdflags, (void)fd_ptr;
  return W2C_WASI_EBADF;
}
W2C_WASI_FN uint32_t w2c_wasi_path_readlink(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                            uint32_t path, uint32_t path_len, uint32_t buf,
                                            uint32_t buf_len, uint32_t bufused_ptr) {
  (void)w, (void)mem, (void)fd, (void)path, (void)path_len, (void)buf, (void)buf_len;
  (void)bufused_ptr;
  return W2C_WASI_EBADF;
}
W2C_WASI_FN uint32_t w2c_wasi_path_remove_directory(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                    uint32_t path, uint32_t path_len) {
  (void)w, (void)mem, (void)fd, (void)path, (void)path_len;
  return W2C_WASI_EBADF;
}
W2C_WASI_FN uint32_t w2c_wasi_path_rename(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                          uint32_t old_path, uint32_t old_len, uint32_t new_fd,
                                          uint32_t new_path, uint32_t new_len) {
  (void)w, (void)mem, (void)fd, (void)old_path, (void)old_len, (void)new_fd, (void)new_path;
  (void)new_len;
  return W2C_WASI_EBADF;
}
W2C_WASI_FN uint32_t w2c_wasi_path_symlink(w2c_wasi *w, w2c_memory *mem, uint32_t old_path,
                                           uint32_t old_len, uint32_t fd, uint32_t new_path,
                                           uint32_t new_len) {
  (void)w, (void)mem, (void)old_path, (void)old_len, (void)fd, (void)new_path, (void)new_len;
  return W2C_WASI_EBADF;
}
W2C_WASI_FN uint32_t w2c_wasi_path_unlink_file(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                               uint32_t path, uint32_t path_len) {
  (void)w, (void)mem, (void)fd, (void)path, (void)path_len;
  return W2C_WASI_EBADF;
}

/* ---- poll_oneoff --------------------------------------------------------------------
 * subscription 48 bytes (userdata u64 @0, tag u8 @8; clock: id u32 @16,
 * timeout u64 @24, precision u64 @32, flags u16 @40; fd_read/fd_write: fd
 * u32 @16), event 32 bytes (userdata u64 @0, error u16 @8, type u8 @10,
 * nbytes u64 @16, flags u16 @24).  Each round looks at every subscription
 * and writes an event for each one ready; none: busy-wait on the monotonic
 * clock until the nearest clock is due, and look again (so a realtime
 * deadline is met by the realtime clock itself). */
W2C_WASI_FN uint32_t w2c_wasi_poll_oneoff(w2c_wasi *w, w2c_memory *mem, uint32_t in, uint32_t out,
                                          uint32_t nsubscriptions, uint32_t nevents_ptr) {
  uint64_t start = 0, now, wait, t0;
  uint32_t i, k, err, have_start = 0;
  if (nsubscriptions == 0) return W2C_WASI_EINVAL;
  W2C_WASI_CHECK(mem, in, (uint64_t)nsubscriptions * 48);
  W2C_WASI_CHECK(mem, out, (uint64_t)nsubscriptions * 32);
  W2C_WASI_CHECK(mem, nevents_ptr, 4);
  for (;;) {
    wait = UINT64_MAX;
    for (i = k = 0; i < nsubscriptions; i++) {
      uint32_t p = in + i * 48, q = out + k * 32, tag = mem->data[p + 8], e = 0;
      uint64_t userdata = w2c_wasi_ld64_(mem, p);
      if (tag == W2C_WASI_EVENTTYPE_CLOCK) {
        uint32_t id = w2c_wasi_ld32_(mem, p + 16), fl = w2c_wasi_ld16_(mem, p + 40);
        uint64_t t = w2c_wasi_ld64_(mem, p + 24);
        if (id > W2C_WASI_CLOCK_MONOTONIC || (fl & ~1u)) return W2C_WASI_EINVAL;
        if (!(fl & W2C_WASI_SUBCLOCK_ABSTIME)) { /* relative to the call's start */
          if (!have_start && (err = w2c_bare_clock_time(W2C_WASI_CLOCK_MONOTONIC, &start)))
            return err;
          have_start = 1;
          id = W2C_WASI_CLOCK_MONOTONIC;
          t = t > UINT64_MAX - start ? UINT64_MAX : start + t;
        }
        if ((err = w2c_bare_clock_time(id, &now))) return err;
        if (t > now) { /* not due */
          if (t - now < wait) wait = t - now;
          continue;
        }
      } else if (tag == W2C_WASI_EVENTTYPE_FD_READ || tag == W2C_WASI_EVENTTYPE_FD_WRITE) {
        e = W2C_WASI_BARE_ERR(w2c_wasi_bare_fd_(
            w, w2c_wasi_ld32_(mem, p + 16),
            W2C_WASI_RIGHT_POLL_FD_READWRITE |
                (tag == W2C_WASI_EVENTTYPE_FD_READ ? W2C_WASI_RIGHT_FD_READ
                                                   : W2C_WASI_RIGHT_FD_WRITE)));
      } else {
        return W2C_WASI_EINVAL;
      }
      W2C_MEMSET(mem->data + q, 0, 32);
      w2c_wasi_st64_(mem, q, userdata);
      w2c_wasi_st16_(mem, q + 8, e);
      mem->data[q + 10] = (uint8_t)tag;
      mem->data[q + 16] = (uint8_t)(!e && tag == W2C_WASI_EVENTTYPE_FD_WRITE); /* nbytes */
      k++;
    }
    if (k) break;
    /* nothing ready: only clocks, none due; sleep `wait` ns */
    if ((err = w2c_bare_clock_time(W2C_WASI_CLOCK_MONOTONIC, &t0))) return err;
    do {
      W2C_WASI_BARE_IDLE();
      if ((err = w2c_bare_clock_time(W2C_WASI_CLOCK_MONOTONIC, &now))) return err;
    } while (now - t0 < wait);
  }
  w2c_wasi_st32_(mem, nevents_ptr, k);
  return 0;
}

/* ---- process ------------------------------------------------------------------------- */
W2C_WASI_FN W2C_NORETURN void w2c_wasi_proc_exit(w2c_wasi *w, w2c_memory *mem, uint32_t code) {
  (void)mem;
  if (w->exit_hook) w->exit_hook(code);
  w2c_bare_exit(code);
}
/* no signals: ENOTSUP for every signal number (0-30), EINVAL beyond */
W2C_WASI_FN uint32_t w2c_wasi_proc_raise(w2c_wasi *w, w2c_memory *mem, uint32_t sig) {
  (void)w, (void)mem;
  return sig > 30 ? W2C_WASI_EINVAL : W2C_WASI_ENOTSUP;
}
W2C_WASI_FN uint32_t w2c_wasi_sched_yield(w2c_wasi *w, w2c_memory *mem) {
  (void)w, (void)mem;
  return 0;
}

/* ---- sockets: none (stdio is not a socket) ---------------------------------------------- */
W2C_WASI_FN uint32_t w2c_wasi_sock_accept(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                          uint32_t flags, uint32_t fd_ptr) {
  (void)mem, (void)flags, (void)fd_ptr;
  return w2c_wasi_bare_open_(w, fd, W2C_WASI_ENOTSOCK);
}
W2C_WASI_FN uint32_t w2c_wasi_sock_recv(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                        uint32_t ri_data, uint32_t ri_data_len, uint32_t ri_flags,
                                        uint32_t ro_datalen_ptr, uint32_t ro_flags_ptr) {
  (void)mem, (void)ri_data, (void)ri_data_len, (void)ri_flags, (void)ro_datalen_ptr;
  (void)ro_flags_ptr;
  return w2c_wasi_bare_open_(w, fd, W2C_WASI_ENOTSOCK);
}
W2C_WASI_FN uint32_t w2c_wasi_sock_send(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                        uint32_t si_data, uint32_t si_data_len, uint32_t si_flags,
                                        uint32_t so_datalen_ptr) {
  (void)mem, (void)si_data, (void)si_data_len, (void)si_flags, (void)so_datalen_ptr;
  return w2c_wasi_bare_open_(w, fd, W2C_WASI_ENOTSOCK);
}
W2C_WASI_FN uint32_t w2c_wasi_sock_shutdown(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                            uint32_t how) {
  (void)mem, (void)how;
  return w2c_wasi_bare_open_(w, fd, W2C_WASI_ENOTSOCK);
}

#endif /* W2C_WASI_BARE_H */
