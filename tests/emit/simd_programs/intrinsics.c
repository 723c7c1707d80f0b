/* intrinsics.c: a WASI program written with clang's <wasm_simd128.h>, for
 * tests/emit/test_simd_programs.py (built with clang --target=wasm32-wasi
 * -O2 -msimd128, run by w2c on several targets and by wasmtime; the outputs
 * must be equal).  Each stage works on generated data with one family of
 * v128 instructions and prints a hash of its results, so a wrong lane in any
 * of them changes a line.  Floating-point results are hashed bit for bit. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasm_simd128.h>

#define N 4096

static uint8_t bytes[N], bytes2[N];
static int16_t shorts[N], shorts2[N];
static int32_t ints[N];
static float floats[N], floats2[N];
static double doubles[N];

static uint32_t seed = 0x12345678u;
static uint32_t rnd(void) {
  seed ^= seed << 13;
  seed ^= seed >> 17;
  seed ^= seed << 5;
  return seed;
}

/* FNV-1a over the 16 bytes of a vector, Wasm's little-endian lane order. */
static uint32_t mix(uint32_t h, v128_t v) {
  uint8_t b[16];
  wasm_v128_store(b, v);
  for (int i = 0; i < 16; i++) h = (h ^ b[i]) * 16777619u;
  return h;
}

static void fill(void) {
  for (int i = 0; i < N; i++) {
    uint32_t r = rnd();
    bytes[i] = (uint8_t)r;
    bytes2[i] = (uint8_t)(r >> 8);
    shorts[i] = (int16_t)(r >> 3);
    shorts2[i] = (int16_t)rnd();
    ints[i] = (int32_t)rnd();
    /* finite values of both signs and magnitudes, some exact halves, a few
       out of int range for the saturating conversions */
    floats[i] = (float)(int32_t)rnd() / (float)(1 << (r % 31));
    floats2[i] = (float)((int32_t)(r % 2001) - 1000) * 0.5f;
    doubles[i] = (double)(int32_t)rnd() * 1.0e-3 * (double)((r % 7) + 1);
  }
  floats[7] = 3.0e9f;
  floats[11] = -3.0e9f;
  doubles[5] = 5.0e9;
}

static uint32_t stage_int8(void) {
  uint32_t h = 2166136261u;
  v128_t acc = wasm_i8x16_splat(0), sat = wasm_u8x16_splat(0);
  for (int i = 0; i < N; i += 16) {
    v128_t a = wasm_v128_load(bytes + i), b = wasm_v128_load(bytes2 + i);
    acc = wasm_i8x16_add(acc, wasm_i8x16_sub(a, b));
    sat = wasm_u8x16_add_sat(wasm_u8x16_sub_sat(sat, b), wasm_u8x16_avgr(a, b));
    v128_t m = wasm_i8x16_max(wasm_i8x16_min(a, b), wasm_i8x16_abs(wasm_i8x16_neg(a)));
    v128_t um = wasm_u8x16_max(wasm_u8x16_min(a, b), wasm_i8x16_popcnt(a));
    v128_t s = wasm_i8x16_add_sat(wasm_i8x16_sub_sat(a, b), m);
    h = mix(h, s);
    h = mix(h, um);
    h = mix(h, wasm_i8x16_shl(a, (uint32_t)i % 11));
    h = mix(h, wasm_i8x16_shr(a, 3));
    h = mix(h, wasm_u8x16_shr(b, (uint32_t)i % 9));
    h = h * 31 + wasm_i8x16_bitmask(wasm_i8x16_lt(a, b));
    h = h * 31 + wasm_i8x16_bitmask(wasm_u8x16_gt(a, b));
    h = h * 31 + (uint32_t)wasm_i8x16_all_true(a) + 2u * (uint32_t)wasm_v128_any_true(b);
  }
  return mix(mix(h, acc), sat);
}

static uint32_t stage_int16(void) {
  uint32_t h = 2166136261u;
  v128_t dot = wasm_i32x4_splat(0);
  for (int i = 0; i < N; i += 8) {
    v128_t a = wasm_v128_load(shorts + i), b = wasm_v128_load(shorts2 + i);
    h = mix(h, wasm_i16x8_mul(a, b));
    h = mix(h, wasm_i16x8_q15mulr_sat(a, b));
    h = mix(h, wasm_i16x8_add_sat(a, b));
    h = mix(h, wasm_u16x8_sub_sat(a, b));
    h = mix(h, wasm_u16x8_avgr(a, b));
    h = mix(h, wasm_i16x8_shr(a, (uint32_t)i % 17));
    h = mix(h, wasm_i16x8_ge(a, b));
    h = mix(h, wasm_u16x8_le(a, b));
    h = mix(h, wasm_i32x4_extmul_low_i16x8(a, b));
    h = mix(h, wasm_u32x4_extmul_high_u16x8(a, b));
    h = mix(h, wasm_i8x16_narrow_i16x8(a, b));
    h = mix(h, wasm_u8x16_narrow_i16x8(a, b));
    h = mix(h, wasm_i32x4_extadd_pairwise_i16x8(a));
    h = mix(h, wasm_u16x8_extadd_pairwise_u8x16(b));
    dot = wasm_i32x4_add(dot, wasm_i32x4_dot_i16x8(a, b));
    h = h * 31 + wasm_i16x8_bitmask(a) + (uint32_t)wasm_i16x8_all_true(b);
  }
  return mix(h, dot);
}

static uint32_t stage_int32_64(void) {
  uint32_t h = 2166136261u;
  for (int i = 0; i < N; i += 4) {
    v128_t a = wasm_v128_load(ints + i), b = wasm_v128_load(ints + ((i + 4) % N));
    h = mix(h, wasm_i32x4_mul(a, b));
    h = mix(h, wasm_u32x4_max(a, b));
    h = mix(h, wasm_i32x4_min(a, b));
    h = mix(h, wasm_i32x4_abs(a));
    h = mix(h, wasm_u32x4_shr(a, (uint32_t)i));
    h = mix(h, wasm_i32x4_gt(a, b));
    h = mix(h, wasm_i64x2_mul(a, b));
    h = mix(h, wasm_i64x2_shr(a, (uint32_t)i % 70));
    h = mix(h, wasm_i64x2_lt(a, b));
    h = mix(h, wasm_i64x2_abs(wasm_i64x2_sub(a, b)));
    h = mix(h, wasm_i64x2_extmul_high_i32x4(a, b));
    h = mix(h, wasm_u64x2_extend_low_u32x4(a));
    h = mix(h, wasm_i16x8_narrow_i32x4(a, b));
    h = mix(h, wasm_u16x8_narrow_i32x4(a, b));
    h = h * 31 + wasm_i32x4_bitmask(a) * 7 + wasm_i64x2_bitmask(b);
    h = h * 31 + (uint32_t)wasm_i64x2_all_true(a);
  }
  return h;
}

static uint32_t stage_float(void) {
  uint32_t h = 2166136261u;
  v128_t fsum = wasm_f32x4_splat(0.0f), dsum = wasm_f64x2_splat(0.0);
  for (int i = 0; i < N; i += 4) {
    v128_t a = wasm_v128_load(floats + i), b = wasm_v128_load(floats2 + i);
    v128_t d = wasm_v128_load(doubles + (i % (N - 2)));
    fsum = wasm_f32x4_add(fsum, wasm_f32x4_mul(a, wasm_f32x4_splat(1.0f / 1024)));
    h = mix(h, wasm_f32x4_div(a, b));
    h = mix(h, wasm_f32x4_sub(a, b));
    h = mix(h, wasm_f32x4_min(a, b));
    h = mix(h, wasm_f32x4_max(a, b));
    h = mix(h, wasm_f32x4_pmin(a, b));
    h = mix(h, wasm_f32x4_pmax(a, b));
    h = mix(h, wasm_f32x4_sqrt(wasm_f32x4_abs(a)));
    h = mix(h, wasm_f32x4_nearest(b));
    h = mix(h, wasm_f32x4_floor(b));
    h = mix(h, wasm_f32x4_ceil(wasm_f32x4_neg(b)));
    h = mix(h, wasm_f32x4_trunc(a));
    h = mix(h, wasm_i32x4_trunc_sat_f32x4(a));
    h = mix(h, wasm_u32x4_trunc_sat_f32x4(a));
    h = mix(h, wasm_f32x4_convert_i32x4(wasm_v128_load(ints + i)));
    h = mix(h, wasm_f32x4_convert_u32x4(wasm_v128_load(ints + i)));
    h = mix(h, wasm_f32x4_lt(a, b));
    h = mix(h, wasm_f64x2_promote_low_f32x4(a));
    h = mix(h, wasm_f32x4_demote_f64x2_zero(d));
    h = mix(h, wasm_f64x2_convert_low_i32x4(wasm_v128_load(ints + i)));
    h = mix(h, wasm_f64x2_convert_low_u32x4(wasm_v128_load(ints + i)));
    h = mix(h, wasm_i32x4_trunc_sat_f64x2_zero(d));
    h = mix(h, wasm_u32x4_trunc_sat_f64x2_zero(d));
    h = mix(h, wasm_f64x2_sqrt(wasm_f64x2_abs(d)));
    h = mix(h, wasm_f64x2_nearest(d));
    h = mix(h, wasm_f64x2_min(d, wasm_f64x2_splat(1.5)));
    dsum = wasm_f64x2_add(dsum, wasm_f64x2_div(d, wasm_f64x2_splat(3.0)));
    h = h * 31 + wasm_i32x4_bitmask(wasm_f32x4_ge(a, b));
  }
  return mix(mix(h, fsum), dsum);
}

static uint32_t stage_shuffle_lanes(void) {
  uint32_t h = 2166136261u;
  for (int i = 0; i + 16 <= N; i += 16) {
    v128_t a = wasm_v128_load(bytes + i), b = wasm_v128_load(bytes2 + i);
    h = mix(h, wasm_i8x16_shuffle(a, b, 0, 17, 2, 19, 31, 30, 5, 5, 8, 24, 10, 26, 15, 1, 3, 16));
    h = mix(h, wasm_i8x16_swizzle(a, wasm_u8x16_shr(b, 3)));
    h = mix(h, wasm_i16x8_shuffle(a, b, 7, 6, 5, 4, 8, 9, 10, 11));
    h = mix(h, wasm_i32x4_shuffle(a, b, 3, 4, 1, 6));
    h = mix(h, wasm_v128_bitselect(a, b, wasm_i8x16_splat((int8_t)i)));
    h = mix(h, wasm_v128_andnot(a, b));
    h = mix(h, wasm_v128_xor(wasm_v128_or(a, b), wasm_v128_not(wasm_v128_and(a, b))));
    h = mix(h, wasm_i16x8_replace_lane(a, 3, (int16_t)i));
    h = mix(h, wasm_f32x4_replace_lane(b, 2, (float)i));
    h = mix(h, wasm_i64x2_replace_lane(a, 1, (int64_t)i << 40));
    h = mix(h, wasm_v128_load8_lane(bytes2 + i, a, 9));
    h = mix(h, wasm_v128_load32_lane(ints + (i % N), b, 2));
    h = mix(h, wasm_v128_load64_zero(bytes + i));
    h = mix(h, wasm_v128_load32_splat(bytes2 + i));
    h = mix(h, wasm_i32x4_load16x4(shorts + i));
    h = mix(h, wasm_u16x8_load8x8(bytes + i));
    h = mix(h, wasm_i64x2_load32x2(ints + i));
    h = h * 31 + (uint32_t)wasm_i8x16_extract_lane(a, 5);
    h = h * 31 + (uint32_t)wasm_u8x16_extract_lane(b, 15);
    h = h * 31 + (uint32_t)wasm_i16x8_extract_lane(a, 6);
    h = h * 31 + (uint32_t)wasm_i64x2_extract_lane(b, 1);
    wasm_v128_store16_lane(shorts2 + i, a, 4);
    wasm_v128_store64_lane(bytes2 + i, b, 0);
  }
  return h;
}

/* A small real kernel: count the bytes equal to c with compares and bitmask. */
static uint32_t count_byte(const uint8_t *p, int n, uint8_t c) {
  v128_t needle = wasm_i8x16_splat((int8_t)c);
  uint32_t count = 0;
  for (int i = 0; i < n; i += 16)
    count += (uint32_t)__builtin_popcount(wasm_i8x16_bitmask(
        wasm_i8x16_eq(wasm_v128_load(p + i), needle)));
  return count;
}

int main(void) {
  fill();
  printf("int8: %08x\n", stage_int8());
  printf("int16: %08x\n", stage_int16());
  printf("int32/64: %08x\n", stage_int32_64());
  printf("float: %08x\n", stage_float());
  printf("shuffle/lanes: %08x\n", stage_shuffle_lanes());
  printf("count 0x41: %u\n", (unsigned)count_byte(bytes, N, 0x41));
  return 0;
}
