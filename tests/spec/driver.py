"""The execution part of the spec harness: from a converted .wast script to
one C driver program.

    build_plan(script, spectest_wasm)  -> Plan: the modules to compile
                                          (Unit), the checks (Check) and the
                                          callers the driver needs
    generate_driver(plan, available)   -> the text of driver.c

Every `module` command (and every module of assert_uninstantiable,
assert_unlinkable, assert_trap-on-a-module) is a Unit, compiled separately
by `w2c compile` with the prefix `m<N>` (N >= 1; `m0` is the `spectest` host
module of tests/spec/spectest.py).  Links are static: the import
`(import "M" "x" ...)` of unit N names the unit registered as "M" at that
point of the script, and the driver defines the C glue
`m<N>_i_<M>__<x>(void *ctx, ...)` calling the provider's export
`m<K>_x_<x>((m<K>_instance *)ctx, ...)`.  Whether a module links is decided
here from the decoded modules (unknown import, kind, function type, global
type and mutability, table element type); limits of memories and tables are
left to the generated `m<N>_instantiate`, which returns W2C_ERR_IMPORT.

Each command that asserts something is a Check with an id (its position in
the script's list of checks).  Checks that can be decided without running
(a statically unlinkable module, a module that did not compile, an action on
an export that does not exist) carry their result in `Check.static`; the
others become rows of the driver's command table, run in order, each inside
W2C_TRY, each printing one line, flushed:

    PASS <id>
    FAIL <id> <what happened>

The driver takes ids to skip as arguments (run_exec.py re-runs it, skipping
the check during which it crashed).  After the last command it frees every
instance and prints `DONE`.

Values cross the command table as uint64_t: integers as themselves, floats
as their bits, externref N as the host pointer N + 1 (0 is null), funcref
results as 1 for non-null and 0 for null; a v128 takes two slots (bytes 0-7
and 8-15, little-endian), and its expected value is one check per lane
(lane_type of the JSON: i8 ... f64; a float lane may be nan:canonical or
nan:arithmetic), each reading its bits at a slot and shift.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from w2c.emit.gc import GcTypes
from w2c.emit.module import unique_import_keys
from w2c.emit.names import C_TYPES, mangle, result_type
from w2c.emit.results import call_results
from w2c.errors import W2CError
from w2c.module import (
    EXNREF,
    EXT_FUNC,
    EXT_GLOBAL,
    EXT_MEMORY,
    EXT_NAMES,
    EXT_TABLE,
    EXT_TAG,
    EXTERNREF,
    F32,
    F64,
    FUNCREF,
    I32,
    I64,
    TYPE_NAMES,
    V128,
    Export,
    FuncType,
    Import,
    Module,
    type_name,
)
from w2c.valtypes import (
    HT_ANY,
    HT_FUNC,
    HT_NOFUNC,
    erase,
    heap_of,
    is_ref,
    nullable,
    ref_type,
    top_heap,
    type_index,
    val_sub,
)

SUPPORTED_TYPES = (I32, I64, F32, F64, V128, FUNCREF, EXTERNREF, EXNREF)

SPECTEST_UNIT = 0
SPECTEST_NAME = "spectest"

# The spec's trap texts and the runtime's codes (docs/codegen.md).
TRAP_CODES = {
    "unreachable": "W2C_TRAP_UNREACHABLE",
    "integer divide by zero": "W2C_TRAP_INT_DIV_ZERO",
    "integer overflow": "W2C_TRAP_INT_OVERFLOW",
    "invalid conversion to integer": "W2C_TRAP_INVALID_CONVERSION",
    "out of bounds memory access": "W2C_TRAP_OOB_MEMORY",
    "out of bounds table access": "W2C_TRAP_OOB_TABLE",
    "undefined element": "W2C_TRAP_UNDEFINED_ELEMENT",
    "uninitialized element": "W2C_TRAP_UNINITIALIZED_ELEMENT",
    "indirect call type mismatch": "W2C_TRAP_INDIRECT_CALL_TYPE",
    "call stack exhausted": "W2C_TRAP_EXHAUSTION",
    "null function reference": "W2C_TRAP_NULL_FUNCREF",
    "null reference": "W2C_TRAP_NULL_REFERENCE",
    "unaligned atomic": "W2C_TRAP_UNALIGNED_ATOMIC",           # threads
    "expected shared memory": "W2C_TRAP_EXPECTED_SHARED",
    "null structure reference": "W2C_TRAP_NULL_STRUCT",       # gc
    "null array reference": "W2C_TRAP_NULL_ARRAY",
    "null i31 reference": "W2C_TRAP_NULL_I31",
    "out of bounds array access": "W2C_TRAP_OOB_ARRAY",
    "cast failure": "W2C_TRAP_CAST",
    "out of memory": "W2C_TRAP_OUT_OF_MEMORY",
}

# Check kinds.
K_MODULE, K_UNINST, K_UNLINK = "module", "uninstantiable", "unlinkable"
K_ACTION, K_RETURN, K_TRAP, K_EXHAUST = "action", "return", "trap", "exhaustion"
K_EXCEPTION = "exception"
C_KINDS = {K_EXCEPTION: "K_EXCEPTION", K_MODULE: "K_MODULE", K_UNINST: "K_UNINST", K_UNLINK: "K_UNLINK",
           K_ACTION: "K_ACTION", K_RETURN: "K_RETURN", K_TRAP: "K_TRAP",
           K_EXHAUST: "K_EXHAUST"}

# Expected-value kinds (E_*) of the command table.
E_B32, E_B64, E_CANON32, E_CANON64 = "E_B32", "E_B64", "E_CANON32", "E_CANON64"
E_ARITH32, E_ARITH64, E_REF, E_NONNULL = "E_ARITH32", "E_ARITH64", "E_REF", "E_NONNULL"
E_B8, E_B16 = "E_B8", "E_B16"
E_ALT = "E_ALT"     # between the alternatives of an `either` result


class Unsupported(Exception):
    """A command the harness cannot express (the check is skipped)."""


def trap_code(text: str | None) -> str | None:
    """The W2C_TRAP_* constant for a spec trap text.  The spec's texts may
    carry more than the message ("uninitialized element 2"): the message
    must be a prefix of the text."""
    if not text:
        return None
    for msg in sorted(TRAP_CODES, key=len, reverse=True):
        if text.startswith(msg) or msg.startswith(text):
            return TRAP_CODES[msg]
    return None


# --------------------------------------------------------------------------
# Values.
# --------------------------------------------------------------------------

# GC's reference types by the name of the 2.0 type of their C representation.
GC_ERASED = {"anyref": "externref", "eqref": "externref", "i31ref": "externref",
             "structref": "externref", "arrayref": "externref", "nullref": "externref",
             "nullexternref": "externref", "nullfuncref": "funcref"}


def arg_bits(arg: dict) -> int:
    """The uint64_t the command table holds for an argument."""
    t, v = arg["type"], arg.get("value")
    if t in GC_ERASED:
        if v == "null":
            return 0
        if t != "anyref" or v is None or not v.isdigit():
            raise Unsupported(f"a non-null {t} argument")
        return int(v) + 1   # (ref.host N): a host reference, boxed by the caller
    if t in ("i32", "f32"):
        return int(v) & 0xFFFFFFFF
    if t in ("i64", "f64"):
        return int(v) & 0xFFFFFFFFFFFFFFFF
    if t == "externref":
        return 0 if v == "null" else int(v) + 1
    if t == "funcref":
        if v == "null":
            return 0
        raise Unsupported("a non-null funcref argument")
    raise Unsupported(f"arguments of type {t}")


def slots(t: int) -> int:
    """The uint64_t slots a value of type t takes in the command table."""
    return 2 if t == V128 else 1


def _lane_width(exp: dict) -> int:
    lt = exp.get("lane_type", "")
    if lt[1:] not in ("8", "16", "32", "64") or len(exp["value"]) * int(lt[1:]) != 128:
        raise Unsupported(f"v128 lanes {lt!r}")
    return int(lt[1:])


def arg_words(arg: dict) -> list[int]:
    """The uint64_t slots of an argument: one, or two for a v128."""
    if arg["type"] != "v128":
        return [arg_bits(arg)]
    w = _lane_width(arg)
    v = 0
    for k, lane in enumerate(arg["value"]):
        v |= (int(lane) & ((1 << w) - 1)) << (k * w)
    return [v & 0xFFFFFFFFFFFFFFFF, v >> 64]


def expected_lanes(exp: dict) -> list[tuple[str, int, int, int]]:
    """(E_* kind, bits, slot, shift) of each check of one expected result:
    one for a scalar (slot 0, shift 0), one per lane for a v128."""
    if exp["type"] != "v128":
        return [expected_value(exp) + (0, 0)]
    w = _lane_width(exp)
    out = []
    for k, lane in enumerate(exp["value"]):
        bit = k * w
        if exp["lane_type"][0] == "f":
            kind, bits = expected_value({"type": exp["lane_type"], "value": lane})
        else:
            kind = {8: E_B8, 16: E_B16, 32: E_B32, 64: E_B64}[w]
            bits = int(lane) & ((1 << w) - 1)
        out.append((kind, bits, bit // 64, bit % 64))
    return out


def expected_value(exp: dict) -> tuple[str, int]:
    """(E_* kind, bits) for one expected scalar result."""
    t, v = exp["type"], exp.get("value")
    if v is None and t in ("nullref", "nullfuncref", "nullexternref", "nullexnref", "refnull"):
        return E_REF, 0           # the bottom types' one value
    if v is None and (t in ("funcref", "externref") or t in GC_ERASED):
        return E_NONNULL, 0       # (ref.func), (ref.struct) ...: any non-null reference
    if v is None:
        raise Unsupported(f"an expected {t} without a value")
    if t in ("f32", "f64"):
        w = t[1:]
        if v == "nan:canonical":
            return (E_CANON32 if w == "32" else E_CANON64), 0
        if v == "nan:arithmetic":
            return (E_ARITH32 if w == "32" else E_ARITH64), 0
        return (E_B32 if w == "32" else E_B64), int(v)
    if t == "i32":
        return E_B32, int(v) & 0xFFFFFFFF
    if t == "i64":
        return E_B64, int(v) & 0xFFFFFFFFFFFFFFFF
    if t == "externref":
        return E_REF, 0 if v == "null" else int(v) + 1
    if t in GC_ERASED and t != "nullfuncref":
        return (E_REF, 0) if v == "null" else (E_NONNULL, 0)
    if t in ("funcref", "exnref", "nullfuncref"):
        return (E_REF, 0) if v == "null" else (E_NONNULL, 0)
    raise Unsupported(f"results of type {t}")


def describe_expected(exp: list[dict]) -> str:
    return "(" + ", ".join(f"{e['type']}:{_show(e)}" for e in exp) + ")"


def _show(e: dict) -> str:
    v = e.get("value")
    if isinstance(v, list):
        return e.get("lane_type", "?") + "[" + " ".join(map(str, v)) + "]"
    if v is None or not v.isdigit():
        return str(v)
    if e["type"] in ("i32", "f32"):
        return f"0x{int(v) & 0xFFFFFFFF:x}"
    if e["type"] in ("i64", "f64"):
        return f"0x{int(v):x}"
    return v


def c_u64(v: int) -> str:
    return f"0x{v:x}u" if v <= 0xFFFFFFFF else f"(uint64_t)0x{v:x}ull"


# --------------------------------------------------------------------------
# The plan.
# --------------------------------------------------------------------------

@dataclass
class Link:
    """One import of a unit, resolved to the export of a provider unit."""
    imp: Import
    provider: int
    export: Export


@dataclass
class Unit:
    """One module instantiation: compiled as m<index>."""
    index: int
    wasm: Path
    module: Module
    line: int                           # wast line (0 for spectest)
    command: str                        # module / assert_unlinkable / ... / spectest
    links: list[Link] = field(default_factory=list)
    link_error: str | None = None       # static unlinkability: "unknown import: ..."
    providers: list[int] = field(default_factory=list)
    error: str | None = None            # set by the build: compile failed, ...

    @property
    def prefix(self) -> str:
        return f"m{self.index}"

    def exports(self) -> dict[str, Export]:
        return {e.name: e for e in self.module.exports}


@dataclass
class Caller:
    """A C function `void <name>(const uint64_t *a, uint64_t *r)` invoking
    export `field` of unit `unit` (or reading it, for `get`)."""
    name: str
    unit: int
    field: str
    kind: str                   # "invoke" | "get"
    params: tuple[int, ...]
    results: tuple[int, ...]
    boxed: tuple[bool, ...] = ()   # GC: params of the any hierarchy (host refs boxed)


@dataclass
class Check:
    id: int
    line: int
    ident: str                  # "line", or "line#n" for the n-th check on a line
    command: str                # the JSON command type
    kind: str                   # K_*
    unit: int | None            # the module's unit, or the instance an action targets
    caller: str | None = None
    args: list[int] = field(default_factory=list)
    expected: list[tuple[str, int, int, int]] = field(default_factory=list)  # expected_lanes
    expected_text: str = ""     # for messages
    trap: str | None = None     # W2C_TRAP_* for trap/exhaustion/uninstantiable
    text: str | None = None     # the spec's text
    static: tuple[str, str] | None = None   # ("pass"|"fail"|"skip", reason)

    @property
    def runs(self) -> bool:
        return self.static is None


@dataclass
class Plan:
    units: list[Unit]           # index = unit number; units[0] is spectest or None
    checks: list[Check]
    callers: dict[tuple, Caller]

    def unit(self, i: int) -> Unit:
        return self.units[i]

    def compiled_units(self) -> list[Unit]:
        """Units that must be compiled: all except statically unlinkable
        ones, spectest only if some unit links to it."""
        used = {p for u in self.units if u is not None and u.link_error is None
                for p in u.providers}
        out = []
        for u in self.units:
            if u is None or u.link_error is not None:
                continue
            if u.index == SPECTEST_UNIT and SPECTEST_UNIT not in used:
                continue
            out.append(u)
        return out


def _func_type(module: Module, index: int) -> FuncType:
    return module.types[module.func_types()[index]]


def _extern_type(module: Module, export: Export):
    if export.kind == EXT_FUNC:
        return _func_type(module, export.index)
    if export.kind == EXT_TABLE:
        return module.all_tables()[export.index]
    if export.kind == EXT_MEMORY:
        return module.all_mems()[export.index]
    if export.kind == EXT_TAG:
        return module.types[module.all_tags()[export.index]]
    return module.all_globals()[export.index]


def resolve_imports(unit: Unit, units: list[Unit], registry: dict[str, int]) -> None:
    """Fill unit.links / providers, or unit.link_error with the spec's text
    ("unknown import" / "incompatible import type") and a detail."""
    m = unit.module
    for imp in m.imports:
        what = f"{imp.module!r}.{imp.name!r}"
        prov = registry.get(imp.module)
        exp = units[prov].exports().get(imp.name) if prov is not None else None
        if exp is None:
            unit.link_error = f"unknown import: {what}"
            return
        pm = units[prov].module
        if exp.kind != imp.kind:
            unit.link_error = (f"incompatible import type: {what} is a "
                               f"{EXT_NAMES[exp.kind]}, imported as {EXT_NAMES[imp.kind]}")
            return
        have = _extern_type(pm, exp)
        if imp.kind == EXT_FUNC and (m.subtypes is not None or pm.subtypes is not None):
            # GC: the export's type or a declared supertype of it is the
            # import's, by iso-recursive identity
            if not _iso_sub(pm, pm.func_types()[exp.index], m, imp.desc):
                unit.link_error = (f"incompatible import type: {what} is {have}, imported as "
                                   f"{m.types[imp.desc]}")
                return
        elif imp.kind == EXT_FUNC:
            want = m.types[imp.desc]
            if _func_key(m, want) != _func_key(pm, have):
                unit.link_error = f"incompatible import type: {what} is {have}, imported as {want}"
                return
        elif imp.kind == EXT_GLOBAL:
            if imp.desc.mutable != have.mutable or not (
                    _xsub(pm, have.type, m, imp.desc.type) if not have.mutable
                    else _key(pm, have.type) == _key(m, imp.desc.type)):
                unit.link_error = (f"incompatible import type: global {what} is "
                                   f"{_global_text(have)}, imported as {_global_text(imp.desc)}")
                return
        elif imp.kind == EXT_TAG:
            want = m.types[imp.desc]
            gc = m.subtypes is not None or pm.subtypes is not None
            if want != have or gc and not _iso_sub(pm, pm.all_tags()[exp.index], m, imp.desc,
                                                   exact=True):
                unit.link_error = f"incompatible import type: tag {what} is {have}, imported as {want}"
                return
        elif imp.kind == EXT_TABLE:
            if _key(m, imp.desc.elem) != _key(pm, have.elem):
                unit.link_error = (f"incompatible import type: table {what} holds "
                                   f"{type_name(have.elem)}, imported as {type_name(imp.desc.elem)}")
                return
        # Memory and table limits depend on the provider's current size: the
        # generated instantiate checks them (W2C_ERR_IMPORT).
        unit.links.append(Link(imp, prov, exp))
        if prov not in unit.providers:
            unit.providers.append(prov)


_ISO: dict[int, tuple[Module, GcTypes]] = {}


def _iso_key(m: Module, x: int) -> object:
    """Type x of module m by iso-recursive identity (comparable across modules)."""
    got = _ISO.get(id(m))
    if got is None or got[0] is not m:
        got = _ISO[id(m)] = (m, GcTypes(m, "m"))
    return got[1].iso_key(x)


def _iso_sub(m1: Module, x1: int, m2: Module, x2: int, exact: bool = False) -> bool:
    """Type x1 of m1 is type x2 of m2 or (unless exact) declared below it."""
    want = _iso_key(m2, x2)
    while x1 >= 0:
        if _iso_key(m1, x1) == want:
            return True
        supers = m1.subtypes[x1].supers if m1.subtypes is not None and not exact else ()
        x1 = supers[0] if supers else -1
    return False


def _key(m: Module, t: int, depth: int = 0):
    """A value type of module m in a form comparable across modules: a
    concrete reference as the structure of its type (typed references)."""
    x = type_index(heap_of(t)) if is_ref(t) else None
    if x is None:
        return t
    if depth > 8 or x >= len(m.types):     # (a type naming itself)
        return ("rec", nullable(t))
    return (nullable(t), _func_key(m, m.types[x], depth + 1))


def _func_key(m: Module, ft: FuncType, depth: int = 0):
    return (tuple(_key(m, t, depth) for t in ft.params),
            tuple(_key(m, t, depth) for t in ft.results))


def _xsub(m1: Module, t1: int, m2: Module, t2: int) -> bool:
    """t1 of m1 <: t2 of m2."""
    if _key(m1, t1) == _key(m2, t2):
        return True
    if not (is_ref(t1) and is_ref(t2)) or nullable(t1) and not nullable(t2):
        return False
    h1, h2 = heap_of(t1), heap_of(t2)
    if type_index(h1) is not None:
        if type_index(h2) is not None:
            return _key(m1, ref_type(h1, True)) == _key(m2, ref_type(h2, True))
        return h2 == HT_FUNC
    return type_index(h2) is None and val_sub(t1, t2, []) or h1 == HT_NOFUNC


def _global_text(gt) -> str:
    t = type_name(gt.type)
    return f"(mut {t})" if gt.mutable else t


def build_plan(script, spectest_wasm: Path | None, features=None) -> Plan:
    """Walk the script's commands: units, links, checks, callers."""
    from w2c.errors import W2CError
    from w2c.parse import decode_module

    features = features if features is not None else script.suite.make_features()
    units: list[Unit | None] = [None]
    registry: dict[str, int] = {}
    if spectest_wasm is not None:
        # spectest has a 64-bit table (table64; in the threads suite a second
        # memory): decoded with memory64 and multi-memory on,
        # whatever the suite's features (run_exec.compile_wasm: SPECTEST_FLAGS).
        host = type(features)(set(features.enabled) | {"memory64", "multi-memory"})
        units[0] = Unit(0, spectest_wasm, decode_module(spectest_wasm.read_bytes(), host),
                        0, "spectest")
        registry[SPECTEST_NAME] = 0
    named: dict[str, int] = {}
    current: int | None = None
    # Why a module that did not decode is missing: later actions on it and
    # imports from it say so ("module of line 12 does not decode: ...").
    lost: dict[str | None, str] = {}
    # `module definition $M`: its bytes and decoded module, for `module instance`.
    definitions: dict[str, tuple[Path, Module]] = {}
    checks: list[Check] = []
    callers: dict[tuple, Caller] = {}
    seen_lines: dict[int, int] = {}

    def new_check(cmd, kind: str, unit: int | None) -> Check:
        n = seen_lines.get(cmd.line, 0)
        seen_lines[cmd.line] = n + 1
        ident = str(cmd.line) if n == 0 else f"{cmd.line}#{n}"
        c = Check(len(checks), cmd.line, ident, cmd.type, kind, unit, text=cmd.text)
        checks.append(c)
        return c

    for cmd in script.commands:
        t = cmd.type
        if t in ("assert_malformed", "assert_invalid"):
            continue    # the decode harness checks these
        if t == "register":
            src = named.get(cmd.name) if cmd.name else current
            if src is not None:
                registry[cmd.data["as"]] = src
            elif (cmd.name or None) in lost:
                registry.pop(cmd.data["as"], None)
                lost[f"register:{cmd.data['as']}"] = lost[cmd.name or None]
            continue
        if t == "module_definition" or (t == "module" and cmd.data.get("definition")):
            # Wasm 3.0's `module definition`: valid, never instantiated by
            # itself (wast2json marks the module, wasm-tools has a command).
            c = new_check(cmd, K_MODULE, None)
            if cmd.module_type != "binary":
                c.static = ("skip", "text module (module quote)")
                continue
            try:
                defined = decode_module(cmd.module_bytes(), features)
                c.static = ("pass", "module definition: decodes and validates")
                if cmd.name:
                    definitions[cmd.name] = (cmd.module_path, defined)
            except W2CError as e:
                c.static = ("fail", f"does not decode: {e}")
                if cmd.name:
                    lost[cmd.name] = f"the module definition of line {cmd.line} " \
                                     f"does not decode: {e}"
            continue
        if t in ("instance", "module_instance"):
            # `module instance $I $M`: another instance of a definition, run
            # as a unit of its own (the same bytes compiled under a new prefix).
            source = cmd.data.get("definition") or cmd.data.get("module")
            if source not in definitions:
                c = new_check(cmd, K_MODULE, None)
                why = lost.get(source)
                c.static = ("fail", "no module definition to instantiate"
                            + (f": {why}" if why else ""))
                if why and cmd.data.get("instance"):
                    lost[cmd.data["instance"]] = why
                continue
            path, defined = definitions[source]
            unit = Unit(len(units), path, defined, cmd.line, "module")
            units.append(unit)
            resolve_imports(unit, units, registry)
            _explain_unknown_import(unit, lost)
            c = new_check(cmd, K_MODULE, unit.index)
            if unit.link_error is not None:
                c.static = ("fail", f"does not link: {unit.link_error}")
            current = unit.index
            if cmd.data.get("instance"):
                named[cmd.data["instance"]] = unit.index
            continue
        if t == "module" or (cmd.filename and t in ("assert_uninstantiable",
                                                    "assert_unlinkable", "assert_trap")):
            kind = {"module": K_MODULE, "assert_unlinkable": K_UNLINK}.get(t, K_UNINST)
            if t == "module":
                lost.pop(None, None)
            if cmd.module_type != "binary":
                c = new_check(cmd, kind, None)
                c.static = ("skip", "text module (module quote)")
                if t == "module":
                    current = None
                continue
            try:
                module = decode_module(cmd.module_bytes(), features)
            except W2CError as e:
                c = new_check(cmd, kind, None)
                c.static = ("fail", f"does not decode: {e}")
                if t == "module":
                    current = None
                    lost[None] = f"the module of line {cmd.line} does not decode: {e}"
                    if cmd.name:
                        named.pop(cmd.name, None)
                        lost[cmd.name] = lost[None]
                continue
            unit = Unit(len(units), cmd.module_path, module, cmd.line, t)
            units.append(unit)
            resolve_imports(unit, units, registry)
            _explain_unknown_import(unit, lost)
            c = new_check(cmd, kind, unit.index)
            if t == "module":
                current = unit.index
                if cmd.name:
                    named[cmd.name] = unit.index
            if kind == K_UNLINK:
                if unit.link_error is not None:
                    want = cmd.text or ""
                    if unit.link_error.startswith(want):
                        c.static = ("pass", unit.link_error)
                    else:
                        c.static = ("fail", f"unlinkable for another reason: {unit.link_error}")
            elif unit.link_error is not None:
                c.static = ("fail", f"does not link: {unit.link_error}")
            if kind == K_UNINST and c.static is None:
                c.trap = trap_code(cmd.text)
                if c.trap is None:
                    c.static = ("skip", f"unknown trap text {cmd.text!r}")
            continue
        if t in ("action", "assert_return", "assert_trap", "assert_exhaustion",
                 "assert_exception"):
            kind = {"action": K_ACTION, "assert_return": K_RETURN, "assert_trap": K_TRAP,
                    "assert_exhaustion": K_EXHAUST, "assert_exception": K_EXCEPTION}[t]
            act = cmd.action
            target = named.get(act["module"]) if act.get("module") else current
            c = new_check(cmd, kind, target)
            try:
                _plan_action(c, cmd, act, target, units, callers)
            except Unsupported as e:
                c.static = ("skip", f"unsupported: {e}")
            why = lost.get(act.get("module"))
            if target is None and why and c.static and c.static[0] == "fail":
                c.static = ("fail", f"{c.static[1]}: {why}")
            continue
        # Anything else (assert_return with `either`, ...) is unknown here.
        c = new_check(cmd, K_ACTION, None)
        act = cmd.action or {}
        why = lost.get(act.get("module")) if act.get("module") or current is None else None
        c.static = ("skip", f"unsupported command {t}" + (f"; {why}" if why else ""))
    return Plan(units, checks, callers)


def _explain_unknown_import(unit: Unit, lost: dict) -> None:
    """An import from a name that a module which did not decode was
    registered under: the link error says why that module is missing."""
    if unit.link_error and unit.link_error.startswith("unknown import"):
        for imp in unit.module.imports:
            why = lost.get(f"register:{imp.module}")
            if why and f"{imp.module!r}." in unit.link_error:
                unit.link_error += f" ({why})"
                return


def _plan_action(c: Check, cmd, act: dict, target: int | None, units, callers) -> None:
    if target is None:
        c.static = ("fail", "no module to act on")
        return
    unit = units[target]
    if unit.link_error is not None:
        c.static = ("fail", f"module m{target} (line {unit.line}) does not link: "
                            f"{unit.link_error}")
        return
    name = act["field"]
    exp = unit.exports().get(name)
    atype = act["type"]
    if atype not in ("invoke", "get"):
        raise Unsupported(f"action {atype}")
    want_kind = EXT_FUNC if atype == "invoke" else EXT_GLOBAL
    if exp is None or exp.kind != want_kind:
        c.static = ("fail", f"m{target} has no {EXT_NAMES[want_kind]} export {name!r}")
        return
    if atype == "invoke":
        ft = _func_type(unit.module, exp.index)
        # (typed references: the C representation of their 2.0 type)
        try:
            canon = unit.module.type_canon()
            boxed = tuple(is_ref(t) and top_heap(heap_of(t), canon) == HT_ANY
                          for t in ft.params)
            params = tuple(erase(t, canon) for t in ft.params)
            results = tuple(erase(t, canon) for t in ft.results)
        except W2CError as e:    # GC's any hierarchy has no C representation yet
            raise Unsupported(str(e)) from None
        args = act.get("args", [])
        if [GC_ERASED.get(a["type"], a["type"]) for a in args] != \
                [TYPE_NAMES[p] for p in params]:
            c.static = ("fail", f"arguments {[a['type'] for a in args]} do not match {ft}")
            return
        c.args = [w for a in args for w in arg_words(a)]
    else:
        boxed = ()
        params, results = (), (erase(unit.module.all_globals()[exp.index].type,
                                     unit.module.type_canon()),)
    for ty in params + results:
        if ty not in SUPPORTED_TYPES:
            raise Unsupported(f"values of type {TYPE_NAMES.get(ty, ty)}")
    key = (target, name, atype)
    if key not in callers:
        callers[key] = Caller(f"call_{len(callers)}", target, name, atype,
                              tuple(params), tuple(results), boxed)
    c.caller = callers[key].name
    if c.kind == K_RETURN:
        either = cmd.data.get("either")
        if either is not None:      # relaxed SIMD: one result, any of these values
            if len(results) != 1:
                raise Unsupported("either with several results")
            for n, e in enumerate(either):
                c.expected += ([(E_ALT, 0, 0, 0)] if n else []) + expected_lanes(e)
            c.expected_text = " or ".join(describe_expected([e]) for e in either)
            return
        exps = cmd.expected or []
        if len(exps) != len(results):
            c.static = ("fail", f"{len(exps)} expected results, the export has {len(results)}")
            return
        base = 0
        for e, t in zip(exps, results):
            c.expected += [(k, b, base + slot, shift) for k, b, slot, shift in expected_lanes(e)]
            base += slots(t)
        c.expected_text = describe_expected(exps)
    elif c.kind in (K_TRAP, K_EXHAUST):
        c.trap = trap_code(cmd.text)
        if c.trap is None:
            raise Unsupported(f"trap text {cmd.text!r}")


# --------------------------------------------------------------------------
# The driver's C.
# --------------------------------------------------------------------------

DRIVER_SUPPORT = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_MODULE, K_UNINST, K_UNLINK, K_ACTION, K_RETURN, K_TRAP, K_EXHAUST, K_EXCEPTION };
/* An exception escaped the call (runtime_c/w2c_exn.h, if a module uses exceptions). */
#ifdef W2C_EXN_H
#define DRV_EXN_PENDING() w2c_exn_pending()
#define DRV_EXN_CLEAR() w2c_exn_clear()
#define DRV_EXN_FREE() w2c_exn_free_refs()
#else
#define DRV_EXN_FREE() ((void)0)
#define DRV_EXN_PENDING() 0
#define DRV_EXN_CLEAR() ((void)0)
#endif
enum { E_B32, E_B64, E_CANON32, E_CANON64, E_ARITH32, E_ARITH64, E_REF, E_NONNULL, E_B8, E_B16,
       E_ALT };
/* instantiate functions return this when a provider is not instantiated */
#define DRV_NOT_READY (-1000)

/* an expected value: its bits are r[slot] >> shift */
typedef struct drv_exp { int kind; uint64_t bits; int slot, shift; } drv_exp;
typedef void (*drv_call)(const uint64_t *a, uint64_t *r);
typedef int (*drv_inst)(void);
typedef struct drv_cmd {
  int id, line, kind, unit;
  drv_inst inst;
  drv_call call;
  int nargs, aoff, nexp, eoff;
  int trap;
} drv_cmd;

static const w2c_funcref drv_fnull;
static float drv_f32(uint32_t b) { float f; memcpy(&f, &b, sizeof f); return f; }
static double drv_f64(uint64_t b) { double d; memcpy(&d, &b, sizeof d); return d; }
static uint64_t drv_f32b(float f) { uint32_t b; memcpy(&b, &f, sizeof b); return b; }
static uint64_t drv_f64b(double d) { uint64_t b; memcpy(&b, &d, sizeof b); return b; }
static w2c_externref drv_ext(uint64_t v) { return (w2c_externref)(uintptr_t)v; }
static uint64_t drv_extb(w2c_externref e) { return (uint64_t)(uintptr_t)e; }
static uint64_t drv_fnb(w2c_funcref f) { return f.func != NULL; }

static int drv_match(const drv_exp *e, uint64_t got) {
  switch (e->kind) {
  case E_B8: return (uint8_t)got == (uint8_t)e->bits;
  case E_B16: return (uint16_t)got == (uint16_t)e->bits;
  case E_B32: return (uint32_t)got == (uint32_t)e->bits;
  case E_B64: case E_REF: return got == e->bits;
  case E_CANON32: return ((uint32_t)got & 0x7fffffffu) == 0x7fc00000u;
  case E_CANON64: return (got & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
  case E_ARITH32: return ((uint32_t)got & 0x7fc00000u) == 0x7fc00000u;
  case E_ARITH64: return (got & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
  case E_NONNULL: return got != 0;
  }
  return 0;
}

static const char *drv_trap_text(int code) {
  if (code > 0) return w2c_trap_message((w2c_trap)code);
  if (code == W2C_ERR_IMPORT) return "import mismatch (W2C_ERR_IMPORT)";
  if (code == W2C_ERR_ALLOC) return "allocation failed (W2C_ERR_ALLOC)";
  if (code == DRV_NOT_READY) return "a provider module is not instantiated";
  return "?";
}

static void drv_pass(const drv_cmd *c) { printf("PASS %d\n", c->id); fflush(stdout); }
static void drv_fail(const drv_cmd *c, const char *what, int code) {
  printf("FAIL %d %s %d (%s)\n", c->id, what, code, drv_trap_text(code));
  fflush(stdout);
}

/* W2C_TRY_STMT (plain C99) rather than W2C_TRY (a GNU statement expression).
   A GC module's frames left on the shadow stack by a trap are dropped. */
#ifdef W2C_GC_H
#define DRV_GC_SAVE w2c_gc_frame *gc_top = w2c_gc_frames_save();
#define DRV_GC_RESTORE w2c_gc_frames_restore(gc_top);
#else
#define DRV_GC_SAVE
#define DRV_GC_RESTORE
#endif
static w2c_trap drv_try_call(drv_call f, const uint64_t *a, uint64_t *r) {
  w2c_trap code;
  DRV_GC_SAVE
  W2C_TRY_STMT(code, f(a, r));
  DRV_GC_RESTORE
  return code;
}
static w2c_trap drv_try_inst(drv_inst f, int *rc) {
  w2c_trap code;
  DRV_GC_SAVE
  W2C_TRY_STMT(code, *rc = f());
  DRV_GC_RESTORE
  return code;
}
"""

DRIVER_RUN = r"""
static void drv_run(const drv_cmd *c) {
  uint64_t r[DRV_MAX_RESULTS + 1];
  int rc = 0, i, ok = 1, any = 0, nslots = 0, exc;
  w2c_trap t;
  memset(r, 0, sizeof r);
  if (c->kind == K_MODULE || c->kind == K_UNINST || c->kind == K_UNLINK) {
    drv_tried[c->unit] = 1;
    t = drv_try_inst(c->inst, &rc);
    DRV_EXN_CLEAR();
    if (t) rc = (int)t;
    if (c->kind == K_MODULE) {
      if (rc == 0) { drv_ok[c->unit] = 1; drv_pass(c); }
      else drv_fail(c, "instantiate returned", rc);
    } else if (c->kind == K_UNINST) {
      if (rc == c->trap) drv_pass(c);
      else drv_fail(c, rc == 0 ? "instantiated; returned" : "instantiate returned", rc);
    } else {
      if (rc == W2C_ERR_IMPORT) drv_pass(c);
      else drv_fail(c, rc == 0 ? "linked and instantiated; returned" : "instantiate returned", rc);
    }
    return;
  }
  if (!drv_ok[c->unit]) { drv_fail(c, "module not instantiated:", DRV_NOT_READY); return; }
  t = drv_try_call(c->call, drv_args + c->aoff, r);
  exc = t == 0 && DRV_EXN_PENDING();
  DRV_EXN_CLEAR();
  if (c->kind == K_EXCEPTION) {
    if (exc) drv_pass(c);
    else if (t) drv_fail(c, "trapped", (int)t);
    else drv_fail(c, "returned without an exception;", 0);
    return;
  }
  if (exc) { drv_fail(c, "uncaught exception;", 0); return; }
  if (c->kind == K_ACTION) {
    if (t == 0) drv_pass(c); else drv_fail(c, "trapped", (int)t);
  } else if (c->kind == K_RETURN) {
    if (t != 0) { drv_fail(c, "trapped", (int)t); return; }
    /* the checks of one alternative must all match (E_ALT separates them) */
    for (i = 0; i < c->nexp; i++) {
      const drv_exp *e = &drv_exps[c->eoff + i];
      if (e->kind == E_ALT) { any |= ok; ok = 1; continue; }
      if (e->slot >= nslots) nslots = e->slot + 1;
      if (ok && !drv_match(e, r[e->slot] >> e->shift)) ok = 0;
    }
    if (ok || any) { drv_pass(c); return; }
    printf("FAIL %d got (", c->id);
    for (i = 0; i < nslots; i++)
      printf("%s0x%llx", i ? ", " : "", (unsigned long long)r[i]);
    printf(")\n");
    fflush(stdout);
  } else {
    if (t == c->trap) drv_pass(c);
    else if (t == 0) drv_fail(c, "returned without trapping;", 0);
    else drv_fail(c, "trapped with", (int)t);
  }
}

int main(int argc, char **argv) {
  static unsigned char skip[DRV_MAX_ID + 1];
  int i;
  for (i = 1; i < argc; i++) {
    long k = strtol(argv[i], NULL, 10);
    if (k >= 0 && k <= DRV_MAX_ID) skip[k] = 1;
  }
  (void)drv_fnull;
  drv_setup();
  for (i = 0; i < (int)(sizeof drv_cmds / sizeof drv_cmds[0]); i++)
    if (drv_cmds[i].id >= 0 && !skip[drv_cmds[i].id]) drv_run(&drv_cmds[i]);
  drv_teardown();
  printf("DONE\n");
  fflush(stdout);
  return 0;
}
"""


def _arg_expr(t: int, i: int) -> str:
    return {I32: f"(uint32_t)a[{i}]", I64: f"a[{i}]", F32: f"drv_f32((uint32_t)a[{i}])",
            F64: f"drv_f64(a[{i}])", V128: f"w2c_v128_const(a[{i}], a[{i + 1}])",
            EXTERNREF: f"drv_ext(a[{i}])", FUNCREF: "drv_fnull", EXNREF: "NULL"}[t]


def _res_store(t: int, i: int, e: str) -> str:
    """The statement storing result `e` of type t at slot i of r."""
    if t == V128:
        return (f"{{ w2c_v128 v_ = {e}; r[{i}] = w2c_i64x2_extract_lane(v_, 0); "
                f"r[{i + 1}] = w2c_i64x2_extract_lane(v_, 1); }}")
    return f"r[{i}] = {_res_expr(t, e)};"


def _res_expr(t: int, e: str) -> str:
    return {I32: f"(uint64_t){e}", I64: e, F32: f"drv_f32b({e})", F64: f"drv_f64b({e})",
            EXTERNREF: f"drv_extb({e})", FUNCREF: f"drv_fnb({e})",
            EXNREF: f"(uint64_t)({e} != NULL)"}[t]


def _offsets(types) -> list[int]:
    """The first slot of each value of `types`."""
    out, k = [], 0
    for t in types:
        out.append(k)
        k += slots(t)
    return out


def _caller_c(c: Caller) -> str:
    p = f"m{c.unit}"
    x = f"{p}_x_{mangle(c.field)}"
    lines = [f"/* {c.kind} {c.field!r} of m{c.unit} */",
             f"static void {c.name}(const uint64_t *a, uint64_t *r) {{"]
    if c.kind == "get":
        lines.append("  " + _res_store(c.results[0], 0, f"(*{x}(&inst{c.unit}))"))
        lines.append("  (void)a;")
    else:
        boxed = c.boxed or (False,) * len(c.params)
        args = "".join(", " + (f"w2c_gc_any_convert_extern({_arg_expr(t, i)})" if b
                               else _arg_expr(t, i))
                       for i, t, b in zip(_offsets(c.params), c.params, boxed))
        call = f"{x}(&inst{c.unit}{args})"
        ft = FuncType(tuple(c.params), tuple(c.results))
        res = _offsets(c.results)
        lines += ["  " + line for line in
                  call_results(ft, call, lambda i, t, e: _res_store(t, res[i], e))]
        if not c.params:
            lines.append("  (void)a;")
        if not c.results:
            lines.append("  (void)r;")
    lines.append("}")
    return "\n".join(lines)


def _glue_c(unit: Unit, link: Link, key: str) -> str:
    """The definition of imported function m<N>_i_<key> (key: the import's
    unique_import_keys entry, <mod>__<name>[__<index>])."""
    ft = unit.module.types[link.imp.desc]
    ret = result_type(ft)
    params = "".join(f", {C_TYPES[t]} a{i}" for i, t in enumerate(ft.params))
    args = "".join(f", a{i}" for i in range(len(ft.params)))
    name = f"m{unit.index}_i_{key}"
    target = f"m{link.provider}_x_{mangle(link.export.name)}((m{link.provider}_instance *)ctx{args})"
    body = f"{target};" if ret == "void" else f"return {target};"
    return f"{ret} {name}(void *ctx{params}) {{\n  {body}\n}}"


IMPORT_FIELD_RE = re.compile(r"\b(ctx|mem|table|global|tag)_([A-Za-z0-9_]+)\s*;")


def header_import_fields(header_text: str, prefix: str) -> set[str] | None:
    """Fields of `<prefix>_imports` in a generated header, or None if the
    header has no such struct."""
    m = re.search(r"typedef\s+struct\s+" + re.escape(prefix) + r"_imports\s*\{(.*?)\}\s*"
                  + re.escape(prefix) + r"_imports\s*;", header_text, re.S)
    if not m:
        return None
    return {f"{k}_{v}" for k, v in IMPORT_FIELD_RE.findall(m.group(1))}


def _instantiate_c(unit: Unit, fields: set[str] | None) -> str:
    p = unit.prefix
    lines = [f"/* line {unit.line}: {unit.command} {unit.wasm.name} */",
             f"static int inst_{unit.index}(void) {{"]
    if not unit.module.imports:
        lines.append(f"  return {p}_instantiate(&inst{unit.index}, NULL);")
        lines.append("}")
        return "\n".join(lines)
    cond = " || ".join(f"!drv_ok[{k}]" for k in unit.providers)
    lines.append(f"  {p}_imports im;")
    if cond:
        lines.append(f"  if ({cond}) return DRV_NOT_READY;")
    lines.append("  memset(&im, 0, sizeof im);")
    done = set()
    # the imports struct's member of each import (a name imported twice with
    # other limits, as several memories can be, has its own member)
    keys = dict(zip(map(id, unit.module.imports), unique_import_keys(unit.module)))
    for link in unit.links:
        mm = mangle(link.imp.module)
        k = link.provider
        ctx = f"ctx_{mm}"
        if ctx not in done and (fields is None or ctx in fields):
            done.add(ctx)
            lines.append(f"  im.{ctx} = &inst{k};")
        kind = {EXT_MEMORY: "mem", EXT_TABLE: "table", EXT_GLOBAL: "global",
                EXT_TAG: "tag"}.get(link.imp.kind)
        if kind is None:
            continue
        fname = f"{kind}_{keys[id(link.imp)]}"
        if fname in done:
            continue
        done.add(fname)
        lines.append(f"  im.{fname} = m{k}_x_{mangle(link.export.name)}(&inst{k});")
    lines.append(f"  return {p}_instantiate(&inst{unit.index}, &im);")
    lines.append("}")
    return "\n".join(lines)


# Marks the C that belongs to one unit, so that a compile error in driver.c
# can be pinned on a unit (run_exec.py then leaves the unit out).
UNIT_MARK = "/* @unit "
_MARK_RE = re.compile(r"^/\* @unit (\d+) \*/$")


def unit_at_line(driver_text: str, line: int) -> int | None:
    """The unit whose code is at `line` (1-based) of driver.c, if any."""
    lines = driver_text.splitlines()
    for i in range(min(line, len(lines)) - 1, -1, -1):
        m = _MARK_RE.match(lines[i])
        if m:
            return int(m.group(1))
        if lines[i].startswith("static const uint64_t drv_args"):
            return None
    return None


def available_units(plan: Plan, compiled: set[int]) -> set[int]:
    """Units that compiled and whose providers are all available."""
    out: set[int] = set()
    for u in plan.units:   # providers always come before their importers
        if u is None or u.index not in compiled or u.link_error is not None:
            continue
        if all(p in out for p in u.providers):
            out.add(u.index)
    return out


def finalize_static(plan: Plan, available: set[int]) -> None:
    """Give a static failure to every check that needs a unit that is not
    available (did not compile, or a provider did not)."""
    for c in plan.checks:
        if c.static is not None or c.unit is None or c.unit in available:
            continue
        u = plan.units[c.unit]
        why = u.error or next((plan.units[p].error and f"provider m{p}: {plan.units[p].error}"
                               for p in u.providers if p not in available), None) \
            or "not available"
        if c.kind in (K_MODULE, K_UNINST, K_UNLINK):
            c.static = ("fail", f"m{u.index} not built: {why}")
        else:
            c.static = ("fail", f"module m{u.index} (line {u.line}) not built: {why}")


def generate_driver(plan: Plan, available: set[int], title: str = "",
                    headers: dict[int, str] | None = None) -> str:
    """driver.c for the checks that run (static ones are left out) over the
    `available` units.  `headers` maps unit -> text of its m<N>.h, used to
    see which fields its imports struct has (optional)."""
    headers = headers or {}
    out = [f"/* Spec test driver for {title}, generated by tests/spec/driver.py. */"]
    units = [u for u in plan.units if u is not None and u.index in available]
    for u in units:
        out.append(f'#include "{u.prefix}.h"')
    out.append(DRIVER_SUPPORT)
    nunits = len(plan.units)
    out.append(f"#define DRV_NUNITS {nunits}")
    out.append("static unsigned char drv_ok[DRV_NUNITS], drv_tried[DRV_NUNITS];")
    for u in units:
        out.append(f"static {u.prefix}_instance inst{u.index};")
    out.append("")
    # Glue for imported functions.
    for u in units:
        seen = set()
        # a name imported again with another type is another C function
        keys = dict(zip(map(id, u.module.imports), unique_import_keys(u.module)))
        for link in u.links:
            if link.imp.kind != EXT_FUNC:
                continue
            key = keys[id(link.imp)]
            if key in seen:
                continue
            seen.add(key)
            out.append(f"{UNIT_MARK}{u.index} */\n" + _glue_c(u, link, key))
    # Instantiation functions.
    for u in units:
        out.append(f"{UNIT_MARK}{u.index} */")
        out.append(_instantiate_c(u, header_import_fields(headers[u.index], u.prefix)
                                  if u.index in headers else None))
    # Callers.
    running = [c for c in plan.checks if c.runs]
    used_callers = {c.caller for c in running if c.caller}
    max_results = 1
    for cl in plan.callers.values():
        if cl.name in used_callers:
            out.append(f"{UNIT_MARK}{cl.unit} */\n" + _caller_c(cl))
            max_results = max(max_results, sum(map(slots, cl.results)))
    # Tables.
    args, exps, rows = [], [], []
    for c in running:
        aoff, eoff = len(args), len(exps)
        args += c.args
        exps += c.expected
        inst = f"inst_{c.unit}" if c.kind in (K_MODULE, K_UNINST, K_UNLINK) else "0"
        call = c.caller or "0"
        rows.append(f"  {{{c.id}, {c.line}, {C_KINDS[c.kind]}, {c.unit}, {inst}, {call}, "
                    f"{len(c.args)}, {aoff}, {len(c.expected)}, {eoff}, {c.trap or 0}}},")
    out.append(f"#define DRV_MAX_RESULTS {max_results}")
    out.append(f"#define DRV_MAX_ID {max((c.id for c in plan.checks), default=0)}")
    out.append("static const uint64_t drv_args[] = {" +
               (", ".join(c_u64(a) for a in args) if args else "0") + "};")
    out.append("static const drv_exp drv_exps[] = {" +
               (", ".join(f"{{{k}, {c_u64(b)}, {s}, {sh}}}" for k, b, s, sh in exps)
                if exps else "{0, 0, 0, 0}") + "};")
    out.append("static const drv_cmd drv_cmds[] = {")
    out += rows if rows else ["  {-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},"]
    out.append("};")
    # Setup (spectest) and teardown.
    out.append("static void drv_setup(void) {")
    if SPECTEST_UNIT in available:
        out.append("  int rc = 0;")
        out.append("  w2c_trap t = drv_try_inst(inst_0, &rc);")
        out.append("  drv_tried[0] = 1;")
        out.append("  if (t == 0 && rc == 0) drv_ok[0] = 1;")
        out.append('  else { printf("# spectest: instantiate returned %d\\n", t ? (int)t : rc); '
                   'fflush(stdout); }')
    out.append("}")
    out.append("static void drv_teardown(void) {")
    for u in reversed(units):
        out.append(f"  if (drv_tried[{u.index}]) {u.prefix}_free(&inst{u.index});")
    out.append("  DRV_EXN_FREE();")
    out.append("}")
    out.append(DRIVER_RUN)
    return "\n".join(out) + "\n"
