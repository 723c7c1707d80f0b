/* w2c_wasi_readdir.h: fd_readdir.  Included by w2c_wasi_fd.h only.
 *
 * Cookies are entry indices: "." is 0 and ".." is 1 (made here, as wasmtime
 * does, whatever order the host lists them in), then the host's entries in
 * its order; an entry's d_next is its index + 1.  The host stream is a DIR
 * on a dup of the descriptor, kept with the descriptor and positioned at
 * dir_cookie: reading on from the last cookie costs nothing; another cookie
 * rewinds and skips; cookie 0 or 1 (a new listing) always rewinds, so it
 * shows the entries made or removed since the last one.  The buffer is filled completely: the last entry may be
 * cut (the guest sees bufused == buf_len and asks again from its cookie), so
 * such an entry is kept with the descriptor (`pend`) for the next call: no
 * telldir/seekdir, whose long cookies break on 32-bit hosts. */
#ifndef W2C_WASI_READDIR_H
#define W2C_WASI_READDIR_H
#ifndef W2C_WASI_H
#error "w2c: include wasi/w2c_wasi.h, not its parts."
#endif

static inline uint8_t w2c_wasi_dtype_(DIR *d, const struct dirent *de) {
  struct stat st;
#if defined(DT_UNKNOWN)
  switch (de->d_type) {
    case DT_BLK: return W2C_WASI_FILETYPE_BLOCK_DEVICE;
    case DT_CHR: return W2C_WASI_FILETYPE_CHARACTER_DEVICE;
    case DT_DIR: return W2C_WASI_FILETYPE_DIRECTORY;
    case DT_REG: return W2C_WASI_FILETYPE_REGULAR_FILE;
    case DT_LNK: return W2C_WASI_FILETYPE_SYMBOLIC_LINK;
    case DT_FIFO: return W2C_WASI_FILETYPE_UNKNOWN;
    default: break; /* DT_UNKNOWN (some file systems), DT_SOCK: ask stat */
  }
#endif
  if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return W2C_WASI_FILETYPE_UNKNOWN;
  return w2c_wasi_filetype_(st.st_mode);
}

/* Write one dirent (header, then name) at buf+*used, cut at buf_len.
 * Returns 1 if all of it fit. */
static inline int w2c_wasi_dirent_(w2c_memory *mem, uint32_t buf, uint32_t buf_len,
                                   uint32_t *used, uint64_t next, uint64_t ino, uint8_t type,
                                   const char *name) {
  uint8_t h[24];
  uint32_t namlen = (uint32_t)strlen(name), room = buf_len - *used, n;
  uint64_t v;
  memset(h, 0, sizeof h);
  v = W2C_LE64(next);
  memcpy(h, &v, 8);
  v = W2C_LE64(ino);
  memcpy(h + 8, &v, 8);
  n = W2C_LE32(namlen);
  memcpy(h + 16, &n, 4);
  h[20] = type;
  n = room < 24 ? room : 24;
  memcpy(mem->data + buf + *used, h, n);
  *used += n;
  room -= n;
  n = room < namlen ? room : namlen;
  if (n) memcpy(mem->data + buf + *used, name, n);
  *used += n;
  return n == namlen && room >= namlen;
}

static inline void w2c_wasi_unpend_(w2c_wasi_fd *e) {
  free(e->pend);
  e->pend = NULL;
}

static inline int w2c_wasi_dots_(const char *s) {
  return s[0] == '.' && (s[1] == 0 || (s[1] == '.' && s[2] == 0));
}

W2C_WASI_FN uint32_t w2c_wasi_fd_readdir(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint32_t buf,
                                         uint32_t buf_len, uint64_t cookie,
                                         uint32_t bufused_ptr) {
  w2c_wasi_fd *e;
  uint32_t used = 0, err = w2c_wasi_get_(w, fd, W2C_WASI_RIGHT_FD_READDIR, &e);
  struct dirent *de;
  uint64_t c;
  if (err) return err;
  W2C_WASI_CHECK(mem, buf, buf_len);
  W2C_WASI_CHECK(mem, bufused_ptr, 4);
  if (!e->dir) {
    int d = fcntl(e->host, F_DUPFD_CLOEXEC, 0);
    if (d < 0) return W2C_WASI_ERR();
    if (!(e->dir = fdopendir(d))) {
      err = W2C_WASI_ERR();
      close(d);
      return err;
    }
    rewinddir(e->dir);
    e->dir_cookie = 2;
  } else if (cookie < 2) {
    /* a listing from the start sees what was added or removed since the last
     * one (as rewinddir; wasmtime reads the directory afresh on every call) */
    rewinddir(e->dir);
    e->dir_cookie = 2;
    w2c_wasi_unpend_(e);
  }
  /* "." and ".." */
  for (c = cookie; c < 2 && used < buf_len; c++) {
    struct stat st;
    int r = c == 0 ? fstat(e->host, &st) : fstatat(e->host, "..", &st, AT_SYMLINK_NOFOLLOW);
    w2c_wasi_dirent_(mem, buf, buf_len, &used, c + 1, r == 0 ? (uint64_t)st.st_ino : 0,
                     W2C_WASI_FILETYPE_DIRECTORY, c == 0 ? "." : "..");
  }
  if (c < 2) c = 2;
  if (used < buf_len && e->dir_cookie != c) { /* position the stream at c */
    if (e->dir_cookie > c) {
      rewinddir(e->dir);
      e->dir_cookie = 2;
      w2c_wasi_unpend_(e);
    }
    while (e->dir_cookie < c) {
      if (e->pend) w2c_wasi_unpend_(e);
      else if (!(de = readdir(e->dir))) break;
      else if (w2c_wasi_dots_(de->d_name)) continue;
      e->dir_cookie++;
    }
  }
  while (used < buf_len && e->dir_cookie == c) {
    if (!e->pend) {
      errno = 0;
      if (!(de = readdir(e->dir))) {
        if (errno) return W2C_WASI_ERR();
        break;
      }
      if (w2c_wasi_dots_(de->d_name)) continue;
      if (w2c_wasi_dirent_(mem, buf, buf_len, &used, c + 1, (uint64_t)de->d_ino,
                           w2c_wasi_dtype_(e->dir, de), de->d_name)) {
        e->dir_cookie = ++c;
        continue;
      }
      /* cut: keep it for the next call, which starts from this cookie */
      if (!(e->pend = (char *)malloc(strlen(de->d_name) + 1))) return W2C_WASI_ENOMEM;
      strcpy(e->pend, de->d_name);
      e->pend_ino = (uint64_t)de->d_ino;
      e->pend_type = w2c_wasi_dtype_(e->dir, de);
      break;
    }
    if (!w2c_wasi_dirent_(mem, buf, buf_len, &used, c + 1, e->pend_ino, e->pend_type, e->pend))
      break;
    w2c_wasi_unpend_(e);
    e->dir_cookie = ++c;
  }
  w2c_wasi_st32_(mem, bufused_ptr, used);
  return 0;
}

#endif /* W2C_WASI_READDIR_H */
