"""Writing a module's C (last stage of the pipeline): m.h and m.c, or the
split files of w2c.emit.split (--num-outputs).

The skeleton comes from the Jinja templates (w2c.templates) filled with
w2c.emit.module's context; the function bodies are translated one at a
time by w2c.emit.translate (each decoded, validated and translated in one
pass, in this process or in workers) and written out in order.
"""
from __future__ import annotations

from typing import TextIO, cast

from w2c.emit import split
from w2c.emit.lines import RESTORE, SourceLines, directive
from w2c.emit.module import ModuleGen
from w2c.emit.simd import fields_use_v128
from w2c.emit.split import Layout
from w2c.emit.tables import const_tables
from w2c.emit.translate import Translator, translate
from w2c.frontdoor import Translation
from w2c.templates import env


class LineCounter:
    """A C output file that counts its lines and replaces each RESTORE
    marker (w2c.emit.lines) by a `#line` naming itself at its real line."""

    def __init__(self, f: TextIO, name: str) -> None:
        self.f = f
        self.name = name
        self.line = 1           # the line the next text starts on

    def write(self, text: str) -> int:
        pieces = text.split(RESTORE)
        for k, piece in enumerate(pieces):
            if k:
                piece = directive(self.name, self.line + 1) + "\n" + piece
            self.f.write(piece)
            self.line += piece.count("\n")
        return len(text)


def emit_module(t: Translation, prefix: str, layout: Layout, files: dict[str, TextIO],
                progress=None, max_memory: int | None = None, jobs: int | None = None,
                lines: SourceLines | None = None) -> tuple[bool, bool]:
    """Write the files of `layout` (name -> open text file) for the module of
    `t` (fields validated), translating one function body at a time; with
    jobs > 1 in that many worker processes (None: w2c.emit.translate.auto_jobs).
    Returns whether the module uses v128, so needs the SIMD runtime
    (w2c.emit.simd), and whether it uses exceptions, so needs w2c_exn.h
    (w2c.emit.exn).  With `lines` (-g) the
    bodies carry `#line` directives (w2c.emit.lines)."""
    module, features = t.module, t.features
    if t.const_tables is None:
        t.const_tables = const_tables(module, features)
    gen = ModuleGen(module, prefix, layout.header, max_memory, t.const_tables,
                    "threads" in features, "gc" in features)
    gen.simd = fields_use_v128(module)
    tr = Translator(gen, t.ctx, features, layout)
    if lines is not None:
        tr.lines = lines
        # The writers below only call write(), all LineCounter has.
        files = {name: (cast(TextIO, LineCounter(f, name)) if name in layout.parts else f)
                 for name, f in files.items()}
    bodies = translate(tr, jobs, progress)    # (workers start now)
    try:
        if layout.split:
            split.write_heads(gen, layout, files)
            simd, exn = split.write_functions(layout, files, bodies)
            return simd or gen.simd, exn or gen.exn
        context = gen.context()
        out_c = files[layout.parts[0]]
        files[layout.header].write(env().get_template("module.h.j2").render(context))
        out_c.write(env().get_template("module_head.c.j2").render(context))
        simd, exn = split.write_functions(layout, files, bodies)
    finally:
        bodies.close()      # (workers not needed any more are stopped)
    out_c.write(env().get_template("module_tail.c.j2").render(context))
    return simd or gen.simd, exn or gen.exn
