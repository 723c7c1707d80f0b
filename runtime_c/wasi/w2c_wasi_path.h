/* w2c_wasi_path.h: the sandbox.  A guest path is resolved relative to a
 * guest directory descriptor, component by component, into a host directory
 * descriptor and the name of the last component; the path_* functions then
 * apply the *at() call to that pair.  Included by w2c_wasi.h only.
 *
 *   - absolute paths, absolute symlink targets, and `..` above the starting
 *     directory give W2C_WASI_ESCAPE_ERRNO (wasmtime: EPERM);
 *   - every directory on the way is opened with openat(O_DIRECTORY |
 *     O_NOFOLLOW) relative to the previous one; when that fails and the
 *     component is a symlink (readlinkat succeeds) its target is spliced
 *     into the rest of the path, at most W2C_WASI_SYMLOOP_MAX times (ELOOP);
 *   - `..` closes the current directory and returns to the one below it on
 *     a stack of opened descriptors, so it never leaves the start;
 *   - the last component is followed the same way if asked (lookupflags
 *     symlink_follow; a trailing slash for open, stat, utimes, readlink and
 *     unlink), else returned as is: the callers' *at() calls never follow it themselves
 *     (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW, or calls that never follow).
 * So no guest path reaches the host's own resolution, and a symlink swapped
 * in concurrently is caught by O_NOFOLLOW.  Guest paths must be valid UTF-8
 * without NUL (EILSEQ / EINVAL, as wasmtime) and at most W2C_WASI_PATH_MAX
 * bytes (ENAMETOOLONG). */
#ifndef W2C_WASI_PATH_H
#define W2C_WASI_PATH_H
#ifndef W2C_WASI_H
#error "w2c: include wasi/w2c_wasi.h, not its parts."
#endif

/* Directories on the way need only be searched (O_PATH on Linux). */
#if defined(O_SEARCH)
#define W2C_WASI_O_DIRSEARCH O_SEARCH
#elif defined(O_PATH)
#define W2C_WASI_O_DIRSEARCH O_PATH
#elif defined(__linux__) && (defined(__x86_64__) || defined(__i386__) || defined(__arm__) || \
                             defined(__aarch64__) || defined(__riscv))
#define W2C_WASI_O_DIRSEARCH 010000000 /* O_PATH, hidden without _GNU_SOURCE */
#else
#define W2C_WASI_O_DIRSEARCH O_RDONLY
#endif

/* Copy a guest string (path or symlink target) into a fresh NUL-terminated
 * host string. */
static inline uint32_t w2c_wasi_string_(w2c_memory *mem, uint32_t ptr, uint32_t len, char **out) {
  const uint8_t *s;
  uint32_t i;
  char *p;
  W2C_WASI_CHECK(mem, ptr, len);
  if (len > W2C_WASI_PATH_MAX) return W2C_WASI_ENAMETOOLONG;
  s = w2c_wasi_addr_(mem, ptr);
  for (i = 0; i < len;) { /* UTF-8, no NUL */
    uint32_t c = s[i], n, k, cp;
    if (c == 0) return W2C_WASI_EINVAL;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; }
    else return W2C_WASI_EILSEQ;
    if (len - i <= n) return W2C_WASI_EILSEQ;
    for (k = 1; k <= n; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return W2C_WASI_EILSEQ;
      cp = (cp << 6) | (s[i + k] & 0x3Fu);
    }
    if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
      return W2C_WASI_EILSEQ;
    i += n + 1;
  }
  if (!(p = (char *)malloc((size_t)len + 1))) return W2C_WASI_ENOMEM;
  if (len) memcpy(p, s, len);
  p[len] = 0;
  *out = p;
  return 0;
}

/* A resolved path: `name` in host directory `dirfd`. */
typedef struct w2c_wasi_at {
  int dirfd;    /* host directory holding the last component */
  int owned;    /* dirfd was opened by the resolution: w2c_wasi_at_done closes it */
  int slash;    /* the path ended in '/': the last component must be a directory */
  char *name;   /* last component: a plain name, or "." for the directory itself */
  char *buf;    /* storage of name */
} w2c_wasi_at;

W2C_WASI_FN void w2c_wasi_at_done(w2c_wasi_at *at) {
  if (at->owned) close(at->dirfd);
  free(at->buf);
  at->owned = 0;
  at->buf = at->name = NULL;
}

/* New pending path: target, then "/" and rest (rest may be empty). */
static inline char *w2c_wasi_splice_(const char *target, size_t tlen, const char *rest,
                                     int slash) {
  size_t rlen = strlen(rest);
  char *p = (char *)malloc(tlen + rlen + 2);
  if (!p) return NULL;
  memcpy(p, target, tlen);
  if (rlen || slash) p[tlen++] = '/';
  memcpy(p + tlen, rest, rlen + 1);
  return p;
}

/* Resolve guest `path` (host string, owned by the caller) from host
 * directory `root`.  follow: expand a symlink in the last component. */
static inline uint32_t w2c_wasi_resolve_(int root, const char *path, int follow,
                                         w2c_wasi_at *at) {
  int *stack = NULL, cur = root;
  size_t depth = 0, cap = 0;
  int links = 0;
  uint32_t err = 0;
  char *pend, *p, *target = NULL;
  memset(at, 0, sizeof *at);
  if (path[0] == 0) return W2C_WASI_ENOENT;
  if (path[0] == '/') return W2C_WASI_ESCAPE_ERRNO;
  if (!(pend = (char *)malloc(strlen(path) + 1))) return W2C_WASI_ENOMEM;
  strcpy(pend, path);
  p = pend;
  for (;;) {
    char *comp, *rest;
    int slash = 0, last;
    while (*p == '/') p++;
    comp = p;
    while (*p && *p != '/') p++;
    if (*p) { *p++ = 0; slash = 1; }
    rest = p;
    while (*rest == '/') rest++;
    last = *rest == 0;
    if (comp[0] == 0 || strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
      if (comp[0] == '.' && comp[1] == '.') {
        if (depth == 0) { err = W2C_WASI_ESCAPE_ERRNO; break; }
        close(stack[--depth]);
        cur = depth ? stack[depth - 1] : root;
      }
      if (last) { at->name = (char *)"."; at->slash = 1; break; }
      continue;
    }
    if (!last) {
      int fd = openat(cur, comp, W2C_WASI_O_DIRSEARCH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) {
        if (depth == cap) {
          int *s = (int *)realloc(stack, (cap = cap ? cap * 2 : 16) * sizeof *s);
          if (!s) { close(fd); err = W2C_WASI_ENOMEM; break; }
          stack = s;
        }
        stack[depth++] = cur = fd;
        continue;
      }
      err = W2C_WASI_ERR();
    } else if (!follow) {
      at->name = comp;
      at->slash = slash;
      break;
    }
    /* a symlink? (a non-final one failed to open, or a final one to follow) */
    if (!target && !(target = (char *)malloc(W2C_WASI_PATH_MAX + 2))) {
      err = W2C_WASI_ENOMEM;
      break;
    }
    {
      ssize_t n = readlinkat(cur, comp, target, W2C_WASI_PATH_MAX + 1);
      char *np;
      if (n < 0) {
        if (last) { at->name = comp; at->slash = slash; err = 0; }
        break; /* not a symlink: err is the openat's */
      }
      if (++links > W2C_WASI_SYMLOOP_MAX) { err = W2C_WASI_ELOOP; break; }
      if (n > (ssize_t)W2C_WASI_PATH_MAX) { err = W2C_WASI_ENAMETOOLONG; break; }
      if (n == 0) { err = W2C_WASI_ENOENT; break; }
      if (target[0] == '/') { err = W2C_WASI_ESCAPE_ERRNO; break; }
      if (!(np = w2c_wasi_splice_(target, (size_t)n, rest, slash))) {
        err = W2C_WASI_ENOMEM;
        break;
      }
      free(pend);
      p = pend = np;
      err = 0;
    }
  }
  free(target);
  /* keep only the directory holding the last component */
  while (depth > 0) {
    --depth;
    if (!err && stack[depth] == cur && !at->owned) at->owned = 1;
    else close(stack[depth]);
  }
  free(stack);
  if (err) {
    if (at->owned) close(cur);
    free(pend);
    memset(at, 0, sizeof *at);
    return err;
  }
  at->dirfd = cur;
  if (at->name[0] == '.' && at->name[1] == 0) {
    free(pend);
    at->name = (char *)".";
  } else {
    at->buf = pend;
  }
  return 0;
}

/* Guest path (ptr, len) relative to guest directory `fd` holding `need`:
 * resolved into *at (release with w2c_wasi_at_done).  follow: the
 * lookupflags' symlink_follow; a trailing slash also follows when
 * slash_follows (open, stat, utimes, readlink, unlink). */
static inline uint32_t w2c_wasi_lookup_(w2c_wasi *w, w2c_memory *mem, uint32_t fd, uint64_t need,
                                        uint32_t ptr, uint32_t len, int follow, int slash_follows,
                                        w2c_wasi_at *at) {
  w2c_wasi_fd *e;
  char *path;
  uint32_t err = w2c_wasi_get_(w, fd, need, &e);
  memset(at, 0, sizeof *at);
  if (err) return err;
  if (e->type != W2C_WASI_FILETYPE_DIRECTORY) return W2C_WASI_ENOTDIR;
  if ((err = w2c_wasi_string_(mem, ptr, len, &path))) return err;
  if (slash_follows && len && path[len - 1] == '/') follow = 1;
  err = w2c_wasi_resolve_(e->host, path, follow, at);
  free(path);
  return err;
}

#endif /* W2C_WASI_PATH_H */
