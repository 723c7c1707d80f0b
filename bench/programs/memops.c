/* memops: bulk memory: n rounds of copying blocks of 1 B to 64 KiB between
 * two 4 MiB buffers (memcpy), shifting overlapping ranges (memmove) and
 * clearing ranges (memset), with sampled checksums.  Built for wasm with
 * bulk memory, so these become memory.copy and memory.fill:
 * wasm-cflags: -mbulk-memory */
#include "bench.h"

#define SIZE (4u << 20)
static uint8_t a[SIZE], b[SIZE];

static uint32_t sample(const uint8_t *p, uint32_t seed) {
  uint32_t h = 0;
  for (int i = 0; i < 64; i++) {
    uint32_t at = bench_rand(&seed) & (SIZE - 8);
    uint64_t v;
    memcpy(&v, p + at, 8);
    h = bench_mix(bench_mix(h, (uint32_t)v), (uint32_t)(v >> 32));
  }
  return h;
}

BENCH_ENTRY(n) {
  uint32_t seed = 0xBADC0DEu, sum = 0;
  for (uint32_t i = 0; i < SIZE; i += 4) {
    uint32_t v = bench_rand(&seed);
    memcpy(a + i, &v, 4);
  }
  for (uint32_t r = 0; r < n; r++) {
    for (int k = 0; k < 4096; k++) {
      uint32_t x = bench_rand(&seed);
      uint32_t len = (x & 3) == 0 ? (x >> 16) : (x >> 26) + 1; /* 64 KiB max, mostly short */
      uint32_t from = bench_rand(&seed) & (SIZE - 1), to = bench_rand(&seed) & (SIZE - 1);
      if (from + len > SIZE) from = SIZE - len;
      if (to + len > SIZE) to = SIZE - len;
      switch ((x >> 2) & 3) {
        case 0: memcpy(b + to, a + from, len); break;
        case 1: memcpy(a + to, b + from, len); break;
        case 2: memmove(a + to, a + from, len); break;
        default: memset(b + to, (int)(x >> 8), len); break;
      }
    }
    sum = bench_mix(sum, sample(a, r));
    sum = bench_mix(sum, sample(b, ~r));
  }
  return sum;
}

BENCH_MAIN("memops", 1000, 0x67880242u, 8, 0x10747e13u)
