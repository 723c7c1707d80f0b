"""Feature flags in WABT's style (--enable-<name>, --disable-<name>, --enable-all).

The decoder and validator consult a Features object; the names are those of
WABT so users can carry their command lines over.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# name -> (enabled by default, description).  Defaults are WebAssembly 2.0
# plus the features of Wasm 3.0 that w2c implements (WASM3_DEFAULTS), as
# wasmtime does.
FEATURES: dict[str, tuple[bool, str]] = {
    "mutable-globals": (True, "import/export mutable globals"),
    "sat-float-to-int": (True, "saturating float-to-int operators"),
    "sign-extension": (True, "sign-extension operators"),
    "simd": (True, "128-bit SIMD"),
    "relaxed-simd": (True, "relaxed SIMD (results the target's instructions give)"),
    "multi-value": (True, "multi-value blocks and functions"),
    "bulk-memory": (True, "bulk memory operations"),
    "reference-types": (True, "reference types (externref, several tables)"),
    "tail-call": (True, "tail calls (return_call, return_call_indirect)"),
    "multi-memory": (True, "several memories"),
    "memory64": (True, "64-bit memories and tables"),
    "exceptions": (True, "exception handling (tags, try_table, throw, legacy try)"),
    "function-references": (True, "typed function references (call_ref, (ref $t), ...)"),
    "gc": (True, "garbage collection: struct, array and i31 types, casts, a precise "
                 "collector in the runtime"),
    "threads": (False, "threads and atomics (shared memories, wait/notify)"),
    "extended-const": (True, "extended constant expressions"),
    "custom-page-sizes": (False, "custom page sizes"),
    "wide-arithmetic": (False, "128-bit add/sub and 64x64->128 multiplies"),
}

# The features of WABT's set that are part of Wasm 3.0.
WASM3 = frozenset({"tail-call", "extended-const", "multi-memory", "relaxed-simd",
                   "memory64", "exceptions", "function-references", "gc"})
# Those on by default: the ones w2c supports fully.  custom-page-sizes and
# wide-arithmetic are not Wasm 3.0 and stay off.
WASM3_DEFAULTS = frozenset(n for n in WASM3 if FEATURES[n][0])

# Features w2c can decode and validate completely when enabled.
IMPLEMENTED = set(FEATURES)


@dataclass
class Features:
    enabled: set[str] = field(
        default_factory=lambda: {n for n, (on, _) in FEATURES.items() if on})

    def __contains__(self, name: str) -> bool:
        return name in self.enabled

    def enable(self, name: str) -> None:
        self._check(name)
        self.enabled.add(name)

    def disable(self, name: str) -> None:
        self._check(name)
        self.enabled.discard(name)

    @classmethod
    def all(cls) -> Features:
        return cls(set(FEATURES))

    @classmethod
    def wasm2(cls) -> Features:
        """WebAssembly 2.0: the defaults without the Wasm 3.0 features."""
        return cls({n for n, (on, _) in FEATURES.items() if on} - WASM3)

    @staticmethod
    def _check(name: str) -> None:
        if name not in FEATURES:
            raise ValueError(f"unknown feature: {name}")
