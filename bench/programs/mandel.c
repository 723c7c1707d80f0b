/* mandel: the Mandelbrot set on an n x n grid over [-2, 0.6] x [-1.3, 1.3],
 * up to 200 iterations per point; a row checksum of the iteration counts.
 * Floating point: a tight multiply-add loop with a data-dependent exit. */
#include "bench.h"

BENCH_ENTRY(n) {
  uint32_t sum = 0, inside = 0;
  for (uint32_t y = 0; y < n; y++) {
    double ci = -1.3 + 2.6 * y / n;
    uint32_t row = 0;
    for (uint32_t x = 0; x < n; x++) {
      double cr = -2.0 + 2.6 * x / n, zr = 0, zi = 0, zr2 = 0, zi2 = 0;
      uint32_t it = 0;
      while (it < 200 && zr2 + zi2 <= 4.0) {
        zi = 2 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        zr2 = zr * zr;
        zi2 = zi * zi;
        it++;
      }
      inside += it == 200;
      row = row * 33 + it;
    }
    sum = bench_mix(sum, row);
  }
  return bench_mix(sum, inside);
}

BENCH_MAIN("mandel", 2400, 0xf2588150u, 500, 0x7ecd1472u)
