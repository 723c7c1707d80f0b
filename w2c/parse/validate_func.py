"""Validation of one function body: the spec's algorithm (appendix
"Validation Algorithm") with an operand stack and a control stack.

Consumes the (offset, op, immediate) stream of w2c.parse.code.  Instructions
whose stack effect is fixed are checked straight from the opcode table
(`params -> results`); the rest have a handler named after them.

The emitter (w2c.emit.body) drives a FuncValidator in lockstep with emission
through a small interface and never reads the stacks themselves: every step
returns the operand-stack height before the instruction (the emitter's slot
numbers), `reachable` says whether the code after it is reachable,
`label(depth)` gives a branch target's ControlFrame (its `height` and
`label_types`) and `top_type()` the type on top of the operand stack.
"""
from __future__ import annotations

from w2c import opcodes as O
from w2c.errors import ValidationError
from w2c.module import (
    F32,
    F64,
    FUNCREF,
    I32,
    I64,
    UNKNOWN,
    V128,
)
from w2c.opcodes64 import VARIANTS
from w2c.parse.validate_exn import HANDLERS as EXN_HANDLERS
from w2c.parse.validate_gc import HANDLERS as GC_HANDLERS
from w2c.parse.validate_ref import HANDLERS as REF_HANDLERS, func_ref_type, tail
from w2c.parse.validate_state import Context, ControlFrame, FuncState, mismatch
from w2c.valtypes import REF_BASE

__all__ = ["STEPS", "Context", "ControlFrame", "FuncValidator", "mismatch"]

_NUM_OR_VEC = (I32, I64, F32, F64, V128)


class FuncValidator(FuncState):
    """Validates one body, one instruction at a time."""

    def step(self, op: O.Op, imm) -> int:
        """Validate one instruction; the operand-stack height before it."""
        return STEPS[op](self, imm)


# -- immediate checks of table-driven instructions ------------------------------------------------

def _check_memarg(v: FuncValidator, op: O.Op, imm) -> None:
    v.memory(imm[2])
    if imm[1] > 0xFFFFFFFF and not v.ctx.mems[imm[2]].limits.is64:
        raise ValidationError("offset out of range")
    if imm[0] > op.align:
        raise ValidationError("alignment must not be larger than natural")


def _check_atomic_memarg(v: FuncValidator, op: O.Op, imm) -> None:
    """An atomic access (threads): its alignment is exactly the natural one."""
    _check_memarg(v, op, imm)
    if imm[0] != op.align:
        raise ValidationError("atomic alignment must be natural")


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



# -- handlers of instructions whose effect depends on immediates or context -----------------------

def _unreachable(v: FuncValidator, imm) -> int:
    n = len(v.vals)
    v.set_unreachable()
    return n


def _block(kind):
    is_if = kind == "if"

    def handler(v: FuncValidator, bt) -> int:
        vals = v.vals
        n = len(vals)
        params: tuple[int, ...]     # (not tuple[()]: compiled, mypyc checks it)
        results: tuple[int, ...]
        if bt.__class__ is tuple:     # inline result types: the common case
            params, results = (), bt
            if bt and bt[0] >= REF_BASE:
                v.ctx.check_type(bt[0])
        else:
            params, results = v.block_type(bt)
        if is_if:
            if n > v.ctrls[-1].height and vals[-1] == I32:
                vals.pop()
            else:
                v.pop_expect(I32)
        if params:
            v.pop_vals(params)
            v.ctrls.append(ControlFrame(kind, params, results, len(vals), len(v.init_log)))
            vals.extend(params)
        else:
            v.ctrls.append(ControlFrame(kind, params, results, len(vals), len(v.init_log)))
        return n
    return handler


def _else(v: FuncValidator, imm) -> int:
    n = len(v.vals)
    f = v.pop_ctrl()
    if f.kind != "if":
        raise ValidationError("else without if")
    v.push_ctrl("else", f.params, f.results)
    return n


def _end(v: FuncValidator, imm) -> int:
    f = v.ctrls[-1]
    vals = v.vals
    n = len(vals)
    results = f.results
    # Exactly the results on the frame's part of the stack: they stay there.
    if n == f.height + len(results) and (
            not results or len(results) == 1 and vals[-1] == results[0]):
        v.ctrls.pop()
        if v.init_log:
            v.reset_inits(f)
        if f.kind == "if" and list(f.params) != list(results) \
                and not v.ctx.subs(f.params, results):
            raise mismatch(results, f.params)
        return n
    f = v.pop_ctrl()
    if f.kind == "if" and list(f.params) != list(f.results) \
            and not v.ctx.subs(f.params, f.results):
        raise mismatch(f.results, f.params)
    v.vals.extend(f.results)
    return n


def _br(v: FuncValidator, depth) -> int:
    n = len(v.vals)
    types = v.label(depth).label_types
    if types:
        v.pop_vals(types)
    v.set_unreachable()
    return n


def _br_if(v: FuncValidator, depth) -> int:
    vals = v.vals
    n = len(vals)
    if n > v.ctrls[-1].height and vals[-1] == I32:
        vals.pop()
    else:
        v.pop_expect(I32)
    types = v.label(depth).label_types
    if types:
        v.pop_vals(types)
        vals.extend(types)
    return n


def _br_table(v: FuncValidator, imm) -> int:
    n = len(v.vals)
    labels, default = imm
    v.pop_expect(I32)
    arity = len(v.label(default).label_types)
    ctrls = v.ctrls
    for depth in labels:
        if depth >= len(ctrls):
            v.label(depth)      # (raises: unknown label)
        types = ctrls[-1 - depth].label_types
        if len(types) != arity:
            raise ValidationError("type mismatch: br_table targets of different arity")
        if arity:               # (no values: nothing to check)
            v.vals.extend(v.pop_vals(types))
    v.pop_vals(v.label(default).label_types)
    v.set_unreachable()
    return n


def _return(v: FuncValidator, imm) -> int:
    n = len(v.vals)
    v.pop_vals(v.results)
    v.set_unreachable()
    return n


def _call(v: FuncValidator, idx) -> int:
    n = len(v.vals)
    ft = v.func_type(idx)
    if ft.params:
        v.pop_vals(ft.params)
    v.vals.extend(ft.results)
    return n


def _addr(t) -> int:
    """A table's address type (memory64: i64 for a 64-bit table)."""
    return I64 if t.limits.is64 else I32


def _call_indirect(v: FuncValidator, imm) -> int:
    n = len(v.vals)
    typeidx, tableidx = imm
    t = v.table(tableidx)
    if t.elem != FUNCREF and not v.ctx.sub(t.elem, FUNCREF):
        raise ValidationError("type mismatch: call_indirect on a table of externref")
    ft = v.type_at(typeidx)
    v.pop_expect(_addr(t))
    v.pop_vals(ft.params)
    v.vals.extend(ft.results)
    return n


def _return_call(v: FuncValidator, idx) -> int:
    return _tail(v, v.func_type(idx))


def _return_call_indirect(v: FuncValidator, imm) -> int:
    n = len(v.vals)
    typeidx, tableidx = imm
    t = v.table(tableidx)
    if t.elem != FUNCREF and not v.ctx.sub(t.elem, FUNCREF):
        raise ValidationError("type mismatch: call_indirect on a table of externref")
    ft = v.type_at(typeidx)
    v.pop_expect(_addr(t))
    _tail(v, ft)
    return n


_tail = tail


def _drop(v: FuncValidator, imm) -> int:
    vals = v.vals
    n = len(vals)
    if n > v.ctrls[-1].height:
        vals.pop()
    else:
        v.pop()
    return n


def _select(v: FuncValidator, imm) -> int:
    n = len(v.vals)
    v.pop_expect(I32)
    t1 = v.pop()
    t2 = v.pop()
    if t1 not in _NUM_OR_VEC and t1 != UNKNOWN or t2 not in _NUM_OR_VEC and t2 != UNKNOWN:
        raise ValidationError("type mismatch: select without a type needs numeric operands")
    if t1 != t2 and t1 != UNKNOWN and t2 != UNKNOWN:
        raise mismatch(t1, t2)
    v.vals.append(t2 if t1 == UNKNOWN else t1)
    return n


def _select_t(v: FuncValidator, types) -> int:
    n = len(v.vals)
    if len(types) != 1:
        raise ValidationError("invalid result arity")
    t = v.ctx.check_type(types[0])
    v.pop_expect(I32)
    v.pop_expect(t)
    v.pop_expect(t)
    v.vals.append(t)
    return n


def _local_get(v: FuncValidator, idx) -> int:
    n = len(v.vals)
    try:
        t = v.locals[idx]
    except IndexError:
        t = v.local(idx)
    if t < 0:
        raise ValidationError(f"uninitialized local {idx}")
    v.vals.append(t)
    return n


def _local_set(v: FuncValidator, idx) -> int:
    vals = v.vals
    n = len(vals)
    if idx < len(v.locals) and n > v.ctrls[-1].height and vals[-1] == v.locals[idx]:
        vals.pop()
        return n
    t = v.local(idx)
    v.pop_expect(v.init_local(idx) if t < 0 else t)
    return n


def _local_tee(v: FuncValidator, idx) -> int:
    vals = v.vals
    n = len(vals)
    if idx < len(v.locals) and n > v.ctrls[-1].height and vals[-1] == v.locals[idx]:
        return n   # popped and pushed back
    t = v.local(idx)
    if t < 0:
        t = v.init_local(idx)
    v.pop_expect(t)
    v.vals.append(t)
    return n


def _global_get(v: FuncValidator, idx) -> int:
    n = len(v.vals)
    globals_ = v.ctx.globals
    v.vals.append((globals_[idx] if idx < len(globals_) else v.global_(idx)).type)
    return n


def _global_set(v: FuncValidator, idx) -> int:
    n = len(v.vals)
    g = v.global_(idx)
    if not g.mutable:
        raise ValidationError("global is immutable")
    v.pop_expect(g.type)
    return n


def _table_get(v: FuncValidator, idx) -> int:
    n = len(v.vals)
    t = v.table(idx)
    v.pop_expect(_addr(t))
    v.vals.append(t.elem)
    return n


def _table_set(v: FuncValidator, idx) -> int:
    n = len(v.vals)
    t = v.table(idx)
    v.pop_expect(t.elem)
    v.pop_expect(_addr(t))
    return n


def _table_size(v: FuncValidator, idx) -> int:
    n = len(v.vals)
    v.vals.append(_addr(v.table(idx)))
    return n


def _table_grow(v: FuncValidator, idx) -> int:
    n = len(v.vals)
    t = v.table(idx)
    v.pop_expect(_addr(t))
    v.pop_expect(t.elem)
    v.vals.append(_addr(t))
    return n


def _table_fill(v: FuncValidator, idx) -> int:
    n = len(v.vals)
    t = v.table(idx)
    v.pop_expect(_addr(t))
    v.pop_expect(t.elem)
    v.pop_expect(_addr(t))
    return n


def _table_copy(v: FuncValidator, imm) -> int:
    n = len(v.vals)
    dst, src = imm
    td, ts = v.table(dst), v.table(src)
    if td.elem != ts.elem and not v.ctx.sub(ts.elem, td.elem):
        raise mismatch(td.elem, ts.elem)
    ad, as_ = _addr(td), _addr(ts)
    v.pop_vals((ad, as_, I64 if ad == as_ == I64 else I32))
    return n


def _table_init(v: FuncValidator, imm) -> int:
    n = len(v.vals)
    seg, tableidx = imm
    t = v.table(tableidx)
    et = v.elem(seg)
    if et != t.elem and not v.ctx.sub(et, t.elem):
        raise mismatch(t.elem, et)
    v.pop_vals((_addr(t), I32, I32))
    return n


def _ref_null(v: FuncValidator, t) -> int:
    n = len(v.vals)
    v.vals.append(v.ctx.check_type(t))
    return n


def _ref_is_null(v: FuncValidator, imm) -> int:
    n = len(v.vals)
    v.pop_ref()
    v.vals.append(I32)
    return n


def _ref_func(v: FuncValidator, idx) -> int:
    n = len(v.vals)
    t = func_ref_type(v, idx)
    if idx not in v.ctx.refs:
        raise ValidationError("undeclared function reference")
    v.vals.append(t)
    return n


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
    "ref.func": _ref_func, **EXN_HANDLERS, **REF_HANDLERS, **GC_HANDLERS,
}
for _o in O.OPS:
    if _o.params is None and _o.name not in _HANDLERS:
        raise AssertionError(f"no validator handler for {_o.name}")


# -- instructions with a fixed effect (params -> results) -----------------------------------------

def _fixed(op: O.Op):
    """The step of an instruction whose effect is its `params -> results`:
    its immediate check, then the operands popped and the results pushed.
    The common shapes test the top of the stack in place; anything else
    (an underflow, a mismatch, unreachable code) goes through pop_vals.
    Like every step it returns the operand-stack height before it."""
    assert op.params is not None and op.results is not None   # a fixed effect
    params, results = list(op.params), list(op.results)
    check = _IMM_CHECKS.get(op.imm)
    if op.feature == "threads" and op.imm is O.MEMARG:
        check = _check_atomic_memarg
    n = len(params)
    if len(results) == 1:
        t = results[0]
        if n == 0:
            def step(v: FuncValidator, imm) -> int:
                vals = v.vals
                h = len(vals)
                vals.append(t)
                return h
        elif n == 1:
            p = params[0]

            def step(v: FuncValidator, imm) -> int:
                vals = v.vals
                h = len(vals)
                if h > v.ctrls[-1].height and vals[-1] == p:
                    vals[-1] = t
                else:
                    v.pop_vals(params)
                    vals.append(t)
                return h
        elif n == 2:
            p0, p1 = params

            def step(v: FuncValidator, imm) -> int:
                vals = v.vals
                h = len(vals)
                if h - 2 >= v.ctrls[-1].height and vals[-1] == p1 and vals[-2] == p0:
                    del vals[-1]
                    vals[-1] = t
                else:
                    v.pop_vals(params)
                    vals.append(t)
                return h
        else:
            step = _generic(params, results)
    elif not results and n == 2:
        p0, p1 = params

        def step(v: FuncValidator, imm) -> int:
            vals = v.vals
            h = len(vals)
            if h - 2 >= v.ctrls[-1].height and vals[-1] == p1 and vals[-2] == p0:
                del vals[-2:]
            else:
                v.pop_vals(params)
            return h
    else:
        step = _generic(params, results)
    if check is None:
        return step
    if check is _check_memarg:    # (the check inline: loads and stores are common)
        align = op.align

        def memarg(v: FuncValidator, imm) -> int:
            if imm[2] >= len(v.ctx.mems):
                v.memory(imm[2])
            if imm[0] > align:
                raise ValidationError("alignment must not be larger than natural")
            if imm[1] > 0xFFFFFFFF and not v.ctx.mems[imm[2]].limits.is64:
                raise ValidationError("offset out of range")   # (memory64: u64 offsets)
            return step(v, imm)
        return memarg

    def checked(v: FuncValidator, imm) -> int:
        check(v, op, imm)
        return step(v, imm)
    return checked


def _generic(params: list[int], results: list[int]):
    n = len(params)

    def step(v: FuncValidator, imm) -> int:
        vals = v.vals
        h = len(vals)
        if n:
            if vals[-n:] == params and h - n >= v.ctrls[-1].height:
                del vals[-n:]
            else:
                v.pop_vals(params)
        if results:
            vals.extend(results)
        return h
    return step


# op -> its step: the handler, or the check and effect from the table; every
# step returns the operand-stack height before the instruction.  One look-up
# per instruction (FuncValidator.step; the emitter keeps them too).
STEPS = {o: _HANDLERS[o.name] if o.params is None else _fixed(o) for o in O.OPS + VARIANTS}
