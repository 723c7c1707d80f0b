"""Whether a module needs the SIMD runtime (emitter stage, before the
skeleton is written): generated code includes runtime_c/w2c_simd.h and the
output gets the w2c_simd*.h headers only then, so the output of modules
without v128 is what it was before SIMD code generation.

A module uses v128 when a type or a global has it, a function declares a
v128 local, or a body holds a SIMD instruction.  Bodies are decoded for this
only when their bytes contain 0xFD (the SIMD prefix) or 0x7B (v128 as a local
type); a body that does not decode is left to the translation to report.
"""
from __future__ import annotations

from w2c.errors import W2CError
from w2c.features import Features
from w2c.module import V128, Module
from w2c.parse.code import datacount_ok, decode_body, decode_instructions

SIMD_HEADER_PREFIX = "w2c_simd"      # runtime_c/w2c_simd.h, w2c_simd_int.h, w2c_simd_float.h
_FEATURES = ("simd", "relaxed-simd")


def uses_v128(m: Module, features: Features) -> bool:
    types = [t for ft in m.types for t in ft.params + ft.results]
    if V128 in types or any(g.type == V128 for g in m.all_globals()):
        return True
    data = m.data
    has_datacount = datacount_ok(m)
    for i, entry in enumerate(m.codes):
        start, end = entry.offset, entry.offset + entry.size
        simd_byte = data.find(b"\xfd", start, end) >= 0
        if not simd_byte and data.find(b"\x7b", start, end) < 0:
            continue
        try:
            body = decode_body(m, i, features)
            if V128 in body.locals:
                return True
            if simd_byte:
                used: set[str] = set()
                for _ in decode_instructions(body.reader, features, has_datacount, body.end, used):
                    pass
                if any(f in used for f in _FEATURES):
                    return True
        except W2CError:
            continue
    return False


def is_simd_header(name: str) -> bool:
    """A runtime header that only modules using v128 need."""
    return name.startswith(SIMD_HEADER_PREFIX)
