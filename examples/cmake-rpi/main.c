/* main.c: an application for the Raspberry Pi that runs examples/cmake-rpi/
 * greeter.wasm, a WASI command translated into C by w2c at build time
 * (CMakeLists.txt: w2c_add_module ... WASI ON) and cross-compiled with the
 * toolchain file of a w2c target profile (rpi-aarch64 or rpi-armhf).
 *
 * It sets up WASI with its own arguments (greeter_wasi.h), runs the module's
 * _start, then calls one of its exports directly.
 */
/* First: the WASI implementation needs a 64-bit off_t, which it asks for
 * (_FILE_OFFSET_BITS) before any system header is included. */
#include "greeter_wasi.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#if defined(__aarch64__)
#define ARCH "aarch64"
#elif defined(__arm__)
#define ARCH "arm"
#elif defined(__x86_64__)
#define ARCH "x86_64"
#else
#define ARCH "another CPU"
#endif

int main(int argc, char **argv) {
  static greeter_instance inst;
  static greeter_wasi w;
  static const char *const envp[] = {NULL};
  w2c_wasi_config cfg;
  w2c_trap trap;
  int rc;

  printf("host: built for %s, %d-bit pointers\n", ARCH, (int)(8 * sizeof(void *)));
  memset(&cfg, 0, sizeof cfg);
  cfg.argc = argc;
  cfg.argv = (const char *const *)argv;
  cfg.envp = envp;
  cfg.stdin_fd = 0;
  cfg.stdout_fd = 1;
  cfg.stderr_fd = 2;
  rc = greeter_wasi_instantiate(&w, &inst, &cfg);
  if (rc != 0) {
    fprintf(stderr, "cannot instantiate the module: %d\n", rc);
    return 1;
  }
  fflush(stdout); /* the module writes to fd 1 directly */
  trap = greeter_wasi_start(&w);
  if (trap != W2C_TRAP_NONE) {
    fprintf(stderr, "error: trap: %s\n", w2c_trap_message(trap));
    return 134;
  }
  printf("host: fib(90) = %" PRIu64 "\n", greeter_x_fib(&inst, 90));
  greeter_wasi_free(&w);
  return 0;
}
