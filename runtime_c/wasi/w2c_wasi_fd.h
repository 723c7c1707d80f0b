/* w2c_wasi_fd.h: the fd_* functions of wasi_snapshot_preview1.  Included by
 * w2c_wasi.h only.  Structures are written little-endian with their padding
 * zeroed: fdstat (24 bytes), filestat (64), prestat (8), dirent (24 + name). */
#ifndef W2C_WASI_FD_H
#define W2C_WASI_FD_H
#ifndef W2C_WASI_H
#error "w2c: include wasi/w2c_wasi.h, not its parts."
#endif

#ifdef IOV_MAX
#define W2C_WASI_IOV_MAX IOV_MAX
#else
#define W2C_WASI_IOV_MAX 1024
#endif
/* bytes moved by one call at most (Linux's own limit), so counts fit in u32 */
#define W2C_WASI_IO_MAX 0x7FFFF000u

/* ---- iovec arrays ----------------------------------------------------------- */
typedef struct w2c_wasi_iov {
  struct iovec *v;
  int n;
  struct iovec local[16];
} w2c_wasi_iov;

/* Check the n iovecs at guest `iovs` (8 bytes each: buf u32, len u32) and
 * every buffer, then build the host array: at most W2C_WASI_IOV_MAX entries
 * and W2C_WASI_IO_MAX bytes (a shorter transfer, as POSIX allows). */
static inline uint32_t w2c_wasi_iovs_(w2c_memory *mem, uint32_t iovs, uint32_t n,
                                      w2c_wasi_iov *io) {
  uint32_t i, total = 0;
  io->v = io->local;
  io->n = 0;
  W2C_WASI_CHECK(mem, iovs, (uint64_t)n * 8);
  for (i = 0; i < n; i++) {
    uint64_t at = (uint64_t)iovs + (uint64_t)i * 8;
    if (!w2c_wasi_in_(mem, w2c_wasi_ld32_(mem, at), w2c_wasi_ld32_(mem, at + 4)))
      return W2C_WASI_EFAULT;
  }
  if (n > W2C_WASI_IOV_MAX) n = W2C_WASI_IOV_MAX;
  if (n > 16 && !(io->v = (struct iovec *)malloc((size_t)n * sizeof(struct iovec)))) {
    io->v = io->local;
    return W2C_WASI_ENOMEM;
  }
  for (i = 0; i < n && total < W2C_WASI_IO_MAX; i++) {
    uint64_t at = (uint64_t)iovs + (uint64_t)i * 8;
    uint32_t len = w2c_wasi_ld32_(mem, at + 4);
    if (len > W2C_WASI_IO_MAX - total) len = W2C_WASI_IO_MAX - total;
    io->v[i].iov_base = w2c_wasi_addr_(mem, w2c_wasi_ld32_(mem, at));
    io->v[i].iov_len = len;
    total += len;
  }
  io->n = (int)i;
  return 0;
}
static inline void w2c_wasi_iov_done_(w2c_wasi_iov *io) {
  if (io->v != io->local) free(io->v);
}

/* ---- shared by fd_* and path_* ------------------------------------------------- */
#ifdef __APPLE__
#define W2C_WASI_ATIM(st) (st)->st_atimespec
#define W2C_WASI_MTIM(st) (st)->st_mtimespec
#define W2C_WASI_CTIM(st) (st)->st_ctimespec
#else
#define W2C_WASI_ATIM(st) (st)->st_atim
#define W2C_WASI_MTIM(st) (st)->st_mtim
#define W2C_WASI_CTIM(st) (st)->st_ctim
#endif

/* filestat: dev u64 @0, ino u64 @8, filetype u8 @16, nlink u64 @24, size u64
 * @32, atim @40, mtim @48, ctim @56 (ns). ptr checked by the caller. */
static inline void w2c_wasi_filestat_(w2c_memory *mem, uint32_t p, const struct stat *st,
                                      uint8_t type) {
  memset(mem->data + p, 0, 64);
  w2c_wasi_st64_(mem, p, (uint64_t)st->st_dev);
  w2c_wasi_st64_(mem, p + 8, (uint64_t)st->st_ino);
  w2c_wasi_st8_(mem, p + 16, type);
  w2c_wasi_st64_(mem, p + 24, (uint64_t)st->st_nlink);
  w2c_wasi_st64_(mem, p + 32, (uint64_t)(int64_t)st->st_size);
  w2c_wasi_st64_(mem, p + 40, w2c_wasi_ns_(&W2C_WASI_ATIM(st)));
  w2c_wasi_st64_(mem, p + 48, w2c_wasi_ns_(&W2C_WASI_MTIM(st)));
  w2c_wasi_st64_(mem, p + 56, w2c_wasi_ns_(&W2C_WASI_CTIM(st)));
}

/* fst_flags -> the timespec pair of futimens/utimensat */
static inline uint32_t w2c_wasi_times_(uint64_t atim, uint64_t mtim, uint32_t fst,
                                       struct timespec ts[2]) {
  int i;
  if ((fst & ~15u) || ((fst & W2C_WASI_FST_ATIM) && (fst & W2C_WASI_FST_ATIM_NOW)) ||
      ((fst & W2C_WASI_FST_MTIM) && (fst & W2C_WASI_FST_MTIM_NOW)))
    return W2C_WASI_EINVAL;
  for (i = 0; i < 2; i++) {
    uint32_t set = i ? W2C_WASI_FST_MTIM : W2C_WASI_FST_ATIM;
    uint64_t t = i ? mtim : atim;
    if (fst & set) {
      if ((uint64_t)(t / 1000000000u) > (uint64_t)INT32_MAX && sizeof(time_t) < 8)
        return W2C_WASI_EOVERFLOW;
      ts[i].tv_sec = (time_t)(t / 1000000000u);
      ts[i].tv_nsec = (long)(t % 1000000000u);
    } else {
      ts[i].tv_sec = 0;
      ts[i].tv_nsec = (fst & (set << 1)) ? UTIME_NOW : UTIME_OMIT;
    }
  }
  return 0;
}

/* fd is an open regular file (or similar) without host write access: the
 * rights needing it were never possible (get_ said EBADF, not ENOTCAPABLE) */
static inline int w2c_wasi_readonly_file_(w2c_wasi *w, uint32_t fd) {
  w2c_wasi_fd *e;
  if (fd >= w->nfds || w->fds[fd].host < 0) return 0;
  e = &w->fds[fd];
  return e->type == W2C_WASI_FILETYPE_REGULAR_FILE && !(e->max & W2C_WASI_RIGHT_FD_WRITE);
}

/* ---- read and write -------------------------------------------------------------- */
/* pread/pwrite over an iovec array (preadv/pwritev on Linux) */
static inline ssize_t w2c_wasi_pio_(int fd, const w2c_wasi_iov *io, off_t off, int write) {
#if defined(__linux__)
  return write ? pwritev(fd, io->v, io->n, off) : preadv(fd, io->v, io->n, off);
#else
  ssize_t total = 0;
  int i;
  for (i = 0; i < io->n; i++) {
    ssize_t r = write ? pwrite(fd, io->v[i].iov_base, io->v[i].iov_len, off + total)
                      : pread(fd, io->v[i].iov_base, io->v[i].iov_len, off + total);
    if (r < 0) return total ? total : -1;
    total += r;
    if ((size_t)r < io->v[i].iov_len) break;
  }
  return total;
#endif
}

/* fd_read, fd_write, fd_pread, fd_pwrite (positioned: has_off) */
static inline uint32_t w2c_wasi_rw_(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint32_t iovs,
                                    uint32_t n, int write, int has_off, uint64_t off,
                                    uint32_t count_ptr) {
  w2c_wasi_fd *e;
  w2c_wasi_iov io;
  ssize_t r;
  uint64_t need = write ? W2C_WASI_RIGHT_FD_WRITE : W2C_WASI_RIGHT_FD_READ;
  uint32_t err = w2c_wasi_get_(w, fd, need | (has_off ? W2C_WASI_RIGHT_FD_SEEK : 0), &e);
  if (err) return err;
  W2C_WASI_CHECK(mem, count_ptr, 4);
  if (has_off && off > (uint64_t)INT64_MAX) return W2C_WASI_EINVAL;
  if ((err = w2c_wasi_iovs_(mem, iovs, n, &io))) return err;
  if (has_off) r = w2c_wasi_pio_(e->host, &io, (off_t)off, write);
  else if (e->vpos_on) { /* past the largest file: reads see EOF, writes the host's error */
    r = io.n && write ? w2c_wasi_pio_(e->host, &io, (off_t)e->vpos, write) : 0;
    if (r > 0) e->vpos += (uint64_t)r;
  } else if (io.n == 0) r = 0;
  else r = write ? writev(e->host, io.v, io.n) : readv(e->host, io.v, io.n);
  if (r < 0) err = W2C_WASI_ERR();
  w2c_wasi_iov_done_(&io);
  if (err) return err;
  w2c_wasi_st32_(mem, count_ptr, (uint32_t)r);
  return 0;
}

W2C_WASI_FN uint32_t w2c_wasi_fd_read(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint32_t iovs,
                                      uint32_t iovs_len, uint32_t nread_ptr) {
  return w2c_wasi_rw_(w, mem, fd, iovs, iovs_len, 0, 0, 0, nread_ptr);
}
W2C_WASI_FN uint32_t w2c_wasi_fd_write(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint32_t iovs,
                                       uint32_t iovs_len, uint32_t nwritten_ptr) {
  return w2c_wasi_rw_(w, mem, fd, iovs, iovs_len, 1, 0, 0, nwritten_ptr);
}
W2C_WASI_FN uint32_t w2c_wasi_fd_pread(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint32_t iovs,
                                       uint32_t iovs_len, uint64_t offset, uint32_t nread_ptr) {
  return w2c_wasi_rw_(w, mem, fd, iovs, iovs_len, 0, 1, offset, nread_ptr);
}
W2C_WASI_FN uint32_t w2c_wasi_fd_pwrite(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint32_t iovs,
                                        uint32_t iovs_len, uint64_t offset,
                                        uint32_t nwritten_ptr) {
  return w2c_wasi_rw_(w, mem, fd, iovs, iovs_len, 1, 1, offset, nwritten_ptr);
}

/* ---- position -------------------------------------------------------------------- */
W2C_WASI_FN uint32_t w2c_wasi_fd_seek(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint64_t offset,
                                      uint32_t whence, uint32_t newoffset_ptr) {
  w2c_wasi_fd *e;
  off_t r;
  int how = whence == W2C_WASI_WHENCE_SET ? SEEK_SET : whence == W2C_WASI_WHENCE_CUR ? SEEK_CUR
                                                                                     : SEEK_END;
  /* (0, cur) only asks where we are: fd_tell suffices */
  uint32_t err = w2c_wasi_get_(w, fd, W2C_WASI_RIGHT_FD_SEEK, &e);
  if (err && offset == 0 && whence == W2C_WASI_WHENCE_CUR)
    err = w2c_wasi_get_(w, fd, W2C_WASI_RIGHT_FD_TELL, &e);
  if (err) return err;
  W2C_WASI_CHECK(mem, newoffset_ptr, 8);
  if (whence > W2C_WASI_WHENCE_END) return W2C_WASI_EINVAL;
  if (e->vpos_on && how == SEEK_CUR) {
    /* from a virtual position: the target as an absolute offset */
    int64_t d = w2c_wasi_s64_(offset);
    if (d < 0 && (uint64_t)-(d + 1) >= e->vpos) return W2C_WASI_EINVAL;
    if (d > 0 && (uint64_t)d > (uint64_t)INT64_MAX - e->vpos) return W2C_WASI_EINVAL;
    offset = e->vpos + (uint64_t)d;
    how = SEEK_SET;
  }
  r = lseek(e->host, (off_t)w2c_wasi_s64_(offset), how);
  if (r < 0 && errno == EINVAL && how == SEEK_SET && offset <= (uint64_t)INT64_MAX &&
      e->type == W2C_WASI_FILETYPE_REGULAR_FILE) {
    /* beyond the host file system's largest file (ext4: 16 TiB): wasmtime keeps
     * such a position (reads there see EOF, writes fail), so does this */
    e->vpos_on = 1;
    e->vpos = offset;
    w2c_wasi_st64_(mem, newoffset_ptr, offset);
    return 0;
  }
  if (r < 0) return W2C_WASI_ERR();
  e->vpos_on = 0;
  w2c_wasi_st64_(mem, newoffset_ptr, (uint64_t)r);
  return 0;
}

W2C_WASI_FN uint32_t w2c_wasi_fd_tell(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                      uint32_t offset_ptr) {
  w2c_wasi_fd *e;
  off_t r;
  uint32_t err = w2c_wasi_get_(w, fd, W2C_WASI_RIGHT_FD_TELL, &e);
  if (err) return err;
  W2C_WASI_CHECK(mem, offset_ptr, 8);
  if (e->vpos_on) r = (off_t)e->vpos;
  else if ((r = lseek(e->host, 0, SEEK_CUR)) < 0) return W2C_WASI_ERR();
  w2c_wasi_st64_(mem, offset_ptr, (uint64_t)r);
  return 0;
}

/* ---- descriptor state ------------------------------------------------------------- */
W2C_WASI_FN uint32_t w2c_wasi_fd_fdstat_get(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                            uint32_t ptr) {
  w2c_wasi_fd *e;
  uint32_t flags = 0, err = w2c_wasi_get_(w, fd, 0, &e);
  int fl;
  if (err) return err;
  W2C_WASI_CHECK(mem, ptr, 24);
  if ((fl = fcntl(e->host, F_GETFL)) < 0) return W2C_WASI_ERR();
  if (fl & O_APPEND) flags |= W2C_WASI_FDFLAG_APPEND;
  if (fl & O_NONBLOCK) flags |= W2C_WASI_FDFLAG_NONBLOCK;
#ifdef O_DSYNC
  if ((fl & O_DSYNC) == O_DSYNC) flags |= W2C_WASI_FDFLAG_DSYNC;
#endif
  if ((fl & O_SYNC) == O_SYNC) flags |= W2C_WASI_FDFLAG_SYNC;
  flags |= e->fdflags & W2C_WASI_FDFLAG_RSYNC;
  memset(mem->data + ptr, 0, 24);
  w2c_wasi_st8_(mem, ptr, e->type);
  w2c_wasi_st16_(mem, ptr + 2, flags);
  w2c_wasi_st64_(mem, ptr + 8, e->rights);
  w2c_wasi_st64_(mem, ptr + 16, e->inheriting);
  return 0;
}

/* Only append and nonblock can change after opening (sync flags: EINVAL, as
 * wasmtime). */
W2C_WASI_FN uint32_t w2c_wasi_fd_fdstat_set_flags(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                  uint32_t flags) {
  w2c_wasi_fd *e;
  int fl;
  uint32_t err = w2c_wasi_get_(w, fd, W2C_WASI_RIGHT_FD_FDSTAT_SET_FLAGS, &e);
  (void)mem;
  if (err) return err;
  if (flags & ~(uint32_t)(W2C_WASI_FDFLAG_APPEND | W2C_WASI_FDFLAG_NONBLOCK))
    return W2C_WASI_EINVAL;
  if ((fl = fcntl(e->host, F_GETFL)) < 0) return W2C_WASI_ERR();
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & W2C_WASI_FDFLAG_APPEND) fl |= O_APPEND;
  if (flags & W2C_WASI_FDFLAG_NONBLOCK) fl |= O_NONBLOCK;
  if (fcntl(e->host, F_SETFL, fl) < 0) return W2C_WASI_ERR();
  return 0;
}

/* Rights can only be dropped. */
W2C_WASI_FN uint32_t w2c_wasi_fd_fdstat_set_rights(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                   uint64_t base, uint64_t inheriting) {
  w2c_wasi_fd *e;
  uint32_t err = w2c_wasi_get_(w, fd, 0, &e);
  (void)mem;
  if (err) return err;
  if ((base & ~e->rights) || (inheriting & ~e->inheriting)) return W2C_WASI_ENOTCAPABLE;
  e->rights = base;
  e->inheriting = inheriting;
  return 0;
}

W2C_WASI_FN uint32_t w2c_wasi_fd_filestat_get(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                              uint32_t ptr) {
  w2c_wasi_fd *e;
  struct stat st;
  uint32_t err = w2c_wasi_get_(w, fd, W2C_WASI_RIGHT_FD_FILESTAT_GET, &e);
  if (err) return err;
  W2C_WASI_CHECK(mem, ptr, 64);
  if (fstat(e->host, &st) != 0) return W2C_WASI_ERR();
  w2c_wasi_filestat_(mem, ptr, &st, w2c_wasi_fdtype_(e->host, &st));
  return 0;
}

W2C_WASI_FN uint32_t w2c_wasi_fd_filestat_set_size(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                   uint64_t size) {
  w2c_wasi_fd *e;
  uint32_t err = w2c_wasi_get_(w, fd, W2C_WASI_RIGHT_FD_FILESTAT_SET_SIZE, &e);
  (void)mem;
  /* a file opened read-only: EINVAL (Linux's ftruncate, wasmtime) */
  if (err == W2C_WASI_EBADF && w2c_wasi_readonly_file_(w, fd)) return W2C_WASI_EINVAL;
  if (err) return err;
  if (size > (uint64_t)INT64_MAX) return W2C_WASI_EINVAL;
  if (ftruncate(e->host, (off_t)size) != 0) return W2C_WASI_ERR();
  return 0;
}

W2C_WASI_FN uint32_t w2c_wasi_fd_filestat_set_times(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                    uint64_t atim, uint64_t mtim,
                                                    uint32_t fst_flags) {
  w2c_wasi_fd *e;
  struct timespec ts[2];
  uint32_t err = w2c_wasi_get_(w, fd, W2C_WASI_RIGHT_FD_FILESTAT_SET_TIMES, &e);
  (void)mem;
  if (err) return err;
  if ((err = w2c_wasi_times_(atim, mtim, fst_flags, ts))) return err;
  if (futimens(e->host, ts) != 0) return W2C_WASI_ERR();
  return 0;
}

/* posix_fadvise where the host has it; elsewhere the hint is only checked. */
W2C_WASI_FN uint32_t w2c_wasi_fd_advise(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                        uint64_t offset, uint64_t len, uint32_t advice) {
  w2c_wasi_fd *e;
  uint32_t err = w2c_wasi_get_(w, fd, W2C_WASI_RIGHT_FD_ADVISE, &e);
  (void)mem;
  if (err) return err;
  if (advice > 5 || offset > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX)
    return W2C_WASI_EINVAL;
#if defined(POSIX_FADV_NORMAL)
  {
    static const int map[6] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                               POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
    int r = posix_fadvise(e->host, (off_t)offset, (off_t)len, map[advice]);
    return w2c_wasi_errno(r);
  }
#else
  return 0;
#endif
}

/* posix_fallocate on Linux; elsewhere the file is extended with ftruncate. */
W2C_WASI_FN uint32_t w2c_wasi_fd_allocate(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                          uint64_t offset, uint64_t len) {
  w2c_wasi_fd *e;
  uint32_t err = w2c_wasi_get_(w, fd, W2C_WASI_RIGHT_FD_ALLOCATE, &e);
  (void)mem;
  /* a file opened read-only: ENOTSUP (what wasmtime says to every fd_allocate) */
  if (err == W2C_WASI_EBADF && w2c_wasi_readonly_file_(w, fd)) return W2C_WASI_ENOTSUP;
  if (err) return err;
  if (len == 0 || offset > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX) return W2C_WASI_EINVAL;
  if (offset + len > (uint64_t)INT64_MAX) return W2C_WASI_EFBIG;
#if defined(__linux__)
  return w2c_wasi_errno(posix_fallocate(e->host, (off_t)offset, (off_t)len));
#else
  {
    struct stat st;
    if (fstat(e->host, &st) != 0) return W2C_WASI_ERR();
    if ((uint64_t)st.st_size < offset + len && ftruncate(e->host, (off_t)(offset + len)) != 0)
      return W2C_WASI_ERR();
    return 0;
  }
#endif
}

W2C_WASI_FN uint32_t w2c_wasi_fd_sync(w2c_wasi *w, w2c_memory *mem, uint32_t fd) {
  w2c_wasi_fd *e;
  uint32_t err = w2c_wasi_get_(w, fd, W2C_WASI_RIGHT_FD_SYNC, &e);
  (void)mem;
  if (err) return err;
  return fsync(e->host) != 0 ? W2C_WASI_ERR() : 0;
}

W2C_WASI_FN uint32_t w2c_wasi_fd_datasync(w2c_wasi *w, w2c_memory *mem, uint32_t fd) {
  w2c_wasi_fd *e;
  uint32_t err = w2c_wasi_get_(w, fd, W2C_WASI_RIGHT_FD_DATASYNC, &e);
  (void)mem;
  /* a file opened read-only (wasi-libc does not ask for fd_datasync then): synced
   * with the fd_sync right, as fsync (POSIX allows it; wasmtime: 0) */
  if (err && w2c_wasi_readonly_file_(w, fd))
    err = w2c_wasi_get_(w, fd, W2C_WASI_RIGHT_FD_SYNC, &e);
  if (err) return err;
#ifdef __APPLE__
  return fsync(e->host) != 0 ? W2C_WASI_ERR() : 0;
#else
  return fdatasync(e->host) != 0 ? W2C_WASI_ERR() : 0;
#endif
}

/* ---- the table --------------------------------------------------------------------- */
W2C_WASI_FN uint32_t w2c_wasi_fd_close(w2c_wasi *w, w2c_memory *mem, uint32_t fd) {
  w2c_wasi_fd *e;
  uint32_t err = w2c_wasi_get_(w, fd, 0, &e);
  (void)mem;
  if (err) return err;
  w2c_wasi_release_(e);
  return 0;
}

/* `to` must be open (as wasmtime); it is closed and `fd` takes its number. */
W2C_WASI_FN uint32_t w2c_wasi_fd_renumber(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint32_t to) {
  w2c_wasi_fd *from, *dst;
  uint32_t err = w2c_wasi_get_(w, fd, 0, &from);
  (void)mem;
  if (err || (err = w2c_wasi_get_(w, to, 0, &dst))) return err;
  if (from == dst) return 0;
  w2c_wasi_release_(dst);
  *dst = *from;
  memset(from, 0, sizeof *from);
  from->host = -1;
  return 0;
}

/* prestat: tag u8 @0 (0 = dir), name length u32 @4 */
W2C_WASI_FN uint32_t w2c_wasi_fd_prestat_get(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                             uint32_t ptr) {
  w2c_wasi_fd *e;
  uint32_t err = w2c_wasi_get_(w, fd, 0, &e);
  if (err) return err;
  if (!e->preopen) return W2C_WASI_EBADF;
  W2C_WASI_CHECK(mem, ptr, 8);
  memset(mem->data + ptr, 0, 8);
  w2c_wasi_st32_(mem, ptr + 4, (uint32_t)strlen(e->preopen));
  return 0;
}

/* the name, without NUL; a buffer shorter than it: ENAMETOOLONG (wasmtime) */
W2C_WASI_FN uint32_t w2c_wasi_fd_prestat_dir_name(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                  uint32_t path, uint32_t path_len) {
  w2c_wasi_fd *e;
  size_t len;
  uint32_t err = w2c_wasi_get_(w, fd, 0, &e);
  if (err) return err;
  if (!e->preopen) return W2C_WASI_ENOTDIR;
  len = strlen(e->preopen);
  if (path_len < len) return W2C_WASI_ENAMETOOLONG;
  W2C_WASI_CHECK(mem, path, len);
  if (len) memcpy(mem->data + path, e->preopen, len);
  return 0;
}

#include "w2c_wasi_readdir.h"

#endif /* W2C_WASI_FD_H */
