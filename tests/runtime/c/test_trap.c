/* test_trap.c: trap messages, W2C_TRY / W2C_TRY_STMT (nesting, results,
 * call depth restored) and stack exhaustion (W2C_CALL_ENTER/LEAVE) in the
 * mode W2C_STACK_CHECK selects.  With W2C_STACK_COUNT, -DLIMIT=... says
 * which W2C_CALL_DEPTH_LIMIT the build uses (default 2000); -DMIN_DEPTH=N:
 * in the other modes, how many frames of `forever` must fit before the trap.
 * -DUNCAUGHT instead raises a trap outside any W2C_TRY (the process must
 * abort with the message). */
#include "check.h"

#ifndef LIMIT
#define LIMIT 2000
#endif
#ifndef MIN_DEPTH
#define MIN_DEPTH 1000
#endif

static void check_message(w2c_trap code, const char *want, int line) {
  const char *got = w2c_trap_message(code);
  check_count++;
  if (strcmp(got, want) != 0) check_fail(__FILE__, line, "w2c_trap_message", got, want);
}

static void test_messages(void) {
  check_message(W2C_TRAP_UNREACHABLE, "unreachable", __LINE__);
  check_message(W2C_TRAP_INT_DIV_ZERO, "integer divide by zero", __LINE__);
  check_message(W2C_TRAP_INT_OVERFLOW, "integer overflow", __LINE__);
  check_message(W2C_TRAP_INVALID_CONVERSION, "invalid conversion to integer", __LINE__);
  check_message(W2C_TRAP_OOB_MEMORY, "out of bounds memory access", __LINE__);
  check_message(W2C_TRAP_OOB_TABLE, "out of bounds table access", __LINE__);
  check_message(W2C_TRAP_UNDEFINED_ELEMENT, "undefined element", __LINE__);
  check_message(W2C_TRAP_UNINITIALIZED_ELEMENT, "uninitialized element", __LINE__);
  check_message(W2C_TRAP_INDIRECT_CALL_TYPE, "indirect call type mismatch", __LINE__);
  check_message(W2C_TRAP_EXHAUSTION, "call stack exhausted", __LINE__);
  CHECK_EQ(W2C_TRAP_NONE, 0);
  CHECK_EQ(W2C_TRAP_EXHAUSTION, 10);
  CHECK_EQ(W2C_ERR_IMPORT, -1);
  CHECK_EQ(W2C_ERR_ALLOC, -2);
}

static volatile int steps;

static void do_trap(w2c_trap code) {
  steps++;
  W2C_TRAP(code);
}

/* A wasm-like function: depth-checked recursion, n levels deep. */
static uint32_t recurse(uint32_t n) {
  uint32_t r;
  W2C_CALL_ENTER();
  r = n == 0 ? w2c_call_depth : recurse(n - 1);
  W2C_CALL_DONE();
  W2C_CALL_LEAVE();
  return r;
}

static volatile uint32_t deepest; /* the largest n forever() reached */

/* Recursion that ends only through the depth limit (n never wraps). */
static uint32_t forever(uint32_t n) {
  uint32_t r;
  W2C_CALL_ENTER();
  if (n > deepest) deepest = n;
  r = n == 0xFFFFFFFFu ? 0 : forever(n + 1) + 1;
  W2C_CALL_DONE();
  W2C_CALL_LEAVE();
  return r;
}

static w2c_trap nested_inner(void) {
  return W2C_TRY(do_trap(W2C_TRAP_INT_OVERFLOW));
}

static void test_try(void) {
  volatile uint32_t got = 0;
  volatile w2c_trap inner = W2C_TRAP_NONE; /* set inside a W2C_TRY, read after a trap */
  w2c_trap code;
  /* no trap: 0, and the statement ran */
  code = W2C_TRY(got = 7);
  CHECK_EQ(code, W2C_TRAP_NONE);
  CHECK_EQ(got, 7);
  CHECK(w2c_trap_top == NULL);
  /* a trap: its code, and the rest of the statement skipped */
  steps = 0;
  code = W2C_TRY({
    do_trap(W2C_TRAP_UNREACHABLE);
    steps = 100;
  });
  CHECK_EQ(code, W2C_TRAP_UNREACHABLE);
  CHECK_EQ(steps, 1);
  CHECK(w2c_trap_top == NULL);
  /* nested: the inner W2C_TRY catches, the outer sees no trap */
  code = W2C_TRY(inner = nested_inner());
  CHECK_EQ(code, W2C_TRAP_NONE);
  CHECK_EQ(inner, W2C_TRAP_INT_OVERFLOW);
  /* nested: the inner one completes, then the outer statement traps */
  code = W2C_TRY({
    inner = W2C_TRY(got = 8);
    do_trap(W2C_TRAP_OOB_TABLE);
  });
  CHECK_EQ(code, W2C_TRAP_OOB_TABLE);
  CHECK_EQ(inner, W2C_TRAP_NONE);
  CHECK_EQ(got, 8);
  /* three deep, trap in the middle level */
  code = W2C_TRY({
    inner = W2C_TRY({
      w2c_trap deepest = W2C_TRY(got = 9);
      got = got + (uint32_t)deepest;
      do_trap(W2C_TRAP_UNDEFINED_ELEMENT);
    });
    got = got * 2;
  });
  CHECK_EQ(code, W2C_TRAP_NONE);
  CHECK_EQ(inner, W2C_TRAP_UNDEFINED_ELEMENT);
  CHECK_EQ(got, 18);
  CHECK(w2c_trap_top == NULL);
  /* the plain C99 form */
  W2C_TRY_STMT(code, do_trap(W2C_TRAP_INVALID_CONVERSION));
  CHECK_EQ(code, W2C_TRAP_INVALID_CONVERSION);
  W2C_TRY_STMT(code, got = 3);
  CHECK_EQ(code, W2C_TRAP_NONE);
  CHECK_EQ(got, 3);
  /* traps raised by helpers */
  CHECK_TRAP(W2C_TRAP_INT_DIV_ZERO, w2c_i32_div_u(v32(1), v32(0)));
}

static void test_call_depth(void) {
  volatile uint32_t got = 0;
  w2c_trap code;
  CHECK_EQ(w2c_call_depth, 0);
#if W2C_STACK_CHECK == W2C_STACK_COUNT
  code = W2C_TRY(got = recurse(LIMIT - 1)); /* LIMIT frames: the most allowed */
  CHECK_EQ(code, W2C_TRAP_NONE);
  CHECK_EQ(got, LIMIT);
  CHECK_EQ(w2c_call_depth, 0);
  code = W2C_TRY(got = recurse(LIMIT)); /* one more */
  CHECK_EQ(code, W2C_TRAP_EXHAUSTION);
  CHECK_EQ(w2c_call_depth, 0); /* restored */
  code = W2C_TRY(got = forever(0));
  CHECK_EQ(code, W2C_TRAP_EXHAUSTION);
  CHECK_EQ(w2c_call_depth, 0);
  /* W2C_TRY restores the depth it started with, not 0 */
  w2c_call_depth = 5;
  code = W2C_TRY(got = forever(0));
  CHECK_EQ(code, W2C_TRAP_EXHAUSTION);
  CHECK_EQ(w2c_call_depth, 5);
  code = W2C_TRY(got = recurse(LIMIT - 6));
  CHECK_EQ(code, W2C_TRAP_NONE);
  CHECK_EQ(got, LIMIT);
  code = W2C_TRY(got = recurse(LIMIT - 5));
  CHECK_EQ(code, W2C_TRAP_EXHAUSTION);
  CHECK_EQ(w2c_call_depth, 5);
  w2c_call_depth = 0;
  /* after exhaustion everything works again */
  code = W2C_TRY(got = recurse(10));
  CHECK_EQ(code, W2C_TRAP_NONE);
  CHECK_EQ(got, 11);
#elif W2C_STACK_CHECK != 0
  /* W2C_STACK_POINTER / W2C_STACK_GUARD: the stack itself is the limit; no count */
  code = W2C_TRY(got = recurse(1000));
  CHECK_EQ(code, W2C_TRAP_NONE);
  CHECK_EQ(got, 0);
  {
    static int round; /* not a local: it would be live across setjmp */
    for (round = 0; round < 3; round++) { /* and again: the state is restored */
      deepest = 0;
      code = W2C_TRY(got = forever(0));
      CHECK_EQ(code, W2C_TRAP_EXHAUSTION);
      CHECK(deepest >= MIN_DEPTH);
      CHECK(w2c_trap_top == NULL);
    }
  }
  /* caught by the innermost W2C_TRY */
  code = W2C_TRY({
    volatile w2c_trap inner = W2C_TRY(got = forever(0));
    CHECK_EQ(inner, W2C_TRAP_EXHAUSTION);
  });
  CHECK_EQ(code, W2C_TRAP_NONE);
  CHECK_EQ(w2c_call_depth, 0);
  code = W2C_TRY(got = recurse(10));
  CHECK_EQ(code, W2C_TRAP_NONE);
#else
  /* W2C_NONCONFORMING_NO_STACK_CHECK: the macros do nothing */
  code = W2C_TRY(got = recurse(100000));
  CHECK_EQ(code, W2C_TRAP_NONE);
  CHECK_EQ(got, 0);
  (void)forever;
#endif
}

int main(void) {
#ifdef UNCAUGHT
  printf("before\n");
  fflush(stdout);
  do_trap(W2C_TRAP_INDIRECT_CALL_TYPE);
  printf("after\n");
#endif
  test_messages();
  test_try();
  test_call_depth();
  return check_done();
}
