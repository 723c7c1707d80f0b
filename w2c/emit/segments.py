"""Segment initialisation at instantiation (emitter, module skeleton): the
constant tables from which `<p>_init_segments` initialises the active
element and data segments in a loop, and the small functions that compute
the offsets that are not constants.  w2c.emit.module adds this to the
templates' context; module_tail.c.j2 writes the loop.

One entry per active (and, for elements, declarative) segment, in the
module's order: `{offset, segment, how}`.  `how` bit 0 says the offset is
computed (then `offset` is its index among the computed ones: function
`offset / OFFSET_CHUNK` of `<p>_data_offsets` / `<p>_elem_offsets`, case
`offset % OFFSET_CHUNK`); data: bits 1.. are the memory; elements: bit 1
says whether the table is written (a declarative segment, or an active
one whose table is constant data, is only dropped), bits 2.. the table.

So the C of a module with 50,000 segments is a table of 50,000 lines and
a loop, not a function of 100,000 statements: a C compiler's time and
memory for it do not grow faster than the module.  The segments' bytes stay
constant data (in flash on bare metal).
"""
from __future__ import annotations

from w2c.emit import consts
from w2c.module import ConstExpr

OFFSET_CHUNK = 256     # computed offsets per C function (a switch of this many cases)

_CONST_OPS = {"i32.const": 0xFFFFFFFF, "i64.const": (1 << 64) - 1}


def _constant(expr: ConstExpr) -> int | None:
    """The value of an offset that is one i32.const or i64.const, else None."""
    if len(expr.instrs) != 1:
        return None
    op, imm = expr.instrs[0]
    mask = _CONST_OPS.get(op.name)
    return None if mask is None else imm & mask


class _Table:
    """The entries of one segment kind and its computed offsets' C expressions."""

    def __init__(self, wide: bool):
        self.wide = wide
        self.entries: list[str] = []
        self.computed: list[str] = []

    def add(self, gen, expr: ConstExpr, seg: int, how: int) -> None:
        value = _constant(expr)
        if value is None:
            value = len(self.computed)
            self.computed.append(f"(uint64_t){consts.const_expr(gen, expr)}")
            how |= 1
        lit = f"UINT64_C({value})" if self.wide else f"{value}u"
        self.entries.append(f"{{{lit}, {seg}u, {how}u}}")

    def chunks(self) -> list[list[str]]:
        c = self.computed
        return [c[i:i + OFFSET_CHUNK] for i in range(0, len(c), OFFSET_CHUNK)]


def segment_context(gen) -> dict:
    """The templates' context for `<p>_init_segments`: `seg_wide` (offsets need
    64 bits), `data_inits`/`elem_inits` (the entries as C initialisers),
    `data_offsets`/`elem_offsets` (the computed offsets in chunks of
    OFFSET_CHUNK C expressions) and `offset_chunk`."""
    m = gen.module
    wide = any(mt.limits.is64 for mt in gen.mems) or any(tt.limits.is64 for tt in gen.tables)
    data, elem = _Table(wide), _Table(wide)
    for k, e in enumerate(m.elems):
        if e.mode == "passive":
            continue
        if e.mode == "active" and e.table not in gen.const_tables:
            assert e.offset_expr is not None
            elem.add(gen, e.offset_expr, k, e.table << 2 | 2)
        else:
            elem.entries.append(f"{{0u, {k}u, 0u}}")
    for k, d in enumerate(m.datas):
        if d.mode == "active":
            assert d.offset_expr is not None
            data.add(gen, d.offset_expr, k, d.memory << 1)
    return {"seg_wide": wide, "data_inits": data.entries, "elem_inits": elem.entries,
            "data_offsets": data.chunks(), "elem_offsets": elem.chunks(),
            "offset_chunk": OFFSET_CHUNK}
