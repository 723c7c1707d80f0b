"""The wide-arithmetic helpers of runtime_c/w2c_num.h (i64.add128, i64.sub128,
i64.mul_wide_s, i64.mul_wide_u) against Python's integers, in both of the
runtime's ways: the portable C99 code (-DW2C_INT128=0, the reference, and
what -DW2C_NO_BUILTINS chooses) and unsigned __int128 (-DW2C_INT128=1, the
default where the compiler has it), with gcc and clang under the strict
flags, plain and under ASan+UBSan.

The cases are edge values (0, 1, -1, the signed extremes, 2^32 +- 1) in
every combination plus seeded random ones; the C program is generated with
the expected results computed here.
"""
from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from tests.support.ctool import (STRICT, compile_quietly, run, run_checks, sanitizer_env,
                                 sanitizer_flags)
from w2c import resources

M64 = (1 << 64) - 1
EDGES = [0, 1, 2, M64, M64 - 1, 1 << 63, (1 << 63) - 1, (1 << 63) + 1,
         0xFFFFFFFF, 1 << 32, (1 << 32) + 1, 0x123456789ABCDEF0]


def _signed(x: int) -> int:
    return x - (1 << 64) if x >> 63 else x


def _split(v: int) -> tuple[int, int]:
    return v & M64, (v >> 64) & M64


def _pairs() -> list[tuple[int, int]]:
    rng = random.Random(16)
    out = list(itertools.product(EDGES, repeat=2))
    out += [(rng.getrandbits(64), rng.getrandbits(64)) for _ in range(3000)]
    return out


def _program() -> str:
    """A check program: tables of operands and expected halves, one loop per helper."""
    pairs = _pairs()
    quads = [(a, b, c, d) for (a, b), (c, d) in zip(pairs, pairs[1:] + pairs[:1])]

    def row(values) -> str:
        return "  {" + ", ".join(f"{v:#x}ull" for v in values) + "},"

    lines = ['#include "w2c_rt.h"', "#include <stdio.h>",
             "#if W2C_INT128 != EXPECT_INT128", "#error W2C_INT128 is not as expected", "#endif",
             "static const uint64_t QUADS[][8] = {  /* a b c d, add lo hi, sub lo hi */"]
    for a, b, c, d in quads:
        x, y = a | b << 64, c | d << 64
        lines.append(row((a, b, c, d, *_split(x + y), *_split(x - y))))
    lines.append("};")
    lines.append("static const uint64_t PAIRS[][6] = {  /* a b, mul_u lo hi, mul_s lo hi */")
    for a, b in pairs:
        lines.append(row((a, b, *_split(a * b), *_split(_signed(a) * _signed(b)))))
    lines.append("};")
    lines.append(_MAIN)
    return "\n".join(lines) + "\n"


_MAIN = r"""static int checks, failures;
static void expect(const char *what, unsigned n, uint64_t lo, uint64_t hi,
                   uint64_t elo, uint64_t ehi) {
  checks++;
  if (lo != elo || hi != ehi) {
    failures++;
    printf("FAIL %s %u: %016llx %016llx\n", what, n, (unsigned long long)hi,
           (unsigned long long)lo);
  }
}
int main(void) {
  uint64_t lo, hi;
  unsigned i;
  for (i = 0; i < sizeof QUADS / sizeof QUADS[0]; i++) {
    const uint64_t *q = QUADS[i];
    w2c_i64_add128(&lo, &hi, q[0], q[1], q[2], q[3]);
    expect("add128", i, lo, hi, q[4], q[5]);
    w2c_i64_sub128(&lo, &hi, q[0], q[1], q[2], q[3]);
    expect("sub128", i, lo, hi, q[6], q[7]);
  }
  for (i = 0; i < sizeof PAIRS / sizeof PAIRS[0]; i++) {
    const uint64_t *p = PAIRS[i];
    w2c_i64_mul_wide_u(&lo, &hi, p[0], p[1]);
    expect("mul_wide_u", i, lo, hi, p[2], p[3]);
    w2c_i64_mul_wide_s(&lo, &hi, p[0], p[1]);
    expect("mul_wide_s", i, lo, hi, p[4], p[5]);
  }
  printf("checks: %d failures: %d\n", checks, failures);
  return failures != 0;
}"""


def _has_int128(cc: str, tmp_path: Path) -> bool:
    src = tmp_path / "probe.c"
    src.write_text("#ifndef __SIZEOF_INT128__\n#error no __int128\n#endif\nint x;\n")
    return run([cc, "-c", src, "-o", tmp_path / "probe.o"]).returncode == 0


# how the runtime is configured -> (its flags, the W2C_INT128 it must choose)
CONFIGS = {"portable": (["-DW2C_INT128=0"], 0), "int128": (["-DW2C_INT128=1"], 1),
           "no-builtins": (["-DW2C_NO_BUILTINS"], 0), "default": ([], None)}


@pytest.mark.parametrize("config", list(CONFIGS))
@pytest.mark.parametrize("sanitize", [False, True], ids=["plain", "sanitized"])
def test_wide_arith(cc, tmp_path, config, sanitize):
    defines, int128 = CONFIGS[config]
    has = _has_int128(cc, tmp_path)
    if int128 is None:      # the default: __int128 where the compiler has it
        int128 = int(has)
    if int128 and not has:
        pytest.skip(f"{cc} has no __int128 here")
    src, exe = tmp_path / "wide.c", tmp_path / "wide"
    src.write_text(_program())
    flags = sanitizer_flags(cc) if sanitize else []
    compile_quietly([cc, *STRICT, *(flags or ["-O2"]), *defines, f"-DEXPECT_INT128={int128}",
                     f"-I{resources.runtime_dir()}", src, "-o", exe, "-lm"])
    env = sanitizer_env(exe) if sanitize else None
    run_checks([exe], 4 * len(_pairs()), env=env)
