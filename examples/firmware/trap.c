/* trap.c: prints a line, then divides by zero: Wasm traps (integer divide by
 * zero).  The firmware prints `error: trap: integer divide by zero` and
 * exits with status 134. */
#include <stdio.h>

volatile int zero = 0;

int main(void) {
  printf("about to divide by zero\n");
  fflush(stdout);
  return 1 / zero;
}
