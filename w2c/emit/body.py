"""Emitter of one function body (last stage of the pipeline, per function).

Runs in lockstep with the validator over the body's instruction stream:
before each step it reads the operand-stack height, after it the new state,
and writes C.  Operand-stack slot k of type t is the C local `s<k><letter>`,
local n is `l<n>`; blocks end in labels, loops start with them, branches are
gotos that first move the carried values into the target's slots, and
br_table is a switch.  Instructions with a C template in the opcode table
take the generic path; the rest have an `_op_*` method here.
"""
from __future__ import annotations

import string
import weakref

from w2c import opcodes as O
from w2c.emit import consts
from w2c.errors import UnsupportedFeature
from w2c.emit.names import C_TYPES, C_ZERO, LETTERS, fn_pointer_type, result_type, type_id
from w2c.module import FUNCREF, I32, V128, FuncType
from w2c.parse.validate_func import STEPS

RELOAD = object()  # placeholder line: reload the memory base and size after a call


class Frame:
    """The emitter's view of an open block (the validator keeps the types)."""
    __slots__ = ("kind", "label", "dead", "used", "placeholder")

    def __init__(self, kind, label, dead, placeholder=None):
        self.kind = kind
        self.label = label
        self.dead = dead
        self.used = False
        self.placeholder = placeholder


class BodyEmitter:
    def __init__(self, gen, index: int, ftype: FuncType, local_types: list[int]):
        self.g = gen                     # the module emitter (names, module facts)
        self.index = index
        self.ftype = ftype
        self.locals = list(ftype.params) + local_types
        if V128 in local_types:
            raise UnsupportedFeature("simd (code generation of v128 values)")
        self.nparams = len(ftype.params)
        self.lines: list = []
        self.deep = [-1] * 128           # deepest slot used, by type code (see `depth`)
        self.labels = 0
        self.ctl: list[Frame] = [Frame("func", self.new_label(), False)]
        self.uses_mem = False
        self.operand = 0  # type of the operand of ref.is_null

    # -- helpers -----------------------------------------------------------------------------
    def new_label(self) -> int:
        self.labels += 1
        return self.labels

    @property
    def depth(self) -> dict[str, int]:
        """The deepest slot used per type letter (LETTERS order; -1: none)."""
        deep = self.deep
        return {letter: deep[t] for t, letter in LETTERS.items()}

    def slot(self, k: int, t: int) -> str:
        deep = self.deep
        if k > deep[t]:
            deep[t] = k
            _grow_names(k)
        return _NAMES[t][k]

    def out(self, line: str) -> None:
        self.lines.append(line)

    def moves(self, dst: int, src: int, types) -> None:
        if dst != src:
            for i, t in enumerate(types):
                self.out(f"{self.slot(dst + i, t)} = {self.slot(src + i, t)};")

    def branch(self, v, depth: int, top: int) -> None:
        """Move the label's values (ending at stack height `top`) and jump."""
        vf = v.ctrls[-1 - depth]
        types = vf.params if vf.kind == "loop" else vf.results   # (its label_types)
        if types:
            self.moves(vf.height, top - len(types), types)
        f = self.ctl[-1 - depth]
        f.used = True
        self.lines.append(f"goto L{f.label};")

    # -- the instructions --------------------------------------------------------------------
    def run(self, v, instrs) -> None:
        """Validate (with `v`) and emit every instruction of `instrs`, an
        iterator of (offset, op, immediate), as `instr` would one by one; the
        common instructions inline.  `live` is recomputed after anything
        that may change reachability (structure, methods): the inline kinds
        (fixed stack effects, local.get) never do."""
        ctl = self.ctl
        ctrls = v.ctrls
        vals = v.vals
        dispatch = _DISPATCH
        deep = self.deep
        names = _NAMES
        locals_ = self.locals
        globs = _globals_of(self.g)
        out = self.lines.append
        live = not (ctl[-1].dead or ctrls[-1].unreachable)
        for _, op, imm in instrs:
            kind, step, fn, tpl = dispatch[op]
            if kind >= _K_STRUCT:
                if kind == _K_STRUCT:
                    fn(self, v, op, imm, ctrls[-1], len(vals), live)
                    if ctl:     # (empty after the function's `end`)
                        live = not (ctl[-1].dead or ctrls[-1].unreachable)
                elif not live:
                    step(v, imm)
                elif kind == _K_METHOD:
                    top = len(vals)
                    step(v, imm)
                    fn(self, v, op, imm, top)
                    live = not ctrls[-1].unreachable
                else:
                    self.instr(v, op, imm)   # unsupported, or reads the operand (ref.is_null)
                    live = not (ctl[-1].dead or ctrls[-1].unreachable)
                continue
            if not live:
                step(v, imm)
                continue
            top = len(vals)
            step(v, imm)
            if kind == _K_LOCAL_GET:
                t = locals_[imm]
                if top > deep[t]:
                    deep[t] = top
                    _grow_names(top)
                out(f"{names[t][top]} = l{imm};")
            elif kind == _K_I32_CONST:
                if top > deep[I32]:
                    deep[I32] = top
                    _grow_names(top)
                out(f"{names[I32][top]} = {imm & 0xFFFFFFFF}u;")
            elif kind == _K_BINARY:     # operands at base, base + 1; the result at base
                fmt, p0, p1, rt = tpl
                base = top - 2
                if base + 1 > deep[p1] or base > deep[p0] or base > deep[rt]:
                    self.slot(base, p0)
                    self.slot(base + 1, p1)
                    self.slot(base, rt)
                out(fmt % (names[rt][base], names[p0][base], names[p1][base + 1]))
            elif kind == _K_LOCAL_SET:  # local.set, local.tee
                t = locals_[imm]
                top -= 1
                if top > deep[t]:
                    deep[t] = top
                    _grow_names(top)
                out(f"l{imm} = {names[t][top]};")
            elif kind == _K_GLOBAL_GET:
                t, ref = globs[imm]
                if top > deep[t]:
                    deep[t] = top
                    _grow_names(top)
                out(f"{names[t][top]} = {ref};")
            elif kind == _K_UNARY:
                fmt, p0, _, rt = tpl
                base = top - 1
                if base > deep[p0] or base > deep[rt]:
                    self.slot(base, p0)
                    self.slot(base, rt)
                out(fmt % (names[rt][base], names[p0][base]))
            elif kind == _K_STORE:
                fmt, p0, p1, _ = tpl
                base = top - 2
                if base + 1 > deep[p1] or base > deep[p0]:
                    self.slot(base, p0)
                    self.slot(base + 1, p1)
                out(fmt % (self.mem_args(imm[2]), names[p0][base], imm[1],
                           names[p1][base + 1]))
            elif kind == _K_LOAD:
                fmt, p0, _, rt = tpl
                base = top - 1
                if base > deep[p0] or base > deep[rt]:
                    self.slot(base, p0)
                    self.slot(base, rt)
                out(fmt % (names[rt][base], self.mem_args(imm[2]), names[p0][base], imm[1]))
            else:                       # _K_TEMPLATE: any other template
                self.template(v, op, imm, top - len(op.params), op.params)

    def instr(self, v, op: O.Op, imm) -> None:
        """Validate and emit one instruction."""
        pre = v.ctrls[-1]
        top = len(v.vals)
        live = not (self.ctl[-1].dead or pre.unreachable)
        kind, step, fn, tpl = _DISPATCH[op]
        if kind == _K_STRUCT:
            fn(self, v, op, imm, pre, top, live)
            return
        if not live:
            step(v, imm)
            return
        if kind == _K_UNSUPPORTED:
            raise UnsupportedFeature(f"{op.feature} (code generation of {op.name})")
        if fn is None:      # a template
            operand_types = v.vals[top - len(op.params):] if op.params else ()
            step(v, imm)
            self.template(v, op, imm, top - len(op.params), operand_types)
            return
        self.operand = v.vals[top - 1] if top else 0
        step(v, imm)
        fn(self, v, op, imm, top)

    def template(self, v, op, imm, base: int, types) -> None:
        args = [self.slot(base + i, t) for i, t in enumerate(types)]
        kw = {}
        c = op.c
        if op in _MEMORY_TEMPLATES:
            if op.imm is O.MEMARG or op.imm is O.MEMARG_LANE:
                kw["offset"] = f"{imm[1]}u"
                kw["mem"] = self.mem_args(imm[2])
            elif op.imm is O.MEMORY_COPY:   # (destination, source)
                kw["mem"] = self.mem_args(imm[0])
                if imm[0] != imm[1]:
                    c = "w2c_memory_copy_between({mem}, {src}, {0}, {1}, {2})"
                    kw["src"] = self.mem_args(imm[1])
            else:
                kw["mem"] = self.mem_args(imm)
        expr = c.format(*args, **kw)
        if not expr:
            return
        if op.results:
            self.out(f"{self.slot(base, op.results[0])} = {expr};")
        else:
            self.out(f"{expr};")

    def mem_args(self, k: int) -> str:
        """`data, size` of memory k: memory 0's are kept in locals (m0, m0_size),
        reloaded after anything that may grow it; others are read at each use."""
        if k == 0:
            self.uses_mem = True
            return "m0, m0_size"
        ref = self.g.memory_ref(k)
        return f"{ref}data, {ref}size"

    # -- constants and variables ---------------------------------------------------------------
    def _const(self, v, op, imm, top):
        t = op.results[0]
        self.out(f"{self.slot(top, t)} = {consts.literal(t, imm)};")

    # The four below are `instr`'s path; `run` writes the same lines inline.
    def _i32_const(self, v, op, imm, top):
        self.out(f"{self.slot(top, I32)} = {imm & 0xFFFFFFFF}u;")

    def _local_get(self, v, op, imm, top):
        self.out(f"{self.slot(top, self.locals[imm])} = l{imm};")

    def _local_set(self, v, op, imm, top):   # (local.tee too: the value stays in its slot)
        self.out(f"l{imm} = {self.slot(top - 1, self.locals[imm])};")

    _local_tee = _local_set

    def _global_get(self, v, op, imm, top):
        t, ref = _globals_of(self.g)[imm]
        self.out(f"{self.slot(top, t)} = {ref};")

    def _global_set(self, v, op, imm, top):
        t, ref = _globals_of(self.g)[imm]
        self.lines.append(f"{ref} = {self.slot(top - 1, t)};")

    def _drop(self, v, op, imm, top):
        pass

    def _select(self, v, op, imm, top):
        t = v.vals[-1]
        a, b = self.slot(top - 3, t), self.slot(top - 2, t)
        self.out(f"{a} = {self.slot(top - 1, I32)} ? {a} : {b};")

    def _unreachable(self, v, op, imm, top):
        self.out("W2C_TRAP(W2C_TRAP_UNREACHABLE);")

    # -- memory ---------------------------------------------------------------------------------------
    def _memory_size(self, v, op, imm, top):
        self.out(f"{self.slot(top, I32)} = w2c_memory_pages(inst->mem{imm});")

    def _memory_grow(self, v, op, imm, top):
        s = self.slot(top - 1, I32)
        self.out(f"{s} = w2c_memory_grow(inst->mem{imm}, {s});")
        if imm == 0:
            self.out(RELOAD)

    def _memory_init(self, v, op, imm, top):
        d, s, n = (self.slot(top - 3 + i, I32) for i in range(3))
        self.out(f"{self.g.prefix}_memory_init(inst, inst->mem{imm[1]}, {imm[0]}u, {d}, {s}, {n});")

    def _data_drop(self, v, op, imm, top):
        self.out(f"inst->data_dropped[{imm}] = 1;")

    # -- references and tables ---------------------------------------------------------------------------
    def _ref_null(self, v, op, imm, top):
        self.out(f"{self.slot(top, imm)} = {C_ZERO[imm]};")

    def _ref_is_null(self, v, op, imm, top):
        ref_t = self.operand
        s = self.slot(top - 1, ref_t)
        test = f"w2c_funcref_is_null({s})" if ref_t == FUNCREF else f"({s} == NULL)"
        self.out(f"{self.slot(top - 1, I32)} = {test};")

    def _ref_func(self, v, op, imm, top):
        self.out(f"{self.slot(top, FUNCREF)} = {self.g.prefix}_funcref(inst, {imm}u);")

    def _table_kind(self, x: int) -> tuple[int, str]:
        t = self.g.table_elem(x)
        return t, ("funcref" if t == FUNCREF else "externref")

    def _table_get(self, v, op, imm, top):
        t, k = self._table_kind(imm)
        i = self.slot(top - 1, I32)
        get = f"w2c_table_get_{k}(inst->t{imm}, {i})"
        if imm in self.g.const_tables:   # its entries leave the instance to the caller
            get = f"w2c_funcref_with_instance({get}, inst)"
        self.out(f"{self.slot(top - 1, t)} = {get};")

    def _table_set(self, v, op, imm, top):
        t, k = self._table_kind(imm)
        self.out(f"w2c_table_set_{k}(inst->t{imm}, {self.slot(top - 2, I32)}, {self.slot(top - 1, t)});")

    def _table_size(self, v, op, imm, top):
        self.out(f"{self.slot(top, I32)} = w2c_table_size(inst->t{imm});")

    def _table_grow(self, v, op, imm, top):
        t, k = self._table_kind(imm)
        self.out(f"{self.slot(top - 2, I32)} = w2c_table_grow_{k}(inst->t{imm}, "
                 f"{self.slot(top - 2, t)}, {self.slot(top - 1, I32)});")

    def _table_fill(self, v, op, imm, top):
        t, k = self._table_kind(imm)
        self.out(f"w2c_table_fill_{k}(inst->t{imm}, {self.slot(top - 3, I32)}, "
                 f"{self.slot(top - 2, t)}, {self.slot(top - 1, I32)});")

    def _table_copy(self, v, op, imm, top):
        d, s, n = (self.slot(top - 3 + i, I32) for i in range(3))
        self.out(f"w2c_table_copy(inst->t{imm[0]}, inst->t{imm[1]}, {d}, {s}, {n});")

    def _table_init(self, v, op, imm, top):
        seg, x = imm
        d, s, n = (self.slot(top - 3 + i, I32) for i in range(3))
        self.out(f"{self.g.prefix}_table_init(inst, inst->t{x}, {seg}u, {d}, {s}, {n});")

    def _elem_drop(self, v, op, imm, top):
        self.out(f"inst->elem_dropped[{imm}] = 1;")

    # -- calls ------------------------------------------------------------------------------------------------
    def _call(self, v, op, imm, top):
        ft = self.g.func_type(imm)
        base = top - len(ft.params)
        args = "".join(", " + self.slot(base + i, t) for i, t in enumerate(ft.params))
        self.call_result(ft, base, f"{self.g.callee(imm)}({self.g.callee_ctx(imm)}{args})")

    def _call_indirect(self, v, op, imm, top):
        typeidx, x = imm
        ft = self.g.module.types[typeidx]
        base = top - 1 - len(ft.params)
        args = "".join(", " + self.slot(base + i, t) for i, t in enumerate(ft.params))
        self.out(f"{{ w2c_funcref fr_ = w2c_table_call_target({self.g.table_ptr(x)}, "
                 f"{self.slot(top - 1, I32)}, UINT64_C({type_id(ft)}));")
        # A constant table holds only this module's functions: they get this instance.
        instance = "inst" if x in self.g.const_tables else "fr_.instance"
        self.call_result(ft, base, f"(({fn_pointer_type(ft)})fr_.func)({instance}{args})")
        self.out("}")

    def call_result(self, ft: FuncType, base: int, call: str) -> None:
        if not ft.results:
            self.out(f"{call};")
        elif len(ft.results) == 1:
            self.out(f"{self.slot(base, ft.results[0])} = {call};")
        else:
            self.out(f"{{ {result_type(ft)} r_ = {call};")
            for i, t in enumerate(ft.results):
                self.out(f"  {self.slot(base + i, t)} = r_.r{i};")
            self.out("}")
        self.out(RELOAD)

    # -- control ---------------------------------------------------------------------------------------------
    def _block(self, v, op, imm, pre, top, live):
        STEPS[op](v, imm)
        kind = op.name
        self.labels = label = self.labels + 1
        f = Frame(kind, label, not live)
        if live:
            if kind == "loop":
                lines = self.lines
                f.placeholder = len(lines)
                lines.append(None)  # the loop label, if some branch targets it
            elif kind == "if":
                self.labels = f.placeholder = label + 1  # the else label
                self.lines.append(f"if (!{self.slot(top - 1, I32)}) goto L{label + 1};")
        self.ctl.append(f)

    def _else(self, v, op, imm, pre, top, live):
        f = self.ctl[-1]
        STEPS[op](v, imm)
        if f.dead:
            return
        if not pre.unreachable:
            f.used = True
            self.lines.append(f"goto L{f.label};")
        self.lines.append(f"L{f.placeholder}:;")
        f.kind = "else"

    def _end(self, v, op, imm, pre, top, live):
        f = self.ctl.pop()
        STEPS[op](v, imm)
        if f.dead:
            return
        kind = f.kind
        if kind == "if":
            self.lines.append(f"L{f.placeholder}:;")
        if kind == "loop":
            if f.used:
                self.lines[f.placeholder] = f"L{f.label}:;"
        elif f.used:
            self.lines.append(f"L{f.label}:;")
        if kind == "func":
            self.epilogue()

    def _br(self, v, op, imm, pre, top, live):
        STEPS[op](v, imm)
        if live:
            self.branch(v, imm, top)

    def _br_if(self, v, op, imm, pre, top, live):
        STEPS[op](v, imm)
        if live:
            lines = self.lines
            lines.append(f"if ({self.slot(top - 1, I32)}) {{")
            self.branch(v, imm, top - 1)
            lines.append("}")

    def _br_table(self, v, op, imm, pre, top, live):
        if not live:
            v.step(op, imm)
            return
        labels, default = imm
        v.step(op, imm)
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

    def _return(self, v, op, imm, pre, top, live):
        v.step(op, imm)
        if live:
            n = len(self.ftype.results)
            self.moves(0, top - n, self.ftype.results)
            self.ctl[0].used = True
            self.out(f"goto L{self.ctl[0].label};")

    def epilogue(self) -> None:
        res = self.ftype.results
        self.out("W2C_CALL_LEAVE();")
        if not res:
            self.out("return;")
        elif len(res) == 1:
            self.out(f"return {self.slot(0, res[0])};")
        else:
            vals = ", ".join(self.slot(i, t) for i, t in enumerate(res))
            self.out(f"{{ {result_type(self.ftype)} r_ = {{{vals}}}; return r_; }}")

    # -- output --------------------------------------------------------------------------------------------
    def render(self, signature: str) -> str:
        p = self.g.prefix
        out = [signature + " {", f"  {p}_instance *inst = ({p}_instance *)instance;"]
        for i in range(self.nparams, len(self.locals)):
            t = self.locals[i]
            out.append(f"  {C_TYPES[t]} l{i} = {C_ZERO[t]};")
        # Every variable counts as used: wasm code may ignore parameters, set
        # locals it never reads, and drop values (no -Wunused-* warnings).
        if self.locals:
            out.append("  " + " ".join(f"(void)l{i};" for i in range(len(self.locals))))
        for letter, deepest in self.depth.items():
            if deepest < 0:
                continue
            ks = range(deepest + 1)
            t = _TYPE_BY_LETTER[letter]
            zero = C_ZERO[t]
            out.append(f"  {C_TYPES[t]} " + ", ".join(f"s{k}{letter} = {zero}" for k in ks) + ";")
            out.append("  " + " ".join(f"(void)s{k}{letter};" for k in ks))
        if self.uses_mem:
            # W2C_MEM_BASE is `uint8_t *const` unless memories can move (w2c_mem.h)
            ref = self.g.memory_ref(0)
            reload = f"W2C_MEM_RELOAD_BASE(m0, {ref}data); m0_size = {ref}size;"
            out.append(f"  W2C_MEM_BASE m0 = {ref}data;")
            out.append(f"  uint64_t m0_size = {ref}size;")
        out.append("  (void)inst;")
        out.append("  W2C_CALL_ENTER();")
        for line in self.lines:
            if line is RELOAD:
                if self.uses_mem:
                    out.append("  " + reload)
            elif line is not None:
                out.append(("" if line.startswith("L") and line.endswith(":;") else "  ") + line)
        out.append("}")
        return "\n".join(out) + "\n"


_TYPE_BY_LETTER = {v: k for k, v in LETTERS.items()}
_MEMORY_TEMPLATES = {o for o in O.OPS if o.c and "{mem}" in o.c}
# Slot names by type code: _NAMES[t][k] is `s<k><letter>` (grown on demand).
_NAMES: list[list[str] | None] = [None] * 128
for _t in LETTERS:
    _NAMES[_t] = []


_GLOBALS: list = [None, []]   # [weak reference to a ModuleGen, its globals' (type, C lvalue)]


def _globals_of(gen) -> list[tuple[int, str]]:
    """(type, C expression) of every global of `gen`'s module, made once per module."""
    if _GLOBALS[0] is None or _GLOBALS[0]() is not gen:
        _GLOBALS[:] = [weakref.ref(gen), [(gen.global_type(i), gen.global_ref(i))
                                          for i in range(len(gen.globals))]]
    return _GLOBALS[1]


def _grow_names(k: int) -> None:
    for t, letter in LETTERS.items():
        names = _NAMES[t]
        while len(names) <= k:
            names.append(f"s{len(names)}{letter}")

_STRUCTURE = {
    "block": BodyEmitter._block, "loop": BodyEmitter._block, "if": BodyEmitter._block,
    "else": BodyEmitter._else, "end": BodyEmitter._end, "br": BodyEmitter._br,
    "br_if": BodyEmitter._br_if, "br_table": BodyEmitter._br_table,
    "return": BodyEmitter._return,
}

_METHOD = {
    "i64.const": "_const", "f32.const": "_const", "f64.const": "_const",
    "i32.const": "_i32_const",
    "local.get": "_local_get", "local.set": "_local_set", "local.tee": "_local_tee",
    "global.get": "_global_get", "global.set": "_global_set", "drop": "_drop",
    "select": "_select", "select_t": "_select", "unreachable": "_unreachable",
    "memory.size": "_memory_size", "memory.grow": "_memory_grow",
    "memory.init": "_memory_init", "data.drop": "_data_drop",
    "ref.null": "_ref_null", "ref.is_null": "_ref_is_null", "ref.func": "_ref_func",
    "table.get": "_table_get", "table.set": "_table_set", "table.size": "_table_size",
    "table.grow": "_table_grow", "table.fill": "_table_fill", "table.copy": "_table_copy",
    "table.init": "_table_init", "elem.drop": "_elem_drop",
    "call": "_call", "call_indirect": "_call_indirect",
}

# Kinds of instructions in BodyEmitter.run.  Up to _K_TEMPLATE: emitted inline,
# never change reachability.  From _K_STRUCT on: a method call each.
(_K_LOCAL_GET, _K_I32_CONST, _K_BINARY, _K_LOCAL_SET, _K_GLOBAL_GET, _K_UNARY, _K_STORE,
 _K_LOAD, _K_TEMPLATE, _K_STRUCT, _K_METHOD, _K_OPERAND, _K_UNSUPPORTED) = range(13)
_INLINE_METHODS = {"local.get": _K_LOCAL_GET, "i32.const": _K_I32_CONST,
                   "local.set": _K_LOCAL_SET, "local.tee": _K_LOCAL_SET,
                   "global.get": _K_GLOBAL_GET}
# Templates by the order of their fields (see _template).
_SHAPES = {("0",): _K_UNARY, ("0", "1"): _K_BINARY,
           ("mem", "0", "offset"): _K_LOAD, ("mem", "0", "offset", "1"): _K_STORE}


def _template(o: O.Op) -> tuple:
    """(kind, (%-format of the whole line, operand types p0, p1, result type)):
    the line is `fmt % (result slot, fields in order)`, where the offset
    field is the number (the template's `{offset}` is `<offset>u`)."""
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
    return kind, (fmt + ";", params[0], params[1], o.results[0] if o.results else 0)


def _dispatch(o: O.Op):
    step = STEPS[o]
    if o.name in _STRUCTURE:
        return (_K_STRUCT, step, _STRUCTURE[o.name], None)
    if o.c is not None:
        kind, tpl = _template(o)
        return (kind, step, None, tpl)
    if o.name in _METHOD:
        kind = _INLINE_METHODS.get(o.name, _K_OPERAND if o.name == "ref.is_null" else _K_METHOD)
        return (kind, step, getattr(BodyEmitter, _METHOD[o.name]), None)
    return (_K_UNSUPPORTED, step, None, None)


# op -> (kind, validator step, method, template): one look-up per instruction.
_DISPATCH = {o: _dispatch(o) for o in O.OPS}
