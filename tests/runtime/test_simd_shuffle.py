"""runtime_c/w2c_simd_shuffle.h: w2c_i8x16_shuffle against the runtime's
lane-by-lane reference (w2c_i8x16_shuffle_) on 400 patterns: random ones,
byte rotations, and ones built from the SSE2 plan's steps with index-0
lanes and ignored high index bits.  One C program per build: gcc -O0, -O1
and -O2 (-O1/-O2 take the plan, -O0 the builtin) and clang -O2 (the
builtin).  tests/runtime/test_simd.py checks a few of the same
shapes against wasmtime in every configuration."""
from __future__ import annotations

import random
import shutil
import subprocess

import pytest

from w2c import resources

from .simd_cases import A_STEP_MAPS, SHUFFLES, STEP_MAPS, nibble

STRICT = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]


def patterns() -> list[list[int]]:
    rnd = random.Random(17)
    out = [list(p) for p in SHUFFLES]
    while len(out) < 400:
        r = rnd.random()
        if r < 0.25:
            p = [rnd.randrange(32) for _ in range(16)]
        elif r < 0.35:
            s = rnd.randrange(32)
            p = [(s + k) & 31 for k in range(16)]
        else:
            ma, mb = rnd.choice(STEP_MAPS + A_STEP_MAPS), rnd.choice(STEP_MAPS)
            p = []
            for k in range(16):
                x = rnd.random()
                p.append(0 if x < 0.2 else nibble(ma, k) if x < 0.55 else 16 + nibble(mb, k))
        if rnd.random() < 0.15:
            p = [x | 32 * rnd.randrange(8) for x in p]     # bits above 31 are ignored
        out.append(p)
    return out


PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include "w2c_rt.h"
#include "w2c_simd.h"
static int fails;
static void check(int n, w2c_v128 got, w2c_v128 a, w2c_v128 b, const uint8_t *idx) {
  w2c_v128 want = w2c_i8x16_shuffle_(a, b, idx);
  if (memcmp(&got, &want, 16) != 0) {
    fails++;
    printf("pattern %%d differs\n", n);
  }
}
#define T(n, ...) \
  check(n, w2c_i8x16_shuffle(a, b, __VA_ARGS__), a, b, (const uint8_t[16]){__VA_ARGS__})
int main(void) {
  w2c_v128 a, b;
  int k, r;
  for (r = 0; r < 3; r++) {
    for (k = 0; k < 16; k++) {
      W2C_AT_(a, u8, k) = (uint8_t)(17 * k + 3 + 101 * r);
      W2C_AT_(b, u8, k) = (uint8_t)(200 + 7 * k + 13 * r);
    }
%s
  }
  printf("%%d patterns, %%d differ\n", %d, fails);
  return fails != 0;
}
"""

BUILDS = [("gcc", ["-O0"]), ("gcc", ["-O1"]), ("gcc", ["-O2"]), ("clang", ["-O2"])]


@pytest.mark.parametrize("cc,flags", BUILDS, ids=[" ".join([c, *f]) for c, f in BUILDS])
def test_shuffles_agree_with_the_reference(cc, flags, tmp_path):
    if shutil.which(cc) is None:
        pytest.skip(f"{cc} is not installed")
    pats = patterns()
    calls = "\n".join(f"    T({n}, {', '.join(map(str, p))});" for n, p in enumerate(pats))
    src = tmp_path / "shuffles.c"
    src.write_text(PROGRAM % (calls, len(pats)))
    exe = tmp_path / "shuffles"
    proc = subprocess.run([cc, *STRICT, *flags, "-I", str(resources.runtime_dir()), str(src),
                           "-o", str(exe), "-lm"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr[-3000:]
    run = subprocess.run([exe], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout[-2000:]
    assert f"{len(pats)} patterns, 0 differ" in run.stdout
