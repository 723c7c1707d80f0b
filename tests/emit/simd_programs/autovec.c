/* autovec.c: plain C loops that clang vectorises (clang --target=wasm32-wasi
 * -O3 -msimd128), for tests/emit/test_simd_programs.py: the same program run
 * by w2c on several targets and by wasmtime must print the same lines.
 * Integer sums, byte transforms, saturation by compares, reductions, float
 * arithmetic (bit-exact: no reassociation without -ffast-math) and
 * conversions. */
#include <stdint.h>
#include <stdio.h>

#define N 8192

static uint8_t src8[N], dst8[N];
static int16_t a16[N], b16[N];
static int32_t a32[N], b32[N], c32[N];
static int64_t a64[N];
static float xf[N], yf[N];
static double xd[N];

static uint32_t seed = 0x9E3779B9u;
static uint32_t rnd(void) {
  seed ^= seed << 13;
  seed ^= seed >> 17;
  seed ^= seed << 5;
  return seed;
}

static uint32_t hash(const void *p, unsigned n) {
  const uint8_t *b = p;
  uint32_t h = 2166136261u;
  for (unsigned i = 0; i < n; i++) h = (h ^ b[i]) * 16777619u;
  return h;
}

/* Brightness and contrast on bytes, clamped: compares and selects. */
static void brighten(uint8_t *restrict d, const uint8_t *restrict s, int n) {
  for (int i = 0; i < n; i++) {
    int v = (s[i] * 3 >> 1) + 10;
    d[i] = (uint8_t)(v > 255 ? 255 : v);
  }
}

static void saxpy(float *restrict y, const float *restrict x, float a, int n) {
  for (int i = 0; i < n; i++) y[i] = a * x[i] + y[i];
}

static int64_t dot16(const int16_t *a, const int16_t *b, int n) {
  int32_t s = 0;
  for (int i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

static void mix32(int32_t *restrict c, const int32_t *restrict a, const int32_t *restrict b,
                  int n) {
  for (int i = 0; i < n; i++) {
    int32_t x = a[i] ^ (b[i] >> 3);
    c[i] = (x < 0 ? -x : x) + (a[i] < b[i] ? a[i] : b[i]);
  }
}

static int64_t sum64(const int64_t *a, int n) {
  int64_t s = 0;
  for (int i = 0; i < n; i++) s += a[i] * 3 - (a[i] >> 7);
  return s;
}

static uint32_t max_u8(const uint8_t *a, int n) {
  uint8_t m = 0;
  for (int i = 0; i < n; i++) m = a[i] > m ? a[i] : m;
  return m;
}

static void widen(int32_t *restrict d, const uint8_t *restrict s, const int16_t *restrict t,
                  int n) {
  for (int i = 0; i < n; i++) d[i] = s[i] * t[i];
}

static void convert(double *restrict d, int32_t *restrict o, const float *restrict f,
                    const int32_t *restrict s, int n) {
  for (int i = 0; i < n; i++) {
    d[i] = (double)s[i] * 0.25 + (double)f[i];
    o[i] = (int32_t)(f[i] * 0.5f);   /* |f| < 2^30: no overflow */
  }
}

static uint32_t count_less(const float *x, const float *y, int n) {
  uint32_t c = 0;
  for (int i = 0; i < n; i++) c += x[i] < y[i];
  return c;
}

int main(void) {
  for (int i = 0; i < N; i++) {
    uint32_t r = rnd();
    src8[i] = (uint8_t)r;
    a16[i] = (int16_t)(r >> 8);
    b16[i] = (int16_t)(r >> 15);
    a32[i] = (int32_t)rnd();
    b32[i] = (int32_t)rnd();
    a64[i] = (int64_t)rnd() << 20 | r;
    xf[i] = (float)(int32_t)(r % 100001 - 50000) / 64.0f;
    yf[i] = (float)(int32_t)(rnd() % 1001 - 500) / 8.0f;
  }
  brighten(dst8, src8, N);
  printf("brighten: %08x\n", hash(dst8, sizeof dst8));
  saxpy(yf, xf, 0.75f, N);
  printf("saxpy: %08x\n", hash(yf, sizeof yf));
  printf("dot16: %lld\n", (long long)dot16(a16, b16, N));
  mix32(c32, a32, b32, N);
  printf("mix32: %08x\n", hash(c32, sizeof c32));
  printf("sum64: %lld\n", (long long)sum64(a64, N));
  printf("max_u8: %u\n", (unsigned)max_u8(src8, N - 3));
  widen(c32, src8, a16, N);
  printf("widen: %08x\n", hash(c32, sizeof c32));
  convert(xd, c32, xf, a32, N);
  printf("convert: %08x %08x\n", hash(xd, sizeof xd), hash(c32, sizeof c32));
  printf("count_less: %u\n", (unsigned)count_less(xf, yf, N));
  return 0;
}
