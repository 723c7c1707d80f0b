/* bare_link.c: the bare-metal WASI shim linked into a freestanding program
 * (tests/wasi/test_wasi_bare.py): built -ffreestanding -nostdlib for
 * Cortex-M and RV32 with --gc-sections, it must link with no undefined
 * symbol.  The address of every one of the 46 functions goes into a
 * volatile table, so each is really compiled and kept; with -DNO_WASI
 * nothing of WASI is used (a baseline).  With -DGLUE it runs instead the
 * module `hello` that `w2c compile --wasi -n hello` translated (linked with
 * hello.c and hello_wasi.c): the generated glue against the bare shim.
 * This file provides what the platform provides: the five hooks, memcpy,
 * memmove, memset, the trap handler and an entry point. */
#ifdef GLUE
#include "hello_wasi.h"
#define NO_TABLE 1
#else
#include "wasi/w2c_wasi.h"
#endif
#ifdef NO_WASI
#define NO_TABLE 1
#endif

#ifndef W2C_WASI_BARE_H
#error "W2C_WASI_BARE did not select w2c_wasi_bare.h"
#endif

/* the platform: a fake UART, a counter for clocks and random */
static volatile uint32_t uart, ticks;
void w2c_bare_write(uint32_t fd, const uint8_t *buf, size_t len) {
  while (len--) uart = fd << 8 | *buf++;
}
void w2c_bare_exit(uint32_t code) {
  for (;;) uart = code;
}
uint32_t w2c_bare_clock_time(uint32_t clock_id, uint64_t *ns) {
  if (clock_id == W2C_WASI_CLOCK_REALTIME) return W2C_WASI_ENOTSUP;
  *ns = (uint64_t)ticks++ * 1000u;
  return 0;
}
uint32_t w2c_bare_clock_res(uint32_t clock_id, uint64_t *ns) {
  if (clock_id == W2C_WASI_CLOCK_REALTIME) return W2C_WASI_ENOTSUP;
  *ns = 1000u;
  return 0;
}
uint32_t w2c_bare_random(uint8_t *buf, size_t len) {
  while (len--) *buf++ = (uint8_t)ticks++;
  return 0;
}
void fw_trap(w2c_trap code);
void fw_trap(w2c_trap code) {
  for (;;) uart = (uint32_t)code;
}
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n) {
  uint8_t *dp = (uint8_t *)d;
  const uint8_t *sp = (const uint8_t *)s;
  while (n--) *dp++ = *sp++;
  return d;
}
void *memmove(void *d, const void *s, size_t n) {
  uint8_t *dp = (uint8_t *)d;
  const uint8_t *sp = (const uint8_t *)s;
  if ((uintptr_t)dp <= (uintptr_t)sp) {
    while (n--) *dp++ = *sp++;
  } else {
    while (n) { n--; dp[n] = sp[n]; }
  }
  return d;
}
void *memset(void *d, int c, size_t n) {
  uint8_t *dp = (uint8_t *)d;
  while (n--) *dp++ = (uint8_t)c;
  return d;
}

#ifndef NO_TABLE
#define F(name) (void (*)(void))w2c_wasi_##name
/* the 46 functions of wasi_snapshot_preview1, and init/free */
static void (*const volatile table[])(void) = {
    F(args_get), F(args_sizes_get), F(environ_get), F(environ_sizes_get), F(clock_res_get),
    F(clock_time_get), F(fd_advise), F(fd_allocate), F(fd_close), F(fd_datasync),
    F(fd_fdstat_get), F(fd_fdstat_set_flags), F(fd_fdstat_set_rights), F(fd_filestat_get),
    F(fd_filestat_set_size), F(fd_filestat_set_times), F(fd_pread), F(fd_prestat_get),
    F(fd_prestat_dir_name), F(fd_pwrite), F(fd_read), F(fd_readdir), F(fd_renumber),
    F(fd_seek), F(fd_sync), F(fd_tell), F(fd_write), F(path_create_directory),
    F(path_filestat_get), F(path_filestat_set_times), F(path_link), F(path_open),
    F(path_readlink), F(path_remove_directory), F(path_rename), F(path_symlink),
    F(path_unlink_file), F(poll_oneoff), F(proc_exit), F(proc_raise), F(sched_yield),
    F(random_get), F(sock_accept), F(sock_recv), F(sock_send), F(sock_shutdown),
    F(init), F(free)};
#endif

static const char *const fw_argv[] = {"fw"};
void fw_start(void);
#ifdef GLUE
static hello_instance inst;
static hello_wasi hw;
void fw_start(void) {
  static const w2c_wasi_config cfg = {1, fw_argv, NULL};
  if (hello_wasi_instantiate(&hw, &inst, &cfg) == 0) (void)hello_wasi_start(&hw);
  w2c_bare_exit(1);
}
#else
static uint8_t guest[65536];
static w2c_wasi wasi;
static w2c_memory mem;
void fw_start(void) {
#ifndef NO_WASI
  static const w2c_wasi_config cfg = {1, fw_argv, NULL};
  uint32_t i;
  for (i = 0; i < sizeof table / sizeof table[0]; i++) uart = (uint32_t)(uintptr_t)table[i];
#endif
  if (w2c_memory_use_static(&mem, guest, sizeof guest, 1, 1, 16) != 0) w2c_bare_exit(2);
#ifndef NO_WASI
  if (w2c_wasi_init(&wasi, &cfg) != 0) w2c_bare_exit(3);
  guest[0] = 'h';
  guest[8] = 0; /* iovec {0, 1} at 8 */
  guest[12] = 1;
  (void)w2c_wasi_fd_write(&wasi, &mem, 1, 8, 1, 16);
  w2c_wasi_proc_exit(&wasi, &mem, 0);
#else
  uart = (uint32_t)(uintptr_t)&wasi + (uint32_t)(uintptr_t)fw_argv;
  w2c_bare_exit(0);
#endif
}
#endif
