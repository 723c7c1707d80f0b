"""Output layout of the emitter (last stage of the pipeline): which files one
translation writes, and for split output (`w2c compile --num-outputs N`,
N >= 2) where each function and each piece of data goes.

One C file (N = 1):   OUT.c, OUT.h
Split (N >= 2):       OUT.h            the embedding API, as for one file
                      OUT_internal.h   what every part shares: W2C_UNUSED and
                                       friends, every function's prototype,
                                       the data pieces, the cross-file helpers
                      OUT_0.c ... OUT_{N-1}.c
                                       the functions, and the data segments'
                                       bytes in pieces of PIECE_BYTES
                      OUT_data.c       the skeleton: static storage, the
                                       function table, segment tables, exports,
                                       instantiate and free

A function goes to part `_mix(defined index) % N`.  The index is what does
not move when a body changes: editing one function rewrites its own part
only (the internal header and the data file hold prototypes, never bodies).
Keys made from the body (they would move an edited function to another part:
two files) or from names (they survive insertions, but an insertion renames
every later `M_f<index>` in every caller anyway) buy nothing more.  Data
pieces go round-robin from a hashed start per segment, so a big segment
spreads over all parts.  Nothing written depends on paths, times or the
number of worker processes.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from w2c.emit import consts
from w2c.emit.exn import EXN_INCLUDE
from w2c.emit.simd import kept_once
from w2c.templates import env

MAX_OUTPUTS = 1000          # parts are numbered 0..999 (build systems rely on it)
PIECE_BYTES = 1 << 16       # data segments are cut into pieces of this size
_M64 = (1 << 64) - 1


def _mix(x: int) -> int:
    """splitmix64's finalizer: a fixed, well-spread hash of a small integer."""
    x = (x + 0x9E3779B97F4A7C15) & _M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


class Layout:
    """The files of one translation, by name (relative to the output folder)."""

    def __init__(self, out_c: str | Path, num_outputs: int = 1):
        if not 1 <= num_outputs <= MAX_OUTPUTS:
            raise ValueError(f"num_outputs must be 1..{MAX_OUTPUTS}")
        out_c = Path(out_c)
        stem = out_c.stem
        self.n = num_outputs
        self.split = num_outputs >= 2
        self.piece_log2 = PIECE_BYTES.bit_length() - 1    # (data pieces; GC's array.new_data)
        self.header = out_c.with_suffix(".h").name
        self.internal = f"{stem}_internal.h"
        self.data = f"{stem}_data.c"
        self.parts = [f"{stem}_{k}.c" for k in range(num_outputs)] if self.split else [out_c.name]

    def names(self) -> list[str]:
        """Every file written, C files first (runtime headers not included)."""
        if not self.split:
            return [self.parts[0], self.header]
        return self.parts + [self.data, self.header, self.internal]

    def part_of(self, defined_index: int) -> int:
        return _mix(defined_index) % self.n if self.split else 0


def output_names(out_c: str | Path, num_outputs: int = 1, wasi: bool = False) -> list[str]:
    """What `w2c compile -o OUT_C --num-outputs N [--wasi]` writes, beside OUT_C."""
    names = Layout(out_c, num_outputs).names()
    if wasi:
        stem = Path(out_c).stem
        names += [f"{stem}_wasi.c", f"{stem}_wasi.h"]
    return names


def data_pieces(datas, n: int) -> list[dict]:
    """Each segment's bytes as pieces of at most PIECE_BYTES: segment k, piece q,
    offset, length and the part holding it.  An empty segment has none."""
    pieces = []
    for k, d in enumerate(datas):
        start = _mix(1 << 40 | k)
        for q, off in enumerate(range(0, len(d.init), PIECE_BYTES)):
            pieces.append({"k": k, "q": q, "offset": off,
                           "len": min(PIECE_BYTES, len(d.init) - off), "part": (start + q) % n})
    return pieces


def split_context(gen, layout: Layout) -> dict:
    """The skeleton's context (ModuleGen.context) plus what the split templates need."""
    m = gen.module
    context = gen.context(with_bytes=False)
    pieces = data_pieces(m.datas, layout.n)
    first, seen = [], 0
    for d in m.datas:
        first.append(seen)
        seen += -(-len(d.init) // PIECE_BYTES)
    if gen.gc is not None:
        # GC: struct types, rtts and constructors defined once, in the data
        # file (declared in the internal header), and its segment tables
        # shared with the parts (array.new_data, array.new_elem...).
        context = dict(context, shared="", gc_header=gen.gc.decls("header"),
                       gc_decls=gen.gc.decls("data"))
    return dict(context, scope="", internal=layout.internal, data_file=layout.data, nparts=layout.n,
                pieces=pieces, data_first=first, piece_size=PIECE_BYTES)


def write_heads(gen, layout: Layout, files: dict[str, TextIO]) -> None:
    """Write the header, the internal header, the data file and each part's
    beginning (its data pieces); the parts' functions follow."""
    context = split_context(gen, layout)
    files[layout.header].write(env().get_template("module.h.j2").render(context))
    files[layout.internal].write(env().get_template("module_internal.h.j2").render(context))
    files[layout.data].write(env().get_template("module_data.c.j2").render(context))
    part = env().get_template("module_part.c.j2")
    datas = gen.module.datas
    for k, name in enumerate(layout.parts):
        mine = [dict(x, bytes=consts.byte_lines(
                    datas[x["k"]].init[x["offset"]:x["offset"] + x["len"]]))
                for x in context["pieces"] if x["part"] == k]
        files[name].write(part.render(context, k=k, part_name=name, part_pieces=mine))


def write_functions(layout: Layout, files: dict[str, TextIO],
                    bodies: Iterable[tuple[int, str]]) -> tuple[bool, bool]:
    """Append translated functions, `(part, C text)` in index order, to their
    parts, each part including the SIMD runtime once, before its first
    function that needs it (w2c.emit.simd); returns whether any did, and
    whether a function includes the exceptions runtime (w2c.emit.exn)."""
    out = [files[name] for name in layout.parts]
    simd = [False] * len(out)
    exn = False
    for part, text in bodies:
        text, simd[part] = kept_once(text, simd[part])
        exn = exn or EXN_INCLUDE in text
        out[part].write(text)
    return any(simd), exn
