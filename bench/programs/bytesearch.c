/* bytesearch: searching a 1 MB text with 128-bit vector compares (simd.h:
 * Wasm's <wasm_simd128.h> for wasm, SSE2 natively).  Per step: count the
 * lines (i8x16.eq against '\n', bitmask, popcount) and find every
 * occurrence of a word taken from the text (compare its first and last bytes
 * 16 positions at a time, then memcmp the candidates), as memchr/strstr
 * implementations do.
 * wasm-cflags: -msimd128
 * bench: no-wasm3 (wasm3 has no SIMD) */
#include "bench.h"
#include "simd.h"

#define SIZE (1 << 20)
#define PAD 64

static uint8_t text[SIZE + PAD];

static uint32_t count_byte(const uint8_t *p, size_t n, uint8_t c) {
  v128_t needle = wasm_i8x16_splat((int8_t)c);
  uint32_t count = 0;
  for (size_t i = 0; i < n; i += 16)
    count += (uint32_t)__builtin_popcount(wasm_i8x16_bitmask(
        wasm_i8x16_eq(wasm_v128_load(p + i), needle)));
  return count;
}

/* Occurrences of w[0..len) in p[0..n) (p readable to n + PAD); their
 * positions are folded into *h. */
static uint32_t find_all(const uint8_t *p, size_t n, const uint8_t *w, size_t len,
                         uint32_t *h) {
  v128_t first = wasm_i8x16_splat((int8_t)w[0]), last = wasm_i8x16_splat((int8_t)w[len - 1]);
  uint32_t found = 0;
  for (size_t i = 0; i + len <= n; i += 16) {
    v128_t m = wasm_v128_and(wasm_i8x16_eq(wasm_v128_load(p + i), first),
                             wasm_i8x16_eq(wasm_v128_load(p + i + len - 1), last));
    uint32_t bits = wasm_i8x16_bitmask(m);
    while (bits) {
      size_t at = i + (size_t)__builtin_ctz(bits);
      bits &= bits - 1;
      if (at + len <= n && memcmp(p + at + 1, w + 1, len - 2) == 0) {
        found++;
        *h = bench_mix(*h, (uint32_t)at);
      }
    }
  }
  return found;
}

BENCH_ENTRY(n) {
  static const char *syll[] = {"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "qua", "ex"};
  uint32_t seed = 521288629u, sum = 0;
  size_t pos = 0;
  while (pos < SIZE - 16) {   /* words of 1-4 syllables, lines of ~8 words */
    uint32_t r = bench_rand(&seed);
    for (uint32_t s = 0; s <= r % 4; s++) {
      const char *y = syll[(r >> (4 + 4 * s)) % 10];
      while (*y) text[pos++] = (uint8_t)*y++;
    }
    text[pos++] = (r >> 28) == 0 ? '\n' : (r >> 24) % 8 == 0 ? ',' : ' ';
  }
  while (pos < SIZE) text[pos++] = ' ';
  for (uint32_t s = 0; s < n; s++) {
    size_t at = bench_rand(&seed) % (SIZE - 64);
    while (text[at] != ' ') at++;   /* the word after a space, with the space before it */
    size_t len = 1;
    while (text[at + len] != ' ' && text[at + len] != '\n' && text[at + len] != ',') len++;
    len += 1;
    uint8_t word[32];
    memcpy(word, text + at, len < 32 ? len : 32);
    uint32_t k = find_all(text, SIZE, word, len < 32 ? len : 32, &sum);
    sum = bench_mix(sum, k);
    if (s % 4 == 0) sum = bench_mix(sum, count_byte(text, SIZE, (uint8_t)"\n,ak"[s / 4 % 4]));
  }
  return sum;
}

BENCH_MAIN("bytesearch", 2000, 0xe466d248u, 60, 0x2b290280u)
