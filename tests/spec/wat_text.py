"""The text of a .wast script's modules, for running the spec harness on
w2c's text-format input (w2c/wat.py): given the line wast2json gives a
command, the `(module ...)` S-expression that starts there, as it is
written in the script.  Only plain text modules are returned: `module
binary`, `module quote`, `module definition` and `module instance` forms
are None (they keep the converter's binary)."""
from __future__ import annotations

import re

_NOT_TEXT = {"binary", "quote", "definition", "instance"}
_ID = re.compile(r"\$[^\s()\";]+")


def _skip_blank(text: str, i: int) -> int:
    """Past whitespace and comments (`;; ...` and nested `(; ... ;)`)."""
    while i < len(text):
        if text[i].isspace():
            i += 1
        elif text.startswith(";;", i):
            j = text.find("\n", i)
            i = len(text) if j < 0 else j + 1
        elif text.startswith("(;", i):
            depth, i = 1, i + 2
            while i < len(text) and depth:
                if text.startswith("(;", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith(";)", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        else:
            return i
    return i


def _closing(text: str, start: int) -> int:
    """Index just past the parenthesis closing the one at `start`."""
    depth, i = 0, start
    while i < len(text):
        if text.startswith(";;", i) or text.startswith("(;", i):
            i = _skip_blank(text, i)
            continue
        c = text[i]
        if c == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced parentheses")


def module_text(wast_text: str, line: int) -> str | None:
    """The text module whose command starts on `line` (1-based), or None."""
    offsets = [0] + [m.end() for m in re.finditer("\n", wast_text)]
    if not 1 <= line <= len(offsets):
        return None
    at = wast_text.find("(module", offsets[line - 1])
    if at < 0 or wast_text[at + 7:at + 8] not in (" ", "\n", "\t", ")", "\r", ";"):
        return None
    i = _skip_blank(wast_text, at + 7)
    m = _ID.match(wast_text, i)
    if m:
        i = _skip_blank(wast_text, m.end())
    word = re.match(r"[a-z]+", wast_text[i:])
    if word and word.group() in _NOT_TEXT:
        return None
    return wast_text[at:_closing(wast_text, at)]
