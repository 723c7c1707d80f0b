/* w2c_wasi_pathops.h: the path_* functions.  Included by w2c_wasi.h only.
 * Each resolves its path(s) with w2c_wasi_lookup_ (the sandbox, see
 * w2c_wasi_path.h) and applies one *at() call that does not follow a
 * symlink in the last component.  Trailing slashes behave as on Linux:
 * the last component must then be a directory (open, stat, utimes,
 * readlink and unlink follow a symlink there; rmdir, rename, link and
 * symlink do not). */
#ifndef W2C_WASI_PATHOPS_H
#define W2C_WASI_PATHOPS_H
#ifndef W2C_WASI_H
#error "w2c: include wasi/w2c_wasi.h, not its parts."
#endif

#define W2C_WASI_FOLLOW(flags) (((flags) & W2C_WASI_LOOKUP_SYMLINK_FOLLOW) != 0)

/* The rights asked for choose the host access mode (read: fd_read or
 * fd_readdir; write: fd_write, fd_allocate or fd_filestat_set_size); the new
 * descriptor then has every right its type and access mode allow within the
 * directory's inheriting rights, so a right asked for or not makes no
 * difference beyond the access mode (as wasmtime: rights only restrict once
 * dropped with fd_fdstat_set_rights). */
W2C_WASI_FN uint32_t w2c_wasi_path_open(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                        uint32_t dirflags, uint32_t path, uint32_t path_len,
                                        uint32_t oflags, uint64_t rights_base,
                                        uint64_t rights_inheriting, uint32_t fdflags,
                                        uint32_t fd_ptr) {
  w2c_wasi_at at;
  w2c_wasi_fd *dir, *e;
  uint64_t need = W2C_WASI_RIGHT_PATH_OPEN, base;
  int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, host, rd, wr;
  uint32_t err, nfd;
  if (oflags & W2C_WASI_O_CREAT) need |= W2C_WASI_RIGHT_PATH_CREATE_FILE;
  if (oflags & W2C_WASI_O_TRUNC) need |= W2C_WASI_RIGHT_PATH_FILESTAT_SET_SIZE;
  if ((err = w2c_wasi_get_(w, fd, need, &dir))) return err;
  W2C_WASI_CHECK(mem, fd_ptr, 4);
  if ((oflags & ~15u) || (fdflags & ~31u) || (dirflags & ~1u) ||
      ((oflags & W2C_WASI_O_CREAT) && (oflags & W2C_WASI_O_DIRECTORY)))
    return W2C_WASI_EINVAL;
  base = rights_base & dir->inheriting;
  /* Write access only for the rights that need it (fd_sync/fd_datasync work
   * read-only), so a directory opened with a directory's rights is opened
   * read-only; one asked for writing is EISDIR (as wasmtime). */
  rd = (base & (W2C_WASI_RIGHT_FD_READ | W2C_WASI_RIGHT_FD_READDIR)) != 0;
  wr = (base & (W2C_WASI_RIGHT_FD_WRITE | W2C_WASI_RIGHT_FD_ALLOCATE |
                W2C_WASI_RIGHT_FD_FILESTAT_SET_SIZE)) != 0;
  flags |= wr ? (rd ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & W2C_WASI_O_CREAT) flags |= O_CREAT;
  if (oflags & W2C_WASI_O_DIRECTORY) flags |= O_DIRECTORY;
  if (oflags & W2C_WASI_O_EXCL) flags |= O_EXCL;
  if (oflags & W2C_WASI_O_TRUNC) flags |= O_TRUNC;
  if (fdflags & W2C_WASI_FDFLAG_APPEND) flags |= O_APPEND;
  if (fdflags & W2C_WASI_FDFLAG_NONBLOCK) flags |= O_NONBLOCK;
#ifdef O_DSYNC
  if (fdflags & W2C_WASI_FDFLAG_DSYNC) flags |= O_DSYNC;
#endif
#ifdef O_RSYNC
  if (fdflags & W2C_WASI_FDFLAG_RSYNC) flags |= O_RSYNC;
#endif
  if (fdflags & (W2C_WASI_FDFLAG_SYNC | W2C_WASI_FDFLAG_RSYNC)) flags |= O_SYNC;
  if ((err = w2c_wasi_lookup_(w, mem, fd, need, path, path_len, W2C_WASI_FOLLOW(dirflags), 1,
                              &at)))
    return err;
  if (at.slash) flags |= O_DIRECTORY;
  host = openat(at.dirfd, at.name, flags, 0666);
  if (host < 0) err = W2C_WASI_ERR();
  w2c_wasi_at_done(&at);
  if (err) return err;
  (void)rights_inheriting;
  if ((err = w2c_wasi_add_(w, UINT32_MAX, host, 1, dir->inheriting, dir->inheriting,
                           (uint16_t)fdflags, &nfd)))
    return err;
  e = &w->fds[nfd];
  if (e->type == W2C_WASI_FILETYPE_DIRECTORY)
    e->inheriting &= W2C_WASI_RIGHTS_DIR | W2C_WASI_RIGHTS_FILE;
  else e->inheriting = 0;
  w2c_wasi_st32_(mem, fd_ptr, nfd);
  return 0;
}

W2C_WASI_FN uint32_t w2c_wasi_path_filestat_get(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                uint32_t flags, uint32_t path, uint32_t path_len,
                                                uint32_t buf) {
  w2c_wasi_at at;
  struct stat st;
  uint32_t err;
  if (flags & ~1u) return W2C_WASI_EINVAL; /* lookupflags: symlink_follow only */
  if ((err = w2c_wasi_lookup_(w, mem, fd, W2C_WASI_RIGHT_PATH_FILESTAT_GET, path, path_len,
                              W2C_WASI_FOLLOW(flags), 1, &at)))
    return err;
  if (!w2c_wasi_in_(mem, buf, 64)) err = W2C_WASI_EFAULT;
  else if (fstatat(at.dirfd, at.name, &st, AT_SYMLINK_NOFOLLOW) != 0) err = W2C_WASI_ERR();
  else if (at.slash && !S_ISDIR(st.st_mode)) err = W2C_WASI_ENOTDIR;
  w2c_wasi_at_done(&at);
  if (err) return err;
  w2c_wasi_filestat_(mem, buf, &st, w2c_wasi_filetype_(st.st_mode));
  return 0;
}

W2C_WASI_FN uint32_t w2c_wasi_path_filestat_set_times(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                      uint32_t flags, uint32_t path,
                                                      uint32_t path_len, uint64_t atim,
                                                      uint64_t mtim, uint32_t fst_flags) {
  w2c_wasi_at at;
  struct timespec ts[2];
  struct stat st;
  uint32_t err = w2c_wasi_times_(atim, mtim, fst_flags, ts);
  if (err) return err;
  if (flags & ~1u) return W2C_WASI_EINVAL; /* lookupflags: symlink_follow only */
  if ((err = w2c_wasi_lookup_(w, mem, fd, W2C_WASI_RIGHT_PATH_FILESTAT_SET_TIMES, path, path_len,
                              W2C_WASI_FOLLOW(flags), 1, &at)))
    return err;
  if (at.slash && fstatat(at.dirfd, at.name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
    err = W2C_WASI_ENOTDIR;
  else if (utimensat(at.dirfd, at.name, ts, AT_SYMLINK_NOFOLLOW) != 0)
    err = W2C_WASI_ERR();
  w2c_wasi_at_done(&at);
  return err;
}

W2C_WASI_FN uint32_t w2c_wasi_path_create_directory(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                    uint32_t path, uint32_t path_len) {
  w2c_wasi_at at;
  uint32_t err = w2c_wasi_lookup_(w, mem, fd, W2C_WASI_RIGHT_PATH_CREATE_DIRECTORY, path,
                                  path_len, 0, 0, &at);
  if (err) return err;
  if (mkdirat(at.dirfd, at.name, 0777) != 0) err = W2C_WASI_ERR();
  w2c_wasi_at_done(&at);
  return err;
}

/* A trailing slash: a directory ("d/") is removed, as rmdir(2) and wasmtime
 * 51 do (wasmtime 50 said EINVAL; the WASI testsuite takes either); a
 * symlink ("symlink/") is EINVAL, a file ENOTDIR, a missing name ENOENT. */
W2C_WASI_FN uint32_t w2c_wasi_path_remove_directory(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                                    uint32_t path, uint32_t path_len) {
  w2c_wasi_at at;
  struct stat st;
  uint32_t err = w2c_wasi_lookup_(w, mem, fd, W2C_WASI_RIGHT_PATH_REMOVE_DIRECTORY, path,
                                  path_len, 0, 0, &at);
  if (err) return err;
  if (fstatat(at.dirfd, at.name, &st, AT_SYMLINK_NOFOLLOW) != 0) err = W2C_WASI_ERR();
  else if (at.slash && S_ISLNK(st.st_mode)) err = W2C_WASI_EINVAL;
  else if (!S_ISDIR(st.st_mode)) err = W2C_WASI_ENOTDIR;
  else if (unlinkat(at.dirfd, at.name, AT_REMOVEDIR) != 0)
    err = errno == EEXIST ? W2C_WASI_ENOTEMPTY : W2C_WASI_ERR();
  w2c_wasi_at_done(&at);
  return err;
}

/* A directory is EISDIR everywhere (macOS says EPERM). */
W2C_WASI_FN uint32_t w2c_wasi_path_unlink_file(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                               uint32_t path, uint32_t path_len) {
  w2c_wasi_at at;
  struct stat st;
  uint32_t err = w2c_wasi_lookup_(w, mem, fd, W2C_WASI_RIGHT_PATH_UNLINK_FILE, path, path_len, 0,
                                  1, &at);
  if (err) return err;
  if (fstatat(at.dirfd, at.name, &st, AT_SYMLINK_NOFOLLOW) != 0) err = W2C_WASI_ERR();
  else if (S_ISDIR(st.st_mode)) err = W2C_WASI_EISDIR;
  else if (at.slash) err = W2C_WASI_ENOTDIR;
  else if (unlinkat(at.dirfd, at.name, 0) != 0) err = W2C_WASI_ERR();
  w2c_wasi_at_done(&at);
  return err;
}

W2C_WASI_FN uint32_t w2c_wasi_path_rename(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                          uint32_t old_path, uint32_t old_len, uint32_t new_fd,
                                          uint32_t new_path, uint32_t new_len) {
  w2c_wasi_at from, to;
  struct stat st;
  uint32_t err = w2c_wasi_lookup_(w, mem, fd, W2C_WASI_RIGHT_PATH_RENAME_SOURCE, old_path, old_len,
                                  0, 0, &from);
  if (err) return err;
  if ((err = w2c_wasi_lookup_(w, mem, new_fd, W2C_WASI_RIGHT_PATH_RENAME_TARGET, new_path,
                              new_len, 0, 0, &to))) {
    w2c_wasi_at_done(&from);
    return err;
  }
  /* "." or ".." as either last component: EBUSY (Linux, wasmtime) */
  if ((from.name[0] == '.' && from.name[1] == 0) || (to.name[0] == '.' && to.name[1] == 0))
    err = W2C_WASI_EBUSY;
  /* with a trailing slash on either side the source must be a directory */
  else if ((from.slash || to.slash) && fstatat(from.dirfd, from.name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
      !S_ISDIR(st.st_mode))
    err = W2C_WASI_ENOTDIR;
  else if (renameat(from.dirfd, from.name, to.dirfd, to.name) != 0)
    err = W2C_WASI_ERR();
  w2c_wasi_at_done(&from);
  w2c_wasi_at_done(&to);
  return err;
}

/* old_flags: any bit, symlink_follow too, is EINVAL (as wasmtime: a hard link to
 * a symlink's target is not offered; linkat's AT_SYMLINK_FOLLOW varies by host). */
W2C_WASI_FN uint32_t w2c_wasi_path_link(w2c_wasi *w, w2c_memory *mem, uint32_t old_fd,
                                        uint32_t old_flags, uint32_t old_path, uint32_t old_len,
                                        uint32_t new_fd, uint32_t new_path, uint32_t new_len) {
  w2c_wasi_at from, to;
  struct stat st;
  uint32_t err = w2c_wasi_lookup_(w, mem, old_fd, W2C_WASI_RIGHT_PATH_LINK_SOURCE, old_path,
                                  old_len, 0, 0, &from);
  if (err) return err;
  if ((err = w2c_wasi_lookup_(w, mem, new_fd, W2C_WASI_RIGHT_PATH_LINK_TARGET, new_path, new_len,
                              0, 0, &to))) {
    w2c_wasi_at_done(&from);
    return err;
  }
  if (old_flags) err = W2C_WASI_EINVAL;
  else if (fstatat(from.dirfd, from.name, &st, AT_SYMLINK_NOFOLLOW) != 0) err = W2C_WASI_ERR();
  else if (S_ISDIR(st.st_mode)) err = W2C_WASI_EPERM; /* never a directory */
  else if (from.slash) err = W2C_WASI_ENOTDIR;
  else if (fstatat(to.dirfd, to.name, &st, AT_SYMLINK_NOFOLLOW) == 0) err = W2C_WASI_EEXIST;
  else if (to.slash) err = W2C_WASI_ENOENT;
  else if (linkat(from.dirfd, from.name, to.dirfd, to.name, 0) != 0) err = W2C_WASI_ERR();
  w2c_wasi_at_done(&from);
  w2c_wasi_at_done(&to);
  return err;
}

/* The target is stored as given, but an absolute one is refused (an
 * escape, as wasmtime): relative ones can only be followed inside. */
W2C_WASI_FN uint32_t w2c_wasi_path_symlink(w2c_wasi *w, w2c_memory *mem, uint32_t old_path,
                                           uint32_t old_len, uint32_t fd, uint32_t new_path,
                                           uint32_t new_len) {
  w2c_wasi_at at;
  struct stat st;
  char *target;
  uint32_t err = w2c_wasi_string_(mem, old_path, old_len, &target);
  if (err) return err;
  if ((err = w2c_wasi_lookup_(w, mem, fd, W2C_WASI_RIGHT_PATH_SYMLINK, new_path, new_len, 0, 0,
                              &at))) {
    free(target);
    return err;
  }
  if (target[0] == '/') err = W2C_WASI_ESCAPE_ERRNO;
  else if (target[0] == 0) err = W2C_WASI_ENOENT;
  else if (fstatat(at.dirfd, at.name, &st, AT_SYMLINK_NOFOLLOW) == 0) err = W2C_WASI_EEXIST;
  else if (at.slash) err = W2C_WASI_ENOENT;
  else if (symlinkat(target, at.dirfd, at.name) != 0) err = W2C_WASI_ERR();
  free(target);
  w2c_wasi_at_done(&at);
  return err;
}

/* Truncated to buf_len (bufused = bytes written); an absolute target is not
 * shown to the guest (W2C_WASI_ESCAPE_ERRNO, as wasmtime). */
W2C_WASI_FN uint32_t w2c_wasi_path_readlink(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                            uint32_t path, uint32_t path_len, uint32_t buf,
                                            uint32_t buf_len, uint32_t bufused_ptr) {
  w2c_wasi_at at;
  char *t;
  ssize_t n = -1;
  uint32_t err = w2c_wasi_lookup_(w, mem, fd, W2C_WASI_RIGHT_PATH_READLINK, path, path_len, 0, 1,
                                  &at);
  if (err) return err;
  if (!w2c_wasi_in_(mem, buf, buf_len) || !w2c_wasi_in_(mem, bufused_ptr, 4))
    err = W2C_WASI_EFAULT;
  else if (!(t = (char *)malloc(W2C_WASI_PATH_MAX + 1)))
    err = W2C_WASI_ENOMEM;
  else {
    if ((n = readlinkat(at.dirfd, at.name, t, W2C_WASI_PATH_MAX + 1)) < 0) err = W2C_WASI_ERR();
    else if (n > 0 && t[0] == '/') err = W2C_WASI_ESCAPE_ERRNO;
    else {
      if ((size_t)n > buf_len) n = (ssize_t)buf_len;
      if (n) memcpy(mem->data + buf, t, (size_t)n);
      w2c_wasi_st32_(mem, bufused_ptr, (uint32_t)n);
    }
    free(t);
  }
  w2c_wasi_at_done(&at);
  return err;
}

#endif /* W2C_WASI_PATHOPS_H */
