/* matmul: C = A * B for n x n double matrices (i-k-j order, row-major),
 * then C * A into B, twice.  Floating point and memory streams. */
#include "bench.h"

static void mul(const double *a, const double *b, double *c, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    double *ci = c + (size_t)i * n;
    for (uint32_t j = 0; j < n; j++) ci[j] = 0;
    for (uint32_t k = 0; k < n; k++) {
      double aik = a[(size_t)i * n + k];
      const double *bk = b + (size_t)k * n;
      for (uint32_t j = 0; j < n; j++) ci[j] += aik * bk[j];
    }
  }
}

BENCH_ENTRY(n) {
  size_t nn = (size_t)n * n;
  double *a = malloc(nn * sizeof *a), *b = malloc(nn * sizeof *b), *c = malloc(nn * sizeof *c);
  uint32_t seed = 1234567u, sum = 0;
  if (!a || !b || !c) return 0;
  for (size_t i = 0; i < nn; i++) {
    a[i] = (double)(bench_rand(&seed) % 2001) / 1000.0 - 1.0;
    b[i] = (double)(bench_rand(&seed) % 2001) / 1000.0 - 1.0;
  }
  for (int r = 0; r < 2; r++) {
    mul(a, b, c, n);
    mul(c, a, b, n);
    for (size_t i = 0; i < nn; i++) b[i] *= 1.0 / 64; /* keep the values bounded */
  }
  for (size_t i = 0; i < nn; i += 97) sum = bench_mix_f64(sum, b[i]);
  sum = bench_mix_f64(sum, c[nn - 1]);
  free(a);
  free(b);
  free(c);
  return sum;
}

BENCH_MAIN("matmul", 700, 0xca01a527u, 240, 0x7730f4bcu)
