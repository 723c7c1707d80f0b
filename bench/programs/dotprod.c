/* dotprod: the kernels of a small quantised neural network and a float
 * matrix product, written with 128-bit vector operations (simd.h: Wasm's
 * <wasm_simd128.h> for wasm, SSE2 natively).  Per step: a 256x1024 int16
 * matrix times an int16 vector (i32x4.dot_i16x8_s / pmaddwd), requantised
 * to the next step's vector; and a 64x64 float matrix product with f32x4
 * broadcast, multiply and add (bit-exact: no fused multiply-add).
 * wasm-cflags: -msimd128
 * bench: no-wasm3 (wasm3 has no SIMD) */
#include "bench.h"
#include "simd.h"

#define ROWS 256
#define COLS 1024
#define M 64

static int16_t weights[ROWS][COLS];
static int16_t vec[COLS];
static int32_t acts[ROWS];
static float fa[M][M], fb[M][M], fc[M][M];

static int32_t dot(const int16_t *a, const int16_t *b) {
  v128_t acc0 = wasm_i32x4_splat(0), acc1 = wasm_i32x4_splat(0);
  for (int i = 0; i < COLS; i += 16) {
    acc0 = wasm_i32x4_add(acc0, wasm_i32x4_dot_i16x8(wasm_v128_load(a + i),
                                                     wasm_v128_load(b + i)));
    acc1 = wasm_i32x4_add(acc1, wasm_i32x4_dot_i16x8(wasm_v128_load(a + i + 8),
                                                     wasm_v128_load(b + i + 8)));
  }
  acc0 = wasm_i32x4_add(acc0, acc1);
  return (int32_t)((uint32_t)wasm_i32x4_extract_lane(acc0, 0) +
                   (uint32_t)wasm_i32x4_extract_lane(acc0, 1) +
                   (uint32_t)wasm_i32x4_extract_lane(acc0, 2) +
                   (uint32_t)wasm_i32x4_extract_lane(acc0, 3));
}

static void layer(void) {
  for (int r = 0; r < ROWS; r++) acts[r] = dot(weights[r], vec);
  for (int c = 0; c < COLS; c++) {   /* requantise: the next input */
    int32_t v = acts[c % ROWS] >> 12;
    vec[c] = (int16_t)((v < -2048 ? -2048 : v > 2047 ? 2047 : v) ^ (c * 37));
  }
}

static void matmul(void) {
  for (int i = 0; i < M; i++) {
    v128_t c[M / 4];
    for (int j = 0; j < M / 4; j++) c[j] = wasm_f32x4_splat(0.0f);
    for (int k = 0; k < M; k++) {
      v128_t aik = wasm_f32x4_splat(fa[i][k]);
      for (int j = 0; j < M / 4; j++)
        c[j] = wasm_f32x4_add(c[j], wasm_f32x4_mul(aik, wasm_v128_load(&fb[k][4 * j])));
    }
    for (int j = 0; j < M / 4; j++) wasm_v128_store(&fc[i][4 * j], c[j]);
  }
  for (int i = 0; i < M; i++)   /* keep the values bounded: C scaled down becomes A */
    for (int j = 0; j < M; j++) fa[i][j] = fc[i][j] * (1.0f / 32);
}

BENCH_ENTRY(n) {
  uint32_t seed = 88172645u, sum = 0;
  for (int r = 0; r < ROWS; r++)
    for (int c = 0; c < COLS; c++)
      weights[r][c] = (int16_t)((int32_t)(bench_rand(&seed) % 8191) - 4095);
  for (int c = 0; c < COLS; c++) vec[c] = (int16_t)((int32_t)(bench_rand(&seed) % 4095) - 2047);
  for (int i = 0; i < M; i++)
    for (int j = 0; j < M; j++) {
      fa[i][j] = (float)((int32_t)(bench_rand(&seed) % 2001) - 1000) / 1000.0f;
      fb[i][j] = (float)((int32_t)(bench_rand(&seed) % 2001) - 1000) / 1000.0f;
    }
  for (uint32_t s = 0; s < n; s++) {
    layer();
    matmul();
    sum = bench_mix(sum, (uint32_t)acts[s % ROWS]);
    uint32_t bits;
    memcpy(&bits, &fc[s % M][(s * 5) % M], 4);
    sum = bench_mix(sum, bits);
  }
  for (int r = 0; r < ROWS; r++) sum = bench_mix(sum, (uint32_t)acts[r]);
  return sum;
}

BENCH_MAIN("dotprod", 12000, 0xf833b8adu, 400, 0x8ca94ff8u)
