"""Module validation (second stage of the pipeline): the spec's rules for
imports, functions, tables, memories, globals, exports, start, element and
data segments and constant expressions, then every function body, one at a
time, through w2c.parse.validate_func.

Malformed beats invalid: when validation fails, a malformed body is
reported instead (w2c.parse.order.decode_errors_first).
"""
from __future__ import annotations

from w2c.errors import UnsupportedFeature, ValidationError, W2CError
from w2c.features import Features
from w2c.module import (
    EXT_FUNC,
    EXT_GLOBAL,
    EXT_MEMORY,
    EXT_TABLE,
    EXT_TAG,
    F32,
    F64,
    I32,
    I64,
    V128,
    ConstExpr,
    Elem,
    FuncType,
    GlobalType,
    Import,
    Limits,
    Module,
    TableType,
    type_name,
)
from w2c.parse.code import Body, body_instructions, decode_body
from w2c.parse.order import decode_errors_first, locate_func
from w2c.parse.uses import local_features, module_features
from w2c.parse.validate_func import STEPS, Context, FuncValidator, mismatch
from w2c.parse.validate_gc import CONSTANT as GC_CONSTANT
from w2c.parse.validate_types import validate_types
from w2c.valtypes import CONCRETE, HT_FUNC, REF_BASE, concrete, heap_of, nullable, ref_type

MAX_PAGES_64K = 65536
MAX_TABLE = 0xFFFFFFFF
MAX_TABLE64 = 0xFFFFFFFFFFFFFFFF


def validate_module(m: Module, features: Features) -> None:
    with decode_errors_first(m, features):
        validate_bodies(m, validate_module_fields(m, features), features)


def validate_bodies(m: Module, ctx: Context, features: Features) -> None:
    """Validate every body; m.features_used gets the features the module uses
    (the decoder adds those of the instructions)."""
    used = m.features_used
    used |= module_features(m)
    for i in range(len(m.funcs)):
        with located(m, i) as loc:
            v, instrs = loc.open(ctx, features)
            step = v.step
            for _, op, imm in instrs:
                step(op, imm)
            used |= local_features(loc.body.locals)


class located:
    """Decodes defined function `i` and adds its index, name and the offset of
    the current instruction to any W2CError raised inside the `with`.

        with located(m, i) as loc:
            v, instrs = loc.open(ctx, features)   # validator, (offset, op, imm) iterator
            for off, op, imm in instrs: v.step(op, imm)   # (the emitter runs alongside)
    """

    def __init__(self, m: Module, defined_index: int):
        self.m = m
        self.i = defined_index
        self.body: Body | None = None

    def open(self, ctx: Context, features: Features):
        self.body = body = decode_body(self.m, self.i, features)
        v = FuncValidator(ctx, func_type_at(self.m, self.m.funcs[self.i]), body.locals)
        return v, body_instructions(body, features, self.m)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, e, tb):
        if isinstance(e, W2CError):
            if e.offset is None:
                r = self.body.reader if self.body else None
                e.offset = r.last if r is not None else self.m.codes[self.i].offset
            locate_func(e, self.m, self.m.num_imported_funcs + self.i)
        return False


# -- module fields -----------------------------------------------------------------------------

def validate_module_fields(m: Module, features: Features) -> Context:
    ntypes = len(m.types)
    typed = "function-references" in features
    if typed or m.subtypes is not None:
        validate_types(m, _section_offset(m, 1))
    for imp in m.imports:
        _at(imp.offset, validate_import, m, imp, features)
    for type_idx in m.funcs:
        if type_idx >= ntypes:
            raise ValidationError(f"unknown type {type_idx}", _func_decl_offset(m))
        _at(_func_decl_offset(m) or 0, func_type_at, m, type_idx)
    for type_idx in m.tags:
        _at(_section_offset(m, 13) or 0, validate_tagtype, m, type_idx)
    for t in m.tables:
        validate_table_limits(t.limits)
    for mt in m.mems:
        validate_mem_limits(mt.limits)
    all_mems = m.all_mems()
    if len(all_mems) > 1 and "multi-memory" not in features:
        raise UnsupportedFeature("multi-memory")   # (valid in Wasm 3.0)

    ctx = Context(types=m.types, funcs=m.func_types(), tables=m.all_tables(),
                  mems=all_mems, globals=m.all_globals(),
                  elems=[elem_type(e, typed) for e in m.elems], datacount=m.datacount,
                  refs=declared_refs(m), tags=m.all_tags(), canon=m.type_canon())
    # In 2.0, constant expressions may read imported globals only (Wasm 3.0:
    # the immutable globals defined before, too).
    n_imported_globals = len(m.imported(EXT_GLOBAL))
    for t in m.tables:
        validate_table(ctx, t, n_imported_globals, features)   # (before any defined global)
    for i, g in enumerate(m.globals):
        ctx.check_type(g.type.type)
        visible = n_imported_globals + i if typed else n_imported_globals
        validate_const_expr(ctx, g.init, g.type.type, visible, features,
                            n_imported_globals + i)
    if typed:
        n_imported_globals = len(ctx.globals)
    for e in m.elems:
        _at(e.offset, validate_elem, ctx, e, n_imported_globals, features)
    for d in m.datas:
        if d.mode == "active":
            if d.memory >= len(ctx.mems):
                raise ValidationError(f"unknown memory {d.memory}", d.offset)
            assert d.offset_expr is not None, "the decoder gives an active segment its offset"
            validate_const_expr(ctx, d.offset_expr, _addr(ctx.mems[d.memory].limits),
                                n_imported_globals, features)
    if m.start is not None:
        if m.start >= len(ctx.funcs):
            raise ValidationError(f"unknown function {m.start}")
        ft = func_type_at(m, ctx.funcs[m.start])
        if ft.params or ft.results:
            raise ValidationError("start function must have type [] -> []")
    validate_exports(m, ctx)
    return ctx


def elem_type(e: Elem, typed: bool) -> int:
    """A segment's element type: Wasm 3.0 gives the segments of function
    indices (ref func)."""
    return ref_type(HT_FUNC, False) if typed and e.funcs is not None else e.type


def validate_table(ctx: Context, t: TableType, visible_globals: int,
                   features: Features) -> None:
    """A defined table: its element type, and its initial value, which a
    table of non-nullable references must have."""
    ctx.check_type(t.elem)
    if t.init is not None:
        validate_const_expr(ctx, t.init, t.elem, visible_globals, features, visible_globals)
    elif not nullable(t.elem):
        raise ValidationError(f"type mismatch: a table of {type_name(t.elem)} needs an "
                              "initial value")


def _at(offset: int, fn, *args) -> None:
    try:
        fn(*args)
    except ValidationError as e:
        if e.offset is None:
            e.offset = offset
        raise


def _func_decl_offset(m: Module) -> int | None:
    return _section_offset(m, 3)


def _section_offset(m: Module, sec_id: int) -> int | None:
    for s in m.sections:
        if s.id == sec_id:
            return s.offset
    return None


def validate_import(m: Module, imp: Import, features: Features) -> None:
    if imp.kind == EXT_FUNC:
        if imp.func_type_index() >= len(m.types):
            raise ValidationError(f"unknown type {imp.desc}")
        func_type_at(m, imp.func_type_index())
    elif imp.kind == EXT_TABLE:
        validate_table_limits(imp.table_type().limits)
        _check_type(m, imp.table_type().elem)
    elif imp.kind == EXT_MEMORY:
        validate_mem_limits(imp.mem_type().limits)
    elif imp.kind == EXT_GLOBAL:
        _check_type(m, imp.global_type().type)
        if imp.global_type().mutable and "mutable-globals" not in features:
            raise UnsupportedFeature("mutable-globals")
    elif imp.kind == EXT_TAG:
        validate_tagtype(m, imp.tag_type_index())


def func_type_at(m: Module, idx: int) -> FuncType:
    """Type `idx`, which must be a function type (GC: not a struct or array)."""
    ft = m.types[idx]
    if not isinstance(ft, FuncType):
        raise ValidationError(f"non-function type {idx}")
    return ft


def _check_type(m: Module, t: int) -> None:
    h = heap_of(t) if t >= REF_BASE else 0
    if h >= CONCRETE and h - CONCRETE >= len(m.types):
        raise ValidationError(f"unknown type {h - CONCRETE}")


def validate_tagtype(m: Module, type_idx: int) -> None:
    """A tag's type: a function type with no results (exceptions)."""
    if type_idx >= len(m.types):
        raise ValidationError(f"unknown type {type_idx}")
    if func_type_at(m, type_idx).results:
        raise ValidationError("non-empty tag result type")


def validate_table_limits(lim: Limits) -> None:
    if lim.is64:
        _validate_limits(lim, MAX_TABLE64, "table size must be at most 2^64-1")
    else:
        _validate_limits(lim, MAX_TABLE, "table size must be at most 2^32-1")


def _addr(lim: Limits) -> int:
    """The address type of a memory or table with these limits (memory64)."""
    return I64 if lim.is64 else I32


def validate_mem_limits(lim: Limits) -> None:
    if lim.page_size == 65536:
        bound, msg = MAX_PAGES_64K, "memory size must be at most 65536 pages (4GiB)"
    else:
        bound, msg = (1 << 32) // lim.page_size, "memory size must be at most 4GiB"
    if lim.is64:
        bound = (1 << 64) // lim.page_size
        msg = "memory size must be at most 2^64 bytes"
    _validate_limits(lim, bound, msg)


def _validate_limits(lim: Limits, bound: int, msg: str) -> None:
    if lim.min > bound or (lim.max is not None and lim.max > bound):
        raise ValidationError(msg)
    if lim.max is not None and lim.min > lim.max:
        raise ValidationError("size minimum must not be greater than maximum")


def declared_refs(m: Module) -> set[int]:
    """Functions that ref.func may name: those in element segments, exports and
    global initialisers (the spec's C.refs)."""
    refs: set[int] = set()
    for e in m.elems:
        if e.funcs is not None:
            refs.update(e.funcs)
        else:
            for expr in e.item_exprs():
                refs.update(_ref_funcs(expr))
    for x in m.exports:
        if x.kind == EXT_FUNC:
            refs.add(x.index)
    for g in m.globals:
        refs.update(_ref_funcs(g.init))
    for t in m.tables:
        if t.init is not None:
            refs.update(_ref_funcs(t.init))
    return refs


def _ref_funcs(expr: ConstExpr):
    return (imm for op, imm in expr.instrs if op.name == "ref.func")


def validate_elem(ctx: Context, e, visible_globals: int, features: Features) -> None:
    if e.mode == "active":
        if e.table >= len(ctx.tables):
            raise ValidationError(f"unknown table {e.table}")
        validate_const_expr(ctx, e.offset_expr, _addr(ctx.tables[e.table].limits),
                            visible_globals, features)
        et = elem_type(e, "function-references" in features)
        if not ctx.sub(et, ctx.tables[e.table].elem):
            raise mismatch(ctx.tables[e.table].elem, et)
    if e.funcs is not None:
        for f in e.funcs:
            if f >= len(ctx.funcs):
                raise ValidationError(f"unknown function {f}")
    else:
        ctx.check_type(e.type)
        for expr in e.exprs:
            validate_const_expr(ctx, expr, e.type, visible_globals, features)


def validate_exports(m: Module, ctx: Context) -> None:
    seen: set[str] = set()
    spaces = {EXT_FUNC: ("function", len(ctx.funcs)), EXT_TABLE: ("table", len(ctx.tables)),
              EXT_MEMORY: ("memory", len(ctx.mems)), EXT_GLOBAL: ("global", len(ctx.globals)),
              EXT_TAG: ("tag", len(ctx.tags))}
    for x in m.exports:
        what, count = spaces[x.kind]
        if x.index >= count:
            raise ValidationError(f"unknown {what} {x.index}", x.offset)
        if x.name in seen:
            raise ValidationError(f"duplicate export name \"{x.name}\"", x.offset)
        seen.add(x.name)


# -- constant expressions --------------------------------------------------------------------------

_CONST_RESULT = {"i32.const": I32, "i64.const": I64, "f32.const": F32, "f64.const": F64,
                 "v128.const": V128}
_EXTENDED = {"i32.add": I32, "i32.sub": I32, "i32.mul": I32,
             "i64.add": I64, "i64.sub": I64, "i64.mul": I64}


def _const_global_error(ctx: Context, imm: int, visible_in_3: int | None) -> W2CError:
    """global.get of a global the module defines: Wasm 3.0 allows an immutable
    one defined earlier (from the GC proposal); 2.0 knows imported ones only."""
    if imm < (len(ctx.globals) if visible_in_3 is None else visible_in_3) \
            and not ctx.globals[imm].mutable:
        return UnsupportedFeature("gc (global.get of a global the module defines, "
                                  "in a constant expression)")
    return ValidationError(f"unknown global {imm}")


def _gc_const(ctx: Context, op, imm, stack: list[int]) -> list[int]:
    """A GC instruction of a constant expression, by its body handler."""
    v = FuncValidator(ctx, FuncType((), ()), [])
    v.vals = stack
    STEPS[op](v, imm)
    return v.vals


def validate_const_expr(ctx: Context, expr: ConstExpr, expect: int, visible_globals: int,
                        features: Features, visible_in_3: int | None = None) -> None:
    """Constant instructions only; `global.get` of immutable globals below
    `visible_globals` (Wasm 3.0 would see those below `visible_in_3`, default
    all: named as unsupported); the result must be exactly one value of type
    `expect`."""
    stack: list[int] = []
    try:
        for op, imm in expr.instrs:
            name = op.name
            if name in _CONST_RESULT:
                stack.append(_CONST_RESULT[name])
            elif name == "ref.null":
                stack.append(ctx.check_type(imm))
            elif name == "ref.func":
                if imm >= len(ctx.funcs):
                    raise ValidationError(f"unknown function {imm}")
                stack.append(ref_type(concrete(ctx.funcs[imm]), False))
            elif name == "global.get":
                if imm >= len(ctx.globals):
                    raise ValidationError(f"unknown global {imm}")
                if imm >= visible_globals:
                    raise _const_global_error(ctx, imm, visible_in_3)
                g: GlobalType = ctx.globals[imm]
                if g.mutable:
                    raise ValidationError("constant expression required")
                stack.append(g.type)
            elif name in GC_CONSTANT:
                stack = _gc_const(ctx, op, imm, stack)
            elif name in _EXTENDED and "extended-const" in features:
                t = _EXTENDED[name]
                for _ in range(2):
                    if not stack or stack.pop() != t:
                        raise mismatch(t, None)
                stack.append(t)
            elif name in _EXTENDED:
                raise UnsupportedFeature("extended-const")
            else:
                raise ValidationError("constant expression required")
        if len(stack) != 1 or not ctx.sub(stack[0], expect):
            raise mismatch(expect, stack)
    except W2CError as e:
        if e.offset is None:
            e.offset = expr.offset
        raise

