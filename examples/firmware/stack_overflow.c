/* stack_overflow.c: unbounded recursion.  On a small device the C stack
 * would overflow into RAM; w2c's runtime traps first (call stack
 * exhausted, from the call-depth limit or the stack-limit check of the
 * bare-metal profiles), and the firmware exits with status 134.  The call
 * goes through a volatile function pointer so that the compiler cannot
 * turn the recursion into a loop. */
#include <stdio.h>

typedef unsigned (*step_fn)(unsigned);
static unsigned depth(unsigned n);
static step_fn volatile step = depth;

static unsigned depth(unsigned n) {
  if (n == 0xFFFFFFFFu) return 0; /* never reached: the stack runs out first */
  return step(n + 1) + 1;
}

int main(void) {
  printf("recursing\n");
  fflush(stdout);
  return (int)depth(0);
}
