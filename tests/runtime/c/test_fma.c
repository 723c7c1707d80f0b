/* test_fma.c: a*b+c must never be fused into one FMA (WebAssembly rounds
 * the product).  Built with -O2 -mfma and a non-ISO -std (where GCC fuses by
 * default); prints the four residues, which must all be 0.  With -DNO_RT the
 * runtime header (and its pragmas) is left out: the control build that shows
 * this compiler would fuse here. */
#ifndef NO_RT
#include "w2c_rt.h"
#endif
#include <stdio.h>

/* a = 1 + 2^-12: a*a = 1 + 2^-11 + 2^-24 exactly; rounded to f32 it is
 * 1 + 2^-11 (a tie, to even), so a*a + c is 0, but fused it is 2^-24.
 * f64: a = 1 + 2^-27, a*a = 1 + 2^-26 + 2^-54, residue 0 or 2^-54. */
static volatile float fa = 0x1.001p0f, fc = -0x1.002p0f;
static volatile double da = 0x1.0000002p0, dc = -0x1.0000004p0;

/* the shape of generated code: one operation per statement */
static float f32_stmts(float a, float b, float c) {
  float s0 = a, s1 = b;
  s0 = s0 * s1;
  s0 = s0 + c;
  return s0;
}
static float f32_expr(float a, float b, float c) { return a * b + c; }
static double f64_stmts(double a, double b, double c) {
  double s0 = a, s1 = b;
  s0 = s0 * s1;
  s0 = s0 + c;
  return s0;
}
static double f64_expr(double a, double b, double c) { return a * b + c; }

int main(void) {
  printf("%a %a %a %a\n", (double)f32_stmts(fa, fa, fc), (double)f32_expr(fa, fa, fc),
         f64_stmts(da, da, dc), f64_expr(da, da, dc));
  return 0;
}
