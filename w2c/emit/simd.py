"""Whether a module needs the SIMD runtime (emitter stage): generated code
includes runtime_c/w2c_simd.h, and the output gets the w2c_simd*.h headers,
only for a module that uses v128, so the output of modules without v128 is
what it was before SIMD code generation.

Found without a pass of its own over the code:
- a type (a function type, a struct or array type's fields) or a global
  with v128 (`fields_use_v128`, before anything is written): the module's
  header includes the SIMD runtime;
- otherwise a body with a v128 local or stack slot, found while it is
  translated (`BodyEmitter.uses_v128`): its text starts with SIMD_INCLUDE,
  which `kept_once` keeps before the first such function of each C file
  and removes from the others.  The headers are copied when either holds.
"""
from __future__ import annotations

from w2c.module import V128, ArrayType, Module, StructType

SIMD_HEADER_PREFIX = "w2c_simd"      # runtime_c/w2c_simd.h, w2c_simd_*.h
SIMD_INCLUDE = '#include "w2c_simd.h"\n'


def fields_use_v128(m: Module) -> bool:
    """A function type, a global, or a GC struct or array type (its fields'
    storage: w2c_gc_ops.h's v128 helpers need the SIMD runtime first) of the
    module has v128."""
    types = [t for ft in m.func_sigs() for t in ft.params + ft.results]
    if V128 in types or any(g.type == V128 for g in m.all_globals()):
        return True
    return any(f.storage == V128 for t in m.types if isinstance(t, StructType)
               for f in t.fields) or \
        any(t.field.storage == V128 for t in m.types if isinstance(t, ArrayType))


def kept_once(text: str, seen: bool) -> tuple[str, bool]:
    """`text` (functions of one C file, in order) with SIMD_INCLUDE kept at
    its first place only if the file has not had it (`seen`); returns the
    text and whether the file has it now."""
    first = text.find(SIMD_INCLUDE)
    if first < 0:
        return text, seen
    rest = text[first + len(SIMD_INCLUDE):].replace(SIMD_INCLUDE, "")
    return (text[:first] if seen else text[:first + len(SIMD_INCLUDE)]) + rest, True


def is_simd_header(name: str) -> bool:
    """A runtime header that only modules using v128 need."""
    return name.startswith(SIMD_HEADER_PREFIX)
