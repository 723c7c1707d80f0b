/* w2c_tail.h: tail calls (return_call, return_call_indirect) by trampoline.
 * See docs/codegen.md, "Tail calls".
 *
 * A function that makes a tail call to another function stores the
 * arguments in w2c_tail.vals, the callee's instance (and, through a table,
 * the callee) in w2c_tail.instance (w2c_tail.func) and the thunk that calls
 * it in w2c_tail.thunk, and jumps to its own trampoline.  Called normally, it runs the trampoline: call the thunk
 * (which calls the callee with the stored arguments) until no thunk is left;
 * the last callee's results are the function's.  Called from a thunk (its
 * entry sees w2c_tail.expect == itself), it returns at once and the
 * trampoline that called the thunk goes on.  So a chain of tail calls of any
 * length needs three C frames: trampoline, thunk, callee.  A self tail call
 * is a jump to the start of the body, without the trampoline.  Modules
 * without tail calls never touch this state. */
#ifndef W2C_TAIL_H
#define W2C_TAIL_H

#include "w2c_table.h"

/* The arguments a tail call can pass through the trampoline: a contract with
 * the emitter (w2c/emit/tail.py MAX_VALUES), not a configuration macro; a
 * callee with more parameters is called as `call` + `return`. */
#define W2C_TAIL_VALUES 16

typedef union w2c_tail_value {
  uint32_t i;
  uint64_t j;
  float f;
  double d;
  w2c_funcref r;
  w2c_externref e;
  const void *x;   /* exnref (w2c_exn.h's const w2c_exn *) */
} w2c_tail_value;

typedef struct w2c_tail_state {
  void (*thunk)(void);  /* the next call's thunk (cast to its result type); 0: none */
  void (*func)(void);   /* the next callee, for the thunks of calls through tables */
  void (*expect)(void); /* the callee a thunk is calling right now */
  void *instance;       /* the next callee's instance */
  w2c_tail_value vals[W2C_TAIL_VALUES]; /* the next callee's arguments */
} w2c_tail_state;

/* The pending tail call of this thread (W2C_THREAD_LOCAL). */
W2C_GLOBAL(w2c_tail_state, w2c_tail);

/* At the entry of a function that makes tail calls: 1 if a thunk called it
 * (it hands its tail calls back to that thunk's trampoline), else 0. */
static inline int w2c_tail_enter(void (*self)(void)) {
  int from_thunk = w2c_tail.expect == self;
  w2c_tail.expect = 0;
  return from_thunk;
}

#endif /* W2C_TAIL_H */
