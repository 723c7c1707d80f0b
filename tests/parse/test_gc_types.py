"""GC types in the decoder and validator (w2c.parse.decode_types,
w2c.parse.validate_types, w2c.valtypes): rec groups, sub types, struct and
array types with packed fields, iso-recursive equivalence, the declared
hierarchy and the abstract heap types.  Valid modules validate with the gc
feature and name it when it is off; invalid ones give the spec
interpreter's wording.  Modules are made by `wasm-tools parse`."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.wat import parse_wat
from w2c.errors import UnsupportedFeature, ValidationError
from w2c.features import Features
from w2c.module import PACKED_I8, PACKED_I16, ArrayType, StructType
from w2c.parse import check_module
from w2c.parse.decode import decode_module
from w2c.valtypes import (
    HT_ANY,
    HT_ARRAY,
    HT_EQ,
    HT_EXTERN,
    HT_FUNC,
    HT_I31,
    HT_NOEXTERN,
    HT_NOFUNC,
    HT_NONE,
    HT_STRUCT,
    concrete,
    heap_sub,
    ref_type,
    val_sub,
)


def gc() -> Features:
    f = Features()
    f.enable("gc")
    return f


def no_gc() -> Features:
    """--disable-gc."""
    f = Features()
    f.disable("gc")
    return f


VALID = [
    ("struct-packed", "(module (type (struct (field i8) (field (mut i16)) (field i64))))"),
    ("array", "(module (type (array (mut f32))))"),
    ("rec-forward", "(module (rec (type $a (struct (field (ref null $b)))) "
                    "(type $b (struct (field (ref null $a))))))"),
    ("sub-struct", "(module (type $a (sub (struct (field i32)))) "
                   "(type $b (sub $a (struct (field i32) (field i64)))))"),
    ("sub-immutable-covariant", "(module (type $a (sub (struct (field anyref)))) "
                                "(type $b (sub $a (struct (field (ref i31))))))"),
    ("sub-func", "(module (type $a (sub (func (param (ref any)) (result anyref)))) "
                 "(type $b (sub $a (func (param anyref) (result (ref eq))))))"),
    ("equivalent-groups", "(module (rec (type $a (struct (field (ref null $a))))) "
                          "(rec (type $b (struct (field (ref null $b))))) "
                          "(func (param (ref $a)) (result (ref $b)) (local.get 0)))"),
    ("concrete-to-abstract", "(module (type $s (struct)) (type $v (array i8)) "
                             "(func (param (ref $s) (ref $v)) (result eqref structref arrayref) "
                             "(local.get 0) (local.get 0) (local.get 1)))"),
    ("declared-upcast", "(module (type $a (sub (struct))) (type $b (sub $a (struct (field i32)))) "
                        "(func (param (ref $b)) (result (ref $a)) (local.get 0)))"),
    ("none-below", "(module (type $s (struct)) (func (result (ref null $s) eqref i31ref) "
                   "(ref.null none) (ref.null none) (ref.null none)))"),
]

INVALID = [
    ("final-super", "(module (type $a (struct)) (type $b (sub $a (struct))))",
     "sub type 1 has final super type 0"),
    ("mutable-covariant", "(module (type $a (sub (struct (field (mut anyref))))) "
                          "(type $b (sub $a (struct (field (mut eqref))))))",
     "sub type 1 does not match super type 0"),
    ("mutability", "(module (type $a (sub (struct (field i32)))) "
                   "(type $b (sub $a (struct (field (mut i32))))))",
     "sub type 1 does not match super type 0"),
    ("kind", "(module (type $a (sub (array i32))) (type $b (sub $a (struct))))",
     "sub type 1 does not match super type 0"),
    ("fewer-fields", "(module (type $a (sub (struct (field i32)))) (type $b (sub $a (struct))))",
     "sub type 1 does not match super type 0"),
    ("packed-vs-i32", "(module (type $a (sub (array i8))) (type $b (sub $a (array i32))))",
     "sub type 1 does not match super type 0"),
    ("outside-rec", "(module (type $a (struct (field (ref $b)))) (type $b (struct)))",
     "unknown type"),
    ("inequivalent-groups", "(module (rec (type $a (struct (field (ref null $a)))) "
                            "(type (struct))) (rec (type $b (struct (field (ref null $b))))) "
                            "(func (param (ref $a)) (result (ref $b)) (local.get 0)))",
     "type mismatch"),
    ("struct-not-func", "(module (type $s (struct)) (func (type $s)))", "non-function type 0"),
    ("later-super", "(module (rec (type $a (sub $b (struct))) (type $b (sub (struct)))))",
     "unknown type 1"),
    ("self-super", "(module (rec (type $a (sub $a (struct)))))", "unknown type 0"),
    ("array-mutable-covariant", "(module (type $a (sub (array (mut anyref)))) "
                                "(type $b (sub $a (array (mut eqref)))))",
     "sub type 1 does not match super type 0"),
    ("func-param-covariant", "(module (type $a (sub (func (param eqref)))) "
                             "(type $b (sub $a (func (param (ref i31))))))",
     "sub type 1 does not match super type 0"),
    ("extern-not-any", "(module (func (param externref) (result anyref) (local.get 0)))",
     "type mismatch"),
]


@pytest.mark.parametrize("name,text", VALID, ids=[c[0] for c in VALID])
def test_valid(tmp_path, name, text):
    data = parse_wat(tmp_path, text).read_bytes()
    check_module(data, gc())
    check_module(data)          # (on by default)
    with pytest.raises(UnsupportedFeature, match="gc"):
        check_module(data, no_gc())


@pytest.mark.parametrize("name,text,message", INVALID, ids=[c[0] for c in INVALID])
def test_invalid(tmp_path, name, text, message):
    data = parse_wat(tmp_path, text).read_bytes()
    with pytest.raises(ValidationError) as e:
        check_module(data, gc())
    assert e.value.message.startswith(message), e.value


def test_decoded_types(tmp_path):
    data = parse_wat(tmp_path, "(module (rec (type (sub (struct (field i8) (field (mut i16))))) "
                               "(type (sub final (array (mut (ref null 0)))))))").read_bytes()
    m = decode_module(data, gc())
    s, a = m.types
    assert isinstance(s, StructType) and isinstance(a, ArrayType)
    assert [f.storage for f in s.fields] == [PACKED_I8, PACKED_I16]
    assert [f.mutable for f in s.fields] == [False, True]
    assert a.field.mutable and a.field.storage == ref_type(concrete(0), True)
    assert m.subtypes is not None
    assert [(t.final, t.group, t.size) for t in m.subtypes] == [(False, 0, 2), (True, 0, 2)]


def test_function_types_only_keep_no_subtypes(tmp_path):
    """A module of plain function types decodes as before with gc on."""
    data = parse_wat(tmp_path, "(module (type (func)) (type (func (param i32))))").read_bytes()
    assert decode_module(data, gc()).subtypes is None


def test_abstract_hierarchy():
    for below, above in [(HT_I31, HT_EQ), (HT_STRUCT, HT_EQ), (HT_ARRAY, HT_EQ),
                         (HT_EQ, HT_ANY), (HT_NONE, HT_I31), (HT_NONE, HT_ANY),
                         (HT_NOFUNC, HT_FUNC), (HT_NOEXTERN, HT_EXTERN)]:
        assert heap_sub(below, above, []), (below, above)
        assert not heap_sub(above, below, []), (above, below)
    for a, b in [(HT_I31, HT_STRUCT), (HT_ANY, HT_EXTERN), (HT_EXTERN, HT_ANY),
                 (HT_NONE, HT_FUNC), (HT_FUNC, HT_ANY), (HT_NOFUNC, HT_ANY)]:
        assert not heap_sub(a, b, []), (a, b)
    assert val_sub(ref_type(HT_NONE, False), ref_type(HT_STRUCT, True), [])
    assert not val_sub(ref_type(HT_STRUCT, True), ref_type(HT_STRUCT, False), [])



def test_cli_validate_gc(tmp_path):
    """w2c validate accepts a GC module (gc is on by default, and with
    --enable-gc); with --disable-gc the feature is named."""
    wasm = parse_wat(tmp_path, "(module (type (struct (field i8))))")
    for flags in ([], ["--enable-gc"]):
        ok = subprocess.run([sys.executable, "-m", "w2c", "validate", *flags, str(wasm)],
                            capture_output=True, text=True)
        assert ok.returncode == 0, ok.stderr
    off = subprocess.run([sys.executable, "-m", "w2c", "validate", "--disable-gc", str(wasm)],
                         capture_output=True, text=True)
    assert off.returncode == 1 and "unsupported feature: gc" in off.stderr, off.stderr
