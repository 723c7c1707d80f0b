"""Validation rules, one test per rule, on modules assembled by wat2wasm
(--no-check, so invalid modules can be built)."""
import pytest

from w2c.errors import ValidationError
from w2c.parse import check_module


def invalid(wat2wasm, text: str) -> ValidationError:
    with pytest.raises(ValidationError) as e:
        check_module(wat2wasm(text, check=False))
    return e.value


VALID = [
    # unreachable code is stack-polymorphic
    "(func (result i32) unreachable i32.add)",
    "(func (result i32) (block (result i32) (br 0 (i32.const 1)) i64.const 0 drop))",
    "(func unreachable select drop)",
    # multi-value blocks and functions
    "(func (result i32 i64) i32.const 1 i64.const 2)",
    "(type $t (func (param i32) (result i32 i32))) "
    "(func (result i32 i32) i32.const 1 (block (type $t) (param i32) (result i32 i32) i32.const 2))",
    "(func (param i32) (result i32) local.get 0 (if (result i32) (then i32.const 1) (else i32.const 2)))",
    "(func (result i32) (loop (result i32) i32.const 0 br_if 0 i32.const 1))",
    "(func (param i32) (block (block (br_table 0 1 0 (local.get 0)))))",
    # typed select and reference types
    "(func (result externref) ref.null extern ref.null extern i32.const 0 select (result externref))",
    "(table 1 funcref) (func $f (result funcref) ref.func $f) (elem declare func $f)",
    "(table 1 externref) (func (param externref) (table.set 0 (i32.const 0) (local.get 0)))",
    "(memory 1) (func (param i32) (result i32) (i32.load align=4 (local.get 0)))",
    "(memory 1) (data \"x\") (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop 0))",
    "(global (import \"m\" \"g\") i32) (global i32 (global.get 0))",
    "(global (mut i32) (i32.const 0)) (func (global.set 0 (i32.const 1)))",
    "(func $s) (start $s)",
]


@pytest.mark.parametrize("body", VALID)
def test_valid(wat2wasm, body):
    check_module(wat2wasm(f"(module {body})"))


INVALID = [
    ("(func (result i32) i64.const 0)", "type mismatch: expected i32, got i64"),
    ("(func (result i32))", "type mismatch"),
    ("(func i32.const 0)", "type mismatch"),
    ("(func (result f64) f32.const 0 f64.const 0 f64.add)", "type mismatch"),
    ("(func (block (result i32) i32.const 0) drop i32.const 1)", "type mismatch"),
    ("(func (param i32) (if (result i32) (local.get 0) (then i32.const 1)) drop)", "type mismatch"),
    ("(func local.get 0 drop)", "unknown local 0"),
    ("(func global.get 3 drop)", "unknown global 3"),
    ("(global i32 (i32.const 0)) (func i32.const 1 global.set 0)", "global is immutable"),
    ("(func br 1)", "unknown label 1"),
    ("(func call 5)", "unknown function 5"),
    ("(func (block (result i32) (block (br_table 0 1 (i32.const 0) (i32.const 0)))) drop)", "type mismatch"),
    ("(func i32.const 0 i32.load drop)", "unknown memory 0"),
    ("(memory 1) (func i32.const 0 i32.load align=8 drop)",
     "alignment must not be larger than natural"),
    ("(func ref.null extern ref.null extern i32.const 0 select drop)", "type mismatch"),
    ("(func $f ref.func $f drop)", "undeclared function reference"),
    ("(func (result v128) v128.const i64x2 0 0 i8x16.extract_lane_s 16 drop v128.const i64x2 0 0)",
     "invalid lane index"),
    ("(memory 1) (func (data.drop 0))", "unknown data segment 0"),
    ("(table 1 funcref) (func (elem.drop 2))", "unknown elem segment 2"),
    ("(func (call_indirect (i32.const 0)))", "unknown table 0"),
    ("(table 1 externref) (func (call_indirect (i32.const 0)))", "type mismatch"),
    ("(table 1 funcref) (table 1 externref) (func (table.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 0)))",
     "type mismatch"),
    ("(memory 2 1)", "size minimum must not be greater than maximum"),
    ("(memory 65537)", "memory size must be at most 65536 pages (4GiB)"),
    ("(func (export \"a\")) (func (export \"a\"))", "duplicate export name"),
    ("(func $s (param i32)) (start $s)", "start function"),
    ("(global i32 (i32.ctz (i32.const 1)))", "constant expression required"),
    ("(global i32 (i64.const 0))", "type mismatch"),
    ("(global i32 (global.get 1)) (global i32 (i32.const 0))", "unknown global 1"),
    ("(global (import \"m\" \"g\") (mut i32)) (global i32 (global.get 0))",
     "constant expression required"),
    ("(table 1 funcref) (elem (i64.const 0) func)", "type mismatch"),
    ("(memory 1) (data (offset i32.const 0 i32.const 0) \"\")", "type mismatch"),
]


@pytest.mark.parametrize("body,msg", INVALID)
def test_invalid(wat2wasm, body, msg):
    assert invalid(wat2wasm, f"(module {body})").message.startswith(msg)


def test_error_location(wat2wasm):
    e = invalid(wat2wasm, "(module (func) (func $foo (result i32) nop nop f64.const 1))")
    assert e.func == 1 and e.func_name is None or e.func_name == "foo"
    text = e.format("m.wasm")
    assert text.startswith("m.wasm:0x") and ": in func 1" in text
    assert text.endswith("type mismatch: expected i32, got f64")


def test_function_name_in_location(wat2wasm):
    data = wat2wasm("(module (func $foo (result i32) f64.const 1))", check=False, debug_names=True)
    with pytest.raises(ValidationError) as e:
        check_module(data)
    assert "in func 0 ($foo): type mismatch" in e.value.format("m.wasm")


def test_malformed_body_beats_invalid_earlier_body():
    # func 0 invalid (i64 result for i32), func 1 malformed (illegal opcode 0xff):
    # the spec calls the module malformed.
    hdr = b"\0asm\x01\0\0\0"
    types = b"\x01\x05\x01\x60\x00\x01\x7f"
    funcs = b"\x03\x03\x02\x00\x00"
    code = b"\x0a\x0a\x02\x04\x00\x42\x00\x0b\x03\x00\xff\x0b"
    from w2c.errors import DecodeError
    with pytest.raises(DecodeError, match="illegal opcode"):
        check_module(hdr + types + funcs + code)
