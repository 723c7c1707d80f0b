"""Constant function tables (w2c/emit/tables.py): which tables qualify, and
that code using them runs right (call_indirect through one, and a funcref
read from one and called through another table, which needs the instance
table.get adds).  The spec suite's call_indirect, elem, table* and linking
files run through constant tables too (tests/spec)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from w2c.emit.consts import NULL_CODE
from w2c.emit.tables import const_tables
from w2c.features import Features
from w2c.parse import decode_module

HERE = Path(__file__).resolve().parent

BASE = """
  (type $v (func))
  (func $f0) (func $f1)
"""


def plan(wat2wasm, body: str) -> dict:
    return const_tables(decode_module(wat2wasm(f"(module {BASE} {body})"), Features()),
                        Features())


def test_a_plain_table_is_constant(wat2wasm):
    p = plan(wat2wasm, """(table 4 funcref) (elem (i32.const 1) func $f1 $f0)
                          (func (call_indirect (type $v) (i32.const 0)))""")
    assert p == {0: [NULL_CODE, 1, 0, NULL_CODE]}


@pytest.mark.parametrize("why, body", [
    ("exported", "(table (export \"t\") 2 funcref) (elem (i32.const 0) func $f0)"),
    ("table.set", "(table 2 funcref) (func (table.set 0 (i32.const 0) (ref.null func)))"),
    ("table.grow", "(table 2 funcref) (func (drop (table.grow 0 (ref.null func) (i32.const 1))))"),
    ("table.fill", "(table 2 funcref) (func (table.fill 0 (i32.const 0) (ref.null func) (i32.const 1)))"),
    ("table.init", "(table 2 funcref) (elem $e func $f0) (func (table.init 0 $e (i32.const 0) (i32.const 0) (i32.const 1)))"),
    ("copied into", "(table 2 funcref) (table 2 funcref) (func (table.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 1)))"),
    ("segment out of bounds", "(table 2 funcref) (elem (i32.const 1) func $f0 $f1)"),
    ("externref", "(table 2 externref)"),
    ("2^32-1 elements (was a MemoryError)", "(table 0xffffffff funcref)"),
    ("more than MAX_CONST_TABLE", "(table 65537 funcref) (elem (i32.const 0) func $f0)"),
])
def test_not_constant(wat2wasm, why, body):
    assert 0 not in plan(wat2wasm, body), why


def test_copied_from_is_not_constant_either(wat2wasm):
    p = plan(wat2wasm, """(table 2 funcref) (table 2 funcref)
                          (func (table.copy 1 0 (i32.const 0) (i32.const 0) (i32.const 1)))""")
    assert p == {}


def test_offset_from_a_global_is_not_constant(wat2wasm):
    wasm = wat2wasm("""(module (import "m" "g" (global i32)) (func $f0) (table 2 funcref)
                        (elem (offset (global.get 0)) func $f0))""")
    assert const_tables(decode_module(wasm, Features()), Features()) == {}


def test_imported_function_in_segment_is_not_constant(wat2wasm):
    wasm = wat2wasm("""(module (import "m" "f" (func $imp)) (table 1 funcref)
                        (elem (i32.const 0) func $imp))""")
    assert const_tables(decode_module(wasm, Features()), Features()) == {}


def test_funcref_read_from_a_constant_table_keeps_its_instance(wat2wasm, tmp_path):
    if shutil.which("cc") is None:
        pytest.skip("no C compiler (cc)")
    wasm = tmp_path / "ct.wasm"
    wasm.write_bytes(wat2wasm((HERE / "const_table.wat").read_text()))
    out = tmp_path / "c" / "ct.c"
    p = subprocess.run([sys.executable, "-m", "w2c", "compile", str(wasm), "-o", str(out)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    text = out.read_text()
    assert "static const w2c_funcref ct_t0_const[3]" in text       # $t0 is constant
    assert "ct_t1_const" not in text                                # $t1 is exported
    exe = tmp_path / "ct"
    p = subprocess.run([sys.executable, "-m", "w2c", "build", str(wasm), "-o", str(exe)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert subprocess.run([str(exe)]).returncode == 42
