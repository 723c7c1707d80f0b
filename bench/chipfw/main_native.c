/* main_native.c: the native firmware of the Cortex-M bench: the program's C
 * source (-DBENCH_PURE) compiled by arm-none-eabi-gcc, its kernel called
 * between two bench_marks.  NAME, N, EXPECT, HAVE_EXPECT come from -D. */
#include "harness.h"

uint32_t bench_run(uint32_t n);

int main(void) {
  static volatile uint32_t n = N;
  uint32_t sum;
  bench_mark();
  sum = bench_run(n);
  bench_mark();
  chip_report(NAME, n, sum, EXPECT, HAVE_EXPECT);
  return sum == EXPECT || !HAVE_EXPECT ? 0 : 1;
}
