"""The front door of the pipeline: a module's bytes in, one Translation out.

    open_module(data, features, bodies=False, target=None) -> Translation

decodes the module (w2c.parse.decode), validates its module-level fields
(w2c.parse.validate) and, with bodies=True, every function body, and loads
the target profile if one is named.  Every command starts here, once: `w2c
validate` and `w2c info` (bodies=True), `w2c compile`, `build` and `run`
(whose emitter validates each body as it translates it).  The later stages
take the Translation: w2c.emit.compile_module, w2c.program.build_program, and
the -j worker processes of w2c.emit.translate, which receive its decoded
module, validation context and constant-table analysis (pickled) and never
decode the module again.

Errors come out in the spec interpreter's order (a malformed body outranks
a validation error): w2c.parse.order.decode_errors_first, used here, by
the decoder and by the emitter.
"""
from __future__ import annotations

from dataclasses import dataclass

from w2c.features import Features
from w2c.module import Module
from w2c.parse.decode import decode_module
from w2c.parse.order import decode_errors_first
from w2c.parse.validate import validate_bodies, validate_module_fields
from w2c.parse.validate_func import Context
from w2c.target import Target, load_target


@dataclass
class Translation:
    """One module on its way through the pipeline, decoded and checked once."""

    module: Module                 # decoded module-level sections (bodies stay as CodeEntry)
    features: Features
    ctx: Context                   # the validation context of the module's fields
    target: Target | None = None   # the target profile, if the command names one
    # {table: initial function indices} of the tables emitted as constant
    # arrays (w2c.emit.tables); filled by the emitter on first use, then
    # shared with its worker processes.
    const_tables: dict[int, list[int]] | None = None

    @property
    def data(self) -> bytes:
        return self.module.data


def open_module(data: bytes, features: Features | None = None, *, bodies: bool = False,
                target: str | Target | None = None) -> Translation:
    """Decode `data` and validate its fields (and, with bodies, every function
    body); raises w2c.errors.W2CError for a bad module, BuildError for an
    unknown target."""
    features = features or Features()
    profile = load_target(target) if isinstance(target, str) else target
    module = decode_module(data, features)
    with decode_errors_first(module, features):
        ctx = validate_module_fields(module, features)
        if bodies:
            validate_bodies(module, ctx, features)
    return Translation(module, features, ctx, profile)


__all__ = ["Translation", "open_module"]
