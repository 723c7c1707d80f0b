/* Sandbox escapes: every way out of the preopened directory we could think
 * of, each printing the errno it gets (and the bytes it read, if any).
 * Run by test_sandbox.py with /sandbox preopened and, beside it on the
 * host, a directory `outside` holding secret.txt; the test plants symlinks
 * in the sandbox pointing out (absolute and relative, to files, to
 * directories, dangling) before the run and checks afterwards that nothing
 * outside was read or changed.  Uses the WASI imports directly (fd 3 is the
 * preopen), so no libc path handling gets in the way, and libc for the
 * usual calls. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#define PRE 3
#define FILE_RIGHTS (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | \
                     __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_READDIR)
#define READ_RIGHTS (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | \
                     __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_READDIR)

static void R(const char *label, const char *path, int err) {
  printf("%s %s: %d\n", label, path, err);
}

/* open for reading (following links); print what was read */
static void try_read(const char *path) {
  __wasi_fd_t fd;
  int err = __wasi_path_open(PRE, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0, READ_RIGHTS, 0, 0,
                             &fd);
  R("read", path, err);
  if (err == 0) {
    char buf[64];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t n = 0;
    if (__wasi_fd_read(fd, &iov, 1, &n) == 0) {
      buf[n] = 0;
      if (strchr(buf, '\n')) *strchr(buf, '\n') = 0;
      printf("  got %u bytes, first line: [%s]\n", (unsigned)n, buf);
    }
    (void)!__wasi_fd_close(fd);
  }
}

static void try_stat(const char *path) {
  __wasi_filestat_t st;
  int err = __wasi_path_filestat_get(PRE, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, &st);
  printf("stat %s: %d", path, err);
  if (err == 0) printf(" filetype=%u", st.filetype);
  printf("\n");
  err = __wasi_path_filestat_get(PRE, 0, path, &st);
  printf("lstat %s: %d", path, err);
  if (err == 0) printf(" filetype=%u", st.filetype);
  printf("\n");
}

static void try_create(const char *path, __wasi_oflags_t extra) {
  __wasi_fd_t fd;
  int err = __wasi_path_open(PRE, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path,
                             __WASI_OFLAGS_CREAT | extra, FILE_RIGHTS, 0, 0, &fd);
  R(extra & __WASI_OFLAGS_TRUNC ? "create/truncate" : "create", path, err);
  if (err == 0) {
    __wasi_ciovec_t iov = {(const uint8_t *)"written by the guest\n", 21};
    __wasi_size_t n;
    printf("  write: %d\n", __wasi_fd_write(fd, &iov, 1, &n));
    (void)!__wasi_fd_close(fd);
  }
}

static void try_list(const char *path) {
  __wasi_fd_t fd;
  int err = __wasi_path_open(PRE, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path,
                             __WASI_OFLAGS_DIRECTORY, READ_RIGHTS, READ_RIGHTS, 0, &fd);
  R("opendir", path, err);
  if (err == 0) {
    uint8_t buf[4096];
    __wasi_size_t used = 0, at = 0;
    int count = 0, secret = 0;
    if (__wasi_fd_readdir(fd, buf, sizeof buf, 0, &used) == 0) {
      while (at + sizeof(__wasi_dirent_t) <= used) {
        __wasi_dirent_t d;
        memcpy(&d, buf + at, sizeof d);
        at += sizeof d;
        if (d.d_namlen == 10 && at + 10 <= used && memcmp(buf + at, "secret.txt", 10) == 0)
          secret = 1;
        at += d.d_namlen;
        count++;
      }
    }
    printf("  entries: %d, secret.txt among them: %s\n", count, secret ? "yes" : "no");
    (void)!__wasi_fd_close(fd);
  }
}

int main(void) {
  char buf[256];
  __wasi_size_t n;
  int i, fd;
  setvbuf(stdout, NULL, _IOLBF, 0);

  /* reading out */
  {
    static const char *paths[] = {
        "..", "../", "../outside/secret.txt", "../../outside/secret.txt",
        "/etc/passwd", "/sandbox/input.txt", "//etc/passwd", "sub/../../outside/secret.txt",
        "sub/../..", "sub/deeper/../../../outside/secret.txt", "nonexistent/../../outside/secret.txt",
        "./../outside/secret.txt", "sub/./.././../outside/secret.txt",
        "abs_link/secret.txt", "abs_file_link", "rel_link/secret.txt", "rel_file_link",
        "sub/deep_rel_link/secret.txt", "dotdot_link/outside/secret.txt", "sub/sneaky/outside/secret.txt",
        "root_link/etc/passwd", "chain_to_out", "link_to_sub/../../outside/secret.txt",
        "rel_link/../outside/secret.txt", "abs_link/../outside/secret.txt",
        /* staying inside is fine */
        "input.txt", "sub/../input.txt", "sub/deeper/../../input.txt", "./input.txt",
        "sub//nested.txt", "link_to_sub/../input.txt", "sub/inner_up_link",
    };
    for (i = 0; i < (int)(sizeof paths / sizeof paths[0]); i++) try_read(paths[i]);
  }

  /* stat, lstat */
  {
    static const char *paths[] = {"..", "../outside", "abs_link", "rel_link", "rel_file_link",
                                  "abs_file_link", "sub/deep_rel_link", "dotdot_link",
                                  "root_link", "dangling_out", "dangling_abs", "rel_link/secret.txt"};
    for (i = 0; i < (int)(sizeof paths / sizeof paths[0]); i++) try_stat(paths[i]);
  }

  /* readlink may show a link's target: that is not an escape */
  {
    static const char *paths[] = {"rel_link", "rel_file_link", "dotdot_link", "abs_link/secret.txt",
                                  "rel_link/secret.txt", "../outside"};
    for (i = 0; i < (int)(sizeof paths / sizeof paths[0]); i++) {
      memset(buf, 0, sizeof buf);
      n = 0;
      int err = __wasi_path_readlink(PRE, paths[i], (uint8_t *)buf, sizeof buf - 1, &n);
      R("readlink", paths[i], err);
      if (err == 0) printf("  -> [%.*s]\n", (int)n, buf);
    }
  }

  /* listing */
  {
    static const char *paths[] = {"..", "rel_link", "abs_link", "sub/deep_rel_link", "dotdot_link",
                                  "root_link", ".", "sub/.."};
    for (i = 0; i < (int)(sizeof paths / sizeof paths[0]); i++) try_list(paths[i]);
  }

  /* writing out */
  {
    static const char *paths[] = {"../escaped.txt", "../outside/escaped.txt", "/tmp/escaped.txt",
                                  "rel_link/escaped.txt", "abs_link/escaped.txt",
                                  "sub/deep_rel_link/escaped.txt", "dotdot_link/escaped.txt",
                                  "dangling_out", "dangling_abs", "sub/../../escaped.txt"};
    for (i = 0; i < (int)(sizeof paths / sizeof paths[0]); i++) try_create(paths[i], 0);
    try_create("rel_file_link", __WASI_OFLAGS_TRUNC);
    try_create("abs_file_link", __WASI_OFLAGS_TRUNC);
    try_create("inside.txt", 0);
  }
  R("mkdir", "../newdir", __wasi_path_create_directory(PRE, "../newdir"));
  R("mkdir", "rel_link/newdir", __wasi_path_create_directory(PRE, "rel_link/newdir"));
  R("mkdir", "abs_link/newdir", __wasi_path_create_directory(PRE, "abs_link/newdir"));
  R("rmdir", "rel_link/dir", __wasi_path_remove_directory(PRE, "rel_link/dir"));
  R("rmdir", "../outside/dir", __wasi_path_remove_directory(PRE, "../outside/dir"));
  R("unlink", "rel_link/secret.txt", __wasi_path_unlink_file(PRE, "rel_link/secret.txt"));
  R("unlink", "abs_link/secret.txt", __wasi_path_unlink_file(PRE, "abs_link/secret.txt"));
  R("unlink", "../outside/secret.txt", __wasi_path_unlink_file(PRE, "../outside/secret.txt"));
  R("rename", "input.txt -> ../moved_out.txt", __wasi_path_rename(PRE, "input.txt", PRE, "../moved_out.txt"));
  R("rename", "input.txt -> rel_link/moved.txt", __wasi_path_rename(PRE, "input.txt", PRE, "rel_link/moved.txt"));
  R("rename", "rel_link/secret.txt -> stolen.txt", __wasi_path_rename(PRE, "rel_link/secret.txt", PRE, "stolen.txt"));
  R("rename", "abs_link/secret.txt -> stolen.txt", __wasi_path_rename(PRE, "abs_link/secret.txt", PRE, "stolen.txt"));
  R("rename", "rel_link/dir -> stolen_dir", __wasi_path_rename(PRE, "rel_link/dir", PRE, "stolen_dir"));
  R("rename", "rel_file_link -> renamed_link (the link itself)", __wasi_path_rename(PRE, "rel_file_link", PRE, "renamed_link"));
  R("link", "rel_link/secret.txt -> hard.txt", __wasi_path_link(PRE, 0, "rel_link/secret.txt", PRE, "hard.txt"));
  R("link", "renamed_link -> hard2 (follow)", __wasi_path_link(PRE, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "renamed_link", PRE, "hard2.txt"));
  R("link", "input.txt -> rel_link/hard.txt", __wasi_path_link(PRE, 0, "input.txt", PRE, "rel_link/hard.txt"));
  R("link", "../outside/secret.txt -> hard3.txt", __wasi_path_link(PRE, 0, "../outside/secret.txt", PRE, "hard3.txt"));
  R("utimes", "renamed_link (follow)", __wasi_path_filestat_set_times(PRE, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "renamed_link", 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  R("utimes", "rel_link/secret.txt", __wasi_path_filestat_set_times(PRE, 0, "rel_link/secret.txt", 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  R("utimes", "..", __wasi_path_filestat_set_times(PRE, 0, "..", 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));

  /* links the guest makes itself */
  R("symlink", "my_abs -> /etc/passwd", __wasi_path_symlink("/etc/passwd", PRE, "my_abs"));
  try_read("my_abs");
  R("symlink", "my_up -> ../outside", __wasi_path_symlink("../outside", PRE, "my_up"));
  try_read("my_up/secret.txt");
  try_create("my_up/escaped2.txt", 0);
  R("symlink", "sub/my_up2 -> ../../outside/secret.txt", __wasi_path_symlink("../../outside/secret.txt", PRE, "sub/my_up2"));
  try_read("sub/my_up2");
  R("symlink", "../outside/planted -> x", __wasi_path_symlink("x", PRE, "../outside/planted"));
  R("symlink", "rel_link/planted -> x", __wasi_path_symlink("x", PRE, "rel_link/planted"));
  R("symlink", "my_inside -> sub/nested.txt", __wasi_path_symlink("sub/nested.txt", PRE, "my_inside"));
  try_read("my_inside");

  /* libc: absolute paths outside every preopen, cwd tricks */
  errno = 0;
  fd = open("/etc/passwd", O_RDONLY);
  printf("libc open /etc/passwd: %d errno=%d\n", fd < 0 ? -1 : 0, fd < 0 ? errno : 0);
  errno = 0;
  fd = open("/sandbox/../outside/secret.txt", O_RDONLY);
  printf("libc open /sandbox/../outside/secret.txt: %d errno=%d\n", fd < 0 ? -1 : 0, fd < 0 ? errno : 0);
  printf("libc chdir /sandbox/sub: %d\n", chdir("/sandbox/sub"));
  errno = 0;
  fd = open("../../outside/secret.txt", O_RDONLY);
  printf("libc open ../../outside/secret.txt from sub: %d errno=%d\n", fd < 0 ? -1 : 0, fd < 0 ? errno : 0);
  errno = 0;
  fd = open("../input.txt", O_RDONLY);
  printf("libc open ../input.txt from sub: %d errno=%d\n", fd < 0 ? -1 : 0, fd < 0 ? errno : 0);
  {
    struct stat st;
    errno = 0;
    printf("libc stat /: %d errno=%d\n", stat("/", &st), errno);
    errno = 0;
    printf("libc stat /sandbox/..: %d errno=%d\n", stat("/sandbox/..", &st), errno);
  }
  {
    DIR *d = opendir("/");
    printf("libc opendir /: %s errno=%d\n", d ? "opened" : "failed", d ? 0 : errno);
    if (d) closedir(d);
  }

  /* descriptors above the preopens do not exist; renumbering cannot forge one */
  {
    __wasi_prestat_t ps;
    for (i = 3; i < 8; i++) printf("fd_prestat_get %d: %d\n", i, __wasi_fd_prestat_get(i, &ps));
  }
  return 0;
}
