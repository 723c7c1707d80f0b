/* test_wasi_misc.c: args, environ, clocks, random_get, poll_oneoff (clocks
 * with timeouts, pipes), proc_exit/proc_raise, sched_yield, sockets,
 * stdio, the errno mapping, w2c_wasi_init's checks. */
#include "wasi/w2c_wasi.h"
#include "wasi_check.h"
#include <setjmp.h>
#include <sys/wait.h>
#include <sys/un.h>

static void test_args_env(void) {
  /* argv "prog" "a" "bc": 3 strings, 10 bytes */
  OK(w2c_wasi_args_sizes_get(&W, &MEM, OUT_AT, OUT_AT + 4));
  EQ(LD32(OUT_AT), 3);
  EQ(LD32(OUT_AT + 4), 10);
  memset(MEM.data + DATA_AT, 0xEE, 64);
  OK(w2c_wasi_args_get(&W, &MEM, OUT_AT, DATA_AT));
  EQ(LD32(OUT_AT), DATA_AT);
  EQ(LD32(OUT_AT + 4), DATA_AT + 5);
  EQ(LD32(OUT_AT + 8), DATA_AT + 7);
  TRUE(memcmp(MEM.data + DATA_AT, "prog\0a\0bc\0", 10) == 0);
  EQ(LD8(DATA_AT + 10), 0xEE); /* nothing past the strings */
  EQ(w2c_wasi_args_get(&W, &MEM, MEM_SIZE - 8, DATA_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_args_get(&W, &MEM, OUT_AT, MEM_SIZE - 9), W2C_WASI_EFAULT);
  EQ(w2c_wasi_args_sizes_get(&W, &MEM, OUT_AT, MEM_SIZE - 3), W2C_WASI_EFAULT);
  /* environ "HOME=/h" "EMPTY=" */
  OK(w2c_wasi_environ_sizes_get(&W, &MEM, OUT_AT, OUT_AT + 4));
  EQ(LD32(OUT_AT), 2);
  EQ(LD32(OUT_AT + 4), 15);
  OK(w2c_wasi_environ_get(&W, &MEM, OUT_AT, DATA_AT));
  EQ(LD32(OUT_AT), DATA_AT);
  EQ(LD32(OUT_AT + 4), DATA_AT + 8);
  TRUE(memcmp(MEM.data + DATA_AT, "HOME=/h\0EMPTY=\0", 15) == 0);
  EQ(w2c_wasi_environ_get(&W, &MEM, MEM_SIZE - 4, DATA_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_environ_sizes_get(&W, &MEM, 0xFFFFFFFFu, OUT_AT), W2C_WASI_EFAULT);
}

static volatile uint64_t spin_sum;
static void spin(void) {
  uint32_t i;
  for (i = 0; i < 20000000u; i++) spin_sum += i;
}

static void test_clocks(void) {
  uint32_t id;
  uint64_t a, b;
  for (id = 0; id < 4; id++) {
    OK(w2c_wasi_clock_res_get(&W, &MEM, id, OUT_AT));
    TRUE(LD64(OUT_AT) > 0 && LD64(OUT_AT) <= 1000000u);
    OK(w2c_wasi_clock_time_get(&W, &MEM, id, 1, OUT_AT));
  }
  EQ(w2c_wasi_clock_res_get(&W, &MEM, 4, OUT_AT), W2C_WASI_EINVAL);
  EQ(w2c_wasi_clock_time_get(&W, &MEM, 9, 0, OUT_AT), W2C_WASI_EINVAL);
  EQ(w2c_wasi_clock_time_get(&W, &MEM, 0, 0, MEM_SIZE - 7), W2C_WASI_EFAULT);
  EQ(w2c_wasi_clock_res_get(&W, &MEM, 0, MEM_SIZE), W2C_WASI_EFAULT);
  /* realtime is the time of day */
  OK(w2c_wasi_clock_time_get(&W, &MEM, W2C_WASI_CLOCK_REALTIME, 0, OUT_AT));
  a = LD64(OUT_AT) / 1000000000u;
  b = (uint64_t)time(NULL);
  TRUE(a + 2 >= b && a <= b + 2);
  /* monotonic never goes back; CPU clocks advance with work */
  for (id = W2C_WASI_CLOCK_MONOTONIC; id <= W2C_WASI_CLOCK_THREAD_CPUTIME; id++) {
    OK(w2c_wasi_clock_time_get(&W, &MEM, id, 0, OUT_AT));
    a = LD64(OUT_AT);
    spin();
    OK(w2c_wasi_clock_time_get(&W, &MEM, id, 0, OUT_AT));
    b = LD64(OUT_AT);
    TRUE(b > a);
  }
}

static void test_random(void) {
  int i, zeros = 0, same = 0;
  memset(MEM.data + DATA_AT, 0, 512);
  OK(w2c_wasi_random_get(&W, &MEM, DATA_AT, 256));
  OK(w2c_wasi_random_get(&W, &MEM, DATA_AT + 256, 256));
  for (i = 0; i < 256; i++) {
    zeros += MEM.data[DATA_AT + i] == 0;
    same += MEM.data[DATA_AT + i] == MEM.data[DATA_AT + 256 + i];
  }
  TRUE(zeros < 16 && same < 16);
  OK(w2c_wasi_random_get(&W, &MEM, MEM_SIZE, 0));
  OK(w2c_wasi_random_get(&W, &MEM, 0, MEM_SIZE));
  EQ(w2c_wasi_random_get(&W, &MEM, 1, MEM_SIZE), W2C_WASI_EFAULT);
  EQ(w2c_wasi_random_get(&W, &MEM, 0xFFFFFFFFu, 2), W2C_WASI_EFAULT);
}

/* poll_oneoff helpers: subscriptions at BIG_AT, events at BIG_AT + 0x2000 */
#define SUB(i) (BIG_AT + 48 * (i))
#define EV(i) (BIG_AT + 0x2000 + 32 * (i))
static void sub_clock(uint32_t i, uint64_t ud, uint32_t clock, uint64_t timeout, uint32_t flags) {
  memset(MEM.data + SUB(i), 0x55, 48); /* padding is ignored */
  ST64(SUB(i), ud);
  MEM.data[SUB(i) + 8] = W2C_WASI_EVENTTYPE_CLOCK;
  ST32(SUB(i) + 16, clock);
  ST64(SUB(i) + 24, timeout);
  ST64(SUB(i) + 32, 0);
  ST16(SUB(i) + 40, flags);
}
static void sub_fd(uint32_t i, uint64_t ud, uint32_t type, uint32_t fd) {
  memset(MEM.data + SUB(i), 0x55, 48);
  ST64(SUB(i), ud);
  MEM.data[SUB(i) + 8] = (uint8_t)type;
  ST32(SUB(i) + 16, fd);
}
static uint64_t mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
static uint32_t npoll(uint32_t n) {
  uint32_t e;
  memset(MEM.data + EV(0), 0x77, 32 * n);
  e = w2c_wasi_poll_oneoff(&W, &MEM, SUB(0), EV(0), n, OUT_AT);
  return e ? 1000 + e : LD32(OUT_AT);
}

static void test_poll(void) {
  uint64_t t0, dt;
  int p[2];
  uint32_t rfd, wfd;
  /* one relative monotonic clock: sleeps at least that long */
  sub_clock(0, 0x1122334455667788u, W2C_WASI_CLOCK_MONOTONIC, 20000000u, 0);
  t0 = mono();
  EQ(npoll(1), 1);
  dt = mono() - t0;
  TRUE(dt >= 20000000u && dt < 2000000000u);
  EQ(LD64(EV(0)), 0x1122334455667788u);
  EQ(LD16(EV(0) + 8), 0);
  EQ(LD8(EV(0) + 10), W2C_WASI_EVENTTYPE_CLOCK);
  EQ(LD8(EV(0) + 11) | LD32(EV(0) + 12), 0); /* padding zeroed */
  EQ(LD64(EV(0) + 16), 0);
  /* absolute: in the past (at once), realtime in 15 ms */
  sub_clock(0, 1, W2C_WASI_CLOCK_MONOTONIC, 5, W2C_WASI_SUBCLOCK_ABSTIME);
  t0 = mono();
  EQ(npoll(1), 1);
  TRUE(mono() - t0 < 1000000000u);
  OK(w2c_wasi_clock_time_get(&W, &MEM, W2C_WASI_CLOCK_REALTIME, 0, OUT_AT + 8));
  sub_clock(0, 2, W2C_WASI_CLOCK_REALTIME, LD64(OUT_AT + 8) + 15000000u, W2C_WASI_SUBCLOCK_ABSTIME);
  t0 = mono();
  EQ(npoll(1), 1);
  dt = mono() - t0;
  TRUE(dt >= 14000000u && dt < 2000000000u);
  /* two clocks: only the due one is reported */
  sub_clock(0, 10, W2C_WASI_CLOCK_MONOTONIC, 5000000000u, 0);
  sub_clock(1, 11, W2C_WASI_CLOCK_MONOTONIC, 1000000u, 0);
  EQ(npoll(2), 1);
  EQ(LD64(EV(0)), 11);
  sub_clock(1, 11, W2C_WASI_CLOCK_MONOTONIC, 0, 0);
  sub_clock(2, 12, W2C_WASI_CLOCK_MONOTONIC, 0, 0);
  EQ(npoll(3), 2);
  EQ(LD64(EV(0)), 11);
  EQ(LD64(EV(1)), 12);
  /* a pipe */
  if (pipe(p) != 0) abort();
  rfd = (uint32_t)w2c_wasi_insert_fd(&W, p[0], 1);
  wfd = (uint32_t)w2c_wasi_insert_fd(&W, p[1], 1);
  OK(w2c_wasi_fd_fdstat_get(&W, &MEM, rfd, OUT_AT));
  EQ(LD8(OUT_AT), W2C_WASI_FILETYPE_UNKNOWN);
  sub_fd(0, 20, W2C_WASI_EVENTTYPE_FD_READ, rfd); /* empty: the timeout wins */
  sub_clock(1, 21, W2C_WASI_CLOCK_MONOTONIC, 30000000u, 0);
  t0 = mono();
  EQ(npoll(2), 1);
  TRUE(mono() - t0 >= 30000000u);
  EQ(LD64(EV(0)), 21);
  OK(wr(wfd, "12345"));
  sub_clock(1, 21, W2C_WASI_CLOCK_MONOTONIC, 10000000000u, 0);
  t0 = mono();
  EQ(npoll(2), 1);
  TRUE(mono() - t0 < 5000000000u);
  EQ(LD64(EV(0)), 20);
  EQ(LD8(EV(0) + 10), W2C_WASI_EVENTTYPE_FD_READ);
  EQ(LD64(EV(0) + 16), 5); /* bytes available */
  EQ(LD16(EV(0) + 24), 0);
  sub_fd(0, 30, W2C_WASI_EVENTTYPE_FD_WRITE, wfd);
  EQ(npoll(1), 1);
  EQ(LD8(EV(0) + 10), W2C_WASI_EVENTTYPE_FD_WRITE);
  EQ(LD16(EV(0) + 8), 0);
  /* the writer goes away: readable with hangup */
  OK(w2c_wasi_fd_close(&W, &MEM, wfd));
  sub_fd(0, 20, W2C_WASI_EVENTTYPE_FD_READ, rfd);
  EQ(npoll(1), 1);
  EQ(LD16(EV(0) + 24), W2C_WASI_EVENT_FD_READWRITE_HANGUP);
  EQ(LD64(EV(0) + 16), 5);
  /* a closed descriptor: an error event, at once, even beside a long clock */
  sub_fd(0, 40, W2C_WASI_EVENTTYPE_FD_READ, 99);
  sub_clock(1, 41, W2C_WASI_CLOCK_MONOTONIC, 10000000000u, 0);
  t0 = mono();
  EQ(npoll(2), 1);
  TRUE(mono() - t0 < 5000000000u);
  EQ(LD64(EV(0)), 40);
  EQ(LD16(EV(0) + 8), W2C_WASI_EBADF);
  EQ(LD8(EV(0) + 10), W2C_WASI_EVENTTYPE_FD_READ);
  /* no poll right */
  OK(w2c_wasi_fd_fdstat_set_rights(&W, &MEM, rfd, W2C_WASI_RIGHT_FD_READ, 0));
  sub_fd(0, 50, W2C_WASI_EVENTTYPE_FD_READ, rfd);
  EQ(npoll(1), 1);
  EQ(LD16(EV(0) + 8), W2C_WASI_ENOTCAPABLE);
  OK(w2c_wasi_fd_close(&W, &MEM, rfd));
  /* malformed calls */
  EQ(npoll(0), 1000 + W2C_WASI_EINVAL);
  sub_clock(0, 1, 7, 0, 0);
  EQ(npoll(1), 1000 + W2C_WASI_EINVAL);
  sub_clock(0, 1, W2C_WASI_CLOCK_PROCESS_CPUTIME, 0, 0);
  EQ(npoll(1), 1000 + W2C_WASI_EINVAL);
  sub_clock(0, 1, W2C_WASI_CLOCK_MONOTONIC, 0, 2);
  EQ(npoll(1), 1000 + W2C_WASI_EINVAL);
  sub_fd(0, 1, 3, 0);
  EQ(npoll(1), 1000 + W2C_WASI_EINVAL);
  sub_clock(0, 1, W2C_WASI_CLOCK_MONOTONIC, 0, 0);
  EQ(w2c_wasi_poll_oneoff(&W, &MEM, MEM_SIZE - 47, EV(0), 1, OUT_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_poll_oneoff(&W, &MEM, SUB(0), MEM_SIZE - 31, 1, OUT_AT), W2C_WASI_EFAULT);
  EQ(w2c_wasi_poll_oneoff(&W, &MEM, SUB(0), EV(0), 1, MEM_SIZE - 2), W2C_WASI_EFAULT);
  EQ(w2c_wasi_poll_oneoff(&W, &MEM, SUB(0), EV(0), 0x10000000u, OUT_AT), W2C_WASI_EFAULT);
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int s) {
  (void)s;
  got_usr1 = 1;
}
static jmp_buf exit_jmp;
static volatile uint32_t exit_code;
static void exit_hook(uint32_t code) {
  exit_code = code;
  longjmp(exit_jmp, 1);
}

static void test_proc(void) {
  pid_t pid;
  int status;
  signal(SIGUSR1, on_usr1);
  OK(w2c_wasi_proc_raise(&W, &MEM, 10)); /* usr1 */
  TRUE(got_usr1);
  EQ(w2c_wasi_proc_raise(&W, &MEM, 0), W2C_WASI_ENOTSUP); /* no signal (as wasmtime) */
  EQ(w2c_wasi_proc_raise(&W, &MEM, 31), W2C_WASI_EINVAL);
  OK(w2c_wasi_sched_yield(&W, &MEM));
  /* proc_exit: the hook, else exit() */
  W.exit_hook = exit_hook;
  if (!setjmp(exit_jmp)) w2c_wasi_proc_exit(&W, &MEM, 42);
  EQ(exit_code, 42);
  W.exit_hook = NULL;
  fflush(stdout);
  if ((pid = fork()) == 0) w2c_wasi_proc_exit(&W, &MEM, 7);
  TRUE(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7);
  /* 126 and more: an error line on stderr and status 1 (as wasmtime), so 256
   * does not look like success; an exit_hook gets the code as it is */
  fflush(stderr);
  if ((pid = fork()) == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    w2c_wasi_proc_exit(&W, &MEM, 256);
  }
  TRUE(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 1);
  if ((pid = fork()) == 0) w2c_wasi_proc_exit(&W, &MEM, 125);
  TRUE(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 125);
  W.exit_hook = exit_hook;
  if (!setjmp(exit_jmp)) w2c_wasi_proc_exit(&W, &MEM, 300);
  EQ(exit_code, 300);
  W.exit_hook = NULL;
  if ((pid = fork()) == 0) {
    w2c_wasi_proc_raise(&W, &MEM, 15); /* term */
    _exit(0);
  }
  TRUE(pid > 0 && waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
       WTERMSIG(status) == SIGTERM);
}

static void test_sockets(void) {
  int sv[2], lfd, cfd;
  uint32_t a, b, l, c, f;
  struct sockaddr_un addr;
  char buf[64];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) abort();
  a = (uint32_t)w2c_wasi_insert_fd(&W, sv[0], 1);
  b = (uint32_t)w2c_wasi_insert_fd(&W, sv[1], 1);
  OK(w2c_wasi_fd_fdstat_get(&W, &MEM, a, OUT_AT));
  EQ(LD8(OUT_AT), W2C_WASI_FILETYPE_SOCKET_STREAM);
  iov(0, DATA_AT, put(DATA_AT, "ping"));
  OK(w2c_wasi_sock_send(&W, &MEM, a, IOV_AT, 1, 0, OUT_AT));
  EQ(LD32(OUT_AT), 4);
  EQ(w2c_wasi_sock_send(&W, &MEM, a, IOV_AT, 1, 1, OUT_AT), W2C_WASI_EINVAL);
  iov(0, DATA_AT + 100, 2);
  iov(1, DATA_AT + 200, 10);
  OK(w2c_wasi_sock_recv(&W, &MEM, b, IOV_AT, 1, W2C_WASI_RIFLAG_RECV_PEEK, OUT_AT, OUT_AT + 4));
  EQ(LD32(OUT_AT), 2);
  OK(w2c_wasi_sock_recv(&W, &MEM, b, IOV_AT, 2, 0, OUT_AT, OUT_AT + 4));
  EQ(LD32(OUT_AT), 4);
  EQ(LD16(OUT_AT + 4), 0);
  TRUE(memcmp(MEM.data + DATA_AT + 100, "pi", 2) == 0 && memcmp(MEM.data + DATA_AT + 200, "ng", 2) == 0);
  EQ(w2c_wasi_sock_recv(&W, &MEM, b, IOV_AT, 1, 4, OUT_AT, OUT_AT + 4), W2C_WASI_EINVAL);
  EQ(w2c_wasi_sock_recv(&W, &MEM, b, IOV_AT, 1, 0, OUT_AT, MEM_SIZE - 1), W2C_WASI_EFAULT);
  OK(wr(a, "rw")); /* fd_read/fd_write work on sockets too */
  OK(rd(b, 10, buf));
  STREQ(buf, "rw");
  EQ(w2c_wasi_sock_shutdown(&W, &MEM, a, 0), W2C_WASI_EINVAL);
  OK(w2c_wasi_sock_shutdown(&W, &MEM, a, W2C_WASI_SDFLAG_WR));
  OK(w2c_wasi_sock_recv(&W, &MEM, b, IOV_AT, 1, 0, OUT_AT, OUT_AT + 4));
  EQ(LD32(OUT_AT), 0); /* end of stream */
  OK(w2c_wasi_fd_close(&W, &MEM, b));
  EQ(wr(a, "x"), W2C_WASI_EPIPE); /* no SIGPIPE: init ignored it */
  OK(w2c_wasi_fd_close(&W, &MEM, a));
  /* a listening socket: accept */
  lfd = socket(AF_UNIX, SOCK_STREAM, 0);
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  strcpy(addr.sun_path, "sock");
  if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof addr) || listen(lfd, 4)) abort();
  l = (uint32_t)w2c_wasi_insert_fd(&W, lfd, 1);
  EQ(w2c_wasi_sock_accept(&W, &MEM, l, 1, OUT_AT), W2C_WASI_EINVAL);
  cfd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (connect(cfd, (struct sockaddr *)&addr, sizeof addr)) abort();
  sub_fd(0, 1, W2C_WASI_EVENTTYPE_FD_READ, l); /* a pending connection polls readable */
  EQ(npoll(1), 1);
  OK(w2c_wasi_sock_accept(&W, &MEM, l, W2C_WASI_FDFLAG_NONBLOCK, OUT_AT));
  c = LD32(OUT_AT);
  OK(w2c_wasi_fd_fdstat_get(&W, &MEM, c, OUT_AT));
  EQ(LD8(OUT_AT), W2C_WASI_FILETYPE_SOCKET_STREAM);
  EQ(LD16(OUT_AT + 2), W2C_WASI_FDFLAG_NONBLOCK);
  iov(0, DATA_AT, 10);
  EQ(w2c_wasi_sock_recv(&W, &MEM, c, IOV_AT, 1, 0, OUT_AT, OUT_AT + 4), W2C_WASI_EAGAIN);
  if (write(cfd, "hi", 2) != 2) abort();
  OK(w2c_wasi_sock_recv(&W, &MEM, c, IOV_AT, 1, 0, OUT_AT, OUT_AT + 4));
  EQ(LD32(OUT_AT), 2);
  EQ(w2c_wasi_sock_accept(&W, &MEM, c, 0, OUT_AT), W2C_WASI_EINVAL); /* not listening */
  OK(w2c_wasi_fd_close(&W, &MEM, c));
  OK(w2c_wasi_fd_close(&W, &MEM, l));
  close(cfd);
  /* not sockets */
  f = (uint32_t)w2c_wasi_insert_fd(&W, open("sockfile", O_RDWR | O_CREAT, 0600), 1);
  EQ(w2c_wasi_sock_send(&W, &MEM, f, IOV_AT, 1, 0, OUT_AT), W2C_WASI_ENOTSOCK);
  EQ(w2c_wasi_sock_recv(&W, &MEM, f, IOV_AT, 1, 0, OUT_AT, OUT_AT + 4), W2C_WASI_ENOTSOCK);
  EQ(w2c_wasi_sock_shutdown(&W, &MEM, f, 3), W2C_WASI_ENOTSOCK);
  EQ(w2c_wasi_sock_accept(&W, &MEM, f, 0, OUT_AT), W2C_WASI_ENOTSOCK);
  EQ(w2c_wasi_sock_accept(&W, &MEM, 99, 0, OUT_AT), W2C_WASI_EBADF);
  OK(w2c_wasi_fd_close(&W, &MEM, f));
}

#include "test_wasi_misc_b.h"

int main(void) {
  static const char *const argv[] = {"prog", "a", "bc"};
  static const char *const envp[] = {"HOME=/h", "EMPTY=", NULL};
  w2c_wasi_config cfg;
  mem_init();
  memset(&cfg, 0, sizeof cfg);
  cfg.argc = 3;
  cfg.argv = argv;
  cfg.envp = envp;
  cfg.stdin_fd = 0;
  cfg.stdout_fd = 1;
  cfg.stderr_fd = 2;
  OK(w2c_wasi_init(&W, &cfg));
  test_args_env();
  test_clocks();
  test_random();
  test_poll();
  test_proc();
  test_sockets();
  w2c_wasi_free(&W);
  test_stdio();
  test_init();
  test_errno();
  free(MEM.data);
  return check_done();
}
