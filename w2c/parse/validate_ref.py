"""Validation of the typed function reference instructions (call_ref,
return_call_ref, ref.as_non_null, br_on_null, br_on_non_null) and the
subtyping parts shared with the other handlers of w2c.parse.validate_func
(tail calls' result types, ref.func's type).

Reference types are the ints of w2c.valtypes; the stack of unreachable
code gives the unknown type 0, which `pop_ref` turns into the bottom
reference (ref bot).
"""
from __future__ import annotations

from w2c.errors import ValidationError
from w2c.module import FuncType
from w2c.parse.validate_state import FuncState, mismatch
from w2c.valtypes import concrete, heap_of, is_ref, ref_type


def tail(v: FuncState, ft: FuncType) -> int:
    """A tail call to a function of type `ft`: its results must be the
    caller's (subtypes of them), its parameters are popped."""
    n = len(v.vals)
    if not v.ctx.subs(ft.results, v.results):
        raise mismatch(v.results, ft.results)
    v.pop_vals(ft.params)
    v.set_unreachable()
    return n


def func_ref_type(v: FuncState, idx: int) -> int:
    """ref.func's result: (ref $t), $t the function's type."""
    v.func_type(idx)
    return ref_type(concrete(v.ctx.funcs[idx]), False)


def _pop_func_ref(v: FuncState, x: int) -> FuncType:
    ft = v.type_at(x)
    v.pop_expect(ref_type(concrete(x), True))
    return ft


def _call_ref(v: FuncState, x: int) -> int:
    n = len(v.vals)
    ft = _pop_func_ref(v, x)
    v.pop_vals(ft.params)
    v.vals.extend(ft.results)
    return n


def _return_call_ref(v: FuncState, x: int) -> int:
    n = len(v.vals)
    ft = _pop_func_ref(v, x)
    tail(v, ft)
    return n


def _ref_as_non_null(v: FuncState, imm) -> int:
    n = len(v.vals)
    t = v.pop_ref()
    v.vals.append(ref_type(heap_of(t), False))
    return n


def _br_on_null(v: FuncState, depth: int) -> int:
    n = len(v.vals)
    t = v.pop_ref()
    types = v.label(depth).label_types
    v.pop_vals(types)
    v.vals.extend(types)      # (the label's types, not the operands')
    v.vals.append(ref_type(heap_of(t), False))
    return n


def _br_on_non_null(v: FuncState, depth: int) -> int:
    n = len(v.vals)
    types = v.label(depth).label_types
    if not types or not is_ref(types[-1]):
        raise ValidationError("type mismatch: br_on_non_null's label needs a reference")
    t = v.pop_ref()
    if not v.ctx.sub(ref_type(heap_of(t), False), types[-1]):
        raise mismatch(types[-1], t)
    v.pop_vals(types[:-1])
    v.vals.extend(types[:-1])
    return n


HANDLERS = {"call_ref": _call_ref, "return_call_ref": _return_call_ref,
            "ref.as_non_null": _ref_as_non_null, "br_on_null": _br_on_null,
            "br_on_non_null": _br_on_non_null}
