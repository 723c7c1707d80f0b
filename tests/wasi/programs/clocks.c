/* Clocks: properties only (the values differ from run to run).  Resolutions
 * are positive, monotonic time never goes back, realtime is after 2020 and
 * agrees with time()/gettimeofday(), sleeps last at least as long as asked,
 * CPU time grows with work (mode "cputime"). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static int64_t ns(clockid_t c) {
  struct timespec ts;
  if (clock_gettime(c, &ts) != 0) return -1;
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static const char *yes(int b) { return b ? "yes" : "no"; }

static void getres(const char *name, clockid_t id) {
  struct timespec ts;
  int r;
  int64_t res;
  errno = 0;
  r = clock_getres(id, &ts);
  res = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
  printf("clock_getres %s: %d errno=%d resolution > 0: %s <= 1s: %s\n", name, r, errno,
         yes(r == 0 && res > 0), yes(r == 0 && res <= 1000000000));
}

/* the CPU-time clocks (process, thread): "clocks cputime" */
static int cputime(void) {
  volatile uint32_t x = 1;
  int64_t t0, t1;
  int i;
  getres("process cputime", CLOCK_PROCESS_CPUTIME_ID);
  getres("thread cputime", CLOCK_THREAD_CPUTIME_ID);
  t0 = ns(CLOCK_PROCESS_CPUTIME_ID);
  for (i = 0; i < 30000000; i++) x = x * 1664525u + 1013904223u;
  t1 = ns(CLOCK_PROCESS_CPUTIME_ID);
  printf("process cputime readable: %s grew: %s\n", yes(t0 >= 0), yes(t1 > t0));
  t0 = ns(CLOCK_THREAD_CPUTIME_ID);
  printf("thread cputime readable: %s\n", yes(t0 >= 0));
  return 0;
}

int main(int argc, char **argv) {
  struct timespec ts;
  int64_t t0, t1, prev;
  int i, ok;
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc > 1 && strcmp(argv[1], "cputime") == 0) return cputime();

  getres("realtime", CLOCK_REALTIME);
  getres("monotonic", CLOCK_MONOTONIC);
  {
    __wasi_timestamp_t t = 0, res = 0;
    printf("raw clock_res_get monotonic: %d\n", __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res));
    printf("raw clock_time_get realtime: %d\n", __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t));
    printf("raw clock_time_get precision 0: %d\n", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t));
    printf("raw clock_time_get huge precision: %d\n",
           __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, UINT64_MAX, &t));
    /* (unknown clock ids: errnos.c, wasmtime ends the program for them) */
  }

  /* monotonic never goes back, and moves */
  prev = ns(CLOCK_MONOTONIC);
  t0 = prev;
  ok = 1;
  for (i = 0; i < 20000; i++) {
    int64_t now = ns(CLOCK_MONOTONIC);
    if (now < prev) ok = 0;
    prev = now;
  }
  printf("monotonic non-decreasing: %s\n", yes(ok));
  printf("monotonic moved: %s\n", yes(prev > t0));

  /* realtime: a plausible date, consistent with time() and gettimeofday() */
  t0 = ns(CLOCK_REALTIME);
  printf("realtime after 2020-01-01: %s before 2100: %s\n", yes(t0 / 1000000000 > 1577836800),
         yes(t0 / 1000000000 < 4102444800LL));
  {
    struct timeval tv;
    time_t now = time(NULL);
    gettimeofday(&tv, NULL);
    printf("time() within 2s of realtime: %s\n", yes(now - t0 / 1000000000 <= 2 &&
                                                   t0 / 1000000000 - now <= 2));
    printf("gettimeofday within 2s: %s usec < 1e6: %s\n",
           yes(tv.tv_sec - t0 / 1000000000 <= 2 && t0 / 1000000000 - tv.tv_sec <= 2),
           yes(tv.tv_usec >= 0 && tv.tv_usec < 1000000));
  }

  /* sleeping: nanosleep, usleep, sleep(0), clock_nanosleep absolute */
  t0 = ns(CLOCK_MONOTONIC);
  ts.tv_sec = 0;
  ts.tv_nsec = 50000000;
  printf("nanosleep 50ms: %d\n", nanosleep(&ts, NULL));
  t1 = ns(CLOCK_MONOTONIC);
  printf("sleep 50ms elapsed >= 50ms: %s\n", yes(t1 - t0 >= 50000000));
  printf("sleep 50ms elapsed < 5s: %s\n", yes(t1 - t0 < 5000000000LL));
  t0 = ns(CLOCK_MONOTONIC);
  printf("usleep 20000: %d\n", usleep(20000));
  t1 = ns(CLOCK_MONOTONIC);
  printf("usleep 20ms elapsed >= 20ms: %s\n", yes(t1 - t0 >= 20000000));
  printf("sleep(0): %u\n", sleep(0));
  ts.tv_sec = 0;
  ts.tv_nsec = -1;
  errno = 0;
  printf("nanosleep negative: %d errno=%d\n", nanosleep(&ts, NULL), errno);
  {
    struct timespec until;
    t0 = ns(CLOCK_MONOTONIC);
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += 30000000;
    if (until.tv_nsec >= 1000000000) { until.tv_sec++; until.tv_nsec -= 1000000000; }
    printf("clock_nanosleep absolute +30ms: %d\n",
           clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL));
    t1 = ns(CLOCK_MONOTONIC);
    printf("absolute sleep elapsed >= 30ms: %s\n", yes(t1 - t0 >= 30000000));
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec -= 10;
    t0 = ns(CLOCK_MONOTONIC);
    printf("clock_nanosleep realtime in the past: %d\n",
           clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until, NULL));
    t1 = ns(CLOCK_MONOTONIC);
    printf("returned at once (< 1s): %s\n", yes(t1 - t0 < 1000000000));
  }
  return 0;
}
