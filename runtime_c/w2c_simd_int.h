/* w2c_simd_int.h: the integer-lane SIMD instructions (included by
 * w2c_simd.h, which documents the conventions).  Arithmetic is done on the
 * unsigned views; signed views are only compared, widened or shifted, so
 * nothing overflows a signed type. */
#ifndef W2C_SIMD_INT_H
#define W2C_SIMD_INT_H

/* W2C_VP_(vector, portable): the statement for each implementation. */
#if W2C_SIMD_IMPL == W2C_SIMD_VECTOR
#define W2C_VP_(v, p) v
#else
#define W2C_VP_(v, p) p
#endif

/* ---- comparisons: all-ones / zero lanes ---------------------------------- */
#define W2C_ICMP_(sh, U, S, I)                               \
  W2C_V2_(w2c_##sh##_eq, W2C_CMP_(r, a, b, U, I, ==))        \
  W2C_V2_(w2c_##sh##_ne, W2C_CMP_(r, a, b, U, I, !=))        \
  W2C_V2_(w2c_##sh##_lt_s, W2C_CMP_(r, a, b, S, I, <))       \
  W2C_V2_(w2c_##sh##_gt_s, W2C_CMP_(r, a, b, S, I, >))       \
  W2C_V2_(w2c_##sh##_le_s, W2C_CMP_(r, a, b, S, I, <=))      \
  W2C_V2_(w2c_##sh##_ge_s, W2C_CMP_(r, a, b, S, I, >=))
#define W2C_UCMP_(sh, U, I)                                  \
  W2C_V2_(w2c_##sh##_lt_u, W2C_CMP_(r, a, b, U, I, <))       \
  W2C_V2_(w2c_##sh##_gt_u, W2C_CMP_(r, a, b, U, I, >))       \
  W2C_V2_(w2c_##sh##_le_u, W2C_CMP_(r, a, b, U, I, <=))      \
  W2C_V2_(w2c_##sh##_ge_u, W2C_CMP_(r, a, b, U, I, >=))
W2C_ICMP_(i8x16, u8, i8, i8)
W2C_UCMP_(i8x16, u8, i8)
W2C_ICMP_(i16x8, u16, i16, i16)
W2C_UCMP_(i16x8, u16, i16)
W2C_ICMP_(i32x4, u32, i32, i32)
W2C_UCMP_(i32x4, u32, i32)
W2C_ICMP_(i64x2, u64, i64, i64)
#undef W2C_ICMP_
#undef W2C_UCMP_

/* ---- add, sub, mul, neg, abs, shifts ------------------------------------------- */
#define W2C_IARITH_(sh, U, T, S, ST, BITS)                                                  \
  W2C_V2_(w2c_##sh##_add, W2C_MAP2_(r, a, b, U, T, +))                                      \
  W2C_V2_(w2c_##sh##_sub, W2C_MAP2_(r, a, b, U, T, -))                                      \
  W2C_V1_(w2c_##sh##_neg, W2C_MAP1_(r, a, U, T, -))                                         \
  W2C_V1_(w2c_##sh##_abs, W2C_EACH_(r, U, (T)(a.S[i_] < 0 ? (T)0 - a.U[i_] : a.U[i_])))    \
  static inline w2c_v128 w2c_##sh##_shl(w2c_v128 a, uint32_t n) {                          \
    w2c_v128 r;                                                                             \
    W2C_SHIFT_(r, a, U, T, <<, n & (BITS - 1));                                             \
    return r;                                                                               \
  }                                                                                         \
  static inline w2c_v128 w2c_##sh##_shr_u(w2c_v128 a, uint32_t n) {                        \
    w2c_v128 r;                                                                             \
    W2C_SHIFT_(r, a, U, T, >>, n & (BITS - 1));                                             \
    return r;                                                                               \
  }                                                                                         \
  static inline w2c_v128 w2c_##sh##_shr_s(w2c_v128 a, uint32_t n) {                        \
    w2c_v128 r;                                                                             \
    n &= BITS - 1;                                                                          \
    W2C_VP_(W2C_SHIFT_(r, a, S, ST, >>, n),                                                 \
            W2C_EACH_(r, S, (ST)(a.S[i_] < 0 ? ~(~a.S[i_] >> n) : a.S[i_] >> n)));          \
    return r;                                                                               \
  }
W2C_IARITH_(i8x16, u8, uint8_t, i8, int8_t, 8)
W2C_IARITH_(i16x8, u16, uint16_t, i16, int16_t, 16)
W2C_IARITH_(i32x4, u32, uint32_t, i32, int32_t, 32)
W2C_IARITH_(i64x2, u64, uint64_t, i64, int64_t, 64)
#undef W2C_IARITH_
W2C_V2_(w2c_i16x8_mul, W2C_VP_(W2C_MAP2_(r, a, b, u16, uint16_t, *),
                               W2C_EACH_(r, u16, (uint16_t)((uint32_t)a.u16[i_] * b.u16[i_]))))
W2C_V2_(w2c_i32x4_mul, W2C_EACH_(r, u32, (uint32_t)(a.u32[i_] * b.u32[i_])))
W2C_V2_(w2c_i64x2_mul, W2C_MAP2_(r, a, b, u64, uint64_t, *))

/* ---- saturating add/sub, min/max, average ----------------------------------
 * W2C_HW_(sse, neon, portable): SSE2 or NEON intrinsic where there is one. */
#if defined(W2C_SIMD_SSE2_)
#define W2C_HW_(sse, neon, p) sse
#elif defined(W2C_SIMD_NEON_)
#define W2C_HW_(sse, neon, p) neon
#else
#define W2C_HW_(sse, neon, p) p
#endif
static inline int32_t w2c_clamp_(int32_t x, int32_t lo, int32_t hi) {
  return x < lo ? lo : x > hi ? hi : x;
}
#define W2C_SAT_(name, M, T, OP, LO, HI, sse, neon)                                      \
  W2C_V2_(name, W2C_HW_(r.m = sse(a.m, b.m), r.n##M = neon(a.n##M, b.n##M),            \
                        W2C_EACH_(r, M, (T)w2c_clamp_((int32_t)a.M[i_] OP(int32_t) b.M[i_], \
                                                      LO, HI))))
W2C_SAT_(w2c_i8x16_add_sat_s, i8, int8_t, +, -128, 127, _mm_adds_epi8, vqaddq_s8)
W2C_SAT_(w2c_i8x16_add_sat_u, u8, uint8_t, +, 0, 255, _mm_adds_epu8, vqaddq_u8)
W2C_SAT_(w2c_i8x16_sub_sat_s, i8, int8_t, -, -128, 127, _mm_subs_epi8, vqsubq_s8)
W2C_SAT_(w2c_i8x16_sub_sat_u, u8, uint8_t, -, 0, 255, _mm_subs_epu8, vqsubq_u8)
W2C_SAT_(w2c_i16x8_add_sat_s, i16, int16_t, +, -32768, 32767, _mm_adds_epi16, vqaddq_s16)
W2C_SAT_(w2c_i16x8_add_sat_u, u16, uint16_t, +, 0, 65535, _mm_adds_epu16, vqaddq_u16)
W2C_SAT_(w2c_i16x8_sub_sat_s, i16, int16_t, -, -32768, 32767, _mm_subs_epi16, vqsubq_s16)
W2C_SAT_(w2c_i16x8_sub_sat_u, u16, uint16_t, -, 0, 65535, _mm_subs_epu16, vqsubq_u16)
#undef W2C_SAT_

/* min/max: the lane of a where `a OP b`, else b's (vector: a mask select). */
#if W2C_SIMD_IMPL == W2C_SIMD_VECTOR
#define W2C_PICK_(r, a, b, M, U, OP)                                     \
  do {                                                                   \
    __typeof__((a).U) m_ = (__typeof__((a).U))((a).M OP (b).M);          \
    (r).U = ((a).U & m_) | ((b).U & ~m_);                                \
  } while (0)
#else
#define W2C_PICK_(r, a, b, M, U, OP) W2C_EACH_(r, M, (a).M[i_] OP (b).M[i_] ? (a).M[i_] : (b).M[i_])
#endif
#define W2C_MINMAX_(sh, U, S)                                  \
  W2C_V2_(w2c_##sh##_min_s, W2C_PICK_(r, a, b, S, U, <))       \
  W2C_V2_(w2c_##sh##_min_u, W2C_PICK_(r, a, b, U, U, <))       \
  W2C_V2_(w2c_##sh##_max_s, W2C_PICK_(r, a, b, S, U, >))       \
  W2C_V2_(w2c_##sh##_max_u, W2C_PICK_(r, a, b, U, U, >))
W2C_MINMAX_(i8x16, u8, i8)
W2C_MINMAX_(i16x8, u16, i16)
W2C_MINMAX_(i32x4, u32, i32)
#undef W2C_MINMAX_
W2C_V2_(w2c_i8x16_avgr_u,
        W2C_HW_(r.m = _mm_avg_epu8(a.m, b.m), r.nu8 = vrhaddq_u8(a.nu8, b.nu8),
                W2C_EACH_(r, u8, (uint8_t)(((uint32_t)a.u8[i_] + b.u8[i_] + 1) >> 1))))
W2C_V2_(w2c_i16x8_avgr_u,
        W2C_HW_(r.m = _mm_avg_epu16(a.m, b.m), r.nu16 = vrhaddq_u16(a.nu16, b.nu16),
                W2C_EACH_(r, u16, (uint16_t)(((uint32_t)a.u16[i_] + b.u16[i_] + 1) >> 1))))

/* q15mulr_sat_s: (a * b + 2^14) >> 15, saturated (only -32768^2 overflows). */
static inline int16_t w2c_q15mulr_(int16_t a, int16_t b) {
  int32_t p = (int32_t)a * b + 0x4000;
  p = p >= 0 ? p >> 15 : ~(~p >> 15);
  return (int16_t)(p > 32767 ? 32767 : p);
}
#if defined(W2C_SIMD_SSE2_) && defined(__SSSE3__)
/* pmulhrsw gives 0x8000 for -32768 * -32768: flip that lane to 0x7FFF */
#define W2C_SIMD_Q15_SSE_                                                      \
  (r.m = _mm_mulhrs_epi16(a.m, b.m),                                           \
   r.m = _mm_xor_si128(r.m, _mm_cmpeq_epi16(r.m, _mm_set1_epi16(-32768))))
#else
/* SSE2: (p + 2^14) >> 15 of the 32-bit product hi:lo is 2*hi + lo's bit 15
 * + lo's bit 14 (modulo 2^16); then 0x8000 (only from -32768^2) -> 0x7FFF */
#define W2C_SIMD_Q15_SSE_                                                         \
  (r.m = _mm_mullo_epi16(a.m, b.m),                                               \
   r.m = _mm_add_epi16(_mm_add_epi16(_mm_slli_epi16(_mm_mulhi_epi16(a.m, b.m), 1),  \
                                     _mm_srli_epi16(r.m, 15)),                    \
                       _mm_and_si128(_mm_srli_epi16(r.m, 14), _mm_set1_epi16(1))), \
   r.m = _mm_xor_si128(r.m, _mm_cmpeq_epi16(r.m, _mm_set1_epi16(-32768))))
#endif
W2C_V2_(w2c_i16x8_q15mulr_sat_s,
        W2C_HW_(W2C_SIMD_Q15_SSE_, r.ni16 = vqrdmulhq_s16(a.ni16, b.ni16),
                W2C_EACH_(r, i16, w2c_q15mulr_(a.i16[i_], b.i16[i_]))))

/* ---- popcnt, all_true, bitmask ---------------------------------------------------- */
static inline uint8_t w2c_popcnt8_(uint8_t x) {
  x = (uint8_t)(x - ((x >> 1) & 0x55u));
  x = (uint8_t)((x & 0x33u) + ((x >> 2) & 0x33u));
  return (uint8_t)((x + (x >> 4)) & 0x0Fu);
}
W2C_V1_(w2c_i8x16_popcnt, W2C_HW_(W2C_EACH_(r, u8, w2c_popcnt8_(a.u8[i_])),
                                  r.nu8 = vcntq_u8(a.nu8),
                                  W2C_EACH_(r, u8, w2c_popcnt8_(a.u8[i_]))))
/* all_true: no lane is zero (SSE2: no lane compares equal to zero; AArch64:
 * the unsigned minimum across lanes). */
#if defined(W2C_SIMD_SSE2_)
#define W2C_ALL_TRUE_(name, M, sse, a64) \
  static inline uint32_t name(w2c_v128 a) { return _mm_movemask_epi8(sse) == 0; }
#elif defined(W2C_SIMD_NEON_) && defined(__aarch64__)
#define W2C_ALL_TRUE_(name, M, sse, a64) \
  static inline uint32_t name(w2c_v128 a) { return (a64) != 0; }
#else
#define W2C_ALL_TRUE_(name, M, sse, a64)                       \
  static inline uint32_t name(w2c_v128 a) {                    \
    int i_;                                                    \
    for (i_ = 0; i_ < W2C_NL_(a, M); i_++)                     \
      if (!a.M[i_]) return 0;                                  \
    return 1;                                                  \
  }
#endif
W2C_ALL_TRUE_(w2c_i8x16_all_true, u8, _mm_cmpeq_epi8(a.m, _mm_setzero_si128()),
              vminvq_u8(a.nu8))
W2C_ALL_TRUE_(w2c_i16x8_all_true, u16, _mm_cmpeq_epi16(a.m, _mm_setzero_si128()),
              vminvq_u16(a.nu16))
W2C_ALL_TRUE_(w2c_i32x4_all_true, u32, _mm_cmpeq_epi32(a.m, _mm_setzero_si128()),
              vminvq_u32(a.nu32))
/* a 64-bit lane is zero when both its 32-bit halves are */
W2C_ALL_TRUE_(w2c_i64x2_all_true, u64,
              _mm_and_si128(_mm_cmpeq_epi32(a.m, _mm_setzero_si128()),
                            _mm_shuffle_epi32(_mm_cmpeq_epi32(a.m, _mm_setzero_si128()), 0xB1)),
              !vmaxvq_u32(vreinterpretq_u32_u64(vceqzq_u64(a.nu64))))
#undef W2C_ALL_TRUE_
#define W2C_BITMASK_(name, M, BITS, sse)                       \
  static inline uint32_t name(w2c_v128 a) {                    \
    uint32_t r = 0;                                            \
    int k;                                                     \
    W2C_HW_(return (uint32_t)(sse), (void)0, (void)0); \
    for (k = 0; k < W2C_NL_(a, M); k++)                        \
      r |= (uint32_t)(W2C_AT_(a, M, k) >> (BITS - 1)) << k;    \
    return r;                                                  \
  }
W2C_BITMASK_(w2c_i8x16_bitmask, u8, 8, _mm_movemask_epi8(a.m))
W2C_BITMASK_(w2c_i16x8_bitmask, u16, 16,
             _mm_movemask_epi8(_mm_packs_epi16(a.m, _mm_setzero_si128())))
W2C_BITMASK_(w2c_i32x4_bitmask, u32, 32, _mm_movemask_ps(a.mf))
W2C_BITMASK_(w2c_i64x2_bitmask, u64, 64, _mm_movemask_pd(a.md))
#undef W2C_BITMASK_

#if defined(W2C_SIMD_SSE2_) && defined(__SSE4_1__)
#define W2C_SIMD_PACKUS32_ r.m = _mm_packus_epi32(a.m, b.m); return r
#elif defined(W2C_SIMD_SSE2_)
/* SSE2 has no packusdw: negative lanes to 0 (andnot the sign mask), then
 * biased by -32768 into packssdw's range (which saturates the top at
 * 32767, i.e. 65535) and back by flipping bit 15 */
static inline __m128i w2c_sse2_packus32_(__m128i a, __m128i b) {
  const __m128i bias = _mm_set1_epi32(32768);
  a = _mm_sub_epi32(_mm_andnot_si128(_mm_srai_epi32(a, 31), a), bias);
  b = _mm_sub_epi32(_mm_andnot_si128(_mm_srai_epi32(b, 31), b), bias);
  return _mm_xor_si128(_mm_packs_epi32(a, b), _mm_set1_epi16(-32768));
}
#define W2C_SIMD_PACKUS32_ r.m = w2c_sse2_packus32_(a.m, b.m); return r
#else
#define W2C_SIMD_PACKUS32_ (void)0
#endif
/* ---- narrow: lanes of a then b, each saturated to the narrower type --------- */
#define W2C_NARROW_(name, D, DT, S, LO, HI, HW)                                  \
  static inline w2c_v128 name(w2c_v128 a, w2c_v128 b) {                          \
    w2c_v128 r;                                                                  \
    int k, n = W2C_NL_(a, S);                                                    \
    HW;                                                                          \
    for (k = 0; k < n; k++) {                                                    \
      W2C_AT_(r, D, k) = (DT)w2c_clamp_((int32_t)W2C_AT_(a, S, k), LO, HI);      \
      W2C_AT_(r, D, k + n) = (DT)w2c_clamp_((int32_t)W2C_AT_(b, S, k), LO, HI);  \
    }                                                                            \
    return r;                                                                    \
  }
W2C_NARROW_(w2c_i8x16_narrow_i16x8_s, i8, int8_t, i16, -128, 127,
            W2C_HW_(r.m = _mm_packs_epi16(a.m, b.m); return r,
                    r.ni8 = vcombine_s8(vqmovn_s16(a.ni16), vqmovn_s16(b.ni16)); return r,
                    (void)0))
W2C_NARROW_(w2c_i8x16_narrow_i16x8_u, u8, uint8_t, i16, 0, 255,
            W2C_HW_(r.m = _mm_packus_epi16(a.m, b.m); return r,
                    r.nu8 = vcombine_u8(vqmovun_s16(a.ni16), vqmovun_s16(b.ni16)); return r,
                    (void)0))
W2C_NARROW_(w2c_i16x8_narrow_i32x4_s, i16, int16_t, i32, -32768, 32767,
            W2C_HW_(r.m = _mm_packs_epi32(a.m, b.m); return r,
                    r.ni16 = vcombine_s16(vqmovn_s32(a.ni32), vqmovn_s32(b.ni32)); return r,
                    (void)0))
W2C_NARROW_(w2c_i16x8_narrow_i32x4_u, u16, uint16_t, i32, 0, 65535,
            W2C_HW_(W2C_SIMD_PACKUS32_,
                    r.nu16 = vcombine_u16(vqmovun_s32(a.ni32), vqmovun_s32(b.ni32)); return r,
                    (void)0))
#undef W2C_NARROW_

/* ---- widening: extend, extmul, extadd_pairwise, dot --------------------------
 * lane k of the result from lane k + H (H: 0 low, half the lanes high). */
#if W2C_SIMD_IMPL == W2C_SIMD_VECTOR && defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector) && __has_builtin(__builtin_convertvector)
#define W2C_SIMD_CONVERT_ 1
#endif
#endif
#ifdef W2C_SIMD_CONVERT_
/* The half of view S holding Wasm lanes H.. (native elements from st: the
 * high half comes first in memory on big-endian hosts), converted to the
 * wider vector type DV: pmovsx/punpck, vmovl, ... */
#define W2C_HALF16_(v, st) __builtin_shufflevector(v, v, st, st + 1, st + 2, st + 3, st + 4, \
                                                   st + 5, st + 6, st + 7)
#define W2C_HALF8_(v, st) __builtin_shufflevector(v, v, st, st + 1, st + 2, st + 3)
#define W2C_HALF4_(v, st) __builtin_shufflevector(v, v, st, st + 1)
#define W2C_WIDE_(v, S, N, H, DV) \
  __builtin_convertvector(W2C_HALF##N##_((v).S, (((H) != 0) != W2C_SIMD_LANES_REVERSED ? (N) / 2 : 0)), DV)
#define W2C_EXT_(name, D, DT, S, N, H) \
  W2C_V1_(name, r.D = W2C_WIDE_(a, S, N, H, __typeof__(r.D)))
/* both operands widened in the result's signedness: no product overflows */
#define W2C_EXTMUL_(name, D, DT, PD, S, N, H) \
  W2C_V2_(name, r.PD = W2C_WIDE_(a, S, N, H, __typeof__(r.PD)) * W2C_WIDE_(b, S, N, H, __typeof__(r.PD)))
#else
#define W2C_EXT_(name, D, DT, S, N, H)                                      \
  W2C_V1_(name, {                                                           \
    int k;                                                                  \
    for (k = 0; k < W2C_NL_(r, D); k++)                                     \
      W2C_AT_(r, D, k) = (DT)W2C_AT_(a, S, k + H);                          \
  })
/* the product formed in the type of view PD's lanes (signed for _s: no
 * overflow), stored modulo 2^N in the unsigned lane */
#define W2C_EXTMUL_(name, D, DT, PD, S, N, H)                               \
  W2C_V2_(name, {                                                           \
    int k;                                                                  \
    for (k = 0; k < W2C_NL_(r, D); k++)                                     \
      W2C_AT_(r, D, k) = (DT)((__typeof__(r.PD[0]))W2C_AT_(a, S, k + H) *   \
                              (__typeof__(r.PD[0]))W2C_AT_(b, S, k + H));   \
  })
#endif
#define W2C_WIDEN_(sh, D, DT, DU, DUT, S, N)                                \
  W2C_EXT_(w2c_##sh##_extend_low_##S##_s, D, DT, S##s_, N, 0)               \
  W2C_EXT_(w2c_##sh##_extend_high_##S##_s, D, DT, S##s_, N, N / 2)          \
  W2C_EXT_(w2c_##sh##_extend_low_##S##_u, DU, DUT, S##u_, N, 0)             \
  W2C_EXT_(w2c_##sh##_extend_high_##S##_u, DU, DUT, S##u_, N, N / 2)        \
  W2C_EXTMUL_(w2c_##sh##_extmul_low_##S##_s, DU, DUT, D, S##s_, N, 0)       \
  W2C_EXTMUL_(w2c_##sh##_extmul_high_##S##_s, DU, DUT, D, S##s_, N, N / 2)  \
  W2C_EXTMUL_(w2c_##sh##_extmul_low_##S##_u, DU, DUT, DU, S##u_, N, 0)      \
  W2C_EXTMUL_(w2c_##sh##_extmul_high_##S##_u, DU, DUT, DU, S##u_, N, N / 2)
/* view names by source shape: i8x16s_ is the signed view of i8x16 lanes */
#define i8x16s_ i8
#define i8x16u_ u8
#define i16x8s_ i16
#define i16x8u_ u16
#define i32x4s_ i32
#define i32x4u_ u32
#ifdef W2C_SIMD_NEON_
/* vmovl / vmull of the low or high half */
#define W2C_NEXT_(sh, D, S, SFX, HALF, from)                                       \
  W2C_V1_(w2c_##sh##_extend_##HALF##_##from, r.n##D = vmovl_##SFX(vget_##HALF##_##SFX(a.n##S))) \
  W2C_V2_(w2c_##sh##_extmul_##HALF##_##from,                                       \
          r.n##D = vmull_##SFX(vget_##HALF##_##SFX(a.n##S), vget_##HALF##_##SFX(b.n##S)))
#define W2C_NWIDEN_(sh, SD, UD, SS, US, SX, UX, src)                               \
  W2C_NEXT_(sh, SD, SS, SX, low, src##_s)                                          \
  W2C_NEXT_(sh, SD, SS, SX, high, src##_s)                                         \
  W2C_NEXT_(sh, UD, US, UX, low, src##_u)                                          \
  W2C_NEXT_(sh, UD, US, UX, high, src##_u)
W2C_NWIDEN_(i16x8, i16, u16, i8, u8, s8, u8, i8x16)
W2C_NWIDEN_(i32x4, i32, u32, i16, u16, s16, u16, i16x8)
W2C_NWIDEN_(i64x2, i64, u64, i32, u32, s32, u32, i32x4)
#undef W2C_NEXT_
#undef W2C_NWIDEN_
#elif defined(W2C_SIMD_SSE2_)
/* x86: extend by punpck with zero (unsigned) or with the vector itself and
 * an arithmetic shift (signed; pmovsx for the low half with SSE4.1), i64 by
 * punpck with the sign mask (GCC makes 5-7 instructions of the shuffle +
 * convert above).  extmul: i16 lanes pmullw of the extended halves; i32
 * lanes pmullw + pmulhw/pmulhuw interleaved; i64 lanes pmuludq (signed:
 * pmuldq with SSE4.1, else the unsigned product less the correction
 * (a < 0 ? b : 0) + (b < 0 ? a : 0) in the high half). */
#define W2C_Z_ _mm_setzero_si128()
#ifdef __SSE4_1__
W2C_V1_(w2c_i16x8_extend_low_i8x16_s, r.m = _mm_cvtepi8_epi16(a.m))
W2C_V1_(w2c_i32x4_extend_low_i16x8_s, r.m = _mm_cvtepi16_epi32(a.m))
W2C_V1_(w2c_i64x2_extend_low_i32x4_s, r.m = _mm_cvtepi32_epi64(a.m))
#else
W2C_V1_(w2c_i16x8_extend_low_i8x16_s, r.m = _mm_srai_epi16(_mm_unpacklo_epi8(a.m, a.m), 8))
W2C_V1_(w2c_i32x4_extend_low_i16x8_s, r.m = _mm_srai_epi32(_mm_unpacklo_epi16(a.m, a.m), 16))
W2C_V1_(w2c_i64x2_extend_low_i32x4_s, r.m = _mm_unpacklo_epi32(a.m, _mm_srai_epi32(a.m, 31)))
#endif
W2C_V1_(w2c_i16x8_extend_high_i8x16_s, r.m = _mm_srai_epi16(_mm_unpackhi_epi8(a.m, a.m), 8))
W2C_V1_(w2c_i32x4_extend_high_i16x8_s, r.m = _mm_srai_epi32(_mm_unpackhi_epi16(a.m, a.m), 16))
W2C_V1_(w2c_i64x2_extend_high_i32x4_s, r.m = _mm_unpackhi_epi32(a.m, _mm_srai_epi32(a.m, 31)))
W2C_V1_(w2c_i16x8_extend_low_i8x16_u, r.m = _mm_unpacklo_epi8(a.m, W2C_Z_))
W2C_V1_(w2c_i16x8_extend_high_i8x16_u, r.m = _mm_unpackhi_epi8(a.m, W2C_Z_))
W2C_V1_(w2c_i32x4_extend_low_i16x8_u, r.m = _mm_unpacklo_epi16(a.m, W2C_Z_))
W2C_V1_(w2c_i32x4_extend_high_i16x8_u, r.m = _mm_unpackhi_epi16(a.m, W2C_Z_))
W2C_V1_(w2c_i64x2_extend_low_i32x4_u, r.m = _mm_unpacklo_epi32(a.m, W2C_Z_))
W2C_V1_(w2c_i64x2_extend_high_i32x4_u, r.m = _mm_unpackhi_epi32(a.m, W2C_Z_))
#define W2C_XM16_(half, from)                                                        \
  W2C_V2_(w2c_i16x8_extmul_##half##_i8x16_##from,                                    \
          r.m = _mm_mullo_epi16(w2c_i16x8_extend_##half##_i8x16_##from(a).m,          \
                                w2c_i16x8_extend_##half##_i8x16_##from(b).m))
W2C_XM16_(low, s)
W2C_XM16_(high, s)
W2C_XM16_(low, u)
W2C_XM16_(high, u)
#undef W2C_XM16_
#define W2C_XM32_(half, from, unpack, mulhi)                                          \
  W2C_V2_(w2c_i32x4_extmul_##half##_i16x8_##from,                                    \
          r.m = unpack(_mm_mullo_epi16(a.m, b.m), mulhi(a.m, b.m)))
W2C_XM32_(low, s, _mm_unpacklo_epi16, _mm_mulhi_epi16)
W2C_XM32_(high, s, _mm_unpackhi_epi16, _mm_mulhi_epi16)
W2C_XM32_(low, u, _mm_unpacklo_epi16, _mm_mulhi_epu16)
W2C_XM32_(high, u, _mm_unpackhi_epi16, _mm_mulhi_epu16)
#undef W2C_XM32_
/* the two 32-bit lanes of a half in lanes 0 and 2, as pmuludq reads them */
#define W2C_LO2_(v) _mm_shuffle_epi32(v, _MM_SHUFFLE(1, 1, 0, 0))
#define W2C_HI2_(v) _mm_shuffle_epi32(v, _MM_SHUFFLE(3, 3, 2, 2))
W2C_V2_(w2c_i64x2_extmul_low_i32x4_u, r.m = _mm_mul_epu32(W2C_LO2_(a.m), W2C_LO2_(b.m)))
W2C_V2_(w2c_i64x2_extmul_high_i32x4_u, r.m = _mm_mul_epu32(W2C_HI2_(a.m), W2C_HI2_(b.m)))
#ifdef __SSE4_1__
W2C_V2_(w2c_i64x2_extmul_low_i32x4_s, r.m = _mm_mul_epi32(W2C_LO2_(a.m), W2C_LO2_(b.m)))
W2C_V2_(w2c_i64x2_extmul_high_i32x4_s, r.m = _mm_mul_epi32(W2C_HI2_(a.m), W2C_HI2_(b.m)))
#else
static inline __m128i w2c_sse2_mul_epi32_(__m128i a, __m128i b) {
  __m128i fix = _mm_add_epi32(_mm_and_si128(_mm_srai_epi32(a, 31), b),
                              _mm_and_si128(_mm_srai_epi32(b, 31), a));
  return _mm_sub_epi64(_mm_mul_epu32(a, b), _mm_slli_epi64(fix, 32));
}
W2C_V2_(w2c_i64x2_extmul_low_i32x4_s, r.m = w2c_sse2_mul_epi32_(W2C_LO2_(a.m), W2C_LO2_(b.m)))
W2C_V2_(w2c_i64x2_extmul_high_i32x4_s, r.m = w2c_sse2_mul_epi32_(W2C_HI2_(a.m), W2C_HI2_(b.m)))
#endif
#undef W2C_LO2_
#undef W2C_HI2_
#undef W2C_Z_
#else
W2C_WIDEN_(i16x8, i16, int16_t, u16, uint16_t, i8x16, 16)
W2C_WIDEN_(i32x4, i32, int32_t, u32, uint32_t, i16x8, 8)
W2C_WIDEN_(i64x2, i64, int64_t, u64, uint64_t, i32x4, 4)
#endif
#undef i8x16s_
#undef i8x16u_
#undef i16x8s_
#undef i16x8u_
#undef i32x4s_
#undef i32x4u_
#undef W2C_WIDEN_
#undef W2C_EXT_
#undef W2C_EXTMUL_

/* extadd_pairwise: lane k = lane 2k + lane 2k+1 (never overflows). */
#define W2C_EXTADD_(name, D, DT, S)                                                \
  W2C_V1_(name, {                                                                  \
    int k;                                                                         \
    for (k = 0; k < W2C_NL_(r, D); k++)                                            \
      W2C_AT_(r, D, k) = (DT)(W2C_AT_(a, S, 2 * k) + W2C_AT_(a, S, 2 * k + 1));    \
  })
#if defined(W2C_SIMD_SSE2_)
/* bytes: the low byte of each 16-bit lane (sign- or zero-extended by
 * shifts) plus the high one; 16-bit: pmaddwd by 1 (unsigned: biased by
 * -32768 into signed range, 2 * 32768 added back) */
W2C_V1_(w2c_i16x8_extadd_pairwise_i8x16_s,
        r.m = _mm_add_epi16(_mm_srai_epi16(_mm_slli_epi16(a.m, 8), 8), _mm_srai_epi16(a.m, 8)))
W2C_V1_(w2c_i16x8_extadd_pairwise_i8x16_u,
        r.m = _mm_add_epi16(_mm_and_si128(a.m, _mm_set1_epi16(0xFF)), _mm_srli_epi16(a.m, 8)))
W2C_V1_(w2c_i32x4_extadd_pairwise_i16x8_s, r.m = _mm_madd_epi16(a.m, _mm_set1_epi16(1)))
W2C_V1_(w2c_i32x4_extadd_pairwise_i16x8_u,
        r.m = _mm_add_epi32(_mm_madd_epi16(_mm_xor_si128(a.m, _mm_set1_epi16(-32768)),
                                           _mm_set1_epi16(1)),
                            _mm_set1_epi32(65536)))
#elif defined(W2C_SIMD_NEON_)
W2C_V1_(w2c_i16x8_extadd_pairwise_i8x16_s, r.ni16 = vpaddlq_s8(a.ni8))
W2C_V1_(w2c_i16x8_extadd_pairwise_i8x16_u, r.nu16 = vpaddlq_u8(a.nu8))
W2C_V1_(w2c_i32x4_extadd_pairwise_i16x8_s, r.ni32 = vpaddlq_s16(a.ni16))
W2C_V1_(w2c_i32x4_extadd_pairwise_i16x8_u, r.nu32 = vpaddlq_u16(a.nu16))
#else
W2C_EXTADD_(w2c_i16x8_extadd_pairwise_i8x16_s, i16, int16_t, i8)
W2C_EXTADD_(w2c_i16x8_extadd_pairwise_i8x16_u, u16, uint16_t, u8)
W2C_EXTADD_(w2c_i32x4_extadd_pairwise_i16x8_s, i32, int32_t, i16)
W2C_EXTADD_(w2c_i32x4_extadd_pairwise_i16x8_u, u32, uint32_t, u16)
#endif
#undef W2C_EXTADD_

/* dot_i16x8_s: lane k = a[2k]*b[2k] + a[2k+1]*b[2k+1], modulo 2^32. */
static inline w2c_v128 w2c_i32x4_dot_i16x8_s(w2c_v128 a, w2c_v128 b) {
  w2c_v128 r;
#if defined(W2C_SIMD_SSE2_)
  r.m = _mm_madd_epi16(a.m, b.m);
#else
  int k;
  for (k = 0; k < 4; k++)
    W2C_AT_(r, u32, k) =
        (uint32_t)((int32_t)W2C_AT_(a, i16, 2 * k) * W2C_AT_(b, i16, 2 * k)) +
        (uint32_t)((int32_t)W2C_AT_(a, i16, 2 * k + 1) * W2C_AT_(b, i16, 2 * k + 1));
#endif
  return r;
}

#endif /* W2C_SIMD_INT_H */
