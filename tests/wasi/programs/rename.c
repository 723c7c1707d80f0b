/* Renames and hard links: files and directories, replacing, the errors
 * (missing source, missing target dir, dir over file, file over dir,
 * non-empty target, into itself), renaming symlinks, trailing slashes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#include "check.h"

static void put(const char *name, const char *text) {
  int fd = open(P(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, text, strlen(text)) < 0) printf("put %s: errno=%d\n", name, errno);
  if (fd >= 0) close(fd);
}

static void cat(const char *name) {
  char buf[128];
  int fd = open(P(name), O_RDONLY);
  long n;
  if (fd < 0) { printf("contents of %s: errno=%d (%s)\n", name, errno, strerror(errno)); return; }
  n = read(fd, buf, sizeof buf);
  printf("contents of %s: [%.*s]\n", name, (int)(n > 0 ? n : 0), buf);
  close(fd);
}

static void exists(const char *name) {
  struct stat s;
  printf("exists %s: %s\n", name, lstat(P(name), &s) == 0 ? "yes" : "no");
}

int main(int argc, char **argv) {
  int fd;
  if (argc > 1) base = argv[1];
  setvbuf(stdout, NULL, _IOLBF, 0);

  put("a.txt", "from a");
  SHOW("rename file", rename(P("a.txt"), P("b.txt")));
  exists("a.txt");
  cat("b.txt");
  put("c.txt", "from c");
  SHOW("rename over existing file", rename(P("c.txt"), P("b.txt")));
  cat("b.txt");
  exists("c.txt");
  SHOW("rename to itself", rename(P("b.txt"), P("b.txt")));
  cat("b.txt");
  SHOW("rename missing", rename(P("nope.txt"), P("x.txt")));
  SHOW("rename into missing dir", rename(P("b.txt"), P("nodir/b.txt")));
  SHOW("rename into a file", rename(P("b.txt"), P("input.txt/b.txt")));
  SHOW("rename file into sub", rename(P("b.txt"), P("sub/b.txt")));
  cat("sub/b.txt");
  SHOW("rename back with ..", rename(P("sub/b.txt"), P("sub/../b.txt")));
  cat("b.txt");

  /* an open descriptor follows the file */
  fd = open(P("b.txt"), O_RDWR | O_APPEND);
  SHOW("rename open file", rename(P("b.txt"), P("moved.txt")));
  SHOW("write to renamed open file", write(fd, "+more", 5));
  close(fd);
  cat("moved.txt");

  /* directories */
  SHOW("mkdir d1", mkdir(P("d1"), 0755));
  put("d1/inside.txt", "inside d1");
  SHOW("rename dir", rename(P("d1"), P("d2")));
  cat("d2/inside.txt");
  SHOW("mkdir empty target", mkdir(P("d3"), 0755));
  SHOW("rename dir over empty dir", rename(P("d2"), P("d3")));
  cat("d3/inside.txt");
  exists("d2");
  SHOW("mkdir d4", mkdir(P("d4"), 0755));
  put("d4/f", "f");
  SHOW("rename dir over non-empty dir", rename(P("d3"), P("d4")));
  SHOW("rename dir over file", rename(P("d3"), P("moved.txt")));
  SHOW("rename file over dir", rename(P("moved.txt"), P("d3")));
  SHOW("rename file over empty_dir", rename(P("moved.txt"), P("empty_dir")));
  SHOW("rename dir into itself", rename(P("d3"), P("d3/sub")));
  SHOW("rename dir with trailing slash", rename(P("d3/"), P("d5/")));
  exists("d5");
  SHOW("rename file with trailing slash", rename(P("moved.txt/"), P("m2.txt")));
  SHOW("rename file to trailing slash", rename(P("moved.txt"), P("m2.txt/")));
  SHOW("rename . ", rename(P("."), P("dot")));
  SHOW("rename to ..", rename(P("d4/f"), P("d4/..")));

  /* symlinks are renamed, not followed */
  SHOW("rename symlink", rename(P("link_to_input"), P("renamed_link")));
  exists("link_to_input");
  cat("renamed_link");
  {
    char buf[64];
    ssize_t n = readlink(P("renamed_link"), buf, sizeof buf);
    printf("readlink renamed_link: [%.*s]\n", (int)(n > 0 ? n : 0), buf);
  }
  SHOW("rename file over symlink", rename(P("moved.txt"), P("link_to_sub")));
  exists("sub/nested.txt");
  cat("link_to_sub");

  /* hard links */
  SHOW("link", link(P("input.txt"), P("linked.txt")));
  cat("linked.txt");
  SHOW("link existing target", link(P("input.txt"), P("linked.txt")));
  SHOW("link missing source", link(P("nope"), P("l2")));
  SHOW("link a directory", link(P("sub"), P("sub_link")));
  SHOW("link into missing dir", link(P("input.txt"), P("nodir/l")));
  SHOW("link to symlink (no follow)", link(P("renamed_link"), P("hard_to_link")));
  /* path_link following a symlink source (preopen fd 3 is /sandbox) */
  printf("path_link follow renamed_link: %d\n",
         __wasi_path_link(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "renamed_link", 3,
                          "hard_follow_link"));
  exists("hard_follow_link");
  put("linked.txt", "changed through the link");
  cat("input.txt");
  return 0;
}
