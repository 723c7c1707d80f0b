"""v128 in the differential test (tests/emit/difftest.py): what lets smith's
SIMD modules through the wasmtime Python API, which has no v128 values (its
ValType aborts the interpreter on v128).

* `wrap_exports` rewrites a module's text (as `wasm-tools print` writes it)
  so that no export has v128 in its type: an exported function with v128
  params or results is exported instead through a wrapper taking and
  returning each v128 as two i64 (lane 0 of i64x2 first), whose export name
  is the original one plus MARKER and the original signature's letters
  (`f#w2c-v128:vi:v` for (param v128 i32) (result v128)); a v128 global is
  not exported (add_observer hashes what is stored in it instead).
  `view_types` reads the original signature back from the name, so both
  sides print the call's values as v128 (`v128:` and 32 hex digits, the
  128-bit value with lane 0 in the low bits).
* `normalize_v128` / OBSERVE_V128: NaN lanes made canonical, per lane.  A
  v128's lane shape is not known where it is printed or hashed, so both
  shapes are applied: a 64-bit half that is an f64 NaN becomes the f64
  canonical NaN, otherwise each 32-bit lane that is an f32 NaN becomes the
  f32 canonical NaN.  Both sides apply the same function to the bits, so
  it can hide a difference only between two NaN patterns.
"""
from __future__ import annotations

import re

MARKER = "#w2c-v128:"
LETTERS = {"i32": "i", "i64": "j", "f32": "f", "f64": "d", "v128": "v",
           "funcref": "r", "externref": "e"}
_TYPES = {v: k for k, v in LETTERS.items()}

F32_CANON, F64_CANON = 0x7FC00000, 0x7FF8000000000000

_FUNC_RE = re.compile(r"^\s*\(func \(;(\d+);\)(.*)$")
_GLOBAL_RE = re.compile(r"^\s*\(global \(;(\d+);\) (?:\(mut )?v128")
_EXPORT_RE = re.compile(r'^(\s*)\(export "(.*)" \((func|global) (\d+)\)\)\s*$')
_SIG_RE = re.compile(r"\((param|result) ([^()]*)\)")


def wire(types) -> tuple[str, ...]:
    """The types as the wrapper passes them: each v128 as two i64."""
    out: list[str] = []
    for t in types:
        out += ["i64", "i64"] if t == "v128" else [t]
    return tuple(out)


def view_types(name: str, params: tuple, results: tuple) -> tuple[tuple, tuple]:
    """The original (params, results) of an export named by wrap_exports;
    other exports' types unchanged."""
    _, marker, sig = name.rpartition(MARKER)
    if not marker:
        return params, results
    p, _, r = sig.partition(":")
    return tuple(_TYPES[c] for c in p), tuple(_TYPES[c] for c in r)


def v128_globals(lines: list[str]) -> set[int]:
    return {int(m.group(1)) for m in map(_GLOBAL_RE.match, lines) if m}


def _signatures(lines: list[str]) -> dict[int, tuple[list[str], list[str]]]:
    sigs = {}
    for line in lines:
        m = _FUNC_RE.match(line)
        if m:
            p: list[str] = []
            r: list[str] = []
            for kind, names in _SIG_RE.findall(m.group(2)):
                (p if kind == "param" else r).extend(names.split())
            sigs[int(m.group(1))] = (p, r)
    return sigs


def _wrapper(index: int, callee: int, params: list[str], results: list[str]) -> list[str]:
    wp, wr = wire(params), wire(results)
    head = f"  (func (;{index};)"
    if wp:
        head += f" (param {' '.join(wp)})"
    if wr:
        head += f" (result {' '.join(wr)})"
    body = [head]
    if results:
        body.append(f"    (local {' '.join(results)})")
    k = 0
    for t in params:
        if t == "v128":
            body += [f"    local.get {k}", "    i64x2.splat", f"    local.get {k + 1}",
                     "    i64x2.replace_lane 1"]
            k += 2
        else:
            body.append(f"    local.get {k}")
            k += 1
    body.append(f"    call {callee}")
    first = len(wp)
    body += [f"    local.set {first + i}" for i in reversed(range(len(results)))]
    for i, t in enumerate(results):
        if t == "v128":
            body += [f"    local.get {first + i}", "    i64x2.extract_lane 0",
                     f"    local.get {first + i}", "    i64x2.extract_lane 1"]
        else:
            body.append(f"    local.get {first + i}")
    return body + ["  )"]


def wrap_exports(lines: list[str]) -> tuple[list[str], list[str]]:
    """(the module's lines with exports of v128 types rewritten, the wrapper
    functions' lines to add to the module after its functions)."""
    sigs = _signatures(lines)
    vglobals = v128_globals(lines)
    nfuncs = len(sigs)
    out, wrappers = [], []
    for line in lines:
        m = _EXPORT_RE.match(line)
        if m and m.group(3) == "global" and int(m.group(4)) in vglobals:
            continue
        if m and m.group(3) == "func":
            params, results = sigs[int(m.group(4))]
            if "v128" in params or "v128" in results:
                index = nfuncs + len(wrappers)
                sig = "".join(LETTERS[t] for t in params) + ":" + "".join(LETTERS[t] for t in results)
                wrappers.append(_wrapper(index, int(m.group(4)), params, results))
                line = f'{m.group(1)}(export "{m.group(2)}{MARKER}{sig}" (func {index}))'
        out.append(line)
    return out, [w for body in wrappers for w in body]


# The value at `{get}` (a v128) as the i64 of each half, NaN lanes canonical
# (as normalize_v128): two sequences for add_observer's _TO_I64.
_CANON = [
    f"v128.const i32x4 {F32_CANON:#x} {F32_CANON:#x} {F32_CANON:#x} {F32_CANON:#x}",
    "{get}", "{get}", "{get}", "f32x4.ne", "v128.bitselect",
    f"v128.const i64x2 {F64_CANON:#x} {F64_CANON:#x}",
    "{get}", "{get}", "f64x2.eq", "v128.bitselect",
]
OBSERVE_V128 = [_CANON + ["i64x2.extract_lane 0"], _CANON + ["i64x2.extract_lane 1"]]


def _nan32(b: int) -> bool:
    return (b & 0x7F800000) == 0x7F800000 and (b & 0x7FFFFF) != 0


def _nan64(b: int) -> bool:
    return (b & 0x7FF0000000000000) == 0x7FF0000000000000 and (b & ((1 << 52) - 1)) != 0


def normalize_v128(bits: int) -> int:
    """`bits` with NaN lanes canonical (f64 halves first, then f32 lanes)."""
    out = 0
    for half in range(2):
        h = (bits >> (64 * half)) & ((1 << 64) - 1)
        if _nan64(h):
            h = F64_CANON
        else:
            lanes = [(h >> (32 * i)) & 0xFFFFFFFF for i in range(2)]
            h = sum((F32_CANON if _nan32(v) else v) << (32 * i) for i, v in enumerate(lanes))
        out |= h << (64 * half)
    return out


def split(bits: int) -> tuple[int, int]:
    """(lo, hi): the v128's i64x2 lanes as unsigned integers."""
    return bits & ((1 << 64) - 1), bits >> 64


def join(lo: int, hi: int) -> int:
    return (lo & ((1 << 64) - 1)) | ((hi & ((1 << 64) - 1)) << 64)
