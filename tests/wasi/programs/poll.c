/* poll_oneoff: clock subscriptions (relative, absolute, realtime, several:
 * the earliest wins, elapsed >= timeout), descriptors (stdin from a file,
 * stdout, a regular file, a bad descriptor) with and without clocks, the
 * errors; then libc's poll() with a timeout and on stdin.  Events are
 * printed sorted by userdata (engines may order them differently).
 * "poll fds" shows what descriptor events carry: nbytes (the bytes left in a
 * file, or what a stream has) and a bad descriptor's error. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static const char *base = "/sandbox";

static const char *yes(int b) { return b ? "yes" : "no"; }

static uint64_t now(__wasi_clockid_t id) {
  __wasi_timestamp_t t = 0;
  if (__wasi_clock_time_get(id, 1, &t) != 0) return 0;
  return t;
}

static __wasi_subscription_t clock_sub(uint64_t userdata, __wasi_clockid_t id, uint64_t timeout,
                                       int abstime) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = userdata;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.precision = 0;
  s.u.u.clock.flags = abstime ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
  return s;
}

static __wasi_subscription_t fd_sub(uint64_t userdata, __wasi_eventtype_t type, __wasi_fd_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = userdata;
  s.u.tag = type;
  if (type == __WASI_EVENTTYPE_FD_READ) s.u.u.fd_read.file_descriptor = fd;
  else s.u.u.fd_write.file_descriptor = fd;
  return s;
}

static int by_userdata(const void *a, const void *b) {
  const __wasi_event_t *x = a, *y = b;
  return x->userdata < y->userdata ? -1 : x->userdata > y->userdata;
}

/* when set: the time the elapsed time counts from (taken before an absolute
 * deadline was computed, so the check cannot lose the time spent in between) */
static uint64_t start_at;

/* poll, print the result, the events (sorted) and whether >= min_ms passed */
static void run(const char *label, __wasi_subscription_t *subs, size_t n, int min_ms,
                int show_nbytes) {
  __wasi_event_t ev[8];
  __wasi_size_t nev = 0, i;
  uint64_t t0 = start_at ? start_at : now(__WASI_CLOCKID_MONOTONIC), t1;
  __wasi_errno_t r;
  start_at = 0;
  memset(ev, 0xEE, sizeof ev);
  r = __wasi_poll_oneoff(subs, ev, n, &nev);
  t1 = now(__WASI_CLOCKID_MONOTONIC);
  printf("%s: errno=%d nevents=%u", label, r, (unsigned)nev);
  if (min_ms >= 0)
    printf(" elapsed >= %dms: %s", min_ms, yes(t1 - t0 >= (uint64_t)min_ms * 1000000u));
  printf(" quick (< 1s): %s\n", yes(t1 - t0 < 1000000000u));
  if (r != 0) return;
  qsort(ev, nev, sizeof ev[0], by_userdata);
  for (i = 0; i < nev && i < 8; i++) {
    printf("  event userdata=%llu type=%u error=%u", (unsigned long long)ev[i].userdata,
           ev[i].type, ev[i].error);
    if (ev[i].type != __WASI_EVENTTYPE_CLOCK && ev[i].error == 0) {
      if (show_nbytes) printf(" nbytes=%llu", (unsigned long long)ev[i].fd_readwrite.nbytes);
      else printf(" nbytes>0: %s", yes(ev[i].fd_readwrite.nbytes > 0));
      printf(" hangup=%u", ev[i].fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP);
    }
    printf("\n");
  }
}

/* poll, print the result and which subscriptions have events (sorted) */
static void run_types(const char *label, __wasi_subscription_t *subs, size_t n) {
  __wasi_event_t ev[8];
  __wasi_size_t nev = 0, i;
  __wasi_errno_t r = __wasi_poll_oneoff(subs, ev, n, &nev);
  printf("%s: errno=%d nevents=%u\n", label, r, (unsigned)nev);
  if (r != 0) return;
  qsort(ev, nev, sizeof ev[0], by_userdata);
  for (i = 0; i < nev && i < 8; i++)
    printf("  event userdata=%llu type=%u error=%u\n", (unsigned long long)ev[i].userdata,
           ev[i].type, ev[i].error);
}

/* "poll fds": what the fd events report (nbytes) and bad descriptors */
static int fds(void) {
  __wasi_subscription_t s[4];
  char path[256];
  int fd;
  s[0] = fd_sub(41, __WASI_EVENTTYPE_FD_READ, 0);
  s[1] = clock_sub(42, __WASI_CLOCKID_MONOTONIC, 2000000000u, 0);
  run("stdin (a file with data) + 2s clock", s, 2, -1, 0);
  s[0] = fd_sub(43, __WASI_EVENTTYPE_FD_WRITE, 1);
  s[1] = clock_sub(44, __WASI_CLOCKID_MONOTONIC, 2000000000u, 0);
  run("stdout writable + 2s clock", s, 2, -1, 0);
  snprintf(path, sizeof path, "%s/input.txt", base);
  fd = open(path, O_RDONLY);
  printf("open input.txt: %s\n", fd >= 0 ? "ok" : strerror(errno));
  s[0] = fd_sub(51, __WASI_EVENTTYPE_FD_READ, (__wasi_fd_t)fd);
  run("regular file readable", s, 1, -1, 1);
  lseek(fd, 30, SEEK_SET);
  run("regular file readable at offset 30", s, 1, -1, 1);
  s[0] = fd_sub(52, __WASI_EVENTTYPE_FD_WRITE, (__wasi_fd_t)fd);
  run("read-only file: write", s, 1, -1, 0);
  close(fd);
  s[0] = fd_sub(61, __WASI_EVENTTYPE_FD_READ, 99);
  s[1] = clock_sub(62, __WASI_CLOCKID_MONOTONIC, 2000000000u, 0);
  run("bad fd + 2s clock", s, 2, -1, 0);
  s[0] = fd_sub(63, __WASI_EVENTTYPE_FD_READ, (__wasi_fd_t)fd);
  run("closed fd", s, 1, -1, 0);

  {
    char buf[4096];
    long total = 0, n;
    while ((n = read(0, buf, sizeof buf)) > 0) total += n;
    printf("read stdin: %ld bytes, last read %ld\n", total, n);
    s[0] = fd_sub(71, __WASI_EVENTTYPE_FD_READ, 0);
    s[1] = clock_sub(72, __WASI_CLOCKID_MONOTONIC, 2000000000u, 0);
    run("stdin at EOF + 2s clock", s, 2, -1, 0);
  }
  return 0;
}

int main(int argc, char **argv) {
  __wasi_subscription_t s[4];
  char path[256];
  int fd;
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc > 1 && strcmp(argv[1], "fds") == 0) return fds();
  if (argc > 1) base = argv[1];

  s[0] = clock_sub(11, __WASI_CLOCKID_MONOTONIC, 30000000, 0);
  run("relative 30ms", s, 1, 30, 0);
  start_at = now(__WASI_CLOCKID_MONOTONIC);
  s[0] = clock_sub(12, __WASI_CLOCKID_MONOTONIC, now(__WASI_CLOCKID_MONOTONIC) + 20000000, 1);
  run("absolute monotonic +20ms", s, 1, 20, 0);
  s[0] = clock_sub(13, __WASI_CLOCKID_REALTIME, 15000000, 0);
  run("relative realtime 15ms", s, 1, 15, 0);
  start_at = now(__WASI_CLOCKID_MONOTONIC);
  s[0] = clock_sub(14, __WASI_CLOCKID_REALTIME, now(__WASI_CLOCKID_REALTIME) + 25000000, 1);
  run("absolute realtime +25ms", s, 1, 25, 0);
  s[0] = clock_sub(21, __WASI_CLOCKID_MONOTONIC, 800000000, 0);
  s[1] = clock_sub(22, __WASI_CLOCKID_MONOTONIC, 10000000, 0);
  run("two clocks, 800ms and 10ms", s, 2, 10, 0);
  s[0] = clock_sub(31, __WASI_CLOCKID_MONOTONIC, 0, 0);
  run("timeout 0", s, 1, 0, 0);
  s[0] = clock_sub(32, __WASI_CLOCKID_MONOTONIC, 1, 1);
  run("absolute in the past", s, 1, 0, 0);

  /* descriptors: a file is always ready */
  s[0] = fd_sub(41, __WASI_EVENTTYPE_FD_READ, 0);
  s[1] = clock_sub(42, __WASI_CLOCKID_MONOTONIC, 2000000000u, 0);
  run_types("stdin (a file with data) + 2s clock", s, 2);
  s[0] = fd_sub(43, __WASI_EVENTTYPE_FD_WRITE, 1);
  s[1] = clock_sub(44, __WASI_CLOCKID_MONOTONIC, 2000000000u, 0);
  run_types("stdout writable + 2s clock", s, 2);
  snprintf(path, sizeof path, "%s/input.txt", base);
  fd = open(path, O_RDONLY);
  printf("open input.txt: %s\n", fd >= 0 ? "ok" : strerror(errno));
  /* (one descriptor per call: with several ready at once, wasmtime reports one
   * or all of them, depending on timing) */
  s[0] = fd_sub(51, __WASI_EVENTTYPE_FD_READ, (__wasi_fd_t)fd);
  s[1] = clock_sub(52, __WASI_CLOCKID_MONOTONIC, 2000000000u, 0);
  run_types("regular file + 2s clock", s, 2);
  close(fd);

  /* errors */
  {
    __wasi_event_t ev[1];
    __wasi_size_t nev = 77;
    printf("zero subscriptions: errno=%d\n", __wasi_poll_oneoff(s, ev, 0, &nev));
  }

  /* libc poll() */
  {
    struct pollfd p[1];
    uint64_t t0 = now(__WASI_CLOCKID_MONOTONIC);
    int r = poll(NULL, 0, 25);
    printf("poll(NULL, 0, 25ms): %d elapsed >= 25ms: %s\n", r,
           yes(now(__WASI_CLOCKID_MONOTONIC) - t0 >= 25000000u));
    p[0].fd = 0; p[0].events = POLLRDNORM; p[0].revents = 0;
    r = poll(p, 1, 1000);
    printf("poll stdin: %d revents in=%s\n", r, yes(p[0].revents & POLLRDNORM));
    p[0].fd = 1; p[0].events = POLLWRNORM; p[0].revents = 0;
    r = poll(p, 1, 1000);
    printf("poll stdout: %d revents out=%s\n", r, yes(p[0].revents & POLLWRNORM));
  }

  /* stdin at EOF is still readable */
  {
    char buf[4096];
    long total = 0, n;
    while ((n = read(0, buf, sizeof buf)) > 0) total += n;
    printf("read stdin: %ld bytes, last read %ld\n", total, n);
    s[0] = fd_sub(71, __WASI_EVENTTYPE_FD_READ, 0);
    s[1] = clock_sub(72, __WASI_CLOCKID_MONOTONIC, 2000000000u, 0);
    run_types("stdin at EOF + 2s clock", s, 2);
  }
  return 0;
}
