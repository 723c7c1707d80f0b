/* Symlinks: create, readlink (and short buffers), stat vs lstat, opening
 * through links (and O_NOFOLLOW), dangling links, loops, chains, links to
 * directories, unlink of a link, links that stay inside the sandbox with `..`. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static void rl(const char *name, size_t size) {
  char buf[256];
  ssize_t n;
  errno = 0;
  n = readlink(P(name), buf, size);
  if (n < 0) printf("readlink %s: -1 errno=%d (%s)\n", name, errno, strerror(errno));
  else printf("readlink %s: [%.*s]\n", name, (int)n, buf);
}

static void st(const char *name) {
  struct stat s, l;
  int r1, r2, e1, e2;
  errno = 0;
  r1 = stat(P(name), &s);
  e1 = errno;
  errno = 0;
  r2 = lstat(P(name), &l);
  e2 = errno;
  printf("stat %s: ", name);
  if (r1) printf("errno=%d", e1);
  else printf("%s size=%lld", S_ISDIR(s.st_mode) ? "dir" : S_ISREG(s.st_mode) ? "file" : "other",
              S_ISREG(s.st_mode) ? (long long)s.st_size : 0LL);
  printf(" lstat: ");
  if (r2) printf("errno=%d\n", e2);
  else printf("%s\n", S_ISLNK(l.st_mode) ? "symlink" : S_ISDIR(l.st_mode) ? "dir" : "file");
}

static void cat(const char *name) {
  char buf[128];
  int fd = open(P(name), O_RDONLY);
  long n;
  if (fd < 0) { printf("cat %s: errno=%d (%s)\n", name, errno, strerror(errno)); return; }
  n = read(fd, buf, sizeof buf);
  printf("cat %s: [%.*s]\n", name, (int)(n > 0 ? n : 0), buf);
  close(fd);
}

int main(int argc, char **argv) {
  int fd;
  if (argc > 1) base = argv[1];
  setvbuf(stdout, NULL, _IOLBF, 0);

  rl("link_to_input", 256);
  rl("link_to_input", 4);
  rl("link_to_input", 0);
  rl("link_to_sub", 256);
  rl("input.txt", 256);
  rl("missing", 256);
  rl("sub", 256);
  st("link_to_input");
  st("link_to_sub");
  cat("link_to_input");
  cat("link_to_sub/nested.txt");
  cat("link_to_sub/deeper/leaf.txt");

  SHOW("symlink new", symlink("data.bin", P("l_data")));
  rl("l_data", 256);
  st("l_data");
  SHOW("symlink existing name", symlink("x", P("l_data")));
  SHOW("symlink over file", symlink("x", P("input.txt")));
  SHOW("symlink in missing dir", symlink("x", P("nodir/l")));
  SHOW("symlink dangling", symlink("does-not-exist", P("l_dangling")));
  st("l_dangling");
  rl("l_dangling", 256);
  cat("l_dangling");
  FD("create through dangling link", open(P("l_dangling"), O_WRONLY | O_CREAT, 0644));
  FD("create O_EXCL on dangling link", open(P("l_dangling"), O_WRONLY | O_CREAT | O_EXCL, 0644));
  SHOW("symlink empty target", symlink("", P("l_empty")));

  /* loops and chains */
  SHOW("symlink loop a", symlink("loop_b", P("loop_a")));
  SHOW("symlink loop b", symlink("loop_a", P("loop_b")));
  st("loop_a");
  cat("loop_a");
  SHOW("symlink self", symlink("self", P("self")));
  cat("self");
  SHOW("chain 1", symlink("input.txt", P("chain1")));
  SHOW("chain 2", symlink("chain1", P("chain2")));
  SHOW("chain 3", symlink("chain2", P("chain3")));
  cat("chain3");
  st("chain3");

  /* relative links that climb but stay inside */
  SHOW("symlink sub/up -> ../input.txt", symlink("../input.txt", P("sub/up")));
  cat("sub/up");
  SHOW("symlink sub/deeper/up2 -> ../../data.bin", symlink("../../data.bin", P("sub/deeper/up2")));
  st("sub/deeper/up2");
  SHOW("symlink sub/dotdir -> ../sub/./deeper", symlink("../sub/./deeper", P("sub/dotdir")));
  cat("sub/dotdir/leaf.txt");
  cat("link_to_sub/up");
  cat("link_to_sub/../input.txt");

  /* O_NOFOLLOW, and directories through links */
  FD("open O_NOFOLLOW symlink", open(P("link_to_input"), O_RDONLY | O_NOFOLLOW));
  FD("open O_NOFOLLOW regular", open(P("input.txt"), O_RDONLY | O_NOFOLLOW));
  fd = FD("open link_to_sub O_DIRECTORY", open(P("link_to_sub"), O_RDONLY | O_DIRECTORY));
  if (fd >= 0) {
    DIR *d = fdopendir(fd);
    int n = 0;
    while (d && readdir(d)) n++;
    printf("entries through link_to_sub: %d\n", n);
    if (d) closedir(d);
  }
  FD("open link_to_sub/ O_NOFOLLOW", open(P("link_to_sub/"), O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
  SHOW("mkdir through link", mkdir(P("link_to_sub/made"), 0755));
  st("sub/made");

  /* writing through a link writes the target */
  fd = FD("open link for append", open(P("l_data"), O_WRONLY | O_APPEND));
  SHOW("append via link", write(fd, "TAIL", 4));
  close(fd);
  st("data.bin");

  /* unlink removes the link, not the target */
  SHOW("unlink link", unlink(P("l_data")));
  st("l_data");
  st("data.bin");
  SHOW("unlink dir link", unlink(P("link_to_sub")));
  st("sub");
  SHOW("unlink link with trailing slash", unlink(P("chain1/")));
  SHOW("rmdir a link to a dir", rmdir(P("sub/dotdir")));
  SHOW("unlink loop", unlink(P("loop_a")));

  /* links to links in path middles */
  SHOW("symlink mid -> sub", symlink("sub", P("mid")));
  SHOW("create file via mid/", open(P("mid/via_mid.txt"), O_WRONLY | O_CREAT, 0644) >= 0);
  st("sub/via_mid.txt");
  return 0;
}
