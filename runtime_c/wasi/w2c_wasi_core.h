/* w2c_wasi_core.h: the constants of wasi_snapshot_preview1, the host errno
 * mapping, bounds-checked guest memory access, the descriptor table, and
 * w2c_wasi_init/free.  Included by w2c_wasi.h only. */
#ifndef W2C_WASI_CORE_H
#define W2C_WASI_CORE_H
#ifndef W2C_WASI_H
#error "w2c: include wasi/w2c_wasi.h, not its parts."
#endif

#include "w2c_wasi_abi.h"
/* what a regular file (or device, pipe) can do */
#define W2C_WASI_RIGHTS_FILE                                                                  \
  (W2C_WASI_RIGHT_FD_DATASYNC | W2C_WASI_RIGHT_FD_READ | W2C_WASI_RIGHT_FD_SEEK |             \
   W2C_WASI_RIGHT_FD_FDSTAT_SET_FLAGS | W2C_WASI_RIGHT_FD_SYNC | W2C_WASI_RIGHT_FD_TELL |     \
   W2C_WASI_RIGHT_FD_WRITE | W2C_WASI_RIGHT_FD_ADVISE | W2C_WASI_RIGHT_FD_ALLOCATE |          \
   W2C_WASI_RIGHT_FD_FILESTAT_GET | W2C_WASI_RIGHT_FD_FILESTAT_SET_SIZE |                     \
   W2C_WASI_RIGHT_FD_FILESTAT_SET_TIMES | W2C_WASI_RIGHT_POLL_FD_READWRITE)
/* what a directory can do */
#define W2C_WASI_RIGHTS_DIR                                                                   \
  (W2C_WASI_RIGHT_FD_DATASYNC | W2C_WASI_RIGHT_FD_FDSTAT_SET_FLAGS | W2C_WASI_RIGHT_FD_SYNC | \
   W2C_WASI_RIGHT_PATH_CREATE_DIRECTORY | W2C_WASI_RIGHT_PATH_CREATE_FILE |                   \
   W2C_WASI_RIGHT_PATH_LINK_SOURCE | W2C_WASI_RIGHT_PATH_LINK_TARGET |                        \
   W2C_WASI_RIGHT_PATH_OPEN | W2C_WASI_RIGHT_FD_READDIR | W2C_WASI_RIGHT_PATH_READLINK |      \
   W2C_WASI_RIGHT_PATH_RENAME_SOURCE | W2C_WASI_RIGHT_PATH_RENAME_TARGET |                    \
   W2C_WASI_RIGHT_PATH_FILESTAT_GET | W2C_WASI_RIGHT_PATH_FILESTAT_SET_SIZE |                 \
   W2C_WASI_RIGHT_PATH_FILESTAT_SET_TIMES | W2C_WASI_RIGHT_FD_FILESTAT_GET |                  \
   W2C_WASI_RIGHT_FD_FILESTAT_SET_TIMES | W2C_WASI_RIGHT_PATH_SYMLINK |                       \
   W2C_WASI_RIGHT_PATH_REMOVE_DIRECTORY | W2C_WASI_RIGHT_PATH_UNLINK_FILE)
#define W2C_WASI_RIGHTS_SOCKET                                                                \
  (W2C_WASI_RIGHT_FD_READ | W2C_WASI_RIGHT_FD_WRITE | W2C_WASI_RIGHT_FD_FDSTAT_SET_FLAGS |    \
   W2C_WASI_RIGHT_FD_FILESTAT_GET | W2C_WASI_RIGHT_POLL_FD_READWRITE |                        \
   W2C_WASI_RIGHT_SOCK_SHUTDOWN | W2C_WASI_RIGHT_SOCK_ACCEPT)
/* rights that name paths: asking a non-directory for them is ENOTDIR */
#define W2C_WASI_RIGHTS_PATHS \
  (W2C_WASI_RIGHTS_DIR & ~(W2C_WASI_RIGHTS_FILE | W2C_WASI_RIGHT_FD_READDIR))

/* ---- host errno -> WASI errno --------------------------------------------- */
W2C_WASI_FN uint32_t w2c_wasi_errno(int e) {
  switch (e) {
    case 0: return W2C_WASI_ESUCCESS;
    case E2BIG: return W2C_WASI_E2BIG;
    case EACCES: return W2C_WASI_EACCES;
    case EADDRINUSE: return W2C_WASI_EADDRINUSE;
    case EADDRNOTAVAIL: return W2C_WASI_EADDRNOTAVAIL;
    case EAFNOSUPPORT: return W2C_WASI_EAFNOSUPPORT;
    case EAGAIN: return W2C_WASI_EAGAIN;
#if defined(EWOULDBLOCK) && EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK: return W2C_WASI_EAGAIN;
#endif
    case EALREADY: return W2C_WASI_EALREADY;
    case EBADF: return W2C_WASI_EBADF;
#ifdef EBADMSG
    case EBADMSG: return W2C_WASI_EBADMSG;
#endif
    case EBUSY: return W2C_WASI_EBUSY;
    case ECANCELED: return W2C_WASI_ECANCELED;
    case ECHILD: return W2C_WASI_ECHILD;
    case ECONNABORTED: return W2C_WASI_ECONNABORTED;
    case ECONNREFUSED: return W2C_WASI_ECONNREFUSED;
    case ECONNRESET: return W2C_WASI_ECONNRESET;
    case EDEADLK: return W2C_WASI_EDEADLK;
#if defined(EDEADLOCK) && EDEADLOCK != EDEADLK
    case EDEADLOCK: return W2C_WASI_EDEADLK;
#endif
    case EDESTADDRREQ: return W2C_WASI_EDESTADDRREQ;
    case EDOM: return W2C_WASI_EDOM;
#ifdef EDQUOT
    case EDQUOT: return W2C_WASI_EDQUOT;
#endif
    case EEXIST: return W2C_WASI_EEXIST;
    case EFAULT: return W2C_WASI_EFAULT;
    case EFBIG: return W2C_WASI_EFBIG;
    case EHOSTUNREACH: return W2C_WASI_EHOSTUNREACH;
#ifdef EHOSTDOWN
    case EHOSTDOWN: return W2C_WASI_EHOSTUNREACH;
#endif
#ifdef EIDRM
    case EIDRM: return W2C_WASI_EIDRM;
#endif
    case EILSEQ: return W2C_WASI_EILSEQ;
    case EINPROGRESS: return W2C_WASI_EINPROGRESS;
    case EINTR: return W2C_WASI_EINTR;
    case EINVAL: return W2C_WASI_EINVAL;
    case EIO: return W2C_WASI_EIO;
    case EISCONN: return W2C_WASI_EISCONN;
    case EISDIR: return W2C_WASI_EISDIR;
    case ELOOP: return W2C_WASI_ELOOP;
    case EMFILE: return W2C_WASI_EMFILE;
    case EMLINK: return W2C_WASI_EMLINK;
    case EMSGSIZE: return W2C_WASI_EMSGSIZE;
#ifdef EMULTIHOP
    case EMULTIHOP: return W2C_WASI_EMULTIHOP;
#endif
    case ENAMETOOLONG: return W2C_WASI_ENAMETOOLONG;
    case ENETDOWN: return W2C_WASI_ENETDOWN;
    case ENETRESET: return W2C_WASI_ENETRESET;
    case ENETUNREACH: return W2C_WASI_ENETUNREACH;
    case ENFILE: return W2C_WASI_ENFILE;
    case ENOBUFS: return W2C_WASI_ENOBUFS;
    case ENODEV: return W2C_WASI_ENODEV;
    case ENOENT: return W2C_WASI_ENOENT;
    case ENOEXEC: return W2C_WASI_ENOEXEC;
    case ENOLCK: return W2C_WASI_ENOLCK;
#ifdef ENOLINK
    case ENOLINK: return W2C_WASI_ENOLINK;
#endif
    case ENOMEM: return W2C_WASI_ENOMEM;
#ifdef ENOMSG
    case ENOMSG: return W2C_WASI_ENOMSG;
#endif
    case ENOPROTOOPT: return W2C_WASI_ENOPROTOOPT;
    case ENOSPC: return W2C_WASI_ENOSPC;
    case ENOSYS: return W2C_WASI_ENOSYS;
    case ENOTCONN: return W2C_WASI_ENOTCONN;
    case ENOTDIR: return W2C_WASI_ENOTDIR;
    case ENOTEMPTY: return W2C_WASI_ENOTEMPTY;
#ifdef ENOTRECOVERABLE
    case ENOTRECOVERABLE: return W2C_WASI_ENOTRECOVERABLE;
#endif
    case ENOTSOCK: return W2C_WASI_ENOTSOCK;
    case ENOTSUP: return W2C_WASI_ENOTSUP;
#if defined(EOPNOTSUPP) && EOPNOTSUPP != ENOTSUP
    case EOPNOTSUPP: return W2C_WASI_ENOTSUP;
#endif
    case ENOTTY: return W2C_WASI_ENOTTY;
    case ENXIO: return W2C_WASI_ENXIO;
    case EOVERFLOW: return W2C_WASI_EOVERFLOW;
#ifdef EOWNERDEAD
    case EOWNERDEAD: return W2C_WASI_EOWNERDEAD;
#endif
    case EPERM: return W2C_WASI_EPERM;
    case EPIPE: return W2C_WASI_EPIPE;
#ifdef EPROTO
    case EPROTO: return W2C_WASI_EPROTO;
#endif
    case EPROTONOSUPPORT: return W2C_WASI_EPROTONOSUPPORT;
    case EPROTOTYPE: return W2C_WASI_EPROTOTYPE;
    case ERANGE: return W2C_WASI_ERANGE;
    case EROFS: return W2C_WASI_EROFS;
    case ESPIPE: return W2C_WASI_ESPIPE;
    case ESRCH: return W2C_WASI_ESRCH;
#ifdef ESTALE
    case ESTALE: return W2C_WASI_ESTALE;
#endif
    case ETIMEDOUT: return W2C_WASI_ETIMEDOUT;
    case ETXTBSY: return W2C_WASI_ETXTBSY;
    case EXDEV: return W2C_WASI_EXDEV;
    default: return W2C_WASI_EIO; /* no WASI equivalent (ENODATA, ETIME, ...) */
  }
}
/* the WASI errno of the host's errno now */
#define W2C_WASI_ERR() w2c_wasi_errno(errno)

/* ---- guest memory ------------------------------------------------------------ */
#include "w2c_wasi_guest.h" /* checks, loads, stores; args and environ */
/* Host address of guest ptr, valid after w2c_wasi_in_ (never NULL + n). */
static inline uint8_t *w2c_wasi_addr_(w2c_memory *mem, uint32_t ptr) {
  static uint8_t empty[1];
  return mem->data ? mem->data + ptr : empty;
}
/* a byte at a checked address */
static inline void w2c_wasi_st8_(w2c_memory *m, uint32_t p, uint32_t v) {
  m->data[p] = (uint8_t)(v & 0xFFu);
}
/* i64 argument as signed, without implementation-defined conversion */
static inline int64_t w2c_wasi_s64_(uint64_t v) {
  return v <= (uint64_t)INT64_MAX ? (int64_t)v : -(int64_t)(~v) - 1;
}
/* timespec -> nanoseconds (wrapping for times before 1970, as u64) */
static inline uint64_t w2c_wasi_ns_(const struct timespec *ts) {
  return (uint64_t)(int64_t)ts->tv_sec * UINT64_C(1000000000) + (uint64_t)(int64_t)ts->tv_nsec;
}

/* ---- the descriptor table --------------------------------------------------- */
static inline uint8_t w2c_wasi_filetype_(mode_t mode) {
  if (S_ISREG(mode)) return W2C_WASI_FILETYPE_REGULAR_FILE;
  if (S_ISDIR(mode)) return W2C_WASI_FILETYPE_DIRECTORY;
  if (S_ISCHR(mode)) return W2C_WASI_FILETYPE_CHARACTER_DEVICE;
  if (S_ISBLK(mode)) return W2C_WASI_FILETYPE_BLOCK_DEVICE;
  if (S_ISLNK(mode)) return W2C_WASI_FILETYPE_SYMBOLIC_LINK;
  if (S_ISSOCK(mode)) return W2C_WASI_FILETYPE_SOCKET_STREAM;
  return W2C_WASI_FILETYPE_UNKNOWN; /* FIFOs: WASI has no type for them */
}
/* type of an open host descriptor (sockets: stream or datagram) */
static inline uint8_t w2c_wasi_fdtype_(int host, const struct stat *st) {
  if (S_ISSOCK(st->st_mode)) {
    int t = 0;
    socklen_t len = sizeof t;
    if (getsockopt(host, SOL_SOCKET, SO_TYPE, &t, &len) == 0 && t == SOCK_DGRAM)
      return W2C_WASI_FILETYPE_SOCKET_DGRAM;
    return W2C_WASI_FILETYPE_SOCKET_STREAM;
  }
  return w2c_wasi_filetype_(st->st_mode);
}
static inline int w2c_wasi_is_socket_(uint8_t type) {
  return type == W2C_WASI_FILETYPE_SOCKET_DGRAM || type == W2C_WASI_FILETYPE_SOCKET_STREAM;
}
/* Rights an open host descriptor can have at all: by type, less what its
 * access mode forbids.  A terminal has no seek/tell (wasi-libc's isatty). */
static inline uint64_t w2c_wasi_max_rights_(int host, uint8_t type) {
  uint64_t r;
  int fl = fcntl(host, F_GETFL);
  if (type == W2C_WASI_FILETYPE_DIRECTORY) return W2C_WASI_RIGHTS_DIR;
  if (w2c_wasi_is_socket_(type)) r = W2C_WASI_RIGHTS_SOCKET;
  else r = W2C_WASI_RIGHTS_FILE;
  if (type == W2C_WASI_FILETYPE_CHARACTER_DEVICE && isatty(host))
    r &= ~(W2C_WASI_RIGHT_FD_SEEK | W2C_WASI_RIGHT_FD_TELL);
  if (fl >= 0 && (fl & O_ACCMODE) == O_RDONLY)
    r &= ~(W2C_WASI_RIGHT_FD_WRITE | W2C_WASI_RIGHT_FD_ALLOCATE |
           W2C_WASI_RIGHT_FD_FILESTAT_SET_SIZE);
  if (fl >= 0 && (fl & O_ACCMODE) == O_WRONLY) r &= ~W2C_WASI_RIGHT_FD_READ;
  return r;
}

/* Slot of guest fd `fd` holding all of `need`, or an errno: EBADF for no such
 * descriptor or a right its type/access mode never has (as POSIX and
 * wasmtime: writing a read-only file), ENOTDIR for a path right on a
 * non-directory, ENOTCAPABLE for a right that was dropped. */
static inline uint32_t w2c_wasi_get_(w2c_wasi *w, uint32_t fd, uint64_t need, w2c_wasi_fd **out) {
  w2c_wasi_fd *e;
  if (fd >= w->nfds || w->fds[fd].host < 0) return W2C_WASI_EBADF;
  e = &w->fds[fd];
  if ((e->rights & need) != need) {
    if ((e->max & need) == need) return W2C_WASI_ENOTCAPABLE;
    if ((need & W2C_WASI_RIGHTS_PATHS) && e->type != W2C_WASI_FILETYPE_DIRECTORY)
      return W2C_WASI_ENOTDIR;
    return W2C_WASI_EBADF;
  }
  *out = e;
  return 0;
}

static inline void w2c_wasi_release_(w2c_wasi_fd *e) {
  if (e->dir) closedir(e->dir);
  free(e->pend);
  if (e->owned && e->host >= 0) close(e->host);
  free(e->preopen);
  memset(e, 0, sizeof *e);
  e->host = -1;
}

/* Make slot `i` exist (the table grows by doubling, up to W2C_WASI_MAX_FDS). */
static inline uint32_t w2c_wasi_reserve_(w2c_wasi *w, uint32_t i) {
  uint32_t n = w->nfds ? w->nfds : 8, k;
  w2c_wasi_fd *t;
  if (i < w->nfds) return 0;
  if (i >= W2C_WASI_MAX_FDS) return W2C_WASI_EMFILE;
  while (n <= i) n *= 2;
  if (n > W2C_WASI_MAX_FDS) n = W2C_WASI_MAX_FDS;
  t = (w2c_wasi_fd *)realloc(w->fds, (size_t)n * sizeof *t);
  if (!t) return W2C_WASI_ENOMEM;
  for (k = w->nfds; k < n; k++) {
    memset(&t[k], 0, sizeof t[k]);
    t[k].host = -1;
  }
  w->fds = t;
  w->nfds = n;
  return 0;
}

/* Enter host descriptor `host` in slot `slot`, or the lowest free one if
 * slot is UINT32_MAX; *fd_out = its guest number.  On failure an owned
 * host descriptor is closed. */
static inline uint32_t w2c_wasi_add_(w2c_wasi *w, uint32_t slot, int host, int owned,
                                     uint64_t rights, uint64_t inheriting, uint16_t fdflags,
                                     uint32_t *fd_out) {
  struct stat st;
  uint32_t i = slot, err;
  w2c_wasi_fd *e;
  if (fstat(host, &st) != 0) {
    err = W2C_WASI_ERR();
    if (owned) close(host);
    return err;
  }
  if (i == UINT32_MAX)
    for (i = 0; i < w->nfds && w->fds[i].host >= 0; i++) {}
  if ((err = w2c_wasi_reserve_(w, i)) != 0) {
    if (owned) close(host);
    return err;
  }
  e = &w->fds[i];
  e->host = host;
  e->owned = (uint8_t)(owned != 0);
  e->type = w2c_wasi_fdtype_(host, &st);
  e->max = w2c_wasi_max_rights_(host, e->type);
  e->rights = rights & e->max;
  e->inheriting = inheriting;
  e->fdflags = fdflags;
  *fd_out = i;
  return 0;
}

W2C_WASI_FN int w2c_wasi_insert_fd(w2c_wasi *w, int host_fd, int owned) {
  uint32_t fd;
  if (w2c_wasi_add_(w, UINT32_MAX, host_fd, owned, W2C_WASI_RIGHTS_ALL,
                    W2C_WASI_RIGHTS_FILE | W2C_WASI_RIGHTS_DIR, 0, &fd) != 0)
    return -1;
  return (int)fd;
}

/* ---- init / free ---------------------------------------------------------------- */
W2C_WASI_FN void w2c_wasi_free(w2c_wasi *w) {
  uint32_t i;
  for (i = 0; i < w->nfds; i++)
    if (w->fds[i].host >= 0) w2c_wasi_release_(&w->fds[i]);
  free(w->fds);
  free(w->argv);
  free(w->envp);
  memset(w, 0, sizeof *w);
}

/* Copy n strings into one block: pointers, then the bytes.  *size = bytes
 * with their NULs; 0 on success, else an errno value. */
static inline int w2c_wasi_strings_(const char *const *src, uint32_t n, char ***out,
                                    uint32_t *size) {
  uint64_t total = 0;
  uint32_t i;
  char **v, *p;
  for (i = 0; i < n; i++) total += strlen(src[i]) + 1;
  if (total > 0xFFFFFFFFu || (uint64_t)n * sizeof(char *) + total > (uint64_t)(size_t)-1)
    return E2BIG;
  v = (char **)malloc((size_t)n * sizeof(char *) + (size_t)total + 1);
  if (!v) return ENOMEM;
  p = (char *)(v + n);
  for (i = 0; i < n; i++) {
    size_t len = strlen(src[i]) + 1;
    memcpy(p, src[i], len);
    v[i] = p;
    p += len;
  }
  *out = v;
  *size = (uint32_t)total;
  return 0;
}

W2C_WASI_FN int w2c_wasi_init(w2c_wasi *w, const w2c_wasi_config *cfg) {
  int i, err;
  uint32_t n = 0, fd;
  memset(w, 0, sizeof *w);
  if (cfg->argc < 0 || (cfg->argc > 0 && !cfg->argv) || cfg->npreopens < 0 ||
      (cfg->npreopens > 0 && (!cfg->preopen_host || !cfg->preopen_guest)))
    return EINVAL;
  if ((err = w2c_wasi_strings_(cfg->argv, (uint32_t)cfg->argc, &w->argv, &w->argv_size)))
    return err;
  w->argc = (uint32_t)cfg->argc;
  if (cfg->envp)
    while (cfg->envp[n]) n++;
  if ((err = w2c_wasi_strings_(cfg->envp, n, &w->envp, &w->env_size))) goto fail;
  w->envc = n;
  /* guest fds 0-2: the host's stdio, never closed by us (an invalid host fd
   * leaves the guest fd closed) */
  if (w2c_wasi_reserve_(w, 2) != 0) {
    err = ENOMEM;
    goto fail;
  }
  for (i = 0; i < 3; i++) {
    int host = i == 0 ? cfg->stdin_fd : i == 1 ? cfg->stdout_fd : cfg->stderr_fd;
    if (host >= 0)
      (void)w2c_wasi_add_(w, (uint32_t)i, host, 0, W2C_WASI_RIGHTS_FILE | W2C_WASI_RIGHTS_SOCKET,
                          0, 0, &fd);
  }
  for (i = 0; i < cfg->npreopens; i++) { /* guest fds 3, 4, ... */
    int host = open(cfg->preopen_host[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    size_t len;
    if (host < 0) goto fail_host;
    if (w2c_wasi_add_(w, 3u + (uint32_t)i, host, 1, W2C_WASI_RIGHTS_DIR,
                      W2C_WASI_RIGHTS_DIR | W2C_WASI_RIGHTS_FILE, 0, &fd) != 0) {
      errno = EMFILE;
      goto fail_host;
    }
    len = strlen(cfg->preopen_guest[i]);
    if (!(w->fds[fd].preopen = (char *)malloc(len + 1))) {
      errno = ENOMEM;
      goto fail_host;
    }
    memcpy(w->fds[fd].preopen, cfg->preopen_guest[i], len + 1);
  }
#if W2C_WASI_IGNORE_SIGPIPE
  {
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    if (old != SIG_DFL && old != SIG_ERR) signal(SIGPIPE, old);
  }
#endif
  return 0;
fail_host:
  err = errno ? errno : EIO;
fail:
  w2c_wasi_free(w);
  return err;
}

#endif /* W2C_WASI_CORE_H */
