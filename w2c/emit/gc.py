"""GC code generation (part of the emitter, beside body.py): the C of a
module's struct and array types (a C struct per struct type, a run-time
type `w2c_rtt` per canonical type with its display), the GC instructions
(one generic method over the opcode table's templates), casts and
br_on_cast, the GC instructions of constant expressions, and the roots of
an instance (its globals, tables of references and the items of its
element segments of references, made once at instantiation).  The runtime is
runtime_c/w2c_gc.h; docs/codegen.md, "GC", gives the design.

References of the any and extern hierarchies are `w2c_externref` in C (the
bits of a `w2c_ref`: 0 null, odd an i31, else an object; an externref may
also hold a host pointer), so tables, globals and the host API of externref
carry them unchanged (`valtypes.erase`).
"""
from __future__ import annotations

from typing import Any

from w2c import opcodes as O
from w2c.emit.names import C_TYPES, type_id
from w2c.module import (
    EXTERNREF,
    FUNCREF,
    I32,
    PACKED_I8,
    PACKED_I16,
    V128,
    ArrayType,
    Elem,
    FieldType,
    FuncType,
    Module,
    StructType,
)
from w2c.parse.validate_func import STEPS, FuncValidator
from w2c.valtypes import (
    HT_ANY,
    HT_ARRAY,
    HT_EQ,
    HT_EXTERN,
    HT_FUNC,
    HT_I31,
    HT_NOEXTERN,
    HT_NONE,
    HT_STRUCT,
    REF_BASE,
    erase,
    heap_of,
    nullable,
    ref_type,
    top_heap,
    type_index,
)

BodyEmitter = Any   # w2c.emit.body imports this module

GC_INCLUDE = '#include "w2c_gc.h"\n'
# The C storage of a v128 field or element: 16 bytes without alignment
# (w2c_gc_ops.h), read and written by the templates of O.GC_V128_C.
V128_STORAGE = "w2c_gc_v128"
_E = EXTERNREF
_HT_C = {HT_ANY: "W2C_HT_ANY", HT_EQ: "W2C_HT_EQ", HT_I31: "W2C_HT_I31",
         HT_STRUCT: "W2C_HT_STRUCT", HT_ARRAY: "W2C_HT_ARRAY", HT_NONE: "W2C_HT_NONE",
         HT_EXTERN: "W2C_HT_EXTERN", HT_NOEXTERN: "W2C_HT_NONE"}
# Instructions that may allocate (so collect): safepoints.
ALLOCATES = frozenset({"struct.new", "struct.new_default", "array.new", "array.new_default",
                       "array.new_fixed", "array.new_data", "array.new_elem",
                       "array.init_elem", "any.convert_extern", "extern.convert_any"})


def names_concrete(ft: FuncType) -> bool:
    """A parameter or result of a concrete type (`(ref $t)`): type_id's
    text names $t by its index in the module, so such a function type is
    identified by the hash of its structure (GcTypes.type_hash) in every
    module, with GC or not."""
    return any(t >= REF_BASE and type_index(heap_of(t)) is not None
               for t in ft.params + ft.results)


def uses_gc(m: Module) -> bool:
    """GC types, a GC reference type outside the bodies, or a GC instruction
    or local in a body (found while translating: GcFound)."""
    if m.subtypes is not None or "gc" in m.features_used:
        return True
    types = [t for ft in m.func_sigs() for t in ft.params + ft.results]
    types += [g.type for g in m.all_globals()] + [t.elem for t in m.all_tables()]
    return any(t >= REF_BASE and top_heap(heap_of(t)) == HT_ANY for t in types)


class GcFound(Exception):
    """A GC instruction or local met while a module is translated as one
    without GC (GcTypes is made only for a module that `uses_gc` before its
    bodies are read): w2c.emit.compile_module translates it again, knowing."""


def any_gc_local(locals_: list[int]) -> bool:
    """A local of the any hierarchy (GC) among a body's declared locals."""
    return bool(locals_) and max(locals_) >= REF_BASE and any(
        t >= REF_BASE and top_heap(heap_of(t)) == HT_ANY for t in locals_)


class GcTypes:
    """The C names and layout of a module's GC types."""

    def __init__(self, module: Module, prefix: str) -> None:
        self.m = module
        self.p = prefix
        self.canon = module.type_canon()
        self._groups: dict[int, object] = {}
        self.piece_log2 = 0     # split output (w2c.emit.split): data segments in pieces of 2^this

    def c(self, x: int) -> int:
        return self.canon[x]

    def struct(self, x: int) -> str:
        return f"{self.p}_t{self.c(x)}"

    def rtt(self, x: int) -> str:
        return f"&{self.p}_rtt{self.c(x)}"

    def fields(self, x: int) -> tuple[FieldType, ...]:
        st = self.m.types[x]
        assert isinstance(st, StructType)
        return st.fields

    def elem(self, x: int) -> FieldType:
        at = self.m.types[x]
        assert isinstance(at, ArrayType)
        return at.field

    # -- function types: signature ids -----------------------------------------------------
    def func_id(self, x: int) -> int:
        """The signature id of function type x: that of its FuncType (what a
        module without GC gives it) for a final type of a rec group of its own
        without supertypes, else a hash of its rec group's structure (types
        outside the group by theirs, recursively, so equal in every module)
        and its place there: iso-recursive identity.  Also the hash for a
        type with a parameter or result of a concrete type: type_id names
        that type by its index in this module."""
        s = self.m.subtypes[x] if self.m.subtypes is not None else None
        ft = self.m.type_func(x)
        if (s is None or s.size == 1 and s.final and not s.supers) and not names_concrete(ft):
            return type_id(ft)
        return self.type_hash(x)

    def type_hash(self, x: int) -> int:
        """A 64-bit hash (bit 63 set) of type x's iso-recursive identity."""
        h = 0xCBF29CE484222325
        for b in repr(self._key(x)).encode():
            h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
        return h | (1 << 63)

    def iso_key(self, x: int) -> object:
        """Type x's identity across modules: its rec group's structure
        (other groups' types by theirs) and its place in the group."""
        return self._key(x)

    def _key(self, x: int) -> object:
        subs = self.m.subtypes   # (None: every type final, a rec group of its own)
        g, size = (subs[x].group, subs[x].size) if subs is not None else (x, 1)
        if g not in self._groups:
            def ref(y: int) -> object:
                # (the decoder wrote references by canonical index: a type of
                # this group may appear as the first of its class)
                for i in range(g, g + size):
                    if self.c(i) == self.c(y):
                        return ("rec", i - g)
                return self._key(y)

            def one(t: int) -> object:
                y = type_index(heap_of(t)) if t >= REF_BASE else None
                return t if y is None else (nullable(t), ref(y))
            items: list[object] = []
            for i in range(g, g + size):
                ct = self.m.types[i]
                if isinstance(ct, StructType):
                    k: object = ("struct",) + tuple((one(f.storage), f.mutable) for f in ct.fields)
                elif isinstance(ct, ArrayType):
                    k = ("array", one(ct.field.storage), ct.field.mutable)
                else:
                    k = (tuple(map(one, ct.params)), tuple(map(one, ct.results)))
                if subs is None:
                    items.append((k, True, ()))
                else:
                    items.append((k, subs[i].final, tuple(map(ref, subs[i].supers))))
            self._groups[g] = tuple(items)
        return (self._groups[g], x - g)

    def sub_ids(self, x: int) -> str:
        """The ids of the module's function types declared (transitively)
        below type x, other than x's own, as `array, count` for the runtime
        (`NULL, 0` if none)."""
        supers = getattr(self.canon, "supers", [])
        own = self.func_id(x)
        ids = []
        for y, t in enumerate(self.m.types):
            if y == x or not isinstance(t, FuncType):
                continue
            z = y
            while z >= 0 and self.c(z) != self.c(x):
                z = supers[z] if z < len(supers) else -1
            tid = self.func_id(y)
            if z >= 0 and tid != own and tid not in ids:
                ids.append(tid)
        if not ids:
            return "NULL, 0"
        return ("(const uint64_t[]){" + ", ".join(f"UINT64_C({i})" for i in ids)
                + f"}}, {len(ids)}")

    def may_have_subtypes(self, x: int) -> bool:
        """Whether function type x is not final: another module may declare
        subtypes of it (so call_indirect consults the registry)."""
        s = self.m.subtypes[x] if self.m.subtypes is not None else None
        return s is not None and not s.final

    def func_supers(self) -> list[tuple[int, int]]:
        """(id, declared supertype's id) of each of the module's function
        types with a supertype, once per id: the module's table for the
        runtime's registry of function subtypes (w2c_gc_func_supers)."""
        subs = self.m.subtypes
        if subs is None:
            return []
        pairs: dict[int, int] = {}
        for x, t in enumerate(self.m.types):
            if isinstance(t, FuncType) and subs[x].supers:
                pairs.setdefault(self.func_id(x), self.func_id(subs[x].supers[0]))
        return list(pairs.items())

    def func_supers_c(self) -> str:
        """The table of func_supers and its node (empty without any)."""
        pairs = self.func_supers()
        if not pairs:
            return ""
        p = self.p
        items = ",\n".join(f"  UINT64_C({a}), UINT64_C({b})" for a, b in pairs)
        return (f"/* Function types' declared supertypes, for other modules' casts and\n"
                f"   call_indirect (w2c_gc_register_func_supers). */\n"
                f"static const uint64_t {p}_func_supers[{2 * len(pairs)}] = {{\n{items}\n}};\n"
                f"static w2c_gc_func_supers {p}_func_supers_node = "
                f"{{{p}_func_supers, {len(pairs)}u, 0, NULL}};\n")

    # -- C text -----------------------------------------------------------------------------
    def decls(self, part: str = "one") -> str:
        """The C of the module's struct and array types: for one C file
        ("one") all of it, static; for split output (w2c.emit.split) the
        internal header's part ("header": the structs, the rtts declared
        extern, the constructors' prototypes) and the data file's ("data":
        their definitions, with external linkage, so every part casts
        against the same rtt object)."""
        p, out = self.p, ["/* GC types (docs/codegen.md, \"GC\"). */"]
        kinds = [(x, t) for x, t in enumerate(self.m.types)
                 if self.c(x) == x and isinstance(t, StructType | ArrayType)]
        if part != "data":
            for x, t in kinds:
                if isinstance(t, StructType):
                    body = " ".join(f"{storage_c(f)} f{i};" for i, f in enumerate(t.fields))
                    out.append(f"typedef struct {{ {body or 'char unused_;'} }} {p}_t{x};")
        if part == "header":
            for x, _ in kinds:
                out.append(f"extern const w2c_rtt {p}_rtt{x};")
            for x, t in kinds:
                out.append(self._constructor(x, t).split(" {\n", 1)[0] + ";")
            return "\n".join(out) + "\n"
        static = "W2C_UNUSED static " if part == "one" else ""
        if part == "one":
            for x, _ in kinds:
                out.append(f"W2C_UNUSED static const w2c_rtt {p}_rtt{x};")
        for x, t in kinds:
            chain = [x]
            supers = getattr(self.canon, "supers", [])
            y = x
            while y < len(supers) and supers[y] >= 0:
                y = supers[y]
                chain.append(self.c(y))
            disp = ", ".join(f"&{p}_rtt{c}" for c in reversed(chain))
            out.append(f"W2C_UNUSED static const w2c_rtt *const {p}_disp{x}[{len(chain)}] = "
                       f"{{{disp}}};")
            if isinstance(t, StructType):
                refs = [i for i, f in enumerate(t.fields) if is_gc_ref(f.storage)]
                offs = "NULL"
                if refs:
                    offs = f"{p}_refs{x}"
                    out.append(f"W2C_UNUSED static const uint32_t {offs}[{len(refs)}] = {{"
                               + ", ".join(f"(uint32_t)offsetof({p}_t{x}, f{i})" for i in refs)
                               + "};")
                out.append(f"{static}const w2c_rtt {p}_rtt{x} = {{W2C_RTT_STRUCT, "
                           f"{len(chain) - 1}u, {p}_disp{x}, (uint32_t)sizeof({p}_t{x}), "
                           f"{len(refs)}u, {offs}, UINT64_C({self.type_hash(x)})}};")
            else:
                et = storage_c(t.field)
                out.append(f"{static}const w2c_rtt {p}_rtt{x} = {{W2C_RTT_ARRAY, "
                           f"{len(chain) - 1}u, {p}_disp{x}, (uint32_t)sizeof({et}), "
                           f"{int(is_gc_ref(t.field.storage))}u, NULL, "
                           f"UINT64_C({self.type_hash(x)})}};")
            out.append(static + self._constructor(x, t))
        return "\n".join(out) + "\n"

    def _constructor(self, x: int, t: StructType | ArrayType) -> str:
        """`<p>_new<x>(fields...)` of a struct type, `<p>_anew<x>(value, n)`
        of an array type (without storage class)."""
        p = self.p
        if isinstance(t, StructType):
            args = ", ".join(f"{C_TYPES[f.unpacked()]} a{i}" for i, f in enumerate(t.fields))
            sets = " ".join(f"w2c_gc_v128_set(&p_->f{i}, a{i});" if f.storage == V128
                            else f"p_->f{i} = ({storage_c(f)})a{i};"
                            for i, f in enumerate(t.fields))
            return (f"w2c_externref {p}_new{x}({args or 'void'}) {{\n"
                    f"  w2c_externref o_ = w2c_gc_new(&{p}_rtt{x}, sizeof({p}_t{x}));\n"
                    f"  {p}_t{x} *p_ = W2C_GC_STRUCT({p}_t{x}, o_);\n"
                    f"  {sets} (void)p_;\n  return o_;\n}}")
        et = storage_c(t.field)
        vt = C_TYPES[t.field.unpacked()]
        fill = f"a_ = w2c_gc_v128_array_new(&{p}_rtt{x}, v, n)" \
            if t.field.storage == V128 else f"W2C_GC_ARRAY_NEW(a_, {et}, &{p}_rtt{x}, v, n)"
        return (f"w2c_externref {p}_anew{x}({vt} v, uint32_t n) {{\n"
                f"  w2c_externref a_;\n"
                f"  {fill};\n  return a_;\n}}")

    def roots(self, gen: Any) -> str:
        """The instance's roots function: its globals and tables of references."""
        p = self.p
        lines = [f"static void {p}_gc_roots(void *ctx) {{",
                 f"  {p}_instance *inst = ({p}_instance *)ctx;"]
        for i, g in enumerate(gen.globals):
            if is_gc_ref(g.type):
                lines.append(f"  w2c_gc_push(W2C_GC_REF({gen.global_ref(i)}));")
        for i, t in enumerate(gen.tables):
            if is_gc_ref(t.elem):
                lines.append(f"  if (inst->t{i}) w2c_gc_push_table(inst->t{i});")
        for k, e in enumerate(gen.module.elems):
            if held_elem(e):
                lines.append(f"  if (!inst->elem_dropped[{k}]) w2c_gc_push_refs(inst->elem{k}, "
                             f"{len(e)}u);")
        if gen.tags:
            lines.append("  w2c_gc_mark_exn();   /* (exception values: w2c_tag.gc_refs) */")
        lines.append("  (void)inst;\n}")
        return "\n".join(lines) + "\n"


def held_elem(e: Elem) -> bool:
    """Whether element segment e's items are GC references, made once at
    instantiation and held by the instance (`elem<k>`, roots until the
    segment is dropped) rather than evaluated at each use: an item may
    allocate, and each use must give the same objects."""
    return len(e) > 0 and is_gc_ref(e.type)


def is_gc_ref(t: int) -> bool:
    """A reference the collector traces: of the any or extern hierarchy."""
    return t not in (PACKED_I8, PACKED_I16) and erase(t) == EXTERNREF


def storage_c(f: FieldType) -> str:
    if f.storage == PACKED_I8:
        return "uint8_t"
    if f.storage == PACKED_I16:
        return "uint16_t"
    if f.storage == V128:
        return V128_STORAGE
    return C_TYPES[f.storage]


def items_c(f: FieldType) -> str:
    """The C type of array.new_fixed's items: the storage type, but a
    w2c_v128 (the value; the elements get its 16 bytes) for a v128."""
    return C_TYPES[V128] if f.storage == V128 else storage_c(f)


def _bits(f: FieldType) -> int:
    return 8 if f.storage == PACKED_I8 else 16


# -- the instructions ----------------------------------------------------------------------------
def cast_args(g: GcTypes, rt: int) -> tuple[int, str, str]:
    """(operand type, C test function, its arguments after the operand) of a
    cast or test to reference type rt."""
    ht = heap_of(rt)
    null = "1" if nullable(rt) else "0"
    top = top_heap(ht, g.canon)
    if top == HT_FUNC:
        x = type_index(ht)
        if x is None:     # func: any function; nofunc: none (no signature has id 1)
            return FUNCREF, "w2c_gc_test_func", \
                f"{null}, UINT64_C({0 if ht == HT_FUNC else 1}), NULL, 0"
        return FUNCREF, "w2c_gc_test_func", \
            f"{null}, UINT64_C({g.func_id(x)}), {g.sub_ids(x)}"
    x = type_index(ht)
    if x is not None:
        return _E, "w2c_gc_test", f"{null}, W2C_HT_TYPE, {g.rtt(x)}"
    return _E, "w2c_gc_test", f"{null}, {_HT_C[ht]}, NULL"


def _seg_data(e: BodyEmitter, d: int) -> str:
    """Data segment d for the runtime: its pieces, log2 of their size, its length."""
    p = e.g.prefix
    if e.g.gc.piece_log2:
        seg = f"{p}_data_piece + {p}_data_first[{d}], {e.g.gc.piece_log2}u"
    else:
        seg = f"&{p}_data_ptr[{d}], 32u"
    return f"{seg}, inst->data_dropped[{d}] ? 0u : {p}_data_len[{d}]"


def _seg_elem(e: BodyEmitter, f: FieldType, s: int) -> str:
    p = e.g.prefix
    kind = "funcref" if erase(f.storage) == FUNCREF else "externref"
    return f"{p}_elem_{kind}, inst, {s}u, inst->elem_dropped[{s}] ? 0u : {p}_elem_len[{s}]"


def _sig(e: BodyEmitter, v: FuncValidator, name: str, imm: Any
         ) -> tuple[list[int], int | None, dict[str, str]]:
    """(operand types, result type or None, template fields) of a GC instruction."""
    g: GcTypes = e.g.gc
    if name.startswith("struct."):
        x = imm if name.startswith("struct.new") else imm[0]
        kw = {"T": g.struct(x), "rtt": g.rtt(x)}
        if name == "struct.new_default":
            return [], _E, kw
        if name == "struct.new":
            fs = g.fields(x)
            kw["new"] = f"{g.p}_new{g.c(x)}"
            kw["args"] = ", ".join(f"{{{i}}}" for i in range(len(fs)))
            return [f.unpacked() for f in fs], _E, kw
        f = g.fields(x)[imm[1]]
        kw.update(f=str(imm[1]), ft=storage_c(f), bits=str(_bits(f)) if f.unpacked() != f.storage
                  else "")
        if name == "struct.set":
            return [_E, f.unpacked()], None, kw
        return [_E], f.unpacked(), kw
    if name.startswith("array."):
        if name == "array.len":
            return [_E], I32, {}
        x = imm if isinstance(imm, int) else imm[0]
        f = g.elem(x)
        et = f.unpacked()
        kw = {"rtt": g.rtt(x), "et": storage_c(f), "anew": f"{g.p}_anew{g.c(x)}",
              "bits": str(_bits(f)) if et != f.storage else ""}
        sigs: dict[str, tuple[list[int], int | None]] = {
            "array.new": ([et, I32], _E), "array.new_default": ([I32], _E),
            "array.new_data": ([I32, I32], _E), "array.new_elem": ([I32, I32], _E),
            "array.get": ([_E, I32], et), "array.get_s": ([_E, I32], et),
            "array.get_u": ([_E, I32], et), "array.set": ([_E, I32, et], None),
            "array.fill": ([_E, I32, et, I32], None),
            "array.copy": ([_E, I32, _E, I32, I32], None),
            "array.init_data": ([_E, I32, I32, I32], None),
            "array.init_elem": ([_E, I32, I32, I32], None)}
        if name == "array.new_fixed":
            n = imm[1]
            kw["n"] = str(n)
            kw["items"] = "NULL" if not n else \
                f"(const {items_c(f)}[]){{{{" + ", ".join(f"{{{i}}}" for i in range(n)) + "}}"
            return [et] * n, _E, kw
        if name.endswith("_data"):
            kw["seg"] = _seg_data(e, imm[1])
        elif name.endswith("_elem"):
            kw["seg"] = _seg_elem(e, f, imm[1])
        ops, res = sigs[name]
        return ops, res, kw
    if name in ("ref.test", "ref.test_null", "ref.cast", "ref.cast_null"):
        rt = ref_type(imm, name.endswith("_null"))
        t, fn, args = cast_args(g, rt)
        if name.startswith("ref.cast"):
            fn = fn.replace("_test", "_cast")
        return [t], I32 if name.startswith("ref.test") else t, {"fn": fn, "targs": args}
    return {"ref.eq": ([_E, _E], I32), "ref.i31": ([I32], _E), "i31.get_s": ([_E], I32),
            "i31.get_u": ([_E], I32), "any.convert_extern": ([_E], _E),
            "extern.convert_any": ([_E], _E)}[name] + ({},)


def gc_op(e: BodyEmitter, v: FuncValidator, op: O.Op, imm: Any, top: int) -> None:
    """Any GC instruction but br_on_cast(_fail): its table template over
    the operand slots, `{r}` the result slot, and the fields of `_sig`."""
    if e.g.gc is None:
        raise GcFound(op.name)
    ops, res, kw = _sig(e, v, op.name, imm)
    base = top - len(ops)
    args = [e.slot(base + i, t) for i, t in enumerate(ops)]
    if op.name in ALLOCATES:
        e.safepoint(v, base, ops)
    if res is not None:
        kw["r"] = e.slot(base, res)
    c = op.c
    if V128_STORAGE in (kw.get("ft"), kw.get("et")):
        c = O.GC_V128_C.get(op.name, c)
    assert c is not None
    if "{args}" in c:
        c = c.replace("{args}", kw.pop("args"))
    if "{items}" in c:
        c = c.replace("{items}", kw.pop("items"))
    e.out(c.format(*args, **kw) + ";")


def br_on_cast(e: BodyEmitter, v: FuncValidator, op: O.Op, imm: Any, live: bool) -> bool:
    """br_on_cast(_fail) l rt1 rt2: branch with the reference if it is (not) of rt2."""
    if e.g.gc is None:
        raise GcFound(op.name)
    top = STEPS[op](v, imm)
    if live:
        depth, _, rt2 = imm
        t, fn, args = cast_args(e.g.gc, rt2)
        test = f"{fn}({e.slot(top - 1, t)}, {args})"
        if op.name == "br_on_cast_fail":
            test = f"!{test}"
        e.out(f"if ({test}) {{")
        e.branch(v, depth, top)
        e.out("}")
    return live


def const_gc(g: GcTypes, name: str, imm: Any, stack: list[str]) -> str:
    """The C expression of a GC instruction of a constant expression (its
    operands popped from `stack`)."""
    def pop(n: int) -> list[str]:
        if not n:
            return []
        vals = stack[-n:]
        del stack[-n:]
        return vals
    if name == "ref.i31":
        return f"w2c_gc_ref_i31({pop(1)[0]})"
    if name in ("any.convert_extern", "extern.convert_any"):
        return f"w2c_gc_{name.replace('.', '_')}({pop(1)[0]})"
    if name == "struct.new":
        return f"{g.p}_new{g.c(imm)}({', '.join(pop(len(g.fields(imm))))})"
    if name == "struct.new_default":
        return f"w2c_gc_new({g.rtt(imm)}, sizeof({g.struct(imm)}))"
    x = imm if isinstance(imm, int) else imm[0]
    et = storage_c(g.elem(x))
    items = items_c(g.elem(x))
    if name == "array.new":
        a, n = pop(2)
        return f"{g.p}_anew{g.c(x)}({a}, {n})"
    if name == "array.new_default":
        return f"w2c_gc_array_new({g.rtt(x)}, {pop(1)[0]}, sizeof({et}))"
    n = imm[1]     # array.new_fixed
    vals = pop(n)
    if et in ("uint8_t", "uint16_t"):     # packed: the low bits (a constant
        vals = [f"({et}){v}" for v in vals]   # out of range is an error with -Werror)
    items = f"(const {items}[]){{{', '.join(vals)}}}" if n else "NULL"
    return f"w2c_gc_array_from({g.rtt(x)}, {n}u, sizeof({et}), {items})"
