"""Emitter of one function body (last stage of the pipeline, per function).

Runs in lockstep with the validator over the body's instruction stream:
each validator step returns the operand-stack height before the
instruction, the emitter writes C from it and asks the validator only
whether the code after is reachable and where a branch goes
(`v.reachable`, `v.label(depth)`: see w2c.parse.validate_state).
Operand-stack slot k of type t is the C local `s<k><letter>`, local n is
`l<n>`; blocks end in labels, loops start with them, branches are gotos
that first move the carried values into the target's slots, and br_table is
a switch.

Every instruction has one definition, found by `_DISPATCH` (derived from
the opcode table): a C template of the table (the common shapes, unary,
binary, load and store, precompiled to a %-format and written inline by
`run`; any other through `template`), an inline shape of `run` for the
variables and i32.const, a method of w2c.emit.body_ops (METHODS), or a
structure method here.  A new instruction is a table row with a template,
or a method there: `run` is not edited.
"""
from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any, Final

from w2c import opcodes as O
from w2c.emit import exn, frame, gc, loops, tail
from w2c.emit.body_ops import METHODS, READS_OPERAND, RELOAD, InstrMethods, Spill, globals_of
from w2c.emit.bounds import (
    CONST,
    KNOWS_PATHS,
    NC_FORMS,
    PROV_MAX,
    PURE_METHODS,
    TEE,
    TRAPPING,
    Checks,
)
from w2c.emit.frame import LEAF_BYTES
from w2c.emit.names import LETTERS
from w2c.emit.tail import TailCalls
from w2c.errors import UnsupportedFeature
from w2c.module import EXNREF, EXTERNREF, FUNCREF, I32, V128, FuncType
from w2c.opcodes64 import VARIANTS
from w2c.parse.validate_func import STEPS, FuncValidator
from w2c.valtypes import REF_BASE, erase

__all__ = ["LEAF_BYTES", "RELOAD", "BlockLabels", "BodyEmitter"]



class BlockLabels:
    """The emitter's C labels of an open block (the validator's ControlFrame
    keeps its types): its kind, label, whether it was opened in dead code,
    whether a branch targets it, and the line of a loop's label or the
    number of an if's else label."""
    __slots__ = ("kind", "label", "dead", "used", "placeholder", "known", "branched")

    def __init__(self, kind: str, label: int, dead: bool, placeholder: int | None = None) -> None:
        self.kind = kind
        self.label = label
        self.dead = dead
        self.used = False
        self.placeholder = placeholder
        self.known: dict | None = None  # an if's: known ranges before it (w2c.emit.bounds)
        self.branched = False            # an else's: a branch targets it


class BodyEmitter(InstrMethods):
    def __init__(self, gen, index: int, ftype: FuncType, local_types: list[int]):
        self.g = gen                     # the module emitter (names, module facts)
        self.index = index
        self.ftype = ftype
        # (typed references as the 2.0 type of their C representation)
        self.locals = [erase(t) for t in ftype.params] + [erase(t) for t in local_types]
        self.nparams = len(ftype.params)
        self.lines: list = []
        self.deep = [-1] * 128           # deepest slot used, by type code (see `depth`)
        self.labels = 0
        self.blocks: list[BlockLabels] = [BlockLabels("func", self.new_label(), False)]
        self.uses_mem = False
        self.calls_self = False          # a direct call of itself (see `render`)
        self.calls = False               # a call (or tail call) was emitted: not a leaf
        self.is_leaf = False             # decided at the function's end (epilogue)
        self.operand = 0  # type of the operand of ref.is_null
        self.tail: TailCalls | None = None  # made by the first tail call
        self.exn = exn.ExnState()        # open try blocks (w2c.emit.exn)
        self.where: str | None = None    # -g: C string naming it for traps (W2C_FUNC_ENTER)
        self.spills = False              # GC: a safepoint holds references (Spill lines)
        mems = getattr(gen, "mems", None) or []
        self.checks = Checks(bool(mems) and not mems[0].limits.is64, len(self.locals),
                             mems[0].limits.min * mems[0].limits.page_size if mems else 0,
                             not getattr(gen, "exn", False))

    # -- helpers -----------------------------------------------------------------------------
    def new_label(self) -> int:
        self.labels += 1
        return self.labels

    @property
    def depth(self) -> dict[str, int]:
        """The deepest slot used per type letter (LETTERS order; -1: none)."""
        deep = self.deep
        return {letter: deep[t] for t, letter in LETTERS.items()}

    def uses_v128(self) -> bool:
        """A v128 local or stack slot (so the SIMD runtime): after `run`."""
        return self.deep[V128] >= 0 or V128 in self.locals

    def uses_exnref(self) -> bool:
        """An exnref local or stack slot (so w2c_exn.h, for w2c_exnref, even
        without a throw or try): after `run`."""
        return self.deep[EXNREF] >= 0 or EXNREF in self.locals

    def slot(self, k: int, t: int) -> str:
        if t >= REF_BASE:
            t = erase(t)
        deep = self.deep
        if k > deep[t]:
            deep[t] = k
            _grow_names(k)
        return _NAMES[t][k]

    def out(self, line: object) -> None:
        self.lines.append(line)

    def safepoint(self, v: FuncValidator, live: int, operands: Sequence[int] = ()) -> None:
        """Before a call or an allocation of a GC module: the reference
        variables the code after it may read go to the function's frame of
        the shadow stack (a Spill line): every reference local, the
        reference values below stack height `live` (typed by the
        validator's stack, which the instruction's step left unchanged
        there), and `operands`, the types of the values from `live` up that
        the callee or allocator receives and does not root itself.  A slot
        not written keeps an earlier value, which was a root since."""
        if getattr(self.g, "gc", None) is None:
            return
        self.spills = True
        names = _NAMES[EXTERNREF]
        live_slots = [names[k] for k, t in enumerate(v.types_below(live)) if erase(t) == EXTERNREF]
        live_slots += [names[live + i] for i, t in enumerate(operands) if erase(t) == EXTERNREF]
        self.lines.append(Spill(live_slots))

    def moves(self, dst: int, src: int, types) -> None:
        if dst != src:
            for i, t in enumerate(types):
                self.out(f"{self.slot(dst + i, t)} = {self.slot(src + i, t)};")

    def branch(self, v: FuncValidator, depth: int, top: int) -> None:
        """Move the label's values (ending at stack height `top`) and jump."""
        target = v.label(depth)
        types = target.label_types
        if types:
            self.moves(target.height, top - len(types), types)
        b = self.blocks[-1 - depth]
        b.used = True
        self.lines.append(f"goto L{b.label};")

    # -- the instructions --------------------------------------------------------------------
    def run(self, v: FuncValidator, instrs) -> None:
        """Validate (with `v`) and emit every instruction of `instrs`, an
        iterator of (offset, op, immediate).  Only structure methods change
        whether the code is live (they return it)."""
        blocks = self.blocks
        dispatch = _DISPATCH
        deep: list[int] = self.deep
        names = _NAMES
        locals_: list[int] = self.locals
        globs = globals_of(self.g)
        out = self.lines.append
        checks = self.checks
        prov = checks.prov
        ver: list[int] = checks.ver
        keys: list[tuple[int, int]] = checks.keys
        lnames = _local_names(len(locals_))
        live = not blocks[-1].dead and v.reachable
        i32 = I32               # (module globals as locals: looked up once per body)
        prov_max = PROV_MAX
        knows_paths = KNOWS_PATHS
        pure = _PURE
        unchecked = _UNCHECKED
        tee = TEE
        top: int
        base: int
        t: int
        for _, op, imm in instrs:
            kind, step, fn, tpl = dispatch[op]
            if kind >= _K_STRUCT:
                if kind == _K_STRUCT:
                    if op in knows_paths:   # (checks.barrier(), inline)
                        checks.gen += 1
                        checks.epoch += 1
                    else:
                        checks.forget()
                    live = fn(self, v, op, imm, live)
                elif not live:
                    step(v, imm)
                elif kind == _K_METHOD:
                    top = step(v, imm)
                    pushed = pure.get(op)
                    if pushed is None:
                        checks.opaque_op(op in _CALLS)
                    elif pushed + top < prov_max:
                        prov[pushed + top] = None
                    fn(self, v, op, imm, top)
                elif kind == _K_OPERAND:
                    checks.opaque_op()
                    self.operand = erase(v.top_type())
                    fn(self, v, op, imm, step(v, imm))
                else:
                    raise UnsupportedFeature(f"{op.feature} (code generation of {op.name})")
                continue
            if not live:
                step(v, imm)
                continue
            top = step(v, imm)
            if kind == _K_LOCAL_GET:
                t = locals_[imm]
                if top > deep[t]:
                    deep[t] = top
                    _grow_names(top)
                if top < prov_max:
                    prov[top] = (keys[imm], 0, checks.gen)
                out(f"{names[t][top]} = {lnames[imm]};")
            elif kind == _K_I32_CONST:
                if top > deep[i32]:
                    deep[i32] = top
                    _grow_names(top)
                imm &= 0xFFFFFFFF
                if top < prov_max:
                    prov[top] = (CONST, imm, checks.gen)
                out(f"{names[i32][top]} = {imm}u;")
            elif kind == _K_BINARY:     # operands at base, base + 1; the result at base
                fmt, p0, p1, rt, trap = tpl
                base = top - 2
                if base + 1 > deep[p1] or base > deep[p0] or base > deep[rt]:
                    self.slot(base, p0)
                    self.slot(base + 1, p1)
                    self.slot(base, rt)
                if base < prov_max:
                    # (inside a loop: i32.add and compares for loop versioning)
                    prov[base] = checks.combine(_COMBINE[op], base) \
                        if checks.loops and op in _COMBINE else None
                if trap:
                    checks.epoch += 1
                out(fmt % (names[rt][base], names[p0][base], names[p1][base + 1]))
            elif kind == _K_LOCAL_SET:  # local.set, local.tee (the value stays in its slot)
                t = locals_[imm]
                top -= 1
                if top > deep[t]:
                    deep[t] = top
                    _grow_names(top)
                checks.stamp = ver[imm] = stamp = checks.stamp + 1
                keys[imm] = key = (imm, stamp)
                if checks.loops:
                    checks.note_set(imm, prov[top] if top < prov_max else None, len(blocks))
                if top < prov_max and op is tee:  # the value stays, now the local's
                    prov[top] = (key, 0, checks.gen)
                out(f"{lnames[imm]} = {names[t][top]};")
            elif kind == _K_GLOBAL_GET:
                t, ref = globs[imm]
                if top > deep[t]:
                    deep[t] = top
                    _grow_names(top)
                if top < prov_max:
                    prov[top] = None
                out(f"{names[t][top]} = {ref};")
            elif kind == _K_UNARY:
                fmt, p0, _, rt, trap = tpl
                base = top - 1
                if base > deep[p0] or base > deep[rt]:
                    self.slot(base, p0)
                    self.slot(base, rt)
                if base < prov_max:
                    prov[base] = None
                if trap:
                    checks.epoch += 1
                out(fmt % (names[rt][base], names[p0][base]))
            elif kind == _K_STORE:
                fmt, p0, p1, _, _ = tpl
                base = top - 2
                if base + 1 > deep[p1] or base > deep[p0]:
                    self.slot(base, p0)
                    self.slot(base + 1, p1)
                args = (self.mem_args(imm[2]), names[p0][base], imm[1], names[p1][base + 1])
                out(checks.access(self.lines, unchecked.get(op), imm, base, fmt, args, 1))
            elif kind == _K_LOAD:
                fmt, p0, _, rt, _ = tpl
                base = top - 1
                if base > deep[p0] or base > deep[rt]:
                    self.slot(base, p0)
                    self.slot(base, rt)
                args = (names[rt][base], self.mem_args(imm[2]), names[p0][base], imm[1])
                out(checks.access(self.lines, unchecked.get(op), imm, base, fmt, args, 2))
            else:                       # _K_TEMPLATE: any other template
                base = top - len(op.params)
                checks.template_op(op, base)
                self.template(op, imm, base, op.params)

    def instr(self, v: FuncValidator, op: O.Op, imm) -> None:
        """Validate and emit one instruction (what `run` does for each)."""
        self.run(v, ((0, op, imm),))

    def mem_args(self, k: int) -> str:
        """`data, size` of memory k: memory 0's are kept in locals (m0, m0_size),
        reloaded after anything that may grow it; others are read at each use."""
        if k == 0:
            self.uses_mem = True
            return "m0, m0_size"
        ref = self.g.memory_ref(k)
        return f"{ref}data, {ref}size"

    # -- control: each calls the validator's step itself and returns whether
    # the code after it is live (reachable, in a block opened in live code).
    def _block(self, v: FuncValidator, op: O.Op, imm, live: bool) -> bool:
        top = STEPS[op](v, imm)
        kind = op.name
        self.labels = label = self.labels + 1
        b = BlockLabels(kind, label, not live)
        checks = self.checks
        checks.gen += 1         # (checks.barrier(), inline)
        checks.epoch += 1
        if live:
            if kind == "loop":
                lines = self.lines
                checks.enter_loop(len(lines), len(self.blocks) + 1)
                b.placeholder = len(lines)
                lines.append(None)  # the loop label, if some branch targets it
            elif kind == "if":
                self.labels = b.placeholder = label + 1  # the else label
                self.lines.append(f"if (!{self.slot(top - 1, I32)}) goto L{label + 1};")
                b.known = dict(checks.known)
        self.blocks.append(b)
        return live

    def _else(self, v: FuncValidator, op: O.Op, imm, live: bool) -> bool:
        b = self.blocks[-1]
        STEPS[op](v, imm)
        if b.dead:
            return False
        checks = self.checks
        checks.barrier()
        then = checks.known if live else None
        checks.known = dict(b.known or {})
        b.known = then  # what the then-part's end knows (None: it does not fall through)
        b.branched = b.used
        if live:        # the then-part falls through
            b.used = True
            self.lines.append(f"goto L{b.label};")
        self.lines.append(f"L{b.placeholder}:;")
        b.kind = "else"
        return True

    def _end(self, v: FuncValidator, op: O.Op, imm, live: bool) -> bool:
        STEPS[op](v, imm)
        return self.close_block(v, live)

    def close_block(self, v: FuncValidator, live: bool) -> bool:
        """Leave the innermost block (its validator frame is closed)."""
        blocks = self.blocks
        b = blocks.pop()
        trys = self.exn.trys
        if trys and trys[-1].block is b:
            h = trys[-1]
            (exn.legacy_end if h.legacy else exn.try_table_end)(self, v, h, live)
        if not b.dead:
            kind = b.kind
            facts = self.checks.leave_loop(self.lines) if kind == "loop" else None
            self.checks.join(kind, b.branched if kind == "else" else b.used, b.known, live)
            if kind == "if":
                self.lines.append(f"L{b.placeholder}:;")
            if kind == "loop":
                if b.used:
                    assert b.placeholder is not None   # a loop's label line
                    self.lines[b.placeholder] = f"L{b.label}:;"
                    assert facts is not None
                    loops.version(self.lines, facts, b.label, self.checks.ver)
            elif b.used:
                self.lines.append(f"L{b.label}:;")
            if kind == "func":
                self.epilogue()
                if self.tail is not None:
                    self.lines.extend(self.tail.trampoline(
                        lambda i, t, e: f"{self.slot(i, t)} = {e};", b.label))
        return bool(blocks) and not blocks[-1].dead and v.reachable

    def _br(self, v: FuncValidator, op: O.Op, imm, live: bool) -> bool:
        top = STEPS[op](v, imm)
        if live:
            self.branch(v, imm, top)
        return False

    def _br_if(self, v: FuncValidator, op: O.Op, imm, live: bool) -> bool:
        top = STEPS[op](v, imm)
        if live:
            lines = self.lines
            lines.append(f"if ({self.slot(top - 1, I32)}) {{")
            self.branch(v, imm, top - 1)
            lines.append("}")
            if self.checks.loops and self.blocks[-1].kind == "loop":
                self.checks.br_if_in_loop(top - 1, len(lines), imm)
        return live

    def _br_on_null(self, v: FuncValidator, op: O.Op, imm, live: bool) -> bool:
        """br_on_null, br_on_non_null: a branch on the reference on top (the
        values below it go with either; br_on_non_null's take the reference)."""
        t = erase(v.top_type())
        top = STEPS[op](v, imm)
        if live:
            s = self.slot(top - 1, t)
            test = f"w2c_funcref_is_null({s})" if t == FUNCREF else f"{s} == NULL"
            if op.name == "br_on_non_null":
                test = f"!({test})"
            self.lines.append(f"if ({test}) {{")
            self.branch(v, imm, top - (op.name == "br_on_null"))
            self.lines.append("}")
        return live

    def _br_table(self, v: FuncValidator, op: O.Op, imm, live: bool) -> bool:
        top = STEPS[op](v, imm)
        if not live:
            return False
        labels, default = imm
        self.out(f"switch ({self.slot(top - 1, I32)}) {{")
        # Every index gets its case, those that go where the default goes too,
        # and a plain jump gets its own `case i: goto L;` (as wasm2c writes it):
        # gcc then sees a dense switch of many targets and builds a jump table
        # where grouped cases gave a slower tree of compares and bit tests.
        groups: dict[int, list[int]] = {}
        for i, depth in enumerate(labels):
            groups.setdefault(depth, []).append(i)
        lines = self.lines
        for depth, cases in groups.items():
            mark = len(lines)
            self.branch(v, depth, top - 1)
            if len(lines) == mark + 1:      # no values to move: one goto per case
                jump = lines.pop()
                lines.extend(f"case {c}: {jump}" for c in cases)
            else:
                lines.insert(mark, " ".join(f"case {c}:" for c in cases))
        self.out("default:")
        self.branch(v, default, top - 1)
        self.out("}")
        return False

    def _unreachable(self, v: FuncValidator, op: O.Op, imm, live: bool) -> bool:
        STEPS[op](v, imm)
        if live:
            self.out("W2C_TRAP(W2C_TRAP_UNREACHABLE);")
        return False

    def _return(self, v: FuncValidator, op: O.Op, imm, live: bool) -> bool:
        top = STEPS[op](v, imm)
        if live:
            n = len(self.ftype.results)
            self.moves(0, top - n, self.ftype.results)
            self.blocks[0].used = True
            self.out(f"goto L{self.blocks[0].label};")
        return False

    def leaf(self) -> bool:
        return frame.leaf(self)

    def epilogue(self) -> None:
        frame.epilogue(self)

    # -- output -----------------------------------------------------------------------------------
    def render(self, signature: str) -> str:
        return frame.render(self, signature)


# Slot names by type code: _NAMES[t][k] is `s<k><letter>` (grown on demand).
_NAMES: list[list[str]] = [[] for _ in range(128)]


# Local names: _LOCALS[n] is `l<n>` (grown on demand).
_LOCALS: list[str] = []


def _local_names(n: int) -> list[str]:
    """_LOCALS, with at least n names."""
    names = _LOCALS
    while len(names) < n:
        names.append(f"l{len(names)}")
    return names


def _grow_names(k: int) -> None:
    for t, letter in LETTERS.items():
        names = _NAMES[t]
        while len(names) <= k:
            names.append(f"s{len(names)}{letter}")


_STRUCTURE = {
    "block": BodyEmitter._block, "loop": BodyEmitter._block, "if": BodyEmitter._block,
    "else": BodyEmitter._else, "end": BodyEmitter._end, "br": BodyEmitter._br,
    "br_if": BodyEmitter._br_if, "br_table": BodyEmitter._br_table,
    "br_on_null": BodyEmitter._br_on_null, "br_on_non_null": BodyEmitter._br_on_null,
    "return_call_ref": tail.return_call,
    "return": BodyEmitter._return, "unreachable": BodyEmitter._unreachable,
    "return_call": tail.return_call, "return_call_indirect": tail.return_call,
    "throw": exn.throw, "throw_ref": exn.throw_ref, "try_table": exn.try_table,
    "try": exn.try_, "catch": exn.catch, "catch_all": exn.catch_all,
    "delegate": exn.delegate, "rethrow": exn.rethrow,
    "br_on_cast": gc.br_on_cast, "br_on_cast_fail": gc.br_on_cast,
}

# Kinds of instructions in BodyEmitter.run.  Up to _K_TEMPLATE: emitted inline.
# From _K_STRUCT on: a method call each.  Only _K_STRUCT changes reachability.
# (Final: compiled by mypyc, scripts/build-accelerated, they are constants.)
_K_LOCAL_GET: Final = 0
_K_I32_CONST: Final = 1
_K_BINARY: Final = 2
_K_LOCAL_SET: Final = 3
_K_GLOBAL_GET: Final = 4
_K_UNARY: Final = 5
_K_STORE: Final = 6
_K_LOAD: Final = 7
_K_TEMPLATE: Final = 8
_K_STRUCT: Final = 9
_K_METHOD: Final = 10
_K_OPERAND: Final = 11
_K_UNSUPPORTED: Final = 12
# The instructions `run` writes inline without a template (its inline shapes).
_INLINE = {"local.get": _K_LOCAL_GET, "i32.const": _K_I32_CONST,
           "local.set": _K_LOCAL_SET, "local.tee": _K_LOCAL_SET,
           "global.get": _K_GLOBAL_GET}
# Templates by the order of their fields (see _template).
_SHAPES = {("0",): _K_UNARY, ("0", "1"): _K_BINARY,
           ("mem", "0", "offset"): _K_LOAD, ("mem", "0", "offset", "1"): _K_STORE}


def _template(o: O.Op) -> tuple:
    """(kind, (%-format of the whole line, operand types p0, p1, result type,
    whether it may trap)):
    the line is `fmt % (result slot, fields in order)`, where the offset
    field is the number (the template's `{offset}` is `<offset>u`)."""
    assert o.c is not None and o.params is not None and o.results is not None
    fields = []
    fmt = "%s = " if o.results else ""
    for text, field, _, _ in string.Formatter().parse(o.c):
        fmt += text.replace("%", "%%")
        if field is not None:
            fields.append(field)
            fmt += "%su" if field == "offset" else "%s"
    kind = _SHAPES.get(tuple(fields), _K_TEMPLATE)
    if len(o.results) != (0 if kind == _K_STORE else 1):
        kind = _K_TEMPLATE
    params = tuple(o.params) + (0, 0)
    return kind, (fmt + ";", params[0], params[1], o.results[0] if o.results else 0,
                  o in TRAPPING)


def _dispatch(o: O.Op) -> tuple[int, Any, Any, Any]:
    step = STEPS[o]
    if o.name in _STRUCTURE:
        return (_K_STRUCT, step, _STRUCTURE[o.name], None)
    if o.c is not None and o.params is not None:
        kind, tpl = _template(o)
        return (kind, step, None, tpl)
    if o.name in _INLINE:
        return (_INLINE[o.name], step, None, None)
    if o.name in METHODS:
        kind = _K_OPERAND if o.name in READS_OPERAND else _K_METHOD
        return (kind, step, METHODS[o.name], None)
    return (_K_UNSUPPORTED, step, None, None)


# op -> (kind, validator step, method, template): one look-up per instruction.
_DISPATCH: dict[O.Op, tuple[int, Any, Any, Any]] = {o: _dispatch(o) for o in O.OPS + VARIANTS}
# Methods without effects a trap could reveal (w2c.emit.bounds), by op; calls loop copies may hold.
_PURE = {O.BY_NAME[name]: pushed for name, pushed in PURE_METHODS.items()}
_CALLS = frozenset(O.BY_NAME[n] for n in ("call", "call_indirect", "call_ref"))
# Binary instructions whose results loop versioning follows (Checks.combine's kinds).
_COMBINE = {O.BY_NAME[n]: k for k, n in enumerate((
    "i32.add", "i32.lt_u", "i32.gt_u", "i32.ne", "i32.ge_u", "i32.le_u", "i32.shl"))}
# Loads and stores with an unchecked form: op -> (width, %-format of that form).
_UNCHECKED = {o: (w, _DISPATCH[o][3][0].replace("(", "_nc(", 1)) for o, w in NC_FORMS.items()}
