"""v128 code generation (w2c/emit/simd.py and the SIMD templates of the
opcode table): which modules get the SIMD runtime, and a module using v128
in every place a value can be (parameters, several results, locals, globals,
memory, lanes, shuffles) built with gcc and clang under -std=c99 -Wall
-Wextra -Werror -pedantic and run."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from w2c.emit import compile_module
from w2c.features import Features
from w2c.parse import decode_module

CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
SIMD_HEADERS = {"w2c_simd.h", "w2c_simd_int.h", "w2c_simd_float.h", "w2c_simd_shuffle.h"}

MODULE = """(module
  (memory (export "mem") 1)
  (global $g (export "g") (mut v128) (v128.const i32x4 1 2 3 4))
  (func (export "add") (param v128 v128) (result v128) (i32x4.add (local.get 0) (local.get 1)))
  (func (export "mix") (param v128) (result v128 i32)
    (local $t v128)
    (local.set $t (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31
                                 (local.get 0) (global.get $g)))
    (v128.store offset=3 (i32.const 0) (local.get $t))
    (global.set $g (local.get $t))
    (v128.load32_lane offset=4 2 (i32.const 0) (local.get $t))
    (i8x16.extract_lane_s 1 (local.get 0)))
  (func (export "lanes") (param i32) (result i32)
    (i32x4.extract_lane 1 (i32x4.replace_lane 1 (i32x4.splat (local.get 0)) (i32.const 7))))
  (func (export "pick") (param v128 v128 i32) (result v128)
    (local.get 0) (local.get 1)
    (block (param v128 v128) (result v128) (local.get 2) (select)))
  (func (export "min") (param v128 v128) (result v128) (f32x4.min (local.get 0) (local.get 1))))
"""

MAIN = r"""
#include <stdio.h>
#include <inttypes.h>
#include "s.h"
static void show(w2c_v128 v) {
  printf("%016" PRIx64 " %016" PRIx64 "\n", w2c_i64x2_extract_lane(v, 1),
         w2c_i64x2_extract_lane(v, 0));
}
int main(void) {
  static s_instance i;
  w2c_v128 a = w2c_v128_const(UINT64_C(0x0706050403020100), UINT64_C(0x0f0e0d0c0b0a0908));
  w2c_v128 b = w2c_v128_const(UINT64_C(0xffffffff00000001), UINT64_C(0x8000000000000000));
  w2c_ret_vi r;
  if (s_instantiate(&i, NULL)) return 1;
  show(s_x_add(&i, a, b));
  r = s_x_mix(&i, a);
  show(r.r0);
  printf("%u %u\n", (unsigned)r.r1, (unsigned)s_x_lanes(&i, 5));
  show(*s_x_g(&i));
  show(s_x_pick(&i, a, b, 0));
  show(s_x_min(&i, w2c_v128_const(UINT64_C(0x40000000bf800000), 0),
               w2c_v128_const(UINT64_C(0x3f80000000000001), UINT64_C(0x8000000000000000))));
  printf("%u\n", (unsigned)s_x_mem(&i)->data[7]);
  s_free(&i);
  return 0;
}
"""

# Worked out by hand from the spec (i32x4.add wraps; the shuffle takes even
# bytes from a, odd ones from g; the lane load reads bytes 1-4 of the stored
# value; f32x4.min of 0 and -0 is -0).
EXPECTED = """\
8f0e0d0c0b0a0908 0706050303020101
000e000c04000200 0006000400020000
1 7
000e000c000a0008 0006000400020000
8000000000000000 ffffffff00000001
8000000000000000 3f800000bf800000
4
"""


def test_module_using_v128_builds_and_runs(tmp_path, wat2wasm, cc):
    compile_module(wat2wasm(MODULE), tmp_path / "s.c", "s")
    names = {p.name for p in tmp_path.iterdir()}
    assert SIMD_HEADERS <= names
    assert '#include "w2c_simd.h"' in (tmp_path / "s.h").read_text()
    (tmp_path / "main.c").write_text(MAIN)
    exe = tmp_path / "t"
    b = subprocess.run([cc, *CFLAGS, "-O2", f"-I{tmp_path}", str(tmp_path / "s.c"),
                        str(tmp_path / "main.c"), "-o", str(exe), "-lm"],
                       capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    out = subprocess.run([str(exe)], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout == EXPECTED, out.stdout


@pytest.mark.parametrize("wat, where", [
    ("(module (func (result i32) (i32.const 253)))", None),   # 0xFD in an immediate
    ("(module (func (result i64) (i64.popcnt (i64.const 0x7b))))", None),
    ("(module (func (local i64) (local v128)))", "c"),
    ("(module (func (result i32) (i32x4.extract_lane 0 (i32x4.splat (i32.const 1)))))", "c"),
    ("(module (func (param v128)))", "h"),
    ("(module (global v128 (v128.const i64x2 0 0)))", "h"),
])
@pytest.mark.parametrize("num_outputs", [1, 3])
def test_simd_runtime_only_where_used(wat, where, num_outputs, tmp_path, wat2wasm):
    """The SIMD runtime is included by the header when a type or global has
    v128, else once per C file before the first function with v128, and
    its headers are copied only then."""
    wasm = wat2wasm(wat.replace("(module", "(module (func $a) (func $b (local v128))", 1)
                    if where == "c" else wat)
    written = compile_module(wasm, tmp_path / "m.c", num_outputs=num_outputs)
    texts = {p.name: p.read_text() for p in written if p.suffix in (".c", ".h")
             and p.name.startswith("m")}
    include = '#include "w2c_simd.h"'
    in_header = [n for n, t in texts.items() if n.endswith(".h") and include in t]
    in_c = {n: t.count(include) for n, t in texts.items() if n.endswith(".c")}
    copied = SIMD_HEADERS & {p.name for p in tmp_path.iterdir()}
    if where is None:
        assert not in_header and not any(in_c.values()) and not copied
    elif where == "h":
        assert in_header and not any(in_c.values()) and copied == SIMD_HEADERS
    else:
        assert not in_header and copied == SIMD_HEADERS
        assert set(in_c.values()) <= {0, 1} and sum(in_c.values()) >= 1
        for name, n in in_c.items():   # before the first function that has v128
            t = texts[name]
            if n:
                assert t.index(include) < t.index("v128"), name


def test_no_simd_runtime_without_v128(tmp_path, wat2wasm):
    compile_module(wat2wasm("(module (func (export \"f\") (result i32) (i32.const 253)))"),
                   tmp_path / "m.c")
    names = {p.name for p in tmp_path.iterdir()}
    assert "w2c_rt.h" in names and not SIMD_HEADERS & names
    assert "simd" not in (tmp_path / "m.h").read_text()


def test_templates_are_the_runtime_tests_calls():
    """Every SIMD template of the opcode table, filled as the emitter fills
    it, is the C call tests/runtime/test_simd.py checks against wasmtime."""
    from tests.runtime import simd_cases
    from w2c import opcodes as O
    scalars = {"i32": "S32", "i64": "S64", "f32": "SF32", "f64": "SF64"}
    fns = simd_cases.functions()
    assert {f.op for f in fns} == {o.name for o in O.OPS
                                   if o.feature in ("simd", "relaxed-simd")}
    for f in fns:
        vs = iter("ABC")
        args = ["ADDR" if f.addr and p == "i32" else next(vs) if p == "v128" else scalars[p]
                for p in f.params]
        imm = f.wat.split()[1:]
        kw = {"mem": "MEM, SIZE", "offset": str(f.offset), "lane": str(f.lane),
              "shuffle": ", ".join(imm)}
        if f.op == "v128.const":
            kw.update(lo=f"UINT64_C({imm[1]})", hi=f"UINT64_C({imm[2]})")
        assert O.BY_NAME[f.op].c.format(*args, **kw) == f.c, f.op
