/* sieve: sieve of Eratosthenes over odd numbers below 8M in a byte array,
 * n times (the limit shrinks a little each time).  Integer kernel, strided
 * byte stores over 4 MB. */
#include "bench.h"

#define LIMIT (8u << 20)
static uint8_t composite[LIMIT / 2];

static uint32_t sieve(uint32_t limit) {
  uint32_t half = limit / 2, count = 1, sum = 2; /* 2 */
  memset(composite, 0, half);
  for (uint32_t i = 1; i < half; i++) {
    if (composite[i]) continue;
    uint32_t p = 2 * i + 1;
    count++;
    sum += p;
    if ((uint64_t)p * p >= limit) continue;
    for (uint32_t j = (p * p) / 2; j < half; j += p) composite[j] = 1;
  }
  return bench_mix(count, sum);
}

BENCH_ENTRY(n) {
  uint32_t sum = 0;
  if (sieve(100) != bench_mix(25, 1060)) return 0;
  for (uint32_t r = 0; r < n; r++) sum = bench_mix(sum, sieve(LIMIT - 1000 * r));
  return sum;
}

BENCH_MAIN("sieve", 70, 0x435e6f35u, 2, 0x21b821c2u)
