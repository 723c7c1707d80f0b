"""The state of one function body's validation (w2c.parse.validate_func
steps it): the spec's context C, the operand stack of plain type codes, the
control stack of ControlFrames, the algorithm's primitives (appendix
"Validation Algorithm": pop, push_ctrl, ...) and the context look-ups.

Also what the emitter (w2c.emit.body) may read between steps, so that it
never reads the stacks themselves: `reachable`, `label(depth)` (a branch
target's `height` and `label_types`) and `top_type()`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from w2c.errors import ValidationError
from w2c.module import UNKNOWN, CompType, FuncType, GlobalType, TableType, type_name
from w2c.valtypes import BOT_REF, CONCRETE, REF_BASE, heap_of, is_ref, nullable, val_sub


@dataclass
class Context:
    """What a function body may refer to (the spec's context C)."""
    types: list[CompType]             # (GC: struct and array types too)
    funcs: list[int]                  # type index of every function
    tables: list[TableType]
    mems: list                        # MemType
    globals: list[GlobalType]
    elems: list[int]                  # element type of every element segment
    datacount: int | None
    refs: set[int] = field(default_factory=set)  # functions declared for ref.func
    tags: list[int] = field(default_factory=list)  # type index of every tag (exceptions)
    canon: list[int] = field(default_factory=list)  # type equivalence (w2c.valtypes)

    def sub(self, t1: int, t2: int) -> bool:
        """t1 <: t2 (value types)."""
        return t1 == t2 or val_sub(t1, t2, self.canon)

    def subs(self, ts1, ts2) -> bool:
        """Pairwise subtypes, of equal length."""
        return len(ts1) == len(ts2) and all(map(self.sub, ts1, ts2))

    def check_type(self, t: int) -> int:
        """A value type whose concrete heap type (if any) must exist."""
        if t >= REF_BASE:
            h = heap_of(t)
            if h >= CONCRETE and h - CONCRETE >= len(self.types):
                raise ValidationError(f"unknown type {h - CONCRETE}")
        return t


class ControlFrame:
    """An open block of the validator: its kind, types, the operand-stack
    height at its start, whether the rest of it is unreachable, and the types
    a branch to it carries (`label_types`: a loop's params, else its results)."""
    __slots__ = ("kind", "params", "results", "height", "unreachable", "label_types",
                 "inits")

    def __init__(self, kind: str, params: tuple, results: tuple, height: int,
                 inits: int = 0) -> None:
        self.kind = kind
        self.inits = inits        # locals initialised before it (FuncState.init_log)
        self.params = params
        self.results = results
        self.height = height
        self.unreachable = False
        self.label_types = params if kind == "loop" else results


def mismatch(expected, got) -> ValidationError:
    e = " ".join(type_name(t) for t in expected) if isinstance(expected, (list, tuple)) \
        else type_name(expected)
    g = " ".join(type_name(t) for t in got) if isinstance(got, (list, tuple)) else (
        "nothing" if got is None else type_name(got))
    return ValidationError(f"type mismatch: expected {e or 'nothing'}, got {g or 'nothing'}")


class FuncState:
    """The state of one body's validation and the algorithm's primitives
    (FuncValidator, in validate_func, adds the steps)."""

    def __init__(self, ctx: Context, ftype: FuncType, locals_: list[int]):
        self.ctx = ctx
        self.locals = list(ftype.params) + locals_
        self.results = ftype.results
        self.vals: list[int] = []
        self.ctrls: list[ControlFrame] = [ControlFrame("func", (), ftype.results, 0)]
        # Local initialisation (typed references): a non-defaultable local
        # not yet set has its type negated in `locals` (so local.get's one
        # compare finds it); `init_log` lists those set so far, in order (a
        # block's end takes back what was set inside it: ControlFrame.inits).
        self.init_log: list[int] = []
        if locals_ and max(locals_) >= REF_BASE:
            self._typed_locals(len(ftype.params))

    def _typed_locals(self, first: int) -> None:
        locals_ = self.locals
        for i in range(first, len(locals_)):
            t = locals_[i]
            if t >= REF_BASE:
                self.ctx.check_type(t)
                if not nullable(t):
                    locals_[i] = -t

    def init_local(self, idx: int) -> int:
        """local.set or local.tee of a local not yet initialised; its type."""
        t = self.locals[idx] = -self.locals[idx]
        self.init_log.append(idx)
        return t

    def reset_inits(self, f: ControlFrame) -> None:
        """At the end of a block: its initialisations end with it."""
        log = self.init_log
        locals_ = self.locals
        while len(log) > f.inits:
            i = log.pop()
            locals_[i] = -locals_[i]

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
        if actual != expect and actual != UNKNOWN and expect != UNKNOWN \
                and not self.ctx.sub(actual, expect):
            raise mismatch(expect, actual)
        return actual

    def pop_ref(self) -> int:
        """Pop a reference of any type (unknown: the bottom reference)."""
        t = self.pop()
        if t == UNKNOWN:
            return BOT_REF
        if not is_ref(t):
            raise ValidationError(f"type mismatch: expected a reference, got {type_name(t)}")
        return t

    def pop_vals(self, types: Sequence[int]) -> Sequence[int]:
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
        self.ctrls.append(ControlFrame(kind, params, results, len(self.vals),
                                       len(self.init_log)))
        self.vals.extend(params)

    def pop_ctrl(self) -> ControlFrame:
        f = self.ctrls[-1]
        self.pop_vals(f.results)
        if len(self.vals) != f.height:
            extra = self.vals[f.height:]
            raise ValidationError(
                f"type mismatch: expected {' '.join(map(type_name, f.results)) or 'nothing'}"
                f" at end of block, got {' '.join(map(type_name, extra))} in addition")
        self.ctrls.pop()
        if self.init_log:
            self.reset_inits(f)
        return f

    def set_unreachable(self) -> None:
        f = self.ctrls[-1]
        del self.vals[f.height:]
        f.unreachable = True

    def label(self, depth: int) -> ControlFrame:
        if depth >= len(self.ctrls):
            raise ValidationError(f"unknown label {depth}")
        return self.ctrls[-1 - depth]

    @property
    def done(self) -> bool:
        return not self.ctrls

    # -- what the emitter reads ------------------------------------------------------------
    @property
    def reachable(self) -> bool:
        """Whether the code after the last step is reachable (within its block)."""
        return not self.ctrls[-1].unreachable

    def top_type(self) -> int:
        """The type on top of the operand stack (0 if it is empty)."""
        vals = self.vals
        return vals[-1] if vals else 0

    def types_below(self, height: int) -> list[int]:
        """The types of the operand stack's values under `height` (the
        emitter's GC safepoints: which slots hold references)."""
        return self.vals[:height]

    # -- context look-ups ------------------------------------------------------------------------
    def func_type(self, idx: int) -> FuncType:
        if idx >= len(self.ctx.funcs):
            raise ValidationError(f"unknown function {idx}")
        ft = self.ctx.types[self.ctx.funcs[idx]]
        if ft.__class__ is not FuncType:   # (validate_module_fields made sure it is)
            return self.type_at(self.ctx.funcs[idx])
        return ft

    def type_at(self, idx: int) -> FuncType:
        """Type `idx`, a function type."""
        if idx >= len(self.ctx.types):
            raise ValidationError(f"unknown type {idx}")
        ft = self.ctx.types[idx]
        if not isinstance(ft, FuncType):
            raise ValidationError(f"non-function type {idx}")
        return ft

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
        """Local idx's type (negated while it is not initialised)."""
        if idx >= len(self.locals):
            raise ValidationError(f"unknown local {idx}")
        return self.locals[idx]

    def tag(self, idx: int) -> FuncType:
        if idx >= len(self.ctx.tags):
            raise ValidationError(f"unknown tag {idx}")
        return self.type_at(self.ctx.tags[idx])

    def global_(self, idx: int) -> GlobalType:
        if idx >= len(self.ctx.globals):
            raise ValidationError(f"unknown global {idx}")
        return self.ctx.globals[idx]

    def block_type(self, bt) -> tuple:
        if isinstance(bt, int):
            ft = self.type_at(bt)
            return ft.params, ft.results
        return (), bt
