/* Directories: mkdir (nested, existing), readdir (sorted listing with
 * types, a directory of 200 entries, telldir/seekdir/rewinddir), rmdir and
 * its errors, opendir errors, chdir/getcwd (wasi-libc's own cwd). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *dtype(unsigned char t) {
  switch (t) {
    case DT_REG: return "file";
    case DT_DIR: return "dir";
    case DT_LNK: return "symlink";
    case DT_UNKNOWN: return "unknown";
    default: return "other";
  }
}

/* print the entries of `dir` sorted by name, with their types */
static void list(const char *dir) {
  DIR *d;
  struct dirent *e;
  char *names[400];
  int n = 0, i;
  errno = 0;
  d = opendir(dir);
  if (!d) {
    printf("opendir %s: errno=%d (%s)\n", dir + strlen(base), errno, strerror(errno));
    return;
  }
  while ((e = readdir(d)) && n < 400) {
    char *s = malloc(strlen(e->d_name) + 16);
    sprintf(s, "%s %s", e->d_name, dtype(e->d_type));
    names[n++] = s;
  }
  printf("readdir end errno: %d\n", errno);
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], cmp);
  printf("list %s: %d entries\n", dir + strlen(base), n);
  for (i = 0; i < n; i++) {
    printf("  entry %s\n", names[i]);
    free(names[i]);
  }
}

int main(int argc, char **argv) {
  char buf[512];
  int i, fd;
  if (argc > 1) base = argv[1];
  setvbuf(stdout, NULL, _IOLBF, 0);

  list(P(""));
  list(P("sub"));
  list(P("link_to_sub"));
  list(P("empty_dir"));
  list(P("input.txt"));
  list(P("missing"));

  SHOW("mkdir a", mkdir(P("a"), 0755));
  SHOW("mkdir a again", mkdir(P("a"), 0755));
  SHOW("mkdir a/b", mkdir(P("a/b"), 0755));
  SHOW("mkdir a/b/c/", mkdir(P("a/b/c/"), 0755));
  SHOW("mkdir x/y (missing parent)", mkdir(P("x/y"), 0755));
  SHOW("mkdir over file", mkdir(P("input.txt"), 0755));
  SHOW("mkdir under file", mkdir(P("input.txt/d"), 0755));
  SHOW("mkdir over symlink", mkdir(P("link_to_sub"), 0755));
  fd = open(P("a/b/file.txt"), O_WRONLY | O_CREAT, 0644);
  SHOW("write a/b/file.txt", write(fd, "in a/b\n", 7));
  close(fd);
  list(P("a/b"));

  SHOW("rmdir a (not empty)", rmdir(P("a")));
  SHOW("rmdir non-empty", rmdir(P("a/b")));
  SHOW("rmdir a file", rmdir(P("a/b/file.txt")));
  SHOW("rmdir missing", rmdir(P("a/zzz")));
  SHOW("rmdir a/b/c", rmdir(P("a/b/c")));
  SHOW("rmdir a/b/c again", rmdir(P("a/b/c")));
  SHOW("rmdir symlink to dir", rmdir(P("link_to_sub")));
  SHOW("rmdir .", rmdir(P(".")));
  SHOW("rmdir empty_dir/", rmdir(P("empty_dir/")));

  /* a directory with many entries: readdir must return each once */
  SHOW("mkdir many", mkdir(P("many"), 0755));
  for (i = 0; i < 200; i++) {
    snprintf(buf, sizeof buf, "%s/many/f%03d%s", base, i, i % 50 == 0 ? "-a-rather-long-name-to-fill-the-buffer-xxxxxxxxxxxxxxxxxxxxxxxx" : "");
    fd = open(buf, O_WRONLY | O_CREAT, 0644);
    if (fd < 0) { SHOW("create in many", fd); break; }
    close(fd);
  }
  list(P("many"));
  {
    /* telldir/seekdir/rewinddir */
    DIR *d = opendir(P("many"));
    struct dirent *e;
    long pos = -1;
    char want[256] = "", got[256] = "";
    int count = 0, again = 0;
    while (d && (e = readdir(d))) {
      if (++count == 57) {
        pos = telldir(d);
        e = readdir(d);
        if (e) snprintf(want, sizeof want, "%s", e->d_name);
      }
    }
    if (d && pos >= 0) {
      seekdir(d, pos);
      e = readdir(d);
      if (e) snprintf(got, sizeof got, "%s", e->d_name);
      printf("seekdir returns to the same entry: %s\n", strcmp(want, got) == 0 && *got ? "yes" : "no");
      rewinddir(d);
      while ((e = readdir(d))) again++;
      printf("entries: %d, after rewinddir: %d\n", count, again);
    }
    if (d) closedir(d);
  }
  for (i = 0; i < 200; i += 3) {
    snprintf(buf, sizeof buf, "%s/many/f%03d%s", base, i, i % 50 == 0 ? "-a-rather-long-name-to-fill-the-buffer-xxxxxxxxxxxxxxxxxxxxxxxx" : "");
    if (unlink(buf) != 0) SHOW("unlink in many", -1);
  }
  list(P("many"));

  /* readdir after the directory changes under an open stream */
  {
    DIR *d = opendir(P("sub"));
    int n = 0;
    fd = open(P("sub/added.txt"), O_WRONLY | O_CREAT, 0644);
    close(fd);
    rewinddir(d);
    while (d && readdir(d)) n++;
    printf("sub entries after adding one and rewinddir: %d\n", n);
    if (d) closedir(d);
  }

  /* fdopendir, dirfd */
  fd = FD("open sub O_DIRECTORY", open(P("sub"), O_RDONLY | O_DIRECTORY));
  {
    DIR *d = fdopendir(fd);
    int n = 0;
    printf("fdopendir: %s\n", d ? "ok" : strerror(errno));
    while (d && readdir(d)) n++;
    printf("fdopendir entries: %d\n", n);
    if (d) closedir(d);
  }

  /* wasi-libc keeps a cwd of its own */
  printf("getcwd: %s\n", getcwd(buf, sizeof buf) ? buf : strerror(errno));
  SHOW("chdir sub", chdir(P("sub")));
  printf("getcwd: %s\n", getcwd(buf, sizeof buf) ? buf : strerror(errno));
  fd = FD("open relative nested.txt", open("nested.txt", O_RDONLY));
  if (fd >= 0) {
    long n = read(fd, buf, sizeof buf);
    printf("read: [%.*s]\n", (int)(n > 0 ? n - 1 : 0), buf);
    close(fd);
  }
  SHOW("chdir ..", chdir(".."));
  printf("getcwd: %s\n", getcwd(buf, sizeof buf) ? buf : strerror(errno));
  SHOW("chdir input.txt", chdir(P("input.txt")));
  SHOW("chdir missing", chdir(P("missing")));
  SHOW("mkdir relative", mkdir("made_relative", 0700));
  list(P(""));
  return 0;
}
