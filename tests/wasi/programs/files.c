/* File I/O through wasi-libc: create, write, read, append, pread/pwrite,
 * readv/writev, truncate, sync, fcntl flags, and the errors of bad opens.
 * Works in the preopened directory /sandbox (argv[1] overrides); prints one
 * line per step; the files it leaves are compared too. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"

static void dump(const char *label, const char *buf, long n) {
  long i;
  printf("%s: [", label);
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)buf[i];
    if (c >= 0x20 && c < 0x7f && c != '\\') putchar(c);
    else printf("\\x%02x", c);
  }
  printf("]\n");
}

static unsigned long fnv(const unsigned char *p, size_t n) {
  unsigned long h = 2166136261u;
  while (n--) h = (h ^ *p++) * 16777619u;
  return h & 0xffffffffu;
}

int main(int argc, char **argv) {
  char buf[256];
  long n;
  int fd, fd2;
  if (argc > 1) base = argv[1];
  setvbuf(stdout, NULL, _IOLBF, 0);

  /* the input the test put there */
  fd = FD("open input.txt", open(P("input.txt"), O_RDONLY));
  n = SHOW("read input.txt", read(fd, buf, sizeof buf));
  if (n > 0) dump("input.txt", buf, n);
  SHOW("read at eof", read(fd, buf, sizeof buf));
  SHOW("write to read-only fd", write(fd, "x", 1));
  SHOW("fsync read-only fd", fsync(fd));
  SHOW("fdatasync read-only fd", fdatasync(fd));
  SHOW("ftruncate read-only fd", ftruncate(fd, 0));
  SHOW("close", close(fd));
  SHOW("close again", close(fd));

  /* create, write, read back */
  fd = FD("create new.txt", open(P("new.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644));
  SHOW("write", write(fd, "hello, world\n", 13));
  SHOW("write empty", write(fd, "", 0));
  SHOW("read from write-only fd", read(fd, buf, 1));
  SHOW("fsync", fsync(fd));
  SHOW("fdatasync", fdatasync(fd));
  SHOW("close", close(fd));
  FD("create again O_EXCL", open(P("new.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644));
  fd = FD("open new.txt rw", open(P("new.txt"), O_RDWR));
  n = SHOW("read", read(fd, buf, sizeof buf));
  if (n > 0) dump("new.txt", buf, n);
  SHOW("write at end", write(fd, "more\n", 5));
  SHOW("close", close(fd));

  /* append mode: writes go to the end whatever the offset */
  fd = FD("open append", open(P("new.txt"), O_WRONLY | O_APPEND));
  SHOW("lseek 0", lseek(fd, 0, SEEK_SET));
  SHOW("append", write(fd, "appended\n", 9));
  SHOW("F_GETFL has O_APPEND", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
  SHOW("F_SETFL clear O_APPEND", fcntl(fd, F_SETFL, 0));
  SHOW("F_GETFL has O_APPEND", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
  SHOW("close", close(fd));

  /* pread/pwrite leave the offset alone */
  fd = FD("open rw", open(P("new.txt"), O_RDWR));
  SHOW("pwrite at 7", pwrite(fd, "WORLD", 5, 7));
  n = SHOW("pread 5 at 0", pread(fd, buf, 5, 0));
  if (n > 0) dump("pread", buf, n);
  SHOW("offset still", lseek(fd, 0, SEEK_CUR));
  SHOW("pread past end", pread(fd, buf, 10, 10000));
  SHOW("pread negative offset", pread(fd, buf, 10, -1));
  {
    /* readv/writev may transfer less than asked (wasmtime fills only the first
     * non-empty buffer per call): loop like a careful program, print totals */
    struct iovec iov[3], *v = iov;
    char a[4], b[6], c[100];
    int cnt = 3;
    long total = 0, calls = 0;
    iov[0].iov_base = a; iov[0].iov_len = sizeof a;
    iov[1].iov_base = b; iov[1].iov_len = sizeof b;
    iov[2].iov_base = c; iov[2].iov_len = sizeof c;
    for (;;) {
      ssize_t r = readv(fd, v, cnt);
      if (r <= 0) { SHOW("readv last", r); break; }
      total += r;
      calls++;
      while (cnt && (size_t)r >= v->iov_len) { r -= (ssize_t)v->iov_len; v++; cnt--; }
      if (!cnt) break;
      v->iov_base = (char *)v->iov_base + r;
      v->iov_len -= (size_t)r;
    }
    printf("readv total: %ld (%s)\n", total, calls ? "some calls" : "no calls");
    dump("readv a", a, 4);
    dump("readv b", b, 6);
    if (total > 10) dump("readv c", c, total - 10);
    iov[0].iov_base = (void *)"one "; iov[0].iov_len = 4;
    iov[1].iov_base = (void *)""; iov[1].iov_len = 0;
    iov[2].iov_base = (void *)"two\n"; iov[2].iov_len = 4;
    v = iov;
    cnt = 3;
    total = 0;
    for (;;) {
      ssize_t r = writev(fd, v, cnt);
      if (r < 0) { SHOW("writev", r); break; }
      total += r;
      while (cnt && (size_t)r >= v->iov_len) { r -= (ssize_t)v->iov_len; v++; cnt--; }
      if (!cnt) break;
      v->iov_base = (char *)v->iov_base + r;
      v->iov_len -= (size_t)r;
    }
    printf("writev total: %ld\n", total);
  }
  SHOW("ftruncate 40", ftruncate(fd, 40));
  SHOW("ftruncate -1", ftruncate(fd, -1));
  SHOW("close", close(fd));

  /* O_TRUNC */
  fd = FD("open trunc.txt O_CREAT", open(P("trunc.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0600));
  SHOW("write", write(fd, "0123456789", 10));
  SHOW("close", close(fd));
  fd = FD("reopen O_TRUNC", open(P("trunc.txt"), O_RDWR | O_TRUNC));
  SHOW("read after trunc", read(fd, buf, sizeof buf));
  SHOW("write", write(fd, "abc", 3));
  SHOW("close", close(fd));

  /* a bigger file, written in odd chunks, read back with stdio */
  {
    static unsigned char big[300000];
    size_t i, off = 0;
    FILE *f;
    for (i = 0; i < sizeof big; i++) big[i] = (unsigned char)(i * 7 + i / 251);
    fd = FD("create big.bin", open(P("big.bin"), O_WRONLY | O_CREAT | O_TRUNC, 0644));
    while (off < sizeof big) {
      size_t chunk = sizeof big - off < 65537 ? sizeof big - off : 65537;
      ssize_t w = write(fd, big + off, chunk);
      if (w <= 0) { SHOW("big write", w); break; }
      off += (size_t)w;
    }
    printf("big written: %zu\n", off);
    SHOW("close", close(fd));
    memset(big, 0, sizeof big);
    f = fopen(P("big.bin"), "rb");
    printf("fopen big.bin: %s\n", f ? "ok" : strerror(errno));
    if (f) {
      size_t got = fread(big, 1, sizeof big, f);
      printf("fread: %zu fnv=%08lx eof=%d\n", got, fnv(big, got), fgetc(f) == EOF);
      fclose(f);
    }
  }

  /* stdio: fprintf, fgets, "a" mode */
  {
    FILE *f = fopen(P("stdio.txt"), "w");
    int i;
    for (i = 0; f && i < 5; i++) fprintf(f, "line %d: %.3f\n", i, i / 3.0);
    if (f) fclose(f);
    f = fopen(P("stdio.txt"), "a");
    if (f) { fputs("tail\n", f); fclose(f); }
    f = fopen(P("stdio.txt"), "r");
    while (f && fgets(buf, sizeof buf, f)) printf("fgets: %s", buf);
    if (f) fclose(f);
    f = fopen(P("missing/stdio.txt"), "w");
    printf("fopen in missing dir: %s\n", f ? "opened" : strerror(errno));
  }

  /* bad opens */
  FD("open missing", open(P("missing.txt"), O_RDONLY));
  FD("open dir for writing", open(P("sub"), O_WRONLY));
  FD("open file as dir", open(P("input.txt"), O_RDONLY | O_DIRECTORY));
  FD("open file/ ", open(P("input.txt/"), O_RDONLY));
  FD("open through file", open(P("input.txt/x"), O_RDONLY));
  fd = FD("open dir rdonly", open(P("sub"), O_RDONLY));
  SHOW("read dir fd", read(fd, buf, sizeof buf));
  SHOW("write dir fd", write(fd, buf, 1));
  SHOW("close", close(fd));

  /* dup-like: two descriptors, one file */
  fd = FD("open a", open(P("two.txt"), O_RDWR | O_CREAT, 0644));
  fd2 = FD("open b", open(P("two.txt"), O_RDWR));
  SHOW("write a", write(fd, "aaaa", 4));
  SHOW("write b", write(fd2, "bb", 2));
  SHOW("close a", close(fd));
  SHOW("close b", close(fd2));
  fd = open(P("two.txt"), O_RDONLY);
  n = SHOW("read two.txt", read(fd, buf, sizeof buf));
  if (n > 0) dump("two.txt", buf, n);
  close(fd);

  SHOW("unlink trunc.txt", unlink(P("trunc.txt")));
  SHOW("unlink again", unlink(P("trunc.txt")));
  SHOW("unlink dir", unlink(P("sub")));
  return 0;
}
