"""Naming for the emitter (the `name` stage of the pipeline): C identifiers
for the module prefix, exports and imports, C types of value types, result
structs and canonical signature ids.  See docs/codegen.md.
"""
from __future__ import annotations

import re
from pathlib import Path

from w2c.module import (
    EXNREF,
    EXTERNREF,
    F32,
    F64,
    FUNCREF,
    I32,
    I64,
    V128,
    FuncType,
    Module,
    type_name,
)
from w2c.valtypes import REF_BASE, erase


class _ByType(dict):
    """A table by 2.0 type code; a typed reference takes its erased type's entry."""

    def __missing__(self, t: int) -> str:
        if t < REF_BASE:
            raise KeyError(t)
        return self[erase(t)]


C_TYPES = _ByType({I32: "uint32_t", I64: "uint64_t", F32: "float", F64: "double",
                   V128: "w2c_v128", FUNCREF: "w2c_funcref", EXTERNREF: "w2c_externref",
                   EXNREF: "w2c_exnref"})
LETTERS = _ByType({I32: "i", I64: "j", F32: "f", F64: "d", V128: "v", FUNCREF: "r",
                   EXTERNREF: "e", EXNREF: "x"})
# Zero values, for locals and fresh slots.
C_ZERO = _ByType({I32: "0u", I64: "UINT64_C(0)", F32: "0.0f", F64: "0.0",
                  V128: "w2c_v128_zero()", FUNCREF: "w2c_funcref_null()", EXTERNREF: "NULL",
                  EXNREF: "NULL"})
_TYPE_CODES = {I32: 1, I64: 2, F32: 3, F64: 4, V128: 5, FUNCREF: 6, EXTERNREF: 7, EXNREF: 8}

_SAFE = re.compile(rb"[A-Za-z0-9]")


def mangle(name: str) -> str:
    """A collision-free C identifier piece: [A-Za-z0-9] kept, every other byte
    of the UTF-8 encoding (`_` included) as `_XX`.  Never contains `__`."""
    out = []
    for b in name.encode("utf-8"):
        out.append(chr(b) if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122) else f"_{b:02X}")
    return "".join(out)


def module_prefix(module: Module, filename: str | None, override: str | None) -> str:
    """-n/--module-name, else the name section's module name, else the file stem;
    as a C identifier."""
    name = override or module.names.module or (Path(filename).stem if filename else "module")
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
        return name
    m = mangle(name)
    return m if m[0].isalpha() else "w2c" + m


def c_type(t: int) -> str:
    return C_TYPES[t]


def result_type(ft: FuncType) -> str:
    if not ft.results:
        return "void"
    if len(ft.results) == 1:
        return C_TYPES[ft.results[0]]
    return "w2c_ret_" + sig_letters(ft.results)


def sig_letters(types) -> str:
    return "".join(LETTERS[t] for t in types)


def fn_pointer_type(ft: FuncType) -> str:
    params = "".join(", " + C_TYPES[t] for t in ft.params)
    return f"{result_type(ft)} (*)(void *{params})"


def type_id(ft: FuncType) -> int:
    """Canonical 64-bit signature id: exact encoding (3 bits per type) when it
    fits in 63 bits, else an FNV-1a hash of the type's text with bit 63 set."""
    if any(t >= REF_BASE for t in ft.params + ft.results):
        bits = 64              # typed references: the hash of the type (with canonical
    else:                      # indices, w2c.parse.decode) names the type
        bits = 1
    v = 1
    for t in list(ft.params) + [0] + list(ft.results):
        v = (v << 3) | (_TYPE_CODES.get(t, 0) if t else 0)
        bits += 3
    if bits <= 63:
        return v
    h = 0xCBF29CE484222325
    for b in str(ft).encode():
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h | (1 << 63)


def type_text(ft: FuncType) -> str:
    return " ".join(map(type_name, ft.params)) + " -> " + \
        " ".join(map(type_name, ft.results))
