/* test_wasi_misc_b.h: second half of test_wasi_misc.c (stdio, init, errno). */

static void test_stdio(void) {
  int in[2], out[2];
  char buf[64];
  ssize_t n;
  w2c_wasi_config cfg;
  if (pipe(in) || pipe(out)) abort();
  memset(&cfg, 0, sizeof cfg);
  cfg.stdin_fd = in[0];
  cfg.stdout_fd = out[1];
  cfg.stderr_fd = -1;
  OK(w2c_wasi_init(&W, &cfg));
  OK(wr(1, "to stdout"));
  EQ(nio, 9);
  n = read(out[0], buf, sizeof buf);
  TRUE(n == 9 && memcmp(buf, "to stdout", 9) == 0);
  if (write(in[1], "from stdin", 10) != 10) abort();
  OK(rd(0, 20, buf));
  STREQ(buf, "from stdin");
  EQ(wr(2, "x"), W2C_WASI_EBADF); /* stderr_fd -1: closed */
  EQ(wr(0, "x"), W2C_WASI_EBADF); /* a read end */
  EQ(rd(1, 5, buf), W2C_WASI_EBADF);
  OK(w2c_wasi_fd_fdstat_get(&W, &MEM, 1, OUT_AT));
  EQ(LD8(OUT_AT), W2C_WASI_FILETYPE_UNKNOWN); /* a pipe */
  EQ(LD64(OUT_AT + 8), W2C_WASI_RIGHTS_FILE & ~W2C_WASI_RIGHT_FD_READ);
  EQ(w2c_wasi_fd_seek(&W, &MEM, 0, 0, 0, OUT_AT), W2C_WASI_ESPIPE);
  OK(w2c_wasi_fd_fdstat_set_flags(&W, &MEM, 0, W2C_WASI_FDFLAG_NONBLOCK));
  EQ(rd(0, 5, buf), W2C_WASI_EAGAIN);
  OK(w2c_wasi_fd_fdstat_set_flags(&W, &MEM, 0, 0));
  OK(w2c_wasi_fd_filestat_get(&W, &MEM, 1, OUT_AT));
  EQ(LD8(OUT_AT + 16), W2C_WASI_FILETYPE_UNKNOWN);
  OK(w2c_wasi_fd_close(&W, &MEM, 1));
  w2c_wasi_free(&W);
  w2c_wasi_free(&W); /* twice is harmless */
  TRUE(fcntl(in[0], F_GETFD) >= 0 && fcntl(out[1], F_GETFD) >= 0); /* not ours to close */
  close(in[0]);
  close(in[1]);
  close(out[0]);
  close(out[1]);
  /* /dev/null: a character device that can seek (not a terminal) */
  cfg.stdin_fd = open("/dev/null", O_RDONLY);
  cfg.stdout_fd = cfg.stderr_fd = -1;
  OK(w2c_wasi_init(&W, &cfg));
  OK(w2c_wasi_fd_fdstat_get(&W, &MEM, 0, OUT_AT));
  EQ(LD8(OUT_AT), W2C_WASI_FILETYPE_CHARACTER_DEVICE);
  TRUE(LD64(OUT_AT + 8) & W2C_WASI_RIGHT_FD_SEEK);
  OK(rd(0, 5, buf));
  EQ(nio, 0);
  w2c_wasi_free(&W);
  close(cfg.stdin_fd);
}

static void test_init(void) {
  static const char *const host[] = {"pa", "pb", "missing"};
  static const char *const guest[] = {"/a", ".", "/m"};
  w2c_wasi_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.stdin_fd = cfg.stdout_fd = cfg.stderr_fd = -1;
  /* nothing at all */
  OK(w2c_wasi_init(&W, &cfg));
  OK(w2c_wasi_args_sizes_get(&W, &MEM, OUT_AT, OUT_AT + 4));
  EQ(LD32(OUT_AT) | LD32(OUT_AT + 4), 0);
  OK(w2c_wasi_args_get(&W, &MEM, MEM_SIZE, MEM_SIZE));
  OK(w2c_wasi_environ_sizes_get(&W, &MEM, OUT_AT, OUT_AT + 4));
  EQ(LD32(OUT_AT) | LD32(OUT_AT + 4), 0);
  EQ(wr(1, "x"), W2C_WASI_EBADF);
  EQ(w2c_wasi_fd_prestat_get(&W, &MEM, 3, OUT_AT), W2C_WASI_EBADF);
  w2c_wasi_free(&W);
  /* two preopens, numbered from 3 */
  mkdir("pa", 0777);
  mkdir("pb", 0777);
  cfg.npreopens = 2;
  cfg.preopen_host = host;
  cfg.preopen_guest = guest;
  OK(w2c_wasi_init(&W, &cfg));
  OK(w2c_wasi_fd_prestat_get(&W, &MEM, 3, OUT_AT));
  EQ(LD32(OUT_AT + 4), 2);
  OK(w2c_wasi_fd_prestat_get(&W, &MEM, 4, OUT_AT));
  EQ(LD32(OUT_AT + 4), 1);
  OK(w2c_wasi_fd_prestat_dir_name(&W, &MEM, 4, DATA_AT, 1));
  EQ(LD8(DATA_AT), '.');
  EQ(w2c_wasi_fd_prestat_get(&W, &MEM, 5, OUT_AT), W2C_WASI_EBADF);
  w2c_wasi_free(&W);
  /* errors: a missing directory (everything opened is closed again), bad arguments */
  cfg.npreopens = 3;
  EQ(w2c_wasi_init(&W, &cfg), ENOENT);
  EQ(W.nfds, 0);
  cfg.npreopens = 1;
  cfg.preopen_host = NULL;
  EQ(w2c_wasi_init(&W, &cfg), EINVAL);
  cfg.npreopens = 0;
  cfg.argc = 2;
  EQ(w2c_wasi_init(&W, &cfg), EINVAL);
  cfg.argc = -1;
  EQ(w2c_wasi_init(&W, &cfg), EINVAL);
}

static void test_errno(void) {
  static const int map[][2] = {
      {0, 0}, {E2BIG, 1}, {EACCES, 2}, {EADDRINUSE, 3}, {EADDRNOTAVAIL, 4}, {EAFNOSUPPORT, 5},
      {EAGAIN, 6}, {EWOULDBLOCK, 6}, {EALREADY, 7}, {EBADF, 8}, {EBADMSG, 9}, {EBUSY, 10},
      {ECANCELED, 11}, {ECHILD, 12}, {ECONNABORTED, 13}, {ECONNREFUSED, 14}, {ECONNRESET, 15},
      {EDEADLK, 16}, {EDESTADDRREQ, 17}, {EDOM, 18}, {EDQUOT, 19}, {EEXIST, 20}, {EFAULT, 21},
      {EFBIG, 22}, {EHOSTUNREACH, 23}, {EIDRM, 24}, {EILSEQ, 25}, {EINPROGRESS, 26},
      {EINTR, 27}, {EINVAL, 28}, {EIO, 29}, {EISCONN, 30}, {EISDIR, 31}, {ELOOP, 32},
      {EMFILE, 33}, {EMLINK, 34}, {EMSGSIZE, 35}, {EMULTIHOP, 36}, {ENAMETOOLONG, 37},
      {ENETDOWN, 38}, {ENETRESET, 39}, {ENETUNREACH, 40}, {ENFILE, 41}, {ENOBUFS, 42},
      {ENODEV, 43}, {ENOENT, 44}, {ENOEXEC, 45}, {ENOLCK, 46}, {ENOLINK, 47}, {ENOMEM, 48},
      {ENOMSG, 49}, {ENOPROTOOPT, 50}, {ENOSPC, 51}, {ENOSYS, 52}, {ENOTCONN, 53},
      {ENOTDIR, 54}, {ENOTEMPTY, 55}, {ENOTRECOVERABLE, 56}, {ENOTSOCK, 57}, {ENOTSUP, 58},
      {EOPNOTSUPP, 58}, {ENOTTY, 59}, {ENXIO, 60}, {EOVERFLOW, 61}, {EOWNERDEAD, 62},
      {EPERM, 63}, {EPIPE, 64}, {EPROTO, 65}, {EPROTONOSUPPORT, 66}, {EPROTOTYPE, 67},
      {ERANGE, 68}, {EROFS, 69}, {ESPIPE, 70}, {ESRCH, 71}, {ESTALE, 72}, {ETIMEDOUT, 73},
      {ETXTBSY, 74}, {EXDEV, 75}, {12345, 29}};
  size_t i;
  for (i = 0; i < sizeof map / sizeof map[0]; i++) EQ(w2c_wasi_errno(map[i][0]), map[i][1]);
  EQ(W2C_WASI_ENOTCAPABLE, 76);
}
