/* main.c: the firmware of examples/make-firmware.  It runs app.wasm (app.c,
 * a WASI program), translated by w2c with --wasi: its WASI calls go to w2c's
 * bare-metal WASI shim (runtime_c/wasi/w2c_wasi_bare.h, selected by the
 * profile's -DW2C_WASI_BARE), which writes through the platform hooks of
 * the profile's startup files (semihosting under QEMU; see docs/targets.md
 * for a UART instead).
 *
 * The arguments and environment are fixed here.  A trap prints `error:
 * trap: <reason>` and exits with 134; the program's exit status is the
 * firmware's (QEMU's). */
#include "app_wasi.h"

#ifndef TARGET_NAME
#define TARGET_NAME "a microcontroller"
#endif

static void say(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  w2c_bare_write(1, (const uint8_t *)s, n);
}

/* The trap handler the profile names (-DW2C_TRAP_HANDLER=w2c_bare_trap). */
W2C_NORETURN void w2c_bare_trap(w2c_trap code) {
  const char *m = w2c_trap_message(code);
  w2c_bare_write(2, (const uint8_t *)"error: trap: ", 13);
  w2c_bare_write(2, (const uint8_t *)m, __builtin_strlen(m));
  w2c_bare_write(2, (const uint8_t *)"\n", 1);
  w2c_bare_exit(134);
}

/* Called by proc_exit before the firmware exits with the code. */
static void on_exit(uint32_t code) {
  char digits[12];
  int i = (int)sizeof digits - 1;
  digits[i] = 0;
  do digits[--i] = (char)('0' + code % 10); while ((code /= 10) && i > 0);
  say("firmware: app.wasm exited with ");
  say(digits + i);
  say("\n");
}

int main(void) {
  static const char *const argv[] = {"app.wasm", "firmware", 0};
  static const char *const envp[] = {"BOARD=" TARGET_NAME, 0};
  static app_instance inst;
  static app_wasi w;
  w2c_wasi_config cfg;
  w2c_trap trap;

  say("firmware: starting app.wasm\n");
  W2C_MEMSET(&cfg, 0, sizeof cfg);
  cfg.argc = 2;
  cfg.argv = argv;
  cfg.envp = envp;
  if (app_wasi_instantiate(&w, &inst, &cfg) != 0) {
    say("firmware: cannot instantiate app.wasm\n");
    return 1;
  }
  w.wasi.exit_hook = on_exit;
  trap = app_wasi_start(&w);
  if (trap != W2C_TRAP_NONE) w2c_bare_trap(trap);
  on_exit(0);
  return 0;
}
