"""The module context of the emitter (last stage of the pipeline): ModuleGen,
the facts about a module that body translation needs (C names of callees,
globals, memories, tables) and the context of the skeleton's Jinja
templates (instance struct, imports struct, instantiate/free, export
wrappers, segments); w2c.emit.write renders them.  See docs/codegen.md for
the names.
"""
from __future__ import annotations

from typing import Any

from w2c import __version__
from w2c.emit import consts
from w2c.emit.exn import check_tags, uses_exceptions
from w2c.emit.gc import GcTypes, held_elem, is_gc_ref, names_concrete, uses_gc
from w2c.emit.names import (
    C_TYPES,
    mangle,
    result_type,
    sig_letters,
    type_id,
)
from w2c.emit.segments import OFFSET_CHUNK, segment_context
from w2c.errors import W2CError
from w2c.module import (
    EXNREF,
    EXT_FUNC,
    EXT_GLOBAL,
    EXT_MEMORY,
    EXT_TABLE,
    EXT_TAG,
    EXTERNREF,
    FUNCREF,
    FuncType,
    Module,
)
from w2c.valtypes import REF_BASE, erase, use_types

ATOMIC_HEADER = "w2c_atomic.h"   # runtime_c: the threads proposal's instructions


def uses_atomics(m: Module, threads_enabled: bool) -> bool:
    """Whether the module's header includes w2c_atomic.h (and the output gets it)."""
    return threads_enabled and bool(m.all_mems())


class ModuleGen:
    """Facts about the module that body emission needs, and the skeleton's context."""

    def __init__(self, module: Module, prefix: str, header_name: str,
                 max_memory: int | None = None, const_tables: dict[int, list[int]] | None = None,
                 threads_enabled: bool = False, gc_enabled: bool = False):
        self.module = module
        # GC: erase() reads the kinds of the module's types from now on.
        use_types(module.type_canon() if module.subtypes is not None else None)
        # The threads feature is on: imported memories are matched on sharedness
        # (without it no w2c module has a shared memory to give), and the header
        # defines W2C_MODULE_THREADS before the runtime's first header.
        self.threads_enabled = threads_enabled
        self.max_memory = max_memory
        self.const_tables = const_tables or {}   # w2c.emit.tables
        self.prefix = prefix
        self.header_name = header_name
        self.simd = False                        # the module uses v128 (w2c.emit.simd)
        m = module
        self.ftypes = m.func_types()
        self.nimported = m.num_imported_funcs
        self.func_imports = m.imported(EXT_FUNC)
        self.globals = m.all_globals()
        self.n_imported_globals = len(m.imported(EXT_GLOBAL))
        self.tables = m.all_tables()
        self.n_imported_tables = len(m.imported(EXT_TABLE))
        self.mems = m.all_mems()
        self.n_imported_mems = len(m.imported(EXT_MEMORY))
        # With the threads feature on, a module with a memory may have shared
        # memories or atomics (known before its bodies are read): its header
        # includes w2c_atomic.h (uses_atomics).
        self.threads = uses_atomics(m, threads_enabled)
        self.import_modules = sorted({mangle(i.module) for i in m.imports if i.kind == EXT_FUNC})
        self.import_keys = unique_import_keys(m)
        self.func_import_keys = [k for k, i in zip(self.import_keys, m.imports, strict=True)
                                 if i.kind == EXT_FUNC]
        self.exn = uses_exceptions(m)            # w2c.emit.exn
        if self.exn:
            check_tags(m)
        self.tags = m.all_tags()
        self.n_imported_tags = len(m.imported(EXT_TAG))
        self.gc = GcTypes(m, prefix) if gc_enabled and uses_gc(m) else None
        self._iso: GcTypes | None = None     # (type_id_of without GC)
        # function index -> (its type, `callee(context`): what a call writes (call_head)
        self.call_heads: dict[int, tuple[FuncType, str]] = {}
        self.type_ids: dict[int, int] = {}      # function type index -> type_id_of

    # -- used by BodyEmitter --------------------------------------------------------------------
    def func_type(self, idx: int) -> FuncType:
        return self.module.type_func(self.ftypes[idx])

    def callee(self, idx: int) -> str:
        if idx < self.nimported:
            return f"{self.prefix}_i_{self.func_import_keys[idx]}"
        return f"{self.prefix}_f{idx}"

    def callee_ctx(self, idx: int) -> str:
        return f"inst->fctx[{idx}]" if idx < self.nimported else "inst"

    def call_head(self, idx: int) -> tuple[FuncType, str]:
        """Function idx's type and the start of a call of it, `callee(context`
        (made once per function: call_heads)."""
        head = self.call_heads[idx] = (self.func_type(idx),
                                       f"{self.callee(idx)}({self.callee_ctx(idx)}")
        return head

    def tag_type(self, idx: int) -> FuncType:
        return self.module.type_func(self.tags[idx])

    def global_type(self, idx: int) -> int:
        """(a typed reference as the 2.0 type of its C representation)"""
        return erase(self.globals[idx].type)

    def memory_ref(self, k: int) -> str:
        """The w2c_memory of memory k as an lvalue: a memory the module defines
        lives in the instance (one load less than through the pointer)."""
        return f"inst->mem{k}->" if k < self.n_imported_mems else f"inst->mem{k}_storage."

    def fixed_size(self, k: int) -> tuple[int, bool] | None:
        """(bytes, only in static builds) if memory k's size never changes: its
        limit is its initial size, or (a defined memory without a limit, pages
        of at least 8 bytes) a W2C_ALLOC_STATIC build, whose array holds only
        the initial size; None if it may grow."""
        lim = self.mems[k].limits
        if lim.is64:
            return None
        imported = k < self.n_imported_mems
        log2 = lim.page_size.bit_length() - 1
        limit = lim.max if imported else memory_limit_pages(lim.min, lim.max, log2,
                                                            self.max_memory)
        if limit is not None:
            return (lim.min << log2, False) if limit == lim.min else None
        return None if imported or log2 < 3 else (lim.min << log2, True)

    def type_id_of(self, x: int) -> int:
        """The signature id of function type x (GC: w2c.emit.gc.GcTypes.func_id)."""
        tid = self.type_ids.get(x)
        if tid is None:
            tid = self.type_ids[x] = self._type_id_of(x)
        return tid

    def _type_id_of(self, x: int) -> int:
        if self.gc is not None:
            return self.gc.func_id(x)
        ft = self.module.type_func(x)
        if names_concrete(ft):      # (typed function references: as a GC module does)
            if self._iso is None:
                self._iso = GcTypes(self.module, self.prefix)
            return self._iso.type_hash(x)
        return type_id(ft)

    def call_target(self, x: int, index: str, typeidx: int) -> str:
        """call_indirect's C: the funcref at `index` of table x if its type is
        typeidx (GC: or a subtype of it, declared in this module or, for a
        type that is not final, in another: w2c_gc_call_target)."""
        tid = self.type_id_of(typeidx)
        if self.gc is not None:
            subs = self.gc.sub_ids(typeidx)
            if subs != "NULL, 0" or self.gc.may_have_subtypes(typeidx):
                return (f"w2c_gc_call_target({self.table_ptr(x)}, {index}, UINT64_C({tid}), "
                        f"{subs})")
        return f"w2c_table_call_target({self.table_ptr(x)}, {index}, UINT64_C({tid}))"

    def table_ptr(self, x: int) -> str:
        """A pointer to table x: a table the module defines lives in the instance."""
        return f"inst->t{x}" if x < self.n_imported_tables else f"&inst->t{x}_storage"

    def global_ref(self, idx: int) -> str:
        return f"(*inst->g{idx})" if idx < self.n_imported_globals else f"inst->g{idx}"

    def table_elem(self, idx: int) -> int:
        return erase(self.tables[idx].elem)

    def table64(self, idx: int) -> bool:
        """Whether table idx is 64-bit (memory64: i64 indices)."""
        return self.tables[idx].limits.is64

    # -- skeleton --------------------------------------------------------------------------------
    def signature(self, ft: FuncType, name: str, first: str = "void *instance") -> str:
        params = "".join(f", {C_TYPES[t]} l{i}" for i, t in enumerate(ft.params))
        return f"{result_type(ft)} {name}({first}{params})"

    def context(self, with_bytes: bool = True) -> dict:
        """The templates' context; with_bytes=False leaves out the data segments'
        bytes (split output writes them piece by piece)."""
        m = self.module
        p = self.prefix
        ret_sigs = sorted({sig_letters(t.results) for t in m.func_sigs() if len(t.results) > 1})
        ret_structs = [(s, [C_TYPES[t] for t in next(ft.results for ft in m.func_sigs()
                                                     if sig_letters(ft.results) == s)])
                       for s in ret_sigs]
        imports: list[dict[str, Any]] = []   # template context: values of any type
        seen: set[tuple[int, str]] = set()
        for n, (key, imp) in enumerate(zip(self.import_keys, m.imports, strict=True)):
            if (imp.kind, key) not in seen:  # the same import twice: one member
                seen.add((imp.kind, key))
                imports.append({"kind": imp.kind, "key": key, "module": imp.module,
                                "name": imp.name, "ctx": mangle(imp.module), "n": n})
        first: dict[str, int] = {}  # the same import twice: one prototype
        for i, key in enumerate(self.func_import_keys):
            first.setdefault(key, i)
        func_imports = [{"cname": self.callee(i), "proto": self.signature(
            self.func_type(i), self.callee(i), "void *ctx"), "ctx": mangle(imp.module),
            "module": imp.module, "name": imp.name, "first": first[key] == i}
            for i, (key, imp) in enumerate(zip(self.func_import_keys, self.func_imports,
                                               strict=True))]
        import_globals = [n for n, i in enumerate(m.imports) if i.kind == EXT_GLOBAL]
        return {
            "p": p, "P": p.upper(), "version": __version__, "header": self.header_name,
            "scope": "static ",
            "ret_structs": ret_structs, "imports": imports, "func_imports": func_imports,
            "import_modules": self.import_modules,
            "mem_imports": [i for i in imports if i["kind"] == EXT_MEMORY],
            "table_imports": [i for i in imports if i["kind"] == EXT_TABLE],
            "global_imports": [
                dict(i, ctype=C_TYPES[self.globals[import_globals.index(i["n"])].type])
                for i in imports if i["kind"] == EXT_GLOBAL],
            "mems": self.mem_ctx(), "tables": self.table_ctx(), "globals": self.global_ctx(),
            "exports": self.export_ctx(), "nfuncs": len(self.ftypes), "nimported": self.nimported,
            "funcs": self.funcs_ctx(), "datas": self.data_ctx(with_bytes), "elems": self.elem_ctx(),
            "uses_funcref": bool(self.tables) or bool(m.elems) or any(
                erase(g.type) == FUNCREF for g in self.globals) or self._uses_ref_func(),
            "start": m.start, "ndata": len(m.datas), "nelem": len(m.elems),
            "static_storage": len(self.mems) > self.n_imported_mems
            or len(self.tables) > self.n_imported_tables,
            "small_pages": any(mt.limits.page_size < SMALLEST_GUARDED_PAGE for mt in self.mems),
            "mem64": any(mt.limits.is64 for mt in self.mems),
            "simd": self.simd, "exn": self.exn, "typed_refs": self._typed_refs(),
            "gc": self.gc is not None,
            "gc_decls": self.gc.decls() if self.gc is not None else "",
            "gc_roots": self.gc.roots(self) if self.gc is not None else "",
            "gc_func_supers": self.gc.func_supers_c() if self.gc is not None else "",
            "shared": "static ",   # (split GC modules: w2c.emit.split.split_context)
            "threads": self.threads, "threads_enabled": self.threads_enabled,
            "shared_memory": any(mt.limits.shared for mt in self.mems),
            "tag_imports": [i for i in imports if i["kind"] == EXT_TAG],
            "tags": [{"i": i, "imported": i < self.n_imported_tags,
                      "key": self._import_key(EXT_TAG, i), "gc_refs": self._tag_gc_refs(i)}
                     for i in range(len(self.tags))],
            "init_chunk": OFFSET_CHUNK,   # statements per init function
            **segment_context(self),
        }

    def _tag_gc_refs(self, i: int) -> int:
        """Tag i's w2c_tag.gc_refs: bit k set if its value k is a GC reference."""
        if self.gc is None:
            return 0
        return sum(1 << k for k, t in enumerate(self.tag_type(i).params) if is_gc_ref(t))

    def _typed_refs(self) -> bool:
        """Whether the embedding API shows typed references (the header says
        how they look in C)."""
        types = [t for ft in self.module.func_sigs() for t in ft.params + ft.results]
        types += [g.type for g in self.globals] + [t.elem for t in self.tables]
        return any(t >= REF_BASE for t in types)

    def _uses_ref_func(self) -> bool:
        return True  # ref.func may appear in any body; _funcref is cheap and marked unused

    def mem_ctx(self) -> list[dict]:
        out = []
        for i, mt in enumerate(self.mems):
            lim = mt.limits
            imported = i < self.n_imported_mems
            log2 = lim.page_size.bit_length() - 1
            limit = memory_limit_pages(lim.min, lim.max, log2,
                                       None if imported else self.max_memory)
            cap = (limit if limit is not None else lim.min) << log2
            out.append({"i": i, "imported": imported, "min": lim.min,
                        "max": lim.max if imported else limit, "page_log2": log2,
                        "static_bytes": cap, "static_words": max(1, (cap + 7) // 8),
                        "static_ok": cap <= MAX_STATIC_BYTES, "is64": lim.is64,
                        "shared": lim.shared, "match_shared": self.threads_enabled,
                        "key": self._import_key(EXT_MEMORY, i)})
        return out

    def table_ctx(self) -> list[dict]:
        out = []
        for i, tt in enumerate(self.tables):
            imported_ = i < self.n_imported_tables
            lim = tt.limits
            # The runtime's tables hold at most 2^32-1 elements: a larger
            # maximum of a 64-bit table is none, a larger minimum fails.
            cap = lim.max if lim.max is not None and lim.max <= MAX_STATIC_TABLE else lim.min
            cap = min(cap, 0xFFFFFFFF)
            tmax = lim.max if lim.max is None or lim.max < 0xFFFFFFFF else None
            out.append({"i": i, "imported": i < self.n_imported_tables,
                        "min": min(lim.min, 0xFFFFFFFF),
                        "max": tmax, "externref": erase(tt.elem) in (EXTERNREF, EXNREF),
                        "is64": lim.is64,
                        "static_cap": cap, "key": self._import_key(EXT_TABLE, i),
                        "const": self.const_items(i),
                        "init": (consts.const_expr(self, tt.init)
                                 if tt.init is not None and not imported_ else None)})
        return out

    def const_items(self, t: int) -> list[str] | None:
        """The initializers of constant table t's elements, or None if it lives in RAM."""
        codes = self.const_tables.get(t)
        if codes is None:
            return None
        items = []
        for c in codes:
            if c == consts.NULL_CODE:
                items.append("W2C_FUNCREF_NULL")
            else:
                tid = self.type_id_of(self.ftypes[c])
                items.append(f"{{UINT64_C({tid}), (void (*)(void)){self.callee(c)}, 0}}")
        return items

    def global_ctx(self) -> list[dict]:
        out = []
        for i, gt in enumerate(self.globals):
            imported = i < self.n_imported_globals
            g = {"i": i, "imported": imported, "ctype": C_TYPES[gt.type], "mutable": gt.mutable,
                 "key": self._import_key(EXT_GLOBAL, i), "type": gt.type}
            if not imported:
                init = self.module.globals[i - self.n_imported_globals].init
                g["init"] = consts.const_expr(self, init)
            out.append(g)
        return out

    def _import_key(self, kind: int, index: int) -> str | None:
        keys = [k for k, i in zip(self.import_keys, self.module.imports, strict=True)
                if i.kind == kind]
        return keys[index] if index < len(keys) else None

    def export_ctx(self) -> list[dict]:
        out = []
        for x in self.module.exports:
            e: dict[str, Any] = {"kind": x.kind, "cname": f"{self.prefix}_x_{mangle(x.name)}",
                                 "name": x.name, "index": x.index}
            if x.kind == EXT_FUNC:
                ft = self.func_type(x.index)
                e["proto"] = self.signature(ft, e["cname"], f"{self.prefix}_instance *inst")
                args = "".join(f", l{i}" for i in range(len(ft.params)))
                e["call"] = f"{self.callee(x.index)}({self.callee_ctx(x.index)}{args})"
                e["void"] = not ft.results
            elif x.kind == EXT_GLOBAL:
                e["ctype"] = C_TYPES[self.globals[x.index].type]
                e["ref"] = (f"inst->g{x.index}" if x.index < self.n_imported_globals
                            else f"&inst->g{x.index}")
            out.append(e)
        return out

    def funcs_ctx(self) -> list[dict]:
        out = []
        for i in range(len(self.ftypes)):
            ft = self.func_type(i)
            out.append({"i": i, "cname": self.callee(i), "type_id": self.type_id_of(self.ftypes[i]),
                        "proto": (self.signature(ft, self.callee(i))
                                  if i >= self.nimported else None),
                        "name": self.module.names.funcs.get(i)})
        return out

    def data_ctx(self, with_bytes: bool = True) -> list[dict]:
        out = []
        for k, d in enumerate(self.module.datas):
            out.append({"k": k, "bytes": consts.byte_lines(d.init) if with_bytes else None,
                        "len": len(d.init),
                        "active": d.mode == "active", "memory": d.memory})
        return out

    def elem_ctx(self) -> list[dict]:
        out = []
        for k, e in enumerate(self.module.elems):
            codes = consts.elem_codes(e)
            out.append({"k": k, "codes": codes, "exprs": None if codes is not None
                        else consts.elem_items(self, e), "len": len(e), "mode": e.mode,
                        "table": e.table, "externref": erase(e.type) in (EXTERNREF, EXNREF),
                        "held": self.gc is not None and held_elem(e)})
        return out


# Static storage (W2C_ALLOC_STATIC builds): a memory's array is sized from
# --max-memory, else its declared maximum, else its initial size; past
# MAX_STATIC_BYTES the static build stops with an #error asking for
# --max-memory.  A table's array holds its declared maximum when that is at
# most MAX_STATIC_TABLE elements, else its initial size.
MAX_STATIC_BYTES = 1 << 31
MAX_STATIC_TABLE = 1 << 16
# Memories with smaller pages cannot be bounded by guard pages (W2C_MODULE_SMALL_PAGES).
SMALLEST_GUARDED_PAGE = 4096


def memory_limit_pages(initial: int, declared_max: int | None, page_log2: int,
                       max_memory: int | None) -> int | None:
    """The pages a defined memory may grow to: its declared maximum, lowered
    to fit --max-memory BYTES; None if neither says.  A memory whose
    initial size exceeds --max-memory is an error."""
    if max_memory is None:
        return declared_max
    pages = max_memory >> page_log2
    if initial > pages:
        raise W2CError(f"the module's memory needs {initial << page_log2} bytes at start, "
                       f"more than --max-memory {max_memory}")
    return pages if declared_max is None else min(declared_max, pages)


def unique_import_keys(m: Module) -> list[str]:
    """`<module>__<name>` (mangled) for each import; an import of a name already
    imported with another type gets `__<import index>` added, so C names and
    struct members never clash."""
    first: dict[tuple[int, str], object] = {}
    keys = []
    for n, imp in enumerate(m.imports):
        key = f"{mangle(imp.module)}__{mangle(imp.name)}"
        desc = m.types[imp.func_type_index()] if imp.kind == EXT_FUNC else imp.desc
        if first.setdefault((imp.kind, key), desc) != desc:
            key = f"{key}__{n}"
        keys.append(key)
    return keys
