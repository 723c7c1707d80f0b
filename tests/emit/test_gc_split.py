"""Split output (`--num-outputs N`, w2c.emit.split) of GC modules: the
struct types, run-time types and constructors are defined once, in the data
file, with the module's prefix and external linkage (casts compare rtt
pointers, so there must be one rtt object per canonical type), the parts
read the data and element segments of array.new_data/new_elem/init_* from
the data file (data segments in pieces: w2c_gc_from_bytes), and the program
behaves as the single file and wasmtime do.  Also tests/programs/
test_gc_programs.py (the GC programs built split) and
test_differential_gc.py (smith modules split)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ctool
from tests.support.wat import parse_wat
from w2c.emit import compile_module
from w2c.emit.split import PIECE_BYTES
from w2c.features import Features

PROGRAMS = Path(__file__).resolve().parents[1] / "programs" / "gc"
CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
COMPILERS = [c for c in ("gcc", "clang") if shutil.which(c)]


def gc() -> Features:
    f = Features()
    f.enable("gc")
    return f


@pytest.mark.parametrize("name", ["list", "trees", "graph"])
def test_one_rtt_per_type_in_the_data_file(tmp_path: Path, name: str) -> None:
    wasm = parse_wat(tmp_path, (PROGRAMS / f"{name}.wat").read_text())
    compile_module(wasm.read_bytes(), tmp_path / "one" / f"{name}.c", features=gc())
    compile_module(wasm.read_bytes(), tmp_path / "split" / f"{name}.c", features=gc(),
                   num_outputs=3)
    one = (tmp_path / "one" / f"{name}.c").read_text()
    rtts = re.findall(r"static const w2c_rtt (\w+_rtt\d+) = ", one)
    assert rtts
    defined: dict[str, list[str]] = {}
    for path in sorted((tmp_path / "split").glob(f"{name}*.[ch]")):
        for rtt in re.findall(r"^(?:static )?const w2c_rtt (\w+) = ", path.read_text(), re.M):
            defined.setdefault(rtt, []).append(path.name)
    assert defined == {r: [f"{name}_data.c"] for r in rtts}
    internal = (tmp_path / "split" / f"{name}_internal.h").read_text()
    assert all(f"extern const w2c_rtt {r};" in internal for r in rtts)
    sources = sorted(str(p) for p in (tmp_path / "split").glob("*.c"))
    for cc in COMPILERS:
        b = subprocess.run([cc, *CFLAGS, "-O2", "-c", *sources], capture_output=True, text=True,
                           cwd=tmp_path / "split")
        assert b.returncode == 0, b.stderr


def _bytes(n: int) -> str:
    return "".join(f"\\{(i * 7 + i // 251) & 255:02x}" for i in range(n))


# A passive data segment of two pieces and 5 bytes; arrays of each element
# size made from ranges across the pieces' boundaries; an element segment
# of GC items (constructors of the data file).
SEGMENTS_WAT = f"""(module
  (type $a8 (array (mut i8)))
  (type $a16 (array (mut i16)))
  (type $a32 (array (mut i32)))
  (type $a64 (array (mut i64)))
  (type $box (struct (field i32)))
  (type $boxes (array (ref null $box)))
  (data $d "{_bytes(2 * PIECE_BYTES + 5)}")
  (elem $e (ref null $box) (item (struct.new $box (i32.const 7))) (item (ref.null $box))
    (item (struct.new $box (i32.const 9))))
  (func (export "n8") (param $s i32) (param $n i32) (result i64)
    (local $a (ref $a8)) (local $i i32) (local $h i64)
    (local.set $a (array.new_data $a8 $d (local.get $s) (local.get $n)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (array.len (local.get $a))))
      (local.set $h (i64.add (i64.mul (local.get $h) (i64.const 31))
        (i64.extend_i32_u (array.get_u $a8 (local.get $a) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))
    (local.get $h))
  (func (export "n16") (param $s i32) (param $n i32) (result i64)
    (local $a (ref $a16)) (local $i i32) (local $h i64)
    (local.set $a (array.new_data $a16 $d (local.get $s) (local.get $n)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (array.len (local.get $a))))
      (local.set $h (i64.add (i64.mul (local.get $h) (i64.const 31))
        (i64.extend_i32_u (array.get_u $a16 (local.get $a) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))
    (local.get $h))
  (func $h32 (param $a (ref $a32)) (result i64) (local $i i32) (local $h i64)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (array.len (local.get $a))))
      (local.set $h (i64.add (i64.mul (local.get $h) (i64.const 31))
        (i64.extend_i32_u (array.get $a32 (local.get $a) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))
    (local.get $h))
  (func (export "n32") (param $s i32) (param $n i32) (result i64)
    (call $h32 (array.new_data $a32 $d (local.get $s) (local.get $n))))
  (func (export "init32") (param $at i32) (param $s i32) (param $n i32) (result i64)
    (local $a (ref $a32))
    (local.set $a (array.new_default $a32 (i32.const 8)))
    (array.init_data $a32 $d (local.get $a) (local.get $at) (local.get $s) (local.get $n))
    (call $h32 (local.get $a)))
  (func (export "n64") (param $s i32) (param $n i32) (result i64)
    (local $a (ref $a64)) (local $i i32) (local $h i64)
    (local.set $a (array.new_data $a64 $d (local.get $s) (local.get $n)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (array.len (local.get $a))))
      (local.set $h (i64.add (i64.mul (local.get $h) (i64.const 31))
        (array.get $a64 (local.get $a) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))
    (local.get $h))
  (func (export "elems") (param $s i32) (param $n i32) (result i64)
    (local $a (ref $boxes)) (local $i i32) (local $h i64) (local $b (ref null $box))
    (local.set $a (array.new_elem $boxes $e (local.get $s) (local.get $n)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (array.len (local.get $a))))
      (local.set $b (array.get $boxes (local.get $a) (local.get $i)))
      (local.set $h (i64.add (i64.mul (local.get $h) (i64.const 31))
        (if (result i64) (ref.is_null (local.get $b)) (then (i64.const 1))
          (else (i64.extend_i32_u (struct.get $box 0 (local.get $b)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))
    (local.get $h)))
"""
P = PIECE_BYTES
CALLS = [("n8", (P - 6, 12)), ("n8", (0, 0)), ("n16", (P - 5, 6)), ("n16", (2 * P + 1, 2)),
         ("n32", (P - 2, 3)), ("n32", (2 * P - 2, 1)), ("n32", (2 * P + 2, 1)),
         ("n64", (2 * P - 3, 2)), ("n64", (0, 5)), ("init32", (2, P - 1, 4)),
         ("init32", (6, 0, 3)), ("elems", (0, 3)), ("elems", (1, 3)), ("n8", (2 * P + 5, 0))]


def _wasmtime(wat: str) -> list[str]:
    wasmtime = pytest.importorskip("wasmtime")
    engine = ctool.gc_engine()
    store = wasmtime.Store(engine)
    ex = wasmtime.Instance(store, wasmtime.Module(engine, wat), []).exports(store)
    out = []
    for name, args in CALLS:
        try:
            out.append(str(ex[name](store, *args) & (2**64 - 1)))
        except wasmtime.Trap as e:
            out.append(str(e).splitlines()[-1].rsplit(": ", 1)[-1])
    return out


def _w2c(tmp_path: Path, wat: Path, n: int) -> list[str]:
    exe = tmp_path / f"seg{n}"
    subprocess.run([sys.executable, "-m", "w2c", "build", "--enable-gc", "--num-outputs", str(n),
                    str(wat), "-o", str(exe)], check=True)
    out = []
    for name, args in CALLS:
        p = subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True,
                           env=dict(os.environ, W2C_WASI_INVOKE=name), timeout=60)
        out.append(p.stdout.strip() if p.returncode == 0
                   else p.stderr.strip().rsplit(": ", 1)[-1])
    return [str(int(x) & (2**64 - 1)) if re.fullmatch(r"-?\d+", x) else x for x in out]


def test_segments_across_pieces_agree_with_wasmtime(tmp_path: Path) -> None:
    expected = _wasmtime(SEGMENTS_WAT)
    assert "out of bounds memory access" in expected     # (n32 past the end: the control)
    wat = tmp_path / "seg.wat"
    wat.write_text(SEGMENTS_WAT)
    for n in (1, 3):
        got = _w2c(tmp_path, wat, n)
        assert got == expected, n
