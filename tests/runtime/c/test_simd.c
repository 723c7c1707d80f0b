/* test_simd.c: the C side of tests/runtime/test_simd.py's differential test.
 *
 * simd_cases.h (written by the test, on the include path) holds one
 * `CASE(N, OUT_<kind>(<template>))` per test function, numbered from 0, with the
 * same template the emitter uses for the instruction; the operands are
 * A, B, C (v128), S32/S64/SF32/SF64 (the scalar operand) and MEM, SIZE,
 * ADDR (a 64 KiB memory).  Each stdin line `N al ah bl bh cl ch s` (hex)
 * runs case N and prints the result as two little-endian 64-bit halves,
 * or `trap`.  The memory persists between lines, as the wasm instance's
 * does; with -DSIMD_MEMORY it is a w2c_memory (guard pages in the default
 * configuration of x86-64 and AArch64 Linux).  With -DSIMD_FREESTANDING only run_case is built (no I/O): the
 * compile check for bare-metal targets. */
#ifndef SIMD_FREESTANDING
#include "w2c_rt.h"
#include <inttypes.h>
#include <stdio.h>
#else
#include "w2c_rt.h"
#endif
#ifdef SIMD_SIMDE
#include "simd_simde.h" /* SIMDe behind the w2c_ names (test_simd.py's simde_eval) */
#else
#include "w2c_simd.h"
#endif

#if defined(CHECK_PORTABLE) && W2C_SIMD_IMPL != W2C_SIMD_PORTABLE
#error "expected the portable SIMD path"
#endif

#if defined(CHECK_GUARD) && W2C_BOUNDS_CHECK != W2C_BOUNDS_GUARD
#error "expected guard pages"
#endif

#ifdef SIMD_MEMORY
/* a real w2c_memory of one page: with guard pages, out-of-bounds accesses
 * fault and become traps */
static w2c_memory memory_;
#define MEM memory_.data
#define SIZE memory_.size
#else
static uint8_t mem_[65536];
#define MEM mem_
#define SIZE ((uint64_t)sizeof mem_)
#endif

/* the low region's readback address, else the top 16 bytes (see the test) */
#define READBACK(off) (ADDR >= 32768u ? 65520u : ADDR + (off))

#define OUT_v128(e) do { w2c_v128 r_ = (e); out[0] = w2c_i64x2_extract_lane(r_, 0); \
                         out[1] = w2c_i64x2_extract_lane(r_, 1); } while (0)
#define OUT_i32(e) (out[0] = (uint64_t)(uint32_t)(e), out[1] = 0)
#define OUT_i64(e) (out[0] = (uint64_t)(e), out[1] = 0)
#define OUT_f32(e) (out[0] = w2c_i32_reinterpret_f32(e), out[1] = 0)
#define OUT_f64(e) (out[0] = w2c_i64_reinterpret_f64(e), out[1] = 0)

static w2c_v128 vec_(uint64_t lo, uint64_t hi) {
  return w2c_i64x2_replace_lane(w2c_i64x2_splat(lo), 1, hi);
}

/* CASE(n, stmt): case_n runs stmt on the operands of `in`, result to `out` */
#define CASE(n, stmt)                                                            \
  static void case_##n(const uint64_t *in, uint64_t *out) {                      \
    w2c_v128 A = vec_(in[0], in[1]), B = vec_(in[2], in[3]), C = vec_(in[4], in[5]); \
    uint64_t S64 = in[6];                                                        \
    uint32_t S32 = (uint32_t)S64, ADDR = S32;                                    \
    float SF32 = w2c_f32_reinterpret_i32(S32);                                   \
    double SF64 = w2c_f64_reinterpret_i64(S64);                                  \
    (void)A; (void)B; (void)C; (void)S32; (void)SF32; (void)SF64; (void)ADDR;    \
    stmt;                                                                        \
  }
#include "simd_cases.h"
#undef CASE
#define CASE(n, stmt) case_##n,
static void (*const cases_[])(const uint64_t *, uint64_t *) = {
#include "simd_cases.h"
};
#undef CASE

void run_case(unsigned n, const uint64_t *in, uint64_t *out);
void run_case(unsigned n, const uint64_t *in, uint64_t *out) {
  if (n < sizeof cases_ / sizeof cases_[0])
    cases_[n](in, out);
  else
    out[0] = out[1] = 0xDEADu;
}

#ifndef SIMD_FREESTANDING
static uint64_t out_[2];

int main(void) {
  unsigned n;
  uint64_t in[7];
#ifdef SIMD_MEMORY
  if (w2c_memory_alloc(&memory_, 1, 1, 16) != 0) return 1;
#endif
  while (scanf("%x %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64
               " %" SCNx64, &n, &in[0], &in[1], &in[2], &in[3], &in[4], &in[5], &in[6]) == 8) {
    w2c_trap t;
    W2C_TRY_STMT(t, run_case(n, in, out_));
    if (t != W2C_TRAP_NONE)
      printf("trap\n");
    else
      printf("%016" PRIx64 " %016" PRIx64 "\n", out_[0], out_[1]);
  }
  return 0;
}
#endif
