/* w2c_config.h: configuration of the w2c runtime (see docs/codegen.md).
 *
 * Every knob is a preprocessor macro set on the compiler's command line
 * (-DNAME=value) or before the first #include of w2c_rt.h, identically in
 * every file of a program.  Each is documented above its #ifndef with its
 * purpose and default.  Conflicting choices stop the build with an #error
 * that says what to do.  Options that break the WebAssembly specification
 * are named W2C_NONCONFORMING_*.
 *
 * This file includes no header before the options are settled, so that the
 * POSIX feature macro needed by W2C_ALLOC_MMAP can still take effect. */
#ifndef W2C_CONFIG_H
#define W2C_CONFIG_H

/* ---- value names (do not define these yourself) ------------------------ */
#if defined(W2C_ALLOC_MALLOC) || defined(W2C_ALLOC_MMAP) || defined(W2C_ALLOC_STATIC) || \
    defined(W2C_BOUNDS_EXPLICIT) || defined(W2C_BOUNDS_GUARD) ||                          \
    defined(W2C_NONCONFORMING_NO_BOUNDS_CHECK)
#error "w2c: W2C_ALLOC_* and W2C_BOUNDS_* / W2C_NONCONFORMING_NO_BOUNDS_CHECK are values, not switches: write -DW2C_MEMORY_ALLOC=W2C_ALLOC_STATIC or -DW2C_BOUNDS_CHECK=W2C_NONCONFORMING_NO_BOUNDS_CHECK instead of defining them."
#endif
#define W2C_ALLOC_MALLOC 1
#define W2C_ALLOC_MMAP 2
#define W2C_ALLOC_STATIC 3
#define W2C_BOUNDS_EXPLICIT 1
#define W2C_BOUNDS_GUARD 2
#define W2C_NONCONFORMING_NO_BOUNDS_CHECK 3

/* ---- trap delivery ----------------------------------------------------
 * W2C_TRAP_SETJMP (default): a trap longjmps to the innermost W2C_TRY
 *   (setjmp.h; an uncaught trap prints its message and aborts).
 * W2C_TRAP_HANDLER: the name of your function `void H(w2c_trap code)`,
 *   which must not return (longjmp out, reset the device, ...).  Needed by
 *   freestanding builds, which have no setjmp.h.  W2C_TRY is not available. */
#if defined(W2C_TRAP_SETJMP) && defined(W2C_TRAP_HANDLER)
#error "w2c: W2C_TRAP_SETJMP and W2C_TRAP_HANDLER are exclusive: define only one of them."
#endif
#ifndef W2C_TRAP_HANDLER
#ifndef W2C_TRAP_SETJMP
#define W2C_TRAP_SETJMP 1
#endif
#endif
#if defined(W2C_TRAP_SETJMP) && defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0
#error "w2c: a freestanding build has no setjmp.h: define W2C_TRAP_HANDLER=your_noreturn_function."
#endif

/* ---- the default on 64-bit POSIX hosts: guard pages ---------------------
 * Hosted x86-64 and AArch64 builds on Linux and macOS with W2C_TRAP_SETJMP
 * default to W2C_ALLOC_MMAP + W2C_BOUNDS_GUARD + W2C_STACK_GUARD: no bounds
 * compare on loads and stores, no code per call for stack exhaustion (the
 * fastest configuration; see bench/RESULTS.md).  Not taken when you choose
 * W2C_BOUNDS_CHECK yourself, choose a W2C_MEMORY_ALLOC other than
 * W2C_ALLOC_MMAP, ask for W2C_NO_BUILTINS (a load or store must be one
 * access, not a byte loop that faults half-way), or when the module defines
 * W2C_MODULE_SMALL_PAGES (w2c emits it for memories with pages smaller than
 * 4 KiB, which guard pages cannot bound), or when a C library header came
 * first in a strict mode (-std=c99) and hid mmap and sigaction (include
 * w2c_rt.h first, or add -D_DEFAULT_SOURCE); those builds default to
 * W2C_BOUNDS_EXPLICIT.  Files built either way may be linked together (one
 * trap frame layout; each memory is allocated by its module's file), but a
 * module built with guard pages refuses (W2C_ERR_IMPORT) an imported memory
 * that a file without them made: its accesses past the end would not fault.
 * W2C_NO_GUARD_DEFAULT: keep the portable defaults (malloc, explicit checks)
 * on these hosts too.  Default: off. */
#if !defined(W2C_BOUNDS_CHECK) && !defined(W2C_NO_GUARD_DEFAULT) &&                  \
    !defined(W2C_MODULE_SMALL_PAGES) && !defined(W2C_TRAP_HANDLER) &&                 \
    !defined(W2C_NO_BUILTINS) && defined(__GNUC__) &&                                  \
    !(defined(_FEATURES_H) && !defined(__USE_MISC)) &&                                 \
    (defined(__x86_64__) || defined(__aarch64__)) && (defined(__linux__) || defined(__APPLE__)) && \
    !(defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0)
#if !defined(W2C_MEMORY_ALLOC)
#define W2C_MEMORY_ALLOC W2C_ALLOC_MMAP
#define W2C_BOUNDS_CHECK W2C_BOUNDS_GUARD
#elif W2C_MEMORY_ALLOC == W2C_ALLOC_MMAP
#define W2C_BOUNDS_CHECK W2C_BOUNDS_GUARD
#endif
#endif

/* ---- linear memory allocation -----------------------------------------
 * W2C_MEMORY_ALLOC selects how memories and tables get storage:
 *   W2C_ALLOC_MALLOC (default when hosted, except as above): calloc,
 *     realloc, free.
 *   W2C_ALLOC_MMAP (default on 64-bit POSIX hosts, above): POSIX mmap
 *     reservation, grown with mprotect (tables still use malloc).  Required
 *     by W2C_BOUNDS_GUARD.
 *   W2C_ALLOC_STATIC (default when freestanding): no allocator; memories
 *     and tables are carved from a static arena of W2C_STATIC_MEMORY_BYTES,
 *     or given a buffer by w2c_memory_use_static(). */
#ifndef W2C_MEMORY_ALLOC
#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0
#define W2C_MEMORY_ALLOC W2C_ALLOC_STATIC
#else
#define W2C_MEMORY_ALLOC W2C_ALLOC_MALLOC
#endif
#endif
#if W2C_MEMORY_ALLOC != W2C_ALLOC_MALLOC && W2C_MEMORY_ALLOC != W2C_ALLOC_MMAP && \
    W2C_MEMORY_ALLOC != W2C_ALLOC_STATIC
#error "w2c: W2C_MEMORY_ALLOC must be W2C_ALLOC_MALLOC, W2C_ALLOC_MMAP or W2C_ALLOC_STATIC."
#endif
#if W2C_MEMORY_ALLOC != W2C_ALLOC_STATIC && defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0
#error "w2c: a freestanding build has no malloc or mmap: use -DW2C_MEMORY_ALLOC=W2C_ALLOC_STATIC."
#endif
#if W2C_MEMORY_ALLOC == W2C_ALLOC_MMAP && !(defined(__unix__) || defined(__APPLE__))
#error "w2c: W2C_ALLOC_MMAP needs a POSIX system: use W2C_ALLOC_MALLOC or W2C_ALLOC_STATIC here."
#endif

/* W2C_STATIC_MEMORY_BYTES: with W2C_ALLOC_STATIC, the size in bytes of the
 * static arena that w2c_memory_alloc and w2c_table_alloc carve from.
 * Default 0: no arena, only memories given a buffer by
 * w2c_memory_use_static (and empty tables) can exist. */
#ifdef W2C_STATIC_MEMORY_BYTES
#if W2C_MEMORY_ALLOC != W2C_ALLOC_STATIC
#error "w2c: W2C_STATIC_MEMORY_BYTES only applies to -DW2C_MEMORY_ALLOC=W2C_ALLOC_STATIC: drop it or select static allocation."
#endif
#else
#define W2C_STATIC_MEMORY_BYTES 0
#endif

/* ---- bounds checks of loads and stores ---------------------------------
 * W2C_BOUNDS_CHECK:
 *   W2C_BOUNDS_EXPLICIT (default, except on 64-bit POSIX hosts: above):
 *     every access compares against the size.
 *   W2C_BOUNDS_GUARD: no compare; each memory reserves 8 GiB + a guard of
 *     address space, inaccessible beyond its size, and a SIGSEGV/SIGBUS
 *     handler turns faults inside a memory into W2C_TRAP_OOB_MEMORY.
 *     64-bit POSIX with W2C_ALLOC_MMAP and W2C_TRAP_SETJMP only; pages must
 *     be at least the system's page size.
 *   W2C_NONCONFORMING_NO_BOUNDS_CHECK: no check at all (out-of-bounds
 *     accesses are undefined behaviour).  Bulk memory ops stay checked. */
#ifndef W2C_BOUNDS_CHECK
#define W2C_BOUNDS_CHECK W2C_BOUNDS_EXPLICIT
#endif
#if W2C_BOUNDS_CHECK != W2C_BOUNDS_EXPLICIT && W2C_BOUNDS_CHECK != W2C_BOUNDS_GUARD && \
    W2C_BOUNDS_CHECK != W2C_NONCONFORMING_NO_BOUNDS_CHECK
#error "w2c: W2C_BOUNDS_CHECK must be W2C_BOUNDS_EXPLICIT, W2C_BOUNDS_GUARD or W2C_NONCONFORMING_NO_BOUNDS_CHECK."
#endif
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD
#if W2C_MEMORY_ALLOC != W2C_ALLOC_MMAP
#error "w2c: W2C_BOUNDS_GUARD needs reserved address space: add -DW2C_MEMORY_ALLOC=W2C_ALLOC_MMAP (or use W2C_BOUNDS_EXPLICIT)."
#endif
#ifndef W2C_TRAP_SETJMP
#error "w2c: W2C_BOUNDS_GUARD delivers traps from a signal handler with siglongjmp: use W2C_TRAP_SETJMP, not W2C_TRAP_HANDLER."
#endif
#if !(defined(__LP64__) || defined(_LP64) || defined(__x86_64__) || defined(__aarch64__))
#error "w2c: W2C_BOUNDS_GUARD needs a 64-bit address space: use W2C_BOUNDS_EXPLICIT on this target."
#endif
#endif
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD && defined(W2C_NO_BUILTINS)
#error "w2c: W2C_BOUNDS_GUARD needs each load and store to be one access (a byte loop would store half a value before the fault): drop W2C_NO_BUILTINS or use W2C_BOUNDS_EXPLICIT."
#endif
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD && defined(W2C_MODULE_SMALL_PAGES)
#error "w2c: this module's memory has pages smaller than 4 KiB, which guard pages cannot bound: use -DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT for it."
#endif

/* ---- stack exhaustion ------------------------------------------------------
 * Wasm code may recurse without end; the spec wants a trap
 * (W2C_TRAP_EXHAUSTION, "call stack exhausted"), not a crash.
 * W2C_STACK_CHECK says how every wasm function call (W2C_CALL_ENTER) finds it
 * (a function that calls nothing and whose values take at most 512 bytes has
 * no W2C_CALL_ENTER: its frame is bounded, the margin below covers it):
 *   W2C_STACK_GUARD: no code per call.  The guard page below the thread's
 *     stack faults, and the SIGSEGV handler, running on an alternate signal
 *     stack, turns a fault just below the stack of the thread's outermost
 *     W2C_TRY into the trap.  Wasm may then use the whole thread stack.
 *     Default with W2C_BOUNDS_GUARD (same handler); needs W2C_TRAP_SETJMP
 *     and POSIX signals.  Host functions called from wasm run on the same
 *     stack: an overflow inside one (e.g. in libc) also becomes the trap.
 *   W2C_STACK_POINTER: each call compares the stack pointer with a limit:
 *     W2C_STACK_BUDGET bytes below the stack pointer of the first wasm call
 *     on the thread, or W2C_STACK_LIMIT_SYMBOL + W2C_STACK_MARGIN.  One
 *     compare per call, nothing on return.  Default where the stack pointer
 *     can be read (GCC/clang on x86, Arm, AArch64, RISC-V, s390x).
 *   W2C_STACK_COUNT: count nested calls (W2C_CALL_ENTER increments,
 *     W2C_CALL_LEAVE decrements) up to W2C_CALL_DEPTH_LIMIT.  Default
 *     elsewhere, and whenever W2C_CALL_DEPTH_LIMIT is given.
 * W2C_NONCONFORMING_NO_STACK_CHECK: no check at all (deep recursion
 *   overflows the C stack).
 * W2C_CALL_DEPTH_LIMIT: with W2C_STACK_COUNT, how many nested wasm calls
 *   before the trap.  Default 2000.  0 turns the check off and requires
 *   W2C_NONCONFORMING_NO_STACK_CHECK.
 * W2C_STACK_BUDGET: with W2C_STACK_POINTER and no W2C_STACK_LIMIT_SYMBOL,
 *   the bytes of C stack wasm may use below its first call on a thread.
 *   Default 1 MiB: less than the 8 MiB main and thread stacks of Linux and
 *   the 8 MiB main stack of macOS; lower it for threads with smaller stacks
 *   (macOS secondary threads 512 KiB, musl threads 128 KiB). */
#if defined(W2C_STACK_COUNT) || defined(W2C_STACK_POINTER) || defined(W2C_STACK_GUARD)
#error "w2c: W2C_STACK_COUNT / W2C_STACK_POINTER / W2C_STACK_GUARD are values: write -DW2C_STACK_CHECK=W2C_STACK_POINTER instead of defining them."
#endif
#define W2C_STACK_COUNT 1
#define W2C_STACK_POINTER 2
#define W2C_STACK_GUARD 3
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || \
                          defined(__arm__) || defined(__riscv) || defined(__s390x__))
#define W2C_HAVE_STACK_POINTER_ 1
#endif
#ifdef W2C_NONCONFORMING_NO_STACK_CHECK
#ifdef W2C_STACK_CHECK
#error "w2c: W2C_NONCONFORMING_NO_STACK_CHECK contradicts W2C_STACK_CHECK: drop one of them."
#endif
#ifndef W2C_CALL_DEPTH_LIMIT
#define W2C_CALL_DEPTH_LIMIT 0
#endif
#if W2C_CALL_DEPTH_LIMIT != 0
#error "w2c: W2C_NONCONFORMING_NO_STACK_CHECK contradicts a nonzero W2C_CALL_DEPTH_LIMIT: drop one of them."
#endif
#define W2C_STACK_CHECK 0
#endif
#ifndef W2C_STACK_CHECK
#if defined(W2C_CALL_DEPTH_LIMIT)
#define W2C_STACK_CHECK W2C_STACK_COUNT
#elif W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD
#define W2C_STACK_CHECK W2C_STACK_GUARD
#elif defined(W2C_HAVE_STACK_POINTER_)
#define W2C_STACK_CHECK W2C_STACK_POINTER
#else
#define W2C_STACK_CHECK W2C_STACK_COUNT
#endif
#endif
#if W2C_STACK_CHECK != 0 && W2C_STACK_CHECK != W2C_STACK_COUNT && \
    W2C_STACK_CHECK != W2C_STACK_POINTER && W2C_STACK_CHECK != W2C_STACK_GUARD
#error "w2c: W2C_STACK_CHECK must be W2C_STACK_COUNT, W2C_STACK_POINTER or W2C_STACK_GUARD."
#endif
#if W2C_STACK_CHECK == W2C_STACK_COUNT
#ifndef W2C_CALL_DEPTH_LIMIT
#define W2C_CALL_DEPTH_LIMIT 2000
#endif
#if W2C_CALL_DEPTH_LIMIT == 0
#error "w2c: W2C_CALL_DEPTH_LIMIT 0 disables the spec's stack exhaustion trap: also define W2C_NONCONFORMING_NO_STACK_CHECK, or give a positive limit."
#endif
#if W2C_CALL_DEPTH_LIMIT < 0
#error "w2c: W2C_CALL_DEPTH_LIMIT must be a positive number of calls."
#endif
#elif defined(W2C_CALL_DEPTH_LIMIT) && W2C_CALL_DEPTH_LIMIT != 0
#error "w2c: W2C_CALL_DEPTH_LIMIT only applies to -DW2C_STACK_CHECK=W2C_STACK_COUNT: drop one of them."
#endif
#if W2C_STACK_CHECK == W2C_STACK_POINTER && !defined(W2C_HAVE_STACK_POINTER_)
#error "w2c: W2C_STACK_POINTER cannot read the stack pointer with this compiler or CPU: use W2C_STACK_COUNT."
#endif
#if W2C_STACK_CHECK == W2C_STACK_GUARD
#ifndef W2C_TRAP_SETJMP
#error "w2c: W2C_STACK_GUARD delivers the trap from a signal handler with siglongjmp: use W2C_TRAP_SETJMP, not W2C_TRAP_HANDLER."
#endif
#if !(defined(__unix__) || defined(__APPLE__)) || (defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0)
#error "w2c: W2C_STACK_GUARD needs POSIX signals (a hosted Unix build): use W2C_STACK_POINTER or W2C_STACK_COUNT."
#endif
#endif
#ifndef W2C_STACK_BUDGET
#define W2C_STACK_BUDGET (1024u * 1024u)
#endif

/* W2C_NO_SIBLING_CALLS: 1 says the C compiler never turns a call in tail
 * position into a jump (GCC and clang: -fno-optimize-sibling-calls, which
 * also stops tail recursion from becoming a loop), so W2C_CALL_DONE needs
 * no empty asm after each call to keep recursion without end a stack
 * exhaustion (w2c_trap.h); the asm also limits how gcc compiles the
 * function around it (bench/ANALYSIS.md: parse -0.6 %, recurse -0.6 %).
 * `w2c build` passes both to gcc.  Defining it without the compiler flag
 * makes such recursion a loop without end.  Default 0. */
#ifndef W2C_NO_SIBLING_CALLS
#define W2C_NO_SIBLING_CALLS 0
#endif

/* W2C_STACK_LIMIT_SYMBOL: the name of a symbol (e.g. the linker script's
 * __stack_limit) at the lowest address the C stack may reach; with
 * W2C_STACK_POINTER the limit is that address + W2C_STACK_MARGIN, so deep
 * recursion on a small device is a trap, not a fault.  For descending stacks
 * (every target here).  Default: undefined (the budget applies).
 * W2C_STACK_MARGIN: bytes kept free below the deepest checked wasm frame for
 * the runtime, host functions, the trap handler and a function that calls
 * nothing (no check of its own, at most 512 bytes of values).  Default 1024. */
#ifdef W2C_STACK_LIMIT_SYMBOL
#ifndef W2C_STACK_MARGIN
#define W2C_STACK_MARGIN 1024
#endif
#if W2C_STACK_CHECK != W2C_STACK_POINTER
#error "w2c: W2C_STACK_LIMIT_SYMBOL needs -DW2C_STACK_CHECK=W2C_STACK_POINTER (the default with GCC/clang on Arm and RISC-V)."
#endif
#endif

/* W2C_TABLE_MAX_ELEMS: the implementation limit on a table's size; grow
 * beyond it fails (-1) as the spec allows.  Default 16777216 (0x1000000). */
#ifndef W2C_TABLE_MAX_ELEMS
#define W2C_TABLE_MAX_ELEMS 0x1000000u
#endif

/* ---- runtime state storage -----------------------------------------------
 * The runtime keeps a few globals (call depth, W2C_TRY frames, the static
 * arena, the guard handler's list).  Under GCC/clang they are weak
 * definitions in this header, so every generated file may carry them and
 * the linker keeps one copy.
 * W2C_STORAGE_EXTERNAL: declare them `extern` only; then exactly one file
 * of the program defines W2C_DEFINE_STORAGE before including w2c_rt.h.
 * Required for compilers without weak symbols.  Default: off. */
#if !defined(W2C_STORAGE_EXTERNAL) && !defined(__GNUC__)
#error "w2c: this compiler has no weak symbols: define W2C_STORAGE_EXTERNAL in every file and also W2C_DEFINE_STORAGE in exactly one."
#endif
#if defined(W2C_DEFINE_STORAGE) && !defined(W2C_STORAGE_EXTERNAL)
#error "w2c: W2C_DEFINE_STORAGE goes with W2C_STORAGE_EXTERNAL: define both (the latter in every file)."
#endif

/* W2C_THREAD_LOCAL: storage class for that state, e.g. _Thread_local or
 * __thread to run instances on several threads.  Default: empty (one
 * thread runs wasm at a time). */
#ifndef W2C_THREAD_LOCAL
#define W2C_THREAD_LOCAL
#endif

/* W2C_NO_BUILTINS: use portable C instead of compiler builtins (bit counts,
 * byte swaps, memcpy, rounding).  For odd compilers and to test the
 * fallbacks.  Default: builtins under GCC/clang. */
#if defined(__GNUC__) && !defined(W2C_NO_BUILTINS)
#define W2C_GNU_BUILTINS 1
#endif

/* W2C_BIG_ENDIAN: 1 if the host stores integers big-endian (memory stays
 * little-endian, as wasm requires, by byte swaps).  Default: detected from
 * __BYTE_ORDER__, else 0. */
#ifndef W2C_BIG_ENDIAN
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define W2C_BIG_ENDIAN 1
#else
#define W2C_BIG_ENDIAN 0
#endif
#endif

/* W2C_NONCONFORMING_FLOAT: accept -ffast-math or x87 excess precision,
 * which break WebAssembly float results.  Default: rejected. */
#if defined(__FAST_MATH__) && !defined(W2C_NONCONFORMING_FLOAT)
#error "w2c: -ffast-math breaks WebAssembly float semantics (NaN, signed zero, rounding): remove it (or define W2C_NONCONFORMING_FLOAT)."
#endif

/* ---- the POSIX interfaces W2C_ALLOC_MMAP and the signal handler of
 * W2C_BOUNDS_GUARD / W2C_STACK_GUARD need (before any #include) ---------- */
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_GUARD || W2C_STACK_CHECK == W2C_STACK_GUARD
#define W2C_SIGNALS_ 1
#endif
/* W2C_MODULE_THREADS: w2c emits it before w2c_rt.h in the header of a
 * module with a shared memory or atomics, whose wait needs POSIX threads and
 * clock_gettime (runtime_c/w2c_atomic.h).  Default: undefined. */
#if (W2C_MEMORY_ALLOC == W2C_ALLOC_MMAP || defined(W2C_SIGNALS_) || defined(W2C_MODULE_THREADS)) && \
    !defined(_DEFAULT_SOURCE) && \
    !defined(_GNU_SOURCE)
#define _DEFAULT_SOURCE 1
#endif

#include <stddef.h>
#include <stdint.h> /* its uint8_t also guarantees 8-bit bytes */
#include <float.h>

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0 && !defined(W2C_NONCONFORMING_FLOAT)
#error "w2c: this build evaluates floats in excess precision (FLT_EVAL_METHOD != 0), which WebAssembly forbids: on x86 compile with -msse2 -mfpmath=sse; with GCC on s390x (and other targets that promote float to double under -std=c99) add -fexcess-precision=fast."
#endif

/* ---- never fuse a*b+c into an FMA: WebAssembly rounds each operation ---- */
#if defined(__clang__) || !defined(__GNUC__)
#pragma STDC FP_CONTRACT OFF
#else
#pragma GCC optimize("fp-contract=off")
#endif

/* ---- wasm may recurse without end: W2C_CALL_ENTER turns that into a trap,
 * so GCC's and clang's "infinite recursion" warnings do not apply. ------- */
#if W2C_STACK_CHECK != 0
#if defined(__clang__)
#pragma clang diagnostic ignored "-Winfinite-recursion"
#elif defined(__GNUC__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Winfinite-recursion"
#endif
#endif

/* ---- compiler abstraction ------------------------------------------------ */
#ifdef __GNUC__
#define W2C_LIKELY(x) __builtin_expect(!!(x), 1)
#define W2C_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define W2C_NORETURN __attribute__((noreturn))
/* Out-of-line, cold, never returns; `unused` because static and per file. */
#define W2C_COLD_FN static __attribute__((noinline, cold, noreturn, unused))
/* Out-of-line and cold, returns. */
#define W2C_COLD_CALL static __attribute__((noinline, cold, unused))
#define W2C_WEAK __attribute__((weak))
/* A load or store: inlined even at -Os, where gcc otherwise keeps a checked
 * access out of line and calls it at every access (Cortex-M profiles build
 * with -Os; bench/chip.py: bintrees 4.20x -> 2.26x native's instructions). */
#define W2C_ACCESS_FN static inline __attribute__((always_inline, unused))
#else
#define W2C_LIKELY(x) (x)
#define W2C_UNLIKELY(x) (x)
#define W2C_NORETURN
#define W2C_COLD_FN static inline
#define W2C_COLD_CALL static inline
#define W2C_WEAK
#define W2C_ACCESS_FN static inline
#endif

#define W2C_CAT2_(a, b) a##b

/* W2C_GLOBAL(type, name): one runtime global (see W2C_STORAGE_EXTERNAL). */
#ifdef W2C_STORAGE_EXTERNAL
#ifdef W2C_DEFINE_STORAGE
#define W2C_GLOBAL(type, name) extern W2C_THREAD_LOCAL type name; W2C_THREAD_LOCAL type name
#else
#define W2C_GLOBAL(type, name) extern W2C_THREAD_LOCAL type name
#endif
#else
#define W2C_GLOBAL(type, name) W2C_WEAK W2C_THREAD_LOCAL type name
#endif
/* W2C_PROCESS_GLOBAL(type, name): one runtime global of the whole program,
 * never W2C_THREAD_LOCAL (the guard pages' handler and ranges), zero at
 * start. */
#ifdef W2C_STORAGE_EXTERNAL
#ifdef W2C_DEFINE_STORAGE
#define W2C_PROCESS_GLOBAL(type, name) extern type name; type name
#else
#define W2C_PROCESS_GLOBAL(type, name) extern type name
#endif
#else
#define W2C_PROCESS_GLOBAL(type, name) W2C_WEAK type name
#endif

/* W2C_MEMCPY / W2C_MEMMOVE / W2C_MEMSET: compiler builtins under GCC/clang
 * (a freestanding program must still provide memcpy, memmove and memset, as
 * GCC requires), string.h elsewhere when hosted, plain loops otherwise. */
#if defined(W2C_GNU_BUILTINS)
#define W2C_MEMCPY __builtin_memcpy
#define W2C_MEMMOVE __builtin_memmove
#define W2C_MEMSET __builtin_memset
#elif !defined(W2C_NO_BUILTINS) && defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 1
#include <string.h>
#define W2C_MEMCPY memcpy
#define W2C_MEMMOVE memmove
#define W2C_MEMSET memset
#else
#define W2C_MEMCPY w2c_memcpy_loop
#define W2C_MEMMOVE w2c_memmove_loop
#define W2C_MEMSET w2c_memset_loop
static inline void *w2c_memcpy_loop(void *d, const void *s, size_t n) {
  unsigned char *dp = (unsigned char *)d;
  const unsigned char *sp = (const unsigned char *)s;
  while (n--) *dp++ = *sp++;
  return d;
}
static inline void *w2c_memmove_loop(void *d, const void *s, size_t n) {
  unsigned char *dp = (unsigned char *)d;
  const unsigned char *sp = (const unsigned char *)s;
  /* Comparing unrelated pointers is unspecified; integers are exact here. */
  if ((uintptr_t)dp <= (uintptr_t)sp) {
    while (n--) *dp++ = *sp++;
  } else {
    while (n) { n--; dp[n] = sp[n]; }
  }
  return d;
}
static inline void *w2c_memset_loop(void *d, int v, size_t n) {
  unsigned char *dp = (unsigned char *)d;
  while (n--) *dp++ = (unsigned char)v;
  return d;
}
#endif

#endif /* W2C_CONFIG_H */
