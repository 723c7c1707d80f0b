/* test_handler.c: trap delivery through W2C_TRAP_HANDLER (built with
 * -DW2C_TRAP_HANDLER=check_trap_handler): the handler gets each trap's code,
 * W2C_TRY does not exist, and the call depth is left to the embedder. */
#include "check.h"

#ifndef W2C_TRAP_HANDLER
#error "build with -DW2C_TRAP_HANDLER=check_trap_handler"
#endif
#ifdef W2C_TRY
#error "W2C_TRY must not exist with W2C_TRAP_HANDLER"
#endif

static uint32_t forever(uint32_t n) {
  uint32_t r;
  W2C_CALL_ENTER();
  r = n == 0xFFFFFFFFu ? 0 : forever(n + 1) + 1;
  W2C_CALL_DONE();
  W2C_CALL_LEAVE();
  return r;
}

int main(void) {
  w2c_memory m;
  w2c_table t;
  CHECK_TRAP(W2C_TRAP_UNREACHABLE, W2C_TRAP(W2C_TRAP_UNREACHABLE));
  CHECK_TRAP(W2C_TRAP_INT_DIV_ZERO, w2c_i64_rem_u(v64(1), v64(0)));
  CHECK_TRAP(W2C_TRAP_INVALID_CONVERSION, w2c_i32_trunc_f32_u(vfb(0x7FC00000u)));
  CHECK_NOTRAP_EQ(w2c_i32_div_s(v32(9), v32(3)), 3);
  CHECK_EQ(w2c_memory_alloc(&m, 1, 1, 16), 0);
  CHECK_TRAP(W2C_TRAP_OOB_MEMORY, w2c_i32_load(m.data, m.size, v32(65533), 0));
  CHECK_EQ(w2c_table_alloc(&t, 0, 1, 1), 0);
  CHECK_TRAP(W2C_TRAP_UNINITIALIZED_ELEMENT, w2c_table_call_target(&t, v32(0), 1));
  CHECK_EQ(w2c_call_depth, 0);
  CHECK_TRAP(W2C_TRAP_EXHAUSTION, check_sink = forever(0));
#if W2C_STACK_CHECK == W2C_STACK_COUNT
  CHECK_EQ(w2c_call_depth, W2C_CALL_DEPTH_LIMIT + 1); /* the embedder resets it */
  w2c_call_depth = 0;
#else
  CHECK_EQ(w2c_call_depth, 0); /* W2C_STACK_POINTER: nothing to reset */
  CHECK_TRAP(W2C_TRAP_EXHAUSTION, check_sink = forever(0));
#endif
  w2c_table_free(&t);
  w2c_memory_free(&m);
  return check_done();
}
