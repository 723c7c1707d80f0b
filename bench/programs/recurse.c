/* recurse: call-heavy recursion: naive Fibonacci, Takeuchi's tak and
 * Ackermann's function, n rounds.  Nearly all work is calls and returns. */
#include "bench.h"

static uint32_t calls;

__attribute__((noinline)) static uint32_t fib(uint32_t n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) static int32_t tak(int32_t x, int32_t y, int32_t z) {
  calls++;
  return y < x ? tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y)) : z;
}

__attribute__((noinline)) static uint32_t ack(uint32_t m, uint32_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

BENCH_ENTRY(n) {
  uint32_t sum = 0;
  for (uint32_t r = 0; r < n; r++) {
    sum = bench_mix(sum, fib(27 + (r & 1)));
    sum = bench_mix(sum, (uint32_t)tak(18 + (int32_t)(r & 1), 12, 6));
    sum = bench_mix(sum, ack(2, 150 + r % 7));
  }
  return bench_mix(sum, calls);
}

BENCH_MAIN("recurse", 1000, 0x016a594cu, 40, 0x8cb621f0u)
