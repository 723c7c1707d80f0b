/* test_num.c: the numeric helpers of w2c_num.h against known vectors. */
#include "check.h"

#define T_NONE W2C_TRAP_NONE
#define T_DIV0 W2C_TRAP_INT_DIV_ZERO
#define T_OVF W2C_TRAP_INT_OVERFLOW
#define T_INV W2C_TRAP_INVALID_CONVERSION

static void test_division(void) {
  CHECK_NOTRAP_EQ(w2c_i32_div_s(v32(7), v32(0xFFFFFFFEu)), 0xFFFFFFFDu); /* 7 / -2 = -3 */
  CHECK_NOTRAP_EQ(w2c_i32_div_s(v32(0xFFFFFFF9u), v32(2)), 0xFFFFFFFDu); /* -7 / 2 = -3 */
  CHECK_NOTRAP_EQ(w2c_i32_div_s(v32(0x80000000u), v32(1)), 0x80000000u);
  CHECK_NOTRAP_EQ(w2c_i32_div_s(v32(0x80000000u), v32(2)), 0xC0000000u);
  CHECK_TRAP(T_OVF, w2c_i32_div_s(v32(0x80000000u), v32(0xFFFFFFFFu)));
  CHECK_TRAP(T_DIV0, w2c_i32_div_s(v32(1), v32(0)));
  CHECK_TRAP(T_DIV0, w2c_i32_div_s(v32(0x80000000u), v32(0)));
  CHECK_NOTRAP_EQ(w2c_i32_rem_s(v32(0xFFFFFFF9u), v32(2)), 0xFFFFFFFFu); /* -7 % 2 = -1 */
  CHECK_NOTRAP_EQ(w2c_i32_rem_s(v32(7), v32(0xFFFFFFFEu)), 1);           /* 7 % -2 = 1 */
  CHECK_NOTRAP_EQ(w2c_i32_rem_s(v32(0x80000000u), v32(0xFFFFFFFFu)), 0);
  CHECK_NOTRAP_EQ(w2c_i32_rem_s(v32(0x80000000u), v32(2)), 0);
  CHECK_TRAP(T_DIV0, w2c_i32_rem_s(v32(1), v32(0)));
  CHECK_NOTRAP_EQ(w2c_i32_div_u(v32(0xFFFFFFFFu), v32(2)), 0x7FFFFFFFu);
  CHECK_NOTRAP_EQ(w2c_i32_div_u(v32(0x80000000u), v32(0xFFFFFFFFu)), 0);
  CHECK_NOTRAP_EQ(w2c_i32_rem_u(v32(0xFFFFFFFFu), v32(2)), 1);
  CHECK_NOTRAP_EQ(w2c_i32_rem_u(v32(0x80000000u), v32(0xFFFFFFFFu)), 0x80000000u);
  CHECK_TRAP(T_DIV0, w2c_i32_div_u(v32(1), v32(0)));
  CHECK_TRAP(T_DIV0, w2c_i32_rem_u(v32(1), v32(0)));

  CHECK_NOTRAP_EQ(w2c_i64_div_s(v64(7), v64(UINT64_C(0xFFFFFFFFFFFFFFFE))),
                  UINT64_C(0xFFFFFFFFFFFFFFFD));
  CHECK_NOTRAP_EQ(w2c_i64_div_s(v64(UINT64_C(0x8000000000000000)), v64(2)),
                  UINT64_C(0xC000000000000000));
  CHECK_TRAP(T_OVF, w2c_i64_div_s(v64(UINT64_C(0x8000000000000000)), v64(UINT64_MAX)));
  CHECK_TRAP(T_DIV0, w2c_i64_div_s(v64(1), v64(0)));
  CHECK_NOTRAP_EQ(w2c_i64_rem_s(v64(UINT64_C(0x8000000000000000)), v64(UINT64_MAX)), 0);
  CHECK_NOTRAP_EQ(w2c_i64_rem_s(v64(UINT64_C(0xFFFFFFFFFFFFFFF9)), v64(2)), UINT64_MAX);
  CHECK_TRAP(T_DIV0, w2c_i64_rem_s(v64(1), v64(0)));
  CHECK_NOTRAP_EQ(w2c_i64_div_u(v64(UINT64_MAX), v64(2)), UINT64_C(0x7FFFFFFFFFFFFFFF));
  CHECK_NOTRAP_EQ(w2c_i64_rem_u(v64(UINT64_MAX), v64(2)), 1);
  CHECK_TRAP(T_DIV0, w2c_i64_div_u(v64(1), v64(0)));
  CHECK_TRAP(T_DIV0, w2c_i64_rem_u(v64(1), v64(0)));
}

static void test_bits(void) {
  CHECK_EQ(w2c_i32_shr_s(v32(0x80000000u), v32(31)), 0xFFFFFFFFu);
  CHECK_EQ(w2c_i32_shr_s(v32(0x80000000u), v32(32)), 0x80000000u); /* count mod 32 */
  CHECK_EQ(w2c_i32_shr_s(v32(0x80000000u), v32(33)), 0xC0000000u);
  CHECK_EQ(w2c_i32_shr_s(v32(0xFFFFFFF8u), v32(1)), 0xFFFFFFFCu);   /* -8 >> 1 = -4 */
  CHECK_EQ(w2c_i32_shr_s(v32(0x7FFFFFFFu), v32(1)), 0x3FFFFFFFu);
  CHECK_EQ(w2c_i32_shr_s(v32(1), v32(0xFFFFFFFFu)), 0);
  CHECK_EQ(w2c_i64_shr_s(v64(UINT64_C(0x8000000000000000)), v64(63)), UINT64_MAX);
  CHECK_EQ(w2c_i64_shr_s(v64(UINT64_C(0x8000000000000000)), v64(64)),
           UINT64_C(0x8000000000000000));
  CHECK_EQ(w2c_i64_shr_s(v64(UINT64_C(0xFFFFFFFFFFFFFFF8)), v64(1)),
           UINT64_C(0xFFFFFFFFFFFFFFFC));
  CHECK_EQ(w2c_i32_rotl(v32(0xABCD9876u), v32(1)), 0x579B30EDu);
  CHECK_EQ(w2c_i32_rotl(v32(0xFE00DC00u), v32(4)), 0xE00DC00Fu);
  CHECK_EQ(w2c_i32_rotl(v32(0x80000001u), v32(0)), 0x80000001u);
  CHECK_EQ(w2c_i32_rotl(v32(0x80000001u), v32(32)), 0x80000001u);
  CHECK_EQ(w2c_i32_rotl(v32(0x80000001u), v32(33)), 3);
  CHECK_EQ(w2c_i32_rotr(v32(0xB0C1D2E3u), v32(5)), 0x1D860E97u);
  CHECK_EQ(w2c_i32_rotr(v32(1), v32(1)), 0x80000000u);
  CHECK_EQ(w2c_i32_rotr(v32(1), v32(0)), 1);
  CHECK_EQ(w2c_i64_rotl(v64(UINT64_C(0xABCD987602468ACE)), v64(17)), UINT64_C(0x30EC048D159D579B));
  CHECK_EQ(w2c_i64_rotr(v64(UINT64_C(0xABCD987602468ACE)), v64(17)), UINT64_C(0x456755E6CC3B0123));
  CHECK_EQ(w2c_i64_rotr(v64(1), v64(65)), UINT64_C(0x8000000000000000));
  CHECK_EQ(w2c_i64_rotl(v64(5), v64(64)), 5);

  CHECK_EQ(w2c_i32_clz(v32(0)), 32);
  CHECK_EQ(w2c_i32_clz(v32(1)), 31);
  CHECK_EQ(w2c_i32_clz(v32(0x8000u)), 16);
  CHECK_EQ(w2c_i32_clz(v32(0x80000000u)), 0);
  CHECK_EQ(w2c_i32_ctz(v32(0)), 32);
  CHECK_EQ(w2c_i32_ctz(v32(0x80000000u)), 31);
  CHECK_EQ(w2c_i32_ctz(v32(0x00010000u)), 16);
  CHECK_EQ(w2c_i32_ctz(v32(0xFFFFFFFFu)), 0);
  CHECK_EQ(w2c_i32_popcnt(v32(0)), 0);
  CHECK_EQ(w2c_i32_popcnt(v32(0xFFFFFFFFu)), 32);
  CHECK_EQ(w2c_i32_popcnt(v32(0x00A05001u)), 5);
  CHECK_EQ(w2c_i64_clz(v64(0)), 64);
  CHECK_EQ(w2c_i64_clz(v64(1)), 63);
  CHECK_EQ(w2c_i64_clz(v64(UINT64_C(0x00008000))), 48);
  CHECK_EQ(w2c_i64_clz(v64(UINT64_C(0x8000000000000000))), 0);
  CHECK_EQ(w2c_i64_ctz(v64(0)), 64);
  CHECK_EQ(w2c_i64_ctz(v64(UINT64_C(0x8000000000000000))), 63);
  CHECK_EQ(w2c_i64_ctz(v64(UINT64_C(0x100000000))), 32);
  CHECK_EQ(w2c_i64_popcnt(v64(UINT64_MAX)), 64);
  CHECK_EQ(w2c_i64_popcnt(v64(UINT64_C(0x8000800080008000))), 4);
  CHECK_EQ(w2c_s32(0x80000000u) == INT32_MIN, 1);
  CHECK_EQ(w2c_s64(UINT64_C(0xFFFFFFFFFFFFFFFF)) == -1, 1);
}

static void test_sign_bits(void) {
  /* abs, neg, copysign touch only the sign: signalling NaN payloads survive */
  CHECK_F32(w2c_f32_abs(vfb(0xFFA00001u)), 0x7FA00001u);
  CHECK_F32(w2c_f32_neg(vfb(0x7FA00001u)), 0xFFA00001u);
  CHECK_F32(w2c_f32_neg(vfb(0x00000000u)), 0x80000000u);
  CHECK_F32(w2c_f32_abs(vfb(0x80000000u)), 0x00000000u);
  CHECK_F32(w2c_f32_copysign(vfb(0x7FA00001u), vf(-1.0f)), 0xFFA00001u);
  CHECK_F32(w2c_f32_copysign(vf(2.0f), vfb(0xFFC00000u)), 0xC0000000u);
  CHECK_F32(w2c_f32_copysign(vf(-2.0f), vfb(0x00000000u)), 0x40000000u);
  CHECK_F64(w2c_f64_abs(vdb(UINT64_C(0xFFF4000000000001))), UINT64_C(0x7FF4000000000001));
  CHECK_F64(w2c_f64_neg(vdb(UINT64_C(0x7FF4000000000001))), UINT64_C(0xFFF4000000000001));
  CHECK_F64(w2c_f64_copysign(vdb(UINT64_C(0x7FF4000000000001)), vd(-0.0)),
            UINT64_C(0xFFF4000000000001));
  CHECK_F64(w2c_f64_copysign(vd(3.0), vd(-0.0)), UINT64_C(0xC008000000000000));
  /* reinterpret and constants keep every bit */
  CHECK_EQ(w2c_i32_reinterpret_f32(w2c_f32_reinterpret_i32(v32(0x7F800001u))), 0x7F800001u);
  CHECK_EQ(w2c_i64_reinterpret_f64(w2c_f64_reinterpret_i64(v64(UINT64_C(0xFFF0000000000001)))),
           UINT64_C(0xFFF0000000000001));
  CHECK_F32(w2c_f32_bits(0x3FC00000u), 0x3FC00000u);
  CHECK(w2c_f64_bits(UINT64_C(0x3FF8000000000000)) == 1.5);
}

static void test_min_max(void) {
  CHECK_F32(w2c_f32_min(vf(-0.0f), vf(0.0f)), 0x80000000u);
  CHECK_F32(w2c_f32_min(vf(0.0f), vf(-0.0f)), 0x80000000u);
  CHECK_F32(w2c_f32_max(vf(-0.0f), vf(0.0f)), 0x00000000u);
  CHECK_F32(w2c_f32_max(vf(0.0f), vf(-0.0f)), 0x00000000u);
  CHECK_F32(w2c_f32_min(vf(1.0f), vf(2.0f)), 0x3F800000u);
  CHECK_F32(w2c_f32_max(vf(-1.0f), vf(-2.0f)), 0xBF800000u);
  CHECK_F32(w2c_f32_min(vfb(0xFF800000u), vf(5.0f)), 0xFF800000u);
  CHECK_F32_CANON_NAN(w2c_f32_min(vfb(0x7FC00000u), vf(1.0f)));
  CHECK_F32_CANON_NAN(w2c_f32_max(vf(1.0f), vfb(0xFFC00000u)));
  CHECK_F32_ARITH_NAN(w2c_f32_min(vfb(0x7FA00000u), vf(1.0f))); /* sNaN in, quiet out */
  CHECK_F32_ARITH_NAN(w2c_f32_max(vf(1.0f), vfb(0x7F800001u)));
  CHECK_F32_ARITH_NAN(w2c_f32_max(vfb(0x7FC00000u), vfb(0x7FA00000u)));
  CHECK_F64(w2c_f64_min(vd(-0.0), vd(0.0)), UINT64_C(0x8000000000000000));
  CHECK_F64(w2c_f64_min(vd(0.0), vd(-0.0)), UINT64_C(0x8000000000000000));
  CHECK_F64(w2c_f64_max(vd(-0.0), vd(0.0)), 0);
  CHECK_F64(w2c_f64_max(vd(0.0), vd(-0.0)), 0);
  CHECK_F64(w2c_f64_max(vd(1.0), vd(2.0)), UINT64_C(0x4000000000000000));
  CHECK_F64_CANON_NAN(w2c_f64_min(vdb(UINT64_C(0x7FF8000000000000)), vd(1.0)));
  CHECK_F64_ARITH_NAN(w2c_f64_max(vd(1.0), vdb(UINT64_C(0x7FF0000000000001))));
}

static void test_rounding(void) {
  CHECK_F32(w2c_f32_nearest(vf(0.5f)), 0x00000000u);
  CHECK_F32(w2c_f32_nearest(vf(-0.5f)), 0x80000000u);
  CHECK_F32(w2c_f32_nearest(vf(1.5f)), 0x40000000u);   /* 2 */
  CHECK_F32(w2c_f32_nearest(vf(2.5f)), 0x40000000u);   /* 2 */
  CHECK_F32(w2c_f32_nearest(vf(3.5f)), 0x40800000u);   /* 4 */
  CHECK_F32(w2c_f32_nearest(vf(-1.5f)), 0xC0000000u);  /* -2 */
  CHECK_F32(w2c_f32_nearest(vf(0.75f)), 0x3F800000u);
  CHECK_F32(w2c_f32_nearest(vf(-0.25f)), 0x80000000u);
  CHECK_F32(w2c_f32_nearest(vfb(0x3EFFFFFFu)), 0x00000000u); /* 0.49999997 */
  CHECK_F32(w2c_f32_nearest(vf(4194304.5f)), 0x4A800000u);   /* 2^22 + .5 -> 2^22 */
  CHECK_F32(w2c_f32_nearest(vf(4194305.5f)), 0x4A800004u);   /* -> 4194306 */
  CHECK_F32(w2c_f32_nearest(vf(8388609.0f)), 0x4B000001u);
  CHECK_F32(w2c_f32_nearest(vfb(0x7F800000u)), 0x7F800000u);
  CHECK_F32(w2c_f32_nearest(vfb(0x80000000u)), 0x80000000u);
  CHECK_F32_ARITH_NAN(w2c_f32_nearest(vfb(0x7FA00000u)));
  CHECK_F64(w2c_f64_nearest(vd(0.5)), 0);
  CHECK_F64(w2c_f64_nearest(vd(-0.5)), UINT64_C(0x8000000000000000));
  CHECK_F64(w2c_f64_nearest(vd(2.5)), UINT64_C(0x4000000000000000));
  CHECK_F64(w2c_f64_nearest(vd(-3.5)), UINT64_C(0xC010000000000000));
  CHECK_F64(w2c_f64_nearest(vd(2251799813685248.5)), UINT64_C(0x4320000000000000));
  CHECK_F64(w2c_f64_nearest(vd(4503599627370497.0)), UINT64_C(0x4330000000000001));
  CHECK_F64_ARITH_NAN(w2c_f64_nearest(vdb(UINT64_C(0x7FF0000000000001))));

  CHECK_F32(w2c_f32_ceil(vf(-0.5f)), 0x80000000u);
  CHECK_F32(w2c_f32_ceil(vf(0.5f)), 0x3F800000u);
  CHECK_F32(w2c_f32_ceil(vf(-1.5f)), 0xBF800000u);
  CHECK_F32(w2c_f32_ceil(vfb(0x3F800001u)), 0x40000000u);
  CHECK_F32(w2c_f32_ceil(vfb(0x80000000u)), 0x80000000u);
  CHECK_F32(w2c_f32_ceil(vfb(0x00000001u)), 0x3F800000u);
  CHECK_F32(w2c_f32_floor(vf(-0.5f)), 0xBF800000u);
  CHECK_F32(w2c_f32_floor(vf(0.5f)), 0x00000000u);
  CHECK_F32(w2c_f32_floor(vf(-1.5f)), 0xC0000000u);
  CHECK_F32(w2c_f32_floor(vf(1.5f)), 0x3F800000u);
  CHECK_F32(w2c_f32_floor(vfb(0x80000000u)), 0x80000000u);
  CHECK_F32(w2c_f32_trunc(vf(-1.9f)), 0xBF800000u);
  CHECK_F32(w2c_f32_trunc(vf(-0.1f)), 0x80000000u);
  CHECK_F32(w2c_f32_trunc(vf(1.9f)), 0x3F800000u);
  CHECK_F32_ARITH_NAN(w2c_f32_ceil(vfb(0xFFA00000u)));
  CHECK_F32_ARITH_NAN(w2c_f32_floor(vfb(0x7FA00000u)));
  CHECK_F32_ARITH_NAN(w2c_f32_trunc(vfb(0x7FA00000u)));
  CHECK_F64(w2c_f64_ceil(vd(-0.5)), UINT64_C(0x8000000000000000));
  CHECK_F64(w2c_f64_ceil(vd(1.25)), UINT64_C(0x4000000000000000));
  CHECK_F64(w2c_f64_floor(vd(-0.5)), UINT64_C(0xBFF0000000000000));
  CHECK_F64(w2c_f64_floor(vd(-2.0)), UINT64_C(0xC000000000000000));
  CHECK_F64(w2c_f64_trunc(vd(-1.9)), UINT64_C(0xBFF0000000000000));
  CHECK_F64(w2c_f64_trunc(vd(4503599627370495.5)), UINT64_C(0x432FFFFFFFFFFFFE));
  CHECK_F64_ARITH_NAN(w2c_f64_floor(vdb(UINT64_C(0x7FF0000000000001))));

  CHECK_F32(w2c_f32_sqrt(vf(4.0f)), 0x40000000u);
  CHECK_F32(w2c_f32_sqrt(vf(2.0f)), 0x3FB504F3u);
  CHECK_F32(w2c_f32_sqrt(vfb(0x80000000u)), 0x80000000u);
  CHECK_F32_ARITH_NAN(w2c_f32_sqrt(vf(-1.0f)));
  CHECK_F64(w2c_f64_sqrt(vd(2.0)), UINT64_C(0x3FF6A09E667F3BCD));
  CHECK_F64_ARITH_NAN(w2c_f64_sqrt(vd(-1.0)));
}

static void test_float_conversions(void) {
  CHECK_F32_CANON_NAN(w2c_f32_demote_f64(vdb(UINT64_C(0x7FF8000000000000))));
  CHECK_F32(w2c_f32_demote_f64(vdb(UINT64_C(0xFFF4000000000000))), 0xFFE00000u);
  CHECK_F32(w2c_f32_demote_f64(vd(1e300)), 0x7F800000u);
  CHECK_F32(w2c_f32_demote_f64(vdb(UINT64_C(0x3FF0000010000000))), 0x3F800000u); /* tie: even */
  CHECK_F32(w2c_f32_demote_f64(vdb(UINT64_C(0x3FF0000030000000))), 0x3F800002u);
  CHECK_F32(w2c_f32_demote_f64(vd(-0.0)), 0x80000000u);
  CHECK_F64_CANON_NAN(w2c_f64_promote_f32(vfb(0xFFC00000u)));
  CHECK_F64(w2c_f64_promote_f32(vfb(0x7FA00000u)), UINT64_C(0x7FFC000000000000));
  CHECK_F64(w2c_f64_promote_f32(vf(1.5f)), UINT64_C(0x3FF8000000000000));
  CHECK_F32(w2c_f32_convert_i64_u(v64(0)), 0);
  CHECK_F32(w2c_f32_convert_i64_u(v64(1)), 0x3F800000u);
  CHECK_F32(w2c_f32_convert_i64_u(v64(UINT64_MAX)), 0x5F800000u);
  CHECK_F32(w2c_f32_convert_i64_u(v64(UINT64_C(0x8000008000000001))), 0x5F000001u);
  CHECK_F32(w2c_f32_convert_i64_u(v64(UINT64_C(0x8000008000000000))), 0x5F000000u);
  CHECK_F32(w2c_f32_convert_i64_u(v64(UINT64_C(0x8000018000000000))), 0x5F000002u);
  /* through f64 this would round twice and give 0x5f800000 */
  CHECK_F32(w2c_f32_convert_i64_u(v64(UINT64_C(0xFFFFFF7FFFFFFFFF))), 0x5F7FFFFFu);
  CHECK_F32(w2c_f32_convert_i64_u(v64(UINT64_C(0x7FFFFFBFFFFFFFFF))), 0x5EFFFFFFu);
  CHECK_F32(w2c_f32_convert_i64_u(v64(UINT64_C(0x20000020000001))), 0x5A000001u);
}

static void test_trunc(void) {
  /* i32.trunc_f32_s */
  CHECK_TRAP(T_INV, w2c_i32_trunc_f32_s(vfb(0x7FC00000u)));
  CHECK_TRAP(T_OVF, w2c_i32_trunc_f32_s(vf(2147483648.0f)));
  CHECK_TRAP(T_OVF, w2c_i32_trunc_f32_s(vf(-2147483904.0f)));
  CHECK_TRAP(T_OVF, w2c_i32_trunc_f32_s(vfb(0x7F800000u)));
  CHECK_NOTRAP_EQ(w2c_i32_trunc_f32_s(vf(-2147483648.0f)), 0x80000000u);
  CHECK_NOTRAP_EQ(w2c_i32_trunc_f32_s(vf(2147483520.0f)), 0x7FFFFF80u);
  CHECK_NOTRAP_EQ(w2c_i32_trunc_f32_s(vf(-1.9f)), 0xFFFFFFFFu);
  CHECK_NOTRAP_EQ(w2c_i32_trunc_f32_s(vf(-0.9f)), 0);
  /* i32.trunc_f32_u */
  CHECK_TRAP(T_INV, w2c_i32_trunc_f32_u(vfb(0xFFC00000u)));
  CHECK_TRAP(T_OVF, w2c_i32_trunc_f32_u(vf(4294967296.0f)));
  CHECK_TRAP(T_OVF, w2c_i32_trunc_f32_u(vf(-1.0f)));
  CHECK_NOTRAP_EQ(w2c_i32_trunc_f32_u(vf(4294967040.0f)), 0xFFFFFF00u);
  CHECK_NOTRAP_EQ(w2c_i32_trunc_f32_u(vf(-0.9f)), 0);
  CHECK_NOTRAP_EQ(w2c_i32_trunc_f32_u(vf(2147483648.0f)), 0x80000000u);
  /* i32.trunc_f64_s */
  CHECK_TRAP(T_INV, w2c_i32_trunc_f64_s(vdb(UINT64_C(0x7FF8000000000000))));
  CHECK_TRAP(T_OVF, w2c_i32_trunc_f64_s(vd(2147483648.0)));
  CHECK_TRAP(T_OVF, w2c_i32_trunc_f64_s(vd(-2147483649.0)));
  CHECK_NOTRAP_EQ(w2c_i32_trunc_f64_s(vd(2147483647.9)), 0x7FFFFFFFu);
  CHECK_NOTRAP_EQ(w2c_i32_trunc_f64_s(vd(-2147483648.9)), 0x80000000u);
  /* i32.trunc_f64_u */
  CHECK_TRAP(T_INV, w2c_i32_trunc_f64_u(vdb(UINT64_C(0x7FF0000000000001))));
  CHECK_TRAP(T_OVF, w2c_i32_trunc_f64_u(vd(4294967296.0)));
  CHECK_TRAP(T_OVF, w2c_i32_trunc_f64_u(vd(-1.0)));
  CHECK_NOTRAP_EQ(w2c_i32_trunc_f64_u(vd(-0.9)), 0);
  CHECK_NOTRAP_EQ(w2c_i32_trunc_f64_u(vd(4294967295.9)), 0xFFFFFFFFu);
  /* i64.trunc_f32_s */
  CHECK_TRAP(T_INV, w2c_i64_trunc_f32_s(vfb(0x7FC00000u)));
  CHECK_TRAP(T_OVF, w2c_i64_trunc_f32_s(vf(9223372036854775808.0f)));
  CHECK_TRAP(T_OVF, w2c_i64_trunc_f32_s(vf(-9223373136366403584.0f)));
  CHECK_NOTRAP_EQ(w2c_i64_trunc_f32_s(vf(-9223372036854775808.0f)), UINT64_C(0x8000000000000000));
  CHECK_NOTRAP_EQ(w2c_i64_trunc_f32_s(vf(9223371487098961920.0f)), UINT64_C(0x7FFFFF8000000000));
  /* i64.trunc_f32_u */
  CHECK_TRAP(T_INV, w2c_i64_trunc_f32_u(vfb(0x7FC00000u)));
  CHECK_TRAP(T_OVF, w2c_i64_trunc_f32_u(vf(18446744073709551616.0f)));
  CHECK_TRAP(T_OVF, w2c_i64_trunc_f32_u(vf(-1.0f)));
  CHECK_NOTRAP_EQ(w2c_i64_trunc_f32_u(vf(18446742974197923840.0f)), UINT64_C(0xFFFFFF0000000000));
  CHECK_NOTRAP_EQ(w2c_i64_trunc_f32_u(vf(-0.9f)), 0);
  /* i64.trunc_f64_s */
  CHECK_TRAP(T_INV, w2c_i64_trunc_f64_s(vdb(UINT64_C(0xFFF8000000000000))));
  CHECK_TRAP(T_OVF, w2c_i64_trunc_f64_s(vd(9223372036854775808.0)));
  CHECK_TRAP(T_OVF, w2c_i64_trunc_f64_s(vd(-9223372036854777856.0)));
  CHECK_NOTRAP_EQ(w2c_i64_trunc_f64_s(vd(-9223372036854775808.0)), UINT64_C(0x8000000000000000));
  CHECK_NOTRAP_EQ(w2c_i64_trunc_f64_s(vd(9223372036854774784.0)), UINT64_C(0x7FFFFFFFFFFFFC00));
  /* i64.trunc_f64_u */
  CHECK_TRAP(T_INV, w2c_i64_trunc_f64_u(vdb(UINT64_C(0x7FF8000000000000))));
  CHECK_TRAP(T_OVF, w2c_i64_trunc_f64_u(vd(18446744073709551616.0)));
  CHECK_TRAP(T_OVF, w2c_i64_trunc_f64_u(vd(-1.0)));
  CHECK_TRAP(T_OVF, w2c_i64_trunc_f64_u(vdb(UINT64_C(0xFFF0000000000000))));
  CHECK_NOTRAP_EQ(w2c_i64_trunc_f64_u(vd(18446744073709549568.0)), UINT64_C(0xFFFFFFFFFFFFF800));
  CHECK_NOTRAP_EQ(w2c_i64_trunc_f64_u(vd(-0.9)), 0);
}

static void test_trunc_sat(void) {
  CHECK_EQ(w2c_i32_trunc_sat_f32_s(vfb(0x7FC00000u)), 0);
  CHECK_EQ(w2c_i32_trunc_sat_f32_s(vf(2147483648.0f)), 0x7FFFFFFFu);
  CHECK_EQ(w2c_i32_trunc_sat_f32_s(vfb(0xFF800000u)), 0x80000000u);
  CHECK_EQ(w2c_i32_trunc_sat_f32_s(vf(-2147483648.0f)), 0x80000000u);
  CHECK_EQ(w2c_i32_trunc_sat_f32_s(vf(-1.5f)), 0xFFFFFFFFu);
  CHECK_EQ(w2c_i32_trunc_sat_f32_u(vf(4294967296.0f)), 0xFFFFFFFFu);
  CHECK_EQ(w2c_i32_trunc_sat_f32_u(vf(-5.0f)), 0);
  CHECK_EQ(w2c_i32_trunc_sat_f32_u(vf(4294967040.0f)), 0xFFFFFF00u);
  CHECK_EQ(w2c_i32_trunc_sat_f64_s(vd(2147483648.0)), 0x7FFFFFFFu);
  CHECK_EQ(w2c_i32_trunc_sat_f64_s(vd(-2147483649.0)), 0x80000000u);
  CHECK_EQ(w2c_i32_trunc_sat_f64_s(vd(-2147483648.9)), 0x80000000u);
  CHECK_EQ(w2c_i32_trunc_sat_f64_s(vdb(UINT64_C(0x7FF4000000000000))), 0);
  CHECK_EQ(w2c_i32_trunc_sat_f64_u(vd(4294967296.0)), 0xFFFFFFFFu);
  CHECK_EQ(w2c_i32_trunc_sat_f64_u(vd(-0.9)), 0);
  CHECK_EQ(w2c_i32_trunc_sat_f64_u(vd(1e300)), 0xFFFFFFFFu);
  CHECK_EQ(w2c_i64_trunc_sat_f32_s(vf(9223372036854775808.0f)), UINT64_C(0x7FFFFFFFFFFFFFFF));
  CHECK_EQ(w2c_i64_trunc_sat_f32_s(vfb(0xFF800000u)), UINT64_C(0x8000000000000000));
  CHECK_EQ(w2c_i64_trunc_sat_f32_s(vf(-1.0f)), UINT64_MAX);
  CHECK_EQ(w2c_i64_trunc_sat_f32_u(vf(18446744073709551616.0f)), UINT64_MAX);
  CHECK_EQ(w2c_i64_trunc_sat_f32_u(vf(-1.0f)), 0);
  CHECK_EQ(w2c_i64_trunc_sat_f32_u(vfb(0x7FC00000u)), 0);
  CHECK_EQ(w2c_i64_trunc_sat_f64_s(vd(9223372036854775808.0)), UINT64_C(0x7FFFFFFFFFFFFFFF));
  CHECK_EQ(w2c_i64_trunc_sat_f64_s(vd(-9223372036854777856.0)), UINT64_C(0x8000000000000000));
  CHECK_EQ(w2c_i64_trunc_sat_f64_s(vd(9223372036854774784.0)), UINT64_C(0x7FFFFFFFFFFFFC00));
  CHECK_EQ(w2c_i64_trunc_sat_f64_u(vd(18446744073709551616.0)), UINT64_MAX);
  CHECK_EQ(w2c_i64_trunc_sat_f64_u(vd(18446744073709549568.0)), UINT64_C(0xFFFFFFFFFFFFF800));
  CHECK_EQ(w2c_i64_trunc_sat_f64_u(vdb(UINT64_C(0xFFF0000000000000))), 0);
}

int main(void) {
  test_division();
  test_bits();
  test_sign_bits();
  test_min_max();
  test_rounding();
  test_float_conversions();
  test_trunc();
  test_trunc_sat();
  return check_done();
}
