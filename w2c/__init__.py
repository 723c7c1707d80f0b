"""w2c: an ahead-of-time WebAssembly-to-C compiler.

Pipeline: decode (w2c.parse.decode) -> validate (w2c.parse.validate) ->
name -> emit (w2c.emit).  Each stage is a function over the plain dataclasses
of w2c.module.

The Python API (w2c.api, docs/api.md) is available from the package:

    import w2c
    w2c.validate("m.wasm")
    w2c.compile("m.wasm", "out/m.c")

Its names are loaded on first use (PEP 562), so that `import w2c` and the
command line's start-up do not pay for the whole pipeline.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

_API = ("validate", "info", "compile", "build", "check_host", "host_stubs", "load",
        "read_source", "features_of", "count_host_imports", "InputError", "list_outputs",
        "executable", "run_command", "run", "targets", "target_info", "target_info_text",
        "toolchains", "cmake_dir", "make_include")
_ERRORS = {"Error": ("w2c.errors", "W2CError"), "TextError": ("w2c.wat", "TextError"),
           "OutputError": ("w2c.outputs", "OutputError"),
           "BuildError": ("w2c.target", "BuildError"),
           "OptionError": ("w2c.target", "OptionError"),
           "Features": ("w2c.features", "Features")}

__all__ = ["__version__", *_API, *_ERRORS]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module("w2c.api"), name)
    if name in _ERRORS:
        module, attr = _ERRORS[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'w2c' has no attribute {name!r}")
