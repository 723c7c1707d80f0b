"""Validation of one function body: the spec's algorithm (appendix
"Validation Algorithm") with an operand stack and a control stack.

Consumes the (offset, op, immediate) stream of w2c.parse.code.  Instructions
whose stack effect is fixed are checked straight from the opcode table
(`params -> results`); the rest have a handler named after them.  The
emitter drives a FuncValidator in lockstep with emission and reads its
stacks, so the operand stack holds plain type codes and each control frame
records its kind, types, stack height and reachability.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from w2c import opcodes as O
from w2c.errors import UnsupportedFeature, ValidationError
from w2c.module import (
    F32, F64, FUNCREF, I32, I64, REF_TYPES, UNKNOWN, V128, FuncType, GlobalType,
    TableType, type_name,
)

_NUM_OR_VEC = (I32, I64, F32, F64, V128)


@dataclass
class Context:
    """What a function body may refer to (the spec's context C)."""
    types: list[FuncType]
    funcs: list[int]                  # type index of every function
    tables: list[TableType]
    mems: list                        # MemType
    globals: list[GlobalType]
    elems: list[int]                  # element type of every element segment
    datacount: int | None
    refs: set[int] = field(default_factory=set)  # functions declared for ref.func


class Frame:
    __slots__ = ("kind", "params", "results", "height", "unreachable")

    def __init__(self, kind, params, results, height):
        self.kind = kind
        self.params = params
        self.results = results
        self.height = height
        self.unreachable = False

    @property
    def label_types(self):
        return self.params if self.kind == "loop" else self.results


def mismatch(expected, got) -> ValidationError:
    e = " ".join(type_name(t) for t in expected) if isinstance(expected, (list, tuple)) \
        else type_name(expected)
    g = " ".join(type_name(t) for t in got) if isinstance(got, (list, tuple)) else (
        "nothing" if got is None else type_name(got))
    return ValidationError(f"type mismatch: expected {e or 'nothing'}, got {g or 'nothing'}")


class FuncValidator:
    def __init__(self, ctx: Context, ftype: FuncType, locals_: list[int]):
        self.ctx = ctx
        self.locals = list(ftype.params) + locals_
        self.results = ftype.results
        self.vals: list[int] = []
        self.ctrls: list[Frame] = [Frame("func", (), ftype.results, 0)]

    # -- the algorithm's primitives ----------------------------------------------------
    def pop(self) -> int:
        f = self.ctrls[-1]
        if len(self.vals) == f.height:
            if f.unreachable:
                return UNKNOWN
            raise ValidationError("type mismatch: expected a value, got nothing")
        return self.vals.pop()

    def pop_expect(self, expect: int) -> int:
        actual = self.pop()
        if actual != expect and actual != UNKNOWN and expect != UNKNOWN:
            raise mismatch(expect, actual)
        return actual

    def pop_vals(self, types) -> list[int]:
        """Pop `types` (last one first); on a mismatch report the whole expected list."""
        vals = self.vals
        n = len(types)
        f = self.ctrls[-1]
        if n and len(vals) - n >= f.height and (
                vals[-1] == types[0] if n == 1 else vals[-n:] == list(types)):
            del vals[-n:]
            return types
        got = vals[max(f.height, len(vals) - n):]
        out = []
        for t in reversed(types):
            try:
                out.append(self.pop_expect(t))
            except ValidationError:
                raise mismatch(types, got) from None
        out.reverse()
        return out

    def push_ctrl(self, kind, params, results) -> None:
        self.ctrls.append(Frame(kind, params, results, len(self.vals)))
        self.vals.extend(params)

    def pop_ctrl(self) -> Frame:
        f = self.ctrls[-1]
        self.pop_vals(f.results)
        if len(self.vals) != f.height:
            extra = self.vals[f.height:]
            raise ValidationError(
                f"type mismatch: expected {' '.join(map(type_name, f.results)) or 'nothing'}"
                f" at end of block, got {' '.join(map(type_name, extra))} in addition")
        self.ctrls.pop()
        return f

    def set_unreachable(self) -> None:
        f = self.ctrls[-1]
        del self.vals[f.height:]
        f.unreachable = True

    def label(self, depth: int) -> Frame:
        if depth >= len(self.ctrls):
            raise ValidationError(f"unknown label {depth}")
        return self.ctrls[-1 - depth]

    # -- one instruction ----------------------------------------------------------------------
    def step(self, op: O.Op, imm) -> None:
        STEPS[op](self, imm)

    @property
    def done(self) -> bool:
        return not self.ctrls

    # -- context look-ups ------------------------------------------------------------------------
    def func_type(self, idx: int) -> FuncType:
        if idx >= len(self.ctx.funcs):
            raise ValidationError(f"unknown function {idx}")
        return self.ctx.types[self.ctx.funcs[idx]]

    def type_at(self, idx: int) -> FuncType:
        if idx >= len(self.ctx.types):
            raise ValidationError(f"unknown type {idx}")
        return self.ctx.types[idx]

    def table(self, idx: int) -> TableType:
        if idx >= len(self.ctx.tables):
            raise ValidationError(f"unknown table {idx}")
        return self.ctx.tables[idx]

    def memory(self, idx: int) -> None:
        if idx >= len(self.ctx.mems):
            raise ValidationError(f"unknown memory {idx}")

    def elem(self, idx: int) -> int:
        if idx >= len(self.ctx.elems):
            raise ValidationError(f"unknown elem segment {idx}")
        return self.ctx.elems[idx]

    def data(self, idx: int) -> None:
        if self.ctx.datacount is None or idx >= self.ctx.datacount:
            raise ValidationError(f"unknown data segment {idx}")

    def local(self, idx: int) -> int:
        if idx >= len(self.locals):
            raise ValidationError(f"unknown local {idx}")
        return self.locals[idx]

    def global_(self, idx: int) -> GlobalType:
        if idx >= len(self.ctx.globals):
            raise ValidationError(f"unknown global {idx}")
        return self.ctx.globals[idx]

    def block_type(self, bt) -> tuple:
        if isinstance(bt, int):
            ft = self.type_at(bt)
            return ft.params, ft.results
        return (), bt


# -- immediate checks of table-driven instructions ---------------------------------------------------

def _check_memarg(v: FuncValidator, op: O.Op, imm) -> None:
    v.memory(imm[2])
    if imm[0] > op.align:
        raise ValidationError("alignment must not be larger than natural")


def _check_memarg_lane(v: FuncValidator, op: O.Op, imm) -> None:
    _check_memarg(v, op, imm)
    if imm[3] >= op.lanes:
        raise ValidationError("invalid lane index")


def _check_lane(v: FuncValidator, op: O.Op, imm) -> None:
    if imm >= op.lanes:
        raise ValidationError("invalid lane index")


def _check_shuffle(v: FuncValidator, op: O.Op, imm) -> None:
    if any(b >= 32 for b in imm):
        raise ValidationError("invalid lane index")


def _check_memory_init(v: FuncValidator, op: O.Op, imm) -> None:
    v.memory(imm[1])
    v.data(imm[0])


def _check_memory_copy(v: FuncValidator, op: O.Op, imm) -> None:
    v.memory(imm[0])
    v.memory(imm[1])


_IMM_CHECKS = {
    O.MEMARG: _check_memarg,
    O.MEMARG_LANE: _check_memarg_lane,
    O.LANE: _check_lane,
    O.SHUFFLE: _check_shuffle,
    O.MEMIDX: lambda v, op, imm: v.memory(imm),
    O.MEMORY_INIT: _check_memory_init,
    O.MEMORY_COPY: _check_memory_copy,
    O.DATA: lambda v, op, imm: v.data(imm),
    O.ELEM: lambda v, op, imm: v.elem(imm),
}



# -- handlers of instructions whose effect depends on immediates or context ---------------------------

def _unreachable(v: FuncValidator, imm) -> None:
    v.set_unreachable()


def _block(kind):
    is_if = kind == "if"

    def handler(v: FuncValidator, bt) -> None:
        if bt.__class__ is tuple:     # inline result types: the common case
            params, results = (), bt
        else:
            params, results = v.block_type(bt)
        if is_if:
            vals = v.vals
            if len(vals) > v.ctrls[-1].height and vals[-1] == I32:
                vals.pop()
            else:
                v.pop_expect(I32)
        if params:
            v.pop_vals(params)
        v.ctrls.append(Frame(kind, params, results, len(v.vals)))
        v.vals.extend(params)
    return handler


def _else(v: FuncValidator, imm) -> None:
    f = v.pop_ctrl()
    if f.kind != "if":
        raise ValidationError("else without if")
    v.push_ctrl("else", f.params, f.results)


def _end(v: FuncValidator, imm) -> None:
    f = v.ctrls[-1]
    vals = v.vals
    results = f.results
    # Exactly the results on the frame's part of the stack: they stay there.
    if len(vals) == f.height + len(results) and (
            not results or len(results) == 1 and vals[-1] == results[0]):
        v.ctrls.pop()
        if f.kind == "if" and list(f.params) != list(results):
            raise mismatch(results, f.params)
        return
    f = v.pop_ctrl()
    if f.kind == "if" and list(f.params) != list(f.results):
        raise mismatch(f.results, f.params)
    v.vals.extend(f.results)


def _br(v: FuncValidator, depth) -> None:
    types = v.label(depth).label_types
    if types:
        v.pop_vals(types)
    v.set_unreachable()


def _br_if(v: FuncValidator, depth) -> None:
    vals = v.vals
    if len(vals) > v.ctrls[-1].height and vals[-1] == I32:
        vals.pop()
    else:
        v.pop_expect(I32)
    types = v.label(depth).label_types
    if types:
        v.pop_vals(types)
        vals.extend(types)


def _br_table(v: FuncValidator, imm) -> None:
    labels, default = imm
    v.pop_expect(I32)
    arity = len(v.label(default).label_types)
    for depth in labels:
        types = v.label(depth).label_types
        if len(types) != arity:
            raise ValidationError("type mismatch: br_table targets of different arity")
        v.vals.extend(v.pop_vals(types))
    v.pop_vals(v.label(default).label_types)
    v.set_unreachable()


def _return(v: FuncValidator, imm) -> None:
    v.pop_vals(v.results)
    v.set_unreachable()


def _call(v: FuncValidator, idx) -> None:
    ft = v.func_type(idx)
    if ft.params:
        v.pop_vals(ft.params)
    v.vals.extend(ft.results)


def _call_indirect(v: FuncValidator, imm) -> None:
    typeidx, tableidx = imm
    t = v.table(tableidx)
    if t.elem != FUNCREF:
        raise ValidationError("type mismatch: call_indirect on a table of externref")
    ft = v.type_at(typeidx)
    v.pop_expect(I32)
    v.pop_vals(ft.params)
    v.vals.extend(ft.results)


def _return_call(v: FuncValidator, idx) -> None:
    ft = v.func_type(idx)
    _tail(v, ft)


def _return_call_indirect(v: FuncValidator, imm) -> None:
    typeidx, tableidx = imm
    if v.table(tableidx).elem != FUNCREF:
        raise ValidationError("type mismatch: call_indirect on a table of externref")
    ft = v.type_at(typeidx)
    v.pop_expect(I32)
    _tail(v, ft)


def _tail(v: FuncValidator, ft: FuncType) -> None:
    if list(ft.results) != list(v.results):
        raise mismatch(v.results, ft.results)
    v.pop_vals(ft.params)
    v.set_unreachable()


def _drop(v: FuncValidator, imm) -> None:
    vals = v.vals
    if len(vals) > v.ctrls[-1].height:
        vals.pop()
    else:
        v.pop()


def _select(v: FuncValidator, imm) -> None:
    v.pop_expect(I32)
    t1 = v.pop()
    t2 = v.pop()
    if t1 not in _NUM_OR_VEC and t1 != UNKNOWN or t2 not in _NUM_OR_VEC and t2 != UNKNOWN:
        raise ValidationError("type mismatch: select without a type needs numeric operands")
    if t1 != t2 and t1 != UNKNOWN and t2 != UNKNOWN:
        raise mismatch(t1, t2)
    v.vals.append(t2 if t1 == UNKNOWN else t1)


def _select_t(v: FuncValidator, types) -> None:
    if len(types) != 1:
        raise ValidationError("invalid result arity")
    t = types[0]
    v.pop_expect(I32)
    v.pop_expect(t)
    v.pop_expect(t)
    v.vals.append(t)


def _local_get(v: FuncValidator, idx) -> None:
    try:
        v.vals.append(v.locals[idx])
    except IndexError:
        v.local(idx)


def _local_set(v: FuncValidator, idx) -> None:
    vals = v.vals
    if idx < len(v.locals) and len(vals) > v.ctrls[-1].height and vals[-1] == v.locals[idx]:
        vals.pop()
        return
    v.pop_expect(v.local(idx))


def _local_tee(v: FuncValidator, idx) -> None:
    vals = v.vals
    if idx < len(v.locals) and len(vals) > v.ctrls[-1].height and vals[-1] == v.locals[idx]:
        return   # popped and pushed back
    t = v.local(idx)
    v.pop_expect(t)
    v.vals.append(t)


def _global_get(v: FuncValidator, idx) -> None:
    globals_ = v.ctx.globals
    v.vals.append((globals_[idx] if idx < len(globals_) else v.global_(idx)).type)


def _global_set(v: FuncValidator, idx) -> None:
    g = v.global_(idx)
    if not g.mutable:
        raise ValidationError("global is immutable")
    v.pop_expect(g.type)


def _table_get(v: FuncValidator, idx) -> None:
    t = v.table(idx)
    v.pop_expect(I32)
    v.vals.append(t.elem)


def _table_set(v: FuncValidator, idx) -> None:
    t = v.table(idx)
    v.pop_expect(t.elem)
    v.pop_expect(I32)


def _table_size(v: FuncValidator, idx) -> None:
    v.table(idx)
    v.vals.append(I32)


def _table_grow(v: FuncValidator, idx) -> None:
    t = v.table(idx)
    v.pop_expect(I32)
    v.pop_expect(t.elem)
    v.vals.append(I32)


def _table_fill(v: FuncValidator, idx) -> None:
    t = v.table(idx)
    v.pop_expect(I32)
    v.pop_expect(t.elem)
    v.pop_expect(I32)


def _table_copy(v: FuncValidator, imm) -> None:
    dst, src = imm
    td, ts = v.table(dst), v.table(src)
    if td.elem != ts.elem:
        raise mismatch(td.elem, ts.elem)
    v.pop_vals((I32, I32, I32))


def _table_init(v: FuncValidator, imm) -> None:
    seg, tableidx = imm
    t = v.table(tableidx)
    et = v.elem(seg)
    if et != t.elem:
        raise mismatch(t.elem, et)
    v.pop_vals((I32, I32, I32))


def _ref_null(v: FuncValidator, t) -> None:
    v.vals.append(t)


def _ref_is_null(v: FuncValidator, imm) -> None:
    t = v.pop()
    if t not in REF_TYPES and t != UNKNOWN:
        raise ValidationError(f"type mismatch: expected a reference, got {type_name(t)}")
    v.vals.append(I32)


def _ref_func(v: FuncValidator, idx) -> None:
    v.func_type(idx)
    if idx not in v.ctx.refs:
        raise ValidationError("undeclared function reference")
    v.vals.append(FUNCREF)


def _exceptions(v: FuncValidator, imm) -> None:
    raise UnsupportedFeature("exceptions")


_HANDLERS = {
    "unreachable": _unreachable, "block": _block("block"), "loop": _block("loop"),
    "if": _block("if"), "else": _else, "end": _end, "br": _br, "br_if": _br_if,
    "br_table": _br_table, "return": _return, "call": _call,
    "call_indirect": _call_indirect, "return_call": _return_call,
    "return_call_indirect": _return_call_indirect, "drop": _drop, "select": _select,
    "select_t": _select_t, "local.get": _local_get, "local.set": _local_set,
    "local.tee": _local_tee, "global.get": _global_get, "global.set": _global_set,
    "table.get": _table_get, "table.set": _table_set, "table.size": _table_size,
    "table.grow": _table_grow, "table.fill": _table_fill, "table.copy": _table_copy,
    "table.init": _table_init, "ref.null": _ref_null, "ref.is_null": _ref_is_null,
    "ref.func": _ref_func,
}
for _o in O.OPS:
    if _o.params is None and _o.name not in _HANDLERS:
        if _o.feature != "exceptions":
            raise AssertionError(f"no validator handler for {_o.name}")
        _HANDLERS[_o.name] = _exceptions


# -- instructions with a fixed effect (params -> results) -------------------------------------------

def _fixed(op: O.Op):
    """The step of an instruction whose effect is its `params -> results`:
    its immediate check, then the operands popped and the results pushed.
    The common shapes test the top of the stack in place; anything else
    (an underflow, a mismatch, unreachable code) goes through pop_vals."""
    params, results = list(op.params), list(op.results)
    check = _IMM_CHECKS.get(op.imm)
    n = len(params)
    if len(results) == 1:
        t = results[0]
        if n == 0:
            def step(v: FuncValidator, imm) -> None:
                v.vals.append(t)
        elif n == 1:
            p = params[0]

            def step(v: FuncValidator, imm) -> None:
                vals = v.vals
                if len(vals) > v.ctrls[-1].height and vals[-1] == p:
                    vals[-1] = t
                else:
                    v.pop_vals(params)
                    vals.append(t)
        elif n == 2:
            p0, p1 = params

            def step(v: FuncValidator, imm) -> None:
                vals = v.vals
                if len(vals) - 2 >= v.ctrls[-1].height and vals[-1] == p1 and vals[-2] == p0:
                    del vals[-1]
                    vals[-1] = t
                else:
                    v.pop_vals(params)
                    vals.append(t)
        else:
            step = _generic(params, results)
    elif not results and n == 2:
        p0, p1 = params

        def step(v: FuncValidator, imm) -> None:
            vals = v.vals
            if len(vals) - 2 >= v.ctrls[-1].height and vals[-1] == p1 and vals[-2] == p0:
                del vals[-2:]
            else:
                v.pop_vals(params)
    else:
        step = _generic(params, results)
    if check is None:
        return step
    if check is _check_memarg:    # (the check inline: loads and stores are common)
        align = op.align

        def memarg(v: FuncValidator, imm) -> None:
            if imm[2] >= len(v.ctx.mems):
                v.memory(imm[2])
            if imm[0] > align:
                raise ValidationError("alignment must not be larger than natural")
            step(v, imm)
        return memarg

    def checked(v: FuncValidator, imm) -> None:
        check(v, op, imm)
        step(v, imm)
    return checked


def _generic(params: list[int], results: list[int]):
    n = len(params)

    def step(v: FuncValidator, imm) -> None:
        if n:
            vals = v.vals
            if vals[-n:] == params and len(vals) - n >= v.ctrls[-1].height:
                del vals[-n:]
            else:
                v.pop_vals(params)
        if results:
            v.vals.extend(results)
    return step


# op -> its step: the handler, or the check and effect from the table.  One
# look-up per instruction (FuncValidator.step; the emitter keeps them too).
STEPS = {o: _HANDLERS[o.name] if o.params is None else _fixed(o) for o in O.OPS}
