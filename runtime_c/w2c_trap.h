/* w2c_trap.h: trap codes, trap delivery (W2C_TRAP, W2C_TRY), and the stack
 * exhaustion check (W2C_CALL_ENTER / W2C_CALL_LEAVE, per W2C_STACK_CHECK).
 * The fault handler of guard pages is w2c_guard.h.  See docs/codegen.md. */
#ifndef W2C_TRAP_H
#define W2C_TRAP_H

#include "w2c_config.h"

typedef enum w2c_trap {
  W2C_TRAP_NONE = 0,
  W2C_TRAP_UNREACHABLE,
  W2C_TRAP_INT_DIV_ZERO,
  W2C_TRAP_INT_OVERFLOW,
  W2C_TRAP_INVALID_CONVERSION,
  W2C_TRAP_OOB_MEMORY,
  W2C_TRAP_OOB_TABLE,
  W2C_TRAP_UNDEFINED_ELEMENT,
  W2C_TRAP_UNINITIALIZED_ELEMENT,
  W2C_TRAP_INDIRECT_CALL_TYPE,
  W2C_TRAP_EXHAUSTION,
  W2C_TRAP_NULL_EXNREF, /* throw_ref of a null exnref (w2c_exn.h) */
  W2C_TRAP_NULL_FUNCREF, /* call_ref, return_call_ref of a null reference */
  W2C_TRAP_NULL_REFERENCE, /* ref.as_non_null of a null reference */
  W2C_TRAP_UNALIGNED_ATOMIC, /* an atomic access off its natural alignment (w2c_atomic.h) */
  W2C_TRAP_EXPECTED_SHARED,  /* memory.atomic.wait on an unshared memory (w2c_atomic.h) */
  W2C_TRAP_WAIT_FOREVER,     /* wait without timeout that nothing can end (w2c_atomic.h) */
  W2C_TRAP_OUT_OF_MEMORY, /* the GC heap is full after a collection (w2c_gc.h) */
  W2C_TRAP_NULL_STRUCT,   /* struct.get/set of a null reference (w2c_gc.h) */
  W2C_TRAP_NULL_ARRAY,    /* array.* of a null reference (w2c_gc.h) */
  W2C_TRAP_NULL_I31,      /* i31.get_s/u of a null reference (w2c_gc.h) */
  W2C_TRAP_OOB_ARRAY,     /* an array index or range past its length (w2c_gc.h) */
  W2C_TRAP_CAST           /* ref.cast of a value not of the type (w2c_gc.h) */
} w2c_trap;

/* Results of M_instantiate besides 0 and trap codes. */
#define W2C_ERR_IMPORT (-1) /* an import is missing or has the wrong type/limits */
#define W2C_ERR_ALLOC (-2)  /* a memory or table could not be allocated */
#define W2C_ERR_EXCEPTION (-4) /* the start function threw an exception (w2c_exn.h) */

/* The spec interpreter's wording of each trap; also accepts W2C_ERR_*. */
static inline const char *w2c_trap_message(w2c_trap code) {
  switch ((int)code) {
    case W2C_TRAP_NONE: return "no trap";
    case W2C_TRAP_UNREACHABLE: return "unreachable";
    case W2C_TRAP_INT_DIV_ZERO: return "integer divide by zero";
    case W2C_TRAP_INT_OVERFLOW: return "integer overflow";
    case W2C_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case W2C_TRAP_OOB_MEMORY: return "out of bounds memory access";
    case W2C_TRAP_OOB_TABLE: return "out of bounds table access";
    case W2C_TRAP_UNDEFINED_ELEMENT: return "undefined element";
    case W2C_TRAP_UNINITIALIZED_ELEMENT: return "uninitialized element";
    case W2C_TRAP_INDIRECT_CALL_TYPE: return "indirect call type mismatch";
    case W2C_TRAP_EXHAUSTION: return "call stack exhausted";
    case W2C_TRAP_NULL_EXNREF: return "null exception reference";
    case W2C_TRAP_NULL_FUNCREF: return "null function reference";
    case W2C_TRAP_NULL_REFERENCE: return "null reference";
    case W2C_TRAP_UNALIGNED_ATOMIC: return "unaligned atomic";
    case W2C_TRAP_EXPECTED_SHARED: return "expected shared memory";
    case W2C_TRAP_WAIT_FOREVER: return "wait would block forever";
    case W2C_TRAP_OUT_OF_MEMORY: return "out of memory";
    case W2C_TRAP_NULL_STRUCT: return "null structure reference";
    case W2C_TRAP_NULL_ARRAY: return "null array reference";
    case W2C_TRAP_NULL_I31: return "null i31 reference";
    case W2C_TRAP_OOB_ARRAY: return "out of bounds array access";
    case W2C_TRAP_CAST: return "cast failure";
    case W2C_ERR_IMPORT: return "incompatible import type";
    case W2C_ERR_ALLOC: return "allocation failed";
    case W2C_ERR_EXCEPTION: return "uncaught exception";
    default: return "unknown trap";
  }
}

/* Number of wasm calls in progress (W2C_STACK_COUNT: W2C_CALL_ENTER
 * increments it; 0 in the other modes). */
W2C_GLOBAL(uint32_t, w2c_call_depth);

/* ---- where a trap happened (modules translated with -g) --------------------
 * A function of a module translated with `w2c compile -g` sets
 * w2c_func_now to its description ("func 12 ($inflate)": its index and its
 * name from the name section, else its first export name) on entry
 * (W2C_FUNC_ENTER) and gives the caller's back before it returns
 * (W2C_FUNC_LEAVE); a trap skips the LEAVEs, so at a trap w2c_func_now is
 * the innermost running function of a -g module (for a trap raised by an
 * import: the function that called it), NULL if none.  W2C_TRY stores it
 * in w2c_trap_func when it catches a trap and restores the value it had
 * when the W2C_TRY began.  Modules without -g never write these: their C
 * has no W2C_FUNC_* line.  With W2C_TRAP_HANDLER the handler reads
 * w2c_func_now.  Volatile: read after a fault (guard pages) or a longjmp. */
W2C_GLOBAL(const char *volatile, w2c_func_now);
/* The w2c_func_now of the last trap a W2C_TRY caught (NULL: no -g function). */
W2C_GLOBAL(const char *, w2c_trap_func);
#define W2C_FUNC_ENTER(where)                          \
  const char *const w2c_func_caller_ = w2c_func_now; \
  w2c_func_now = (where)
#define W2C_FUNC_LEAVE() (void)(w2c_func_now = w2c_func_caller_)

/* ---- trap delivery ------------------------------------------------------- */
#ifdef W2C_TRAP_SETJMP
/* Plain setjmp/longjmp in every configuration, so that files built with and
 * without guard pages share one frame layout; a trap raised in the fault
 * handler unblocks SIGSEGV/SIGBUS itself before the jump. */
#include <setjmp.h>
#define W2C_JMP_BUF jmp_buf
#define W2C_SETJMP(b) setjmp(b)
#define W2C_LONGJMP(b, v) longjmp(b, v)
#include <stdio.h>
#include <stdlib.h>

/* One active W2C_TRY; frames live on the C stack, linked innermost first. */
typedef struct w2c_trap_frame {
  W2C_JMP_BUF buf;
  struct w2c_trap_frame *prev;
  uint32_t call_depth;  /* w2c_call_depth when the W2C_TRY began */
  const char *func;     /* w2c_func_now when the W2C_TRY began */
  volatile int code;    /* the trap, written just before the longjmp */
} w2c_trap_frame;

W2C_GLOBAL(w2c_trap_frame *, w2c_trap_top);

W2C_COLD_FN void w2c_trap_uncaught(w2c_trap code) {
  fprintf(stderr, "w2c: uncaught trap: %s\n", w2c_trap_message(code));
  abort();
}

/* Raise a trap: jump to the innermost W2C_TRY (abort if there is none). */
W2C_COLD_FN void w2c_trap_raise(w2c_trap code) {
  w2c_trap_frame *f = w2c_trap_top;
  if (f == NULL) w2c_trap_uncaught(code);
  f->code = (int)code;
  W2C_LONGJMP(f->buf, 1);
}

/* Link the frame in as the innermost. */
static inline void w2c_try_push_(w2c_trap_frame *f) {
  f->prev = w2c_trap_top;
  f->call_depth = w2c_call_depth;
  f->func = w2c_func_now;
  f->code = W2C_TRAP_NONE;
  w2c_trap_top = f;
}

/* Unlink the frame; after a trap restore the call depth and the current
 * function (noting where the trap happened).  The trap code. */
static inline w2c_trap w2c_try_pop_(w2c_trap_frame *f) {
  w2c_trap_top = f->prev;
  if (f->code != W2C_TRAP_NONE) {
    w2c_call_depth = f->call_depth;
    w2c_trap_func = w2c_func_now;
    w2c_func_now = f->func;
  }
  return (w2c_trap)f->code; /* no local: it would be live across setjmp */
}

/* W2C_TRY_STMT(code, stmt...): run stmt; store in the lvalue `code` the trap
 * it raised, or W2C_TRAP_NONE.  Plain C99.  stmt must not leave by return,
 * goto or break, and locals it changes must be volatile to be read after a
 * trap (setjmp rules).  Nestable.  Both forms begin with W2C_THREAD_ENTER
 * (w2c_guard.h: the thread's stack guard, with W2C_STACK_GUARD). */
#define W2C_TRY_STMT(code, ...)                                         \
  do {                                                                  \
    w2c_trap_frame w2c_try_frame_;                                      \
    W2C_THREAD_ENTER();                                                 \
    w2c_try_push_(&w2c_try_frame_);                                     \
    if (W2C_SETJMP(w2c_try_frame_.buf) == 0) {                          \
      __VA_ARGS__;                                                      \
    }                                                                   \
    (code) = w2c_try_pop_(&w2c_try_frame_);                             \
  } while (0)

/* W2C_TRY(stmt...): an expression, the trap code stmt raised (0 if none);
 * same rules as W2C_TRY_STMT.  Uses a GNU statement expression. */
#ifdef __GNUC__
#define W2C_TRY(...)                                                    \
  __extension__({                                                       \
    w2c_trap_frame w2c_try_frame_;                                      \
    W2C_THREAD_ENTER();                                                 \
    w2c_try_push_(&w2c_try_frame_);                                     \
    if (W2C_SETJMP(w2c_try_frame_.buf) == 0) {                          \
      __VA_ARGS__;                                                      \
    }                                                                   \
    w2c_try_pop_(&w2c_try_frame_);                                      \
  })
#else
#define W2C_TRY(...) W2C_TRY_needs_GNU_statement_expressions_use_W2C_TRY_STMT
#endif

#else /* W2C_TRAP_HANDLER */

/* `-DW2C_TRAP_HANDLER` without a name defines it as 1 (or empty): stop with
 * a message (an #if test would trip -Wundef on real names). */
#define w2c_handler_is_1 \
  w2c_error_W2C_TRAP_HANDLER_must_name_your_trap_function_eg_DW2C_TRAP_HANDLER_eq_my_handler[-1]
#define w2c_handler_is_ w2c_handler_is_1
#define W2C_HANDLER_CHECK_(x) W2C_CAT2_(w2c_handler_is_, x)
typedef char W2C_HANDLER_CHECK_(W2C_TRAP_HANDLER);

W2C_NORETURN void W2C_TRAP_HANDLER(w2c_trap code);

W2C_COLD_FN void w2c_trap_raise(w2c_trap code) {
  W2C_TRAP_HANDLER(code);
#ifndef __GNUC__
  for (;;) {
  }
#endif
}

/* W2C_TRY_STMT(code, stmt...): with a trap handler a trap never comes
 * back here, so a statement that completes raised none: code is
 * W2C_TRAP_NONE.  (Lets generated code and glue build in both modes.) */
#define W2C_TRY_STMT(code, ...) \
  do {                          \
    __VA_ARGS__;                \
    (code) = W2C_TRAP_NONE;     \
  } while (0)

#endif /* W2C_TRAP_SETJMP */

/* W2C_TRAP(code): raise a trap; never returns. */
#define W2C_TRAP(code) w2c_trap_raise(code)

/* ---- stack exhaustion (W2C_STACK_CHECK, w2c_config.h) ----------------------
 * A generated function does W2C_CALL_ENTER() on entry, W2C_CALL_DONE()
 * after each call it makes and W2C_CALL_LEAVE() before each return.  Only
 * W2C_STACK_COUNT needs the LEAVE; a trap skips the LEAVEs and W2C_TRY
 * restores the count (with W2C_TRAP_HANDLER, reset w2c_call_depth
 * yourself). */
/* W2C_NO_TAIL_CALL_(): an empty volatile asm right after each call
 * (W2C_CALL_DONE), which the compiler must keep there: so no call is in
 * tail position, and recursion without end uses stack and traps instead of
 * becoming a loop without end (`f() { f(); }` compiles to a jump
 * otherwise, and `return 0 - f();` to a loop; the counter's decrement at
 * each return does this for W2C_STACK_COUNT).  No instruction.  After the
 * call rather than before each return: a function without calls then has
 * no asm at all, and gcc's recursive inlining of a recursive function that
 * has no tail call is not held back (recurse: -2.6 % instructions).  None
 * with W2C_NO_SIBLING_CALLS (w2c_config.h). */
#if defined(__GNUC__) && !W2C_NO_SIBLING_CALLS
#define W2C_NO_TAIL_CALL_() __asm__ __volatile__("")
#else
#define W2C_NO_TAIL_CALL_() ((void)0)
#endif
#if W2C_STACK_CHECK == W2C_STACK_COUNT
#define W2C_CALL_ENTER()                                                  \
  do {                                                                    \
    if (W2C_UNLIKELY(++w2c_call_depth > (uint32_t)W2C_CALL_DEPTH_LIMIT)) \
      W2C_TRAP(W2C_TRAP_EXHAUSTION);                                      \
  } while (0)
#define W2C_CALL_LEAVE() (void)(--w2c_call_depth)
#define W2C_CALL_DONE() ((void)0)
#elif W2C_STACK_CHECK == W2C_STACK_POINTER
/* W2C_READ_SP_(sp): the stack pointer, by one instruction (not
 * __builtin_frame_address, which forces a frame pointer). */
#if defined(__x86_64__)
#define W2C_READ_SP_(sp) __asm__("movq %%rsp, %0" : "=r"(sp))
#elif defined(__i386__)
#define W2C_READ_SP_(sp) __asm__("movl %%esp, %0" : "=r"(sp))
#elif defined(__aarch64__) || defined(__arm__)
#define W2C_READ_SP_(sp) __asm__("mov %0, sp" : "=r"(sp))
#elif defined(__riscv)
#define W2C_READ_SP_(sp) __asm__("mv %0, sp" : "=r"(sp))
#elif defined(__s390x__)
#define W2C_READ_SP_(sp) __asm__("lgr %0, %%r15" : "=r"(sp))
#endif
#ifdef W2C_STACK_LIMIT_SYMBOL
extern char W2C_STACK_LIMIT_SYMBOL[];
#define W2C_CALL_ENTER()                                                                  \
  do {                                                                                    \
    uintptr_t w2c_sp_;                                                                    \
    W2C_READ_SP_(w2c_sp_);                                                                \
    if (W2C_UNLIKELY(w2c_sp_ < (uintptr_t)W2C_STACK_LIMIT_SYMBOL + (uintptr_t)W2C_STACK_MARGIN)) \
      W2C_TRAP(W2C_TRAP_EXHAUSTION);                                                      \
  } while (0)
#else
/* The bitwise complement of the thread's limit, 0 until its first wasm
 * call (so that zero-initialised storage means "not yet set"). */
W2C_GLOBAL(uintptr_t, w2c_stack_limit_inv);
/* At or below the limit, or no limit yet: set it (from this function's
 * stack pointer, a little below the caller's), or trap. */
W2C_COLD_CALL void w2c_stack_low_(void) {
  uintptr_t sp;
  W2C_READ_SP_(sp);
  if (w2c_stack_limit_inv == 0) {
    uintptr_t budget = (uintptr_t)(W2C_STACK_BUDGET), lim = 4096;
    if (sp > budget + lim) lim = sp - budget;
    w2c_stack_limit_inv = ~lim;
    return;
  }
  W2C_TRAP(W2C_TRAP_EXHAUSTION);
}
/* sp + ~limit carries out of the word exactly when sp > limit, and never
 * while the limit is unset (0): one add and a branch on the carry (x86-64:
 * mov, add, jae; 5 instructions with the compare of ~sp: bintrees -3.5 %
 * instructions with explicit bounds checks). */
#define W2C_CALL_ENTER()                                                          \
  do {                                                                            \
    uintptr_t w2c_sp_;                                                            \
    W2C_READ_SP_(w2c_sp_);                                                        \
    if (W2C_UNLIKELY(w2c_sp_ + w2c_stack_limit_inv >= w2c_sp_)) w2c_stack_low_(); \
  } while (0)
#endif
#define W2C_CALL_LEAVE() ((void)0)
#define W2C_CALL_DONE() W2C_NO_TAIL_CALL_()
#elif W2C_STACK_CHECK == W2C_STACK_GUARD /* the guard page does it */
#define W2C_CALL_ENTER() ((void)0)
#define W2C_CALL_LEAVE() ((void)0)
#define W2C_CALL_DONE() W2C_NO_TAIL_CALL_()
#else
#define W2C_CALL_ENTER() ((void)0)
#define W2C_CALL_LEAVE() ((void)0)
#define W2C_CALL_DONE() ((void)0)
#endif

#endif /* W2C_TRAP_H */
