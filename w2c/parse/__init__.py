"""Decoder and validator of the WebAssembly binary format.

    decode_module(data)           -> Module  (module-level sections; bodies stay as CodeEntry)
    validate_module(module)       -> None    (module-level rules and every function body,
                                              one body at a time)
    check_module(data)            -> Module  (both, what `w2c validate` runs)

Everything raises w2c.errors.W2CError subclasses whose messages start with
the spec interpreter's wording.
"""
from __future__ import annotations

from w2c.features import Features
from w2c.module import Module
from w2c.parse.decode import decode_module as _decode
from w2c.parse.validate import validate_module as _validate


def decode_module(data: bytes, features: Features | None = None) -> Module:
    return _decode(data, features or Features())


def validate_module(module: Module, features: Features | None = None) -> None:
    _validate(module, features or Features())


def check_module(data: bytes, features: Features | None = None) -> Module:
    features = features or Features()
    module = decode_module(data, features)
    validate_module(module, features)
    return module
