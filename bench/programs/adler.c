/* adler: the Adler-32 checksum of a 1 MB buffer, vectorised (simd.h: Wasm's
 * <wasm_simd128.h> for wasm, SSE2 natively) as zlib's SIMD versions do: per
 * 16 bytes, widen to u16, sum pairs into i32x4 (extadd_pairwise / pmaddwd by
 * ones) for s1 and multiply by the weights 16..1 (i32x4.dot_i16x8_s /
 * pmaddwd) for s2, reducing modulo 65521 every 5552 bytes.  Checked against
 * the scalar definition on the first step; each step changes a few bytes.
 * A checksum.
 * wasm-cflags: -msimd128
 * bench: no-wasm3 (wasm3 has no SIMD) */
#include "bench.h"
#include "simd.h"

#define SIZE (1 << 20)
#define BASE 65521u
#define NMAX 5552   /* 347 blocks of 16: the sums stay below 2^31 per lane */

static uint8_t buf[SIZE];

static uint32_t adler_scalar(uint32_t adler, const uint8_t *p, size_t n) {
  uint32_t a = adler & 0xFFFF, b = adler >> 16;
  for (size_t i = 0; i < n; i++) {
    a = (a + p[i]) % BASE;
    b = (b + a) % BASE;
  }
  return b << 16 | a;
}

static uint32_t hsum(v128_t v) {
  return (uint32_t)wasm_i32x4_extract_lane(v, 0) + (uint32_t)wasm_i32x4_extract_lane(v, 1) +
         (uint32_t)wasm_i32x4_extract_lane(v, 2) + (uint32_t)wasm_i32x4_extract_lane(v, 3);
}

/* n a multiple of 16 */
static uint32_t adler_simd(uint32_t adler, const uint8_t *p, size_t n) {
  uint32_t a = adler & 0xFFFF, b = adler >> 16;
  const v128_t w_lo = wasm_i16x8_make(16, 15, 14, 13, 12, 11, 10, 9);
  const v128_t w_hi = wasm_i16x8_make(8, 7, 6, 5, 4, 3, 2, 1);
  while (n) {
    size_t block = n < NMAX ? n : NMAX;
    v128_t vs1 = wasm_i32x4_splat(0), vs2 = wasm_i32x4_splat(0), vps = wasm_i32x4_splat(0);
    b += a * (uint32_t)block;
    n -= block;
    for (; block; block -= 16, p += 16) {
      v128_t x = wasm_v128_load(p);
      v128_t lo = wasm_u16x8_extend_low_u8x16(x), hi = wasm_u16x8_extend_high_u8x16(x);
      vps = wasm_i32x4_add(vps, vs1);
      vs1 = wasm_i32x4_add(vs1, wasm_i32x4_extadd_pairwise_i16x8(wasm_i16x8_add(lo, hi)));
      vs2 = wasm_i32x4_add(vs2, wasm_i32x4_add(wasm_i32x4_dot_i16x8(lo, w_lo),
                                               wasm_i32x4_dot_i16x8(hi, w_hi)));
    }
    vs2 = wasm_i32x4_add(vs2, wasm_i32x4_shl(vps, 4));
    a = (a + hsum(vs1)) % BASE;
    b = (b % BASE + hsum(vs2) % BASE) % BASE;
  }
  return b << 16 | a;
}

BENCH_ENTRY(n) {
  uint32_t seed = 3141592653u, sum = 0;
  for (size_t i = 0; i < SIZE; i += 4) {
    uint32_t r = bench_rand(&seed);
    memcpy(buf + i, &r, 4);
  }
  for (uint32_t s = 0; s < n; s++) {
    uint32_t h = adler_simd(1, buf, SIZE);
    if (s == 0 && h != adler_scalar(1, buf, SIZE)) return 0;
    sum = bench_mix(sum, h);
    for (int k = 0; k < 4; k++) buf[bench_rand(&seed) % SIZE] ^= (uint8_t)(s + k + 1);
  }
  return sum;
}

BENCH_MAIN("adler", 10000, 0x931ad397u, 300, 0x22a4de11u)
