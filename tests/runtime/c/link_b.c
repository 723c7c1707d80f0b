/* see link_a.c */
#include "w2c_rt.h"

uint32_t *b_depth_addr(void) { return &w2c_call_depth; }

uint32_t b_enter_and_trap(void) {
  W2C_CALL_ENTER();
  W2C_CALL_ENTER();
  if (w2c_call_depth == 2) W2C_TRAP(W2C_TRAP_UNREACHABLE);
  W2C_CALL_LEAVE();
  W2C_CALL_LEAVE();
  return 0;
}
