"""Loop versioning (w2c.emit.loops) of SIMD loops: v128 loads and stores
have unchecked forms, shuffles and other lane templates do not stop a loop
from getting its unchecked copy, and a lane store in it stays checked.
The loop runs as wasmtime runs it, trap or not, with the same memory
afterwards, for pointers up to and across the end of memory (explicit
bounds checks, gcc -O2)."""
from __future__ import annotations

import itertools

import pytest

from tests.emit.test_loops import HASH_WAT, agree_with_wasmtime
from w2c.emit import compile_module

wasmtime = pytest.importorskip("wasmtime", reason="wasmtime (pip) is the reference engine")

DATA = "".join(f"\\{(k * 37 + 11) & 255:02x}" for k in range(512))
WAT = r"""
(module
  (memory (export "mem") 1)
  ;; bytes that the loop's sums change, at both ends of memory
  (data (i32.const 0) "@DATA@")
  (data (i32.const 65024) "@DATA@")
  ;; counted: k += 1 until k == n; p += 8; reads p .. p + 32, writes p + 32 .. p + 56
  (func (export "vec") (param $p i32) (param $k i32) (param $n i32) (local $v v128)
    (loop $l
      (local.set $v (i32x4.add (v128.load (local.get $p)) (v128.load offset=16 (local.get $p))))
      (local.set $v (i8x16.shuffle 0 1 0 0 2 3 0 0 4 5 0 0 6 7 0 0
                                   (local.get $v) (v128.load32_splat offset=4 (local.get $p))))
      (v128.store offset=32 (local.get $p) (local.get $v))
      (v128.store64_lane offset=48 1 (local.get $p) (local.get $v))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $l (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1)))
                        (local.get $n)))))
  @HASH@)
""".replace("@DATA@", DATA).replace("@HASH@", HASH_WAT)
# The last in-bounds start of an iteration is 65536 - 56 (the lane store),
# 65536 - 48 for the v128.store before it.
POINTERS = [0, 1000, 65400, 65464, 65472, 65479, 65480, 65481, 65484, 65488, 65489, 65492,
            65496, 65500, 65504, 65520, 65536, 0xFFFFFFF8]
COUNTS = [0, 1, 0xFFFFFFFE]
LIMITS = [1, 2, 3, 9, 17]

DRIVER = r"""
#include <stdio.h>
#include "m.h"
static m_instance inst;
int main(void) {
  static const uint32_t calls[][3] = {
%s
  };
  unsigned i;
  if (m_instantiate(&inst, NULL) != 0) return 1;
  for (i = 0; i < sizeof calls / sizeof calls[0]; i++) {
    int trapped = W2C_TRY(m_x_vec(&inst, calls[i][0], calls[i][1], calls[i][2])) != 0;
    printf("%%d %%08x\n", trapped, (unsigned)m_x_hash(&inst));
  }
  m_free(&inst);
  return 0;
}
"""


def calls() -> list[tuple[int, int, int]]:
    return list(itertools.product(POINTERS, COUNTS, LIMITS))


def reference(wasm: bytes) -> list[str]:
    """Per call: 1 if it trapped, and the memory's hash after it (wasmtime)."""
    store = wasmtime.Store()
    inst = wasmtime.Instance(store, wasmtime.Module(store.engine, wasm), [])
    ex = inst.exports(store)
    out = []
    for p, k, n in calls():
        try:
            ex["vec"](store, p, k, n)
            trapped = 0
        except wasmtime.Trap:
            trapped = 1
        out.append(f"{trapped} {ex['hash'](store) & 0xFFFFFFFF:08x}")
    return out


def test_simd_loop_copy_agrees_with_wasmtime(tmp_path, wat2wasm):
    wasm = wat2wasm(WAT)
    compile_module(wasm, tmp_path / "m.c", "m")
    c = (tmp_path / "m.c").read_text()
    assert c.count("#if W2C_LOOP_COPIES") == 2 * 2     # both loops: the test, the copy
    for nc in ("w2c_v128_load_nc(", "w2c_v128_load32_splat_nc(", "w2c_v128_store_nc("):
        assert nc in c, nc
    assert "w2c_v128_store64_lane(" in c and "store64_lane_nc" not in c
    table = ",\n".join(f"    {{{p}u, {k}u, {n}u}}" for p, k, n in calls())
    agree_with_wasmtime(tmp_path, DRIVER % table, calls(), reference(wasm), 20)
