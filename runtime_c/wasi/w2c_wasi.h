/* w2c_wasi.h: WASI preview1 (`wasi_snapshot_preview1`) for POSIX hosts
 * (Linux, macOS; x86-64, armhf, aarch64), header-only, C99.
 *
 * Include it FIRST in its file, before w2c_rt.h and any system header: it
 * sets the POSIX feature macros (_DEFAULT_SOURCE, _DARWIN_C_SOURCE,
 * _FILE_OFFSET_BITS=64, _TIME_BITS=64) it needs and then includes
 * "../w2c_rt.h" itself.  Under glibc it also copes with a system header (or
 * w2c_rt.h) included earlier in strict ISO mode, by evaluating <features.h>
 * again; elsewhere that order stops the build with an #error that says what
 * to do (include this first, or compile with -D_DEFAULT_SOURCE).
 * Everything is `static` (unused-safe); nothing to link.  docs/wasi.md lists
 * every function, its status and its test.
 *
 * The files:
 *   w2c_wasi.h          this: feature macros, configuration, API, state
 *   w2c_wasi_abi.h      constants of the spec (shared with w2c_wasi_bare.h)
 *   w2c_wasi_guest.h    guest memory access, args_* and environ_* (shared
 *                       with w2c_wasi_bare.h)
 *   w2c_wasi_core.h     errno mapping, the descriptor table, init/free
 *   w2c_wasi_path.h     the sandbox: guest path -> (host dir fd, name)
 *   w2c_wasi_fd.h       fd_* functions
 *   w2c_wasi_pathops.h  path_* functions
 *   w2c_wasi_poll.h     poll_oneoff, sock_*
 *   w2c_wasi_misc.h     clocks, random, proc_*, sched_yield
 *
 * API.  `w` is the WASI state, `mem` the guest's linear memory (data/size);
 * Wasm i32 -> uint32_t, i64 -> uint64_t; every function returns the WASI
 * errno (0 success) except proc_exit.  Guest pointers/lengths are checked
 * against mem->size: a bad one gives EFAULT (21) and nothing is done.
 *   int  w2c_wasi_init(w2c_wasi *w, const w2c_wasi_config *cfg)  0 or errno
 *   void w2c_wasi_free(w2c_wasi *w)
 *   int  w2c_wasi_insert_fd(w2c_wasi *w, int host_fd, int owned)  guest fd or -1
 *        (extension: hand the guest a host descriptor, e.g. a listening socket)
 *   args_get(argv, argv_buf)            args_sizes_get(argc_ptr, buf_size_ptr)
 *   environ_get(environ, environ_buf)   environ_sizes_get(count_ptr, buf_size_ptr)
 *   clock_res_get(id, res_ptr)          clock_time_get(id, precision:i64, time_ptr)
 *   fd_advise(fd, offset:i64, len:i64, advice)   fd_allocate(fd, offset:i64, len:i64)
 *   fd_close(fd)  fd_datasync(fd)  fd_sync(fd)  fd_fdstat_get(fd, ptr)
 *   fd_fdstat_set_flags(fd, flags)     fd_fdstat_set_rights(fd, base:i64, inheriting:i64)
 *   fd_filestat_get(fd, ptr)           fd_filestat_set_size(fd, size:i64)
 *   fd_filestat_set_times(fd, atim:i64, mtim:i64, fst_flags)
 *   fd_pread(fd, iovs, iovs_len, offset:i64, nread_ptr)
 *   fd_pwrite(fd, iovs, iovs_len, offset:i64, nwritten_ptr)
 *   fd_read(fd, iovs, iovs_len, nread_ptr)   fd_write(fd, iovs, iovs_len, nwritten_ptr)
 *   fd_prestat_get(fd, ptr)            fd_prestat_dir_name(fd, path, path_len)
 *   fd_readdir(fd, buf, buf_len, cookie:i64, bufused_ptr)
 *   fd_renumber(fd, to)  fd_seek(fd, offset:i64, whence, newoffset_ptr)  fd_tell(fd, ptr)
 *   path_create_directory(fd, path, path_len)
 *   path_filestat_get(fd, lookupflags, path, path_len, buf)
 *   path_filestat_set_times(fd, lookupflags, path, path_len, atim:i64, mtim:i64, fst_flags)
 *   path_link(old_fd, old_lookupflags, old_path, old_len, new_fd, new_path, new_len)
 *   path_open(fd, dirflags, path, path_len, oflags, rights_base:i64,
 *             rights_inheriting:i64, fdflags, fd_ptr)
 *   path_readlink(fd, path, path_len, buf, buf_len, bufused_ptr)
 *   path_remove_directory(fd, path, path_len)
 *   path_rename(fd, old_path, old_len, new_fd, new_path, new_len)
 *   path_symlink(old_path, old_len, fd, new_path, new_len)
 *   path_unlink_file(fd, path, path_len)
 *   poll_oneoff(in, out, nsubscriptions, nevents_ptr)
 *   proc_exit(code) (never returns)  proc_raise(sig)  sched_yield()
 *   random_get(buf, buf_len)
 *   sock_accept(fd, flags, fd_ptr)  sock_shutdown(fd, how)
 *   sock_recv(fd, ri_data, ri_data_len, ri_flags, ro_datalen_ptr, ro_flags_ptr)
 *   sock_send(fd, si_data, si_data_len, si_flags, so_datalen_ptr)
 * each as `uint32_t w2c_wasi_<name>(w2c_wasi *w, w2c_memory *mem, <args>)`.
 *
 * Sandbox: a guest path is resolved component by component from the
 * directory descriptor (a preopen or a directory opened from one) with
 * openat(O_NOFOLLOW|O_DIRECTORY); symlinks are read with readlinkat and
 * expanded here (at most W2C_WASI_SYMLOOP_MAX); `..` pops a stack of
 * opened directories and may not pop the starting one.  An absolute path,
 * an absolute symlink target or a `..` above the start gives
 * W2C_WASI_ESCAPE_ERRNO.  No guest path ever reaches open().
 *
 * Configuration (define before including, identically in every file):
 *   W2C_WASI_ESCAPE_ERRNO  WASI errno of a sandbox escape; default 63
 *                          (EPERM, as wasmtime); 76 (ENOTCAPABLE) is the other
 *                          common choice.
 *   W2C_WASI_MAX_FDS       most guest descriptors; default 4096 (then EMFILE).
 *   W2C_WASI_SYMLOOP_MAX   symlinks expanded in one path; default 40 (ELOOP).
 *   W2C_WASI_PATH_MAX      longest guest path in bytes; default 4095
 *                          (ENAMETOOLONG beyond).
 *   W2C_WASI_IGNORE_SIGPIPE  1 (default): w2c_wasi_init ignores SIGPIPE if it
 *                          is at its default action, so a write to a closed
 *                          pipe or socket gives the guest EPIPE (as under
 *                          wasmtime) instead of killing the process.  0: leave
 *                          signals alone.
 *   W2C_WASI_BARE          defined (no value; default: not): bare metal, no OS
 *                          and no libc; this header includes
 *                          w2c_wasi_bare.h, the same API over platform hooks,
 *                          and none of the POSIX parts below. */
#ifdef W2C_WASI_BARE
#include "w2c_wasi_bare.h"
#else
#ifndef W2C_WASI_H
#define W2C_WASI_H

/* ---- feature macros: before any system header ---------------------------- */
#if !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1 /* glibc, musl: POSIX.1-2008 + BSD (DT_*, preadv) */
#endif
#if defined(__APPLE__) && !defined(_DARWIN_C_SOURCE)
#define _DARWIN_C_SOURCE 1
#endif
#ifndef _FILE_OFFSET_BITS
#define _FILE_OFFSET_BITS 64 /* 64-bit off_t on armhf and other 32-bit hosts */
#endif
#if !defined(_TIME_BITS) && _FILE_OFFSET_BITS == 64
#define _TIME_BITS 64 /* glibc >= 2.34: 64-bit time_t on 32-bit hosts */
#endif
/* glibc fixes the feature set when <features.h> is first included.  If that
 * happened before (w2c_rt.h or a system header first, under -std=c99), let
 * <features.h> evaluate the macros above again: the headers included below
 * then declare POSIX.1-2008.  (Headers already included stay as they were;
 * this file needs nothing more from them than ISO C.) */
#if defined(__GLIBC__) &&                                                \
    (!defined(__USE_XOPEN2K8) || !defined(__USE_MISC) ||                 \
     (_FILE_OFFSET_BITS == 64 && !defined(__USE_FILE_OFFSET64)))
#undef _FEATURES_H
#include <features.h>
#endif
/* <time.h> read in ISO mode left out clock_gettime & co.: glibc's time.h
 * and bits/time.h are idempotent apart from their guards, so read them again. */
#if defined(__GLIBC__) && defined(_TIME_H) && !defined(CLOCK_MONOTONIC)
#undef _TIME_H
#undef _BITS_TIME_H
#endif

#ifndef W2C_RT_H
#include "../w2c_rt.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

#if !defined(O_DIRECTORY) || !defined(O_NOFOLLOW) || !defined(O_CLOEXEC) ||            \
    !defined(AT_SYMLINK_NOFOLLOW) || !defined(AT_REMOVEDIR) || !defined(UTIME_OMIT) || \
    !defined(CLOCK_MONOTONIC) || !defined(F_DUPFD_CLOEXEC)
#error "w2c: wasi/w2c_wasi.h needs POSIX.1-2008 declarations: include it before w2c_rt.h and any system header, or compile with -D_DEFAULT_SOURCE (or -D_DARWIN_C_SOURCE on macOS)."
#endif
/* POSIX.1-2008 puts renameat in <stdio.h>, which w2c_rt.h may have
 * included in ISO mode: declare it (a compatible redeclaration). */
extern int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
/* A 32-bit off_t would silently truncate offsets and sizes (a 32-bit host
 * where <sys/types.h> came before this header): the array size goes negative. */
typedef char w2c_wasi_off_t_is_32_bits__include_w2c_wasi_h_first_or_add_D_FILE_OFFSET_BITS_64
    [sizeof(off_t) >= 8 ? 1 : -1];

/* ---- configuration --------------------------------------------------------- */
#ifndef W2C_WASI_ESCAPE_ERRNO
#define W2C_WASI_ESCAPE_ERRNO 63u
#endif
#ifndef W2C_WASI_MAX_FDS
#define W2C_WASI_MAX_FDS 4096u
#endif
#ifndef W2C_WASI_SYMLOOP_MAX
#define W2C_WASI_SYMLOOP_MAX 40
#endif
#ifndef W2C_WASI_PATH_MAX
#define W2C_WASI_PATH_MAX 4095u
#endif
#ifndef W2C_WASI_IGNORE_SIGPIPE
#define W2C_WASI_IGNORE_SIGPIPE 1
#endif
#if W2C_WASI_MAX_FDS < 3 || W2C_WASI_MAX_FDS > 0x7FFFFFFF
#error "w2c: W2C_WASI_MAX_FDS must be between 3 and 2^31-1."
#endif

#ifdef __GNUC__
#define W2C_WASI_FN static __attribute__((unused))
#else
#define W2C_WASI_FN static
#endif

/* ---- state ------------------------------------------------------------------- */
typedef struct w2c_wasi_config {
  int argc;
  const char *const *argv;         /* guest argv (argv[0] = program name) */
  const char *const *envp;         /* NULL-terminated "K=V" list (NULL: none) */
  int npreopens;
  const char *const *preopen_host; /* host directories */
  const char *const *preopen_guest;/* the names the guest sees (fd_prestat_dir_name) */
  int stdin_fd, stdout_fd, stderr_fd; /* host fds for guest fds 0,1,2 (-1: closed) */
} w2c_wasi_config;

/* One guest descriptor (slot of the table; host < 0: free). */
typedef struct w2c_wasi_fd {
  int host;             /* host descriptor */
  uint8_t type;         /* W2C_WASI_FILETYPE_* */
  uint8_t owned;        /* close `host` when released (not for stdio) */
  uint16_t fdflags;     /* fdflags given at open (RSYNC is not readable back) */
  uint64_t rights;      /* rights base */
  uint64_t inheriting;  /* rights inheriting */
  uint64_t max;         /* rights the type and host access mode allow at all */
  char *preopen;        /* guest name if preopened, else NULL */
  DIR *dir;             /* fd_readdir stream (on a dup of host), or NULL */
  uint64_t dir_cookie;  /* cookie of the next entry: pend, else what `dir` reads next */
  char *pend;           /* an entry read from `dir` that did not fit, or NULL */
  uint64_t pend_ino;
  uint8_t pend_type;
  uint8_t vpos_on;      /* the guest's position is vpos, past what the host can seek to */
  uint64_t vpos;        /* (fd_seek beyond the host's largest file, as wasmtime allows) */
} w2c_wasi_fd;

typedef struct w2c_wasi {
  w2c_wasi_fd *fds;     /* the table; index = guest fd */
  uint32_t nfds;        /* slots allocated */
  uint32_t argc, argv_size;  /* argv_size: bytes of the strings with their NULs */
  uint32_t envc, env_size;
  char **argv, **envp;  /* copies (one block each) */
  /* proc_exit calls exit_hook(code) if set (it may longjmp out), else exit(code). */
  void (*exit_hook)(uint32_t code);
  void *user;           /* free for the embedder */
} w2c_wasi;

#include "w2c_wasi_core.h"
#include "w2c_wasi_path.h"
#include "w2c_wasi_fd.h"
#include "w2c_wasi_pathops.h"
#include "w2c_wasi_poll.h"
#include "w2c_wasi_misc.h"

#endif /* W2C_WASI_H */
#endif /* W2C_WASI_BARE */
