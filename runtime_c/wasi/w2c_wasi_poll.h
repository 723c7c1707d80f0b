/* w2c_wasi_poll.h: poll_oneoff and the sock_* functions.  Included by
 * w2c_wasi.h only.
 *
 * poll_oneoff: subscription 48 bytes (userdata u64 @0, tag u8 @8; clock:
 * id u32 @16, timeout u64 @24, precision u64 @32, flags u16 @40;
 * fd_read/fd_write: fd u32 @16), event 32 bytes (userdata u64 @0, error u16
 * @8, type u8 @10, nbytes u64 @16, flags u16 @24).  Clocks: realtime and
 * monotonic, relative or absolute; deadlines are kept on the monotonic
 * clock.  Descriptors go to poll(2).  A malformed subscription (unknown tag
 * or clock, flag bits) fails the call with EINVAL (as wasmtime); a closed
 * descriptor or one without poll_fd_readwrite gives an event with that
 * error and the call returns at once.  Events come in subscription order;
 * clocks are reported only once due.  Without descriptors the wait is a
 * nanosleep (ns precision), else poll's milliseconds, rounded up. */
#ifndef W2C_WASI_POLL_H
#define W2C_WASI_POLL_H
#ifndef W2C_WASI_H
#error "w2c: include wasi/w2c_wasi.h, not its parts."
#endif

static inline uint64_t w2c_wasi_now_(clockid_t id) {
  struct timespec ts;
  if (clock_gettime(id, &ts) != 0) return 0;
  return w2c_wasi_ns_(&ts);
}

typedef struct w2c_wasi_sub {
  uint64_t userdata, deadline, nbytes; /* deadline: monotonic ns (clocks) */
  uint16_t error, flags;
  uint8_t type, ready;
  int pfd;                             /* index into the pollfd array, or -1 */
} w2c_wasi_sub;

/* bytes ready to read: a file's rest, else FIONREAD */
static inline uint64_t w2c_wasi_readable_(int host) {
  struct stat st;
  int n = 0;
  if (fstat(host, &st) == 0 && S_ISREG(st.st_mode)) {
    off_t pos = lseek(host, 0, SEEK_CUR);
    return pos >= 0 && st.st_size > pos ? (uint64_t)(st.st_size - pos) : 0;
  }
  return ioctl(host, FIONREAD, &n) == 0 && n > 0 ? (uint64_t)n : 0;
}

W2C_WASI_FN uint32_t w2c_wasi_poll_oneoff(w2c_wasi *w, w2c_memory *mem, uint32_t in, uint32_t out,
                                          uint32_t nsubscriptions, uint32_t nevents_ptr) {
  w2c_wasi_sub *subs;
  struct pollfd *pfds;
  uint32_t i, n = nsubscriptions, nev = 0, err = 0;
  nfds_t npfd = 0;
  uint64_t now, deadline = UINT64_MAX;
  if (n == 0) return W2C_WASI_EINVAL;
  W2C_WASI_CHECK(mem, in, (uint64_t)n * 48);
  W2C_WASI_CHECK(mem, out, (uint64_t)n * 32);
  W2C_WASI_CHECK(mem, nevents_ptr, 4);
  subs = (w2c_wasi_sub *)calloc(n, sizeof *subs);
  pfds = (struct pollfd *)calloc(n, sizeof *pfds);
  if (!subs || !pfds) {
    free(subs);
    free(pfds);
    return W2C_WASI_ENOMEM;
  }
  now = w2c_wasi_now_(CLOCK_MONOTONIC);
  for (i = 0; i < n && !err; i++) {
    uint64_t p = (uint64_t)in + (uint64_t)i * 48;
    w2c_wasi_sub *s = &subs[i];
    s->userdata = w2c_wasi_ld64_(mem, p);
    s->type = mem->data[p + 8];
    s->pfd = -1;
    if (s->type == W2C_WASI_EVENTTYPE_CLOCK) {
      uint32_t id = w2c_wasi_ld32_(mem, p + 16), fl = w2c_wasi_ld16_(mem, p + 40);
      uint64_t t = w2c_wasi_ld64_(mem, p + 24);
      if ((id != W2C_WASI_CLOCK_REALTIME && id != W2C_WASI_CLOCK_MONOTONIC) || (fl & ~1u)) {
        err = W2C_WASI_EINVAL;
        break;
      }
      if (!(fl & W2C_WASI_SUBCLOCK_ABSTIME))
        s->deadline = t > UINT64_MAX - now ? UINT64_MAX : now + t;
      else if (id == W2C_WASI_CLOCK_MONOTONIC) s->deadline = t;
      else { /* realtime: the same distance from now on the monotonic clock */
        uint64_t real = w2c_wasi_now_(CLOCK_REALTIME), d = t > real ? t - real : 0;
        s->deadline = d > UINT64_MAX - now ? UINT64_MAX : now + d;
      }
      if (s->deadline < deadline) deadline = s->deadline;
    } else if (s->type == W2C_WASI_EVENTTYPE_FD_READ || s->type == W2C_WASI_EVENTTYPE_FD_WRITE) {
      w2c_wasi_fd *e;
      uint32_t fe = w2c_wasi_get_(w, w2c_wasi_ld32_(mem, p + 16), W2C_WASI_RIGHT_POLL_FD_READWRITE,
                                  &e);
      if (fe) {
        s->error = (uint16_t)fe;
        s->ready = 1;
        nev++;
      } else {
        s->pfd = (int)npfd;
        pfds[npfd].fd = e->host;
        pfds[npfd++].events = s->type == W2C_WASI_EVENTTYPE_FD_READ ? POLLIN : POLLOUT;
      }
    } else {
      err = W2C_WASI_EINVAL;
    }
  }
  while (!err) {
    int timeout, r = 0;
    now = w2c_wasi_now_(CLOCK_MONOTONIC);
    if (nev || deadline <= now) timeout = 0;
    else if (deadline == UINT64_MAX) timeout = -1;
    else {
      uint64_t ms = (deadline - now + 999999u) / 1000000u;
      timeout = ms > (uint64_t)INT_MAX ? INT_MAX : (int)ms;
    }
    if (npfd == 0 && timeout > 0) { /* only clocks: sleep to the ns */
      struct timespec ts;
      uint64_t d = deadline - now;
      ts.tv_sec = (time_t)(d / 1000000000u > (uint64_t)INT32_MAX ? INT32_MAX : d / 1000000000u);
      ts.tv_nsec = (long)(d % 1000000000u);
      nanosleep(&ts, NULL); /* early (EINTR): the loop sleeps again */
    } else if (npfd == 0 && timeout < 0) {
      err = W2C_WASI_EINVAL; /* nothing to wait for (cannot happen: n > 0) */
      break;
    } else if ((r = poll(pfds, npfd, timeout)) < 0) {
      if (errno == EINTR) continue;
      err = W2C_WASI_ERR();
      break;
    }
    now = w2c_wasi_now_(CLOCK_MONOTONIC);
    for (i = 0; i < n; i++) {
      w2c_wasi_sub *s = &subs[i];
      if (s->ready) continue;
      if (s->pfd >= 0 && pfds[s->pfd].revents) {
        short re = pfds[s->pfd].revents;
        s->ready = 1;
        nev++;
        if (re & POLLNVAL) s->error = W2C_WASI_EBADF;
        else {
          if (re & (POLLHUP | POLLERR)) s->flags = W2C_WASI_EVENT_FD_READWRITE_HANGUP;
          if (s->type == W2C_WASI_EVENTTYPE_FD_READ)
            s->nbytes = w2c_wasi_readable_(pfds[s->pfd].fd);
          else /* writable: at least one byte goes without blocking (wasmtime: > 0 too) */
            s->nbytes = 1;
        }
      } else if (s->type == W2C_WASI_EVENTTYPE_CLOCK && s->deadline <= now) {
        s->ready = 1;
        nev++;
      }
    }
    if (nev) break;
  }
  if (!err) {
    uint32_t k = 0;
    for (i = 0; i < n; i++) {
      uint32_t q = out + k * 32;
      if (!subs[i].ready) continue;
      memset(mem->data + q, 0, 32);
      w2c_wasi_st64_(mem, q, subs[i].userdata);
      w2c_wasi_st16_(mem, q + 8, subs[i].error);
      w2c_wasi_st8_(mem, q + 10, subs[i].type);
      w2c_wasi_st64_(mem, q + 16, subs[i].nbytes);
      w2c_wasi_st16_(mem, q + 24, subs[i].flags);
      k++;
    }
    w2c_wasi_st32_(mem, nevents_ptr, k);
  }
  free(subs);
  free(pfds);
  return err;
}

/* ---- sockets (descriptors the embedder inserted, and what they accept) ---- */
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* macOS: SIGPIPE is ignored by w2c_wasi_init instead */
#endif

static inline uint32_t w2c_wasi_sock_(w2c_wasi *w, uint32_t fd, uint64_t need, w2c_wasi_fd **e) {
  uint32_t err = w2c_wasi_get_(w, fd, 0, e);
  if (err) return err;
  if (!w2c_wasi_is_socket_((*e)->type)) return W2C_WASI_ENOTSOCK;
  return w2c_wasi_get_(w, fd, need, e);
}

W2C_WASI_FN uint32_t w2c_wasi_sock_accept(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                          uint32_t flags, uint32_t fd_ptr) {
  w2c_wasi_fd *e;
  int host, fl;
  uint32_t nfd, err = w2c_wasi_sock_(w, fd, W2C_WASI_RIGHT_SOCK_ACCEPT, &e);
  if (err) return err;
  if (flags & ~(uint32_t)W2C_WASI_FDFLAG_NONBLOCK) return W2C_WASI_EINVAL;
  W2C_WASI_CHECK(mem, fd_ptr, 4);
  if ((host = accept(e->host, NULL, NULL)) < 0) return W2C_WASI_ERR();
  (void)fcntl(host, F_SETFD, FD_CLOEXEC);
  fl = fcntl(host, F_GETFL);
  if (fl >= 0)
    (void)fcntl(host, F_SETFL, (flags & W2C_WASI_FDFLAG_NONBLOCK) ? fl | O_NONBLOCK
                                                                  : fl & ~O_NONBLOCK);
  if ((err = w2c_wasi_add_(w, UINT32_MAX, host, 1, W2C_WASI_RIGHTS_SOCKET, 0, (uint16_t)flags,
                           &nfd)))
    return err;
  w2c_wasi_st32_(mem, fd_ptr, nfd);
  return 0;
}

W2C_WASI_FN uint32_t w2c_wasi_sock_recv(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                        uint32_t ri_data, uint32_t ri_data_len, uint32_t ri_flags,
                                        uint32_t ro_datalen_ptr, uint32_t ro_flags_ptr) {
  w2c_wasi_fd *e;
  w2c_wasi_iov io;
  struct msghdr msg;
  ssize_t r;
  int fl = 0;
  uint32_t err = w2c_wasi_sock_(w, fd, W2C_WASI_RIGHT_FD_READ, &e);
  if (err) return err;
  if (ri_flags & ~3u) return W2C_WASI_EINVAL;
  W2C_WASI_CHECK(mem, ro_datalen_ptr, 4);
  W2C_WASI_CHECK(mem, ro_flags_ptr, 2);
  if ((err = w2c_wasi_iovs_(mem, ri_data, ri_data_len, &io))) return err;
  if (ri_flags & W2C_WASI_RIFLAG_RECV_PEEK) fl |= MSG_PEEK;
  if (ri_flags & W2C_WASI_RIFLAG_RECV_WAITALL) fl |= MSG_WAITALL;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = io.v;
  msg.msg_iovlen = io.n;
  if ((r = recvmsg(e->host, &msg, fl)) < 0) err = W2C_WASI_ERR();
  w2c_wasi_iov_done_(&io);
  if (err) return err;
  w2c_wasi_st32_(mem, ro_datalen_ptr, (uint32_t)r);
  w2c_wasi_st16_(mem, ro_flags_ptr,
                 (msg.msg_flags & MSG_TRUNC) ? W2C_WASI_ROFLAG_RECV_DATA_TRUNCATED : 0);
  return 0;
}

W2C_WASI_FN uint32_t w2c_wasi_sock_send(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                        uint32_t si_data, uint32_t si_data_len, uint32_t si_flags,
                                        uint32_t so_datalen_ptr) {
  w2c_wasi_fd *e;
  w2c_wasi_iov io;
  struct msghdr msg;
  ssize_t r;
  uint32_t err = w2c_wasi_sock_(w, fd, W2C_WASI_RIGHT_FD_WRITE, &e);
  if (err) return err;
  if (si_flags != 0) return W2C_WASI_EINVAL;
  W2C_WASI_CHECK(mem, so_datalen_ptr, 4);
  if ((err = w2c_wasi_iovs_(mem, si_data, si_data_len, &io))) return err;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = io.v;
  msg.msg_iovlen = io.n;
  if ((r = sendmsg(e->host, &msg, MSG_NOSIGNAL)) < 0) err = W2C_WASI_ERR();
  w2c_wasi_iov_done_(&io);
  if (err) return err;
  w2c_wasi_st32_(mem, so_datalen_ptr, (uint32_t)r);
  return 0;
}

W2C_WASI_FN uint32_t w2c_wasi_sock_shutdown(w2c_wasi *w, w2c_memory *mem, uint32_t fd,
                                            uint32_t how) {
  w2c_wasi_fd *e;
  uint32_t err = w2c_wasi_sock_(w, fd, W2C_WASI_RIGHT_SOCK_SHUTDOWN, &e);
  (void)mem;
  if (err) return err;
  if (how == 0 || how > 3) return W2C_WASI_EINVAL;
  if (shutdown(e->host, how == 3 ? SHUT_RDWR : how == 1 ? SHUT_RD : SHUT_WR) != 0)
    return W2C_WASI_ERR();
  return 0;
}

#endif /* W2C_WASI_POLL_H */
