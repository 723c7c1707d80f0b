/* main_calib.c: the calibration firmware of the Cortex-M bench's
 * instruction count (bench/chip_count.py): a loop of exactly two
 * instructions (subs, bne) run N times between two bench_marks. */
#include "harness.h"

__attribute__((noinline)) static void loop(uint32_t n) {
  __asm__ volatile("1:\n\tsubs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
}

int main(void) {
  static volatile uint32_t n = N;
  bench_mark();
  loop(n);
  bench_mark();
  chip_report(NAME, n, 0, EXPECT, HAVE_EXPECT);
  return 0;
}
