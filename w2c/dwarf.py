"""DWARF line tables of a module (read by the emitter for `w2c compile -g`).

clang -g and rustc -g put DWARF in custom sections named `.debug_line`,
`.debug_str` and `.debug_line_str`.  This reads the line number programs
of `.debug_line` (DWARF versions 2 to 5, 32-bit format, as LLVM writes for
wasm32) into a `LineTable`: code offsets (relative to the start of the Code
section's contents, as addresses in wasm DWARF are) mapped to (file,
line).  Bad or unsupported DWARF is not an error of the module: it gives
no line table (`None`), and the emitter falls back to the text dump.
"""
from __future__ import annotations

import bisect
import os
import struct

from w2c.module import Module

__all__ = ["LineTable", "DwarfError", "line_table", "read_line_table"]

# Forms of the DWARF 5 directory and file entries.
_FORM_STRING, _FORM_LINE_STRP, _FORM_STRP = 0x08, 0x1F, 0x0E
_FORM_UDATA, _FORM_BLOCK = 0x0F, 0x09
_FIXED = {0x0B: 1, 0x05: 2, 0x06: 4, 0x07: 8, 0x1E: 16}   # data1, data2, data4, data8, data16
_LNCT_PATH, _LNCT_DIR = 1, 2
_TOMBSTONES = (0xFFFFFFFF, 0xFFFFFFFE)   # addresses lld gives functions it discarded


class DwarfError(Exception):
    """Malformed or unsupported DWARF."""


class LineTable:
    """Rows of the line programs: `at(offset)` gives the (file, line) of the
    row with the greatest address <= offset, or None outside every sequence."""

    def __init__(self, rows: list[tuple[int, tuple[str, int] | None]]) -> None:
        # Stable: of the rows at an address the last wins, and a sequence's
        # start wins over another's end.
        rows = sorted(rows, key=lambda r: (r[0], r[1] is not None))
        self.addrs: list[int] = []
        self.entries: list[tuple[str, int] | None] = []
        for addr, entry in rows:
            if self.addrs and self.addrs[-1] == addr:
                self.entries[-1] = entry
            else:
                self.addrs.append(addr)
                self.entries.append(entry)

    def at(self, offset: int) -> tuple[str, int] | None:
        i = bisect.bisect_right(self.addrs, offset) - 1
        return self.entries[i] if i >= 0 else None

    def __len__(self) -> int:
        return len(self.addrs)


class _Reader:
    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def fixed(self, n: int) -> int:
        if self.pos + n > len(self.data):
            raise DwarfError("unexpected end")
        v = int.from_bytes(self.data[self.pos:self.pos + n], "little")
        self.pos += n
        return v

    def sfixed1(self) -> int:
        return struct.unpack("b", bytes([self.fixed(1)]))[0]

    def uleb(self) -> int:
        result = shift = 0
        while True:
            b = self.fixed(1)
            result |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return result

    def sleb(self) -> int:
        result = shift = 0
        while True:
            b = self.fixed(1)
            result |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return result - (1 << shift) if b & 0x40 else result

    def cstr(self) -> str:
        end = self.data.find(b"\0", self.pos)
        if end < 0:
            raise DwarfError("unterminated string")
        s = self.data[self.pos:end].decode("utf-8", "replace")
        self.pos = end + 1
        return s


def _strp(section: bytes, offset: int) -> str:
    return _Reader(section, offset).cstr()


def _entries_v5(r: _Reader, strs: dict[str, bytes]) -> list[dict[int, object]]:
    """Directory or file entries of a DWARF 5 header: content type -> value."""
    formats = [(r.uleb(), r.uleb()) for _ in range(r.fixed(1))]
    entries = []
    for _ in range(r.uleb()):
        entry: dict[int, object] = {}
        for lnct, form in formats:
            if form == _FORM_STRING:
                value: object = r.cstr()
            elif form == _FORM_LINE_STRP:
                value = _strp(strs[".debug_line_str"], r.fixed(4))
            elif form == _FORM_STRP:
                value = _strp(strs[".debug_str"], r.fixed(4))
            elif form == _FORM_UDATA:
                value = r.uleb()
            elif form == _FORM_BLOCK:
                n = r.uleb()
                r.pos += n
                value = None
            elif form in _FIXED:
                value = r.fixed(_FIXED[form])
            else:
                raise DwarfError(f"unsupported form 0x{form:x} in a line table header")
            entry[lnct] = value
        entries.append(entry)
    return entries


def _join(directory: str, name: str) -> str:
    return name if not directory or os.path.isabs(name) else directory.rstrip("/") + "/" + name


def _files(r: _Reader, version: int, strs: dict[str, bytes]) -> list[str | None]:
    """File names by the program's file register (DWARF 5 counts from 0, earlier from 1)."""
    if version >= 5:
        dirs = [str(e.get(_LNCT_PATH, "")) for e in _entries_v5(r, strs)]
        files: list[str | None] = []
        for e in _entries_v5(r, strs):
            d = e.get(_LNCT_DIR, 0)
            directory = dirs[d] if isinstance(d, int) and d < len(dirs) else ""
            files.append(_join(directory, str(e.get(_LNCT_PATH, ""))))
        return files
    dirs = [""]
    while (d := r.cstr()):
        dirs.append(d)
    files = [None]
    while (name := r.cstr()):
        d = r.uleb()
        r.uleb()
        r.uleb()
        files.append(_join(dirs[d] if d < len(dirs) else "", name))
    return files


def _unit(r: _Reader, strs: dict[str, bytes], rows: list) -> None:
    """One line number program, its rows appended to `rows`."""
    length = r.fixed(4)
    if length >= 0xFFFFFFF0:
        raise DwarfError("64-bit DWARF is not supported")
    end = r.pos + length
    version = r.fixed(2)
    if not 2 <= version <= 5:
        raise DwarfError(f"unsupported .debug_line version {version}")
    addr_size = 4
    if version >= 5:
        addr_size = r.fixed(1)
        r.fixed(1)                                  # segment selector size
    header_length = r.fixed(4)
    program = r.pos + header_length
    min_inst = r.fixed(1)
    if version >= 4:
        r.fixed(1)                                  # maximum operations per instruction
    default_is_stmt = r.fixed(1)
    line_base = r.sfixed1()
    line_range = r.fixed(1)
    opcode_base = r.fixed(1)
    if line_range == 0:
        raise DwarfError("line_range is 0")
    lengths = [0] + [r.fixed(1) for _ in range(opcode_base - 1)]
    files = _files(r, version, strs)
    r.pos = program
    first_file = 1
    address, file, line, is_stmt = 0, first_file, 1, default_is_stmt
    seq: list[tuple[int, tuple[str, int] | None]] = []

    def row() -> None:
        name = files[file] if 0 <= file < len(files) else None
        if is_stmt and line > 0 and name:
            seq.append((address, (name, line)))

    while r.pos < end:
        op = r.fixed(1)
        if op >= opcode_base:
            adjusted = op - opcode_base
            address += (adjusted // line_range) * min_inst
            line += line_base + adjusted % line_range
            row()
        elif op == 0:
            n = r.uleb()
            after = r.pos + n
            sub = r.fixed(1) if n else 0
            if sub == 1:                            # end_sequence
                if seq and seq[0][0] not in _TOMBSTONES:
                    rows.extend(seq)
                    rows.append((address, None))
                seq = []
                address, file, line, is_stmt = 0, first_file, 1, default_is_stmt
            elif sub == 2:
                address = r.fixed(addr_size)
            r.pos = after
        elif op == 1:
            row()
        elif op == 2:
            address += r.uleb() * min_inst
        elif op == 3:
            line += r.sleb()
        elif op == 4:
            file = r.uleb()
        elif op == 6:
            is_stmt = not is_stmt
        elif op == 8:
            address += ((255 - opcode_base) // line_range) * min_inst
        elif op == 9:
            address += r.fixed(2)
        else:                                       # set_column, set_isa, ...: skip operands
            for _ in range(lengths[op]):
                r.uleb()
    r.pos = end


def read_line_table(sections: dict[str, bytes]) -> LineTable | None:
    """The line table of the DWARF sections given by name, or None without `.debug_line`."""
    data = sections.get(".debug_line")
    if data is None:
        return None
    strs = {name: sections.get(name, b"") for name in (".debug_str", ".debug_line_str")}
    r = _Reader(data)
    rows: list[tuple[int, tuple[str, int] | None]] = []
    try:
        while r.pos < len(data):
            _unit(r, strs, rows)
    except (DwarfError, IndexError, KeyError):
        return None
    return LineTable(rows) if rows else None


def line_table(module: Module) -> LineTable | None:
    """The line table of a decoded module's `.debug_*` custom sections, if any."""
    sections = {}
    for s in module.sections:
        if s.id == 0 and s.name.startswith(".debug_"):
            r = _Reader(module.data, s.content)
            n = r.uleb()
            sections[s.name] = module.data[r.pos + n:s.content + s.size]   # past the name
    return read_line_table(sections)


def code_start(module: Module) -> int:
    """Offset in the module of the Code section's contents (DWARF addresses count from there)."""
    for s in module.sections:
        if s.id == 10:
            return s.content
    return 0
