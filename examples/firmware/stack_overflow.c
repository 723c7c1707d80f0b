/* stack_overflow.c: unbounded recursion.  On a small device the C stack
 * would overflow into RAM; w2c's runtime traps first (call stack
 * exhausted, from the call-depth limit or the stack-limit check of the
 * bare-metal profiles), and the firmware exits with status 134. */
#include <stdio.h>

__attribute__((noinline)) static unsigned depth(unsigned n, volatile unsigned *sink) {
  *sink = n;
  return depth(n + 1, sink) + 1; /* not a tail call */
}

int main(void) {
  static volatile unsigned sink;
  printf("recursing\n");
  fflush(stdout);
  return (int)depth(0, &sink);
}
