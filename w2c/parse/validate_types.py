"""Validation of the type section (second stage of the pipeline, called by
w2c.parse.validate before anything else that reads types).

Every type may refer to the types of its own rec group and those before it
("unknown type" else); with GC, each declared supertype must be an earlier
type (at most one), not final, and of the same kind with a matching
structure: a function type's parameters contravariant and results
covariant, a struct's fields a prefix extension, each immutable field
covariant and each mutable one of an equivalent type ("sub type X does not
match super type Y", "sub type X has final super type Y").
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat as _repeat

from w2c.errors import ValidationError
from w2c.module import (
    ArrayType,
    CompType,
    FieldType,
    FuncType,
    Module,
    StructType,
    SubType,
)
from w2c.valtypes import CONCRETE, REF_BASE, heap_of, val_eq, val_sub


def validate_types(m: Module, offset: int | None) -> None:
    """The type section; errors at `offset` (the section's)."""
    try:
        canon = m.type_canon()
        subs = m.subtypes
        for i, ct in enumerate(m.types):
            limit = i + 1 if subs is None else subs[i].group + subs[i].size
            for t in comp_valtypes(ct):
                _check_ref(t, limit)
            if subs is not None:
                check_supers(m, i, subs[i], canon)
    except ValidationError as e:
        if e.offset is None:
            e.offset = offset
        raise


def comp_valtypes(ct: CompType) -> Sequence[int]:
    """The value and storage types a composite type names."""
    if isinstance(ct, FuncType):
        return ct.params + ct.results
    if isinstance(ct, StructType):
        return [f.storage for f in ct.fields]
    return [ct.field.storage]


def _check_ref(t: int, limit: int) -> None:
    h = heap_of(t) if t >= REF_BASE else 0
    if h >= CONCRETE and h - CONCRETE >= limit:
        raise ValidationError(f"unknown type {h - CONCRETE}")


def check_supers(m: Module, i: int, sub: SubType, canon: Sequence[int]) -> None:
    if len(sub.supers) > 1:
        raise ValidationError(f"multiple supertypes in sub type {i}")
    for x in sub.supers:
        if x >= i:
            raise ValidationError(f"unknown type {x}")
        assert m.subtypes is not None
        if m.subtypes[x].final:
            raise ValidationError(f"sub type {i} has final super type {x}")
        if not comp_sub(m.types[i], m.types[x], canon):
            raise ValidationError(f"sub type {i} does not match super type {x}")


def comp_sub(ct1: CompType, ct2: CompType, canon: Sequence[int]) -> bool:
    """Composite type ct1 matches ct2 (the spec's comptype subtyping)."""
    if isinstance(ct1, FuncType) and isinstance(ct2, FuncType):
        return (len(ct1.params) == len(ct2.params) and len(ct1.results) == len(ct2.results)
                and all(map(val_sub, ct2.params, ct1.params, _repeat(canon)))
                and all(map(val_sub, ct1.results, ct2.results, _repeat(canon))))
    if isinstance(ct1, StructType) and isinstance(ct2, StructType):
        return len(ct1.fields) >= len(ct2.fields) and all(
            map(field_sub, ct1.fields[:len(ct2.fields)], ct2.fields, _repeat(canon)))
    if isinstance(ct1, ArrayType) and isinstance(ct2, ArrayType):
        return field_sub(ct1.field, ct2.field, canon)
    return False


def field_sub(f1: FieldType, f2: FieldType, canon: Sequence[int]) -> bool:
    """Field f1 matches f2: the same mutability; a mutable field's type
    equivalent, an immutable one's a subtype (packed types: equal)."""
    if f1.mutable != f2.mutable:
        return False
    if f1.mutable:
        return val_eq(f1.storage, f2.storage, canon)
    return val_sub(f1.storage, f2.storage, canon)
