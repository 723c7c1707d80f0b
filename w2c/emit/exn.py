"""Exception handling in generated C (part of the emitter, beside body.py):
throw, throw_ref, try_table, and the legacy try/catch/catch_all/delegate/
rethrow.  The runtime is runtime_c/w2c_exn.h; docs/codegen.md, "Exceptions",
compares the lowerings.

Explicit propagation, no setjmp: `throw` stores the tag and values in
w2c_exn_thrown and jumps to its function's innermost handler; after each
call (`after_call`) a function tests W2C_EXN_PENDING() and jumps there too.
The handler of a function with no open try is its return label: the
exception goes on to the caller, which tests it after the call.

    try_table:  the body, then (if something in it can throw) a dispatch:
                   L<h>:; if (tag == T) { values -> label's slots; clear;
                   goto L<label>; } ... goto <outer handler>;
    legacy try: the body, then at each catch a test of the chain
                (`if (tag != T) goto <next test>;`), the values, a copy of the
                exception for rethrow (`w2c_exn x<h>`), and the catch's code;
                after the last catch, `goto <outer handler>`.
    delegate l: the dispatch is `goto <handler around block l>`.

A handler's label is written only if something jumps to it (no unused
labels); a module that neither declares tags nor uses exnref (`uses_exceptions`)
tests after calls only inside try blocks, so its C is what it was before.
"""
from __future__ import annotations

from typing import Any

from w2c.errors import UnsupportedFeature
from w2c.module import EXNREF, EXT_TAG, Module
from w2c.parse.validate_exn import CATCH_ALL, CATCH_ALL_REF, CATCH_REF
from w2c.parse.validate_func import STEPS, FuncValidator
from w2c.valtypes import REF_BASE, erase

# The emitter (w2c.emit.body.BodyEmitter) and its open blocks (BlockLabels):
# not imported, body.py imports this module.
BodyEmitter = Any
BlockLabels = Any

EXN_HEADER = "w2c_exn.h"
EXN_INCLUDE = f'#include "{EXN_HEADER}"\n'
MAX_VALUES = 16          # W2C_EXN_VALUES of runtime_c/w2c_exn.h


def uses_exceptions(m: Module) -> bool:
    """Tags (defined, imported) or exnref in a type, global or table: every
    call of the module's functions is followed by the exception test."""
    if m.tags or any(i.kind == EXT_TAG for i in m.imports):
        return True
    types = [t for ft in m.func_sigs() for t in ft.params + ft.results]
    types += [g.type for g in m.all_globals()] + [t.elem for t in m.all_tables()]
    return EXNREF in types or any(t >= REF_BASE and erase(t) == EXNREF for t in types)


def check_tags(m: Module) -> None:
    for x in m.all_tags():
        if len(m.type_func(x).params) > MAX_VALUES:
            raise UnsupportedFeature(f"exceptions (a tag of more than {MAX_VALUES} values)")


class Handler:
    """An open try_table or try: its block, the label of its dispatch code,
    whether something jumps there, its catch clauses (try_table), and for a
    legacy try the label of the next test of its catch chain (None: the
    chain is dead)."""
    __slots__ = ("block", "label", "used", "catches", "next", "legacy", "saved")

    def __init__(self, block: BlockLabels, label: int, catches: tuple, legacy: bool) -> None:
        self.block = block
        self.label = label
        self.used = False
        self.catches = catches
        self.next: int | None = None
        self.legacy = legacy
        self.saved = False       # the legacy try copies the exception (x<label>)


class ExnState:
    """One function's open try blocks: `handlers` those whose body is open
    (innermost last: where a throw goes), `trys` all of them."""
    __slots__ = ("handlers", "trys", "saves", "used")

    def __init__(self) -> None:
        self.used = False                # the body needs w2c_exn.h
        self.handlers: list[Handler] = []
        self.trys: list[Handler] = []
        self.saves: list[int] = []       # labels of the x<label> copies to declare


def throw_target(e: BodyEmitter, upto: int | None = None) -> int:
    """The label an exception goes to: the innermost open handler (of a
    block at index <= upto, if given), else the function's return label."""
    for h in reversed(e.exn.handlers):
        if upto is None or e.blocks.index(h.block) <= upto:
            h.used = True
            return h.label
    e.blocks[0].used = True
    return e.blocks[0].label


def after_call(e: BodyEmitter) -> None:
    """The test after a call (only in modules using exceptions, or in a try)."""
    e.out(f"if (W2C_EXN_PENDING()) goto L{throw_target(e)};")


def tag_ref(x: int) -> str:
    return f"inst->tag{x}"


# -- instructions (structure methods of BodyEmitter) ----------------------------------------------

def throw(e: BodyEmitter, v: FuncValidator, op: Any, x: int, live: bool) -> bool:
    top = STEPS[op](v, x)
    if live:
        params = e.g.tag_type(x).params
        base = top - len(params)
        e.out(f"w2c_exn_thrown.tag = {tag_ref(x)};")
        for i, t in enumerate(params):
            e.out(f"W2C_EXN_PUT({i}, {e.slot(base + i, t)});")
        e.out(f"goto L{throw_target(e)};")
    return False


def throw_ref(e: BodyEmitter, v: FuncValidator, op: Any, imm: Any, live: bool) -> bool:
    top = STEPS[op](v, imm)
    if live:
        e.exn.used = True
        e.out(f"w2c_exn_rethrow({e.slot(top - 1, EXNREF)});")
        e.out(f"goto L{throw_target(e)};")
    return False


def try_table(e: BodyEmitter, v: FuncValidator, op: Any, imm: Any, live: bool) -> bool:
    live = e._block(v, op, imm, live)
    if live:
        h = Handler(e.blocks[-1], e.new_label(), imm[1], legacy=False)
        e.exn.handlers.append(h)
        e.exn.trys.append(h)
        e.exn.used = True
    return live


def try_(e: BodyEmitter, v: FuncValidator, op: Any, imm: Any, live: bool) -> bool:
    live = e._block(v, op, imm, live)
    if live:
        h = Handler(e.blocks[-1], e.new_label(), (), legacy=True)
        e.exn.handlers.append(h)
        e.exn.trys.append(h)
        e.exn.used = True
    return live


def _open_try(e: BodyEmitter) -> Handler | None:
    """The innermost try's handler if the try was opened in live code."""
    b = e.blocks[-1]
    trys = e.exn.trys
    return trys[-1] if trys and trys[-1].block is b else None


def _close_body(e: BodyEmitter, h: Handler, live: bool) -> None:
    """The end of a try's body: its handler stops catching; the body's
    fall-through jumps over the handler code."""
    if h in e.exn.handlers:
        e.exn.handlers.remove(h)
        h.next = h.label if h.used else None
    if live and h.next is not None:
        h.block.used = True
        e.out(f"goto L{h.block.label};")


def try_table_end(e: BodyEmitter, v: FuncValidator, h: Handler, live: bool) -> None:
    """At the end of a try_table (after the validator left it): its dispatch."""
    _close_body(e, h, live)
    e.exn.trys.remove(h)
    if h.next is None:
        return
    e.out(f"L{h.label}:;")
    for kind, tag, depth in h.catches:
        target = v.label(depth)
        values = list(target.label_types)
        if kind in (CATCH_REF, CATCH_ALL_REF):
            values.pop()
        if tag is not None:
            e.out(f"if (w2c_exn_thrown.tag == {tag_ref(tag)}) {{")
        else:
            e.out("{")
        for i, t in enumerate(values):
            e.out(f"  W2C_EXN_GET({i}, {e.slot(target.height + i, t)});")
        if kind in (CATCH_REF, CATCH_ALL_REF):
            e.out(f"  {e.slot(target.height + len(values), EXNREF)} = w2c_exn_ref();")
        e.out("  w2c_exn_thrown.tag = NULL;")
        b = e.blocks[-1 - depth]
        b.used = True
        e.out(f"  goto L{b.label};")
        e.out("}")
        if kind in (CATCH_ALL, CATCH_ALL_REF):
            return
    e.out(f"goto L{throw_target(e)};")


def catch(e: BodyEmitter, v: FuncValidator, op: Any, x: int | None, live: bool) -> bool:
    """catch x / catch_all (x None) of a legacy try: the next test of the chain."""
    h = _open_try(e)
    STEPS[op](v, x)
    if h is None:
        return False
    _close_body(e, h, live)
    if h.next is None:
        return False
    e.out(f"L{h.next}:;")
    if x is not None:
        h.next = e.new_label()
        e.out(f"if (w2c_exn_thrown.tag != {tag_ref(x)}) goto L{h.next};")
        height = v.label(0).height
        for i, t in enumerate(e.g.tag_type(x).params):
            e.out(f"W2C_EXN_GET({i}, {e.slot(height + i, t)});")
    else:
        h.next = None
    if not h.saved:
        h.saved = True
        e.exn.saves.append(h.label)
    e.out(f"x{h.label} = w2c_exn_thrown;")
    e.out("w2c_exn_thrown.tag = NULL;")
    return True


def catch_all(e: BodyEmitter, v: FuncValidator, op: Any, imm: Any, live: bool) -> bool:
    return catch(e, v, op, None, live)


def legacy_end(e: BodyEmitter, v: FuncValidator, h: Handler, live: bool) -> None:
    """At the end of a legacy try: an exception no catch took goes on."""
    _close_body(e, h, live)     # (jumps over the rest of the chain)
    e.exn.trys.remove(h)
    if h.next is not None:
        e.out(f"L{h.next}:;")
        e.out(f"goto L{throw_target(e)};")


def delegate(e: BodyEmitter, v: FuncValidator, op: Any, depth: int, live: bool) -> bool:
    """delegate l: ends the try; its exceptions go to the handler around block l."""
    h = _open_try(e)
    b = e.blocks[-1]
    STEPS[op](v, depth)
    if h is not None:
        _close_body(e, h, live)
        e.exn.trys.remove(h)
        if h.next is not None:
            upto = len(e.blocks) - 2 - depth     # block l, once the try is gone
            e.blocks.pop()
            target = throw_target(e, upto)
            e.blocks.append(b)
            e.out(f"L{h.next}:;")
            e.out(f"goto L{target};")
    return e.close_block(v, live)


def rethrow(e: BodyEmitter, v: FuncValidator, op: Any, depth: int, live: bool) -> bool:
    STEPS[op](v, depth)
    if live:
        b = e.blocks[-1 - depth]
        h = next((h for h in e.exn.trys if h.block is b), None)
        if h is None or not h.saved:    # (its catch is dead code)
            e.out("W2C_TRAP(W2C_TRAP_UNREACHABLE);")
        else:
            e.out(f"w2c_exn_thrown = x{h.label};")
            e.out(f"goto L{throw_target(e)};")
    return False


def declarations(state: ExnState) -> list[str]:
    """The copies of caught exceptions (legacy try with rethrow)."""
    return [f"w2c_exn x{k}; (void)x{k};" for k in state.saves]


__all__ = ["EXN_HEADER", "EXN_INCLUDE", "ExnState", "after_call", "check_tags",
           "declarations", "uses_exceptions"]
