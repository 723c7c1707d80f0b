"""Decoder of the type section (first stage of the pipeline, for
w2c.parse.decode): function types, and with GC enabled rec groups, sub
types, struct and array types.

    typesec   ::= section_1(vec(rectype))
    rectype   ::= 0x4E st*:vec(subtype) | st:subtype
    subtype   ::= 0x50 x*:vec(typeidx) ct:comptype        (sub, open)
                | 0x4F x*:vec(typeidx) ct:comptype        (sub final)
                | ct:comptype                             (final, no supertype)
    comptype  ::= 0x5E ft:fieldtype                       (array)
                | 0x5F ft*:vec(fieldtype)                 (struct)
                | 0x60 rt1:resulttype rt2:resulttype      (func)
    fieldtype ::= st:storagetype m:mut
    storagetype ::= t:valtype | 0x78 (i8) | 0x77 (i16)

A module whose types are all plain function types keeps `Module.subtypes`
None (each type its own final rec group), so nothing changes for it.
"""
from __future__ import annotations

from w2c.errors import UnsupportedFeature
from w2c.features import Features
from w2c.module import (
    PACKED_I8,
    PACKED_I16,
    ArrayType,
    CompType,
    FieldType,
    FuncType,
    Module,
    StructType,
    SubType,
)
from w2c.parse.code import decode_valtype
from w2c.parse.reader import Reader

REC, SUB, SUB_FINAL = 0x4E, 0x50, 0x4F
FUNC, STRUCT, ARRAY = 0x60, 0x5F, 0x5E

# Type section entries of Wasm 3.0 proposals: rec, sub, sub final, struct,
# array (GC) and cont (stack switching).
_PROPOSAL_TYPE_FORMS = {REC: "gc", SUB: "gc", SUB_FINAL: "gc", STRUCT: "gc", ARRAY: "gc",
                        0x5D: "stack-switching"}


def decode_types(r: Reader, m: Module, features: Features) -> None:
    """The type section's entries into m.types (and m.subtypes with GC)."""
    if "gc" not in features:
        for _ in range(r.vec_len()):
            m.types.append(decode_functype(r, features))
        return
    subs: list[SubType] = []
    for _ in range(r.vec_len()):
        decode_rectype(r, m, subs, features)
    if any(s.size != 1 or s.supers or not s.final for s in subs) or not all(
            isinstance(ct, FuncType) for ct in m.types):
        m.subtypes = subs


# rectype ::= 0x4E st*:vec(subtype) | st:subtype
def decode_rectype(r: Reader, m: Module, subs: list[SubType], features: Features) -> None:
    start = len(m.types)
    if r.pos < len(r.buf) and r.buf[r.pos] == REC:
        r.pos += 1
        entries = [decode_subtype(r, features) for _ in range(r.vec_len())]
    else:
        entries = [decode_subtype(r, features)]
    for final, supers, ct in entries:
        m.types.append(ct)
        subs.append(SubType(final, supers, start, len(entries)))


# subtype ::= 0x50 x*:vec(typeidx) ct:comptype | 0x4F x*:vec(typeidx) ct:comptype | ct
def decode_subtype(r: Reader, features: Features) -> tuple[bool, tuple[int, ...], CompType]:
    if r.pos < len(r.buf) and r.buf[r.pos] in (SUB, SUB_FINAL):
        final = r.buf[r.pos] == SUB_FINAL
        r.pos += 1
        supers = tuple(r.u32() for _ in range(r.vec_len()))
        return final, supers, decode_comptype(r, features)
    return True, (), decode_comptype(r, features)


# comptype ::= 0x5E fieldtype | 0x5F vec(fieldtype) | 0x60 functype
def decode_comptype(r: Reader, features: Features) -> CompType:
    pos = r.pos
    form = r.u8()
    if form == STRUCT:
        return StructType(tuple(decode_fieldtype(r, features) for _ in range(r.vec_len())))
    if form == ARRAY:
        return ArrayType(decode_fieldtype(r, features))
    r.pos = pos
    return decode_functype(r, features)


# functype ::= 0x60 rt1:resulttype rt2:resulttype
def decode_functype(r: Reader, features: Features) -> FuncType:
    pos = r.pos
    form = r.u8()
    if form != FUNC:
        if form in _PROPOSAL_TYPE_FORMS and (form == 0x5D or "gc" not in features):
            raise UnsupportedFeature(_PROPOSAL_TYPE_FORMS[form], r.base + pos)
        raise r.error("integer representation too long", pos)
    params = tuple(decode_valtype(r, features) for _ in range(r.vec_len()))
    results = tuple(decode_valtype(r, features) for _ in range(r.vec_len()))
    return FuncType(params, results)


# fieldtype ::= st:storagetype m:mut    storagetype ::= valtype | 0x78 | 0x77
def decode_fieldtype(r: Reader, features: Features) -> FieldType:
    if r.pos < len(r.buf) and r.buf[r.pos] in (PACKED_I8, PACKED_I16):
        storage = r.buf[r.pos]
        r.pos += 1
    else:
        storage = decode_valtype(r, features)
    pos = r.pos
    mut = r.u8()
    if mut > 1:
        raise r.error("malformed mutability", pos)
    return FieldType(storage, bool(mut))
