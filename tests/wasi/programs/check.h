/* check.h: what the file-system test programs share.  Each prints one line
 * per call, so w2c's and wasmtime's stdout can be compared byte for byte.
 *
 *   P("a/b")            "/sandbox/a/b" (two buffers, so P(x), P(y) may be used together)
 *   SHOW(label, expr)   "label: <result>" or "label: -1 errno=N (text)"
 *   FD(label, expr)     "label: fd" or the errno (engines number descriptors differently)
 */
#ifndef W2C_TEST_CHECK_H
#define W2C_TEST_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *base = "/sandbox";

static inline const char *P(const char *name) {
  static char bufs[2][512];
  static int k;
  k ^= 1;
  snprintf(bufs[k], sizeof bufs[k], "%s/%s", base, name);
  return bufs[k];
}

static inline long show(const char *label, long r) {
  if (r < 0) printf("%s: -1 errno=%d (%s)\n", label, errno, strerror(errno));
  else printf("%s: %ld\n", label, r);
  return r;
}
#define SHOW(label, expr) (errno = 0, show(label, (long)(expr)))

static inline int showfd(const char *label, int fd) {
  if (fd < 0) printf("%s: -1 errno=%d (%s)\n", label, errno, strerror(errno));
  else printf("%s: fd\n", label);
  return fd;
}
#define FD(label, expr) (errno = 0, showfd(label, (expr)))

#endif
