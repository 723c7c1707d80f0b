"""Loop versioning (w2c.emit.loops): loops whose unchecked copy a test
before them chooses behave as wasmtime runs them, trap or not, with the
same memory afterwards, over a grid of start values, bounds and steps near
the end of memory and across the 32-bit wrap (explicit bounds checks, gcc
-O2), and the copy is there only where the emitter can bound the loop.
"""
from __future__ import annotations

import itertools
import subprocess

import pytest

from tests.support.ctool import STRICT, compile_quietly
from w2c.emit import compile_module

wasmtime = pytest.importorskip("wasmtime", reason="wasmtime (pip) is the reference engine")

WAT = r"""
(module
  (memory (export "mem") 1 2)
  (type $g (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $g)
  ;; called from a loop: grows the memory once (k = 7), traps at k = 9
  (func $g (param $k i32) (result i32)
    (if (i32.eq (local.get $k) (i32.const 7)) (then (drop (memory.grow (i32.const 1)))))
    (if (i32.eq (local.get $k) (i32.const 9)) (then unreachable))
    (i32.mul (local.get $k) (i32.const 3)))
  ;; i < n at each iteration's start: b + i
  (func (export "fill") (param $b i32) (param $i i32) (param $n i32)
    (loop $l
      (i32.store8 (i32.add (local.get $b) (local.get $i)) (i32.const 7))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n)))))
  ;; the address after the step: b + i + 1
  (func (export "fillLate") (param $b i32) (param $i i32) (param $n i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (i32.store16 (i32.add (local.get $b) (local.get $i)) (i32.const 9))
      (br_if $l (i32.gt_u (local.get $n) (local.get $i)))))
  ;; counted: k += 2 until k == n; p += 8, q = p + 4
  (func (export "counted") (param $p i32) (param $k i32) (param $n i32) (local $q i32)
    (loop $l
      (i32.store (local.get $p) (i32.add (local.get $k) (i32.const 5)))
      (local.set $q (i32.add (local.get $p) (i32.const 4)))
      (i32.store (local.get $q) (i32.load (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $l (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 2)))
                        (local.get $n)))))
  ;; counting down: k -= 1 while k != 0 (br_if on the local); p += 8; p - 8, p, p + 4
  (func (export "down") (param $p i32) (param $k i32) (param $n i32)
    (loop $l
      (i32.store (local.get $p) (i32.load (i32.add (local.get $p) (i32.const -8))))
      (i32.store (i32.add (local.get $p) (i32.const 4)) (local.get $n))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $l (local.tee $k (i32.add (local.get $k) (i32.const -1))))))
  ;; counting down by 3 until k == n; p += 4; p - 12 after the step
  (func (export "downNe") (param $p i32) (param $k i32) (param $n i32)
    (loop $l
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (i32.store16 (i32.add (local.get $p) (i32.const -12)) (local.get $k))
      (br_if $l (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const -3)))
                        (local.get $n)))))
  ;; an index counting up to 0 from below (negative), added to a base
  (func (export "upTo0") (param $b i32) (param $i i32) (param $n i32)
    (loop $l
      (i32.store16 offset=2 (i32.add (local.get $b) (local.get $i)) (local.get $n))
      (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 1))))))
  ;; i <u n by the back edge, j <u m by an exit test (j steps by i & 1):
  ;; a + (i << 1), a + (j << 4) (sort's merge loop)
  (func (export "twoIdx") (param $a i32) (param $i i32) (param $n i32) (local $j i32) (local $m i32)
    (local.set $j (local.get $i))
    (local.set $m (i32.shr_u (local.get $n) (i32.const 1)))
    (block $out
      (loop $l
        (i32.store (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 1))) (local.get $j))
        (i32.store16 offset=2 (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 4)))
                     (local.get $i))
        (local.set $j (i32.add (local.get $j) (i32.and (local.get $i) (i32.const 1))))
        (br_if $out (i32.ge_u (local.get $j) (local.get $m)))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                            (local.get $n))))))
  ;; counted, with a call through the table in the loop: p += 4
  (func (export "withCall") (param $p i32) (param $k i32) (param $n i32)
    (loop $l
      (i32.store (local.get $p) (call_indirect (type $g) (local.get $k) (i32.const 0)))
      (i32.store8 offset=6 (local.get $p) (local.get $n))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $l (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1)))
                        (local.get $n)))))
  @HASH@)
"""
# The export every loop test calls after each call: FNV-1a of the whole
# memory, and its size (tests/emit/test_loops_simd.py uses it too).
HASH_WAT = r"""
  (func (export "hash") (result i32) (local $i i32) (local $h i32) (local $n i32)
    (local.set $h (i32.const 0x811c9dc5))
    (local.set $n (i32.shl (memory.size) (i32.const 16)))
    (loop $l
      (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $i)))
                             (i32.const 0x01000193)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n))))
    (i32.add (local.get $h) (local.get $n)))"""
WAT = WAT.replace("@HASH@", HASH_WAT)
BASES = [0, 100, 65400, 65500, 65530, 65534, 65535, 65536, 0xFFFFFF00, 0xFFFFFFF0]
STARTS = [0, 5, 200, 0xFFFFFFFE]
BOUNDS = [0, 1, 10, 100, 0x110, 0xFFFFFFFF]
POINTERS = [0, 65500, 65512, 65528, 65532, 0xFFFFFFF8]
COUNTS = [0, 1, 2, 0xFFFFFFFE]
LIMITS = [0, 2, 9, 10, 40]
LOW_POINTERS = [0, 4, 8, 12, 16, 65480, 65520, 65528, 0xFFFFFFF8]
DOWN_COUNTS = [0, 1, 2, 3, 7, 9, 0xFFFFFFFF]
DOWN_LIMITS = [0, 1, 4]
TWO_BASES = [0, 100, 53260, 53264, 53268, 65500, 65528, 0xFFFFFF00, 0x80000000]
TWO_STARTS = [0, 3, 100, 0xFFFFFFF0]
TWO_BOUNDS = [0, 1, 5, 40, 0x600, 0x2000, 0xFFFFFFFF]
UP_BASES = [0, 1, 100, 65530, 65533, 65536, 65540, 0x7FFFFFFF, 0x80000000]
UP_INDEXES = [0, 3, 0xFFFFFFFF, 0xFFFFFFFC, 0xFFFFFF9C, 0xFFFF0000, 0x80000000, 0x80000004]
CALL_POINTERS = [0, 65502, 65506, 65518, 65522, 65524, 131054, 131058, 131068]


def calls() -> list[tuple[str, int, int, int]]:
    return ([("fill", *c) for c in itertools.product(BASES, STARTS, BOUNDS)]
            + [("fillLate", *c) for c in itertools.product(BASES, STARTS, BOUNDS)]
            + [("counted", *c) for c in itertools.product(POINTERS, COUNTS, LIMITS)]
            + [(f, *c) for f in ("down", "downNe")
               for c in itertools.product(LOW_POINTERS, DOWN_COUNTS, DOWN_LIMITS)]
            + [("twoIdx", *c) for c in itertools.product(TWO_BASES, TWO_STARTS, TWO_BOUNDS)]
            + [("withCall", *c) for c in itertools.product(CALL_POINTERS, [0, 5, 8], [3, 8, 12])]
            + [("upTo0", *c) for c in itertools.product(UP_BASES, UP_INDEXES, [7])])


def reference(wasm: bytes) -> list[str]:
    """Per call: 1 if it trapped, and the memory's hash after it (wasmtime)."""
    store = wasmtime.Store()
    inst = wasmtime.Instance(store, wasmtime.Module(store.engine, wasm), [])
    ex = inst.exports(store)
    out = []
    for name, a, b, c in calls():
        try:
            ex[name](store, a, b, c)
            trapped = 0
        except wasmtime.Trap:
            trapped = 1
        out.append(f"{trapped} {ex['hash'](store) & 0xFFFFFFFF:08x}")
    return out


DRIVER = r"""
#include <stdio.h>
#include "m.h"
static m_instance inst;
int main(void) {
  static const struct { int f; uint32_t a, b, c; } calls[] = {
%s
  };
  if (m_instantiate(&inst, NULL) != 0) return 1;
  for (unsigned i = 0; i < sizeof calls / sizeof calls[0]; i++) {
    int trapped;
    switch (calls[i].f) {
      case 0: trapped = W2C_TRY(m_x_fill(&inst, calls[i].a, calls[i].b, calls[i].c)) != 0; break;
      case 1: trapped = W2C_TRY(m_x_fillLate(&inst, calls[i].a, calls[i].b, calls[i].c)) != 0;
        break;
      case 2: trapped = W2C_TRY(m_x_counted(&inst, calls[i].a, calls[i].b, calls[i].c)) != 0;
        break;
      case 3: trapped = W2C_TRY(m_x_down(&inst, calls[i].a, calls[i].b, calls[i].c)) != 0; break;
      case 4: trapped = W2C_TRY(m_x_downNe(&inst, calls[i].a, calls[i].b, calls[i].c)) != 0;
        break;
      case 5: trapped = W2C_TRY(m_x_withCall(&inst, calls[i].a, calls[i].b, calls[i].c)) != 0;
        break;
      case 6: trapped = W2C_TRY(m_x_upTo0(&inst, calls[i].a, calls[i].b, calls[i].c)) != 0; break;
      default: trapped = W2C_TRY(m_x_twoIdx(&inst, calls[i].a, calls[i].b, calls[i].c)) != 0;
    }
    printf("%%d %%08x\n", trapped, (unsigned)m_x_hash(&inst));
  }
  m_free(&inst);
  return 0;
}
"""
FUNCS = {"fill": 0, "fillLate": 1, "counted": 2, "down": 3, "downNe": 4, "withCall": 5,
         "upTo0": 6, "twoIdx": 7}


def test_versioned_loops_agree_with_wasmtime(tmp_path, wat2wasm):
    wasm = wat2wasm(WAT)
    compile_module(wasm, tmp_path / "m.c", "m")
    c = (tmp_path / "m.c").read_text()
    assert c.count("#if W2C_LOOP_COPIES") == 2 * 9     # (each loop: the test, the copy)
    table = ",\n".join(f"    {{{FUNCS[n]}, {a}u, {b}u, {k}u}}" for n, a, b, k in calls())
    agree_with_wasmtime(tmp_path, DRIVER % table, calls(), reference(wasm), 50)


def agree_with_wasmtime(tmp_path, driver: str, calls: list, want: list[str],
                        each_at_least: int) -> None:
    """Build tmp_path/m.c (explicit checks, gcc -O2) with the C `driver`,
    which prints a line per call, and require wasmtime's lines `want`, with
    at least `each_at_least` calls that trap and as many that do not."""
    (tmp_path / "main.c").write_text(driver)
    exe = tmp_path / "loops"
    compile_quietly(["gcc", *STRICT, "-O2", "-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT", "-I",
                     tmp_path, tmp_path / "m.c", tmp_path / "main.c", "-o", exe, "-lm"])
    got = subprocess.run([exe], capture_output=True, text=True, timeout=300)
    assert got.returncode == 0, got.stderr
    lines = got.stdout.splitlines()
    assert len(lines) == len(want)
    bad = [(call, g, w) for call, g, w in zip(calls, lines, want, strict=True) if g != w]
    assert not bad, bad[:10]
    assert sum(w.startswith("1") for w in want) > each_at_least      # traps at many places
    assert sum(w.startswith("0") for w in want) > each_at_least
