/* bench_simd.c: 20 v128 instructions as out-of-line functions over arrays,
 * for the SIMD runtime comparison in docs/codegen.md (code size per
 * function, instructions per call under callgrind).  Built with w2c_simd.h,
 * or with -DSIMD_SIMDE and test_simd.py's SIMDe adapter.  Freestanding
 * builds (-DSIMD_FREESTANDING) only define the functions. */
#include "w2c_rt.h"
#ifdef SIMD_SIMDE
#include "simd_simde.h"
#else
#include "w2c_simd.h"
#endif

#define OPS(X)                                                              \
  X(i8x16_add, w2c_i8x16_add(a, b))                                         \
  X(i8x16_add_sat_u, w2c_i8x16_add_sat_u(a, b))                             \
  X(i16x8_mul, w2c_i16x8_mul(a, b))                                         \
  X(i32x4_add, w2c_i32x4_add(a, b))                                         \
  X(i32x4_mul, w2c_i32x4_mul(a, b))                                         \
  X(i32x4_shl, w2c_i32x4_shl(a, 3))                                         \
  X(i8x16_eq, w2c_i8x16_eq(a, b))                                           \
  X(i32x4_gt_s, w2c_i32x4_gt_s(a, b))                                       \
  X(v128_bitselect, w2c_v128_bitselect(a, b, a))                            \
  X(i8x16_shuffle, w2c_i8x16_shuffle(a, b, 0, 17, 2, 19, 4, 21, 6, 23, 8, 25, 10, 27, 12, 29, 14, 31)) \
  X(i8x16_swizzle, w2c_i8x16_swizzle(a, b))                                 \
  X(i8x16_bitmask, w2c_i32x4_splat(w2c_i8x16_bitmask(a)))                   \
  X(i16x8_narrow_i32x4_s, w2c_i16x8_narrow_i32x4_s(a, b))                   \
  X(i32x4_extend_low_i16x8_u, w2c_i32x4_extend_low_i16x8_u(a))              \
  X(i32x4_dot_i16x8_s, w2c_i32x4_dot_i16x8_s(a, b))                         \
  X(f32x4_add, w2c_f32x4_add(a, b))                                         \
  X(f32x4_mul, w2c_f32x4_mul(a, b))                                         \
  X(f32x4_min, w2c_f32x4_min(a, b))                                         \
  X(i32x4_trunc_sat_f32x4_s, w2c_i32x4_trunc_sat_f32x4_s(a))                \
  X(f32x4_convert_i32x4_s, w2c_f32x4_convert_i32x4_s(a))

/* op_NAME(mem, n): for each i < n, v[i] = OP(v[i], v[i+1]) with v the
 * memory as v128s, loaded and stored through the runtime's memory forms. */
#ifdef __GNUC__
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif
#define DEF(name, expr)                                                           \
  void op_##name(uint8_t *mem, uint32_t n);                                      \
  NOINLINE void op_##name(uint8_t *mem, uint32_t n) {                                     \
    uint32_t i;                                                                   \
    for (i = 0; i < n; i++) {                                                     \
      w2c_v128 a = w2c_v128_load(mem, (uint64_t)(n + 1) * 16, i * 16, 0);         \
      w2c_v128 b = w2c_v128_load(mem, (uint64_t)(n + 1) * 16, i * 16, 16);        \
      w2c_v128_store(mem, (uint64_t)(n + 1) * 16, i * 16, 0, (expr));             \
    }                                                                             \
  }
OPS(DEF)

#ifndef SIMD_FREESTANDING
#include <stdio.h>
#include <stdlib.h>
#define N 1024
static uint8_t buf_[(N + 1) * 16];
int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 100, r;
  unsigned i, sum = 0;
  for (i = 0; i < sizeof buf_; i++) buf_[i] = (uint8_t)(i * 37 + 11);
#define RUN(name, expr) for (r = 0; r < reps; r++) op_##name(buf_, N);
  OPS(RUN)
  for (i = 0; i < sizeof buf_; i++) sum = sum * 31 + buf_[i];
  printf("%08x\n", sum);
  return 0;
}
#endif
