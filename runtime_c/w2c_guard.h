/* w2c_guard.h: guard pages (W2C_BOUNDS_GUARD, W2C_STACK_GUARD): the
 * SIGSEGV/SIGBUS handler that turns a fault into a trap, the list of
 * guarded address ranges it consults (w2c_mem.h adds each guarded memory's
 * reservation), the thread's stack range, and W2C_THREAD_ENTER.  Without
 * either guard (W2C_SIGNALS_ unset, w2c_config.h) only the w2c_guard_range
 * type and an empty W2C_THREAD_ENTER: no signal or POSIX header. */
#ifndef W2C_GUARD_H
#define W2C_GUARD_H

#include "w2c_trap.h"

/* An address range whose faults are out-of-bounds accesses; each
 * w2c_memory holds one (used while it is registered). */
typedef struct w2c_guard_range {
  uintptr_t base;
  uint64_t bytes;
  struct w2c_guard_range *next;
} w2c_guard_range;

#if defined(W2C_SIGNALS_) && defined(W2C_TRAP_SETJMP)
#include <signal.h>
#ifndef SA_SIGINFO
#error "w2c: W2C_BOUNDS_GUARD and W2C_STACK_GUARD need POSIX signals: include w2c_rt.h before any system header, or compile with -D_DEFAULT_SOURCE."
#endif
#include <stdio.h>
#include <stdlib.h>

/* ---- the SIGSEGV/SIGBUS handler of guard pages ----------------------------
 * A fault inside a registered range is an out-of-bounds access
 * (W2C_BOUNDS_GUARD); a fault in the w2c_stack_span bytes below an address
 * of the thread's stack is stack exhaustion (W2C_STACK_GUARD); any other
 * fault goes to the previous handler. */
/* The handler, the previous actions and the ranges are the process's, not
 * a thread's (W2C_PROCESS_GLOBAL, also under W2C_THREAD_LOCAL): a memory
 * allocated by one thread faults in another.  A spin lock (GCC/clang
 * atomics) guards installing the handler and the list of ranges; the
 * handler takes it too (no thread faults while holding it). */
W2C_PROCESS_GLOBAL(int, w2c_guard_installed);
W2C_PROCESS_GLOBAL(int, w2c_guard_lock_word);
W2C_PROCESS_GLOBAL(struct sigaction, w2c_guard_old_segv);
W2C_PROCESS_GLOBAL(struct sigaction, w2c_guard_old_bus);
#ifdef __GNUC__
#define W2C_GUARD_LOCK() \
  while (__atomic_exchange_n(&w2c_guard_lock_word, 1, __ATOMIC_ACQUIRE)) {}
#define W2C_GUARD_UNLOCK() __atomic_store_n(&w2c_guard_lock_word, 0, __ATOMIC_RELEASE)
#else
#define W2C_GUARD_LOCK() ((void)0)
#define W2C_GUARD_UNLOCK() ((void)0)
#endif
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD
W2C_PROCESS_GLOBAL(w2c_guard_range *, w2c_guard_ranges);

/* Register [base, base + bytes): r must not move until w2c_guard_remove_. */
static inline void w2c_guard_add_(w2c_guard_range *r, const void *base, uint64_t bytes) {
  r->base = (uintptr_t)base;
  r->bytes = bytes;
  W2C_GUARD_LOCK();
  r->next = w2c_guard_ranges;
  w2c_guard_ranges = r;
  W2C_GUARD_UNLOCK();
}

static inline void w2c_guard_remove_(w2c_guard_range *r) {
  w2c_guard_range **pp;
  W2C_GUARD_LOCK();
  for (pp = &w2c_guard_ranges; *pp != NULL; pp = &(*pp)->next)
    if (*pp == r) {
      *pp = r->next;
      break;
    }
  W2C_GUARD_UNLOCK();
  r->next = NULL;
}

/* 1 if addr is inside a registered range. */
static inline int w2c_guard_in_range_(uintptr_t a) {
  const w2c_guard_range *r;
  int in = 0;
  W2C_GUARD_LOCK();
  for (r = w2c_guard_ranges; r != NULL && !in; r = r->next)
    in = a - r->base < r->bytes;
  W2C_GUARD_UNLOCK();
  return in;
}
#endif
#if W2C_STACK_CHECK == W2C_STACK_GUARD
#include <sys/resource.h>
/* How far below w2c_stack_top a fault still counts as the stack's: the
 * stack size limit (RLIMIT_STACK, at most 1 GiB) plus 2 MiB for the
 * kernel's guard gap.  Computed once. */
W2C_PROCESS_GLOBAL(uintptr_t, w2c_stack_span);
W2C_GLOBAL(uintptr_t, w2c_stack_top);    /* an address in this thread's stack */
W2C_GLOBAL(int, w2c_altstack_ready);     /* W2C_THREAD_ENTER done on this thread */
/* W2C_ALTSTACK_BYTES: size of the alternate signal stack the handler runs
 * on when the thread's stack is exhausted (allocated once per thread that
 * runs wasm, unless the thread already has one).  Default 64 KiB. */
#ifndef W2C_ALTSTACK_BYTES
#define W2C_ALTSTACK_BYTES 65536u
#endif
#endif

/* Leave the handler by a trap: SIGSEGV and SIGBUS are blocked while it
 * runs, and longjmp does not restore the mask. */
W2C_COLD_FN void w2c_guard_trap_(w2c_trap code) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGSEGV);
  sigaddset(&set, SIGBUS);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  w2c_trap_raise(code);
}

static inline void w2c_guard_handler_(int sig, siginfo_t *si, void *ctx) {
  uintptr_t a = (uintptr_t)si->si_addr;
  (void)ctx;
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD
  if (w2c_guard_in_range_(a)) w2c_guard_trap_(W2C_TRAP_OOB_MEMORY);
#endif
#if W2C_STACK_CHECK == W2C_STACK_GUARD
  if (a < w2c_stack_top && w2c_stack_top - a <= w2c_stack_span)
    w2c_guard_trap_(W2C_TRAP_EXHAUSTION);
#endif
  /* Not ours: restore the previous action and let the access fault again. */
  sigaction(sig, sig == SIGSEGV ? &w2c_guard_old_segv : &w2c_guard_old_bus, NULL);
}

/* Install the handler (once; w2c_memory_alloc and W2C_TRY call it).  0, or -1. */
static inline int w2c_guard_install_(void) {
  struct sigaction sa;
#if W2C_STACK_CHECK == W2C_STACK_GUARD
  {
    struct rlimit rl;
    uintptr_t span = (uintptr_t)1 << 30;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (uint64_t)rl.rlim_cur < (uint64_t)span)
      span = (uintptr_t)rl.rlim_cur;
    w2c_stack_span = span + ((uintptr_t)2 << 20);
  }
#endif
  W2C_MEMSET(&sa, 0, sizeof sa);
  sa.sa_sigaction = w2c_guard_handler_;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGSEGV, &sa, &w2c_guard_old_segv) != 0) return -1;
  if (sigaction(SIGBUS, &sa, &w2c_guard_old_bus) != 0) {
    sigaction(SIGSEGV, &w2c_guard_old_segv, NULL);
    return -1;
  }
  w2c_guard_installed = 1;
  return 0;
}

static inline int w2c_guard_init(void) {
  int rc = 0;
  W2C_GUARD_LOCK();
  if (!w2c_guard_installed) rc = w2c_guard_install_();
  W2C_GUARD_UNLOCK();
  return rc;
}

#if W2C_STACK_CHECK == W2C_STACK_GUARD
/* Once per thread that runs wasm (W2C_TRY and instantiation call it): note
 * an address in the thread's stack, give the thread an alternate signal
 * stack (the handler cannot run on the exhausted one) unless it has one,
 * and install the handler. */
W2C_COLD_CALL void w2c_stack_guard_setup_(void) {
  stack_t old, ss;
  volatile char here = 0;
  w2c_stack_top = (uintptr_t)&here;
  if (sigaltstack(NULL, &old) == 0 && (old.ss_flags & SS_DISABLE)) {
    ss.ss_sp = malloc(W2C_ALTSTACK_BYTES);
    ss.ss_size = W2C_ALTSTACK_BYTES;
    ss.ss_flags = 0;
    if (ss.ss_sp == NULL || sigaltstack(&ss, NULL) != 0) {
      fprintf(stderr, "w2c: cannot set up an alternate signal stack for W2C_STACK_GUARD\n");
      abort();
    }
  }
  if (w2c_guard_init() != 0) {
    fprintf(stderr, "w2c: cannot install the SIGSEGV handler for W2C_STACK_GUARD\n");
    abort();
  }
  w2c_altstack_ready = 1;
}
#define W2C_THREAD_ENTER()                                    \
  do {                                                        \
    if (W2C_UNLIKELY(!w2c_altstack_ready)) w2c_stack_guard_setup_(); \
  } while (0)
#endif
#endif /* W2C_SIGNALS_ && W2C_TRAP_SETJMP */

/* W2C_THREAD_ENTER(): what a thread does before it runs wasm (nothing but
 * with W2C_STACK_GUARD, above); W2C_TRY and instantiation do it. */
#ifndef W2C_THREAD_ENTER
#define W2C_THREAD_ENTER() ((void)0)
#endif

#endif /* W2C_GUARD_H */
