"""Source lines for `w2c compile -g` (emitter, beside w2c.emit.body).

With -g every function body's C carries `#line` directives, so that gdb,
addr2line and compiler messages name a source line: the original C or Rust
line from the module's DWARF line table (w2c.dwarf) where it has one, else
the line of the instruction in a text dump of the module (`OUT.w2c.txt`,
written beside the C: one instruction per line with its function and
offset).  `SourceLines.annotate` wraps a body's instruction stream and adds
a directive to the body's lines before each instruction whose line differs
from the previous one, so body.py is not changed for it; a function's C is
followed by RESTORE, which w2c.emit.write replaces by a directive naming the
generated file and its real line.  `SourceLines.where` names a function for
the trap messages (W2C_FUNC_ENTER / W2C_FUNC_LEAVE lines, runtime_c/w2c_trap.h).
Without -g none of this runs, and the C with -g is the C without it plus
`#line` lines and those two.
"""
from __future__ import annotations

from collections.abc import Iterator

from w2c.dwarf import LineTable, code_start, line_table
from w2c.features import Features
from w2c.module import EXT_FUNC, Module
from w2c.opcodes import Op
from w2c.parse.code import body_instructions, decode_body
from w2c.templates import c_string

__all__ = ["DUMP_SUFFIX", "RESTORE", "SourceLines", "directive", "pin", "source_lines"]

DUMP_SUFFIX = ".w2c.txt"                 # OUT.c -> OUT.w2c.txt
RESTORE = '#line 0 "w2c:restore"\n'     # replaced by w2c.emit.write


def directive(file: str, line: int) -> str:
    return f"#line {line} {c_string(file)}"


class SourceLines:
    """(file, line) by module offset: from a DWARF line table (offsets
    relative to the Code section's contents) or from the text dump's lines."""

    def __init__(self, table: LineTable | None, base: int,
                 dump: tuple[str, dict[int, int]] | None = None,
                 exported: dict[int, str] | None = None) -> None:
        self.table = table
        self.base = base
        self.dump = dump
        self.exported = exported or {}   # function index -> its first export name

    def where(self, module: Module, index: int) -> str:
        """How a trap names function `index` (W2C_FUNC_ENTER, runtime_c/w2c_trap.h):
        `func 12 ($inflate)` by the name section, else `func 12 (export "inflate")`."""
        name = module.names.funcs.get(index)
        if name is not None:
            return f"func {index} (${name})"
        export = self.exported.get(index)
        return f'func {index} (export "{export}")' if export is not None else f"func {index}"

    def at(self, offset: int) -> tuple[str, int] | None:
        if self.table is not None:
            return self.table.at(offset - self.base)
        assert self.dump is not None
        name, lines = self.dump
        line = lines.get(offset)
        return (name, line) if line is not None else None

    def annotate(self, instrs: Iterator[tuple], lines: list) -> Iterator[tuple]:
        """`instrs`, appending a directive to `lines` before each instruction
        that starts another source line."""
        prev = None
        at = self.at
        for ins in instrs:
            loc = at(ins[0])
            if loc is not None and loc != prev:
                lines.append(directive(*loc))
                prev = loc
            yield ins


def pin(text: str) -> str:
    """`text` (a function's C with directives) with the last directive
    repeated before every later line: a directive numbers the lines after
    it consecutively, and each C line of an instruction is its source line."""
    out = []
    current = None
    fresh = False
    for line in text.split("\n"):
        if line.lstrip().startswith("#line "):
            current, fresh = line.lstrip(), True
        elif current is not None and line:
            if not fresh:
                out.append(current)
            fresh = False
        out.append(line)
    return "\n".join(out)


def _immediate(imm: object) -> str:
    if imm is None:
        return ""
    if isinstance(imm, (list, tuple)):
        return " " + " ".join(str(x) for x in imm)
    return f" {imm}"


def dump_module(module: Module, features: Features) -> tuple[str, dict[int, int]]:
    """The text dump of a module's code (one instruction per line: function
    index and name, offset, instruction) and the dump's line of each offset."""
    out = []
    lines: dict[int, int] = {}
    base = module.num_imported_funcs
    for i, code in enumerate(module.codes):
        name = module.names.funcs.get(base + i)
        out.append(f"func {base + i}" + (f" (${name})" if name else "") +
                   f" at 0x{code.offset:x}:")
        lines[code.offset] = len(out)
        body = decode_body(module, i, features)
        for offset, op, imm in body_instructions(body, features, module):
            text = op.name if isinstance(op, Op) else str(op)
            out.append(f"  0x{offset:06x}  {text}{_immediate(imm)}".rstrip())
            lines[offset] = len(out)
    return "\n".join(out) + "\n", lines


def source_lines(module: Module, features: Features, dump_name: str
                 ) -> tuple[SourceLines, str | None]:
    """The module's source lines, and the text dump to write as `dump_name`
    (None when the module has a DWARF line table)."""
    exported: dict[int, str] = {}
    for x in module.exports:
        if x.kind == EXT_FUNC:
            exported.setdefault(x.index, x.name)
    table = line_table(module)
    if table is not None:
        return SourceLines(table, code_start(module), exported=exported), None
    text, lines = dump_module(module, features)
    return SourceLines(None, 0, (dump_name, lines), exported), text
