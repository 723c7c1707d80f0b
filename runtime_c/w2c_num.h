/* w2c_num.h: numeric helpers of the opcode table's C templates.
 *
 * Integers are unsigned in generated code; signed views are taken here
 * without undefined or implementation-defined behaviour.  Float operations
 * whose result bits the spec fixes beyond IEEE work on the bits. */
#ifndef W2C_NUM_H
#define W2C_NUM_H

#include "w2c_trap.h"

/* ---- bits <-> floats ------------------------------------------------------ */
static inline float w2c_f32_bits(uint32_t u) { float f; W2C_MEMCPY(&f, &u, 4); return f; }
static inline double w2c_f64_bits(uint64_t u) { double d; W2C_MEMCPY(&d, &u, 8); return d; }
static inline uint32_t w2c_i32_reinterpret_f32(float f) { uint32_t u; W2C_MEMCPY(&u, &f, 4); return u; }
static inline uint64_t w2c_i64_reinterpret_f64(double d) { uint64_t u; W2C_MEMCPY(&u, &d, 8); return u; }
/* A float constant the C compiler may not treat as known.  C compilers fold
 * x*1.0, x/1.0, x-0.0, x+(-0.0), -1.0*x, x/-1.0, -0.0-x into x or -x because
 * they assume no signalling NaNs; Wasm requires a signalling NaN operand to
 * come out quiet.  The emitter writes the constants +-0 and +-1 with these
 * (every other constant stays foldable). */
#ifdef __SUPPORT_SNAN__
/* gcc -fsignaling-nans: gcc itself keeps those operations (w2c build adds
 * the option for gcc), so the constants can stay visible and foldable. */
static inline float w2c_f32_opaque(uint32_t u) { return w2c_f32_bits(u); }
static inline double w2c_f64_opaque(uint64_t u) { return w2c_f64_bits(u); }
#else
static inline float w2c_f32_opaque(uint32_t u) {
#if defined(__GNUC__) || defined(__clang__)
  __asm__("" : "+r"(u));
#else
  volatile uint32_t v = u;
  u = v;
#endif
  return w2c_f32_bits(u);
}
static inline double w2c_f64_opaque(uint64_t u) {
#if defined(__GNUC__) || defined(__clang__)
  __asm__("" : "+r"(u));
#else
  volatile uint64_t v = u;
  u = v;
#endif
  return w2c_f64_bits(u);
}
#endif
static inline float w2c_f32_reinterpret_i32(uint32_t u) { return w2c_f32_bits(u); }
static inline double w2c_f64_reinterpret_i64(uint64_t u) { return w2c_f64_bits(u); }

/* Two's complement value of u, without implementation-defined conversion. */
static inline int32_t w2c_s32(uint32_t u) {
  return u <= 0x7FFFFFFFu ? (int32_t)u : (int32_t)(u - 0x80000000u) - 0x7FFFFFFF - 1;
}
static inline int64_t w2c_s64(uint64_t u) {
  return u <= 0x7FFFFFFFFFFFFFFFu ? (int64_t)u
                                  : (int64_t)(u - 0x8000000000000000u) - 0x7FFFFFFFFFFFFFFF - 1;
}

/* ---- integer division ---------------------------------------------------- */
static inline uint32_t w2c_i32_div_u(uint32_t a, uint32_t b) {
  if (W2C_UNLIKELY(b == 0)) W2C_TRAP(W2C_TRAP_INT_DIV_ZERO);
  return a / b;
}
static inline uint32_t w2c_i32_rem_u(uint32_t a, uint32_t b) {
  if (W2C_UNLIKELY(b == 0)) W2C_TRAP(W2C_TRAP_INT_DIV_ZERO);
  return a % b;
}
static inline uint32_t w2c_i32_div_s(uint32_t a, uint32_t b) {
  if (W2C_UNLIKELY(b == 0)) W2C_TRAP(W2C_TRAP_INT_DIV_ZERO);
  if (W2C_UNLIKELY(a == 0x80000000u && b == 0xFFFFFFFFu)) W2C_TRAP(W2C_TRAP_INT_OVERFLOW);
  return (uint32_t)(w2c_s32(a) / w2c_s32(b));
}
static inline uint32_t w2c_i32_rem_s(uint32_t a, uint32_t b) {
  if (W2C_UNLIKELY(b == 0)) W2C_TRAP(W2C_TRAP_INT_DIV_ZERO);
  if (W2C_UNLIKELY(b == 0xFFFFFFFFu)) return 0; /* INT_MIN % -1 overflows in C */
  return (uint32_t)(w2c_s32(a) % w2c_s32(b));
}
static inline uint64_t w2c_i64_div_u(uint64_t a, uint64_t b) {
  if (W2C_UNLIKELY(b == 0)) W2C_TRAP(W2C_TRAP_INT_DIV_ZERO);
  return a / b;
}
static inline uint64_t w2c_i64_rem_u(uint64_t a, uint64_t b) {
  if (W2C_UNLIKELY(b == 0)) W2C_TRAP(W2C_TRAP_INT_DIV_ZERO);
  return a % b;
}
static inline uint64_t w2c_i64_div_s(uint64_t a, uint64_t b) {
  if (W2C_UNLIKELY(b == 0)) W2C_TRAP(W2C_TRAP_INT_DIV_ZERO);
  if (W2C_UNLIKELY(a == 0x8000000000000000u && b == 0xFFFFFFFFFFFFFFFFu))
    W2C_TRAP(W2C_TRAP_INT_OVERFLOW);
  return (uint64_t)(w2c_s64(a) / w2c_s64(b));
}
static inline uint64_t w2c_i64_rem_s(uint64_t a, uint64_t b) {
  if (W2C_UNLIKELY(b == 0)) W2C_TRAP(W2C_TRAP_INT_DIV_ZERO);
  if (W2C_UNLIKELY(b == 0xFFFFFFFFFFFFFFFFu)) return 0;
  return (uint64_t)(w2c_s64(a) % w2c_s64(b));
}

/* ---- shifts and rotates (counts taken modulo the width) ----------------- */
static inline uint32_t w2c_i32_shr_s(uint32_t a, uint32_t n) {
  n &= 31;
  return (a & 0x80000000u) ? ~(~a >> n) : a >> n;
}
static inline uint64_t w2c_i64_shr_s(uint64_t a, uint64_t n) {
  n &= 63;
  return (a & 0x8000000000000000u) ? ~(~a >> n) : a >> n;
}
static inline uint32_t w2c_i32_rotl(uint32_t a, uint32_t n) {
  return (uint32_t)(a << (n & 31)) | (a >> ((32 - (n & 31)) & 31));
}
static inline uint32_t w2c_i32_rotr(uint32_t a, uint32_t n) {
  return (a >> (n & 31)) | (uint32_t)(a << ((32 - (n & 31)) & 31));
}
static inline uint64_t w2c_i64_rotl(uint64_t a, uint64_t n) {
  return (a << (n & 63)) | (a >> ((64 - (n & 63)) & 63));
}
static inline uint64_t w2c_i64_rotr(uint64_t a, uint64_t n) {
  return (a >> (n & 63)) | (a << ((64 - (n & 63)) & 63));
}

/* ---- bit counts ----------------------------------------------------------- */
#if defined(W2C_GNU_BUILTINS) && __SIZEOF_INT__ == 4 && __SIZEOF_LONG_LONG__ == 8
#define W2C_BITCOUNT_BUILTINS 1
static inline uint32_t w2c_i32_clz(uint32_t a) { return a ? (uint32_t)__builtin_clz(a) : 32; }
static inline uint32_t w2c_i32_ctz(uint32_t a) { return a ? (uint32_t)__builtin_ctz(a) : 32; }
static inline uint64_t w2c_i64_clz(uint64_t a) { return a ? (uint64_t)__builtin_clzll(a) : 64; }
static inline uint64_t w2c_i64_ctz(uint64_t a) { return a ? (uint64_t)__builtin_ctzll(a) : 64; }
#else
static inline uint64_t w2c_i64_clz(uint64_t a) {
  uint64_t n = 0;
  int s;
  if (a == 0) return 64;
  for (s = 32; s > 0; s >>= 1) {
    if ((a >> (64 - s)) == 0) { n += (uint64_t)s; a <<= s; }
  }
  return n;
}
static inline uint64_t w2c_i64_ctz(uint64_t a) {
  uint64_t n = 0;
  int s;
  if (a == 0) return 64;
  for (s = 32; s > 0; s >>= 1) {
    if ((a & ((UINT64_C(1) << s) - 1)) == 0) { n += (uint64_t)s; a >>= s; }
  }
  return n;
}
static inline uint32_t w2c_i32_clz(uint32_t a) { return (uint32_t)w2c_i64_clz(a) - 32; }
static inline uint32_t w2c_i32_ctz(uint32_t a) { return a ? (uint32_t)w2c_i64_ctz(a) : 32; }
#endif
/* popcount: the builtin only where it is an instruction (GCC otherwise calls
 * libgcc's __popcountdi2; clang expands it inline anyway). */
#if defined(W2C_BITCOUNT_BUILTINS) && \
    (defined(__POPCNT__) || defined(__clang__) || defined(__aarch64__))
static inline uint32_t w2c_i32_popcnt(uint32_t a) { return (uint32_t)__builtin_popcount(a); }
static inline uint64_t w2c_i64_popcnt(uint64_t a) { return (uint64_t)__builtin_popcountll(a); }
#else
static inline uint64_t w2c_i64_popcnt(uint64_t a) {
  a = a - ((a >> 1) & UINT64_C(0x5555555555555555));
  a = (a & UINT64_C(0x3333333333333333)) + ((a >> 2) & UINT64_C(0x3333333333333333));
  a = (a + (a >> 4)) & UINT64_C(0x0F0F0F0F0F0F0F0F);
  return (a * UINT64_C(0x0101010101010101)) >> 56;
}
static inline uint32_t w2c_i32_popcnt(uint32_t a) { return (uint32_t)w2c_i64_popcnt(a); }
#endif

/* ---- sign, abs, neg, copysign: bit operations, NaN payloads kept -------- */
#define W2C_F32_SIGN 0x80000000u
#define W2C_F64_SIGN UINT64_C(0x8000000000000000)
static inline float w2c_f32_abs(float a) { return w2c_f32_bits(w2c_i32_reinterpret_f32(a) & ~W2C_F32_SIGN); }
static inline float w2c_f32_neg(float a) { return w2c_f32_bits(w2c_i32_reinterpret_f32(a) ^ W2C_F32_SIGN); }
static inline float w2c_f32_copysign(float a, float b) {
  return w2c_f32_bits((w2c_i32_reinterpret_f32(a) & ~W2C_F32_SIGN) |
                      (w2c_i32_reinterpret_f32(b) & W2C_F32_SIGN));
}
static inline double w2c_f64_abs(double a) { return w2c_f64_bits(w2c_i64_reinterpret_f64(a) & ~W2C_F64_SIGN); }
static inline double w2c_f64_neg(double a) { return w2c_f64_bits(w2c_i64_reinterpret_f64(a) ^ W2C_F64_SIGN); }
static inline double w2c_f64_copysign(double a, double b) {
  return w2c_f64_bits((w2c_i64_reinterpret_f64(a) & ~W2C_F64_SIGN) |
                      (w2c_i64_reinterpret_f64(b) & W2C_F64_SIGN));
}

/* ---- min / max: a NaN operand gives a NaN (a + b: quiet, arithmetic, and
 * canonical when the inputs are); -0 < +0. ------------------------------- */
static inline float w2c_f32_min(float a, float b) {
  if (a != a || b != b) return a + b;
  if (a == b) return (w2c_i32_reinterpret_f32(a) & W2C_F32_SIGN) ? a : b;
  return a < b ? a : b;
}
static inline float w2c_f32_max(float a, float b) {
  if (a != a || b != b) return a + b;
  if (a == b) return (w2c_i32_reinterpret_f32(a) & W2C_F32_SIGN) ? b : a;
  return a > b ? a : b;
}
static inline double w2c_f64_min(double a, double b) {
  if (a != a || b != b) return a + b;
  if (a == b) return (w2c_i64_reinterpret_f64(a) & W2C_F64_SIGN) ? a : b;
  return a < b ? a : b;
}
static inline double w2c_f64_max(double a, double b) {
  if (a != a || b != b) return a + b;
  if (a == b) return (w2c_i64_reinterpret_f64(a) & W2C_F64_SIGN) ? b : a;
  return a > b ? a : b;
}

/* ---- rounding to integral values ------------------------------------------
 * Portable versions work on the bits, exact in any rounding mode, and quiet
 * a NaN (x + x).  With a one-instruction builtin (SSE4.1, AArch64) those
 * are used instead. */
#if defined(W2C_GNU_BUILTINS) && (defined(__SSE4_1__) || defined(__aarch64__)) && \
    defined(__has_builtin)
#if __has_builtin(__builtin_roundevenf) && __has_builtin(__builtin_roundeven)
#define W2C_ROUND_BUILTINS 1
#endif
#endif

/* W2C_ROUND_FNS(prefix, T, U, tobits, frombits, MANT, BIAS, EMAX, SIGN, ONE)
 * defines w2c_<prefix>_round_(x, mode), mode 0 ceil, 1 floor, 2 trunc,
 * 3 nearest (ties to even), on the bits U of the float type T. */
#define W2C_ROUND_FNS(p, T, U, tob, fromb, MANT, BIAS, EMAX, SIGN, ONE)               \
  static inline T w2c_##p##_round_(T x, int mode) {                                  \
    U u = tob(x), m, frac;                                                           \
    int e = (int)((u >> MANT) & EMAX) - BIAS;                                        \
    int neg = (u & SIGN) != 0;                                                       \
    if (e >= MANT) return x != x ? x + x : x; /* integral, inf or NaN */             \
    if (e < 0) {                         /* |x| < 1 */                               \
      if ((u & ~SIGN) == 0) return x;    /* +-0 */                                   \
      switch (mode) {                                                                \
        case 0: return fromb(neg ? SIGN : ONE);          /* ceil: -0 or 1 */         \
        case 1: return fromb(neg ? (SIGN | ONE) : 0);    /* floor: -1 or +0 */       \
        case 2: return fromb(u & SIGN);                  /* trunc */                 \
        default: /* nearest: > 0.5 goes to 1, 0.5 to even 0 */                       \
          return fromb((u & SIGN) | ((e == -1 && (u & ~SIGN) > (U)(ONE - ((U)1 << MANT))) \
                                         ? ONE : 0));                                \
      }                                                                              \
    }                                                                                \
    m = (((U)1 << MANT) - 1) >> e; /* fraction bits */                               \
    frac = u & m;                                                                    \
    if (frac == 0) return x;                                                         \
    u &= ~m;                                                                         \
    switch (mode) {                                                                  \
      case 0: if (!neg) u += m + 1; break;                                           \
      case 1: if (neg) u += m + 1; break;                                            \
      case 2: break;                                                                 \
      default: {                                                                     \
        U half = (m + 1) >> 1;                                                       \
        if (frac > half || (frac == half && (u & (m + 1)))) u += m + 1;              \
      }                                                                              \
    }                                                                                \
    return fromb(u);                                                                 \
  }
W2C_ROUND_FNS(f32, float, uint32_t, w2c_i32_reinterpret_f32, w2c_f32_bits, 23, 127, 0xFF,
              W2C_F32_SIGN, 0x3F800000u)
W2C_ROUND_FNS(f64, double, uint64_t, w2c_i64_reinterpret_f64, w2c_f64_bits, 52, 1023, 0x7FF,
              W2C_F64_SIGN, UINT64_C(0x3FF0000000000000))
#undef W2C_ROUND_FNS

#ifdef W2C_ROUND_BUILTINS
static inline float w2c_f32_ceil(float x) { return __builtin_ceilf(x); }
static inline float w2c_f32_floor(float x) { return __builtin_floorf(x); }
static inline float w2c_f32_trunc(float x) { return __builtin_truncf(x); }
static inline float w2c_f32_nearest(float x) { return __builtin_roundevenf(x); }
static inline double w2c_f64_ceil(double x) { return __builtin_ceil(x); }
static inline double w2c_f64_floor(double x) { return __builtin_floor(x); }
static inline double w2c_f64_trunc(double x) { return __builtin_trunc(x); }
static inline double w2c_f64_nearest(double x) { return __builtin_roundeven(x); }
#else
static inline float w2c_f32_ceil(float x) { return w2c_f32_round_(x, 0); }
static inline float w2c_f32_floor(float x) { return w2c_f32_round_(x, 1); }
static inline float w2c_f32_trunc(float x) { return w2c_f32_round_(x, 2); }
static inline float w2c_f32_nearest(float x) { return w2c_f32_round_(x, 3); }
static inline double w2c_f64_ceil(double x) { return w2c_f64_round_(x, 0); }
static inline double w2c_f64_floor(double x) { return w2c_f64_round_(x, 1); }
static inline double w2c_f64_trunc(double x) { return w2c_f64_round_(x, 2); }
static inline double w2c_f64_nearest(double x) { return w2c_f64_round_(x, 3); }
#endif

/* ---- sqrt ------------------------------------------------------------------
 * Portable, correctly rounded (to nearest, ties to even) square roots on
 * the bits, integer arithmetic only: the digit-by-digit recurrence of
 * fdlibm's e_sqrt.c, one result bit per step, with one extra bit for
 * rounding (a square root is never exactly halfway between two floats, so
 * "round bit set" means "round up").  Bit-exact with IEEE hardware for every
 * non-NaN input; a NaN comes out quiet with its payload and sign (as x86 and
 * Arm without default-NaN mode), a negative number as the canonical NaN
 * 0x7FC00000 / 0x7FF8000000000000, -0 as -0. */
static inline uint32_t w2c_sqrt32_soft_(uint32_t u) {
  uint32_t m, q = 0, s = 0, r = UINT32_C(1) << 24, t;
  int e = (int)(u >> 23); /* biased exponent (sign is handled first) */
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) return u | 0x00400000u;  /* NaN: quiet */
  if (u & W2C_F32_SIGN) return (u & 0x7FFFFFFFu) ? 0x7FC00000u : u; /* < 0; -0 */
  if (u == 0 || u == 0x7F800000u) return u;                        /* +0, +inf */
  m = u & 0x7FFFFFu;
  if (e == 0) { /* subnormal: normalize */
    e = 1;
    while (!(m & 0x800000u)) { m <<= 1; e--; }
  }
  m |= 0x800000u;
  e += 256 - 127;            /* unbiased + 256 > 0: shifts stay on non-negative ints */
  if (e & 1) m <<= 1;        /* make the exponent even */
  e = (e >> 1) - 128;        /* halved (floor), unbiased */
  m <<= 1;
  while (r) {                /* q: 25 bits of sqrt, m: the remainder, doubled */
    t = s + r;
    if (t <= m) { s = t + r; m -= t; q += r; }
    m <<= 1;
    r >>= 1;
  }
  q += q & 1;                /* round */
  return ((uint32_t)(e + 126) << 23) + (q >> 1); /* q's leading bit adds the 1 */
}
static inline uint64_t w2c_sqrt64_soft_(uint64_t u) {
  uint64_t m, q = 0, s = 0, r = UINT64_C(1) << 53, t;
  int e = (int)(u >> 52);
  if ((u & ~W2C_F64_SIGN) > UINT64_C(0x7FF0000000000000)) return u | UINT64_C(0x0008000000000000);
  if (u & W2C_F64_SIGN) return (u & ~W2C_F64_SIGN) ? UINT64_C(0x7FF8000000000000) : u;
  if (u == 0 || u == UINT64_C(0x7FF0000000000000)) return u;
  m = u & UINT64_C(0xFFFFFFFFFFFFF);
  if (e == 0) {
    e = 1;
    while (!(m & UINT64_C(0x10000000000000))) { m <<= 1; e--; }
  }
  m |= UINT64_C(0x10000000000000);
  e += 2048 - 1023;
  if (e & 1) m <<= 1;
  e = (e >> 1) - 1024;
  m <<= 1;
  while (r) {                /* q: 54 bits; m stays below 2^56 */
    t = s + r;
    if (t <= m) { s = t + r; m -= t; q += r; }
    m <<= 1;
    r >>= 1;
  }
  q += q & 1;
  return ((uint64_t)(e + 1022) << 52) + (q >> 1);
}
static inline float w2c_sqrtf_soft_(float x) {
  return w2c_f32_bits(w2c_sqrt32_soft_(w2c_i32_reinterpret_f32(x)));
}
static inline double w2c_sqrt_soft_(double x) {
  return w2c_f64_bits(w2c_sqrt64_soft_(w2c_i64_reinterpret_f64(x)));
}

/* Which sqrt w2c_f32_sqrt/w2c_f64_sqrt use, first that applies:
 *   W2C_SQRTF(x) / W2C_SQRT(x) if you define them (both; correctly rounded,
 *     e.g. your compiler's intrinsic for the FPU instruction);
 *   W2C_SOFT_SQRT (define it, no value; default off): the portable
 *     w2c_sqrtf_soft_/w2c_sqrt_soft_ above, on any build (slow; for targets
 *     whose sqrt is not trusted, and to test them on a host);
 *   freestanding GCC/clang: the instruction in inline asm where there is one
 *     (x86 SSE2 sqrtss/sqrtsd, AArch64 fsqrt, 32-bit Arm with an FPU vsqrt
 *     per precision __ARM_FP has, RISC-V F/D fsqrt.s/fsqrt.d per
 *     __riscv_flen), else the portable one, so nothing refers to libm
 *     (which a freestanding program does not have);
 *   hosted GCC/clang: the builtin, the hardware instruction, which may call
 *     libm's sqrtf/sqrt to set errno for a negative input (link with -lm, or
 *     compile with -fno-math-errno);
 *   other hosted compilers: math.h. */
#if !defined(W2C_SQRTF) || !defined(W2C_SQRT)
#if defined(W2C_SQRTF) || defined(W2C_SQRT)
#error "w2c: define both W2C_SQRTF and W2C_SQRT, or neither."
#elif defined(W2C_SOFT_SQRT)
#define W2C_SQRTF(x) w2c_sqrtf_soft_(x)
#define W2C_SQRT(x) w2c_sqrt_soft_(x)
#elif defined(__GNUC__) && defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0
/* freestanding: the instruction itself, or the portable code */
#define W2C_SQRTF(x) w2c_sqrtf_insn_(x)
#define W2C_SQRT(x) w2c_sqrt_insn_(x)
#if defined(__SSE2__)
static inline float w2c_sqrtf_insn_(float x) { __asm__("sqrtss %1, %0" : "=x"(x) : "x"(x)); return x; }
static inline double w2c_sqrt_insn_(double x) { __asm__("sqrtsd %1, %0" : "=x"(x) : "x"(x)); return x; }
#elif defined(__aarch64__)
static inline float w2c_sqrtf_insn_(float x) { __asm__("fsqrt %s0, %s1" : "=w"(x) : "w"(x)); return x; }
static inline double w2c_sqrt_insn_(double x) { __asm__("fsqrt %d0, %d1" : "=w"(x) : "w"(x)); return x; }
#elif defined(__arm__) && defined(__ARM_FP)
#if __ARM_FP & 4
static inline float w2c_sqrtf_insn_(float x) { __asm__("vsqrt.f32 %0, %1" : "=t"(x) : "t"(x)); return x; }
#else
static inline float w2c_sqrtf_insn_(float x) { return w2c_sqrtf_soft_(x); }
#endif
#if __ARM_FP & 8
static inline double w2c_sqrt_insn_(double x) { __asm__("vsqrt.f64 %P0, %P1" : "=w"(x) : "w"(x)); return x; }
#else
static inline double w2c_sqrt_insn_(double x) { return w2c_sqrt_soft_(x); }
#endif
#elif defined(__riscv) && defined(__riscv_flen)
static inline float w2c_sqrtf_insn_(float x) { __asm__("fsqrt.s %0, %1" : "=f"(x) : "f"(x)); return x; }
#if __riscv_flen >= 64
static inline double w2c_sqrt_insn_(double x) { __asm__("fsqrt.d %0, %1" : "=f"(x) : "f"(x)); return x; }
#else
static inline double w2c_sqrt_insn_(double x) { return w2c_sqrt_soft_(x); }
#endif
#else
static inline float w2c_sqrtf_insn_(float x) { return w2c_sqrtf_soft_(x); }
static inline double w2c_sqrt_insn_(double x) { return w2c_sqrt_soft_(x); }
#endif
#elif defined(__GNUC__)
#define W2C_SQRTF(x) __builtin_sqrtf(x)
#define W2C_SQRT(x) __builtin_sqrt(x)
#elif defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 1
#include <math.h>
#define W2C_SQRTF(x) sqrtf(x)
#define W2C_SQRT(x) sqrt(x)
#else
#error "w2c: no sqrt in a freestanding build with this compiler: define W2C_SQRTF(x) and W2C_SQRT(x) (your FPU's instruction), or W2C_SOFT_SQRT for the portable integer one."
#endif
#endif
static inline float w2c_f32_sqrt(float x) { return W2C_SQRTF(x); }
static inline double w2c_f64_sqrt(double x) { return W2C_SQRT(x); }

/* ---- conversions between float types: a NaN comes out quiet with the top
 * of its payload (what x86 and ARM do), whatever the C compiler does. --- */
static inline float w2c_f32_demote_f64(double d) {
  if (d != d) {
    uint64_t u = w2c_i64_reinterpret_f64(d);
    return w2c_f32_bits((uint32_t)(u >> 32 & W2C_F32_SIGN) | 0x7FC00000u |
                        (uint32_t)(u >> 29 & 0x3FFFFFu));
  }
  return (float)d;
}
static inline double w2c_f64_promote_f32(float f) {
  if (f != f) {
    uint32_t u = w2c_i32_reinterpret_f32(f);
    return w2c_f64_bits((uint64_t)(u & W2C_F32_SIGN) << 32 | UINT64_C(0x7FF8000000000000) |
                        (uint64_t)(u & 0x3FFFFFu) << 29);
  }
  return (double)f;
}

/* u64 -> f32 correctly rounded (no double rounding through f64): halve
 * with a sticky bit, convert the now signed value, double it. */
static inline float w2c_f32_convert_i64_u(uint64_t u) {
  if (!(u >> 63)) return (float)(int64_t)u;
  return (float)(int64_t)((u >> 1) | (u & 1)) * 2.0f;
}
/* Also through signed conversions: clang 14 folds the plain (double)u when a
 * float-to-unsigned conversion follows (LLVM issue 55150), returning u's
 * integer unchanged instead of the rounded value. */
static inline double w2c_f64_convert_i64_u(uint64_t u) {
  if (!(u >> 63)) return (double)(int64_t)u;
  return (double)(int64_t)((u >> 1) | (u & 1)) * 2.0;
}

/* ---- float -> integer, trapping: NaN is an invalid conversion, a value
 * whose truncation does not fit is an overflow.  Bounds are exact. ------- */
#define W2C_TRUNC(name, T, F, R, lo_ok, hi_ok)                        \
  static inline R name(F x) {                                         \
    if (W2C_UNLIKELY(x != x)) W2C_TRAP(W2C_TRAP_INVALID_CONVERSION);  \
    if (W2C_UNLIKELY(!((lo_ok) && (hi_ok)))) W2C_TRAP(W2C_TRAP_INT_OVERFLOW); \
    return (R)(T)x;                                                   \
  }
W2C_TRUNC(w2c_i32_trunc_f32_s, int32_t, float, uint32_t, x >= -0x1p31f, x < 0x1p31f)
W2C_TRUNC(w2c_i32_trunc_f32_u, uint32_t, float, uint32_t, x > -1.0f, x < 0x1p32f)
W2C_TRUNC(w2c_i32_trunc_f64_s, int32_t, double, uint32_t, x > -0x1.00000002p31, x < 0x1p31)
W2C_TRUNC(w2c_i32_trunc_f64_u, uint32_t, double, uint32_t, x > -1.0, x < 0x1p32)
W2C_TRUNC(w2c_i64_trunc_f32_s, int64_t, float, uint64_t, x >= -0x1p63f, x < 0x1p63f)
W2C_TRUNC(w2c_i64_trunc_f32_u, uint64_t, float, uint64_t, x > -1.0f, x < 0x1p64f)
W2C_TRUNC(w2c_i64_trunc_f64_s, int64_t, double, uint64_t, x >= -0x1p63, x < 0x1p63)
W2C_TRUNC(w2c_i64_trunc_f64_u, uint64_t, double, uint64_t, x > -1.0, x < 0x1p64)
#undef W2C_TRUNC

/* ---- float -> integer, saturating: NaN -> 0, out of range -> the bound. -- */
#define W2C_TRUNC_SAT(name, T, F, R, lo_ok, hi_ok, LO, HI)            \
  static inline R name(F x) {                                         \
    if (x != x) return 0;                                             \
    if (!(lo_ok)) return (R)(LO);                                     \
    if (!(hi_ok)) return (R)(HI);                                     \
    return (R)(T)x;                                                   \
  }
W2C_TRUNC_SAT(w2c_i32_trunc_sat_f32_s, int32_t, float, uint32_t, x >= -0x1p31f, x < 0x1p31f,
              0x80000000u, 0x7FFFFFFFu)
W2C_TRUNC_SAT(w2c_i32_trunc_sat_f32_u, uint32_t, float, uint32_t, x > -1.0f, x < 0x1p32f,
              0u, 0xFFFFFFFFu)
W2C_TRUNC_SAT(w2c_i32_trunc_sat_f64_s, int32_t, double, uint32_t, x > -0x1.00000002p31,
              x < 0x1p31, 0x80000000u, 0x7FFFFFFFu)
W2C_TRUNC_SAT(w2c_i32_trunc_sat_f64_u, uint32_t, double, uint32_t, x > -1.0, x < 0x1p32,
              0u, 0xFFFFFFFFu)
W2C_TRUNC_SAT(w2c_i64_trunc_sat_f32_s, int64_t, float, uint64_t, x >= -0x1p63f, x < 0x1p63f,
              UINT64_C(0x8000000000000000), UINT64_C(0x7FFFFFFFFFFFFFFF))
W2C_TRUNC_SAT(w2c_i64_trunc_sat_f32_u, uint64_t, float, uint64_t, x > -1.0f, x < 0x1p64f,
              0u, UINT64_C(0xFFFFFFFFFFFFFFFF))
W2C_TRUNC_SAT(w2c_i64_trunc_sat_f64_s, int64_t, double, uint64_t, x >= -0x1p63, x < 0x1p63,
              UINT64_C(0x8000000000000000), UINT64_C(0x7FFFFFFFFFFFFFFF))
W2C_TRUNC_SAT(w2c_i64_trunc_sat_f64_u, uint64_t, double, uint64_t, x > -1.0, x < 0x1p64,
              0u, UINT64_C(0xFFFFFFFFFFFFFFFF))
#undef W2C_TRUNC_SAT

/* Wide arithmetic (i64.add128, i64.sub128, i64.mul_wide_s, i64.mul_wide_u):
 * 128-bit values as (low, high) halves; the results are written through
 * `lo` and `hi`.  W2C_INT128: use the compiler's unsigned __int128 for the
 * 64x64->128 multiplies.  Default: 1 where the compiler has the type
 * (__SIZEOF_INT128__) and W2C_NO_BUILTINS is not defined, else 0; 0 is the
 * portable C99 code, the reference (tests/runtime/test_wide_arith.py checks
 * both). */
#ifndef W2C_INT128
#if defined(__SIZEOF_INT128__) && !defined(W2C_NO_BUILTINS)
#define W2C_INT128 1
#else
#define W2C_INT128 0
#endif
#endif

static inline void w2c_i64_add128(uint64_t *lo, uint64_t *hi, uint64_t alo, uint64_t ahi,
                                  uint64_t blo, uint64_t bhi) {
  uint64_t l = alo + blo;
  *hi = ahi + bhi + (l < alo);
  *lo = l;
}

static inline void w2c_i64_sub128(uint64_t *lo, uint64_t *hi, uint64_t alo, uint64_t ahi,
                                  uint64_t blo, uint64_t bhi) {
  *hi = ahi - bhi - (alo < blo);
  *lo = alo - blo;
}

/* The portable unsigned 64x64->128 product from 32-bit halves. */
static inline void w2c_mul_wide_u_portable_(uint64_t *lo, uint64_t *hi, uint64_t a, uint64_t b) {
  uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32, b0 = b & 0xFFFFFFFFu, b1 = b >> 32;
  uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
  *lo = (mid << 32) | (p00 & 0xFFFFFFFFu);
  *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

#if W2C_INT128
__extension__ typedef unsigned __int128 w2c_u128_;
__extension__ typedef __int128 w2c_s128_;
#endif

static inline void w2c_i64_mul_wide_u(uint64_t *lo, uint64_t *hi, uint64_t a, uint64_t b) {
#if W2C_INT128
  w2c_u128_ p = (w2c_u128_)a * b;
  *lo = (uint64_t)p;
  *hi = (uint64_t)(p >> 64);
#else
  w2c_mul_wide_u_portable_(lo, hi, a, b);
#endif
}

static inline void w2c_i64_mul_wide_s(uint64_t *lo, uint64_t *hi, uint64_t a, uint64_t b) {
#if W2C_INT128
  w2c_u128_ p = (w2c_u128_)((w2c_s128_)(int64_t)a * (int64_t)b);
  *lo = (uint64_t)p;
  *hi = (uint64_t)(p >> 64);
#else
  /* signed high half = unsigned high half - (a < 0 ? b : 0) - (b < 0 ? a : 0) */
  uint64_t h;
  w2c_mul_wide_u_portable_(lo, &h, a, b);
  *hi = h - ((a >> 63) ? b : 0) - ((b >> 63) ? a : 0);
#endif
}

#endif /* W2C_NUM_H */
