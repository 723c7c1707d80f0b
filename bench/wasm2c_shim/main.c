/* main.c: runs a wasm2c-translated WASI command (its _start) with the shim.
 * Compile with -DMODULE=<name> -DMODULE_HEADER='"<name>.h"', <name> being
 * the -n given to wasm2c. */
#include <stdio.h>
#include <stdlib.h>

#include "wasm-rt.h"
#include "wasm-rt-exceptions.h" /* wasm_rt_impl_try needs wasm_rt_set_unwind_target */
#include "wasm-rt-impl.h"
#include "wasi_shim.h"
#include MODULE_HEADER

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define W2C(suffix) CAT(CAT(w2c_, MODULE), suffix)          /* w2c_<name><suffix> */
#define WASM2C(suffix) CAT(CAT(wasm2c_, MODULE), suffix)    /* wasm2c_<name><suffix> */

int main(int argc, char **argv) {
  static W2C() instance; /* the module's instance struct, w2c_<name> */
  struct w2c_wasi__snapshot__preview1 wasi = {NULL, argc, argv};
  wasm_rt_trap_t trap;
  wasm_rt_init();
  WASM2C(_instantiate)(&instance, &wasi);
  wasi.memory = W2C(_memory)(&instance);
  trap = wasm_rt_impl_try();
  if (trap == WASM_RT_TRAP_NONE) {
    W2C(_0x5Fstart)(&instance);
  } else {
    fprintf(stderr, "wasm2c: trap: %s\n", wasm_rt_strerror(trap));
    return 134;
  }
  WASM2C(_free)(&instance);
  wasm_rt_free();
  return 0;
}
