"""Validation of the GC instructions (w2c.parse.validate_gc): every entry's
snippet of tests/test_opcodes.py (which wasm-tools accepts) validates with
w2c too, the typing rules that go beyond a fixed stack effect (casts,
br_on_cast, conversions, packed fields, constant expressions) hold, and
invalid uses give the spec interpreter's wording.  Modules are made by
`wasm-tools parse`."""
from __future__ import annotations

import pytest

from tests.support.wat import parse_wat
from tests.test_opcodes import SPECIAL
from w2c import opcodes as O
from w2c.errors import UnsupportedFeature, ValidationError
from w2c.features import Features
from w2c.parse import check_module

GC_OPS = [op.name for op in O.OPS if op.feature == "gc"]


def gc() -> Features:
    f = Features()
    f.enable("gc")
    return f


def no_gc() -> Features:
    """--disable-gc."""
    f = Features()
    f.disable("gc")
    return f


@pytest.mark.parametrize("name", GC_OPS)
def test_snippet_validates(tmp_path, name):
    data = parse_wat(tmp_path, SPECIAL[name].module()).read_bytes()
    check_module(data, gc())
    check_module(data)          # (on by default)
    with pytest.raises(UnsupportedFeature, match="gc"):
        check_module(data, no_gc())


S = "(type $s (sub (struct (field (mut i32)) (field i8)))) "
A = "(type $a (array (mut i32))) (type $c (array i32)) (type $b (array (mut i8))) "

VALID = [
    ("cast-keeps-rest", S + "(func (param anyref) (result anyref) (block (result (ref $s)) "
                            "(br_on_cast 0 anyref (ref $s) (local.get 0)) return) drop "
                            "(ref.null any))"),
    ("cast-fail-narrows", S + "(func (param anyref) (result (ref null $s)) "
                              "(block (result anyref) "
                              "(br_on_cast_fail 0 anyref (ref null $s) (local.get 0)) return)"
                              " drop (ref.null $s))"),
    ("cast-nullable-removes-null", S + "(func (param anyref) (result (ref any)) "
                                       "(block (result (ref null $s)) "
                                       "(br_on_cast 0 anyref (ref null $s) (local.get 0)) "
                                       "return) drop unreachable)"),
    ("convert-keeps-non-null", "(func (param (ref extern)) (result (ref any)) "
                               "(any.convert_extern (local.get 0)))"),
    ("i31-is-eq", "(func (result i32) (ref.eq (ref.i31 (i32.const 1)) (ref.null none)))"),
    ("packed-get-s", S + "(func (param (ref $s)) (result i32) (struct.get_s $s 1 (local.get 0)))"),
    ("subtype-to-array-len", A + "(func (param (ref $a)) (result i32) "
                                 "(array.len (local.get 0)))"),
    ("copy-from-immutable", A + "(func (param (ref $a) (ref $c)) (array.copy $a $c "
                                "(local.get 0) (i32.const 0) (local.get 1) (i32.const 0) "
                                "(i32.const 1)))"),
    ("const-struct-global", S + "(global (ref $s) (struct.new $s (i32.const 1) (i32.const 2)))"),
    ("const-array-global", A + "(global (ref $a) (array.new_fixed $a 2 (i32.const 1) "
                               "(i32.const 2)))"),
    ("const-i31", "(global (ref i31) (ref.i31 (i32.const 7)))"),
    ("test-funcref", "(type $f (func)) (func (param funcref) (result i32) "
                     "(ref.test (ref $f) (local.get 0)))"),
]

INVALID = [
    ("struct-set-immutable", S + "(func (param (ref $s)) (struct.set $s 1 (local.get 0) "
                                 "(i32.const 0)))", "field is immutable"),
    ("array-set-immutable", A + "(func (param (ref $c)) (array.set $c (local.get 0) "
                                "(i32.const 0) (i32.const 0)))", "array is immutable"),
    ("get-packed", S + "(func (param (ref $s)) (result i32) (struct.get $s 1 (local.get 0)))",
     "type mismatch"),
    ("get-s-unpacked", S + "(func (param (ref $s)) (result i32) "
                           "(struct.get_s $s 0 (local.get 0)))", "type mismatch"),
    ("copy-mismatch", A + "(func (param (ref $a) (ref $b)) (array.copy $a $b "
                          "(local.get 0) (i32.const 0) (local.get 1) (i32.const 0) "
                          "(i32.const 1)))", "array types do not match"),
    ("new-data-refs", "(type $r (array (mut anyref))) (data \"\") (func (result (ref $r)) "
                      "(array.new_data $r 0 (i32.const 0) (i32.const 0)))",
     "array type is not numeric or vector"),
    ("cast-across-hierarchies", S + "(func (param externref) (result (ref null $s)) "
                                    "(ref.cast (ref null $s) (local.get 0)))", "type mismatch"),
    ("br-on-cast-not-sub", S + "(func (param (ref null $s)) (result anyref) "
                               "(block (result anyref) (br_on_cast 0 (ref null $s) eqref "
                               "(local.get 0)) ) )", "type mismatch"),
    ("struct-not-array", S + "(func (param (ref $s)) (result i32) (array.len (local.get 0)))",
     "type mismatch"),
    ("new-default-non-null", "(type $n (struct (field (ref any)))) "
                             "(func (drop (struct.new_default $n)))", "type mismatch"),
    ("const-array-new-data", A + "(data \"\") (global (ref $a) (array.new_data $a 0 "
                                 "(i32.const 0) (i32.const 0)))", "constant expression required"),
]


@pytest.mark.parametrize("name,body", VALID, ids=[c[0] for c in VALID])
def test_valid(tmp_path, name, body):
    check_module(parse_wat(tmp_path, f"(module {body})").read_bytes(), gc())


@pytest.mark.parametrize("name,body,message", INVALID, ids=[c[0] for c in INVALID])
def test_invalid(tmp_path, name, body, message):
    data = parse_wat(tmp_path, f"(module {body})").read_bytes()
    with pytest.raises(ValidationError) as e:
        check_module(data, gc())
    assert e.value.message.startswith(message), e.value


def test_unknown_field(tmp_path):
    """wasm-tools' text parser checks field indices itself: patch the binary."""
    text = "(module (type $s (struct (field i32))) (func (param (ref $s)) (result i32) " \
           "(struct.get $s 0 (local.get 0))))"
    data = bytearray(parse_wat(tmp_path, text).read_bytes())
    i = data.index(bytes([0xFB, 0x02, 0x00, 0x00]))
    data[i + 3] = 5
    with pytest.raises(ValidationError, match="unknown field 5"):
        check_module(bytes(data), gc())
