/* Seeking and stat: lseek SET/CUR/END and its errors, holes, ftell/fseek,
 * stat/fstat/lstat (type, size, links), hard links sharing an inode,
 * utimensat/futimens with fixed times, truncation seen through fstat. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "check.h"

static const char *kind(mode_t m) {
  return S_ISREG(m) ? "file" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "symlink"
       : S_ISCHR(m) ? "chardev" : S_ISBLK(m) ? "blockdev" : S_ISSOCK(m) ? "socket"
       : S_ISFIFO(m) ? "fifo" : "unknown";
}

static void st(const char *label, int r, const struct stat *s) {
  if (r != 0) { printf("%s: -1 errno=%d (%s)\n", label, errno, strerror(errno)); return; }
  printf("%s: %s", label, kind(s->st_mode));
  if (S_ISREG(s->st_mode)) printf(" size=%lld", (long long)s->st_size);
  if (!S_ISDIR(s->st_mode)) printf(" nlink=%llu", (unsigned long long)s->st_nlink);
  printf("\n");
}

int main(int argc, char **argv) {
  struct stat s1, s2;
  char buf[64];
  int fd;
  long n;
  if (argc > 1) base = argv[1];
  setvbuf(stdout, NULL, _IOLBF, 0);

  fd = FD("open input.txt", open(P("input.txt"), O_RDONLY));
  SHOW("lseek cur", lseek(fd, 0, SEEK_CUR));
  SHOW("lseek set 5", lseek(fd, 5, SEEK_SET));
  n = SHOW("read 3", read(fd, buf, 3));
  printf("data: [%.*s]\n", (int)(n > 0 ? n : 0), buf);
  SHOW("lseek cur +2", lseek(fd, 2, SEEK_CUR));
  SHOW("lseek cur -4", lseek(fd, -4, SEEK_CUR));
  SHOW("lseek end", lseek(fd, 0, SEEK_END));
  SHOW("lseek end -6", lseek(fd, -6, SEEK_END));
  n = SHOW("read rest", read(fd, buf, sizeof buf));
  printf("data: [%.*s]\n", (int)(n > 0 ? n - 1 : 0), buf);
  SHOW("lseek set -1", lseek(fd, -1, SEEK_SET));
  SHOW("lseek cur -1000", lseek(fd, -1000, SEEK_CUR));
  SHOW("offset after bad seeks", lseek(fd, 0, SEEK_CUR));
  SHOW("lseek past end", lseek(fd, 1000, SEEK_SET));
  SHOW("read past end", read(fd, buf, sizeof buf));
  SHOW("close", close(fd));
  SHOW("lseek closed fd", lseek(fd, 0, SEEK_SET));

  /* holes */
  fd = FD("create holes.bin", open(P("holes.bin"), O_RDWR | O_CREAT | O_TRUNC, 0644));
  SHOW("write head", write(fd, "head", 4));
  SHOW("lseek 100", lseek(fd, 100, SEEK_SET));
  SHOW("write tail", write(fd, "tail", 4));
  st("fstat holes.bin", fstat(fd, &s1), &s1);
  SHOW("pread hole", pread(fd, buf, 8, 50));
  printf("hole read: %d\n", buf[0] + buf[7]);
  SHOW("lseek end", lseek(fd, 0, SEEK_END));
  SHOW("ftruncate 10", ftruncate(fd, 10));
  st("fstat after truncate", fstat(fd, &s1), &s1);
  SHOW("offset after truncate", lseek(fd, 0, SEEK_CUR));
  SHOW("write after truncate", write(fd, "X", 1));
  st("fstat after write", fstat(fd, &s1), &s1);
  SHOW("ftruncate 5000", ftruncate(fd, 5000));
  st("fstat after growing", fstat(fd, &s1), &s1);
  SHOW("close", close(fd));

  /* stdio positions */
  {
    FILE *f = fopen(P("input.txt"), "r");
    int c;
    printf("fopen: %s\n", f ? "ok" : strerror(errno));
    if (f) {
      printf("ftell: %ld\n", ftell(f));
      c = fgetc(f);
      printf("fgetc: %c ftell: %ld\n", c, ftell(f));
      printf("fseek end: %d ftell: %ld\n", fseek(f, 0, SEEK_END), ftell(f));
      printf("fseek -5 cur: %d ftell: %ld\n", fseek(f, -5, SEEK_CUR), ftell(f));
      printf("fgets: [%s]\n", fgets(buf, sizeof buf, f) ? buf : "(null)");
      rewind(f);
      printf("rewind: ftell %ld\n", ftell(f));
      printf("fseek -1 set: %d\n", fseek(f, -1, SEEK_SET));
      fclose(f);
    }
  }

  /* stat, fstat, lstat */
  st("stat input.txt", stat(P("input.txt"), &s1), &s1);
  st("stat data.bin", stat(P("data.bin"), &s1), &s1);
  st("stat sub", stat(P("sub"), &s1), &s1);
  st("stat sub/", stat(P("sub/"), &s1), &s1);
  st("stat sub/deeper/leaf.txt", stat(P("sub/deeper/leaf.txt"), &s1), &s1);
  st("stat link_to_input", stat(P("link_to_input"), &s1), &s1);
  st("lstat link_to_input", lstat(P("link_to_input"), &s1), &s1);
  printf("lstat link size: %lld\n", (long long)s1.st_size);
  st("stat link_to_sub", stat(P("link_to_sub"), &s1), &s1);
  st("lstat link_to_sub", lstat(P("link_to_sub"), &s1), &s1);
  st("stat missing", stat(P("missing"), &s1), &s1);
  st("stat input.txt/", stat(P("input.txt/"), &s1), &s1);
  st("stat sub/../input.txt", stat(P("sub/../input.txt"), &s1), &s1);
  st("stat .", stat(P("."), &s1), &s1);
  st("stat empty name", stat("", &s1), &s1);
  fd = open(P("data.bin"), O_RDONLY);
  st("fstat data.bin", fstat(fd, &s1), &s1);
  close(fd);
  st("fstat closed", fstat(fd, &s1), &s1);
  fd = open(P("sub"), O_RDONLY | O_DIRECTORY);
  st("fstat dir", fstat(fd, &s1), &s1);
  st("fstatat nested.txt", fstatat(fd, "nested.txt", &s1, 0), &s1);
  st("fstatat ../input.txt", fstatat(fd, "../input.txt", &s1, 0), &s1);
  close(fd);

  /* hard links: one inode, counted links */
  SHOW("link", link(P("input.txt"), P("hard.txt")));
  stat(P("input.txt"), &s1);
  stat(P("hard.txt"), &s2);
  printf("same inode: %s same dev: %s nlink: %llu\n", s1.st_ino == s2.st_ino ? "yes" : "no",
         s1.st_dev == s2.st_dev ? "yes" : "no", (unsigned long long)s2.st_nlink);
  SHOW("unlink hard.txt", unlink(P("hard.txt")));
  st("stat input.txt after unlink", stat(P("input.txt"), &s1), &s1);
  stat(P("input.txt"), &s1);
  stat(P("data.bin"), &s2);
  printf("different files, different inodes: %s\n", s1.st_ino != s2.st_ino ? "yes" : "no");

  /* times */
  {
    struct timespec ts[2];
    ts[0].tv_sec = 1000000000; ts[0].tv_nsec = 123456789;
    ts[1].tv_sec = 1234567890; ts[1].tv_nsec = 500000000;
    SHOW("utimensat", utimensat(AT_FDCWD, P("data.bin"), ts, 0));
    stat(P("data.bin"), &s1);
    printf("atime: %lld.%09ld mtime: %lld.%09ld\n", (long long)s1.st_atim.tv_sec,
           s1.st_atim.tv_nsec, (long long)s1.st_mtim.tv_sec, s1.st_mtim.tv_nsec);
    ts[0].tv_nsec = UTIME_OMIT;
    ts[1].tv_sec = 1500000000; ts[1].tv_nsec = 0;
    fd = open(P("data.bin"), O_RDWR);
    SHOW("futimens (atime omitted)", futimens(fd, ts));
    fstat(fd, &s1);
    printf("atime: %lld.%09ld mtime: %lld.%09ld\n", (long long)s1.st_atim.tv_sec,
           s1.st_atim.tv_nsec, (long long)s1.st_mtim.tv_sec, s1.st_mtim.tv_nsec);
    ts[0].tv_nsec = UTIME_NOW;
    ts[1].tv_nsec = UTIME_NOW;
    SHOW("futimens now", futimens(fd, ts));
    fstat(fd, &s1);
    /* (futimens(fd, NULL) of Debian's wasi-libc sets the times to 0: ask WASI directly) */
    SHOW("fd_filestat_set_times now", __wasi_fd_filestat_set_times(
                                          (__wasi_fd_t)fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW |
                                          __WASI_FSTFLAGS_MTIM_NOW));
    fstat(fd, &s1);
    printf("mtime now is after 2020: %s\n", s1.st_mtim.tv_sec > 1577836800 ? "yes" : "no");
    ts[0].tv_nsec = 2000000000;
    SHOW("futimens bad nsec", futimens(fd, ts));
    close(fd);
    ts[0].tv_sec = 1; ts[0].tv_nsec = 0; ts[1] = ts[0];
    SHOW("utimensat symlink nofollow", utimensat(AT_FDCWD, P("link_to_input"), ts,
                                                 AT_SYMLINK_NOFOLLOW));
    lstat(P("link_to_input"), &s1);
    printf("symlink mtime: %lld\n", (long long)s1.st_mtim.tv_sec);
    stat(P("input.txt"), &s1);
    printf("target mtime untouched: %s\n", s1.st_mtim.tv_sec != 1 ? "yes" : "no");
    SHOW("utimensat missing", utimensat(AT_FDCWD, P("missing"), ts, 0));
  }
  return 0;
}
