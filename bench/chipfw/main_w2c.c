/* main_w2c.c: the w2c firmware of the Cortex-M bench: the program's pure
 * module (exports bench_run only, no imports) translated by `w2c compile`
 * into m.c/m.h, instantiated statically, its kernel called between two
 * bench_marks.  A trap prints `error: trap N` and exits with 134. */
#include "m.h"
#include "harness.h"

void chip_trap(w2c_trap code) {
  chip_puts("error: trap ");
  chip_put_u32((uint32_t)code, 0);
  chip_puts("\n");
  chip_exit(134);
}

int main(void) {
  static m_instance inst;
  static volatile uint32_t n = N;
  uint32_t sum;
  if (m_instantiate(&inst, NULL) != 0) {
    chip_puts("error: instantiate\n");
    return 2;
  }
  bench_mark();
  sum = m_x_bench_5Frun(&inst, n);
  bench_mark();
  chip_report(NAME, n, sum, EXPECT, HAVE_EXPECT);
  return sum == EXPECT || !HAVE_EXPECT ? 0 : 1;
}
