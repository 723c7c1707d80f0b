"""memory64 (64-bit memories and tables) in the decoder and validator: the
limits flag 0x04 of memories and tables, u64 offsets, and the address type
(i32 or i64) of each memory and table deciding the operand types of its
instructions, with the spec interpreter's error words.  Modules are made by
wat2wasm --no-check (memory64 and multi-memory on), so invalid ones can be."""
from __future__ import annotations

import pytest

from w2c.errors import UnsupportedFeature, ValidationError
from w2c.features import Features
from w2c.module import I32, I64
from w2c.parse import check_module
from w2c.parse.code import body_instructions, decode_body

FLAGS: tuple[str, ...] = ()   # (wat2wasm 1.0.42: memory64 and multi-memory by default)


def features() -> Features:
    f = Features()
    f.enable("memory64")
    f.enable("multi-memory")
    return f


def wasm(wat2wasm, text: str) -> bytes:
    return wat2wasm(f"(module {text})", *FLAGS, check=False)


def invalid(wat2wasm, text: str) -> str:
    with pytest.raises(ValidationError) as e:
        check_module(wasm(wat2wasm, text), features())
    return e.value.message


def test_limits_decode(wat2wasm):
    m = check_module(wasm(wat2wasm, "(memory i64 1 0x1000000000000) (table i64 5 0x100000000 "
                                    "funcref) (memory 1 2)"), features())
    assert m.mems[0].limits.is64 and m.mems[0].limits.max == 1 << 48
    assert not m.mems[1].limits.is64
    assert m.tables[0].limits.is64 and m.tables[0].limits.max == 1 << 32


@pytest.mark.parametrize("text", ["(memory i64 1)", "(table i64 1 funcref)"])
def test_on_by_default_and_can_be_disabled(wat2wasm, text):
    check_module(wasm(wat2wasm, text))
    off = Features()
    off.disable("memory64")
    with pytest.raises(UnsupportedFeature) as e:
        check_module(wasm(wat2wasm, text), off)
    assert e.value.message.startswith("unsupported feature: memory64")


def test_memory_limit(wat2wasm):
    assert invalid(wat2wasm, "(memory i64 0x1000000000001)").startswith(
        "memory size must be at most")


VALID = [
    # addresses, offsets past 4 GiB, sizes in i64
    "(memory i64 1) (func (param i64) (result i32) (i32.load offset=0x100000000 (local.get 0)))",
    "(memory i64 1) (func (param i64 v128) (v128.store (local.get 0) (local.get 1)))",
    "(memory i64 1) (func (result i64) (memory.grow (memory.size)))",
    "(memory i64 1) (func (memory.fill (i64.const 0) (i32.const 1) (i64.const 2)))",
    "(memory i64 1) (data \"x\") (func (memory.init 0 (i64.const 0) (i32.const 0) (i32.const 1)))",
    "(memory i64 1) (data (i64.const 8) \"x\")",
    # memory.copy between a 32- and a 64-bit memory: the length is i32
    "(memory $a 1) (memory $b i64 1) "
    "(func (memory.copy $a $b (i32.const 0) (i64.const 0) (i32.const 1)))",
    "(memory $a 1) (memory $b i64 1) "
    "(func (memory.copy $b $a (i64.const 0) (i32.const 0) (i32.const 1)))",
    "(memory $b i64 1) (func (memory.copy (i64.const 0) (i64.const 0) (i64.const 1)))",
    # tables
    "(table i64 1 funcref) (func (result i32) (call_indirect (result i32) (i64.const 0)))",
    "(table i64 1 funcref) (func (result i64) (table.grow (ref.null func) (table.size)))",
    "(table i64 1 funcref) (func (result funcref) (table.get (i64.const 0)))",
    "(table i64 1 funcref) (func (table.set (i64.const 0) (ref.null func)))",
    "(table i64 1 funcref) (func (table.fill (i64.const 0) (ref.null func) (i64.const 1)))",
    "(table i64 1 funcref) (elem (i64.const 0) func $f) (func $f)",
    "(table i64 1 funcref) (elem func $f) (func $f (table.init 0 (i64.const 0) (i32.const 0) "
    "(i32.const 1)))",
    "(table $a 1 funcref) (table $b i64 1 funcref) "
    "(func (table.copy $a $b (i32.const 0) (i64.const 0) (i32.const 1)))",
]


@pytest.mark.parametrize("text", VALID)
def test_valid(wat2wasm, text):
    check_module(wasm(wat2wasm, text), features())


INVALID = [
    ("(memory i64 1) (func (drop (i32.load (i32.const 0))))", "type mismatch"),
    ("(memory 1) (func (drop (i32.load (i64.const 0))))", "type mismatch"),
    ("(memory i64 1) (func (result i32) (memory.size))", "type mismatch"),
    ("(memory i64 1) (func (drop (memory.grow (i32.const 1))))", "type mismatch"),
    ("(memory i64 1) (func (memory.fill (i64.const 0) (i32.const 1) (i32.const 2)))",
     "type mismatch"),
    ("(memory i64 1) (data (i32.const 0) \"x\")", "type mismatch"),
    ("(memory 1) (data (i64.const 0) \"x\")", "type mismatch"),
    ("(memory $a 1) (memory $b i64 1) "
     "(func (memory.copy $a $b (i32.const 0) (i64.const 0) (i64.const 1)))", "type mismatch"),
    ("(table i64 1 funcref) (func (call_indirect (i32.const 0)))", "type mismatch"),
    ("(table i64 1 funcref) (func (result i32) (table.size))", "type mismatch"),
    ("(table i64 1 funcref) (elem (i32.const 0) func $f) (func $f)", "type mismatch"),
    ("(table $a 1 funcref) (table $b i64 1 funcref) "
     "(func (table.copy $a $b (i32.const 0) (i64.const 0) (i64.const 1)))", "type mismatch"),
    ("(table $a 1 funcref) (table $b i64 1 funcref) "
     "(func (table.copy $a $b (i64.const 0) (i64.const 0) (i32.const 1)))", "type mismatch"),
]


@pytest.mark.parametrize("text,words", INVALID)
def test_invalid(wat2wasm, text, words):
    assert invalid(wat2wasm, text).startswith(words)


def _with_offset(data: bytes, old: bytes, new: bytes) -> bytes:
    """data with the (only) memarg offset LEB128 `old` replaced by `new`, and
    the code section's and body's sizes fixed (one byte each here)."""
    i = data.index(old)
    grow = len(new) - len(old)
    out = bytearray(data[:i] + new + data[i + len(old):])
    code = data.rindex(b"\x0a", 0, i)      # the code section's id byte
    out[code + 1] += grow                  # section size
    out[code + 3] += grow                  # the body's size (one function)
    return bytes(out)


@pytest.mark.parametrize("is64,ok", [(False, False), (True, True)])
def test_offset_range(wat2wasm, is64, ok):
    """An offset of 2^32 is an i64 memory's right; for an i32 memory it is
    "offset out of range" (memory64 reads offsets as u64)."""
    mem = "i64 1" if is64 else "1"
    addr = "i64" if is64 else "i32"
    data = wasm(wat2wasm, f"(memory {mem}) (func (result i32) "
                          f"(i32.load offset=0x5a5a ({addr}.const 0)))")
    data = _with_offset(data, b"\xda\xb4\x01", b"\x80\x80\x80\x80\x10")   # 0x5a5a -> 2^32
    if ok:
        check_module(data, features())
        return
    with pytest.raises(ValidationError) as e:
        check_module(data, features())
    assert e.value.message.startswith("offset out of range")


def test_variants_on_the_stream(wat2wasm):
    """Only instructions on a 64-bit memory get their i64 variant."""
    f = features()
    m = check_module(wasm(wat2wasm, "(memory $a 1) (memory $b i64 1) (func "
                                    "(drop (i32.load $a (i32.const 0))) "
                                    "(drop (i32.load $b (i64.const 0))))"), f)
    loads = [op for _, op, _ in body_instructions(decode_body(m, 0, f), f, m)
             if op.name == "i32.load"]
    assert [op.params for op in loads] == [(I32,), (I64,)]


@pytest.mark.parametrize("text", ["(memory i64 1)", "(table i64 1 funcref)"])
def test_features_used(wat2wasm, text):
    """`w2c info` names memory64 for a 64-bit memory and a 64-bit table."""
    assert "memory64" in check_module(wasm(wat2wasm, text), features()).features_used
