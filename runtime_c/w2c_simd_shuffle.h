/* w2c_simd_shuffle.h: i8x16.shuffle; part of w2c_simd.h, which includes it
 * after the v128 type (not to be included on its own).
 *
 * i8x16.shuffle is a macro of the two operands and the 16 lane immediates
 * (0..31, constants): w2c_i8x16_shuffle(a, b, i0, ..., i15).  Vector builds
 * give them to the compiler's shuffle builtin, which picks the instructions;
 * clang's always does well.  GCC without SSSE3 (plain x86-64: no pshufb)
 * does well only on a few patterns; there the patterns are sorted at
 * compile time into the builtin's good cases, a byte rotation (psrldq,
 * pslldq), a blend of one SSE2 step per operand (below), and the rest. */
#ifndef W2C_SIMD_SHUFFLE_H
#define W2C_SIMD_SHUFFLE_H

/* The reference: lane by lane. */
static inline w2c_v128 w2c_i8x16_shuffle_(w2c_v128 a, w2c_v128 b, const uint8_t *idx) {
  w2c_v128 r;
  int k;
  for (k = 0; k < 16; k++) {
    int s = idx[k] & 31;
    W2C_AT_(r, u8, k) = s < 16 ? W2C_AT_(a, u8, s) : W2C_AT_(b, u8, s - 16);
  }
  return r;
}
#if W2C_SIMD_IMPL == W2C_SIMD_VECTOR && defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
/* Element j of the result takes Wasm lane W2C_LX_(j): the builtin's index
 * of Wasm lane s is W2C_LX_ within each operand. */
#define W2C_SHIDX_(s) (((s) & 31) < 16 ? W2C_LX_((s) & 15, 16) : 16 + W2C_LX_((s) & 15, 16))
#if W2C_SIMD_LANES_REVERSED
#define W2C_SHUF16_(a, b, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15) \
  __builtin_shufflevector(a, b, W2C_SHIDX_(i15), W2C_SHIDX_(i14), W2C_SHIDX_(i13),              \
                          W2C_SHIDX_(i12), W2C_SHIDX_(i11), W2C_SHIDX_(i10), W2C_SHIDX_(i9),    \
                          W2C_SHIDX_(i8), W2C_SHIDX_(i7), W2C_SHIDX_(i6), W2C_SHIDX_(i5),       \
                          W2C_SHIDX_(i4), W2C_SHIDX_(i3), W2C_SHIDX_(i2), W2C_SHIDX_(i1),       \
                          W2C_SHIDX_(i0))
#else
#define W2C_SHUF16_(a, b, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15) \
  __builtin_shufflevector(a, b, W2C_SHIDX_(i0), W2C_SHIDX_(i1), W2C_SHIDX_(i2),                 \
                          W2C_SHIDX_(i3), W2C_SHIDX_(i4), W2C_SHIDX_(i5), W2C_SHIDX_(i6),       \
                          W2C_SHIDX_(i7), W2C_SHIDX_(i8), W2C_SHIDX_(i9), W2C_SHIDX_(i10),      \
                          W2C_SHIDX_(i11), W2C_SHIDX_(i12), W2C_SHIDX_(i13), W2C_SHIDX_(i14),   \
                          W2C_SHIDX_(i15))
#endif
static inline w2c_v128 w2c_v128_of_u8_(w2c_vu8_ v) { w2c_v128 r; r.u8 = v; return r; }
#if defined(W2C_SIMD_SSE2_) && !defined(__SSSE3__) && defined(__x86_64__) && !defined(__clang__)
/* Without pshufb GCC builds a general byte shuffle in a general register
 * and reloads it through the stack, two 8-byte stores read by a 16-byte
 * load: a store-forwarding stall.  The same bytes, moved by movq. */
#define W2C_SB_(k, i) ((uint64_t)t[(i) & 31] << (8 * (k)))
__attribute__((always_inline)) static inline w2c_v128 w2c_sse2_shuffle_(w2c_v128 a, w2c_v128 b,
                                                                    const uint8_t *i) {
  uint8_t t[32];
  uint64_t lo, hi;
  w2c_v128 r;
  W2C_MEMCPY(t, &a, 16);
  W2C_MEMCPY(t + 16, &b, 16);
  lo = W2C_SB_(0, i[0]) | W2C_SB_(1, i[1]) | W2C_SB_(2, i[2]) | W2C_SB_(3, i[3]) |
       W2C_SB_(4, i[4]) | W2C_SB_(5, i[5]) | W2C_SB_(6, i[6]) | W2C_SB_(7, i[7]);
  hi = W2C_SB_(0, i[8]) | W2C_SB_(1, i[9]) | W2C_SB_(2, i[10]) | W2C_SB_(3, i[11]) |
       W2C_SB_(4, i[12]) | W2C_SB_(5, i[13]) | W2C_SB_(6, i[14]) | W2C_SB_(7, i[15]);
  r.m = _mm_unpacklo_epi64(_mm_cvtsi64_si128((long long)lo), _mm_cvtsi64_si128((long long)hi));
  return r;
}
#undef W2C_SB_
/* Other shuffles: each operand goes through one SSE2 step that brings
 * the bytes the result needs from it to their places, and the results are
 * blended by constant byte masks.  Steps (nibble k of the step's map is
 * the operand's byte that lands in byte k):
 *   1 itself; 2/3 punpckl/hbw x,x; 4/5 punpckl/hwd x,x; 6/7 punpckl/hdq x,x;
 *   8/9 punpckl/hqdq x,x; 10 even bytes (pand + packuswb); 11 odd bytes
 *   (psrlw + packuswb); 12 every fourth byte (pand + packssdw + packuswb);
 *   for a only, 13-20 the punpck* of a with z, a broadcast of a's byte 0,
 *   and 21 step 12 then punpcklqdq with z (LLVM's i32 -> i8 truncation).
 * Index 0 (the first operand's first byte), in lanes a compiler does not
 * care about, is what LLVM writes (u8 -> u16 "any-extend" is
 * 0 1 0 0 2 3 0 0 ...): such bytes come from a's step where it has that
 * byte there, else from z.  a's step is first sought among all 21 steps
 * so that it has every index-0 byte too (one punpck* for LLVM's patterns),
 * then among 1-12 for the bytes of a alone.  The plan is made from
 * the indices packed as nibbles (W2C_SNIBS_: where each byte comes from,
 * which bytes need a, b or index 0), constants, so that everything but the
 * steps and the blend folds at compile time; a pattern no step fits keeps
 * the movq form. */
#define W2C_SX_(i) ((i) & 31)
#define W2C_SNA_(i) (W2C_SX_(i) != 0 && W2C_SX_(i) < 16)
#define W2C_SNB_(i) (W2C_SX_(i) >= 16)
#define W2C_SNZ_(i) (W2C_SX_(i) == 0)
#define W2C_SPOS_(i) ((i) & 15)
#define W2C_SNIBS_(F, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15) \
  ((uint64_t)F(i0) << 0 | (uint64_t)F(i1) << 4 | (uint64_t)F(i2) << 8 |                     \
   (uint64_t)F(i3) << 12 | (uint64_t)F(i4) << 16 | (uint64_t)F(i5) << 20 |                  \
   (uint64_t)F(i6) << 24 | (uint64_t)F(i7) << 28 | (uint64_t)F(i8) << 32 |                  \
   (uint64_t)F(i9) << 36 | (uint64_t)F(i10) << 40 | (uint64_t)F(i11) << 44 |                \
   (uint64_t)F(i12) << 48 | (uint64_t)F(i13) << 52 | (uint64_t)F(i14) << 56 |               \
   (uint64_t)F(i15) << 60)
/* Step c's map (c = 1..21); 0 for any other c. */
__attribute__((always_inline)) static inline uint64_t w2c_sse2_map_(int c) {
  return c == 1 ? UINT64_C(0xfedcba9876543210) :
         c == 2 ? UINT64_C(0x7766554433221100) :
         c == 3 ? UINT64_C(0xffeeddccbbaa9988) :
         c == 4 ? UINT64_C(0x7676545432321010) :
         c == 5 ? UINT64_C(0xfefedcdcbaba9898) :
         c == 6 ? UINT64_C(0x7654765432103210) :
         c == 7 ? UINT64_C(0xfedcfedcba98ba98) :
         c == 8 ? UINT64_C(0x7654321076543210) :
         c == 9 ? UINT64_C(0xfedcba98fedcba98) :
         c == 10 ? UINT64_C(0xeca86420eca86420) :
         c == 11 ? UINT64_C(0xfdb97531fdb97531) :
         c == 12 ? UINT64_C(0xc840c840c840c840) :
         c == 13 ? UINT64_C(0x0706050403020100) :
         c == 14 ? UINT64_C(0x0f0e0d0c0b0a0908) :
         c == 15 ? UINT64_C(0x0076005400320010) :
         c == 16 ? UINT64_C(0x00fe00dc00ba0098) :
         c == 17 ? UINT64_C(0x0000765400003210) :
         c == 18 ? UINT64_C(0x0000fedc0000ba98) :
         c == 19 ? UINT64_C(0x0000000076543210) :
         c == 20 ? UINT64_C(0x00000000fedcba98) :
         c == 21 ? UINT64_C(0x00000000c840c840) : 0;
}
/* The first step up to `last` whose map has the operand's byte in every
 * needed byte (nibble mask `need`): 0 if none is needed, -1 if no step
 * fits.  Written out, not as a loop, so that GCC folds it for constant
 * arguments. */
#define W2C_SFITS_(c) ((c) <= last && ((pos ^ w2c_sse2_map_(c)) & need) == 0)
__attribute__((always_inline)) static inline int w2c_sse2_step_for_(uint64_t pos, uint64_t need,
                                                                int last) {
  return !need ? 0 : W2C_SFITS_(1) ? 1 : W2C_SFITS_(2) ? 2 : W2C_SFITS_(3) ? 3 : W2C_SFITS_(4) ? 4
       : W2C_SFITS_(5) ? 5 : W2C_SFITS_(6) ? 6 : W2C_SFITS_(7) ? 7 : W2C_SFITS_(8) ? 8
       : W2C_SFITS_(9) ? 9 : W2C_SFITS_(10) ? 10 : W2C_SFITS_(11) ? 11 : W2C_SFITS_(12) ? 12
       : W2C_SFITS_(13) ? 13 : W2C_SFITS_(14) ? 14 : W2C_SFITS_(15) ? 15 : W2C_SFITS_(16) ? 16
       : W2C_SFITS_(17) ? 17 : W2C_SFITS_(18) ? 18 : W2C_SFITS_(19) ? 19 : W2C_SFITS_(20) ? 20
       : W2C_SFITS_(21) ? 21 : -1;
}
#undef W2C_SFITS_
/* Bit 4k of a nibble mask as the byte mask of byte k. */
__attribute__((always_inline)) static inline __m128i w2c_sse2_bytes_(uint64_t n) {
#define W2C_SB_(k) (char)-(int)((n >> (4 * (k))) & 1)
  return _mm_setr_epi8(W2C_SB_(0), W2C_SB_(1), W2C_SB_(2), W2C_SB_(3), W2C_SB_(4), W2C_SB_(5),
                       W2C_SB_(6), W2C_SB_(7), W2C_SB_(8), W2C_SB_(9), W2C_SB_(10), W2C_SB_(11),
                       W2C_SB_(12), W2C_SB_(13), W2C_SB_(14), W2C_SB_(15));
#undef W2C_SB_
}
/* Operand x through step c (z: the broadcast of a's byte 0). */
__attribute__((always_inline)) static inline __m128i w2c_sse2_step_(__m128i x, int c, __m128i z) {
  switch (c) {
  case 1: return x;
  case 2: return _mm_unpacklo_epi8(x, x);
  case 3: return _mm_unpackhi_epi8(x, x);
  case 4: return _mm_unpacklo_epi16(x, x);
  case 5: return _mm_unpackhi_epi16(x, x);
  case 6: return _mm_unpacklo_epi32(x, x);
  case 7: return _mm_unpackhi_epi32(x, x);
  case 8: return _mm_unpacklo_epi64(x, x);
  case 9: return _mm_unpackhi_epi64(x, x);
  case 10: x = _mm_and_si128(x, _mm_set1_epi16(0xFF)); return _mm_packus_epi16(x, x);
  case 11: x = _mm_srli_epi16(x, 8); return _mm_packus_epi16(x, x);
  case 12:
  case 21:
    x = _mm_and_si128(x, _mm_set1_epi32(0xFF));
    x = _mm_packs_epi32(x, x);
    x = _mm_packus_epi16(x, x);
    return c == 21 ? _mm_unpacklo_epi64(x, z) : x;
  case 13: return _mm_unpacklo_epi8(x, z);
  case 14: return _mm_unpackhi_epi8(x, z);
  case 15: return _mm_unpacklo_epi16(x, z);
  case 16: return _mm_unpackhi_epi16(x, z);
  case 17: return _mm_unpacklo_epi32(x, z);
  case 18: return _mm_unpackhi_epi32(x, z);
  case 19: return _mm_unpacklo_epi64(x, z);
  case 20: return _mm_unpackhi_epi64(x, z);
  default: return _mm_setzero_si128();
  }
}
/* (step_a(a) & (bytes of a | index-0 bytes it has)) | (step_b(b) & bytes
 * of b) | (z & the other index-0 bytes); nibble
 * masks na, nb, nz have bit 4k set for the bytes k of each kind. */
__attribute__((always_inline)) static inline w2c_v128 w2c_sse2_blend_(
    w2c_v128 a, w2c_v128 b, uint64_t pos, uint64_t na, uint64_t nb, uint64_t nz,
    const uint8_t *i) {
  const uint64_t ones = UINT64_C(0x1111111111111111);
  int ca = w2c_sse2_step_for_(pos, (na | nz) * 15, 21), cb = w2c_sse2_step_for_(pos, nb * 15, 12);
  uint64_t map, covered;
  __m128i z;
  w2c_v128 r;
  if (ca < 0) ca = w2c_sse2_step_for_(pos, na * 15, 12);
  if (ca < 0 || cb < 0) return w2c_sse2_shuffle_(a, b, i);
  map = w2c_sse2_map_(ca);
  covered = ca ? nz & ~((map | map >> 1 | map >> 2 | map >> 3) & ones) : 0;
  z = _mm_unpacklo_epi8(a.m, a.m);
  z = _mm_shuffle_epi32(_mm_shufflelo_epi16(z, 0), 0);
  r.m = _mm_or_si128(
      _mm_or_si128(_mm_and_si128(w2c_sse2_step_(a.m, ca, z), w2c_sse2_bytes_(na | covered)),
                   _mm_and_si128(w2c_sse2_step_(b.m, cb, z), w2c_sse2_bytes_(nb))),
      _mm_and_si128(z, w2c_sse2_bytes_(nz & ~covered)));
  return r;
}
/* i_k = i_0 + k, 0 < i_0 < 16: the bytes from i_0 of a then b (palignr). */
#define W2C_SALIGNR_(i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15) \
  (W2C_SX_(i0) > 0 && W2C_SX_(i0) < 16 &&                                   \
   W2C_SX_(i1) == W2C_SX_(i0) + 1 && W2C_SX_(i2) == W2C_SX_(i0) + 2 &&      \
   W2C_SX_(i3) == W2C_SX_(i0) + 3 && W2C_SX_(i4) == W2C_SX_(i0) + 4 &&      \
   W2C_SX_(i5) == W2C_SX_(i0) + 5 && W2C_SX_(i6) == W2C_SX_(i0) + 6 &&      \
   W2C_SX_(i7) == W2C_SX_(i0) + 7 && W2C_SX_(i8) == W2C_SX_(i0) + 8 &&      \
   W2C_SX_(i9) == W2C_SX_(i0) + 9 && W2C_SX_(i10) == W2C_SX_(i0) + 10 &&    \
   W2C_SX_(i11) == W2C_SX_(i0) + 11 && W2C_SX_(i12) == W2C_SX_(i0) + 12 &&  \
   W2C_SX_(i13) == W2C_SX_(i0) + 13 && W2C_SX_(i14) == W2C_SX_(i0) + 14 &&  \
   W2C_SX_(i15) == W2C_SX_(i0) + 15)
static inline w2c_v128 w2c_v128_of_m_(__m128i m) { w2c_v128 r; r.m = m; return r; }
/* Shuffles GCC does in 1-4 SSE2 instructions go to the builtin: whole
 * 32-bit lanes (pshufd, shufps, punpck*dq), a byte splat, a byte interleave
 * (punpcklbw/punpckhbw); the others are planned (above) or
 * take the movq form. */
#define W2C_QUAD_(a, b, c, d) (((a) & 3) == 0 && (b) == (a) + 1 && (c) == (a) + 2 && (d) == (a) + 3)
#define W2C_ZIP_(x, y, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15) \
  (((x) & 7) == 0 && ((y) & 7) == 0 && i0 == (x) && i1 == (y) && i2 == (x) + 1 &&           \
   i3 == (y) + 1 && i4 == (x) + 2 && i5 == (y) + 2 && i6 == (x) + 3 && i7 == (y) + 3 &&     \
   i8 == (x) + 4 && i9 == (y) + 4 && i10 == (x) + 5 && i11 == (y) + 5 && i12 == (x) + 6 &&  \
   i13 == (y) + 6 && i14 == (x) + 7 && i15 == (y) + 7)
#define W2C_CHEAP_SHUF_(i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15) \
  ((W2C_QUAD_(i0, i1, i2, i3) && W2C_QUAD_(i4, i5, i6, i7) && W2C_QUAD_(i8, i9, i10, i11) &&  \
    W2C_QUAD_(i12, i13, i14, i15)) ||                                                          \
   (i1 == i0 && i2 == i0 && i3 == i0 && i4 == i0 && i5 == i0 && i6 == i0 && i7 == i0 &&        \
    i8 == i0 && i9 == i0 && i10 == i0 && i11 == i0 && i12 == i0 && i13 == i0 && i14 == i0 &&   \
    i15 == i0) ||                                                                              \
   W2C_ZIP_(i0, i1, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15))
#define w2c_i8x16_shuffle(a, b, ...) w2c_sse2_shuffle_sel_(a, b, __VA_ARGS__)
#define w2c_sse2_shuffle_sel_(a, b, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12,   \
                              i13, i14, i15)                                               \
  (W2C_CHEAP_SHUF_(i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15)    \
       ? w2c_v128_of_u8_(W2C_SHUF16_((a).u8, (b).u8, i0, i1, i2, i3, i4, i5, i6, i7, i8,    \
                                     i9, i10, i11, i12, i13, i14, i15))                     \
       : W2C_SALIGNR_(i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15)  \
       ? w2c_v128_of_m_(_mm_or_si128(_mm_srli_si128((a).m, (i0) & 15),                     \
                                     _mm_slli_si128((b).m, (16 - ((i0) & 15)) & 15)))      \
       : w2c_sse2_blend_(a, b, W2C_SNIBS_(W2C_SPOS_, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, \
                                    i10, i11, i12, i13, i14, i15),                         \
                         W2C_SNIBS_(W2C_SNA_, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, \
                                    i11, i12, i13, i14, i15),                              \
                         W2C_SNIBS_(W2C_SNB_, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, \
                                    i11, i12, i13, i14, i15),                              \
                         W2C_SNIBS_(W2C_SNZ_, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, \
                                    i11, i12, i13, i14, i15),                              \
                         (const uint8_t[16]){i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10,  \
                                            i11, i12, i13, i14, i15}))
#else
#define w2c_i8x16_shuffle(a, b, ...) \
  w2c_v128_of_u8_(W2C_SHUF16_((a).u8, (b).u8, __VA_ARGS__))
#endif
#endif
#endif
#ifndef w2c_i8x16_shuffle
#define w2c_i8x16_shuffle(a, b, ...) \
  w2c_i8x16_shuffle_(a, b, (const uint8_t[16]){__VA_ARGS__})
#endif

#endif /* W2C_SIMD_SHUFFLE_H */
