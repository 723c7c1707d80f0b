"""Validation of the GC instructions (struct.*, array.*, i31, ref.eq,
ref.test, ref.cast, br_on_cast(_fail), any.convert_extern,
extern.convert_any): the handlers w2c.parse.validate_func dispatches to by
instruction name, over the state of w2c.parse.validate_state.

Reference types are the ints of w2c.valtypes; a struct or array operand is
popped as (ref null $t), and what is allocated is pushed as (ref $t).
"""
from __future__ import annotations

from w2c.errors import ValidationError
from w2c.module import I32, TYPE_NAMES_PACKED, ArrayType, FieldType, StructType
from w2c.parse.validate_state import FuncState, mismatch
from w2c.valtypes import (
    HT_ANY,
    HT_ARRAY,
    HT_EQ,
    HT_EXTERN,
    HT_I31,
    concrete,
    heap_of,
    is_ref,
    nullable,
    ref_type,
    top_heap,
)

ANYREF, EXTERNREF_ = ref_type(HT_ANY, True), ref_type(HT_EXTERN, True)
EQREF, ARRAYREF, I31REF = ref_type(HT_EQ, True), ref_type(HT_ARRAY, True), ref_type(HT_I31, True)


# -- context look-ups ------------------------------------------------------------------------
def struct_at(v: FuncState, x: int) -> StructType:
    st = v.ctx.types[x] if x < len(v.ctx.types) else None
    if st is None:
        raise ValidationError(f"unknown type {x}")
    if not isinstance(st, StructType):
        raise ValidationError(f"type mismatch: type {x} is not a struct type")
    return st


def array_at(v: FuncState, x: int) -> FieldType:
    """Array type x's element type."""
    at = v.ctx.types[x] if x < len(v.ctx.types) else None
    if at is None:
        raise ValidationError(f"unknown type {x}")
    if not isinstance(at, ArrayType):
        raise ValidationError(f"type mismatch: type {x} is not an array type")
    return at.field


def field_at(v: FuncState, x: int, y: int) -> FieldType:
    fields = struct_at(v, x).fields
    if y >= len(fields):
        raise ValidationError(f"unknown field {y}")
    return fields[y]


def _packed(f: FieldType, signed: bool | None) -> None:
    """get (signed None) needs an unpacked field, get_s/get_u a packed one."""
    if (f.storage in TYPE_NAMES_PACKED) != (signed is not None):
        raise ValidationError("type mismatch: " + (
            "a packed field needs _s or _u" if signed is None else "field is not packed"))


def defaultable(t: int) -> bool:
    return not is_ref(t) or nullable(t)


def _ref(x: int, null: bool) -> int:
    return ref_type(concrete(x), null)


def _mutable_array(v: FuncState, x: int) -> FieldType:
    f = array_at(v, x)
    if not f.mutable:
        raise ValidationError("array is immutable")
    return f


def _numeric_array(v: FuncState, x: int) -> FieldType:
    f = array_at(v, x)
    if is_ref(f.storage):
        raise ValidationError("array type is not numeric or vector")
    return f


def _elem_fits(v: FuncState, f: FieldType, e: int) -> None:
    et = v.elem(e)
    if not v.ctx.sub(et, f.storage):
        raise mismatch(f.storage, et)


# -- structs ---------------------------------------------------------------------------------------
def _struct_new(v: FuncState, x: int) -> int:
    n = len(v.vals)
    v.pop_vals(tuple(f.unpacked() for f in struct_at(v, x).fields))
    v.vals.append(_ref(x, False))
    return n


def _struct_new_default(v: FuncState, x: int) -> int:
    n = len(v.vals)
    if not all(defaultable(f.storage) for f in struct_at(v, x).fields):
        raise ValidationError("type mismatch: field type is not defaultable")
    v.vals.append(_ref(x, False))
    return n


def _getter(signed: bool | None):
    def get(v: FuncState, imm: tuple) -> int:
        n = len(v.vals)
        x, y = imm
        f = field_at(v, x, y)
        _packed(f, signed)
        v.pop_expect(_ref(x, True))
        v.vals.append(f.unpacked())
        return n
    return get


def _struct_set(v: FuncState, imm: tuple) -> int:
    n = len(v.vals)
    x, y = imm
    f = field_at(v, x, y)
    if not f.mutable:
        raise ValidationError("field is immutable")
    v.pop_expect(f.unpacked())
    v.pop_expect(_ref(x, True))
    return n


# -- arrays ----------------------------------------------------------------------------------------
def _array_new(v: FuncState, x: int) -> int:
    n = len(v.vals)
    v.pop_vals((array_at(v, x).unpacked(), I32))
    v.vals.append(_ref(x, False))
    return n


def _array_new_default(v: FuncState, x: int) -> int:
    n = len(v.vals)
    if not defaultable(array_at(v, x).storage):
        raise ValidationError("type mismatch: array type is not defaultable")
    v.pop_expect(I32)
    v.vals.append(_ref(x, False))
    return n


def _array_new_fixed(v: FuncState, imm: tuple) -> int:
    n = len(v.vals)
    x, size = imm
    t = array_at(v, x).unpacked()
    for _ in range(size):
        v.pop_expect(t)
    v.vals.append(_ref(x, False))
    return n


def _array_new_data(v: FuncState, imm: tuple) -> int:
    n = len(v.vals)
    x, d = imm
    _numeric_array(v, x)
    v.data(d)
    v.pop_vals((I32, I32))
    v.vals.append(_ref(x, False))
    return n


def _array_new_elem(v: FuncState, imm: tuple) -> int:
    n = len(v.vals)
    x, e = imm
    _elem_fits(v, array_at(v, x), e)
    v.pop_vals((I32, I32))
    v.vals.append(_ref(x, False))
    return n


def _array_getter(signed: bool | None):
    def get(v: FuncState, x: int) -> int:
        n = len(v.vals)
        f = array_at(v, x)
        _packed(f, signed)
        v.pop_vals((_ref(x, True), I32))
        v.vals.append(f.unpacked())
        return n
    return get


def _array_set(v: FuncState, x: int) -> int:
    n = len(v.vals)
    f = _mutable_array(v, x)
    v.pop_vals((_ref(x, True), I32, f.unpacked()))
    return n


def _array_len(v: FuncState, imm) -> int:
    n = len(v.vals)
    v.pop_expect(ARRAYREF)
    v.vals.append(I32)
    return n


def _array_fill(v: FuncState, x: int) -> int:
    n = len(v.vals)
    f = _mutable_array(v, x)
    v.pop_vals((_ref(x, True), I32, f.unpacked(), I32))
    return n


def _array_copy(v: FuncState, imm: tuple) -> int:
    n = len(v.vals)
    x, y = imm
    dst = _mutable_array(v, x)
    src = array_at(v, y)
    if not v.ctx.sub(src.storage, dst.storage):
        raise ValidationError(f"array types do not match: {y} is not a subtype of {x}")
    v.pop_vals((_ref(x, True), I32, _ref(y, True), I32, I32))
    return n


def _array_init_data(v: FuncState, imm: tuple) -> int:
    n = len(v.vals)
    x, d = imm
    _mutable_array(v, x)
    _numeric_array(v, x)
    v.data(d)
    v.pop_vals((_ref(x, True), I32, I32, I32))
    return n


def _array_init_elem(v: FuncState, imm: tuple) -> int:
    n = len(v.vals)
    x, e = imm
    _elem_fits(v, _mutable_array(v, x), e)
    v.pop_vals((_ref(x, True), I32, I32, I32))
    return n


# -- i31, ref.eq, conversions --------------------------------------------------------------------
def _ref_i31(v: FuncState, imm) -> int:
    n = len(v.vals)
    v.pop_expect(I32)
    v.vals.append(ref_type(HT_I31, False))
    return n


def _i31_get(v: FuncState, imm) -> int:
    n = len(v.vals)
    v.pop_expect(I31REF)
    v.vals.append(I32)
    return n


def _ref_eq(v: FuncState, imm) -> int:
    n = len(v.vals)
    v.pop_vals((EQREF, EQREF))
    v.vals.append(I32)
    return n


def _converter(src: int, dst_heap: int):
    def convert(v: FuncState, imm) -> int:
        n = len(v.vals)
        t = v.pop_expect(src)
        v.vals.append(ref_type(dst_heap, not t or nullable(t)))
        return n
    return convert


# -- casts -----------------------------------------------------------------------------------------
def _check_heap(v: FuncState, rt: int) -> int:
    return v.ctx.check_type(rt)


def _top_ref(v: FuncState, rt: int) -> int:
    """(ref null top), top the top of rt's hierarchy: what a cast to rt pops."""
    return ref_type(top_heap(heap_of(rt), v.ctx.canon), True)


def _ref_test(null: bool):
    def test(v: FuncState, ht: int) -> int:
        n = len(v.vals)
        rt = _check_heap(v, ref_type(ht, null))
        v.pop_expect(_top_ref(v, rt))
        v.vals.append(I32)
        return n
    return test


def _ref_cast(null: bool):
    def cast(v: FuncState, ht: int) -> int:
        n = len(v.vals)
        rt = _check_heap(v, ref_type(ht, null))
        v.pop_expect(_top_ref(v, rt))
        v.vals.append(rt)
        return n
    return cast


def _diff(rt1: int, rt2: int) -> int:
    """rt1 \\ rt2: rt1 without null if rt2 takes the nulls."""
    return ref_type(heap_of(rt1), False) if nullable(rt2) else rt1


def _br_on_cast(fail: bool):
    def br(v: FuncState, imm: tuple) -> int:
        n = len(v.vals)
        depth, rt1, rt2 = imm
        _check_heap(v, rt1)
        _check_heap(v, rt2)
        if not v.ctx.sub(rt2, rt1):
            raise mismatch(rt1, rt2)
        types = v.label(depth).label_types
        if not types or not is_ref(types[-1]):
            raise ValidationError("type mismatch: br_on_cast's label needs a reference")
        taken, stays = (_diff(rt1, rt2), rt2) if fail else (rt2, _diff(rt1, rt2))
        if not v.ctx.sub(taken, types[-1]):
            raise mismatch(types[-1], taken)
        v.pop_expect(rt1)
        v.pop_vals(types[:-1])
        v.vals.extend(types[:-1])
        v.vals.append(stays)
        return n
    return br


# The GC instructions allowed in constant expressions.
CONSTANT = frozenset({"struct.new", "struct.new_default", "array.new", "array.new_default",
                      "array.new_fixed", "ref.i31", "any.convert_extern", "extern.convert_any"})

HANDLERS = {
    "struct.new": _struct_new, "struct.new_default": _struct_new_default,
    "struct.get": _getter(None), "struct.get_s": _getter(True),
    "struct.get_u": _getter(False), "struct.set": _struct_set,
    "array.new": _array_new, "array.new_default": _array_new_default,
    "array.new_fixed": _array_new_fixed, "array.new_data": _array_new_data,
    "array.new_elem": _array_new_elem, "array.get": _array_getter(None),
    "array.get_s": _array_getter(True), "array.get_u": _array_getter(False),
    "array.set": _array_set, "array.len": _array_len, "array.fill": _array_fill,
    "array.copy": _array_copy, "array.init_data": _array_init_data,
    "array.init_elem": _array_init_elem,
    "ref.test": _ref_test(False), "ref.test_null": _ref_test(True),
    "ref.cast": _ref_cast(False), "ref.cast_null": _ref_cast(True),
    "br_on_cast": _br_on_cast(False), "br_on_cast_fail": _br_on_cast(True),
    "any.convert_extern": _converter(EXTERNREF_, HT_ANY),
    "extern.convert_any": _converter(ANYREF, HT_EXTERN),
    "ref.i31": _ref_i31, "i31.get_s": _i31_get, "i31.get_u": _i31_get, "ref.eq": _ref_eq,
}
