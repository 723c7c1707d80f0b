/* trap.c: prints a line, then divides by zero: Wasm traps (integer divide by
 * zero).  The firmware prints `error: trap: integer divide by zero` and
 * exits with status 134. */
#include <stdio.h>

volatile int zero = 0;

int main(int argc, char **argv) {
  (void)argv;
  printf("about to divide by zero\n");
  fflush(stdout);
  return argc / zero; /* an unknown dividend: the compiler must divide */
}
