"""Typed function references in the decoder and validator (w2c.valtypes,
w2c.parse.validate_ref): valid modules validate with the defaults and name
the feature when it is off; invalid ones give the spec interpreter's
wording.  Modules are made by `wasm-tools parse`."""
from __future__ import annotations

import pytest

from tests.support.wat import parse_wat
from w2c.errors import UnsupportedFeature, ValidationError
from w2c.features import Features
from w2c.parse import check_module
from w2c.valtypes import (
    HT_EXTERN,
    HT_FUNC,
    HT_NOFUNC,
    concrete,
    ref_type,
    val_sub,
)

VALID = [
    ("call_ref", "(module (type $t (func)) (func (param (ref $t)) "
                 "(call_ref $t (local.get 0))))"),
    ("ref-func-type", "(module (func (param (ref func))))"),
    ("ref.as_non_null", "(module (func (param funcref) "
                        "(drop (ref.as_non_null (local.get 0)))))"),
    ("table-initializer", "(module (type $t (func)) (func $f) "
                          "(table 1 (ref $t) (ref.func $f)))"),
    ("ref.null-typeidx", "(module (type $t (func)) (func (drop (ref.null $t))))"),
    ("block-ref-type", "(module (type $t (func)) "
                       "(func (block (result (ref null $t)) (ref.null $t)) drop))"),
    ("local-init", "(module (type $t (func)) (func $f) (elem declare func $f) "
                   "(func (local (ref $t)) (local.set 0 (ref.func $f)) "
                   "(call_ref $t (local.get 0))))"),
    ("init-survives-catch", "(module (type $t (func)) (tag $e) (func $f) "
                            "(elem declare func $f) (func (local (ref $t)) "
                            "(local.set 0 (ref.func $f)) try catch $e end "
                            "(call_ref $t (local.get 0))))"),
    ("ref.func-to-funcref", "(module (func $f) (elem declare func $f) "
                            "(func (result funcref) (ref.func $f)))"),
    ("equivalent-types", "(module (type $a (func (param i32))) (type $b (func (param i32))) "
                         "(func (param (ref $a)) (result (ref $b)) (local.get 0)))"),
]

INVALID = [
    ("uninitialized", "(module (type $t (func)) (func (local (ref $t)) "
                      "(drop (local.get 0))))", "uninitialized local"),
    ("init-ends-with-block", "(module (type $t (func)) (func $f) (elem declare func $f) "
                             "(func (local (ref $t)) (block (local.set 0 (ref.func $f))) "
                             "(drop (local.get 0))))", "uninitialized local"),
    ("nullable-to-non-null", "(module (type $t (func)) (func (param (ref null $t)) "
                             "(result (ref $t)) (local.get 0)))", "type mismatch"),
    ("funcref-to-typed", "(module (type $t (func)) (func (param funcref) "
                         "(call_ref $t (local.get 0))))", "type mismatch"),
    ("table-without-init", "(module (type $t (func)) (table 1 (ref $t)))", "type mismatch"),
    ("unknown-type", "(module (func (param (ref 3))))", "unknown type"),
]


@pytest.mark.parametrize("name,text", VALID, ids=[c[0] for c in VALID])
def test_valid(tmp_path, name, text):
    data = parse_wat(tmp_path, text).read_bytes()
    check_module(data)
    off = Features()
    off.disable("function-references")
    if name in ("ref.func-to-funcref",):
        return               # (a 2.0 module)
    with pytest.raises(UnsupportedFeature):
        check_module(data, off)


@pytest.mark.parametrize("name,text,message", INVALID, ids=[c[0] for c in INVALID])
def test_invalid(tmp_path, name, text, message):
    data = parse_wat(tmp_path, text).read_bytes()
    with pytest.raises(ValidationError) as e:
        check_module(data)
    assert e.value.message.startswith(message), e.value


def test_subtyping():
    canon = [0, 0, 2]          # types 0 and 1 are equivalent
    t0, t1, t2 = (ref_type(concrete(i), False) for i in range(3))
    assert val_sub(t0, t1, canon) and val_sub(t1, t0, canon)
    assert not val_sub(t0, t2, canon)
    assert val_sub(t0, ref_type(HT_FUNC, True), canon)
    assert val_sub(t0, ref_type(HT_FUNC, False), canon)
    assert not val_sub(ref_type(concrete(0), True), t0, canon)
    assert val_sub(ref_type(HT_NOFUNC, True), ref_type(concrete(2), True), canon)
    assert not val_sub(ref_type(HT_NOFUNC, True), ref_type(HT_EXTERN, True), canon)
    assert ref_type(HT_FUNC, True) == 0x70        # funcref keeps its code
