/* wasi_shim.h: the WASI instance handed to a wasm2c module's imports. */
#ifndef BENCH_WASI_SHIM_H
#define BENCH_WASI_SHIM_H
#include <stdint.h>
#include "wasm-rt.h"

struct w2c_wasi__snapshot__preview1 {
  wasm_rt_memory_t *memory; /* the module's exported "memory" */
  int argc;
  char **argv;
};
#endif
