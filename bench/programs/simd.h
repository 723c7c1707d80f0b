/* simd.h: the 128-bit vector operations of the SIMD benchmark programs
 * (bytesearch, dotprod, adler), under the names of clang's <wasm_simd128.h>.
 * Compiled to wasm32 with -msimd128 it is that header (so the programs are
 * v128 code); natively the same operations on x86-64's SSE2 intrinsics, one
 * instruction or a short sequence each, so the native build uses the host's
 * SIMD for the same algorithm.  Only what the programs use is here. */
#ifndef BENCH_SIMD_H
#define BENCH_SIMD_H

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#include <stdint.h>

typedef __m128i v128_t;

static inline v128_t wasm_v128_load(const void *p) { return _mm_loadu_si128((const __m128i *)p); }
static inline void wasm_v128_store(void *p, v128_t v) { _mm_storeu_si128((__m128i *)p, v); }
static inline v128_t wasm_v128_and(v128_t a, v128_t b) { return _mm_and_si128(a, b); }
static inline v128_t wasm_v128_or(v128_t a, v128_t b) { return _mm_or_si128(a, b); }
static inline v128_t wasm_i8x16_splat(int8_t x) { return _mm_set1_epi8(x); }
static inline v128_t wasm_i8x16_eq(v128_t a, v128_t b) { return _mm_cmpeq_epi8(a, b); }
static inline uint32_t wasm_i8x16_bitmask(v128_t a) { return (uint32_t)_mm_movemask_epi8(a); }
static inline v128_t wasm_u16x8_extend_low_u8x16(v128_t a) {
  return _mm_unpacklo_epi8(a, _mm_setzero_si128());
}
static inline v128_t wasm_u16x8_extend_high_u8x16(v128_t a) {
  return _mm_unpackhi_epi8(a, _mm_setzero_si128());
}
static inline v128_t wasm_i16x8_add(v128_t a, v128_t b) { return _mm_add_epi16(a, b); }
static inline v128_t wasm_i16x8_make(int16_t c0, int16_t c1, int16_t c2, int16_t c3, int16_t c4,
                                     int16_t c5, int16_t c6, int16_t c7) {
  return _mm_setr_epi16(c0, c1, c2, c3, c4, c5, c6, c7);
}
static inline v128_t wasm_i32x4_splat(int32_t x) { return _mm_set1_epi32(x); }
static inline v128_t wasm_i32x4_add(v128_t a, v128_t b) { return _mm_add_epi32(a, b); }
static inline v128_t wasm_i32x4_shl(v128_t a, uint32_t n) { return _mm_slli_epi32(a, (int)n); }
static inline v128_t wasm_i32x4_dot_i16x8(v128_t a, v128_t b) { return _mm_madd_epi16(a, b); }
static inline v128_t wasm_i32x4_extadd_pairwise_i16x8(v128_t a) {
  return _mm_madd_epi16(a, _mm_set1_epi16(1));
}
static inline int32_t wasm_i32x4_extract_lane(v128_t a, int lane) {
  int32_t l[4];
  _mm_storeu_si128((__m128i *)l, a);
  return l[lane];
}
static inline v128_t wasm_f32x4_splat(float x) { return _mm_castps_si128(_mm_set1_ps(x)); }
static inline v128_t wasm_f32x4_add(v128_t a, v128_t b) {
  return _mm_castps_si128(_mm_add_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b)));
}
static inline v128_t wasm_f32x4_mul(v128_t a, v128_t b) {
  return _mm_castps_si128(_mm_mul_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b)));
}
static inline float wasm_f32x4_extract_lane(v128_t a, int lane) {
  float l[4];
  _mm_storeu_ps(l, _mm_castsi128_ps(a));
  return l[lane];
}
#else
#error "simd.h: wasm32 with -msimd128, or a host with SSE2"
#endif

#endif /* BENCH_SIMD_H */
