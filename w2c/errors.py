"""Errors of every pipeline stage, and how they are shown to the user.

A W2CError's message starts with the WebAssembly spec interpreter's wording
("type mismatch", "unexpected end", ...) so tests and users can match it by
prefix; location (file offset, function) is kept apart and added by format().
"""
from __future__ import annotations


class W2CError(Exception):
    """A bad module: decoding or validation failed."""

    kind = "error"

    def __init__(self, message: str, offset: int | None = None,
                 func: int | None = None, func_name: str | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.func = func
        self.func_name = func_name

    def format(self, filename: str | None = None) -> str:
        """`FILE:0xOFFSET: in func N ($name): message` (parts omitted when unknown)."""
        where = []
        loc = filename or ""
        if self.offset is not None:
            loc += f":0x{self.offset:x}" if loc else f"0x{self.offset:x}"
        if loc:
            where.append(loc)
        if self.func is not None:
            f = f"in func {self.func}"
            if self.func_name:
                f += f" (${self.func_name})"
            where.append(f)
        return ": ".join(where + [self.message])

    def __str__(self) -> str:
        return self.format()


class DecodeError(W2CError):
    """The module is malformed (spec: assert_malformed)."""


class ValidationError(W2CError):
    """The module is well-formed but invalid (spec: assert_invalid)."""


class UnsupportedFeature(DecodeError):
    """The module uses a proposal that is not enabled."""

    def __init__(self, feature: str, offset: int | None = None):
        super().__init__(f"unsupported feature: {feature}", offset)
        self.feature = feature
