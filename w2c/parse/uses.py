"""Which WebAssembly features a module uses (Module.features_used, what
`w2c info` lists), filled during validation (w2c.parse.validate): the
module-level facts come from the decoded sections and the bodies' locals;
the decoder records the features of instructions as it reads them
(w2c.parse.code, on its slow paths), so bodies are decoded once.

Names are those of w2c.features (WABT's); "mutable-globals" is an imported
or exported mutable global, "multi-value" a type with several results or a
block typed by a type index, "reference-types" externref, reference
instructions, several tables or element expressions, "function-references"
a typed reference type (or its instructions) or a table initializer.
"""
from __future__ import annotations

from collections.abc import Iterable

from w2c import opcodes as O
from w2c.module import (
    EXNREF,
    EXT_GLOBAL,
    EXTERNREF,
    FUNCREF,
    SEC_DATACOUNT,
    V128,
    Module,
)
from w2c.valtypes import REF_BASE

_EXTENDED_CONST = {"i32.add", "i32.sub", "i32.mul", "i64.add", "i64.sub", "i64.mul"}


def module_features(m: Module) -> set[str]:
    """Features visible outside function bodies."""
    used: set[str] = set()
    all_types = [t for ft in m.func_sigs() for t in ft.params + ft.results]
    all_types += [g.type for g in m.all_globals()]
    if any(t >= REF_BASE for t in all_types) or any(
            t.elem >= REF_BASE or t.init is not None for t in m.all_tables()):
        used.add("function-references")
    if V128 in all_types:
        used.add("simd")
    if EXTERNREF in all_types or FUNCREF in all_types or len(m.all_tables()) > 1 or any(
            t.elem == EXTERNREF for t in m.all_tables()):
        used.add("reference-types")
    if any(len(ft.results) > 1 for ft in m.func_sigs()):
        used.add("multi-value")
    if m.subtypes is not None:
        used.add("gc")
    mutable_imports = any(i.kind == EXT_GLOBAL and i.global_type().mutable for i in m.imports)
    globals_ = m.all_globals()
    if mutable_imports or any(x.kind == EXT_GLOBAL and x.index < len(globals_)
                              and globals_[x.index].mutable for x in m.exports):
        used.add("mutable-globals")
    if any(s.id == SEC_DATACOUNT for s in m.sections) or any(d.mode != "active" for d in m.datas) \
            or any(e.mode != "active" or e.exprs is not None for e in m.elems):
        used.add("bulk-memory")
    if any(e.exprs is not None or e.type != FUNCREF for e in m.elems):
        used.add("reference-types")
    exprs = [g.init for g in m.globals] + [d.offset_expr for d in m.datas if d.offset_expr]
    exprs += [e.offset_expr for e in m.elems if e.offset_expr] + [
        x for e in m.elems if e.exprs for x in e.exprs]
    ops = {op for expr in exprs for op, _ in expr.instrs}
    if any(op.name in _EXTENDED_CONST for op in ops):
        used.add("extended-const")
    used |= op_features(ops)
    if m.all_tags() or EXNREF in all_types or any(t.elem == EXNREF for t in m.all_tables()):
        used.add("exceptions")
    mems = m.all_mems()
    if len(mems) > 1:
        used.add("multi-memory")
    for mt in mems:
        if mt.limits.page_size != 65536:
            used.add("custom-page-sizes")
        if mt.limits.is64:
            used.add("memory64")
        if mt.limits.shared:
            used.add("threads")
    if any(tt.limits.is64 for tt in m.all_tables()):
        used.add("memory64")   # (table64 is part of memory64)
    return used


def op_features(ops: Iterable[O.Op]) -> set[str]:
    """The features of a set of instructions (opcode-table entries)."""
    return {op.feature for op in ops if op.feature is not None}


def local_features(locals_: list[int]) -> set[str]:
    """The features of one body's local types."""
    used: set[str] = set()
    if V128 in locals_:
        used.add("simd")
    if EXTERNREF in locals_ or FUNCREF in locals_:
        used.add("reference-types")
    if EXNREF in locals_:
        used.add("exceptions")
    if any(t >= REF_BASE for t in locals_):
        used.add("function-references")
    return used
