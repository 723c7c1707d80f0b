"""Decoding and validation of exception handling (--enable-exceptions): the
tag section, tag imports and exports, exnref, try_table's catch clauses,
throw/throw_ref and the legacy try/catch/catch_all/delegate/rethrow, with
the spec interpreter's words for the errors.  Modules are assembled by
wat2wasm (--no-check, so invalid ones can be built); malformed ones by hand."""
from __future__ import annotations

import pytest

from w2c.errors import DecodeError, UnsupportedFeature, ValidationError
from w2c.features import Features
from w2c.parse import check_module


def _features() -> Features:
    f = Features()
    f.enable("exceptions")
    return f


def invalid(wat2wasm, text: str) -> ValidationError:
    with pytest.raises(ValidationError) as e:
        check_module(wat2wasm(f"(module {text})", check=False), _features())
    return e.value


VALID = [
    "(tag $e (param i32)) (func (param i32) (throw $e (local.get 0)))",
    "(tag $e) (func (block $h (try_table (catch $e $h) (throw $e))))",
    "(tag $e (param i64)) (func (result i64) "
    "(block $h (result i64) (try_table (catch $e $h) (throw $e (i64.const 1))) (i64.const 0)))",
    "(tag $e) (func (result exnref) "
    "(block $h (result exnref) (try_table (catch_ref $e $h) (throw $e)) (ref.null exn)))",
    "(func (block $h (result exnref) (try_table (catch_all_ref $h)) (ref.null exn)) (throw_ref))",
    "(func (block $h (try_table (catch_all $h))))",
    "(func (param exnref) (result i32) (ref.is_null (local.get 0)))",
    "(global (mut exnref) (ref.null exn))",
    "(tag (import \"m\" \"t\") (param f32)) (tag $e) (export \"e\" (tag $e))",
    # legacy
    "(tag $e (param i32)) (func (result i32) "
    "(try (result i32) (do (i32.const 1)) (catch $e) (catch_all (i32.const 2))))",
    "(tag $e) (func (try (do (throw $e)) (catch $e (rethrow 0))))",
    "(tag $e) (func (try (do (try (do (throw $e)) (delegate 0))) (catch_all)))",
]


@pytest.mark.parametrize("text", VALID)
def test_valid(wat2wasm, text):
    check_module(wat2wasm(f"(module {text})"), _features())


INVALID = [
    ("(func (throw 0))", "unknown tag 0"),
    ("(tag (param i32)) (func (throw 0))", "type mismatch"),
    ("(tag (param i32)) (func (i64.const 5) (throw 0))", "type mismatch: expected i32, got i64"),
    ("(type (func (result i32))) (tag (type 0))", "non-empty tag result type"),
    ("(func (throw_ref))", "type mismatch"),
    ("(func (i32.const 0) (throw_ref))", "type mismatch: expected exnref, got i32"),
    ("(tag $e (param i32)) (func (block $h (try_table (catch $e $h))))",
     "type mismatch: expected nothing, got i32"),
    ("(func (block $h (try_table (catch_all_ref $h))))",
     "type mismatch: expected nothing, got (ref exn)"),
    ("(func (block $h (result i32) (try_table (catch_all $h)) (i32.const 0)) (drop))",
     "type mismatch: expected i32, got nothing"),
    ("(func (try_table (catch_all 1)))", "unknown label 1"),
    ("(func (try (do) (catch_all (rethrow 1))))", "invalid rethrow label"),
    ("(func (block (rethrow 0)))", "invalid rethrow label"),
    ("(func (try (do) (delegate 1)))", "unknown label 1"),
    ("(tag $e (param i32)) (func (try (do) (catch $e)))", "type mismatch"),
]


@pytest.mark.parametrize("text,message", INVALID, ids=[m for _, m in INVALID])
def test_invalid(wat2wasm, text, message):
    assert invalid(wat2wasm, text).message.startswith(message)


def test_export_of_an_unknown_tag(wat2wasm):
    assert invalid(wat2wasm, '(export "t" (tag 0))').message == "unknown tag 0"


HEADER = b"\0asm\x01\0\0\0"
TYPE_EMPTY = b"\x01\x04\x01\x60\x00\x00"          # type 0: [] -> []


def test_malformed_tag_attribute():
    with pytest.raises(DecodeError) as e:
        check_module(HEADER + TYPE_EMPTY + b"\x0d\x03\x01\x01\x00", _features())
    assert e.value.message == "malformed tag attribute"


def test_malformed_catch_clause():
    # func [] -> [] { try_table (catch kind 4) end end }
    body = b"\x00\x1f\x40\x01\x04\x00\x0b\x0b"
    code = b"\x0a" + bytes([len(body) + 2, 1, len(body)]) + body
    data = HEADER + TYPE_EMPTY + b"\x03\x02\x01\x00" + code
    with pytest.raises(DecodeError) as e:
        check_module(data, _features())
    assert e.value.message == "malformed catch clause"


@pytest.mark.parametrize("text", ["(tag $e)", "(func (local exnref))",
                                  "(func (block $h (try_table (catch_all $h))))"])
def test_on_by_default_and_can_be_disabled(wat2wasm, text):
    check_module(wat2wasm(f"(module {text})"))
    off = Features()
    off.disable("exceptions")
    with pytest.raises(UnsupportedFeature) as e:
        check_module(wat2wasm(f"(module {text})"), off)
    assert e.value.message.startswith("unsupported feature: exceptions")
