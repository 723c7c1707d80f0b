/* w2c_simd.h: the v128 type and the SIMD instructions (Wasm 2.0 SIMD and
 * relaxed SIMD) of the opcode table's C templates.
 *
 * Generated code includes this header (after w2c_rt.h) only when the module
 * uses v128.  Each instruction is a static inline function named after its
 * opcode, dots as underscores: `i8x16.add` is w2c_i8x16_add(a, b).  Operands
 * and results are w2c_v128 values and, for scalars, the types of w2c_num.h
 * (uint32_t for i32, uint64_t for i64, float, double).  Lane immediates are
 * `int` arguments, constants in generated code.  Memory forms take the
 * arguments of w2c_mem.h's loads and stores, (mem, size, addr, offset
 * [, value][, lane]), and check bounds as W2C_BOUNDS_CHECK says.
 *
 * A w2c_v128 holds the value in Wasm's lane order whatever the host's byte
 * order: as a union of lane arrays (or of GCC vectors), lane k of an N-lane
 * view is element W2C_LX_(k, N): k on little-endian hosts, N-1-k on
 * big-endian ones (there the 16 bytes are the 128-bit value stored
 * big-endian, so every lane width agrees).  Loads and stores convert.
 *
 * The other files: w2c_simd_shuffle.h (i8x16.shuffle), w2c_simd_int.h
 * (integer lanes), w2c_simd_float.h (float lanes, conversions, relaxed
 * SIMD). */
#ifndef W2C_SIMD_H
#define W2C_SIMD_H

#include "w2c_num.h"
#include "w2c_mem.h"

/* ---- configuration ---------------------------------------------------------
 * W2C_SIMD_IMPL: how v128 operations are compiled.
 *   W2C_SIMD_PORTABLE: plain C99, lane by lane on arrays (any compiler; the
 *     reference implementation).
 *   W2C_SIMD_VECTOR: GCC/clang vector extensions (vector_size(16)) for the
 *     lane-wise operations, plus SSE2/SSSE3/SSE4.1 or NEON intrinsics for
 *     the operations the extensions cannot say in one instruction (unless
 *     W2C_SIMD_NO_INTRINSICS).
 * Default: W2C_SIMD_VECTOR under GCC/clang when the target has 128-bit
 * vector registers (x86 SSE2, Arm NEON, AArch64, s390x vector facility,
 * POWER AltiVec/VSX), W2C_SIMD_PORTABLE otherwise (Cortex-M, ARMv7 without
 * NEON, other compilers, and with W2C_NO_BUILTINS). */
#if defined(W2C_SIMD_PORTABLE) || defined(W2C_SIMD_VECTOR)
#error "w2c: W2C_SIMD_PORTABLE / W2C_SIMD_VECTOR are values: write -DW2C_SIMD_IMPL=W2C_SIMD_PORTABLE instead of defining them."
#endif
#define W2C_SIMD_PORTABLE 1
#define W2C_SIMD_VECTOR 2
#ifndef W2C_SIMD_IMPL
#if defined(__GNUC__) && !defined(W2C_NO_BUILTINS) && (defined(__SSE2__) || defined(__ARM_NEON) || defined(__aarch64__) || \
                          defined(__VEC__) || defined(__ALTIVEC__))
#define W2C_SIMD_IMPL W2C_SIMD_VECTOR
#else
#define W2C_SIMD_IMPL W2C_SIMD_PORTABLE
#endif
#endif
#if W2C_SIMD_IMPL != W2C_SIMD_PORTABLE && W2C_SIMD_IMPL != W2C_SIMD_VECTOR
#error "w2c: W2C_SIMD_IMPL must be W2C_SIMD_PORTABLE or W2C_SIMD_VECTOR."
#endif
#if W2C_SIMD_IMPL == W2C_SIMD_VECTOR && !defined(__GNUC__)
#error "w2c: W2C_SIMD_VECTOR needs GCC or clang vector extensions: use -DW2C_SIMD_IMPL=W2C_SIMD_PORTABLE."
#endif

/* W2C_SIMD_NO_INTRINSICS: with W2C_SIMD_VECTOR, use the vector extensions
 * only (no <emmintrin.h>/<arm_neon.h>).  Default: off. */
#if defined(W2C_SIMD_NO_INTRINSICS) && W2C_SIMD_IMPL != W2C_SIMD_VECTOR
#error "w2c: W2C_SIMD_NO_INTRINSICS only applies to -DW2C_SIMD_IMPL=W2C_SIMD_VECTOR: drop it."
#endif
#if W2C_SIMD_IMPL == W2C_SIMD_VECTOR && !defined(W2C_SIMD_NO_INTRINSICS)
#if defined(__SSE2__)
#define W2C_SIMD_SSE2_ 1
#include <emmintrin.h>
#ifdef __SSSE3__
#include <tmmintrin.h>
#endif
#ifdef __SSE4_1__
#include <smmintrin.h>
#endif
#elif defined(__ARM_NEON)
#define W2C_SIMD_NEON_ 1
#include <arm_neon.h>
#endif
#endif

/* W2C_SIMD_LANES_REVERSED: 1 if lanes are stored in reverse (big-endian
 * hosts, see above).  Default: the host's byte order from __BYTE_ORDER__,
 * else W2C_BIG_ENDIAN.  (Not W2C_BIG_ENDIAN itself: that one may be forced
 * to test the byte swaps of memory on a little-endian host.) */
#ifndef W2C_SIMD_LANES_REVERSED
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__)
#define W2C_SIMD_LANES_REVERSED (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
#else
#define W2C_SIMD_LANES_REVERSED W2C_BIG_ENDIAN
#endif
#endif
#define W2C_LX_(k, n) (W2C_SIMD_LANES_REVERSED ? (n) - 1 - (k) : (k))

/* ---- the type ------------------------------------------------------------- */
#if W2C_SIMD_IMPL == W2C_SIMD_VECTOR
#define W2C_VT_(T, n) typedef T n __attribute__((vector_size(16), may_alias))
W2C_VT_(uint8_t, w2c_vu8_);
W2C_VT_(int8_t, w2c_vi8_);
W2C_VT_(uint16_t, w2c_vu16_);
W2C_VT_(int16_t, w2c_vi16_);
W2C_VT_(uint32_t, w2c_vu32_);
W2C_VT_(int32_t, w2c_vi32_);
W2C_VT_(uint64_t, w2c_vu64_);
W2C_VT_(int64_t, w2c_vi64_);
W2C_VT_(float, w2c_vf32_);
W2C_VT_(double, w2c_vf64_);
#undef W2C_VT_
typedef union w2c_v128 {
  w2c_vu8_ u8; w2c_vi8_ i8; w2c_vu16_ u16; w2c_vi16_ i16; w2c_vu32_ u32; w2c_vi32_ i32;
  w2c_vu64_ u64; w2c_vi64_ i64; w2c_vf32_ f32; w2c_vf64_ f64;
#ifdef W2C_SIMD_SSE2_
  __m128i m; __m128 mf; __m128d md;
#endif
#ifdef W2C_SIMD_NEON_
  uint8x16_t nu8; int8x16_t ni8; uint16x8_t nu16; int16x8_t ni16; uint32x4_t nu32;
  int32x4_t ni32; uint64x2_t nu64; int64x2_t ni64; float32x4_t nf32;
#ifdef __aarch64__
  float64x2_t nf64;
#endif
#endif
} w2c_v128;
#else
typedef union w2c_v128 {
  uint8_t u8[16]; int8_t i8[16]; uint16_t u16[8]; int16_t i16[8]; uint32_t u32[4];
  int32_t i32[4]; uint64_t u64[2]; int64_t i64[2]; float f32[4]; double f64[2];
} w2c_v128;
#endif

/* Lane k of view M (in Wasm's order), as an lvalue. */
#define W2C_NL_(v, M) ((int)(sizeof((v).M) / sizeof((v).M[0])))
#define W2C_AT_(v, M, k) ((v).M[W2C_LX_(k, W2C_NL_(v, M))])

/* Lane-wise building blocks: vector operators, or a loop over the lanes
 * (lane order does not matter to them).  T: the view's element type. */
#if W2C_SIMD_IMPL == W2C_SIMD_VECTOR
#define W2C_MAP2_(r, a, b, M, T, OP) ((r).M = (a).M OP (b).M)
#define W2C_MAP1_(r, a, M, T, OP) ((r).M = OP (a).M)
/* comparison: -1/0 lanes in the same-width signed view S */
#define W2C_CMP_(r, a, b, M, S, OP) ((r).S = (__typeof__((r).S))((a).M OP (b).M))
#define W2C_SHIFT_(r, a, M, T, OP, n) ((r).M = (a).M OP (int)(n))
#else
#define W2C_MAP2_(r, a, b, M, T, OP) \
  do { int i_; for (i_ = 0; i_ < W2C_NL_(r, M); i_++) (r).M[i_] = (T)((a).M[i_] OP (b).M[i_]); } while (0)
#define W2C_MAP1_(r, a, M, T, OP) \
  do { int i_; for (i_ = 0; i_ < W2C_NL_(r, M); i_++) (r).M[i_] = (T)(OP (a).M[i_]); } while (0)
#define W2C_CMP_(r, a, b, M, S, OP) \
  do { int i_; for (i_ = 0; i_ < W2C_NL_(r, M); i_++) (r).S[i_] = (a).M[i_] OP (b).M[i_] ? -1 : 0; } while (0)
#define W2C_SHIFT_(r, a, M, T, OP, n) \
  do { int i_; for (i_ = 0; i_ < W2C_NL_(r, M); i_++) (r).M[i_] = (T)((a).M[i_] OP (n)); } while (0)
#endif
/* Any per-lane expression E of i_ (both implementations). */
#define W2C_EACH_(r, M, E) \
  do { int i_; for (i_ = 0; i_ < W2C_NL_(r, M); i_++) (r).M[i_] = (E); } while (0)

/* One-line definitions. */
#define W2C_V2_(name, body) \
  static inline w2c_v128 name(w2c_v128 a, w2c_v128 b) { w2c_v128 r; body; return r; }
#define W2C_V1_(name, body) \
  static inline w2c_v128 name(w2c_v128 a) { w2c_v128 r; body; return r; }

/* ---- constants, splat, lanes ------------------------------------------------ */
/* v128.const: lo = bytes 0..7, hi = bytes 8..15, as little-endian integers. */
static inline w2c_v128 w2c_v128_const(uint64_t lo, uint64_t hi) {
  w2c_v128 r;
  W2C_AT_(r, u64, 0) = lo;
  W2C_AT_(r, u64, 1) = hi;
  return r;
}
static inline w2c_v128 w2c_v128_zero(void) { return w2c_v128_const(0, 0); }

#if W2C_SIMD_IMPL == W2C_SIMD_VECTOR /* vector + scalar broadcasts */
#define W2C_SPLAT_(name, P, M, T) \
  static inline w2c_v128 name(P x) { w2c_v128 r; r.M = (__typeof__(r.M)){0} + (T)x; return r; }
#else
#define W2C_SPLAT_(name, P, M, T) \
  static inline w2c_v128 name(P x) { w2c_v128 r; W2C_EACH_(r, M, (T)x); return r; }
#endif
W2C_SPLAT_(w2c_i8x16_splat, uint32_t, u8, uint8_t)
W2C_SPLAT_(w2c_i16x8_splat, uint32_t, u16, uint16_t)
W2C_SPLAT_(w2c_i32x4_splat, uint32_t, u32, uint32_t)
W2C_SPLAT_(w2c_i64x2_splat, uint64_t, u64, uint64_t)
#undef W2C_SPLAT_
/* float splats copy the bits (x + 0 would quiet a signalling NaN, turn -0 to +0) */
static inline w2c_v128 w2c_f32x4_splat(float x) { return w2c_i32x4_splat(w2c_i32_reinterpret_f32(x)); }
static inline w2c_v128 w2c_f64x2_splat(double x) { return w2c_i64x2_splat(w2c_i64_reinterpret_f64(x)); }

#define W2C_EXTRACT_(name, R, M, conv) \
  static inline R name(w2c_v128 v, int lane) { return conv(W2C_AT_(v, M, lane)); }
#define W2C_REPLACE_(name, P, M, T)                                   \
  static inline w2c_v128 name(w2c_v128 v, int lane, P x) {           \
    W2C_AT_(v, M, lane) = (T)x;                                      \
    return v;                                                        \
  }
W2C_EXTRACT_(w2c_i8x16_extract_lane_s, uint32_t, u8, W2C_SEXT8_32)
W2C_EXTRACT_(w2c_i8x16_extract_lane_u, uint32_t, u8, (uint32_t))
W2C_EXTRACT_(w2c_i16x8_extract_lane_s, uint32_t, u16, W2C_SEXT16_32)
W2C_EXTRACT_(w2c_i16x8_extract_lane_u, uint32_t, u16, (uint32_t))
W2C_EXTRACT_(w2c_i32x4_extract_lane, uint32_t, u32, (uint32_t))
W2C_EXTRACT_(w2c_i64x2_extract_lane, uint64_t, u64, (uint64_t))
W2C_EXTRACT_(w2c_f32x4_extract_lane, float, f32, (float))
W2C_EXTRACT_(w2c_f64x2_extract_lane, double, f64, (double))
W2C_REPLACE_(w2c_i8x16_replace_lane, uint32_t, u8, uint8_t)
W2C_REPLACE_(w2c_i16x8_replace_lane, uint32_t, u16, uint16_t)
W2C_REPLACE_(w2c_i32x4_replace_lane, uint32_t, u32, uint32_t)
W2C_REPLACE_(w2c_i64x2_replace_lane, uint64_t, u64, uint64_t)
W2C_REPLACE_(w2c_f32x4_replace_lane, float, f32, float)
W2C_REPLACE_(w2c_f64x2_replace_lane, double, f64, double)
#undef W2C_EXTRACT_
#undef W2C_REPLACE_

#include "w2c_simd_shuffle.h"

/* i8x16.swizzle: lane k = a[s[k]], 0 when s[k] >= 16. */
static inline w2c_v128 w2c_i8x16_swizzle(w2c_v128 a, w2c_v128 s) {
  w2c_v128 r;
#if defined(W2C_SIMD_SSE2_) && defined(__SSSE3__)
  /* pshufb: a set top bit gives 0; indices 16..127 get it by a saturating add */
  r.m = _mm_shuffle_epi8(a.m, _mm_adds_epu8(s.m, _mm_set1_epi8(0x70)));
#elif defined(W2C_SIMD_NEON_) && defined(__aarch64__)
  r.nu8 = vqtbl1q_u8(a.nu8, s.nu8);
#else
  int k;
  for (k = 0; k < 16; k++) {
    unsigned i = W2C_AT_(s, u8, k);
    W2C_AT_(r, u8, k) = i < 16 ? W2C_AT_(a, u8, i) : 0;
  }
#endif
  return r;
}

/* ---- bitwise ------------------------------------------------------------------ */
W2C_V1_(w2c_v128_not, W2C_MAP1_(r, a, u64, uint64_t, ~))
W2C_V2_(w2c_v128_and, W2C_MAP2_(r, a, b, u64, uint64_t, &))
W2C_V2_(w2c_v128_or, W2C_MAP2_(r, a, b, u64, uint64_t, |))
W2C_V2_(w2c_v128_xor, W2C_MAP2_(r, a, b, u64, uint64_t, ^))
static inline w2c_v128 w2c_v128_andnot(w2c_v128 a, w2c_v128 b) {
  return w2c_v128_and(a, w2c_v128_not(b));
}
/* bitselect(a, b, m): a where m has 1 bits, b elsewhere. */
static inline w2c_v128 w2c_v128_bitselect(w2c_v128 a, w2c_v128 b, w2c_v128 m) {
  return w2c_v128_xor(b, w2c_v128_and(w2c_v128_xor(a, b), m));
}
static inline uint32_t w2c_v128_any_true(w2c_v128 a) {
#if defined(W2C_SIMD_SSE2_) && defined(__SSE4_1__)
  return !_mm_testz_si128(a.m, a.m);
#elif defined(W2C_SIMD_NEON_) && defined(__aarch64__)
  return vmaxvq_u32(a.nu32) != 0;
#else
  return (a.u64[0] | a.u64[1]) != 0;
#endif
}

/* ---- memory ------------------------------------------------------------------
 * Little-endian memory as w2c_mem.h reads it (W2C_LE*), placed in lanes. */
static inline uint64_t w2c_simd_rd64_(const uint8_t *p) {
  uint64_t v;
  W2C_MEMCPY(&v, p, 8);
  return W2C_LE64(v);
}
static inline void w2c_simd_wr64_(uint8_t *p, uint64_t v) {
  v = W2C_LE64(v);
  W2C_MEMCPY(p, &v, 8);
}
/* With guard pages an unused load must still happen (w2c_mem.h); the
 * value stays in a vector register where there is one. */
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD && defined(W2C_SIMD_SSE2_)
#define W2C_SIMD_FORCE_(r) __asm__("" : : "x"((r).m))
#elif W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD && defined(W2C_SIMD_NEON_) && defined(__aarch64__)
#define W2C_SIMD_FORCE_(r) __asm__("" : : "w"((r).nu8))
#else
#define W2C_SIMD_FORCE_(r) \
  do { W2C_FORCE_READ((r).u64[0]); W2C_FORCE_READ((r).u64[1]); } while (0)
#endif
/* The 16 bytes of memory are the value as they are on a little-endian host
 * (one copy); elsewhere two little-endian 64-bit halves. */
#if !W2C_SIMD_LANES_REVERSED && !W2C_BIG_ENDIAN
#define W2C_SIMD_LOAD16_(r, p) W2C_MEMCPY(&(r), p, 16)
#define W2C_SIMD_STORE16_(p, v) W2C_MEMCPY(p, &(v), 16)
#else
#define W2C_SIMD_LOAD16_(r, p) \
  (W2C_AT_(r, u64, 0) = w2c_simd_rd64_(p), W2C_AT_(r, u64, 1) = w2c_simd_rd64_((p) + 8))
#define W2C_SIMD_STORE16_(p, v) \
  (w2c_simd_wr64_(p, W2C_AT_(v, u64, 0)), w2c_simd_wr64_((p) + 8, W2C_AT_(v, u64, 1)))
#endif

/* name(mem, size, addr, offset): read N bytes at p, r = E (p, x: the bytes
 * read, as a little-endian integer when N <= 8). */
/* Each load has the `_nc` form (no check) of w2c_mem.h's accesses. */
#define W2C_VLOAD_(name, N, READ, BODY)  \
  W2C_VLOAD_CK_(name, N, READ, BODY, W2C_MEM_CHECK(size, addr, offset, N)) \
  W2C_VLOAD_CK_(name##_nc, N, READ, BODY, (void)size)
#define W2C_VLOAD_CK_(name, N, READ, BODY, CHECK)                                        \
  static inline w2c_v128 name(const uint8_t *mem, uint64_t size, uint32_t addr,          \
                              uint32_t offset) {                                         \
    w2c_v128 r;                                                                          \
    const uint8_t *p = mem + (uint64_t)addr + offset;                                    \
    CHECK;                                                                               \
    READ;                                                                                \
    BODY;                                                                                \
    W2C_SIMD_FORCE_(r);                                                                  \
    return r;                                                                            \
  }
#define W2C_RD8_ uint64_t x = *p
#define W2C_RD16_ uint16_t x; W2C_MEMCPY(&x, p, 2); x = W2C_LE16(x)
#define W2C_RD32_ uint32_t x; W2C_MEMCPY(&x, p, 4); x = W2C_LE32(x)
#define W2C_RD64_ uint64_t x = w2c_simd_rd64_(p)
W2C_VLOAD_(w2c_v128_load, 16, (void)0, W2C_SIMD_LOAD16_(r, p))
W2C_VLOAD_(w2c_v128_load8x8_s, 8, W2C_RD64_,
           W2C_EACH_(r, i16, (int16_t)(int8_t)W2C_SEXT8_32(x >> 8 * W2C_LX_(i_, 8))))
W2C_VLOAD_(w2c_v128_load8x8_u, 8, W2C_RD64_,
           W2C_EACH_(r, u16, (uint16_t)((x >> 8 * W2C_LX_(i_, 8)) & 0xFFu)))
W2C_VLOAD_(w2c_v128_load16x4_s, 8, W2C_RD64_,
           W2C_EACH_(r, u32, W2C_SEXT16_32((uint16_t)(x >> 16 * W2C_LX_(i_, 4)))))
W2C_VLOAD_(w2c_v128_load16x4_u, 8, W2C_RD64_,
           W2C_EACH_(r, u32, (uint32_t)((x >> 16 * W2C_LX_(i_, 4)) & 0xFFFFu)))
W2C_VLOAD_(w2c_v128_load32x2_s, 8, W2C_RD64_,
           W2C_EACH_(r, u64, W2C_SEXT32_64((uint32_t)(x >> 32 * W2C_LX_(i_, 2)))))
W2C_VLOAD_(w2c_v128_load32x2_u, 8, W2C_RD64_,
           W2C_EACH_(r, u64, (x >> 32 * W2C_LX_(i_, 2)) & 0xFFFFFFFFu))
W2C_VLOAD_(w2c_v128_load8_splat, 1, W2C_RD8_, r = w2c_i8x16_splat((uint32_t)x))
W2C_VLOAD_(w2c_v128_load16_splat, 2, W2C_RD16_, r = w2c_i16x8_splat(x))
W2C_VLOAD_(w2c_v128_load32_splat, 4, W2C_RD32_, r = w2c_i32x4_splat(x))
W2C_VLOAD_(w2c_v128_load64_splat, 8, W2C_RD64_, r = w2c_i64x2_splat(x))
W2C_VLOAD_(w2c_v128_load32_zero, 4, W2C_RD32_, r = w2c_v128_const(x, 0))
W2C_VLOAD_(w2c_v128_load64_zero, 8, W2C_RD64_, r = w2c_v128_const(x, 0))
#undef W2C_VLOAD_
#undef W2C_VLOAD_CK_

/* vNN.loadN_lane(mem, size, addr, offset, v, lane) */
#define W2C_VLOAD_LANE_(name, N, READ, M, T)                                             \
  static inline w2c_v128 name(const uint8_t *mem, uint64_t size, uint32_t addr,          \
                              uint32_t offset, w2c_v128 v, int lane) {                   \
    const uint8_t *p = mem + (uint64_t)addr + offset;                                    \
    W2C_MEM_CHECK(size, addr, offset, N);                                                \
    {                                                                                    \
      READ;                                                                              \
      W2C_FORCE_READ(x);                                                                 \
      W2C_AT_(v, M, lane) = (T)x;                                                        \
    }                                                                                    \
    return v;                                                                            \
  }
W2C_VLOAD_LANE_(w2c_v128_load8_lane, 1, W2C_RD8_, u8, uint8_t)
W2C_VLOAD_LANE_(w2c_v128_load16_lane, 2, W2C_RD16_, u16, uint16_t)
W2C_VLOAD_LANE_(w2c_v128_load32_lane, 4, W2C_RD32_, u32, uint32_t)
W2C_VLOAD_LANE_(w2c_v128_load64_lane, 8, W2C_RD64_, u64, uint64_t)
#undef W2C_VLOAD_LANE_
#undef W2C_RD8_
#undef W2C_RD16_
#undef W2C_RD32_
#undef W2C_RD64_

static inline void w2c_v128_store(uint8_t *mem, uint64_t size, uint32_t addr, uint32_t offset,
                                  w2c_v128 v) {
  uint8_t *p = mem + (uint64_t)addr + offset;
  W2C_MEM_CHECK(size, addr, offset, 16);
  W2C_SIMD_STORE16_(p, v);
}
static inline void w2c_v128_store_nc(uint8_t *mem, uint64_t size, uint32_t addr,
                                     uint32_t offset, w2c_v128 v) {
  (void)size;
  W2C_SIMD_STORE16_(mem + (uint64_t)addr + offset, v);
}
/* vNN.storeN_lane(mem, size, addr, offset, v, lane) */
#define W2C_VSTORE_LANE_(name, N, M, U, LE)                                              \
  static inline void name(uint8_t *mem, uint64_t size, uint32_t addr, uint32_t offset,  \
                          w2c_v128 v, int lane) {                                        \
    U x = LE(W2C_AT_(v, M, lane));                                                       \
    W2C_MEM_CHECK(size, addr, offset, N);                                                \
    W2C_MEMCPY(mem + (uint64_t)addr + offset, &x, N);                                    \
  }
W2C_VSTORE_LANE_(w2c_v128_store8_lane, 1, u8, uint8_t, (uint8_t))
W2C_VSTORE_LANE_(w2c_v128_store16_lane, 2, u16, uint16_t, W2C_LE16)
W2C_VSTORE_LANE_(w2c_v128_store32_lane, 4, u32, uint32_t, W2C_LE32)
W2C_VSTORE_LANE_(w2c_v128_store64_lane, 8, u64, uint64_t, W2C_LE64)
#undef W2C_VSTORE_LANE_

#include "w2c_simd_int.h"
#include "w2c_simd_float.h"

#endif /* W2C_SIMD_H */
