"""v128 fields of GC structs and v128 elements of GC arrays (w2c.emit.gc,
runtime_c/w2c_gc_ops.h: 16 bytes stored without alignment, moved by
memcpy), against wasmtime: every struct and array instruction on them, in
constant expressions too, v128 fields at odd offsets and beside packed and
reference fields, elements from data segments (little-endian), and the
traps.  Built with gcc and clang at -O2 and with ASan+UBSan, with a
collection before every allocation (W2C_GC_TRIGGER=1): a reference field
after a v128 field that the collector did not trace would be freed, and the
free list written over the node's v128 field, while the list is still
walked.  Also on rpi-armhf (32-bit) and linux-s390x (big-endian) under
qemu-user."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import ctool
from w2c.emit import compile_module
from w2c.features import Features
from w2c.program import load_target

from . import difftest as D

wasmtime = pytest.importorskip("wasmtime")

WAT = r"""
(module
  (type $node (struct (field $v (mut v128)) (field $next (mut (ref null $node)))
                      (field $k i32) (field $w (mut v128))))
  (type $odd (struct (field i8) (field (mut v128)) (field (mut i16)) (field (mut v128))
                     (field (ref null $node))))
  (type $vec (array (mut v128)))
  (type $ivec (array v128))
  (type $nodes (array (mut (ref null $node))))
  (data $d "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\f0\e1\d2\c3\b4\a5\96\87"
           "\78\69\5a\4b\3c\2d\1e\0f\ff\fe\fd\fc\fb\fa\f9\f8\80\7f\81\7e\82\7d\83\7c"
           "\de\ad\be\ef\ca\fe\ba\be\01\23\45\67\89\ab\cd\ef")
  (global $gv (ref $ivec) (array.new_fixed $ivec 3 (v128.const i32x4 1 2 3 4)
                            (v128.const i64x2 -1 5)
                            (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)))
  (global $gs (ref $node) (struct.new $node (v128.const i64x2 7 8) (ref.null $node) (i32.const 9)
                            (v128.const f32x4 1.5 -0 nan -inf)))
  (global $ga (ref $vec) (array.new $vec (v128.const i16x8 1 2 3 4 5 6 7 -8) (i32.const 4)))
  (global $gd (ref $vec) (array.new_default $vec (i32.const 2)))
  (global $gn (ref $node) (struct.new_default $node))

  (func $h (param v128) (result i64)
    (i64.xor (i64x2.extract_lane 0 (local.get 0))
             (i64.rotl (i64x2.extract_lane 1 (local.get 0)) (i64.const 29))))
  (func $mix (param i64 i64) (result i64)
    (i64.add (i64.mul (local.get 0) (i64.const 0x100000001b3)) (local.get 1)))
  ;; garbage, so that collections run and reuse what they free
  (func $garbage (param i32)
    (drop (array.new $vec (i64x2.splat (i64.extend_i32_u (local.get 0))) (i32.const 3)))
    (drop (struct.new $odd (i32.const 0xff) (v128.const i64x2 -1 -1) (i32.const -1)
                           (v128.const i64x2 -1 -1) (ref.null $node))))
  ;; a list of n nodes (its head on the operand stack while $garbage runs)
  (func $list (param $n i32) (result (ref null $node))
    (local $l (ref null $node)) (local $i i32)
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $l (struct.new $node
        (i32x4.splat (local.get $i))
        (local.get $l)
        (local.get $i)
        (block (result v128)
          (call $garbage (local.get $i))
          (i64x2.splat (i64.extend_i32_u (i32.mul (local.get $i) (i32.const 7)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $loop)))
    (local.get $l))

  (func (export "list") (param $n i32) (result i64)
    (local $l (ref null $node)) (local $acc i64)
    (local.set $l (call $list (local.get $n)))
    (call $garbage (i32.const 1))
    (block $done (loop $walk
      (br_if $done (ref.is_null (local.get $l)))
      (local.set $acc (call $mix (local.get $acc) (call $h (struct.get $node $v (local.get $l)))))
      (local.set $acc (call $mix (local.get $acc) (call $h (struct.get $node $w (local.get $l)))))
      (local.set $acc (call $mix (local.get $acc)
                                 (i64.extend_i32_u (struct.get $node $k (local.get $l)))))
      (call $garbage (i32.const 2))
      (local.set $l (struct.get $node $next (local.get $l)))
      (br $walk)))
    (local.get $acc))

  (func (export "odd") (param $x i32) (result i64)
    (local $o (ref null $odd)) (local $acc i64)
    (local.set $o (struct.new $odd (local.get $x) (i32x4.splat (local.get $x)) (local.get $x)
                    (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
                    (call $list (i32.const 3))))
    (call $garbage (local.get $x))
    (struct.set $odd 1 (local.get $o)
      (i32x4.add (struct.get $odd 1 (local.get $o)) (struct.get $odd 3 (local.get $o))))
    (struct.set $odd 3 (local.get $o) (i8x16.splat (i32.add (local.get $x) (i32.const 3))))
    (struct.set $odd 2 (local.get $o) (i32.const 0x12345))
    (call $garbage (i32.const 5))
    (local.set $acc (call $mix (call $h (struct.get $odd 1 (local.get $o)))
                               (call $h (struct.get $odd 3 (local.get $o)))))
    (local.set $acc (call $mix (local.get $acc)
                               (i64.extend_i32_u (struct.get_s $odd 0 (local.get $o)))))
    (local.set $acc (call $mix (local.get $acc)
                               (i64.extend_i32_u (struct.get_u $odd 2 (local.get $o)))))
    (call $mix (local.get $acc)
      (call $h (struct.get $node $w (struct.get $node $next (struct.get $odd 4 (local.get $o)))))))

  (func $sum (param $a (ref null $vec)) (param $acc i64) (result i64)
    (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (array.len (local.get $a))))
      (local.set $acc (call $mix (local.get $acc)
                                 (call $h (array.get $vec (local.get $a) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $acc))

  (func (export "array") (param $n i32) (result i64)
    (local $a (ref null $vec)) (local $b (ref null $vec)) (local $i i32)
    (local.set $a (array.new $vec (v128.const i32x4 1 2 3 0x7fffffff) (local.get $n)))
    (local.set $b (array.new_default $vec (i32.const 8)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (call $garbage (local.get $i))
      (array.set $vec (local.get $a) (local.get $i)
        (i32x4.add (array.get $vec (local.get $a) (local.get $i)) (i32x4.splat (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (array.fill $vec (local.get $b) (i32.const 1) (v128.const i64x2 0x1111 0x2222) (i32.const 5))
    (array.copy $vec $vec (local.get $b) (i32.const 0) (local.get $a) (i32.const 1) (i32.const 3))
    (array.copy $vec $vec (local.get $a) (i32.const 1) (local.get $a) (i32.const 0)
                          (i32.sub (array.len (local.get $a)) (i32.const 1)))
    (array.copy $vec $vec (local.get $a) (i32.const 0) (local.get $a) (i32.const 1)
                          (i32.sub (local.get $n) (i32.const 2)))
    (call $sum (array.new_fixed $vec 3 (array.get $vec (local.get $a) (i32.const 2))
                                       (i64x2.splat (i64.extend_i32_u (local.get $n)))
                                       (v128.const i8x16 -1 0 -1 0 1 2 3 4 5 6 7 8 9 10 11 12))
               (call $sum (local.get $b) (call $sum (local.get $a) (i64.const 0)))))

  (func (export "data") (param $i i32) (result i64)
    (local $a (ref null $vec)) (local $acc i64)
    (local.set $a (array.new_data $vec $d (local.get $i) (i32.const 2)))
    (call $garbage (local.get $i))
    (array.init_data $vec $d (local.get $a) (i32.const 1) (i32.const 7) (i32.const 1))
    (local.set $acc (call $sum (local.get $a) (i64.const 0)))
    (local.set $acc (call $mix (local.get $acc) (i64.extend_i32_u
      (i8x16.extract_lane_u 15 (array.get $vec (local.get $a) (i32.const 0))))))
    (local.set $acc (call $mix (local.get $acc) (i64.extend_i32_u
      (i16x8.extract_lane_u 3 (array.get $vec (local.get $a) (i32.const 1))))))
    (call $mix (local.get $acc) (i64.extend_i32_u
      (i32x4.extract_lane 2 (array.get $vec (local.get $a) (i32.const 0))))))

  (func (export "init") (param $i i32) (result i64)
    (local $a (ref null $vec))
    (local.set $a (array.new_default $vec (i32.const 3)))
    (array.init_data $vec $d (local.get $a) (local.get $i) (i32.const 0) (i32.const 2))
    (call $sum (local.get $a) (i64.const 0)))

  (func (export "globals") (param $i i32) (result i64)
    (local $acc i64)
    (local.set $acc (call $h (array.get $ivec (global.get $gv) (local.get $i))))
    (local.set $acc (call $mix (local.get $acc) (call $sum (global.get $ga) (i64.const 1))))
    (local.set $acc (call $mix (local.get $acc) (call $sum (global.get $gd) (i64.const 2))))
    (local.set $acc (call $mix (local.get $acc) (call $h (struct.get $node $w (global.get $gs)))))
    (local.set $acc (call $mix (local.get $acc) (call $h (struct.get $node $v (global.get $gs)))))
    (call $mix (local.get $acc) (call $h (struct.get $node $w (global.get $gn)))))

  (func (export "null") (param $i i32) (result i64)
    (if (result i64) (i32.and (local.get $i) (i32.const 1))
      (then (call $h (struct.get $node $v
        (select (result (ref null $node)) (global.get $gs) (ref.null $node)
                (i32.and (local.get $i) (i32.const 2))))))
      (else (call $h (array.get $vec
        (select (result (ref null $vec)) (global.get $ga) (ref.null $vec)
                (i32.and (local.get $i) (i32.const 2)))
        (i32.const 0))))))

  (func (export "refs") (param $n i32) (result i64)
    (local $a (ref null $nodes)) (local $i i32) (local $acc i64)
    (local.set $a (array.new_default $nodes (local.get $n)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (array.set $nodes (local.get $a) (local.get $i) (call $list (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (call $garbage (i32.const 9))
    (local.set $i (i32.const 1))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $acc (call $mix (local.get $acc) (call $h (struct.get $node $w
        (array.get $nodes (local.get $a) (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $acc))
)
"""
ARGS = {
    "list": [0, 1, 5, 60],
    "odd": [0, 1, 0x80, 0xFFFF_FFFF],
    "array": [0, 1, 4, 9, 50],
    "data": [0, 5, 32, 33, 0xFFFF_FFFF],
    "init": [0, 1, 2],
    "globals": [0, 1, 2, 3],
    "null": [0, 1, 2, 3],
    "refs": [0, 3, 12],
}


@pytest.fixture(scope="module")
def translated(tmp_path_factory) -> tuple[Path, list[tuple[str, str]]]:
    """The module translated, its harness, and wasmtime's lines."""
    out = tmp_path_factory.mktemp("gcv128")
    wasm = wasmtime.wat2wasm(WAT)
    exports = D.module_exports(wasm, D.wasmtime_engine())
    by_name = {e.name: e for e in exports}
    calls = [D.Call(0, by_name[name], (arg,)) for name, values in ARGS.items() for arg in values]
    for i, c in enumerate(calls):
        c.index = i
    expected = D.run_wasmtime(wasm, exports, calls)
    features = Features()
    features.enable("gc")
    compile_module(wasm, out / "m0.c", "m0", features=features)
    (out / "main.c").write_text(D.harness_c([("m0", exports, calls)]))
    return out, expected


def _build(translated, cmd: list) -> None:
    src, _ = translated
    ctool.compile_quietly([*cmd, f"-I{src}", src / "main.c", src / "m0.c", *D.LDLIBS])


def _check(translated, run: list[str], env: dict | None = None) -> None:
    _, expected = translated
    p = subprocess.run([*run, "0"], capture_output=True, text=True, timeout=120, env=env)
    assert p.returncode == 0, p.stderr
    got = D.parse_output(p.stdout)
    assert D.compare(expected, got) == []
    # (the reference reached every call, and some trap: the test sees both)
    values = dict(expected)
    assert len(values) > sum(map(len, ARGS.values()))
    assert any(v.startswith("trap out of bounds array") for v in values.values())


def test_expected_values_are_not_trivial(translated):
    """The reference's results vary with the arguments (a hash of nothing would not)."""
    _, expected = translated
    values = [v for k, v in expected if k.startswith("call")]
    assert len(set(values)) > 20, values
    assert "trap null reference" in values      # (wasmtime's words for both kinds)
    assert "trap out of bounds memory access" in values


@pytest.mark.parametrize("trigger", [0, 1])
def test_against_wasmtime(translated, tmp_path, cc, trigger):
    exe = tmp_path / "prog"
    _build(translated, [cc, *ctool.STRICT, "-O2", f"-DW2C_GC_TRIGGER={trigger}", "-o", exe])
    _check(translated, [str(exe)])


def test_sanitizers(translated, tmp_path, cc):
    flags = ctool.sanitizer_flags(cc)
    exe = tmp_path / "prog"
    _build(translated, [cc, *ctool.STRICT, *flags, "-DW2C_GC_TRIGGER=1", "-o", exe])
    _check(translated, [str(exe)], env=ctool.sanitizer_env(exe, tmp_path / "probe"))


def test_portable_simd(translated, tmp_path, cc):
    """The plain C w2c_v128 (arrays, no vector types) the same way."""
    exe = tmp_path / "prog"
    _build(translated, [cc, *ctool.STRICT, "-O2", "-DW2C_SIMD_IMPL=W2C_SIMD_PORTABLE",
                        "-DW2C_GC_TRIGGER=1", "-o", exe])
    _check(translated, [str(exe)])


@pytest.mark.parametrize("target", ["rpi-armhf", "linux-s390x"])
def test_cross_target(translated, tmp_path, target):
    """Under qemu-user: rpi-armhf (32-bit references and headers, so other
    field offsets; a zero-length array's object was 20 bytes there, not a
    granule multiple, and the heap walk never ended) and linux-s390x
    (big-endian: reversed lanes, elements from data segments)."""
    prof = load_target(target)
    for tool in (prof.cc, prof.run[0]):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found (apt-get install {' '.join(prof.debian_packages)})")
    exe = tmp_path / "prog"
    _build(translated, [prof.cc, *ctool.STRICT, *prof.cflags, "-DW2C_GC_TRIGGER=1",
                        *prof.ldflags, "-o", exe])
    _check(translated, prof.run_command(exe))
