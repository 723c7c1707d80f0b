/* test_wasi_order.c: wasi/w2c_wasi.h works whatever was included before it.
 * Default: w2c_rt.h and ISO headers first (under glibc the header makes
 * <features.h> evaluate its feature macros again); -DWASI_FIRST: the
 * documented order.  Then a short tour: open, write, read back, list,
 * rename, stat, clock.  Run in an empty directory. */
#ifdef WASI_FIRST
#include "wasi/w2c_wasi.h"
#endif
#include "w2c_rt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "wasi/w2c_wasi.h"
#include "wasi/w2c_wasi.h" /* twice is harmless */
#include "wasi_check.h"

int main(void) {
  static const char *const host[] = {"."}, *const guest[] = {"/work"};
  w2c_wasi_config cfg;
  uint32_t fd;
  char buf[64];
  mem_init();
  memset(&cfg, 0, sizeof cfg);
  cfg.npreopens = 1;
  cfg.preopen_host = host;
  cfg.preopen_guest = guest;
  cfg.stdin_fd = 0;
  cfg.stdout_fd = 1;
  cfg.stderr_fd = 2;
  OK(w2c_wasi_init(&W, &cfg));
  OK(open_(3, "a.txt", FOLLOW, W2C_WASI_O_CREAT, RIGHTS_ALL, 0, 0, &fd));
  OK(wr(fd, "order"));
  OK(w2c_wasi_fd_seek(&W, &MEM, fd, 0, W2C_WASI_WHENCE_SET, OUT_AT));
  OK(rd(fd, 10, buf));
  STREQ(buf, "order");
  OK(w2c_wasi_fd_pread(&W, &MEM, fd, IOV_AT, 1, 1, OUT_AT));
  EQ(LD32(OUT_AT), 4);
  OK(w2c_wasi_fd_close(&W, &MEM, fd));
  OK(w2c_wasi_path_rename(&W, &MEM, 3, P("a.txt"), 3, P2("b.txt")));
  OK(w2c_wasi_path_filestat_get(&W, &MEM, 3, 0, P("b.txt"), OUT_AT));
  EQ(LD64(OUT_AT + 32), 5);
  OK(w2c_wasi_fd_readdir(&W, &MEM, 3, BIG_AT, 4096, 0, OUT_AT));
  TRUE(LD32(OUT_AT) > 3 * 24);
  EQ(openr("../x", FOLLOW, &fd), W2C_WASI_ESCAPE_ERRNO);
  OK(w2c_wasi_clock_time_get(&W, &MEM, W2C_WASI_CLOCK_MONOTONIC, 0, OUT_AT));
  OK(w2c_wasi_random_get(&W, &MEM, DATA_AT, 16));
  EQ(sizeof(off_t), 8);
  w2c_wasi_free(&W);
  free(MEM.data);
  return check_done();
}
