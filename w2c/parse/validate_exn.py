"""Validation of the exception-handling instructions (part of the body
validator, w2c.parse.validate_func, whose STEPS include these handlers).

exnref encoding (Wasm 3.0):
    throw x          [t1* tag x's params] -> [t2*]   (stack-polymorphic)
    throw_ref        [t1* exnref] -> [t2*]
    try_table bt c*  a block whose catch clauses name labels outside it:
                     catch x l (l carries x's params), catch_ref x l (and an
                     exnref), catch_all l (nothing), catch_all_ref l (an exnref)
legacy encoding:
    try bt ... (catch x ...)* (catch_all ...)? end | try bt ... delegate l
    rethrow l        l must be a catch or catch_all block

Each handler returns the operand-stack height before the instruction, like
every step.
"""
from __future__ import annotations

from w2c.errors import ValidationError
from w2c.module import EXNREF
from w2c.parse.validate_state import ControlFrame, FuncState, mismatch
from w2c.valtypes import HT_EXN, ref_type

EXN_REF = ref_type(HT_EXN, False)   # what catch_ref gives: (ref exn), a subtype of exnref

# try_table catch kinds (their binary encodings)
CATCH, CATCH_REF, CATCH_ALL, CATCH_ALL_REF = 0, 1, 2, 3


def _throw(v: FuncState, x: int) -> int:
    n = len(v.vals)
    params = v.tag(x).params
    if params:
        v.pop_vals(params)
    v.set_unreachable()
    return n


def _throw_ref(v: FuncState, imm) -> int:
    n = len(v.vals)
    v.pop_expect(EXNREF)
    v.set_unreachable()
    return n


def catch_types(v: FuncState, kind: int, tag: int | None) -> tuple:
    """The values a catch clause hands its label."""
    values = v.tag(tag).params if tag is not None else ()
    return tuple(values) + ((EXN_REF,) if kind in (CATCH_REF, CATCH_ALL_REF) else ())


def _try_table(v: FuncState, imm) -> int:
    bt, catches = imm
    n = len(v.vals)
    for kind, tag, label in catches:
        types = catch_types(v, kind, tag)
        want = v.label(label).label_types
        if list(want) != list(types) and not v.ctx.subs(types, want):
            raise mismatch(want, types)
    params, results = v.block_type(bt)
    if params:
        v.pop_vals(params)
    v.push_ctrl("try_table", params, results)
    return n


def _try(v: FuncState, bt) -> int:
    n = len(v.vals)
    params, results = v.block_type(bt)
    if params:
        v.pop_vals(params)
    v.push_ctrl("try", params, results)
    return n


def _catch_block(v: FuncState, kind: str, values: tuple) -> int:
    """End the try (or catch) block on top and open a `kind` block whose
    stack starts with `values`."""
    n = len(v.vals)
    f = v.ctrls[-1]
    if f.kind not in ("try", "catch"):
        raise ValidationError(f"{kind} without try" if f.kind != "catch_all"
                              else f"{kind} after catch_all")
    v.pop_ctrl()
    v.ctrls.append(ControlFrame(kind, f.params, f.results, len(v.vals), len(v.init_log)))
    v.vals.extend(values)
    return n


def _catch(v: FuncState, x: int) -> int:
    return _catch_block(v, "catch", tuple(v.tag(x).params))


def _catch_all(v: FuncState, imm) -> int:
    return _catch_block(v, "catch_all", ())


def _delegate(v: FuncState, label: int) -> int:
    n = len(v.vals)
    f = v.ctrls[-1]
    if f.kind != "try":
        raise ValidationError("delegate without try")
    v.pop_ctrl()
    v.label(label)      # relative to the blocks around the try
    v.vals.extend(f.results)
    return n


def _rethrow(v: FuncState, label: int) -> int:
    n = len(v.vals)
    if v.label(label).kind not in ("catch", "catch_all"):
        raise ValidationError("invalid rethrow label")
    v.set_unreachable()
    return n


HANDLERS = {"throw": _throw, "throw_ref": _throw_ref, "try_table": _try_table, "try": _try,
            "catch": _catch, "catch_all": _catch_all, "delegate": _delegate,
            "rethrow": _rethrow}
