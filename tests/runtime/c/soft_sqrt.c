/* soft_sqrt.c: the portable sqrt of w2c_num.h (W2C_SOFT_SQRT) against the
 * host's hardware sqrtf/sqrt, bit for bit (tests/runtime/test_soft_sqrt.py).
 *
 * Built with -DW2C_SOFT_SQRT -DSOFT_SQRT_MAIN on the host: w2c_f32_sqrt and
 * w2c_f64_sqrt are then the integer implementation, compared with libm's
 * (SSE2 sqrtss/sqrtsd on x86-64) on special values, a sweep of every
 * STRIDE32-th f32 bit pattern, random mantissas under every exponent, exact
 * squares and their neighbours (the results closest to halfway), and
 * random f64 bit patterns from a fixed seed.  Negative inputs must give the
 * canonical NaN 0x7FC00000 / 0x7FF8000000000000 (hardware: any NaN), NaN
 * inputs themselves quieted.  Prints "checks: N failures: F".
 *
 * Without SOFT_SQRT_MAIN (freestanding cross builds) only t_sqrtf/t_sqrt
 * are compiled, so the test can check the object refers to no libm sqrt. */
#include "w2c_rt.h"

float t_sqrtf(float x);
double t_sqrt(double x);
float t_sqrtf(float x) { return w2c_f32_sqrt(x); }
double t_sqrt(double x) { return w2c_f64_sqrt(x); }

#ifdef SOFT_SQRT_MAIN
#include <math.h>
#include <stdio.h>

#ifndef STRIDE32
#define STRIDE32 1009u /* odd: the sweep visits every residue class of low bits */
#endif
#ifndef RANDOM64
#define RANDOM64 3000000u
#endif

static unsigned long long checks, failures;

static void fail32(const char *what, uint32_t in, uint32_t got, uint32_t want) {
  if (++failures <= 20)
    printf("FAIL %s: sqrtf(0x%08lx) = 0x%08lx, want 0x%08lx\n", what, (unsigned long)in,
           (unsigned long)got, (unsigned long)want);
}
static void fail64(const char *what, uint64_t in, uint64_t got, uint64_t want) {
  if (++failures <= 20)
    printf("FAIL %s: sqrt(0x%016llx) = 0x%016llx, want 0x%016llx\n", what,
           (unsigned long long)in, (unsigned long long)got, (unsigned long long)want);
}

/* volatile: the calls happen at run time on every input */
static uint32_t hw32(uint32_t u) {
  volatile float x = w2c_f32_bits(u);
  return w2c_i32_reinterpret_f32(sqrtf(x));
}
static uint64_t hw64(uint64_t u) {
  volatile double x = w2c_f64_bits(u);
  return w2c_i64_reinterpret_f64(sqrt(x));
}

static void check32(const char *what, uint32_t u) {
  uint32_t got = w2c_i32_reinterpret_f32(t_sqrtf(w2c_f32_bits(u))), want;
  checks++;
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) want = u | 0x00400000u; /* NaN: quieted */
  else if (u > 0x80000000u) {                                   /* negative: canonical NaN */
    want = 0x7FC00000u;
    if ((hw32(u) & 0x7FFFFFFFu) <= 0x7F800000u) fail32("hardware not NaN", u, hw32(u), want);
  } else want = hw32(u);
  if (got != want) fail32(what, u, got, want);
}
static void check64(const char *what, uint64_t u) {
  uint64_t got = w2c_i64_reinterpret_f64(t_sqrt(w2c_f64_bits(u))), want;
  uint64_t mag = u & UINT64_C(0x7FFFFFFFFFFFFFFF);
  checks++;
  if (mag > UINT64_C(0x7FF0000000000000)) want = u | UINT64_C(0x0008000000000000);
  else if (u > UINT64_C(0x8000000000000000)) {
    want = UINT64_C(0x7FF8000000000000);
    if ((hw64(u) & UINT64_C(0x7FFFFFFFFFFFFFFF)) <= UINT64_C(0x7FF0000000000000))
      fail64("hardware not NaN", u, hw64(u), want);
  } else want = hw64(u);
  if (got != want) fail64(what, u, got, want);
}

/* xorshift64*, fixed seed */
static uint64_t rng = UINT64_C(0x9E3779B97F4A7C15);
static uint64_t rnd(void) {
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * UINT64_C(2685821657736338717);
}

static const uint32_t special32[] = {
    0x00000000u, 0x80000000u, 0x7F800000u, 0xFF800000u,             /* +-0, +-inf */
    0x7FC00000u, 0xFFC00000u, 0x7F800001u, 0xFF800001u, 0x7FBFFFFFu, /* NaNs: quiet, signalling */
    0x7FC12345u, 0xFFAAAAAAu, 0x7FFFFFFFu, 0xFFFFFFFFu,
    0x00000001u, 0x00000002u, 0x00000003u, 0x00000004u, 0x007FFFFFu, /* subnormals */
    0x00400000u, 0x00200000u, 0x00000100u, 0x80000001u, 0x807FFFFFu,
    0x00800000u, 0x7F7FFFFFu, 0xFF7FFFFFu, 0x3F800000u, 0xBF800000u, /* min, max, +-1 */
    0x40000000u, 0x40800000u, 0x3E800000u, 0x40400000u, 0x3F800001u, 0x3F7FFFFFu,
    0x4B000000u, 0x4B7FFFFFu, 0x5F800000u, 0x1F800000u, 0x00800001u, 0x3FFFFFFFu};
static const uint64_t special64[] = {
    UINT64_C(0), UINT64_C(0x8000000000000000), UINT64_C(0x7FF0000000000000),
    UINT64_C(0xFFF0000000000000), UINT64_C(0x7FF8000000000000), UINT64_C(0xFFF8000000000000),
    UINT64_C(0x7FF0000000000001), UINT64_C(0xFFF0000000000001), UINT64_C(0x7FF7FFFFFFFFFFFF),
    UINT64_C(0x7FF8123456789ABC), UINT64_C(0x7FFFFFFFFFFFFFFF), UINT64_C(0xFFFFFFFFFFFFFFFF),
    UINT64_C(1), UINT64_C(2), UINT64_C(3), UINT64_C(4), UINT64_C(0x000FFFFFFFFFFFFF),
    UINT64_C(0x0008000000000000), UINT64_C(0x0000000100000000), UINT64_C(0x8000000000000001),
    UINT64_C(0x800FFFFFFFFFFFFF), UINT64_C(0x0010000000000000), UINT64_C(0x7FEFFFFFFFFFFFFF),
    UINT64_C(0xFFEFFFFFFFFFFFFF), UINT64_C(0x3FF0000000000000), UINT64_C(0xBFF0000000000000),
    UINT64_C(0x4000000000000000), UINT64_C(0x4010000000000000), UINT64_C(0x3FD0000000000000),
    UINT64_C(0x4008000000000000), UINT64_C(0x3FF0000000000001), UINT64_C(0x3FEFFFFFFFFFFFFF),
    UINT64_C(0x4330000000000000), UINT64_C(0x433FFFFFFFFFFFFF), UINT64_C(0x0010000000000001),
    UINT64_C(0x3FFFFFFFFFFFFFFF), UINT64_C(0x5FF0000000000000), UINT64_C(0x1FF0000000000000)};

int main(void) {
  uint64_t i, u;
  unsigned j;
  /* exact cases, by value */
  checks += 2;
  if (w2c_i32_reinterpret_f32(t_sqrtf(4.0f)) != 0x40000000u) fail32("4", 0x40800000u, 0, 0);
  if (w2c_i64_reinterpret_f64(t_sqrt(0x1p-1074)) != UINT64_C(0x1E60000000000000))
    fail64("2^-1074", 1, 0, UINT64_C(0x1E60000000000000));
  for (j = 0; j < sizeof special32 / sizeof special32[0]; j++) check32("special", special32[j]);
  for (j = 0; j < sizeof special64 / sizeof special64[0]; j++) check64("special", special64[j]);
  /* f32: every STRIDE32-th bit pattern, both signs, from an odd start */
  for (i = 7; i < UINT64_C(0x100000000); i += STRIDE32) check32("sweep", (uint32_t)i);
  /* f32: every exponent (subnormals included) with random mantissas */
  for (j = 0; j < 256; j++)
    for (i = 0; i < 4000; i++) check32("exponent", (j << 23) | (uint32_t)(rnd() & 0x7FFFFFu));
  /* f32: exact squares and their neighbours (results nearest to halfway) */
  for (i = 0; i < 300000; i++) {
    uint32_t r = (uint32_t)(rnd() % 0x7F000000u), sq;
    float f = w2c_f32_bits(r) * w2c_f32_bits(r);
    sq = w2c_i32_reinterpret_f32(f);
    if (sq >= 0x7F800000u) continue;
    check32("square", sq);
    if (sq) check32("square-1", sq - 1);
    check32("square+1", sq + 1);
  }
  /* f64: random bit patterns */
  for (i = 0; i < RANDOM64; i++) check64("random", rnd());
  /* f64: every exponent with random mantissas */
  for (j = 0; j < 2048; j++)
    for (i = 0; i < 300; i++)
      check64("exponent", ((uint64_t)j << 52) | (rnd() & UINT64_C(0xFFFFFFFFFFFFF)));
  /* f64: exact squares of random doubles, and neighbours */
  for (i = 0; i < 300000; i++) {
    double d = w2c_f64_bits(rnd() % UINT64_C(0x7FE0000000000000));
    u = w2c_i64_reinterpret_f64(d * d);
    if (u >= UINT64_C(0x7FF0000000000000)) continue;
    check64("square", u);
    if (u) check64("square-1", u - 1);
    check64("square+1", u + 1);
  }
  printf("checks: %llu failures: %llu\n", checks, failures);
  return failures != 0;
}
#endif
