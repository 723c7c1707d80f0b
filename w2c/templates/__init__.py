"""Jinja2 templates of the C emitter (the skeleton of every output file).

The template files live beside this file and ship in the wheel as package
data (`w2c.resources.templates_dir()`).  `env()` is the one Jinja
environment every stage renders them with: w2c.emit (the module's files),
w2c.emit.wasi (the WASI glue) and w2c.program (main() of a program).
`c_comment` and `c_string` make any text safe in the C they write.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from w2c.resources import templates_dir

if TYPE_CHECKING:
    import jinja2

_ENV: jinja2.Environment | None = None


def c_comment(text: str) -> str:
    """Text safe inside a C block comment (and in any source character set)."""
    safe = "".join(c if 32 <= ord(c) < 127 else "?" for c in text)
    return safe.replace("*/", "*_/")


def c_string(text: str) -> str:
    """A C string literal of `text`'s UTF-8 bytes: printable ASCII as is,
    any other byte, `"`, `\\` and `?` (no trigraph) as an octal escape (three
    digits, so no digit after an escape can extend it)."""
    out = []
    for b in text.encode("utf-8"):
        ch = chr(b)
        if ch in '"\\?' or b < 0x20 or b >= 0x7F:
            out.append(f"\\{b:03o}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def env() -> jinja2.Environment:
    """The environment, made on first use (strict: an unknown name is an error)."""
    global _ENV
    if _ENV is None:
        # Imported here: jinja2 costs every command 20-50 ms of CPU at start-up,
        # and `w2c validate` / `info` render no template (see w2c/cli.py _LAZY).
        import jinja2  # noqa: PLC0415 (the reason is above)
        _ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())),
                                  keep_trailing_newline=True, trim_blocks=True,
                                  lstrip_blocks=True, undefined=jinja2.StrictUndefined)
        _ENV.filters["c_comment"] = c_comment
    return _ENV
