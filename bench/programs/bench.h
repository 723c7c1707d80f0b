/* bench.h: the frame every benchmark program shares (see bench/README.md).
 *
 * A program defines its kernel
 *     BENCH_ENTRY(n) { ... return checksum; }
 * where n scales the work and the checksum depends on every result, then ends
 * with
 *     BENCH_MAIN("name", N_FULL, EXPECT_FULL, N_SMALL, EXPECT_SMALL)
 * giving its full input (0.5-3 s natively), a reduced one (for interpreters and
 * callgrind) and the checksum each must give.
 *
 * Built as a command (native, or wasm32-wasi) it runs `prog [n]` (n defaults
 * to N_FULL), times the kernel alone with CLOCK_MONOTONIC and prints one line
 *     name n=<n> checksum=<8 hex digits> time=<seconds> check=ok|FAIL|none
 * (none: no expected value for that n); it exits 1 if the check fails.
 * Built with -DBENCH_PURE it has no main and no imports: a module that only
 * exports bench_run(n), for engines without WASI (wasm3).
 *
 * Only the C standard library: no third-party code. */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>

#if defined(BENCH_PURE) && defined(__wasm__)
#define BENCH_ENTRY(n) \
  __attribute__((export_name("bench_run"))) uint32_t bench_run(uint32_t n)
#else
#define BENCH_ENTRY(n) uint32_t bench_run(uint32_t n)
#endif
uint32_t bench_run(uint32_t n);

/* A small, fast, deterministic generator (xorshift32) for inputs. */
static inline uint32_t bench_rand(uint32_t *s) {
  uint32_t x = *s;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *s = x;
}
/* Fold values into a checksum. */
static inline uint32_t bench_mix(uint32_t h, uint32_t v) {
  h ^= v + 0x9E3779B9u + (h << 6) + (h >> 2);
  return h;
}
static inline uint32_t bench_mix_f64(uint32_t h, double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return bench_mix(bench_mix(h, (uint32_t)u), (uint32_t)(u >> 32));
}

#ifdef BENCH_PURE
#define BENCH_MAIN(name, n_full, expect_full, n_small, expect_small)
#else
#include <stdio.h>
#include <time.h>

static double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define BENCH_MAIN(name, n_full, expect_full, n_small, expect_small)                    \
  int main(int argc, char **argv) {                                                     \
    static volatile uint32_t default_n = (n_full);                                      \
    uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : default_n;           \
    double t0, t1;                                                                      \
    uint32_t sum;                                                                       \
    const char *check = "none";                                                         \
    t0 = bench_now();                                                                   \
    sum = bench_run(n);                                                                 \
    t1 = bench_now();                                                                   \
    if (n == (uint32_t)(n_full)) check = sum == (uint32_t)(expect_full) ? "ok" : "FAIL"; \
    if (n == (uint32_t)(n_small)) check = sum == (uint32_t)(expect_small) ? "ok" : "FAIL"; \
    printf("%s n=%u checksum=%08x time=%.6f check=%s\n", name, (unsigned)n,             \
           (unsigned)sum, t1 - t0, check);                                              \
    return check[0] == 'F';                                                             \
  }
#endif

#endif /* BENCH_H */
