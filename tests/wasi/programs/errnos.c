/* Malformed arguments straight to the WASI imports (no libc checks in the
 * way): pointers and lengths outside linear memory, bad descriptors,
 * descriptors of the wrong kind, invalid UTF-8 and NUL in paths, paths that
 * are too long, short buffers.  Each prints the errno it gets; none may
 * crash.  `errnos fault` passes pointers and lengths outside linear memory
 * (w2c: EFAULT; wasmtime ends the program); `errnos rights` uses a
 * descriptor beyond the rights it was opened with.  `errnos enum NAME` passes one invalid enum or flags value (an
 * unknown whence, clock, advice, event type, flag bit...): wasmtime ends
 * the program for those, w2c returns EINVAL. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define BAD 0xFFFFFFF0u               /* beyond any memory this program has */
#define BADP(T) ((T)(uintptr_t)BAD)

/* proc_raise is not in this wasi-libc's header any more */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
int32_t raw_proc_raise(int32_t sig);

#define WASI_IMPORT(name) \
  __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
/* path functions with explicit lengths (wasi-libc's wrappers call strlen) */
WASI_IMPORT(path_open) int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path,
                                             int32_t path_len, int32_t oflags, int64_t base,
                                             int64_t inheriting, int32_t fdflags, int32_t fd_out);
WASI_IMPORT(path_symlink) int32_t raw_path_symlink(int32_t old, int32_t old_len, int32_t fd,
                                                   int32_t new_path, int32_t new_len);
WASI_IMPORT(path_create_directory) int32_t raw_path_create_directory(int32_t fd, int32_t path,
                                                                     int32_t path_len);
WASI_IMPORT(path_rename) int32_t raw_path_rename(int32_t fd, int32_t old, int32_t old_len,
                                                 int32_t new_fd, int32_t new_path,
                                                 int32_t new_len);
WASI_IMPORT(path_filestat_get) int32_t raw_path_filestat_get(int32_t fd, int32_t flags,
                                                             int32_t path, int32_t path_len,
                                                             int32_t buf);
#define A(p) ((int32_t)(uintptr_t)(p))
#define ALL_RIGHTS ((((__wasi_rights_t)1) << 29) * 2 - 1) /* the 30 rights of preview1 */
#define READ_RIGHTS (ALL_RIGHTS & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC | \
                                    __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE))

static int printed;
static void E(const char *label, int err) {
  printf("%s: %d\n", label, err);
  printed++;
}

static const char *yes(int b) { return b ? "yes" : "no"; }

/* a descriptor for path p under the preopen, or -1 */
static int open_at(__wasi_fd_t dir, const char *p, __wasi_oflags_t of, __wasi_rights_t rights) {
  __wasi_fd_t fd;
  if (__wasi_path_open(dir, 0, p, of, rights, rights, 0, &fd) != 0) return -1;
  return (int)fd;
}

/* "errnos fault": pointers and lengths outside linear memory (EFAULT) */
static int fault(__wasi_fd_t pre, int file, int dir) {
  static char big[1 << 16];
  static const char name[] = "created_by_bad_call.txt";
  char buf[256];
  __wasi_size_t n = 0, m = 0;
  __wasi_fd_t fd = 0;
  __wasi_ciovec_t ciov[2];
  __wasi_iovec_t iov[2];
  __wasi_filesize_t off = 0;
  __wasi_subscription_t sub;
  __wasi_event_t ev;
  __wasi_filestat_t fs;
  E("fd_write bad iovs", __wasi_fd_write(1, BADP(const __wasi_ciovec_t *), 1, &n));
  ciov[0].buf = BADP(const uint8_t *);
  ciov[0].buf_len = 4;
  E("fd_write iov buffer outside", __wasi_fd_write(1, ciov, 1, &n));
  ciov[0].buf = (const uint8_t *)big;
  ciov[0].buf_len = 0xFFFFFFFFu;
  E("fd_write iov length past the end", __wasi_fd_write(1, ciov, 1, &n));
  {
    uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
    ciov[0].buf = (const uint8_t *)(uintptr_t)(end - 2);
    ciov[0].buf_len = 4;
    E("fd_write iov straddling the end of memory", __wasi_fd_write(1, ciov, 1, &n));
    ciov[0].buf_len = 2;
    E("fd_write the last 2 bytes of memory to stderr (valid)", __wasi_fd_write(2, ciov, 1, &n));
    E("fd_read into the last 2 bytes (valid)", __wasi_fd_read((__wasi_fd_t)file, (const __wasi_iovec_t *)ciov, 1, &n));
    printf("read into the end: %u\n", (unsigned)n);
    ciov[0].buf = (const uint8_t *)big;
  }
  E("fd_write huge iovs_len", __wasi_fd_write(1, ciov, 0x20000000u, &n));
  n = 77;
  E("fd_write zero iovs", __wasi_fd_write(1, ciov, 0, &n));
  printf("nwritten: %u\n", (unsigned)n);
  iov[0].buf = BADP(uint8_t *);
  iov[0].buf_len = 4;
  E("fd_read into outside", __wasi_fd_read((__wasi_fd_t)file, iov, 1, &n));
  E("fd_pread into outside", __wasi_fd_pread((__wasi_fd_t)file, iov, 1, 0, &n));
  iov[0].buf = (uint8_t *)buf;
  E("fd_read nread pointer outside", __wasi_fd_read((__wasi_fd_t)file, iov, 1, BADP(__wasi_size_t *)));
  E("fd_tell after it", __wasi_fd_tell((__wasi_fd_t)file, &off));
  printf("offset: %llu\n", (unsigned long long)off);
  E("fd_seek result outside", __wasi_fd_seek((__wasi_fd_t)file, 0, __WASI_WHENCE_SET, BADP(__wasi_filesize_t *)));
  E("fd_fdstat_get outside", __wasi_fd_fdstat_get(pre, BADP(__wasi_fdstat_t *)));
  E("fd_filestat_get outside", __wasi_fd_filestat_get((__wasi_fd_t)file, BADP(__wasi_filestat_t *)));
  E("fd_prestat_get outside", __wasi_fd_prestat_get(pre, BADP(__wasi_prestat_t *)));
  E("fd_prestat_dir_name outside", __wasi_fd_prestat_dir_name(pre, BADP(uint8_t *), 8));
  E("args_sizes_get outside", __wasi_args_sizes_get(BADP(__wasi_size_t *), &m));
  E("args_get outside", __wasi_args_get(BADP(uint8_t **), BADP(uint8_t *)));
  E("environ_sizes_get outside", __wasi_environ_sizes_get(&n, BADP(__wasi_size_t *)));
  E("environ_get outside", __wasi_environ_get(BADP(uint8_t **), BADP(uint8_t *)));
  E("clock_time_get outside", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, BADP(__wasi_timestamp_t *)));
  E("clock_res_get outside", __wasi_clock_res_get(__WASI_CLOCKID_REALTIME, BADP(__wasi_timestamp_t *)));
  E("random_get outside", __wasi_random_get(BADP(uint8_t *), 16));
  E("random_get length past the end", __wasi_random_get((uint8_t *)big, 0xFFFFFF00u));
  E("path_open path outside", raw_path_open(pre, 0, BAD, 4, 0, 0, 0, 0, A(&fd)));
  E("path_open path length past the end", raw_path_open(pre, 0, A(name), 0x7FFFFFFF, 0, 0, 0, 0, A(&fd)));
  E("path_open result outside", raw_path_open(pre, 0, A(name), (int32_t)strlen(name),
                                              __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, BAD));
  E("path_filestat_get result outside", __wasi_path_filestat_get(pre, 0, "input.txt", BADP(__wasi_filestat_t *)));
  E("path_readlink buffer outside", __wasi_path_readlink(pre, "link_to_input", BADP(uint8_t *), 16, &n));
  E("path_symlink target outside", raw_path_symlink(BAD, 4, pre, A("sl"), 2));
  E("path_create_directory path outside", raw_path_create_directory(pre, BAD, 4));
  E("path_rename new path outside", raw_path_rename(pre, A("input.txt"), 9, pre, BAD, 4));
  E("fd_readdir buffer outside", __wasi_fd_readdir((__wasi_fd_t)dir, BADP(uint8_t *), 128, 0, &n));
  sub.userdata = 1;
  E("poll_oneoff subscriptions outside", __wasi_poll_oneoff(BADP(const __wasi_subscription_t *), &ev, 1, &n));
  memset(&sub, 0, sizeof sub);
  sub.u.tag = __WASI_EVENTTYPE_CLOCK;
  E("poll_oneoff events outside", __wasi_poll_oneoff(&sub, BADP(__wasi_event_t *), 1, &n));
  E("poll_oneoff huge count", __wasi_poll_oneoff(&sub, &ev, 0x7FFFFFFFu, &n));

  /* nothing was created by the failed calls */
  E("stat created_by_bad_call.txt", __wasi_path_filestat_get(pre, 0, name, &fs));
  printf("survived\n");
  return 0;
}

/* "errnos rights": a descriptor opened with only fd_read, then asked for
 * more (wasmtime ignores rights: it lets the calls through) */
static int rights(__wasi_fd_t pre) {
  __wasi_fd_t fd = 0;
  __wasi_filesize_t off = 0;
  __wasi_fdstat_t fst;
  __wasi_filestat_t fs;
  E("path_open with fd_read only", __wasi_path_open(pre, 0, "input.txt", 0,
                                                    __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  E("fd_seek", __wasi_fd_seek(fd, 1, __WASI_WHENCE_SET, &off));
  E("fd_tell", __wasi_fd_tell(fd, &off));
  E("fd_sync", __wasi_fd_sync(fd));
  E("fd_filestat_get", __wasi_fd_filestat_get(fd, &fs));
  E("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &fst));
  E("fd_fdstat_set_rights more", __wasi_fd_fdstat_set_rights(fd, ALL_RIGHTS, 0));
  E("path_open dir without path_open's inheriting rights", __wasi_path_open(
        pre, 0, "sub", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd));
  E("path_open in it", __wasi_path_open(fd, 0, "nested.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  printf("survived\n");
  return 0;
}

static int enum_case(const char *name, __wasi_fd_t pre, __wasi_fd_t file) {
  __wasi_filesize_t off;
  __wasi_timestamp_t t;
  __wasi_fd_t fd;
  __wasi_subscription_t sub;
  __wasi_event_t ev;
  __wasi_size_t n;
  memset(&sub, 0, sizeof sub);
  if (!strcmp(name, "whence")) E("fd_seek whence 3", __wasi_fd_seek(file, 0, 3, &off));
  else if (!strcmp(name, "whence-big")) E("fd_seek whence 255", __wasi_fd_seek(file, 0, 255, &off));
  else if (!strcmp(name, "clock")) E("clock_time_get id 4", __wasi_clock_time_get(4, 1, &t));
  else if (!strcmp(name, "clock-res")) E("clock_res_get id 99", __wasi_clock_res_get(99, &t));
  else if (!strcmp(name, "advice")) E("fd_advise advice 6", __wasi_fd_advise(file, 0, 0, 6));
  else if (!strcmp(name, "oflags")) E("path_open oflags 0x10", __wasi_path_open(pre, 0, "x", 0x10, 0, 0, 0, &fd));
  else if (!strcmp(name, "fdflags")) E("fd_fdstat_set_flags 0x20", __wasi_fd_fdstat_set_flags(file, 0x20));
  else if (!strcmp(name, "lookupflags")) E("path_filestat_get lookupflags 2", __wasi_path_filestat_get(pre, 2, "input.txt", (void *)&sub));
  else if (!strcmp(name, "fstflags")) E("fd_filestat_set_times fst_flags 0x10", __wasi_fd_filestat_set_times(file, 0, 0, 0x10));
  else if (!strcmp(name, "fstflags-conflict")) E("fd_filestat_set_times ATIM|ATIM_NOW", __wasi_fd_filestat_set_times(file, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  else if (!strcmp(name, "signal")) E("proc_raise 99", raw_proc_raise(99));
  else if (!strcmp(name, "eventtype")) {
    sub.u.tag = 3;
    E("poll_oneoff event type 3", __wasi_poll_oneoff(&sub, &ev, 1, &n));
  } else if (!strcmp(name, "poll-clock")) {
    sub.u.tag = __WASI_EVENTTYPE_CLOCK;
    sub.u.u.clock.id = 7;
    E("poll_oneoff clock id 7", __wasi_poll_oneoff(&sub, &ev, 1, &n));
  } else if (!strcmp(name, "subclockflags")) {
    sub.u.tag = __WASI_EVENTTYPE_CLOCK;
    sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    sub.u.u.clock.flags = 2;
    E("poll_oneoff subclockflags 2", __wasi_poll_oneoff(&sub, &ev, 1, &n));
  } else {
    printf("unknown enum case %s\n", name);
    return 2;
  }
  printf("survived\n");
  return 0;
}

int main(int argc, char **argv) {
  static char big[1 << 16];
  char buf[256];
  __wasi_size_t n = 0;
  __wasi_fd_t pre = 3, fd = 0;
  __wasi_prestat_t ps;
  __wasi_fdstat_t fst;
  __wasi_filestat_t fs;
  __wasi_ciovec_t ciov[2];
  __wasi_iovec_t iov[2];
  __wasi_filesize_t off;
  int file, dir;
  setvbuf(stdout, NULL, _IOLBF, 0);

  /* the preopen: fd 3 is /sandbox */
  E("fd_prestat_get 3", __wasi_fd_prestat_get(pre, &ps));
  printf("prestat 3: tag=%u name_len=%u\n", ps.tag, (unsigned)ps.u.dir.pr_name_len);
  memset(buf, 0, sizeof buf);
  E("fd_prestat_dir_name 3", __wasi_fd_prestat_dir_name(pre, (uint8_t *)buf, ps.u.dir.pr_name_len));
  printf("preopen name: [%s]\n", buf);
  /* every right but writing (the descriptor's kind decides what works), as
   * wasi-libc asks for O_RDONLY: asking for a write right opens for writing */
  file = open_at(pre, "input.txt", 0, READ_RIGHTS);
  dir = open_at(pre, "sub", __WASI_OFLAGS_DIRECTORY, READ_RIGHTS);
  printf("opened input.txt: %s sub: %s\n", yes(file >= 0), yes(dir >= 0));
  if (argc > 2 && !strcmp(argv[1], "enum")) return enum_case(argv[2], pre, (__wasi_fd_t)file);
  if (argc > 1 && !strcmp(argv[1], "fault")) return fault(pre, file, dir);
  if (argc > 1 && !strcmp(argv[1], "rights")) return rights(pre);

  /* -- bad descriptors --------------------------------------------------------- */
  ciov[0].buf = (const uint8_t *)"x";
  ciov[0].buf_len = 1;
  E("fd_write fd 99", __wasi_fd_write(99, ciov, 1, &n));
  E("fd_write fd 0xffffffff", __wasi_fd_write(0xFFFFFFFFu, ciov, 1, &n));
  E("fd_read fd 99", __wasi_fd_read(99, iov, 1, &n));
  E("fd_close fd 99", __wasi_fd_close(99));
  E("fd_seek fd 99", __wasi_fd_seek(99, 0, __WASI_WHENCE_SET, &off));
  E("fd_tell fd 99", __wasi_fd_tell(99, &off));
  E("fd_fdstat_get fd 99", __wasi_fd_fdstat_get(99, &fst));
  E("fd_filestat_get fd 99", __wasi_fd_filestat_get(99, &fs));
  E("fd_prestat_get fd 99", __wasi_fd_prestat_get(99, &ps));
  E("fd_prestat_get stdin", __wasi_fd_prestat_get(0, &ps));
  E("fd_prestat_get a file", __wasi_fd_prestat_get((__wasi_fd_t)file, &ps));
  E("fd_readdir fd 99", __wasi_fd_readdir(99, (uint8_t *)buf, sizeof buf, 0, &n));
  E("fd_sync fd 99", __wasi_fd_sync(99));
  E("fd_renumber 99 -> 4", __wasi_fd_renumber(99, 4));
  E("fd_renumber file -> 99", __wasi_fd_renumber((__wasi_fd_t)file, 99));
  E("path_open in fd 99", __wasi_path_open(99, 0, "input.txt", 0, 0, 0, 0, &fd));
  E("path_open in a file", __wasi_path_open((__wasi_fd_t)file, 0, "x", 0, 0, 0, 0, &fd));
  E("path_create_directory in fd 99", __wasi_path_create_directory(99, "d"));
  E("path_unlink_file in fd 99", __wasi_path_unlink_file(99, "input.txt"));
  E("path_rename to fd 99", __wasi_path_rename(pre, "input.txt", 99, "x"));
  E("path_link to fd 99", __wasi_path_link(pre, 0, "input.txt", 99, "x"));
  E("path_symlink in fd 99", __wasi_path_symlink("input.txt", 99, "x"));
  E("fd_readdir on a file", __wasi_fd_readdir((__wasi_fd_t)file, (uint8_t *)buf, sizeof buf, 0, &n));
  E("sock_accept on a file", __wasi_sock_accept((__wasi_fd_t)file, 0, &fd));
  E("sock_shutdown on a file", __wasi_sock_shutdown((__wasi_fd_t)file, __WASI_SDFLAGS_WR));
  E("sock_shutdown fd 99", __wasi_sock_shutdown(99, __WASI_SDFLAGS_WR));

  /* -- paths ------------------------------------------------------------------- */
  E("path_open invalid utf-8", __wasi_path_open(pre, 0, "bad\xff.txt", __WASI_OFLAGS_CREAT, 0, 0, 0, &fd));
  E("path_open truncated utf-8", __wasi_path_open(pre, 0, "bad\xc3", __WASI_OFLAGS_CREAT, 0, 0, 0, &fd));
  E("path_open overlong utf-8", __wasi_path_open(pre, 0, "bad\xc0\xaf", __WASI_OFLAGS_CREAT, 0, 0, 0, &fd));
  E("path_open utf-16 surrogate", __wasi_path_open(pre, 0, "bad\xed\xa0\x80", __WASI_OFLAGS_CREAT, 0, 0, 0, &fd));
  E("path_create_directory invalid utf-8", __wasi_path_create_directory(pre, "dir\xfe"));
  E("path_open valid utf-8", __wasi_path_open(pre, 0, "caf\xc3\xa9.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd));
  E("path_filestat_get with a NUL inside", raw_path_filestat_get(pre, 0, A("input.txt\0junk"), 14, A(&fs)));
  E("path_filestat_get length stops before the NUL", raw_path_filestat_get(pre, 0, A("input.txt\0junk"), 9, A(&fs)));
  E("path_filestat_get length 5 of input.txt", raw_path_filestat_get(pre, 0, A("input.txt"), 5, A(&fs)));
  E("path_filestat_get empty path", __wasi_path_filestat_get(pre, 0, "", &fs));
  E("path_unlink_file empty path", __wasi_path_unlink_file(pre, ""));
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = 0;
  E("path_create_directory 64 KiB name", __wasi_path_create_directory(pre, big));
  memset(big, 0, sizeof big);
  {
    /* a path of 300-byte components: one name too long for the host */
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    E("path_create_directory 299-byte name", __wasi_path_create_directory(pre, longname));
  }
  E("path_remove_directory .", __wasi_path_remove_directory(pre, "."));
  E("path_unlink_file a directory", __wasi_path_unlink_file(pre, "sub"));
  E("path_remove_directory a file", __wasi_path_remove_directory(pre, "input.txt"));
  E("path_open O_DIRECTORY on a file", __wasi_path_open(pre, 0, "input.txt", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd));
  E("path_open O_CREAT|O_DIRECTORY", __wasi_path_open(pre, 0, "newdir", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd));
  E("path_open O_EXCL without O_CREAT", __wasi_path_open(pre, 0, "input.txt", __WASI_OFLAGS_EXCL, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  E("path_open O_TRUNC on a directory", __wasi_path_open(pre, 0, "sub", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd));

  /* -- short buffers, odd sizes ------------------------------------------------- */
  E("fd_prestat_dir_name short buffer", __wasi_fd_prestat_dir_name(pre, (uint8_t *)buf, 2));
  n = 77;
  E("path_readlink into 3 bytes", __wasi_path_readlink(pre, "link_to_input", (uint8_t *)buf, 3, &n));
  printf("readlink used: %u [%.3s]\n", (unsigned)n, buf);
  n = 77;
  E("path_readlink into 0 bytes", __wasi_path_readlink(pre, "link_to_input", (uint8_t *)buf, 0, &n));
  printf("readlink used: %u\n", (unsigned)n);
  E("path_readlink not a link", __wasi_path_readlink(pre, "input.txt", (uint8_t *)buf, sizeof buf, &n));
  n = 77;
  E("fd_readdir 0 bytes", __wasi_fd_readdir((__wasi_fd_t)dir, (uint8_t *)buf, 0, 0, &n));
  printf("readdir used: %u\n", (unsigned)n);
  n = 77;
  E("fd_readdir 10 bytes", __wasi_fd_readdir((__wasi_fd_t)dir, (uint8_t *)buf, 10, 0, &n));
  printf("readdir used: %u\n", (unsigned)n);
  n = 77;
  E("fd_readdir cookie far past the end", __wasi_fd_readdir((__wasi_fd_t)dir, (uint8_t *)buf, sizeof buf, 1000000, &n));
  printf("readdir used: %u\n", (unsigned)n);

  /* -- operations the descriptor's kind or rights do not allow -------------------- */
  ciov[0].buf = (const uint8_t *)"x";
  ciov[0].buf_len = 1;
  E("fd_write to a read-only file", __wasi_fd_write((__wasi_fd_t)file, ciov, 1, &n));
  E("fd_write to a directory", __wasi_fd_write(pre, ciov, 1, &n));
  iov[0].buf = (uint8_t *)buf;
  iov[0].buf_len = 4;
  E("fd_read from a directory", __wasi_fd_read(pre, iov, 1, &n));
  E("fd_seek on a directory", __wasi_fd_seek(pre, 0, __WASI_WHENCE_CUR, &off));
  E("fd_seek before the start", __wasi_fd_seek((__wasi_fd_t)file, (__wasi_filedelta_t)-1, __WASI_WHENCE_SET, &off));
  E("fd_seek to 2^63-1", __wasi_fd_seek((__wasi_fd_t)file, INT64_MAX, __WASI_WHENCE_SET, &off));
  E("fd_pread at 2^63", __wasi_fd_pread((__wasi_fd_t)file, iov, 1, (__wasi_filesize_t)1 << 63, &n));
  E("fd_filestat_set_size read-only file", __wasi_fd_filestat_set_size((__wasi_fd_t)file, 0));
  E("fd_allocate read-only file", __wasi_fd_allocate((__wasi_fd_t)file, 0, 10));
  E("fd_advise normal", __wasi_fd_advise((__wasi_fd_t)file, 0, 0, __WASI_ADVICE_NORMAL));
  E("fd_advise on a directory", __wasi_fd_advise(pre, 0, 0, __WASI_ADVICE_NORMAL));
  E("fd_fdstat_get file", __wasi_fd_fdstat_get((__wasi_fd_t)file, &fst));
  printf("file fdstat: filetype=%u flags=%u\n", fst.fs_filetype, fst.fs_flags);
  E("fd_fdstat_get preopen", __wasi_fd_fdstat_get(pre, &fst));
  printf("preopen fdstat: filetype=%u flags=%u\n", fst.fs_filetype, fst.fs_flags);
  E("fd_filestat_get preopen", __wasi_fd_filestat_get(pre, &fs));
  printf("preopen filestat: filetype=%u\n", fs.filetype);
  E("fd_filestat_get file", __wasi_fd_filestat_get((__wasi_fd_t)file, &fs));
  printf("file filestat: filetype=%u size=%llu nlink=%llu\n", fs.filetype,
         (unsigned long long)fs.size, (unsigned long long)fs.nlink);
  E("fd_fdstat_set_flags append on a read-only file", __wasi_fd_fdstat_set_flags((__wasi_fd_t)file, __WASI_FDFLAGS_APPEND));
  E("fd_sync read-only file", __wasi_fd_sync((__wasi_fd_t)file));
  E("sched_yield", __wasi_sched_yield());
  E("proc_raise 0", raw_proc_raise(0));

  /* -- closing, renumbering ------------------------------------------------------- */
  E("fd_renumber file -> file", __wasi_fd_renumber((__wasi_fd_t)file, (__wasi_fd_t)file));
  E("fd_tell after self-renumber", __wasi_fd_tell((__wasi_fd_t)file, &off));
  E("fd_renumber dir -> file", __wasi_fd_renumber((__wasi_fd_t)dir, (__wasi_fd_t)file));
  E("fd_readdir the renumbered dir", __wasi_fd_readdir((__wasi_fd_t)file, (uint8_t *)buf, sizeof buf, 0, &n));
  E("fd_close the old number", __wasi_fd_close((__wasi_fd_t)dir));
  E("fd_close it", __wasi_fd_close((__wasi_fd_t)file));
  E("fd_close it again", __wasi_fd_close((__wasi_fd_t)file));

  printf("checks: %d\n", printed);
  return 0;
}
