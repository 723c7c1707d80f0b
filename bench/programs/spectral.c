/* spectral: the spectral norm of the infinite matrix A(i,j) = 1/((i+j)(i+j+1)/2+i+1)
 * truncated to n x n, by 10 power iterations of A^T A.  Floating point:
 * divisions and dot products over arrays. */
#include "bench.h"
#include <math.h>

static double A(uint32_t i, uint32_t j) { return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1); }

static void mul_Av(const double *v, double *out, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    double s = 0;
    for (uint32_t j = 0; j < n; j++) s += A(i, j) * v[j];
    out[i] = s;
  }
}
static void mul_Atv(const double *v, double *out, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    double s = 0;
    for (uint32_t j = 0; j < n; j++) s += A(j, i) * v[j];
    out[i] = s;
  }
}
static void mul_AtAv(const double *v, double *out, double *tmp, uint32_t n) {
  mul_Av(v, tmp, n);
  mul_Atv(tmp, out, n);
}

BENCH_ENTRY(n) {
  double *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v), *t = malloc(n * sizeof *t);
  double vBv = 0, vv = 0;
  uint32_t sum = 0;
  if (!u || !v || !t) return 0;
  for (uint32_t i = 0; i < n; i++) u[i] = 1;
  for (int k = 0; k < 10; k++) {
    mul_AtAv(u, v, t, n);
    mul_AtAv(v, u, t, n);
  }
  for (uint32_t i = 0; i < n; i++) {
    vBv += u[i] * v[i];
    vv += v[i] * v[i];
  }
  sum = bench_mix_f64(sum, sqrt(vBv / vv));
  sum = bench_mix_f64(sum, u[n / 2]);
  free(u);
  free(v);
  free(t);
  return sum;
}

BENCH_MAIN("spectral", 4000, 0x4860e126u, 800, 0xdab9a790u)
