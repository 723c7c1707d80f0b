/* w2c_simd_float.h: the float-lane SIMD instructions, the conversions and
 * relaxed SIMD (included by w2c_simd.h).  NaN results follow w2c_num.h: the
 * hardware's arithmetic NaN (canonical when the inputs are), bit operations
 * for abs/neg, w2c_f32_min & co. for min/max. */
#ifndef W2C_SIMD_FLOAT_H
#define W2C_SIMD_FLOAT_H

/* ---- comparisons, arithmetic ------------------------------------------------- */
#define W2C_FLANES_(sh, F, T, I, U, UT, SIGN)                                \
  W2C_V2_(w2c_##sh##_eq, W2C_CMP_(r, a, b, F, I, ==))                              \
  W2C_V2_(w2c_##sh##_ne, W2C_CMP_(r, a, b, F, I, !=))                              \
  W2C_V2_(w2c_##sh##_lt, W2C_CMP_(r, a, b, F, I, <))                               \
  W2C_V2_(w2c_##sh##_gt, W2C_CMP_(r, a, b, F, I, >))                               \
  W2C_V2_(w2c_##sh##_le, W2C_CMP_(r, a, b, F, I, <=))                              \
  W2C_V2_(w2c_##sh##_ge, W2C_CMP_(r, a, b, F, I, >=))                              \
  W2C_V2_(w2c_##sh##_add, W2C_MAP2_(r, a, b, F, T, +))                             \
  W2C_V2_(w2c_##sh##_sub, W2C_MAP2_(r, a, b, F, T, -))                             \
  W2C_V2_(w2c_##sh##_mul, W2C_MAP2_(r, a, b, F, T, *))                             \
  W2C_V2_(w2c_##sh##_div, W2C_MAP2_(r, a, b, F, T, /))                             \
  W2C_V1_(w2c_##sh##_abs, W2C_EACH_(r, U, (UT)(a.U[i_] & ~(UT)SIGN)))              \
  W2C_V1_(w2c_##sh##_neg, W2C_EACH_(r, U, (UT)(a.U[i_] ^ (UT)SIGN)))               \
  /* pmin: b < a ? b : a;  pmax: a < b ? b : a (the operand's bits) */            \
  W2C_V2_(w2c_##sh##_pmin, W2C_PICK_(r, b, a, F, U, <))                            \
  W2C_V2_(w2c_##sh##_pmax, W2C_PICK_(r, b, a, F, U, >))
W2C_FLANES_(f32x4, f32, float, i32, u32, uint32_t, W2C_F32_SIGN)
W2C_FLANES_(f64x2, f64, double, i64, u64, uint64_t, W2C_F64_SIGN)
#undef W2C_FLANES_

/* min/max: a NaN operand gives a NaN (a + b), -0 < +0.  Vector: masks of
 * a < b, b < a and unordered; equal lanes (+-0 included) take a | b for min,
 * a & b for max. */
#if defined(W2C_SIMD_SSE2_)
/* minps/maxps in both orders (they return the second operand for NaN and
 * for +-0), merged; NaN lanes become the (negative) canonical NaN (V8's
 * sequence).  SH: the shift that turns an all-ones lane into the mask of
 * the payload bits below the quiet bit. */
#define W2C_FMINMAX_SSE_(sh, T, I, VT, SH)                                                   \
  static inline w2c_v128 w2c_##sh##_min(w2c_v128 a, w2c_v128 b) {                       \
    w2c_v128 r;                                                                         \
    VT x = _mm_min_##T(a.m##I, b.m##I), y = _mm_min_##T(b.m##I, a.m##I), n;      \
    x = _mm_or_##T(x, y);                                                               \
    n = _mm_cmpunord_##T(y, x);                                                         \
    x = _mm_or_##T(x, n);                                                               \
    r.m##I = _mm_andnot_##T(_mm_castsi128_##T(SH(_mm_cast##T##_si128(n))), x);          \
    return r;                                                                           \
  }                                                                                     \
  static inline w2c_v128 w2c_##sh##_max(w2c_v128 a, w2c_v128 b) {                       \
    w2c_v128 r;                                                                         \
    VT x = _mm_max_##T(a.m##I, b.m##I), y = _mm_max_##T(b.m##I, a.m##I), n;      \
    y = _mm_xor_##T(y, x);    /* the lanes where the orders disagree */                 \
    x = _mm_or_##T(x, y);     /* NaNs through */                                        \
    x = _mm_sub_##T(x, y);    /* +0 wins over -0; NaNs stay quiet NaNs */               \
    n = _mm_cmpunord_##T(y, x);                                                         \
    r.m##I = _mm_andnot_##T(_mm_castsi128_##T(SH(_mm_cast##T##_si128(n))), x);          \
    return r;                                                                           \
  }
#define W2C_SH32_(v) _mm_srli_epi32(v, 10)
#define W2C_SH64_(v) _mm_srli_epi64(v, 13)
W2C_FMINMAX_SSE_(f32x4, ps, f, __m128, W2C_SH32_)
W2C_FMINMAX_SSE_(f64x2, pd, d, __m128d, W2C_SH64_)
#undef W2C_FMINMAX_SSE_
#undef W2C_SH32_
#undef W2C_SH64_
#elif defined(W2C_SIMD_NEON_) && defined(__aarch64__)
/* AArch64 fmin/fmax are Wasm's: NaN in, NaN out (quiet), -0 < +0 */
W2C_V2_(w2c_f32x4_min, r.nf32 = vminq_f32(a.nf32, b.nf32))
W2C_V2_(w2c_f32x4_max, r.nf32 = vmaxq_f32(a.nf32, b.nf32))
W2C_V2_(w2c_f64x2_min, r.nf64 = vminq_f64(a.nf64, b.nf64))
W2C_V2_(w2c_f64x2_max, r.nf64 = vmaxq_f64(a.nf64, b.nf64))
#elif W2C_SIMD_IMPL == W2C_SIMD_VECTOR
#define W2C_FMINMAX_(name, F, U, LT, EQ)                                         \
  W2C_V2_(name, {                                                                \
    __typeof__(a.U) lt_ = (__typeof__(a.U))(a.F LT b.F);                         \
    __typeof__(a.U) gt_ = (__typeof__(a.U))(b.F LT a.F);                         \
    __typeof__(a.U) un_ = (__typeof__(a.U))((a.F != a.F) | (b.F != b.F));       \
    w2c_v128 n_;                                                                 \
    n_.F = a.F + b.F;                                                            \
    r.U = (a.U & lt_) | (b.U & gt_) | ((a.U EQ b.U) & ~(lt_ | gt_ | un_)) |      \
          (n_.U & un_);                                                          \
  })
W2C_FMINMAX_(w2c_f32x4_min, f32, u32, <, |)
W2C_FMINMAX_(w2c_f32x4_max, f32, u32, >, &)
W2C_FMINMAX_(w2c_f64x2_min, f64, u64, <, |)
W2C_FMINMAX_(w2c_f64x2_max, f64, u64, >, &)
#undef W2C_FMINMAX_
#else
W2C_V2_(w2c_f32x4_min, W2C_EACH_(r, f32, w2c_f32_min(a.f32[i_], b.f32[i_])))
W2C_V2_(w2c_f32x4_max, W2C_EACH_(r, f32, w2c_f32_max(a.f32[i_], b.f32[i_])))
W2C_V2_(w2c_f64x2_min, W2C_EACH_(r, f64, w2c_f64_min(a.f64[i_], b.f64[i_])))
W2C_V2_(w2c_f64x2_max, W2C_EACH_(r, f64, w2c_f64_max(a.f64[i_], b.f64[i_])))
#endif

/* ---- sqrt, rounding: SSE2/SSE4.1 or AArch64 instructions, else per lane --- */
#if defined(W2C_SIMD_SSE2_)
#define W2C_FHW_(sse32, sse64, neon32, neon64, p) sse32 sse64
#elif defined(W2C_SIMD_NEON_) && defined(__aarch64__)
#define W2C_FHW_(sse32, sse64, neon32, neon64, p) neon32 neon64
#else
#define W2C_FHW_(sse32, sse64, neon32, neon64, p) p
#endif
#if defined(W2C_SIMD_SSE2_) && !defined(__SSE4_1__)
/* SSE2 has no roundps: |x| < 2^23 (2^52) becomes an integer by adding and
 * subtracting 2^23 (to nearest, ties to even: the default mode), ceil/floor/
 * trunc then step by one, and x's sign goes back on (ceil(-0.5) = -0).
 * Larger |x|, infinities and NaN are integral: x + 0 (quiets a NaN).
 * mode: 0 ceil, 1 floor, 2 trunc, 3 nearest (a constant once inlined). */
#define W2C_SSE2_ROUND_(name, V, T, BIG)                                           \
  static inline V name(V x, int mode) {                                            \
    const V sign = _mm_set1_##T(-0.0), big = _mm_set1_##T(BIG), one = _mm_set1_##T(1.0); \
    V s = _mm_and_##T(x, sign), ax = _mm_andnot_##T(sign, x);                      \
    V small = _mm_cmplt_##T(ax, big), t = _mm_sub_##T(_mm_add_##T(ax, big), big);  \
    if (mode == 2) t = _mm_sub_##T(t, _mm_and_##T(_mm_cmpgt_##T(t, ax), one));     \
    t = _mm_or_##T(t, s);                                                          \
    if (mode == 0) t = _mm_or_##T(_mm_add_##T(t, _mm_and_##T(_mm_cmplt_##T(t, x), one)), s); \
    if (mode == 1) t = _mm_or_##T(_mm_sub_##T(t, _mm_and_##T(_mm_cmpgt_##T(t, x), one)), s); \
    return _mm_or_##T(_mm_and_##T(small, t),                                       \
                      _mm_andnot_##T(small, _mm_add_##T(x, _mm_setzero_##T())));    \
  }
W2C_SSE2_ROUND_(w2c_sse2_round_ps_, __m128, ps, 8388608.0)
W2C_SSE2_ROUND_(w2c_sse2_round_pd_, __m128d, pd, 4503599627370496.0)
#undef W2C_SSE2_ROUND_
#define W2C_SSE_ROUND_(F, T, mode, m2) r.m##F = w2c_sse2_round_##T##_(a.m##F, m2)
#else
#define W2C_SSE_ROUND_(F, T, mode, m2) r.m##F = _mm_round_##T(a.m##F, mode | _MM_FROUND_NO_EXC)
#endif
#define W2C_FROUND_(op, mode, m2, neon)                                                  \
  W2C_V1_(w2c_f32x4_##op, W2C_FHW_(W2C_SSE_ROUND_(f, ps, mode, m2), ,                    \
                                   r.nf32 = neon##q_f32(a.nf32), ,                       \
                                   W2C_EACH_(r, f32, w2c_f32_##op(a.f32[i_]))))          \
  W2C_V1_(w2c_f64x2_##op, W2C_FHW_(W2C_SSE_ROUND_(d, pd, mode, m2), ,                    \
                                   r.nf64 = neon##q_f64(a.nf64), ,                       \
                                   W2C_EACH_(r, f64, w2c_f64_##op(a.f64[i_]))))
W2C_FROUND_(ceil, _MM_FROUND_TO_POS_INF, 0, vrndp)
W2C_FROUND_(floor, _MM_FROUND_TO_NEG_INF, 1, vrndm)
W2C_FROUND_(trunc, _MM_FROUND_TO_ZERO, 2, vrnd)
W2C_FROUND_(nearest, _MM_FROUND_TO_NEAREST_INT, 3, vrndn)
#undef W2C_FROUND_
W2C_V1_(w2c_f32x4_sqrt, W2C_FHW_(r.mf = _mm_sqrt_ps(a.mf), , r.nf32 = vsqrtq_f32(a.nf32), ,
                                 W2C_EACH_(r, f32, W2C_SQRTF(a.f32[i_]))))
W2C_V1_(w2c_f64x2_sqrt, W2C_FHW_(r.md = _mm_sqrt_pd(a.md), , r.nf64 = vsqrtq_f64(a.nf64), ,
                                 W2C_EACH_(r, f64, W2C_SQRT(a.f64[i_]))))

/* ---- conversions ---------------------------------------------------------------- */
static inline w2c_v128 w2c_i32x4_trunc_sat_f32x4_s(w2c_v128 a) {
  w2c_v128 r;
#if defined(W2C_SIMD_SSE2_)
  /* cvttps2dq gives 0x80000000 for NaN and overflow: NaN lanes are zeroed
   * first, lanes >= 2^31 flipped to 0x7FFFFFFF after */
  __m128 x = _mm_and_ps(a.mf, _mm_cmpeq_ps(a.mf, a.mf));
  r.m = _mm_xor_si128(_mm_cvttps_epi32(x),
                      _mm_castps_si128(_mm_cmpge_ps(x, _mm_set1_ps(2147483648.0f))));
#elif defined(W2C_SIMD_NEON_)
  r.ni32 = vcvtq_s32_f32(a.nf32); /* saturates, NaN -> 0 */
#else
  W2C_EACH_(r, u32, w2c_i32_trunc_sat_f32_s(a.f32[i_]));
#endif
  return r;
}
W2C_V1_(w2c_i32x4_trunc_sat_f32x4_u,
        W2C_HW_(W2C_EACH_(r, u32, w2c_i32_trunc_sat_f32_u(a.f32[i_])),
                r.nu32 = vcvtq_u32_f32(a.nf32),
                W2C_EACH_(r, u32, w2c_i32_trunc_sat_f32_u(a.f32[i_]))))
W2C_V1_(w2c_f32x4_convert_i32x4_s,
        W2C_VP_(r.f32 = __builtin_convertvector(a.i32, w2c_vf32_),
                W2C_EACH_(r, f32, (float)a.i32[i_])))
W2C_V1_(w2c_f32x4_convert_i32x4_u,
        W2C_VP_(r.f32 = __builtin_convertvector(a.u32, w2c_vf32_),
                W2C_EACH_(r, f32, (float)a.u32[i_])))
/* the two f64 lanes to lanes 0 and 1, lanes 2 and 3 zero */
#define W2C_FROM_F64X2_(name, M, T, conv)                              \
  W2C_V1_(name, {                                                      \
    W2C_AT_(r, M, 0) = (T)conv(W2C_AT_(a, f64, 0));                    \
    W2C_AT_(r, M, 1) = (T)conv(W2C_AT_(a, f64, 1));                    \
    W2C_AT_(r, u32, 2) = 0;                                            \
    W2C_AT_(r, u32, 3) = 0;                                            \
  })
W2C_FROM_F64X2_(w2c_i32x4_trunc_sat_f64x2_u_zero, u32, uint32_t, w2c_i32_trunc_sat_f64_u)
#if defined(W2C_SIMD_SSE2_)
/* NaN lanes zeroed, then clamped below 2^31: cvttpd2dq gives 0x80000000
 * only for values < -2^31 then, which is the saturated result */
W2C_V1_(w2c_i32x4_trunc_sat_f64x2_s_zero,
        r.m = _mm_cvttpd_epi32(_mm_min_pd(_mm_and_pd(a.md, _mm_cmpeq_pd(a.md, a.md)),
                                          _mm_set1_pd(2147483647.0))))
/* cvtpd2ps / cvtps2pd quiet a NaN keeping the top of its payload, as
 * w2c_f32_demote_f64 / w2c_f64_promote_f32 do */
W2C_V1_(w2c_f32x4_demote_f64x2_zero, r.mf = _mm_cvtpd_ps(a.md))
W2C_V1_(w2c_f64x2_promote_low_f32x4, r.md = _mm_cvtps_pd(a.mf))
#define W2C_SIMD_PROMOTE_ 1
#else
W2C_FROM_F64X2_(w2c_i32x4_trunc_sat_f64x2_s_zero, u32, uint32_t, w2c_i32_trunc_sat_f64_s)
W2C_FROM_F64X2_(w2c_f32x4_demote_f64x2_zero, f32, float, w2c_f32_demote_f64)
#endif
#undef W2C_FROM_F64X2_
/* lanes 0 and 1 to the two f64 lanes */
#define W2C_TO_F64X2_(name, M, conv)                                   \
  W2C_V1_(name, {                                                      \
    W2C_AT_(r, f64, 0) = conv(W2C_AT_(a, M, 0));                       \
    W2C_AT_(r, f64, 1) = conv(W2C_AT_(a, M, 1));                       \
  })
W2C_TO_F64X2_(w2c_f64x2_convert_low_i32x4_s, i32, (double))
W2C_TO_F64X2_(w2c_f64x2_convert_low_i32x4_u, u32, (double))
#ifndef W2C_SIMD_PROMOTE_
W2C_TO_F64X2_(w2c_f64x2_promote_low_f32x4, f32, w2c_f64_promote_f32)
#endif
#undef W2C_TO_F64X2_

/* ---- relaxed SIMD ----------------------------------------------------------
 * Each returns one of the results the proposal allows, the same on every
 * call of a given build.  Everywhere but x86 (see below):
 *   relaxed_swizzle = swizzle (0 for indices >= 16);
 *   relaxed_trunc* = trunc_sat* (NaN 0, saturated);
 *   relaxed_madd/nmadd: fused (one rounding) when W2C_SIMD_RELAXED_FMA is
 *     1, else a*b+c / -(a*b)+c rounded twice;
 *   relaxed_laneselect = bitselect;  relaxed_min/max = min/max;
 *   relaxed_q15mulr_s = q15mulr_sat_s;
 *   relaxed_dot_i8x16_i7x16_s: b's lanes signed, the pair sum modulo 2^16;
 *   relaxed_dot_i8x16_i7x16_add_s: b's lanes signed, four products and c
 *     summed modulo 2^32.
 * x86 vector builds use the instruction instead: relaxed_trunc_f32x4_s and
 * _f64x2_s_zero cvttps2dq/cvttpd2dq (NaN and overflow 0x80000000);
 * relaxed_min/max minps/maxps (the second operand for NaN and +-0); with
 * SSSE3 relaxed_swizzle pshufb (indices 16..127 take lane index & 15),
 * relaxed_q15mulr_s pmulhrsw (0x8000 for -32768^2), the dots pmaddubsw (b's
 * lanes unsigned, pair sums saturated); with SSE4.1 relaxed_laneselect of
 * 8, 32 and 64-bit lanes pblendvb/blendvps/blendvpd (the mask's top bit). */
#ifndef W2C_SIMD_RELAXED_FMA
#if defined(__GNUC__) && defined(__FP_FAST_FMAF) && defined(__FP_FAST_FMA)
#define W2C_SIMD_RELAXED_FMA 1
#else
#define W2C_SIMD_RELAXED_FMA 0
#endif
#endif
#if W2C_SIMD_RELAXED_FMA && !defined(__GNUC__)
#error "w2c: W2C_SIMD_RELAXED_FMA 1 needs GCC/clang's __builtin_fma: define it 0."
#endif
#if W2C_SIMD_RELAXED_FMA
#define W2C_FMA32_(x, y, z) __builtin_fmaf(x, y, z)
#define W2C_FMA64_(x, y, z) __builtin_fma(x, y, z)
#else
#define W2C_FMA32_(x, y, z) ((x) * (y) + (z))
#define W2C_FMA64_(x, y, z) ((x) * (y) + (z))
#endif
#define W2C_MADD_(name, F, FMA, NEG)                                                       \
  static inline w2c_v128 name(w2c_v128 a, w2c_v128 b, w2c_v128 c) {                        \
    w2c_v128 r;                                                                            \
    W2C_EACH_(r, F, FMA(NEG a.F[i_], b.F[i_], c.F[i_]));                                   \
    return r;                                                                              \
  }
W2C_MADD_(w2c_f32x4_relaxed_madd, f32, W2C_FMA32_, +)
W2C_MADD_(w2c_f32x4_relaxed_nmadd, f32, W2C_FMA32_, -)
W2C_MADD_(w2c_f64x2_relaxed_madd, f64, W2C_FMA64_, +)
W2C_MADD_(w2c_f64x2_relaxed_nmadd, f64, W2C_FMA64_, -)
#undef W2C_MADD_

#define W2C_ALIAS1_(name, fn) static inline w2c_v128 name(w2c_v128 a) { return fn(a); }
#define W2C_ALIAS2_(name, fn) static inline w2c_v128 name(w2c_v128 a, w2c_v128 b) { return fn(a, b); }
#define W2C_ALIAS3_(name, fn) \
  static inline w2c_v128 name(w2c_v128 a, w2c_v128 b, w2c_v128 c) { return fn(a, b, c); }
#ifdef W2C_SIMD_SSE2_
/* The asm hides constant operands from GCC, which folds cvttps2dq/cvttpd2dq
 * of a constant out-of-range value to the saturated result where the
 * instruction gives 0x80000000: one build would give both. */
W2C_V1_(w2c_i32x4_relaxed_trunc_f32x4_s, __asm__("" : "+x"(a.mf)); r.m = _mm_cvttps_epi32(a.mf))
W2C_V1_(w2c_i32x4_relaxed_trunc_f64x2_s_zero,
        __asm__("" : "+x"(a.md)); r.m = _mm_cvttpd_epi32(a.md))
W2C_V2_(w2c_f32x4_relaxed_min, r.mf = _mm_min_ps(a.mf, b.mf))
W2C_V2_(w2c_f32x4_relaxed_max, r.mf = _mm_max_ps(a.mf, b.mf))
W2C_V2_(w2c_f64x2_relaxed_min, r.md = _mm_min_pd(a.md, b.md))
W2C_V2_(w2c_f64x2_relaxed_max, r.md = _mm_max_pd(a.md, b.md))
#else
W2C_ALIAS1_(w2c_i32x4_relaxed_trunc_f32x4_s, w2c_i32x4_trunc_sat_f32x4_s)
W2C_ALIAS1_(w2c_i32x4_relaxed_trunc_f64x2_s_zero, w2c_i32x4_trunc_sat_f64x2_s_zero)
W2C_ALIAS2_(w2c_f32x4_relaxed_min, w2c_f32x4_min)
W2C_ALIAS2_(w2c_f32x4_relaxed_max, w2c_f32x4_max)
W2C_ALIAS2_(w2c_f64x2_relaxed_min, w2c_f64x2_min)
W2C_ALIAS2_(w2c_f64x2_relaxed_max, w2c_f64x2_max)
#endif
W2C_ALIAS1_(w2c_i32x4_relaxed_trunc_f32x4_u, w2c_i32x4_trunc_sat_f32x4_u)
W2C_ALIAS1_(w2c_i32x4_relaxed_trunc_f64x2_u_zero, w2c_i32x4_trunc_sat_f64x2_u_zero)
#if defined(W2C_SIMD_SSE2_) && defined(__SSSE3__)
W2C_V2_(w2c_i8x16_relaxed_swizzle, r.m = _mm_shuffle_epi8(a.m, b.m))
W2C_V2_(w2c_i16x8_relaxed_q15mulr_s, r.m = _mm_mulhrs_epi16(a.m, b.m))
W2C_V2_(w2c_i16x8_relaxed_dot_i8x16_i7x16_s, r.m = _mm_maddubs_epi16(b.m, a.m))
static inline w2c_v128 w2c_i32x4_relaxed_dot_i8x16_i7x16_add_s(w2c_v128 a, w2c_v128 b,
                                                                w2c_v128 c) {
  w2c_v128 r;
  r.m = _mm_add_epi32(_mm_madd_epi16(_mm_maddubs_epi16(b.m, a.m), _mm_set1_epi16(1)), c.m);
  return r;
}
#define W2C_SIMD_RELAXED_DOT_ 1
#else
W2C_ALIAS2_(w2c_i8x16_relaxed_swizzle, w2c_i8x16_swizzle)
W2C_ALIAS2_(w2c_i16x8_relaxed_q15mulr_s, w2c_i16x8_q15mulr_sat_s)
#endif
#if defined(W2C_SIMD_SSE2_) && defined(__SSE4_1__)
W2C_ALIAS3_(w2c_i16x8_relaxed_laneselect, w2c_v128_bitselect)
static inline w2c_v128 w2c_i8x16_relaxed_laneselect(w2c_v128 a, w2c_v128 b, w2c_v128 m) {
  w2c_v128 r;
  r.m = _mm_blendv_epi8(b.m, a.m, m.m);
  return r;
}
static inline w2c_v128 w2c_i32x4_relaxed_laneselect(w2c_v128 a, w2c_v128 b, w2c_v128 m) {
  w2c_v128 r;
  r.mf = _mm_blendv_ps(b.mf, a.mf, m.mf);
  return r;
}
static inline w2c_v128 w2c_i64x2_relaxed_laneselect(w2c_v128 a, w2c_v128 b, w2c_v128 m) {
  w2c_v128 r;
  r.md = _mm_blendv_pd(b.md, a.md, m.md);
  return r;
}
#else
W2C_ALIAS3_(w2c_i8x16_relaxed_laneselect, w2c_v128_bitselect)
W2C_ALIAS3_(w2c_i16x8_relaxed_laneselect, w2c_v128_bitselect)
W2C_ALIAS3_(w2c_i32x4_relaxed_laneselect, w2c_v128_bitselect)
W2C_ALIAS3_(w2c_i64x2_relaxed_laneselect, w2c_v128_bitselect)
#endif
#undef W2C_ALIAS1_
#undef W2C_ALIAS2_
#undef W2C_ALIAS3_

#ifndef W2C_SIMD_RELAXED_DOT_
static inline w2c_v128 w2c_i16x8_relaxed_dot_i8x16_i7x16_s(w2c_v128 a, w2c_v128 b) {
  w2c_v128 r;
  int k;
  for (k = 0; k < 8; k++)
    W2C_AT_(r, u16, k) =
        (uint16_t)((int32_t)W2C_AT_(a, i8, 2 * k) * W2C_AT_(b, i8, 2 * k) +
                   (int32_t)W2C_AT_(a, i8, 2 * k + 1) * W2C_AT_(b, i8, 2 * k + 1));
  return r;
}
static inline w2c_v128 w2c_i32x4_relaxed_dot_i8x16_i7x16_add_s(w2c_v128 a, w2c_v128 b,
                                                                w2c_v128 c) {
  w2c_v128 r;
  int k, j;
  for (k = 0; k < 4; k++) {
    int32_t s = 0; /* at most 4 * 2^14 in magnitude */
    for (j = 0; j < 4; j++) s += (int32_t)W2C_AT_(a, i8, 4 * k + j) * W2C_AT_(b, i8, 4 * k + j);
    W2C_AT_(r, u32, k) = (uint32_t)s + W2C_AT_(c, u32, k);
  }
  return r;
}

#endif

#endif /* W2C_SIMD_FLOAT_H */
