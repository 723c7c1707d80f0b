/* semihost.c: the platform hooks of the bare-metal runtime (see
 * runtime_c/wasi/w2c_wasi_bare.h) over semihosting, for the QEMU profiles.
 *
 *   w2c_bare_write    SYS_WRITE to the console (":tt"), stdout and stderr
 *   w2c_bare_exit     SYS_EXIT_EXTENDED: the code becomes QEMU's exit status
 *   w2c_bare_clock_*  realtime from SYS_TIME (1 s resolution); monotonic and
 *                     CPU-time clocks from SYS_ELAPSED/SYS_TICKFREQ
 *   w2c_bare_random   xorshift64* seeded from the clocks: NOT cryptographic;
 *                     a real board uses its TRNG here
 * The per-architecture call w2c_semihost_call(op, arg) is in the startup
 * file.  On a real board without a debugger, replace this file (a UART
 * example is in docs/targets.md). */
#include <stddef.h>
#include <stdint.h>

uintptr_t w2c_semihost_call(uintptr_t op, const void *arg);

enum { SYS_OPEN = 0x01, SYS_WRITE = 0x05, SYS_TIME = 0x11, SYS_EXIT = 0x18,
       SYS_EXIT_EXTENDED = 0x20, SYS_ELAPSED = 0x30, SYS_TICKFREQ = 0x31 };
enum { WASI_EINVAL = 28, WASI_ENOTSUP = 58 };
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static uintptr_t console[3];  /* semihosting handles + 1 of fds 1 and 2; 0: not open */

void w2c_bare_write(uint32_t fd, const uint8_t *buf, size_t len) {
  uintptr_t args[3];
  if (fd != 1 && fd != 2) return;
  if (console[fd] == 0) {
    /* ":tt" opened for writing ("w", mode 4) is stdout, for appending ("a", 8) stderr */
    args[0] = (uintptr_t)":tt";
    args[1] = fd == 1 ? 4 : 8;
    args[2] = 3;
    console[fd] = w2c_semihost_call(SYS_OPEN, args) + 1;
  }
  args[0] = console[fd] - 1;
  args[1] = (uintptr_t)buf;
  args[2] = len;
  w2c_semihost_call(SYS_WRITE, args);
}

__attribute__((noreturn)) void w2c_bare_exit(uint32_t code) {
  uintptr_t args[2];
  args[0] = ADP_STOPPED_APPLICATION_EXIT;
  args[1] = code;
  w2c_semihost_call(SYS_EXIT_EXTENDED, args);
  w2c_semihost_call(SYS_EXIT, (const void *)(uintptr_t)ADP_STOPPED_APPLICATION_EXIT);
  for (;;) {
  }
}

static uint64_t ticks_ns(void) {
  uint32_t t[2] = {0, 0};
  uint64_t ticks, freq;
  if (w2c_semihost_call(SYS_ELAPSED, t) != 0) return 0;
  freq = w2c_semihost_call(SYS_TICKFREQ, 0);
  ticks = ((uint64_t)t[1] << 32) | t[0];
  if (freq == 0 || freq == (uint32_t)-1) return 0;
  /* ns = ticks * 1e9 / freq without overflowing for a few centuries */
  return ticks / freq * 1000000000u + ticks % freq * 1000000000u / freq;
}

/* WASI clock ids: 0 realtime, 1 monotonic, 2 process CPU time, 3 thread CPU time */
uint32_t w2c_bare_clock_time(uint32_t clock_id, uint64_t *ns) {
  if (clock_id == 0) {
    *ns = (uint64_t)w2c_semihost_call(SYS_TIME, 0) * 1000000000u;
    return 0;
  }
  if (clock_id > 3) return WASI_EINVAL;
  *ns = ticks_ns();
  return 0;
}

uint32_t w2c_bare_clock_res(uint32_t clock_id, uint64_t *ns) {
  uint64_t freq;
  if (clock_id > 3) return WASI_EINVAL;
  if (clock_id == 0) {
    *ns = 1000000000u;
    return 0;
  }
  freq = w2c_semihost_call(SYS_TICKFREQ, 0);
  *ns = freq == 0 || freq == (uint32_t)-1 ? 1000000000u : (1000000000u + freq - 1) / freq;
  return 0;
}

uint32_t w2c_bare_random(uint8_t *buf, size_t len) {
  static uint64_t state;
  size_t i;
  if (state == 0) {
    uint64_t seed = 0;
    w2c_bare_clock_time(1, &seed);
    state = (seed ^ ((uint64_t)w2c_semihost_call(SYS_TIME, 0) << 32)) | 1u;
  }
  for (i = 0; i < len; i++) {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    buf[i] = (uint8_t)((state * UINT64_C(0x2545F4914F6CDD1D)) >> 56);
  }
  return 0;
}
