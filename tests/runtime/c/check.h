/* check.h: a minimal checking harness for the runtime's C tests.
 *
 * Every CHECK_* compares an actual value with the expected one, prints a
 * FAIL line with both when they differ, and counts.  check_done() prints
 * "checks: N failures: F" and is the program's exit status (0 iff F == 0).
 * Inputs go through v32()/v64()/vf()/vd() (volatile) so the helpers run at
 * run time, where the sanitizers can see them, not only in constant folding.
 * CHECK_TRAP uses W2C_TRY_STMT, or with -DW2C_TRAP_HANDLER=check_trap_handler
 * this file's handler (not nestable then). */
#ifndef CHECK_H
#define CHECK_H

#include "w2c_rt.h" /* first: W2C_ALLOC_MMAP sets a POSIX feature macro */
#include <stdio.h>
#include <string.h>

/* volatile: with W2C_BOUNDS_GUARD a trap comes from a faulting load, which the
 * compiler does not see as a jump; it could move a plain counter's updates. */
static volatile int check_count, check_failures;

static inline void check_fail(const char *file, int line, const char *what, const char *got,
                       const char *want) {
  check_failures++;
  printf("FAIL %s:%d: %s: got %s, want %s\n", file, line, what, got, want);
}

static inline void check_u64(uint64_t got, uint64_t want, const char *what, const char *file, int line) {
  char g[32], w[32];
  check_count++;
#ifdef CHECK_VERBOSE
  printf("check %s:%d: %s\n", file, line, what);
#endif
  if (got == want) return;
  sprintf(g, "0x%llx", (unsigned long long)got);
  sprintf(w, "0x%llx", (unsigned long long)want);
  check_fail(file, line, what, g, w);
}

/* kind: 0 exact bits, 1 any arithmetic NaN (quiet bit set), 2 canonical NaN */
static inline void check_f64bits(uint64_t got, uint64_t want, int kind, const char *what,
                          const char *file, int line) {
  char g[32], w[48];
  int ok;
  check_count++;
  if (kind == 0) ok = got == want;
  else if (kind == 1) ok = (got & UINT64_C(0x7FF8000000000000)) == UINT64_C(0x7FF8000000000000);
  else ok = (got & UINT64_C(0x7FFFFFFFFFFFFFFF)) == UINT64_C(0x7FF8000000000000);
  if (ok) return;
  sprintf(g, "0x%016llx", (unsigned long long)got);
  if (kind == 0) sprintf(w, "0x%016llx", (unsigned long long)want);
  else strcpy(w, kind == 1 ? "an arithmetic NaN" : "a canonical NaN");
  check_fail(file, line, what, g, w);
}

static inline void check_f32bits(uint32_t got, uint32_t want, int kind, const char *what,
                          const char *file, int line) {
  char g[32], w[48];
  int ok;
  check_count++;
  if (kind == 0) ok = got == want;
  else if (kind == 1) ok = (got & 0x7FC00000u) == 0x7FC00000u;
  else ok = (got & 0x7FFFFFFFu) == 0x7FC00000u;
  if (ok) return;
  sprintf(g, "0x%08lx", (unsigned long)got);
  if (kind == 0) sprintf(w, "0x%08lx", (unsigned long)want);
  else strcpy(w, kind == 1 ? "an arithmetic NaN" : "a canonical NaN");
  check_fail(file, line, what, g, w);
}

#define CHECK(c) check_u64((c) ? 1 : 0, 1, #c, __FILE__, __LINE__)
/* CHECK_THAT(c, what): CHECK saying `what` in its FAIL line instead of c's text. */
#define CHECK_THAT(c, what) check_u64((c) ? 1 : 0, 1, what, __FILE__, __LINE__)
#define CHECK_EQ(got, want) check_u64((uint64_t)(got), (uint64_t)(want), #got, __FILE__, __LINE__)
/* float results compared by bits */
#define CHECK_F32(got, bits) \
  check_f32bits(w2c_i32_reinterpret_f32(got), (bits), 0, #got, __FILE__, __LINE__)
#define CHECK_F64(got, bits) \
  check_f64bits(w2c_i64_reinterpret_f64(got), (bits), 0, #got, __FILE__, __LINE__)
#define CHECK_F32_ARITH_NAN(got) \
  check_f32bits(w2c_i32_reinterpret_f32(got), 0, 1, #got, __FILE__, __LINE__)
#define CHECK_F32_CANON_NAN(got) \
  check_f32bits(w2c_i32_reinterpret_f32(got), 0, 2, #got, __FILE__, __LINE__)
#define CHECK_F64_ARITH_NAN(got) \
  check_f64bits(w2c_i64_reinterpret_f64(got), 0, 1, #got, __FILE__, __LINE__)
#define CHECK_F64_CANON_NAN(got) \
  check_f64bits(w2c_i64_reinterpret_f64(got), 0, 2, #got, __FILE__, __LINE__)

static volatile uint64_t check_sink;
/* CHECK_TRY_(var, stmt): var = the trap stmt raised (W2C_TRAP_NONE if none).
 * With W2C_TRAP_HANDLER=check_trap_handler, this file is the handler. */
#ifdef W2C_TRAP_SETJMP
#define CHECK_TRY_(var, ...) W2C_TRY_STMT(var, __VA_ARGS__)
#else
#include <setjmp.h>
static jmp_buf check_env;
static volatile int check_code;
void check_trap_handler(w2c_trap code) {
  check_code = (int)code;
  longjmp(check_env, 1);
}
#define CHECK_TRY_(var, ...)                     \
  do {                                           \
    check_code = 0;                              \
    if (setjmp(check_env) == 0) {                \
      __VA_ARGS__;                               \
    }                                            \
    (var) = (w2c_trap)check_code;                \
  } while (0)
#endif
/* The trap code `stmt` raises must be `code` (W2C_TRAP_NONE: no trap). */
#define CHECK_TRAP(code, ...)                                                     \
  do {                                                                            \
    w2c_trap check_got_;                                                          \
    CHECK_TRY_(check_got_, __VA_ARGS__);                                          \
    check_u64((uint64_t)check_got_, (uint64_t)(code), "trap of " #__VA_ARGS__,     \
              __FILE__, __LINE__);                                                \
  } while (0)
/* The value must be `want` and no trap happen. */
#define CHECK_NOTRAP_EQ(expr, want)                                               \
  do {                                                                            \
    w2c_trap check_got_;                                                          \
    CHECK_TRY_(check_got_, check_sink = (uint64_t)(expr));                         \
    check_u64((uint64_t)check_got_, 0, "trap of " #expr, __FILE__, __LINE__);      \
    if (check_got_ == W2C_TRAP_NONE) CHECK_EQ(check_sink, (uint64_t)(want));       \
  } while (0)

static inline uint32_t v32(uint32_t x) { volatile uint32_t v = x; return v; }
static inline uint64_t v64(uint64_t x) { volatile uint64_t v = x; return v; }
static inline float vf(float x) { volatile float v = x; return v; }
static inline double vd(double x) { volatile double v = x; return v; }
static inline float vfb(uint32_t bits) { return vf(w2c_f32_bits(bits)); }
static inline double vdb(uint64_t bits) { return vd(w2c_f64_bits(bits)); }

static inline int check_done(void) {
#ifdef CHECK_SELFTEST
  CHECK_EQ(v32(1) + 1, 3); /* must fail: proves a wrong result is reported */
#endif
  (void)check_sink;
  printf("checks: %d failures: %d\n", check_count, check_failures);
  return check_failures != 0;
}

#endif
