"""Which error a bad module reports (decoder and validator, and the emitter
that validates as it translates): the one the spec interpreter would.

The interpreter decodes the whole module, function bodies included, before
it validates anything, so a malformed body outranks every validation error
and every decode error after the code section.  w2c decodes bodies later,
one at a time (streaming), so when such an error comes first here the
bodies are decoded (and nothing else done with them) to look for a
malformed one, which is reported instead.  `decode_errors_first` is the
only place that applies this rule.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from w2c.errors import DecodeError, ValidationError, W2CError
from w2c.features import Features
from w2c.module import SEC_CODE, Module
from w2c.parse.code import decode_body, skip_body


@contextmanager
def decode_errors_first(m: Module, features: Features, decoding: bool = False) -> Iterator[None]:
    """Re-raise an error of the `with` block as the spec interpreter orders
    them: a ValidationError, or (`decoding`: while the module-level sections
    are decoded) a DecodeError at or after the code section's contents,
    gives way to the first malformed body.  Outside `decoding`, decode errors
    come from bodies read in index order: already the first."""
    try:
        yield
    except ValidationError:
        check_bodies_decode(m, features)
        raise
    except DecodeError as e:
        if decoding and _after_code(m, e):
            check_bodies_decode(m, features)
        raise


def _after_code(m: Module, e: DecodeError) -> bool:
    code = [s for s in m.sections if s.id == SEC_CODE]
    return bool(code) and e.offset is not None and e.offset >= code[0].content


def check_bodies_decode(m: Module, features: Features) -> None:
    """Raise the first decode error of any body, if there is one."""
    for i in range(len(m.codes)):
        try:
            skip_body(decode_body(m, i, features), features, m)
        except DecodeError as e:
            locate_func(e, m, m.num_imported_funcs + i)
            raise


def locate_func(e: W2CError, m: Module, index: int) -> None:
    """Name function `index` as the place of `e`, unless it names one already."""
    if e.func is None:
        e.func = index
        e.func_name = m.names.funcs.get(index)
