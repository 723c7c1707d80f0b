"""Feature flags in WABT's style (--enable-<name>, --disable-<name>, --enable-all).

The decoder and validator consult a Features object; the names are those of
WABT so users can carry their command lines over.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# name -> (enabled by default, description).  Defaults are WebAssembly 2.0.
FEATURES: dict[str, tuple[bool, str]] = {
    "mutable-globals": (True, "import/export mutable globals"),
    "sat-float-to-int": (True, "saturating float-to-int operators"),
    "sign-extension": (True, "sign-extension operators"),
    "simd": (True, "128-bit SIMD"),
    "relaxed-simd": (False, "relaxed SIMD (results the target's instructions give)"),
    "multi-value": (True, "multi-value blocks and functions"),
    "bulk-memory": (True, "bulk memory operations"),
    "reference-types": (True, "reference types (externref, several tables)"),
    "tail-call": (False, "tail calls (return_call, return_call_indirect)"),
    "multi-memory": (False, "several memories"),
    "memory64": (False, "64-bit memories and tables"),
    "exceptions": (False, "exception handling (tags, try_table, throw, legacy try)"),
    "threads": (False, "threads and atomics (not yet supported)"),
    "extended-const": (False, "extended constant expressions"),
    "custom-page-sizes": (False, "custom page sizes"),
    "wide-arithmetic": (False, "128-bit add/sub and 64x64->128 multiplies"),
}

# Features w2c can decode and validate completely when enabled.
IMPLEMENTED = {n for n in FEATURES} - {"threads"}


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

    @staticmethod
    def _check(name: str) -> None:
        if name not in FEATURES:
            raise ValueError(f"unknown feature: {name}")
