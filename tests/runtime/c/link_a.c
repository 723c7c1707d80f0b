/* link_a.c + link_b.c: two files (two "modules") share one runtime state:
 * a trap raised in b is caught by a's W2C_TRY and both see one call depth.
 * With W2C_STORAGE_EXTERNAL this file defines the state (W2C_DEFINE_STORAGE). */
#include "w2c_rt.h"
#include <stdio.h>

uint32_t *b_depth_addr(void);
uint32_t b_enter_and_trap(void);

int main(void) {
  w2c_trap code;
  int ok = 1;
  ok &= b_depth_addr() == &w2c_call_depth;
  W2C_TRY_STMT(code, b_enter_and_trap());
  ok &= code == W2C_TRAP_UNREACHABLE;
  ok &= w2c_call_depth == 0;
  ok &= w2c_trap_top == NULL;
  printf("link %s\n", ok ? "ok" : "BROKEN");
  return !ok;
}
