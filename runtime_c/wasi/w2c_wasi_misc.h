/* w2c_wasi_misc.h: clocks, random_get, proc_exit, proc_raise, sched_yield
 * (args and environ: w2c_wasi_guest.h).  Included by w2c_wasi.h only. */
#ifndef W2C_WASI_MISC_H
#define W2C_WASI_MISC_H
#ifndef W2C_WASI_H
#error "w2c: include wasi/w2c_wasi.h, not its parts."
#endif

/* ---- clocks: realtime, monotonic, process and thread CPU time (ns) ---------- */
static inline int w2c_wasi_clock_(uint32_t id, clockid_t *out) {
  switch (id) {
    case W2C_WASI_CLOCK_REALTIME: *out = CLOCK_REALTIME; return 1;
    case W2C_WASI_CLOCK_MONOTONIC: *out = CLOCK_MONOTONIC; return 1;
#ifdef CLOCK_PROCESS_CPUTIME_ID
    case W2C_WASI_CLOCK_PROCESS_CPUTIME: *out = CLOCK_PROCESS_CPUTIME_ID; return 1;
#endif
#ifdef CLOCK_THREAD_CPUTIME_ID
    case W2C_WASI_CLOCK_THREAD_CPUTIME: *out = CLOCK_THREAD_CPUTIME_ID; return 1;
#endif
    default: return 0;
  }
}

W2C_WASI_FN uint32_t w2c_wasi_clock_res_get(w2c_wasi *w, w2c_memory *mem, uint32_t id,
                                            uint32_t res_ptr) {
  clockid_t c;
  struct timespec ts;
  (void)w;
  if (!w2c_wasi_clock_(id, &c)) return W2C_WASI_EINVAL;
  W2C_WASI_CHECK(mem, res_ptr, 8);
  if (clock_getres(c, &ts) != 0) return W2C_WASI_ERR();
  w2c_wasi_st64_(mem, res_ptr, w2c_wasi_ns_(&ts));
  return 0;
}

/* precision is a hint; the clock's own resolution is used */
W2C_WASI_FN uint32_t w2c_wasi_clock_time_get(w2c_wasi *w, w2c_memory *mem, uint32_t id,
                                             uint64_t precision, uint32_t time_ptr) {
  clockid_t c;
  struct timespec ts;
  (void)w;
  (void)precision;
  if (!w2c_wasi_clock_(id, &c)) return W2C_WASI_EINVAL;
  W2C_WASI_CHECK(mem, time_ptr, 8);
  if (clock_gettime(c, &ts) != 0) return W2C_WASI_ERR();
  w2c_wasi_st64_(mem, time_ptr, w2c_wasi_ns_(&ts));
  return 0;
}

/* ---- random: getrandom (Linux), arc4random_buf (macOS, BSD), /dev/urandom ---- */
static inline int w2c_wasi_urandom_(uint8_t *p, size_t n) {
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  while (n) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      close(fd);
      return -1;
    }
    p += r;
    n -= (size_t)r;
  }
  close(fd);
  return 0;
}

W2C_WASI_FN uint32_t w2c_wasi_random_get(w2c_wasi *w, w2c_memory *mem, uint32_t buf,
                                         uint32_t buf_len) {
  uint8_t *p;
  size_t n = buf_len;
  (void)w;
  W2C_WASI_CHECK(mem, buf, buf_len);
  if (!n) return 0;
  p = mem->data + buf;
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
  arc4random_buf(p, n);
  return 0;
#else
#if defined(__linux__) && defined(SYS_getrandom)
  while (n) {
    long r = syscall(SYS_getrandom, p, n > 0x1000000 ? (size_t)0x1000000 : n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break; /* ENOSYS (old kernel, seccomp): /dev/urandom */
    p += r;
    n -= (size_t)r;
  }
  if (!n) return 0;
#endif
  return w2c_wasi_urandom_(p, n) == 0 ? 0 : W2C_WASI_EIO;
#endif
}

/* ---- process --------------------------------------------------------------------- */
W2C_WASI_FN W2C_NORETURN void w2c_wasi_proc_exit(w2c_wasi *w, w2c_memory *mem, uint32_t code) {
  (void)mem;
  if (w->exit_hook) w->exit_hook(code);
  /* a process exit status holds 0..255, and 126 and up mean "not run" to
   * shells; wasmtime refuses codes of 126 and more (an error, status 1): so
   * does this, rather than let 256 look like success */
  if (code >= 126) {
    fflush(stdout);
    fputs("error: exit with invalid exit status outside of [0..126)\n", stderr);
    exit(1);
  }
  exit((int)code);
}

/* WASI signal numbers (none, hup, int, quit, ill, trap, abrt, bus, fpe, kill,
 * usr1, segv, usr2, pipe, alrm, term, chld, cont, stop, tstp, ttin, ttou,
 * urg, xcpu, xfsz, vtalrm, prof, winch, poll, pwr, sys) raised on the host;
 * none, and a signal the host lacks, are ENOTSUP (wasmtime: ENOTSUP for all). */
W2C_WASI_FN uint32_t w2c_wasi_proc_raise(w2c_wasi *w, w2c_memory *mem, uint32_t sig) {
#ifdef SIGPOLL
#define W2C_WASI_SIGPOLL_ SIGPOLL
#else
#define W2C_WASI_SIGPOLL_ SIGIO
#endif
#ifdef SIGPWR
#define W2C_WASI_SIGPWR_ SIGPWR
#else
#define W2C_WASI_SIGPWR_ 0
#endif
  static const int map[31] = {
      0,       SIGHUP,  SIGINT,  SIGQUIT, SIGILL,    SIGTRAP, SIGABRT, SIGBUS,
      SIGFPE,  SIGKILL, SIGUSR1, SIGSEGV, SIGUSR2,   SIGPIPE, SIGALRM, SIGTERM,
      SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN,   SIGTTOU, SIGURG,  SIGXCPU,
      SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH, W2C_WASI_SIGPOLL_, W2C_WASI_SIGPWR_, SIGSYS};
#undef W2C_WASI_SIGPOLL_
#undef W2C_WASI_SIGPWR_
  (void)w;
  (void)mem;
  if (sig > 30) return W2C_WASI_EINVAL;
  if (sig == 0) return W2C_WASI_ENOTSUP; /* no signal to raise (as wasmtime) */
  if (map[sig] == 0) return W2C_WASI_ENOTSUP;
  return raise(map[sig]) != 0 ? W2C_WASI_ERR() : 0;
}

W2C_WASI_FN uint32_t w2c_wasi_sched_yield(w2c_wasi *w, w2c_memory *mem) {
  (void)w;
  (void)mem;
  return sched_yield() != 0 ? W2C_WASI_ERR() : 0;
}

#endif /* W2C_WASI_MISC_H */
