/* main_wasm3.c: the wasm3 firmware of the Cortex-M bench: wasm3's
 * interpreter (its C sources from the pywasm3 sdist, built by
 * bench/chip_build.py) loads the program's pure module from a const array
 * in flash (module_wasm.c), and its export bench_run is called between two
 * bench_marks.  NAME, N, EXPECT, HAVE_EXPECT, WASM3_STACK come from -D.
 * Prints `mem=BYTES` (the linear memory wasm3 allocated) after the report. */
#include "harness.h"
#include "wasm3.h"

extern const unsigned char chip_wasm[];
extern const size_t chip_wasm_len;

static int fail(const char *what, M3Result r) {
  chip_puts("error: wasm3: ");
  chip_puts(what);
  chip_puts(": ");
  chip_puts(r ? r : "?");
  chip_puts("\n");
  return 2;
}

int main(void) {
  static volatile uint32_t n = N;
  IM3Environment env = m3_NewEnvironment();
  IM3Runtime rt;
  IM3Module mod;
  IM3Function f;
  M3Result r;
  uint32_t sum = 0, mem = 0;
  if (!env) return fail("environment", "out of memory");
  rt = m3_NewRuntime(env, WASM3_STACK, NULL);
  if (!rt) return fail("runtime", "out of memory");
  if ((r = m3_ParseModule(env, &mod, chip_wasm, (uint32_t)chip_wasm_len))) return fail("parse", r);
  if ((r = m3_LoadModule(rt, mod))) return fail("load", r);
  if ((r = m3_FindFunction(&f, rt, "bench_run"))) return fail("bench_run", r);
  bench_mark();
  r = m3_CallV(f, (uint32_t)n);
  bench_mark();
  if (r) return fail("call", r);
  if ((r = m3_GetResultsV(f, &sum))) return fail("results", r);
  (void)m3_GetMemory(rt, &mem, 0);
  chip_report(NAME, n, sum, EXPECT, HAVE_EXPECT);
  chip_puts("mem=");
  chip_put_u32(mem, 0);
  chip_puts("\n");
  return sum == EXPECT || !HAVE_EXPECT ? 0 : 1;
}
