"""Function subtypes declared only in another module (w2c.emit.gc
func_supers, runtime_c/w2c_gc_ops.h w2c_gc_func_is_declared): module A
defines functions whose types are subtypes of T that only A declares;
module B's call_indirect (type T), ref.test and ref.cast (ref T) accept
them, and still reject a function of an unrelated type.  The expected
results are checked against wasmtime, then run through the spec driver
(each module its own C file, linked into one program)."""
from __future__ import annotations

import subprocess

import pytest

from tests.spec import run_exec, wast
from tests.spec.test_spec_exec import CI_CONFIG, _require_tools
from tests.support import ctool
from tests.support.wat import parse_wat
from w2c.emit import compile_module
from w2c.features import Features

MOD_A = """(module
  (type $t (sub (func (result i32))))
  (type $s (sub $t (func (result i32))))
  (type $s2 (sub $s (func (result i32))))
  (type $plain (func (result i32)))
  (rec (type $r (sub (func (param i32) (result i32))))
       (type $rs (sub $r (func (param i32) (result i32)))))
  (func $f (type $s) (i32.const 42))
  (func $g (type $s2) (i32.const 43))
  (func $h (type $plain) (i32.const 44))
  (func $k (type $rs) (local.get 0))
  (table (export "tab") 4 funcref)
  (elem (i32.const 0) func $f $g $h $k)
  (func (export "get") (param i32) (result funcref) (table.get (local.get 0))))"""

# B declares T and U <: T (U is A's S under iso-recursive equivalence), not S2.
MOD_B = """(module
  (type $t (sub (func (result i32))))
  (type $u (sub $t (func (result i32))))
  (import "A" "get" (func $get (param i32) (result funcref)))
  (import "A" "tab" (table $tab 4 funcref))
  (table $mine 4 funcref)
  (func (export "call") (param i32) (result i32)
    (table.set $mine (i32.const 0) (call $get (local.get 0)))
    (call_indirect $mine (type $t) (i32.const 0)))
  (func (export "call_tab") (param i32) (result i32)
    (call_indirect $tab (type $t) (local.get 0)))
  (func (export "test") (param i32) (result i32)
    (ref.test (ref $t) (call $get (local.get 0))))
  (func (export "test_u") (param i32) (result i32)
    (ref.test (ref $u) (call $get (local.get 0))))
  (func (export "cast") (param i32) (result i32)
    (call_ref $t (ref.cast (ref $t) (call $get (local.get 0))))))"""

MISMATCH = "indirect call type mismatch"
CAST = "cast failure"
# export -> results for the functions 0..3 of A's table ($f: S, $g: S2 <: S,
# $h: a final type of the same signature, $k: an unrelated type with a supertype).
EXPECTED: dict[str, list[int | str]] = {
    "call": [42, 43, MISMATCH, MISMATCH],
    "call_tab": [42, 43, MISMATCH, MISMATCH],
    "test": [1, 1, 0, 0],
    "test_u": [1, 1, 0, 0],
    "cast": [42, 43, CAST, CAST],
}


def _wast() -> str:
    lines = [MOD_A, '(register "A")', MOD_B]
    for name, results in EXPECTED.items():
        for i, r in enumerate(results):
            call = f'(invoke "{name}" (i32.const {i}))'
            lines.append(f'(assert_trap {call} "{r}")' if isinstance(r, str)
                         else f"(assert_return {call} (i32.const {r}))")
    return "\n".join(lines) + "\n"


def test_expected_results_are_wasmtimes():
    wasmtime = pytest.importorskip("wasmtime")
    engine = ctool.gc_engine()
    store = wasmtime.Store(engine)
    a = wasmtime.Instance(store, wasmtime.Module(engine, MOD_A), [])
    ea = a.exports(store)
    eb = wasmtime.Instance(store, wasmtime.Module(engine, MOD_B),
                           [ea["get"], ea["tab"]]).exports(store)
    got: dict[str, list[int | str]] = {}
    for name, results in EXPECTED.items():
        got[name] = []
        for i in range(len(results)):
            try:
                got[name].append(eb[name](store, i))
            except wasmtime.Trap as e:
                got[name].append(str(e).splitlines()[-1].split("wasm trap: ")[-1])
    assert got == EXPECTED


def test_subtypes_declared_in_another_module(tmp_path):
    _require_tools()
    src = tmp_path / "xfunc.wast"
    src.write_text(_wast())
    r = run_exec.run_file(src, tmp_path / "b", CI_CONFIG, wast.SUITES["gc"], root=tmp_path)
    n = sum(len(v) for v in EXPECTED.values())
    assert [o.status for o in r.outcomes] == ["pass"] * (2 + n), [o.describe() for o in r.outcomes]


HOST = r"""
#include <stdio.h>
#include "a.h"
int main(void) {
  a_instance i1, i2;
  a_imports im = {0};
  const w2c_gc_func_supers *n;
  int nodes = 0;
  uint64_t s, s2, plain;
  if (a_instantiate(&i1, &im) != 0 || a_instantiate(&i2, &im) != 0) return 2;
  a_free(&i2);
  if (a_instantiate(&i2, &im) != 0) return 2;
  for (n = w2c_gc_func_registry; n; n = n->next) nodes++;
  s = a_x_get(&i1, 0).type_id;
  s2 = a_x_get(&i2, 1).type_id;
  plain = a_x_get(&i1, 2).type_id;
  printf("%d %u %d %d %d\n", nodes, (unsigned)w2c_gc_func_registry->n,
         w2c_gc_func_is_declared(s2, s), w2c_gc_func_is_declared(s, s2),
         w2c_gc_func_is_declared(plain, s));
  a_free(&i1);
  a_free(&i2);
  return 0;
}
"""


def test_registration_is_once_per_module(tmp_path, cc):
    """Three instantiations of one module link its table once; the walk
    follows declared supertypes only upwards."""
    f = Features()
    f.enable("gc")
    wasm = parse_wat(tmp_path, MOD_A)
    compile_module(wasm.read_bytes(), tmp_path / "a.c", features=f)
    (tmp_path / "host.c").write_text(HOST)
    exe = tmp_path / "host"
    ctool.compile_quietly([cc, *ctool.STRICT, "-O2", f"-I{tmp_path}", tmp_path / "a.c",
                           tmp_path / "host.c", "-o", exe])
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    # (pairs: S -> T, S2 -> S, rs -> r)
    assert (out.returncode, out.stdout) == (0, "1 3 1 0 0\n"), out.stderr


# A function type naming a struct type: its id must not depend on the
# struct's index in each module (type_id's text has the index: a GC module
# gives such a type the hash of its structure, GcTypes.func_id).
INDICES_WAST = """(module
  (type $s (struct))
  (type $f (func (param (ref null $s)) (result i32)))
  (func $g (type $f) (i32.const 5))
  (table (export "tab") 1 funcref)
  (elem (i32.const 0) func $g))
(register "A")
(module
  (type $x (struct (field i32)))
  (type $s (struct))
  (type $f (func (param (ref null $s)) (result i32)))
  (type $h (func (param (ref null $x)) (result i32)))
  (import "A" "tab" (table $tab 1 funcref))
  (func (export "call") (result i32) (call_indirect $tab (type $f) (ref.null $s) (i32.const 0)))
  (func (export "test") (result i32) (ref.test (ref $f) (table.get $tab (i32.const 0))))
  (func (export "other") (result i32) (call_indirect $tab (type $h) (ref.null $x) (i32.const 0))))
(assert_return (invoke "call") (i32.const 5))
(assert_return (invoke "test") (i32.const 1))
(assert_trap (invoke "other") "indirect call type mismatch")
"""


def test_equal_types_at_other_indices(tmp_path):
    _require_tools()
    src = tmp_path / "xindex.wast"
    src.write_text(INDICES_WAST)
    r = run_exec.run_file(src, tmp_path / "b", CI_CONFIG, wast.SUITES["gc"], root=tmp_path)
    assert [o.status for o in r.outcomes] == ["pass"] * 5, [o.describe() for o in r.outcomes]


# The same for a function type naming a function type, between modules
# without GC types (function-references only) and between a GC module and
# one without (both give such a type the hash of its structure:
# ModuleGen.type_id_of).
TYPED_A = """(module {extra}
  (type $a (func))
  (type $f (func (param (ref null $a)) (result i32)))
  (func $g (type $f) (i32.const 5))
  (table (export "tab") 1 funcref)
  (elem (i32.const 0) func $g))
(register "A")"""
TYPED_B = """(module
  (type $pad (func (param i32)))
  (type $a (func))
  (type $f (func (param (ref null $a)) (result i32)))
  (type $h (func (param (ref null $pad)) (result i32)))
  (import "A" "tab" (table $tab 1 funcref))
  (func (export "call") (result i32) (call_indirect $tab (type $f) (ref.null $a) (i32.const 0)))
  (func (export "other") (result i32) (call_indirect $tab (type $h) (ref.null $pad) (i32.const 0))))
(assert_return (invoke "call") (i32.const 5))
(assert_trap (invoke "other") "indirect call type mismatch")
"""


@pytest.mark.parametrize("suite,extra", [("function-references", ""),
                                         ("gc", "(type $s (struct))")])
def test_typed_function_types_at_other_indices(tmp_path, suite, extra):
    _require_tools()
    src = tmp_path / "xtyped.wast"
    src.write_text(TYPED_A.format(extra=extra) + "\n" + TYPED_B)
    r = run_exec.run_file(src, tmp_path / "b", CI_CONFIG, wast.SUITES[suite], root=tmp_path)
    assert [o.status for o in r.outcomes] == ["pass"] * 4, [o.describe() for o in r.outcomes]
