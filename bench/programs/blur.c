/* blur: a 3x3 Gaussian blur ([1 2 1] x [1 2 1] / 16, rounded) of a 640x480
 * 8-bit grayscale image, n passes back and forth between two buffers, then
 * a clamped contrast stretch.  Plain C loops: clang vectorises them for wasm
 * (-msimd128: u8 -> u16 widening, i16x8 adds and shifts, narrowing) and gcc
 * -O2 for the host.  An image filter.
 * wasm-cflags: -msimd128
 * bench: no-wasm3 (wasm3 has no SIMD) */
#include "bench.h"

#define W 640
#define H 480

static uint8_t img[2][H][W];
static uint16_t hsum[H][W];

static void horizontal(uint16_t *restrict d, const uint8_t *restrict s) {
  d[0] = (uint16_t)(s[0] * 4);
  for (int x = 1; x < W - 1; x++) d[x] = (uint16_t)(s[x - 1] + 2 * s[x] + s[x + 1]);
  d[W - 1] = (uint16_t)(s[W - 1] * 4);
}

static void vertical(uint8_t *restrict d, const uint16_t *restrict a, const uint16_t *restrict b,
                     const uint16_t *restrict c) {
  for (int x = 0; x < W; x++) d[x] = (uint8_t)((a[x] + 2 * b[x] + c[x] + 8) >> 4);
}

static void stretch(uint8_t *restrict d, const uint8_t *restrict s, int n) {
  for (int i = 0; i < n; i++) {
    int v = (s[i] - 16) * 5 / 4;
    d[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
  }
}

BENCH_ENTRY(n) {
  uint32_t seed = 2463534242u, sum = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)   /* a gradient with noise, so blurring keeps changing it */
      img[0][y][x] = (uint8_t)((x + y) / 5 + (bench_rand(&seed) & 63));
  for (uint32_t p = 0; p < n; p++) {
    uint8_t (*s)[W] = img[p & 1], (*d)[W] = img[(p & 1) ^ 1];
    for (int y = 0; y < H; y++) horizontal(hsum[y], s[y]);
    vertical(d[0], hsum[0], hsum[0], hsum[1]);
    for (int y = 1; y < H - 1; y++) vertical(d[y], hsum[y - 1], hsum[y], hsum[y + 1]);
    vertical(d[H - 1], hsum[H - 2], hsum[H - 1], hsum[H - 1]);
    if (p % 8 == 7) stretch(&s[0][0], &d[0][0], W * H);   /* result back in s: d is next */
    sum = bench_mix(sum, d[p % H][(p * 7) % W]);
  }
  for (int y = 0; y < H; y++) {
    uint32_t w;
    for (int x = 0; x < W; x += 4) {
      memcpy(&w, &img[n & 1][y][x], 4);
      sum = bench_mix(sum, w);
    }
  }
  return sum;
}

BENCH_MAIN("blur", 3000, 0x795cd892u, 100, 0xcb4e2864u)
