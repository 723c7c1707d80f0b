"""Tail calls in generated C (part of the emitter, beside body.py):
return_call and return_call_indirect.

    TailCalls            one function's tail-call state (BodyEmitter.tail)
    TailCalls.call(...)  the C of one tail call
    TailCalls.prelude()  the thunks, written before the function
    TailCalls.entry()    the declaration of `tail_` at the function's entry
    TailCalls.trampoline(...)  the lines after the function's epilogue

Three lowerings (docs/codegen.md, "Tail calls"):
- a self tail call assigns the parameters, zeroes the other locals and
  jumps to the start of the body (`L0`, after W2C_CALL_ENTER);
- a call of another function of the module or through a table stores the
  arguments in the runtime's w2c_tail (runtime_c/w2c_tail.h) and jumps to
  the function's trampoline label, which either returns at once (the
  function was called by a thunk: `tail_`) or calls thunks until none is
  left and returns the last callee's results;
- a callee whose parameters need more than MAX_VALUES slots of w2c_tail
  (a v128 takes two, as its two i64 lanes: the runtime's union has no v128,
  which exists only in modules using SIMD), or an imported function, is
  called as `call` then `return` (its stack is not constant).
A module without tail calls gets none of this: its C is unchanged.
"""
from __future__ import annotations

from typing import Any

from w2c import opcodes as O
from w2c.emit.names import C_ZERO, LETTERS, fn_pointer_type, result_type, type_id
from w2c.emit.results import call_results
from w2c.module import FUNCREF, V128, FuncType
from w2c.parse.validate_func import STEPS, FuncValidator

MAX_VALUES = 16          # W2C_TAIL_VALUES of runtime_c/w2c_tail.h
START_LABEL = "L0"       # the start of the body (labels of blocks count from 1)


def slots(ft: FuncType) -> int:
    """The w2c_tail.vals slots the parameters of `ft` take."""
    return sum(2 if t == V128 else 1 for t in ft.params)


def _stores(ft: FuncType, args: list[str]) -> list[str]:
    """The statements storing `args` in w2c_tail.vals."""
    out, k = [], 0
    for t, a in zip(ft.params, args, strict=True):
        if t == V128:
            out += [f"w2c_tail.vals[{k}].j = w2c_i64x2_extract_lane({a}, 0);",
                    f"w2c_tail.vals[{k + 1}].j = w2c_i64x2_extract_lane({a}, 1);"]
            k += 2
        else:
            out.append(f"w2c_tail.vals[{k}].{LETTERS[t]} = {a};")
            k += 1
    return out


def _loads(ft: FuncType) -> str:
    """The arguments of a thunk's call: `, value` per parameter of `ft`."""
    out, k = [], 0
    for t in ft.params:
        if t == V128:
            out.append(f", w2c_v128_const(w2c_tail.vals[{k}].j, w2c_tail.vals[{k + 1}].j)")
            k += 2
        else:
            out.append(f", w2c_tail.vals[{k}].{LETTERS[t]}")
            k += 1
    return "".join(out)


class TailCalls:
    """The tail calls of one function: the thunks it needs (by type id), its
    trampoline label (once a call goes through it), and whether a self tail
    call jumps to the start."""

    def __init__(self, name: str, ftype: FuncType) -> None:
        self.name = name            # the function's C name
        self.ftype = ftype
        self.thunks: dict[int | str, tuple[str, FuncType, str | None]] = {}
        self.label: int | None = None
        self.start = False

    # -- call sites ------------------------------------------------------------------------------
    def self_call(self, args: list[str], locals_: list[int], nparams: int) -> list[str]:
        """A tail call of the function itself: a jump to the start."""
        self.start = True
        lines = [f"l{i} = {a};" for i, a in enumerate(args)]
        lines += [f"l{i} = {C_ZERO[t]};" for i, t in enumerate(locals_) if i >= nparams]
        lines.append(f"goto {START_LABEL};")
        return lines

    def via_trampoline(self, ft: FuncType, args: list[str], callee: str | None, instance: str,
                       label: int) -> list[str]:
        """Store the arguments (and, through a table, the callee: `callee` None
        and `fr_` the funcref) in w2c_tail and jump to the trampoline (label
        number `label` unless the function has one already).  A direct
        callee gets a thunk of its own, which calls it by name."""
        if self.label is None:
            self.label = label
        key = callee if callee is not None else type_id(ft)
        if key not in self.thunks:
            self.thunks[key] = (f"{self.name}_t{len(self.thunks)}", ft, callee)
        lines = _stores(ft, args)
        if callee is None:
            lines.append("w2c_tail.func = fr_.func;")
        lines += [f"w2c_tail.instance = {instance};",
                  f"w2c_tail.thunk = (void (*)(void)){self.thunks[key][0]};",
                  f"goto L{self.label};"]
        return lines

    # -- the function's frame ----------------------------------------------------------------------
    def prelude(self) -> str:
        """The thunks: each calls its callee (w2c_tail.func for calls through
        a table) with the arguments stored in w2c_tail."""
        out = []
        for name, ft, callee in self.thunks.values():
            rt = result_type(ft)
            args = _loads(ft)
            out.append(f"static {rt} {name}(void) {{")
            if callee is None:
                fp = fn_pointer_type(ft)
                out.append(f"  {fp.replace('(*)', '(*f_)', 1)} = ({fp})w2c_tail.func;")
                out.append("  w2c_tail.expect = w2c_tail.func;")
                callee = "f_"
            else:
                out.append(f"  w2c_tail.expect = (void (*)(void)){callee};")
            call = f"{callee}(w2c_tail.instance{args})"
            out += ["  w2c_tail.thunk = 0;",
                    f"  {call};" if rt == "void" else f"  return {call};", "}", ""]
        return "\n".join(out)

    def entry(self) -> list[str]:
        """Declarations at the function's entry (before W2C_CALL_ENTER)."""
        if self.label is None:
            return []
        return [f"int tail_ = w2c_tail_enter((void (*)(void)){self.name});"]

    def trampoline(self, store, end_label: int) -> list[str]:
        """The trampoline, after the epilogue: unless a thunk called this
        function, call thunks until none is left; their results go through
        `store(i, type, expr)` (the function's result slots), then to the
        epilogue at `end_label`."""
        if self.label is None:
            return []
        rt = result_type(self.ftype)
        call = f"(({rt} (*)(void))w2c_tail.thunk)()"
        body = call_results(self.ftype, call, store)
        return ([f"L{self.label}:;", "if (!tail_) do {"] + ["  " + x for x in body] +
                ["} while (w2c_tail.thunk != 0);", f"goto L{end_label};"])


def return_call(e: Any, v: FuncValidator, op: O.Op, imm: Any, live: bool) -> bool:
    """return_call, return_call_indirect and return_call_ref (a structure
    method of w2c.emit.body: nothing after it is reachable)."""
    top = STEPS[op](v, imm)
    if not live:
        return False
    indirect = op.imm is O.CALL_INDIRECT or op.imm is O.TYPE
    ft = e.g.module.types[imm[0] if op.imm is O.CALL_INDIRECT else imm] if indirect \
        else e.g.func_type(imm)
    base = top - indirect - len(ft.params)
    args = [e.slot(base + i, t) for i, t in enumerate(ft.params)]
    if e.tail is None:
        e.tail = TailCalls(e.g.callee(e.index), e.ftype)
    calls = e.tail
    if not indirect and imm == e.index:
        e.lines.extend(calls.self_call(args, e.locals, e.nparams))
        return False
    e.blocks[0].used = True
    if slots(ft) > MAX_VALUES or not indirect and imm < e.g.nimported:
        handlers, e.exn.handlers = e.exn.handlers, []   # (the callee's exceptions
        call = e._call_ref if op.imm is O.TYPE else \
            e._call_indirect if indirect else e._call
        call(v, op, imm, top)                                 # are not ours)
        e.exn.handlers = handlers
        e.moves(0, base, ft.results)
        e.out(f"goto L{e.blocks[0].label};")
        return False
    label = calls.label if calls.label is not None else e.new_label()
    if op.imm is O.TYPE:       # return_call_ref: the callee from the reference
        ref = e.slot(top - 1, FUNCREF)
        e.out(f"{{ w2c_funcref fr_ = w2c_funcref_call_target({ref});")
        e.lines.extend(calls.via_trampoline(ft, args, None, "fr_.instance", label))
        e.out("}")
    elif indirect:
        typeidx, x = imm
        e.out(f"{{ w2c_funcref fr_ = "
              f"{e.g.call_target(x, e.call_index(x, top - 1), typeidx)};")
        instance = "inst" if x in e.g.const_tables else "fr_.instance"
        e.lines.extend(calls.via_trampoline(ft, args, None, instance, label))
        e.out("}")
    else:
        e.lines.extend(calls.via_trampoline(ft, args, e.g.callee(imm), "inst", label))
    return False
