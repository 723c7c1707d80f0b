/* w2c_atomic.h: the threads proposal's instructions (atomic loads, stores,
 * read-modify-write and compare-exchange of every width, atomic.fence,
 * memory.atomic.wait32/64 and memory.atomic.notify).  Generated code
 * includes it (from the module's header) only when the module has a shared
 * memory or an atomic instruction.  See docs/codegen.md, "Threads".
 *
 * Each access checks, in the reference interpreter's and wasmtime's order,
 * the alignment of the effective address (trap "unaligned atomic"), then
 * its bounds (as plain loads and stores do under W2C_BOUNDS_CHECK; wait and
 * notify always compare).  Memory stays little-endian: a big-endian host
 * swaps bytes, and adds and subtracts through a compare-exchange loop. */
#ifndef W2C_ATOMIC_H
#define W2C_ATOMIC_H

#include "w2c_rt.h"

/* ---- value names (do not define these yourself) ------------------------ */
#if defined(W2C_ATOMICS_C11) || defined(W2C_ATOMICS_BUILTINS) || defined(W2C_ATOMICS_SINGLE) || \
    defined(W2C_WAIT_PTHREAD) || defined(W2C_WAIT_SINGLE)
#error "w2c: W2C_ATOMICS_* and W2C_WAIT_* are values, not switches: write -DW2C_ATOMICS=W2C_ATOMICS_SINGLE or -DW2C_WAIT=W2C_WAIT_SINGLE."
#endif
#define W2C_ATOMICS_C11 1
#define W2C_ATOMICS_BUILTINS 2
#define W2C_ATOMICS_SINGLE 3
#define W2C_WAIT_PTHREAD 1
#define W2C_WAIT_SINGLE 2

/* W2C_ATOMICS: how atomic accesses are made.
 *   W2C_ATOMICS_BUILTINS (default under GCC/clang): the __atomic builtins,
 *     sequentially consistent.
 *   W2C_ATOMICS_C11 (default for other C11 compilers with atomics):
 *     <stdatomic.h>, the memory's bytes accessed as _Atomic integers.
 *   W2C_ATOMICS_SINGLE (default elsewhere): one thread runs wasm, so plain
 *     loads and stores; a read-modify-write runs between W2C_ATOMIC_LOCK()
 *     and W2C_ATOMIC_UNLOCK().
 * Under the first two, a width the target cannot access lock-free (its
 * __GCC_ATOMIC_*_LOCK_FREE / ATOMIC_*_LOCK_FREE is not 2) takes the
 * single-threaded lowering instead of a libatomic call: on Cortex-M0
 * (ARMv6-M, no LDREX/STREX) every width, on Cortex-M3/M4 (ARMv7-M) the
 * 64-bit accesses, on RV32IMAC the 8-, 16- and 64-bit ones (targets/README.md). */
#ifndef W2C_ATOMICS
#if defined(__GNUC__)
#define W2C_ATOMICS W2C_ATOMICS_BUILTINS
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L && !defined(__STDC_NO_ATOMICS__)
#define W2C_ATOMICS W2C_ATOMICS_C11
#else
#define W2C_ATOMICS W2C_ATOMICS_SINGLE
#endif
#endif
#if W2C_ATOMICS == W2C_ATOMICS_BUILTINS && !defined(__GNUC__)
#error "w2c: W2C_ATOMICS_BUILTINS needs GCC or clang (__atomic builtins): choose W2C_ATOMICS_C11 or W2C_ATOMICS_SINGLE."
#endif
#if W2C_ATOMICS == W2C_ATOMICS_C11 && (defined(__STDC_NO_ATOMICS__) || \
    (!defined(__GNUC__) && !(defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L)))
#error "w2c: W2C_ATOMICS_C11 needs a C11 compiler with <stdatomic.h>: choose W2C_ATOMICS_BUILTINS or W2C_ATOMICS_SINGLE."
#endif
#if W2C_ATOMICS != W2C_ATOMICS_C11 && W2C_ATOMICS != W2C_ATOMICS_BUILTINS && \
    W2C_ATOMICS != W2C_ATOMICS_SINGLE
#error "w2c: W2C_ATOMICS must be W2C_ATOMICS_C11, W2C_ATOMICS_BUILTINS or W2C_ATOMICS_SINGLE."
#endif

/* W2C_WAIT: how memory.atomic.wait blocks and notify wakes.
 *   W2C_WAIT_PTHREAD (default on hosted POSIX systems): a table of 64
 *     buckets keyed by the waited-on host address, each a pthread mutex and
 *     a list of waiters with a condition variable each; one mechanism for
 *     32- and 64-bit waits (a Linux futex only waits on 32 bits) and an
 *     exact count of the waiters notify wakes.  Link with -pthread where
 *     the C library needs it (glibc < 2.34).
 *   W2C_WAIT_SINGLE (default elsewhere: bare metal): one thread runs wasm,
 *     so nothing can change the value or notify while it waits.  A wait
 *     whose value differs returns 1 ("not-equal"); one whose value is equal
 *     calls W2C_WAIT_HOOK. */
#ifndef W2C_WAIT
#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 1 && \
    (defined(__unix__) || defined(__APPLE__)) && !defined(W2C_TRAP_HANDLER)
#define W2C_WAIT W2C_WAIT_PTHREAD
#else
#define W2C_WAIT W2C_WAIT_SINGLE
#endif
#endif
#if W2C_WAIT != W2C_WAIT_PTHREAD && W2C_WAIT != W2C_WAIT_SINGLE
#error "w2c: W2C_WAIT must be W2C_WAIT_PTHREAD or W2C_WAIT_SINGLE."
#endif
#if W2C_WAIT == W2C_WAIT_PTHREAD && W2C_ATOMICS == W2C_ATOMICS_SINGLE && \
    !defined(W2C_ATOMIC_LOCK)
#error "w2c: W2C_WAIT_PTHREAD runs wasm on several threads, which W2C_ATOMICS_SINGLE cannot serve without a lock: choose W2C_ATOMICS_BUILTINS/C11, W2C_WAIT_SINGLE, or define W2C_ATOMIC_LOCK/W2C_ATOMIC_UNLOCK."
#endif

/* W2C_WAIT_HOOK (W2C_WAIT_SINGLE): the name of your function
 *   uint32_t H(const volatile void *addr, uint64_t expected, int is64, int64_t timeout_ns)
 * called when a wait finds the expected value; it returns 0 ("ok": woken,
 * e.g. by an interrupt handler that changed the value) or 2 ("timed-out"),
 * and may sleep (WFI) meanwhile.  Default: what a lone thread sees, as in
 * the spec's single-threaded semantics: 2 ("timed-out") at once for a
 * timeout >= 0 (nobody can observe the time not spent), and for a negative
 * (infinite) timeout, which nothing could ever end, the trap
 * W2C_TRAP_WAIT_FOREVER ("wait would block forever") instead of a hang. */
#if W2C_WAIT == W2C_WAIT_SINGLE && !defined(W2C_WAIT_HOOK)
#define W2C_WAIT_HOOK w2c_wait_alone_
static inline uint32_t w2c_wait_alone_(const volatile void *addr, uint64_t expected, int is64,
                                       int64_t timeout_ns) {
  (void)addr, (void)expected, (void)is64;
  if (timeout_ns < 0) W2C_TRAP(W2C_TRAP_WAIT_FOREVER);
  return 2u;
}
#endif

/* W2C_ATOMIC_LOCK() / W2C_ATOMIC_UNLOCK(): around each access of the
 * single-threaded lowering (W2C_ATOMICS_SINGLE, and widths that are not
 * lock-free).  On a microcontroller whose interrupt handlers also run wasm
 * or touch its memory, mask interrupts (e.g. a PRIMASK save and cpsid i, then
 * the restore).  Default: nothing under W2C_WAIT_SINGLE; under
 * W2C_WAIT_PTHREAD, one global pthread mutex. */
#if defined(W2C_ATOMIC_LOCK) != defined(W2C_ATOMIC_UNLOCK)
#error "w2c: define both W2C_ATOMIC_LOCK() and W2C_ATOMIC_UNLOCK(), or neither."
#endif

#if W2C_WAIT == W2C_WAIT_PTHREAD
#if defined(_FEATURES_H) && !defined(__USE_POSIX199309)
#error "w2c: memory.atomic.wait needs clock_gettime, which a strict mode (-std=c99) hides unless w2c_rt.h comes first: include the module's header first, or add -D_DEFAULT_SOURCE."
#endif
#include <pthread.h>
#include <time.h>
#include <errno.h>
#endif

/* The runtime's shared state: one copy per program, not per thread (see
 * W2C_STORAGE_EXTERNAL in w2c_config.h). */
#ifdef W2C_STORAGE_EXTERNAL
#ifdef W2C_DEFINE_STORAGE
#define W2C_SHARED_GLOBAL(type, name, ...) extern type name; type name = __VA_ARGS__
#else
#define W2C_SHARED_GLOBAL(type, name, ...) extern type name
#endif
#else
#define W2C_SHARED_GLOBAL(type, name, ...) W2C_WEAK type name = __VA_ARGS__
#endif

#ifndef W2C_ATOMIC_LOCK
#if W2C_WAIT == W2C_WAIT_PTHREAD
W2C_SHARED_GLOBAL(pthread_mutex_t, w2c_atomic_mutex, PTHREAD_MUTEX_INITIALIZER);
#define W2C_ATOMIC_LOCK() pthread_mutex_lock(&w2c_atomic_mutex)
#define W2C_ATOMIC_UNLOCK() pthread_mutex_unlock(&w2c_atomic_mutex)
#else
#define W2C_ATOMIC_LOCK() ((void)0)
#define W2C_ATOMIC_UNLOCK() ((void)0)
#endif
#endif

#if W2C_ATOMICS == W2C_ATOMICS_C11
#include <stdatomic.h>
#endif

/* ---- primitives on native values: w2c_aload8_ ... w2c_acmpxchg64_ ----------
 * Each width is lock-free (W2C_ALF_<bits> 1) or single-threaded (0). */
#if W2C_ATOMICS == W2C_ATOMICS_BUILTINS
#define W2C_ALF_(m) (m == 2)
#define W2C_ALF_8 W2C_ALF_(__GCC_ATOMIC_CHAR_LOCK_FREE)
#define W2C_ALF_16 W2C_ALF_(__GCC_ATOMIC_SHORT_LOCK_FREE)
#define W2C_ALF_32 W2C_ALF_(__GCC_ATOMIC_INT_LOCK_FREE)
#define W2C_ALF_64 W2C_ALF_(__GCC_ATOMIC_LLONG_LOCK_FREE)
#elif W2C_ATOMICS == W2C_ATOMICS_C11
#define W2C_ALF_(m) (m == 2)
#define W2C_ALF_8 W2C_ALF_(ATOMIC_CHAR_LOCK_FREE)
#define W2C_ALF_16 W2C_ALF_(ATOMIC_SHORT_LOCK_FREE)
#define W2C_ALF_32 W2C_ALF_(ATOMIC_INT_LOCK_FREE)
#define W2C_ALF_64 W2C_ALF_(ATOMIC_LLONG_LOCK_FREE)
#else
#define W2C_ALF_8 0
#define W2C_ALF_16 0
#define W2C_ALF_32 0
#define W2C_ALF_64 0
#endif

/* The single-threaded lowering of one width. */
#define W2C_APRIM_SINGLE_(B, U)                                                    \
  static inline U w2c_aload##B##_(U *p) {                                         \
    U v;                                                                           \
    W2C_ATOMIC_LOCK();                                                             \
    v = *(volatile U *)p;                                                          \
    W2C_ATOMIC_UNLOCK();                                                           \
    return v;                                                                      \
  }                                                                                \
  static inline void w2c_astore##B##_(U *p, U v) {                                \
    W2C_ATOMIC_LOCK();                                                             \
    *(volatile U *)p = v;                                                          \
    W2C_ATOMIC_UNLOCK();                                                           \
  }                                                                                \
  static inline U w2c_acmpxchg##B##_(U *p, U expected, U desired) {               \
    U old;                                                                         \
    W2C_ATOMIC_LOCK();                                                             \
    old = *(volatile U *)p;                                                        \
    if (old == expected) *(volatile U *)p = desired;                               \
    W2C_ATOMIC_UNLOCK();                                                           \
    return old;                                                                    \
  }                                                                                \
  W2C_ARMW_SINGLE_(B, U, add, old + v)                                             \
  W2C_ARMW_SINGLE_(B, U, sub, old - v)                                             \
  W2C_ARMW_SINGLE_(B, U, and, old & v)                                             \
  W2C_ARMW_SINGLE_(B, U, or, old | v)                                              \
  W2C_ARMW_SINGLE_(B, U, xor, old ^ v)                                             \
  W2C_ARMW_SINGLE_(B, U, xchg, v)
#define W2C_ARMW_SINGLE_(B, U, op, expr)                                           \
  static inline U w2c_a##op##B##_(U *p, U v) {                                    \
    U old;                                                                         \
    W2C_ATOMIC_LOCK();                                                             \
    old = *(volatile U *)p;                                                        \
    *(volatile U *)p = (U)(expr);                                                  \
    W2C_ATOMIC_UNLOCK();                                                           \
    return old;                                                                    \
  }

#if W2C_ATOMICS == W2C_ATOMICS_BUILTINS
#define W2C_APRIM_LF_(B, U)                                                        \
  static inline U w2c_aload##B##_(U *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); } \
  static inline void w2c_astore##B##_(U *p, U v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); } \
  static inline U w2c_acmpxchg##B##_(U *p, U expected, U desired) {               \
    __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_SEQ_CST,       \
                                __ATOMIC_SEQ_CST);                                 \
    return expected;                                                               \
  }                                                                                \
  static inline U w2c_aadd##B##_(U *p, U v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); } \
  static inline U w2c_asub##B##_(U *p, U v) { return __atomic_fetch_sub(p, v, __ATOMIC_SEQ_CST); } \
  static inline U w2c_aand##B##_(U *p, U v) { return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST); } \
  static inline U w2c_aor##B##_(U *p, U v) { return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST); }   \
  static inline U w2c_axor##B##_(U *p, U v) { return __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST); } \
  static inline U w2c_axchg##B##_(U *p, U v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
#define w2c_atomic_fence() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#elif W2C_ATOMICS == W2C_ATOMICS_C11
#define W2C_APRIM_LF_(B, U)                                                        \
  static inline U w2c_aload##B##_(U *p) { return atomic_load((_Atomic U *)p); }   \
  static inline void w2c_astore##B##_(U *p, U v) { atomic_store((_Atomic U *)p, v); } \
  static inline U w2c_acmpxchg##B##_(U *p, U expected, U desired) {               \
    atomic_compare_exchange_strong((_Atomic U *)p, &expected, desired);           \
    return expected;                                                               \
  }                                                                                \
  static inline U w2c_aadd##B##_(U *p, U v) { return atomic_fetch_add((_Atomic U *)p, v); } \
  static inline U w2c_asub##B##_(U *p, U v) { return atomic_fetch_sub((_Atomic U *)p, v); } \
  static inline U w2c_aand##B##_(U *p, U v) { return atomic_fetch_and((_Atomic U *)p, v); } \
  static inline U w2c_aor##B##_(U *p, U v) { return atomic_fetch_or((_Atomic U *)p, v); }   \
  static inline U w2c_axor##B##_(U *p, U v) { return atomic_fetch_xor((_Atomic U *)p, v); } \
  static inline U w2c_axchg##B##_(U *p, U v) { return atomic_exchange((_Atomic U *)p, v); }
#define w2c_atomic_fence() atomic_thread_fence(memory_order_seq_cst)
#else
#define W2C_APRIM_LF_(B, U) W2C_APRIM_SINGLE_(B, U)
#define w2c_atomic_fence() ((void)0)
#endif

#if W2C_ALF_8
W2C_APRIM_LF_(8, uint8_t)
#else
W2C_APRIM_SINGLE_(8, uint8_t)
#endif
#if W2C_ALF_16
W2C_APRIM_LF_(16, uint16_t)
#else
W2C_APRIM_SINGLE_(16, uint16_t)
#endif
#if W2C_ALF_32
W2C_APRIM_LF_(32, uint32_t)
#else
W2C_APRIM_SINGLE_(32, uint32_t)
#endif
#if W2C_ALF_64
W2C_APRIM_LF_(64, uint64_t)
#else
W2C_APRIM_SINGLE_(64, uint64_t)
#endif

/* Little-endian memory on a big-endian host: add and subtract work on the
 * swapped value through a compare-exchange loop; the bitwise operations,
 * exchange and compare-exchange on swapped operands directly. */
#define W2C_LE8(x) (x)
#if W2C_BIG_ENDIAN
#define W2C_ARITH_BE_(B, U, op, sym)                                               \
  static inline U w2c_a##op##B##_le_(U *p, U v) {                                 \
    U old = w2c_aload##B##_(p), seen;                                              \
    for (;;) {                                                                     \
      U next = W2C_LE##B((U)(W2C_LE##B(old) sym v));                              \
      seen = w2c_acmpxchg##B##_(p, old, next);                                     \
      if (seen == old) return W2C_LE##B(old);                                      \
      old = seen;                                                                  \
    }                                                                              \
  }
#else
#define W2C_ARITH_BE_(B, U, op, sym) \
  static inline U w2c_a##op##B##_le_(U *p, U v) { return w2c_a##op##B##_(p, v); }
#endif
W2C_ARITH_BE_(8, uint8_t, add, +)
W2C_ARITH_BE_(8, uint8_t, sub, -)
W2C_ARITH_BE_(16, uint16_t, add, +)
W2C_ARITH_BE_(16, uint16_t, sub, -)
W2C_ARITH_BE_(32, uint32_t, add, +)
W2C_ARITH_BE_(32, uint32_t, sub, -)
W2C_ARITH_BE_(64, uint64_t, add, +)
W2C_ARITH_BE_(64, uint64_t, sub, -)

/* ---- the effective address: alignment, then bounds ------------------------ */
static inline uint8_t *w2c_atomic_at_(uint8_t *mem, uint64_t size, uint32_t addr,
                                      uint32_t offset, uint32_t n) {
  uint64_t ea = (uint64_t)addr + offset;
  if (W2C_UNLIKELY(ea & (n - 1u))) W2C_TRAP(W2C_TRAP_UNALIGNED_ATOMIC);
  W2C_MEM_CHECK(size, addr, offset, n);
  return mem + ea;
}
static inline uint8_t *w2c_atomic_at_a64_(uint8_t *mem, uint64_t size, uint64_t addr,
                                          uint64_t offset, uint32_t n) {
  if (W2C_UNLIKELY((addr + offset) & (n - 1u))) W2C_TRAP(W2C_TRAP_UNALIGNED_ATOMIC);
  W2C_MEM64_CHECK(size, addr, offset, n);
  return mem + (size_t)(addr + offset);
}
/* wait and notify compare with the size in every configuration. */
static inline uint8_t *w2c_atomic_at_checked_(uint8_t *mem, uint64_t size, uint64_t addr,
                                              uint64_t offset, uint32_t n) {
  if (W2C_UNLIKELY((addr + offset) & (n - 1u))) W2C_TRAP(W2C_TRAP_UNALIGNED_ATOMIC);
  if (W2C_UNLIKELY(w2c_oob64_(size, addr, offset, n))) W2C_TRAP(W2C_TRAP_OOB_MEMORY);
  return mem + (size_t)(addr + offset);
}

/* ---- the instructions: (mem, size, addr, offset[, operands]) ---------------
 * T: i32/i64 (R its C type), B: the access's bits (U its C type); LOAD,
 * STORE, RMW: the name parts (load8_u, store8, rmw8 ... _u); A: the address
 * type, AT: its address function, SFX: the name's suffix (_a64). */
#define W2C_ATOMIC_WIDTH_(T, R, B, U, LOAD, STORE, RMW, US, A, AT, SFX)                  \
  static inline R w2c_##T##_atomic_##LOAD##SFX(uint8_t *mem, uint64_t size, A addr,       \
                                               A offset) {                                \
    return (R)W2C_LE##B(w2c_aload##B##_((U *)(void *)AT(mem, size, addr, offset, B / 8))); \
  }                                                                                        \
  static inline void w2c_##T##_atomic_##STORE##SFX(uint8_t *mem, uint64_t size, A addr,   \
                                                   A offset, R val) {                     \
    w2c_astore##B##_((U *)(void *)AT(mem, size, addr, offset, B / 8), W2C_LE##B((U)val)); \
  }                                                                                        \
  W2C_ATOMIC_RMW_(T, R, B, U, RMW, add, US, A, AT, SFX, _le_, (U)val)                     \
  W2C_ATOMIC_RMW_(T, R, B, U, RMW, sub, US, A, AT, SFX, _le_, (U)val)                     \
  W2C_ATOMIC_RMW_(T, R, B, U, RMW, and, US, A, AT, SFX, _, W2C_LE##B((U)val))             \
  W2C_ATOMIC_RMW_(T, R, B, U, RMW, or, US, A, AT, SFX, _, W2C_LE##B((U)val))              \
  W2C_ATOMIC_RMW_(T, R, B, U, RMW, xor, US, A, AT, SFX, _, W2C_LE##B((U)val))             \
  W2C_ATOMIC_RMW_(T, R, B, U, RMW, xchg, US, A, AT, SFX, _, W2C_LE##B((U)val))            \
  static inline R w2c_##T##_atomic_##RMW##_cmpxchg##US##SFX(                               \
      uint8_t *mem, uint64_t size, A addr, A offset, R expected, R val) {                  \
    U *p = (U *)(void *)AT(mem, size, addr, offset, B / 8);                                \
    return (R)W2C_LE##B(w2c_acmpxchg##B##_(p, W2C_LE##B((U)expected), W2C_LE##B((U)val))); \
  }
/* add and sub return the old value already in memory order (_le_). */
#define W2C_ATOMIC_RMW_(T, R, B, U, RMW, op, US, A, AT, SFX, KIND, arg)                   \
  static inline R w2c_##T##_atomic_##RMW##_##op##US##SFX(uint8_t *mem, uint64_t size,     \
                                                         A addr, A offset, R val) {       \
    U *p = (U *)(void *)AT(mem, size, addr, offset, B / 8);                                \
    return (R)W2C_ATOMIC_RESULT##KIND(B, w2c_a##op##B##KIND(p, arg));                      \
  }
#define W2C_ATOMIC_RESULT_le_(B, v) (v)
#define W2C_ATOMIC_RESULT_(B, v) W2C_LE##B(v)
#define W2C_ATOMIC_ALL_(A, AT, SFX)                                                    \
  W2C_ATOMIC_WIDTH_(i32, uint32_t, 32, uint32_t, load, store, rmw, , A, AT, SFX)       \
  W2C_ATOMIC_WIDTH_(i64, uint64_t, 64, uint64_t, load, store, rmw, , A, AT, SFX)       \
  W2C_ATOMIC_WIDTH_(i32, uint32_t, 8, uint8_t, load8_u, store8, rmw8, _u, A, AT, SFX)  \
  W2C_ATOMIC_WIDTH_(i32, uint32_t, 16, uint16_t, load16_u, store16, rmw16, _u, A, AT, SFX) \
  W2C_ATOMIC_WIDTH_(i64, uint64_t, 8, uint8_t, load8_u, store8, rmw8, _u, A, AT, SFX)  \
  W2C_ATOMIC_WIDTH_(i64, uint64_t, 16, uint16_t, load16_u, store16, rmw16, _u, A, AT, SFX) \
  W2C_ATOMIC_WIDTH_(i64, uint64_t, 32, uint32_t, load32_u, store32, rmw32, _u, A, AT, SFX)
W2C_ATOMIC_ALL_(uint32_t, w2c_atomic_at_, )
W2C_ATOMIC_ALL_(uint64_t, w2c_atomic_at_a64_, _a64)

/* ---- shared memories ---------------------------------------------------------
 * A shared memory never moves, since other threads hold its base: with
 * W2C_ALLOC_MALLOC it gets its maximum's capacity at once (if the allocator
 * refuses, it keeps its initial size and memory.grow fails beyond it); mmap
 * and static storage grow in place.  memory.grow of a shared memory runs
 * between W2C_ATOMIC_LOCK() and W2C_ATOMIC_UNLOCK().  Another thread sees
 * the new size at its next call or grow (functions keep a memory's size in
 * a local), so an access to the new pages from a thread that is inside a
 * call may trap with explicit bounds checks. */
static inline int w2c_shared_reserve_(w2c_memory *m, int rc) {
  if (rc != 0) return rc;
#if W2C_MEMORY_ALLOC == W2C_ALLOC_MALLOC
  {
    uint64_t cap = m->max_pages << m->page_log2;
    uint8_t *p = cap > m->capacity && cap <= (uint64_t)SIZE_MAX
                     ? (uint8_t *)realloc(m->data, (size_t)cap) : NULL;
    if (p != NULL) {
      m->data = p;
      m->capacity = cap;
    }
  }
#endif
  m->shared = 1;
  return 0;
}
static inline int w2c_memory_alloc_shared(w2c_memory *m, uint64_t initial_pages,
                                          uint64_t max_pages, uint32_t page_log2) {
  return w2c_shared_reserve_(m, w2c_memory_alloc(m, initial_pages, max_pages, page_log2));
}
static inline int w2c_memory_alloc64_shared(w2c_memory *m, uint64_t initial_pages,
                                            uint64_t max_pages, uint32_t page_log2) {
  return w2c_shared_reserve_(m, w2c_memory_alloc64(m, initial_pages, max_pages, page_log2));
}
/* Whether growing m to `pages` keeps it in place. */
static inline int w2c_shared_fits_(const w2c_memory *m, uint64_t pages) {
#if W2C_MEMORY_ALLOC == W2C_ALLOC_MALLOC
  return m->kind != W2C_MEMKIND_MALLOC || (pages << m->page_log2) <= m->capacity;
#else
  (void)m, (void)pages;
  return 1;
#endif
}
static inline uint32_t w2c_memory_grow_shared(w2c_memory *m, uint32_t delta) {
  uint32_t old;
  W2C_ATOMIC_LOCK();
  old = w2c_shared_fits_(m, m->pages + delta) ? w2c_memory_grow(m, delta) : 0xFFFFFFFFu;
  W2C_ATOMIC_UNLOCK();
  return old;
}
static inline uint64_t w2c_memory_grow64_shared(w2c_memory *m, uint64_t delta) {
  uint64_t old;
  W2C_ATOMIC_LOCK();
  old = delta <= m->max_pages && w2c_shared_fits_(m, m->pages + delta)
            ? w2c_memory_grow64(m, delta) : UINT64_MAX;
  W2C_ATOMIC_UNLOCK();
  return old;
}

/* ---- wait and notify --------------------------------------------------------
 * wait: 0 "ok" (woken by notify), 1 "not-equal", 2 "timed-out"; a negative
 * timeout (nanoseconds) waits without end; traps on an unshared memory
 * (after the alignment and bounds checks).  notify: the number of waiters
 * woken (at most count); 0 on an unshared memory, which has none. */
#if W2C_WAIT == W2C_WAIT_PTHREAD
typedef struct w2c_waiter_ {
  const void *addr;
  struct w2c_waiter_ *next;
  pthread_cond_t cond;
  int woken;
} w2c_waiter_;
typedef struct w2c_wait_bucket_ {
  pthread_mutex_t lock;
  w2c_waiter_ *head;
} w2c_wait_bucket_;
#define W2C_WAIT_BUCKETS 64
#define W2C_WB_ {PTHREAD_MUTEX_INITIALIZER, NULL}
#define W2C_WB8_ W2C_WB_, W2C_WB_, W2C_WB_, W2C_WB_, W2C_WB_, W2C_WB_, W2C_WB_, W2C_WB_
typedef struct w2c_wait_table_ {
  w2c_wait_bucket_ b[W2C_WAIT_BUCKETS];
} w2c_wait_table_;
W2C_SHARED_GLOBAL(w2c_wait_table_, w2c_wait_table,
                  {{W2C_WB8_, W2C_WB8_, W2C_WB8_, W2C_WB8_, W2C_WB8_, W2C_WB8_, W2C_WB8_,
                    W2C_WB8_}});
static inline w2c_wait_bucket_ *w2c_wait_bucket_of_(const void *addr) {
  uintptr_t a = (uintptr_t)addr >> 2;
  return &w2c_wait_table.b[(a ^ (a >> 6) ^ (a >> 12)) % W2C_WAIT_BUCKETS];
}

static inline uint32_t w2c_wait_(uint8_t *p, uint64_t expected, int is64, int64_t timeout) {
  w2c_wait_bucket_ *b = w2c_wait_bucket_of_(p);
  w2c_waiter_ self, **link;
  struct timespec until;
  uint64_t now;
  int rc = 0;
  /* A deadline beyond 2^30 s (34 years), or one a 32-bit time_t cannot
   * hold, is no deadline. */
  if (timeout >= 0 && (uint64_t)timeout / 1000000000u > (UINT64_C(1) << 30)) timeout = -1;
  if (timeout >= 0) {
    int64_t secs;
    clock_gettime(CLOCK_REALTIME, &until);
    now = (uint64_t)until.tv_nsec + (uint64_t)timeout % 1000000000u;
    secs = (int64_t)until.tv_sec + (int64_t)((uint64_t)timeout / 1000000000u + now / 1000000000u);
    if ((int64_t)(time_t)secs != secs) {
      timeout = -1;
    } else {
      until.tv_sec = (time_t)secs;
      until.tv_nsec = (long)(now % 1000000000u);
    }
  }
  pthread_mutex_lock(&b->lock);
  if ((is64 ? W2C_LE64(w2c_aload64_((uint64_t *)(void *)p))
            : (uint64_t)W2C_LE32(w2c_aload32_((uint32_t *)(void *)p))) != expected) {
    pthread_mutex_unlock(&b->lock);
    return 1u;
  }
  self.addr = p;
  self.woken = 0;
  pthread_cond_init(&self.cond, NULL);
  self.next = b->head;
  b->head = &self;
  while (!self.woken && rc != ETIMEDOUT)
    rc = timeout >= 0 ? pthread_cond_timedwait(&self.cond, &b->lock, &until)
                      : pthread_cond_wait(&self.cond, &b->lock);
  if (!self.woken)   /* timed out: still in the list */
    for (link = &b->head; *link; link = &(*link)->next)
      if (*link == &self) {
        *link = self.next;
        break;
      }
  pthread_mutex_unlock(&b->lock);
  pthread_cond_destroy(&self.cond);
  return self.woken ? 0u : 2u;
}

static inline uint32_t w2c_notify_(uint8_t *p, uint32_t count) {
  w2c_wait_bucket_ *b = w2c_wait_bucket_of_(p);
  w2c_waiter_ **link, *w;
  uint32_t n = 0;
  pthread_mutex_lock(&b->lock);
  /* Wake the oldest first (the list is newest first): collect from the end. */
  while (n < count) {
    w2c_waiter_ **last = NULL;
    for (link = &b->head; *link; link = &(*link)->next)
      if ((*link)->addr == p) last = link;
    if (last == NULL) break;
    w = *last;
    *last = w->next;
    w->woken = 1;
    pthread_cond_signal(&w->cond);
    n++;
  }
  pthread_mutex_unlock(&b->lock);
  return n;
}
#else
static inline uint32_t w2c_wait_(uint8_t *p, uint64_t expected, int is64, int64_t timeout) {
  uint64_t v = is64 ? W2C_LE64(w2c_aload64_((uint64_t *)(void *)p))
                    : (uint64_t)W2C_LE32(w2c_aload32_((uint32_t *)(void *)p));
  if (v != expected) return 1u;
  return W2C_WAIT_HOOK(p, expected, is64, timeout);
}
static inline uint32_t w2c_notify_(uint8_t *p, uint32_t count) {
  (void)p, (void)count;
  return 0u;   /* nobody else runs, so nobody waits */
}
#endif

#define W2C_ATOMIC_WAIT_(A, SFX)                                                          \
  static inline uint32_t w2c_memory_atomic_wait32##SFX(uint8_t *mem, uint64_t size, A addr, \
                                                       A offset, uint32_t expected,         \
                                                       uint64_t timeout, int shared) {      \
    uint8_t *p = w2c_atomic_at_checked_(mem, size, addr, offset, 4);                        \
    if (!shared) W2C_TRAP(W2C_TRAP_EXPECTED_SHARED);                                        \
    return w2c_wait_(p, expected, 0, (int64_t)timeout);                                     \
  }                                                                                          \
  static inline uint32_t w2c_memory_atomic_wait64##SFX(uint8_t *mem, uint64_t size, A addr, \
                                                       A offset, uint64_t expected,         \
                                                       uint64_t timeout, int shared) {      \
    uint8_t *p = w2c_atomic_at_checked_(mem, size, addr, offset, 8);                        \
    if (!shared) W2C_TRAP(W2C_TRAP_EXPECTED_SHARED);                                        \
    return w2c_wait_(p, expected, 1, (int64_t)timeout);                                     \
  }                                                                                          \
  static inline uint32_t w2c_memory_atomic_notify##SFX(uint8_t *mem, uint64_t size, A addr, \
                                                       A offset, uint32_t count) {          \
    return w2c_notify_(w2c_atomic_at_checked_(mem, size, addr, offset, 4), count);          \
  }
W2C_ATOMIC_WAIT_(uint32_t, )
W2C_ATOMIC_WAIT_(uint64_t, _a64)

#endif /* W2C_ATOMIC_H */
