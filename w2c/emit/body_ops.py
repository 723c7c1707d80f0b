"""The instructions of a function body that the emitter (w2c.emit.body)
writes with a method each: those whose C is not a template of the opcode
table nor an inline shape of BodyEmitter.run (constants other than i32,
global.set, drop, select, memory.grow/init, references, tables, calls).

InstrMethods is BodyEmitter's base class; METHODS names the method of each
instruction (BodyEmitter's dispatch table is derived from it and the opcode
table).  A method is called after the validator's step with the operand-stack
height before the instruction (`top`); slot k of type t is `self.slot(k, t)`.
"""
from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

from w2c import opcodes as O
from w2c.emit import consts
from w2c.emit.exn import after_call
from w2c.emit.gc import gc_op
from w2c.emit.names import C_ZERO, fn_pointer_type
from w2c.emit.results import call_results
from w2c.module import EXNREF, FUNCREF, I32, I64, FuncType
from w2c.parse.validate_func import FuncValidator

RELOAD = object()  # placeholder line: reload the memory base and size after a call


class Spill:
    """Placeholder line (GC): copy these reference variables (the reference
    locals and the live reference slots at a safepoint) to the frame."""
    __slots__ = ("names",)

    def __init__(self, names: list[str]) -> None:
        self.names = names



class InstrMethods:
    """The per-instruction methods (BodyEmitter supplies slot, out, lines,
    mem_args and g, the module emitter)."""

    # Supplied by BodyEmitter; declared for the type checker.
    g: Any              # the ModuleGen (not imported: w2c.emit.module imports this file)
    lines: list[Any]    # C lines and RELOAD placeholders
    operand: int        # the operand type of the instructions in OPERAND_METHODS
    exn: Any            # the open try blocks (w2c.emit.exn.ExnState)
    index: int          # the function's index
    calls_self: bool    # it calls itself directly (BodyEmitter.render)
    calls: bool         # whether the body calls a function (BodyEmitter.leaf)

    def slot(self, k: int, t: int) -> str:
        raise NotImplementedError

    def out(self, line: object) -> None:
        raise NotImplementedError

    def mem_args(self, k: int) -> str:
        raise NotImplementedError

    def safepoint(self, v: FuncValidator, live: int, operands: Sequence[int] = ()) -> None:
        raise NotImplementedError

    def template(self, op: O.Op, imm, base: int, types) -> None:
        """Write `op`'s template over the slots from `base` of `types`."""
        args = [self.slot(base + i, t) for i, t in enumerate(types)]
        kw = {}
        c = op.c
        assert c is not None    # only instructions with a template come here
        if "{mem}" in c:
            if op.imm is O.MEMARG or op.imm is O.MEMARG_LANE:
                kw["offset"] = f"{imm[1]}u"
                kw["mem"] = self.mem_args(imm[2])
                if "{shared}" in c:     # memory.atomic.wait: traps on an unshared memory
                    kw["shared"] = "1" if self.g.mems[imm[2]].limits.shared else "0"
            elif op.imm is O.MEMORY_COPY:   # (destination, source)
                kw["mem"] = self.mem_args(imm[0])
                if imm[0] != imm[1] or "{src}" in c:   # (64-bit variants: always)
                    if "{src}" not in c:
                        c = "w2c_memory_copy_between({mem}, {src}, {0}, {1}, {2})"
                    kw["src"] = self.mem_args(imm[1])
            else:
                kw["mem"] = self.mem_args(imm)
        if "{imm}" in c:
            kw["imm"] = imm
        if "{lane}" in c:
            kw["lane"] = imm[3] if op.imm is O.MEMARG_LANE else imm
        if op.imm is O.V128C or op.imm is O.SHUFFLE:
            kw.update(consts.v128_fields(imm))
        results = op.results or ()
        if len(results) > 1:     # the helper writes them: {r0}, {r1}, ...
            kw.update((f"r{i}", self.slot(base + i, t)) for i, t in enumerate(results))
        expr = c.format(*args, **kw)
        if not expr:
            return
        if len(results) == 1:
            self.out(f"{self.slot(base, results[0])} = {expr};")
        else:
            self.out(f"{expr};")

    # -- constants and variables ---------------------------------------------------------------
    def _const(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        assert op.results is not None   # a constant has its result type in the table
        t = op.results[0]
        self.out(f"{self.slot(top, t)} = {consts.literal(t, imm)};")

    def _global_set(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        t, ref = globals_of(self.g)[imm]
        self.lines.append(f"{ref} = {self.slot(top - 1, t)};")

    def _drop(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        pass

    def _select(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        t = v.top_type()
        a, b = self.slot(top - 3, t), self.slot(top - 2, t)
        self.out(f"{a} = {self.slot(top - 1, I32)} ? {a} : {b};")

    # -- memory -----------------------------------------------------------------------------------
    def _memory_grow(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        shared = "_shared" if self.g.mems[imm].limits.shared else ""   # (w2c_atomic.h)
        if op.results == (I64,):    # a 64-bit memory (w2c.opcodes64)
            s = self.slot(top - 1, I64)
            self.out(f"{s} = w2c_memory_grow64{shared}(inst->mem{imm}, {s});")
        else:
            s = self.slot(top - 1, I32)
            self.out(f"{s} = w2c_memory_grow{shared}(inst->mem{imm}, {s});")
        if imm == 0:
            self.out(RELOAD)

    def _memory_init(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        assert op.params is not None   # (i32 or i64, i32, i32)
        d, s, n = (self.slot(top - 3 + i, t) for i, t in enumerate(op.params))
        fn = "memory_init64" if op.params[0] == I64 else "memory_init"
        self.out(f"{self.g.prefix}_{fn}(inst, inst->mem{imm[1]}, {imm[0]}u, {d}, {s}, {n});")

    # -- references and tables --------------------------------------------------------------------
    def _ref_null(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        self.out(f"{self.slot(top, imm)} = {C_ZERO[imm]};")

    def _ref_is_null(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        ref_t = self.operand
        s = self.slot(top - 1, ref_t)
        test = f"w2c_funcref_is_null({s})" if ref_t == FUNCREF else f"({s} == NULL)"
        self.out(f"{self.slot(top - 1, I32)} = {test};")

    def _ref_as_non_null(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        ref_t = self.operand
        s = self.slot(top - 1, ref_t)
        test = f"w2c_funcref_is_null({s})" if ref_t == FUNCREF else f"{s} == NULL"
        self.out(f"if (W2C_UNLIKELY({test})) W2C_TRAP(W2C_TRAP_NULL_REFERENCE);")

    def _ref_func(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        self.out(f"{self.slot(top, FUNCREF)} = {self.g.prefix}_funcref(inst, {imm}u);")

    def _table_kind(self, x: int) -> tuple[int, str]:
        t = self.g.table_elem(x)
        return t, {FUNCREF: "funcref", EXNREF: "exnref"}.get(t, "externref")

    def _index(self, x: int, k: int) -> str:
        """Slot k, an index or length into table x, as the runtime's uint32_t:
        of a 64-bit table (memory64), through w2c_table_index64, which traps
        on values past 2^32-1 (no table is that large: out of bounds)."""
        if self.g.table64(x):
            return f"w2c_table_index64({self.slot(k, I64)})"
        return self.slot(k, I32)

    def call_index(self, x: int, k: int) -> str:
        """Slot k, call_indirect's index into table x (w2c_call_index64 traps
        with undefined element past 2^32-1)."""
        if self.g.table64(x):
            return f"w2c_call_index64({self.slot(k, I64)})"
        return self.slot(k, I32)

    def _table_get(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        t, k = self._table_kind(imm)
        i = self._index(imm, top - 1)
        get = f"w2c_table_get_{k}(inst->t{imm}, {i})"
        if imm in self.g.const_tables:   # its entries leave the instance to the caller
            get = f"w2c_funcref_with_instance({get}, inst)"
        self.out(f"{self.slot(top - 1, t)} = {get};")

    def _table_set(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        t, k = self._table_kind(imm)
        self.out(f"w2c_table_set_{k}(inst->t{imm}, {self._index(imm, top - 2)}, "
                 f"{self.slot(top - 1, t)});")

    def _table_size(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        if self.g.table64(imm):
            self.out(f"{self.slot(top, I64)} = (uint64_t)w2c_table_size(inst->t{imm});")
        else:
            self.out(f"{self.slot(top, I32)} = w2c_table_size(inst->t{imm});")

    def _table_grow(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        t, k = self._table_kind(imm)
        if self.g.table64(imm):
            self.out(f"{self.slot(top - 2, I64)} = w2c_table_grow64_{k}(inst->t{imm}, "
                     f"{self.slot(top - 2, t)}, {self.slot(top - 1, I64)});")
            return
        self.out(f"{self.slot(top - 2, I32)} = w2c_table_grow_{k}(inst->t{imm}, "
                 f"{self.slot(top - 2, t)}, {self.slot(top - 1, I32)});")

    def _table_fill(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        t, k = self._table_kind(imm)
        self.out(f"w2c_table_fill_{k}(inst->t{imm}, {self._index(imm, top - 3)}, "
                 f"{self.slot(top - 2, t)}, {self._index(imm, top - 1)});")

    def _table_copy(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        dx, sx = imm
        d64, s64 = self.g.table64(dx), self.g.table64(sx)
        d, s = self._index(dx, top - 3), self._index(sx, top - 2)
        n = self._index(dx, top - 1) if d64 and s64 else self.slot(top - 1, I32)
        self.out(f"w2c_table_copy(inst->t{dx}, inst->t{sx}, {d}, {s}, {n});")

    def _table_init(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        seg, x = imm
        d = self._index(x, top - 3)
        s, n = (self.slot(top - 2 + i, I32) for i in range(2))
        self.out(f"{self.g.prefix}_table_init(inst, inst->t{x}, {seg}u, {d}, {s}, {n});")

    # -- calls ------------------------------------------------------------------------------------
    def _call(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        g = self.g
        ft, head = g.call_heads.get(imm) or g.call_head(imm)
        if imm == self.index:
            self.calls_self = True
        params = ft.params
        base = top - len(params)
        args = "".join(", " + self.slot(base + i, t) for i, t in enumerate(params))
        # A function of this module keeps its parameters in its own frame;
        # an import's arguments stay in the caller's.
        self.safepoint(v, base, params if imm < g.nimported else ())
        self.call_result(ft, base, f"{head}{args})")

    def _call_indirect(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        typeidx, x = imm
        ft = self.g.module.types[typeidx]
        base = top - 1 - len(ft.params)
        args = "".join(", " + self.slot(base + i, t) for i, t in enumerate(ft.params))
        self.safepoint(v, base, ft.params)
        target = self.g.call_target(x, self.call_index(x, top - 1), typeidx)
        self.out(f"{{ w2c_funcref fr_ = {target};")
        # A constant table holds only this module's functions: they get this instance.
        instance = "inst" if x in self.g.const_tables else "fr_.instance"
        self.call_result(ft, base, f"(({fn_pointer_type(ft)})fr_.func)({instance}{args})")
        self.out("}")

    def _call_ref(self, v: FuncValidator, op: O.Op, imm, top: int) -> None:
        ft = self.g.module.types[imm]
        base = top - 1 - len(ft.params)
        args = "".join(", " + self.slot(base + i, t) for i, t in enumerate(ft.params))
        self.safepoint(v, base, ft.params)
        self.out(f"{{ w2c_funcref fr_ = w2c_funcref_call_target({self.slot(top - 1, FUNCREF)});")
        self.call_result(ft, base, f"(({fn_pointer_type(ft)})fr_.func)(fr_.instance{args})")
        self.out("}")

    def call_result(self, ft: FuncType, base: int, call: str) -> None:
        self.calls = True
        lines = self.lines
        if not ft.results:
            lines.append(f"{call};")
        else:
            lines.extend(call_results(ft, call,
                                      lambda i, t, e: f"{self.slot(base + i, t)} = {e};"))
        lines.append("W2C_CALL_DONE();")   # no call in tail position (w2c_trap.h)
        lines.append(RELOAD)
        if self.g.exn or self.exn.handlers:
            after_call(self)


_GLOBALS: list = [None, []]   # [weak reference to a ModuleGen, its globals' (type, C lvalue)]


def globals_of(gen) -> list[tuple[int, str]]:
    """(type, C expression) of every global of `gen`'s module, made once per module."""
    if _GLOBALS[0] is None or _GLOBALS[0]() is not gen:
        _GLOBALS[:] = [weakref.ref(gen), [(gen.global_type(i), gen.global_ref(i))
                                          for i in range(len(gen.globals))]]
    return _GLOBALS[1]


# Instruction name -> method, for the instructions that have neither a
# template nor an inline shape in BodyEmitter.run, and never make the code
# after them unreachable (those are BodyEmitter's structure methods).
METHODS = {
    "i64.const": InstrMethods._const, "f32.const": InstrMethods._const,
    "f64.const": InstrMethods._const,
    "global.set": InstrMethods._global_set, "drop": InstrMethods._drop,
    "select": InstrMethods._select, "select_t": InstrMethods._select,
    "memory.grow": InstrMethods._memory_grow, "memory.init": InstrMethods._memory_init,
    "ref.null": InstrMethods._ref_null, "ref.is_null": InstrMethods._ref_is_null,
    "ref.func": InstrMethods._ref_func, "ref.as_non_null": InstrMethods._ref_as_non_null,
    "call_ref": InstrMethods._call_ref,
    "table.get": InstrMethods._table_get, "table.set": InstrMethods._table_set,
    "table.size": InstrMethods._table_size, "table.grow": InstrMethods._table_grow,
    "table.fill": InstrMethods._table_fill, "table.copy": InstrMethods._table_copy,
    "table.init": InstrMethods._table_init,
    "call": InstrMethods._call, "call_indirect": InstrMethods._call_indirect,
}
# GC (w2c.emit.gc): every instruction but br_on_cast(_fail), through its template.
_GC_METHOD: Any = gc_op   # (gc.py takes the emitter as Any: it cannot import this file)
METHODS.update((o.name, _GC_METHOD) for o in O.OPS
               if o.feature == "gc" and o.name not in ("br_on_cast", "br_on_cast_fail"))
# Methods that read the type of their operand (`self.operand`, set before the step).
READS_OPERAND = {"ref.is_null", "ref.as_non_null"}
