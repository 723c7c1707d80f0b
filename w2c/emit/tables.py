"""Constant function tables (emitter stage, before the bodies are translated).

A table the module defines whose contents can never change after
instantiation is emitted as a `static const` array of w2c_funcref (in flash
on a microcontroller, shared read-only memory elsewhere) instead of being
filled at instantiation in RAM.  const_tables() finds them:

- a funcref table the module defines (not imported) and does not export,
  of at most MAX_CONST_TABLE elements at start;
- every active element segment for it has a constant offset (i32.const),
  lies inside the table's initial size (so instantiation cannot trap on it)
  and holds only functions the module defines or ref.null;
- no instruction changes it (the opcode table's `writes_table`: table.set,
  table.grow, table.fill, table.init into it, table.copy into it) and none
  copies from it (table.copy), so its elements never reach another table.

The entries of a constant table carry no instance pointer: call_indirect
through it passes the calling instance (all its functions are the
module's own), and table.get adds it (w2c_funcref_with_instance), so a
funcref read from it is complete wherever it goes.

Deciding needs one decode-only pass over the bodies, made only when some
table passes the first two tests.  A body that does not decode leaves
every table in RAM; translation then reports the error as usual.
"""
from __future__ import annotations

from w2c.emit.consts import NULL_CODE, elem_codes
from w2c.errors import W2CError
from w2c.features import Features
from w2c.module import EXT_TABLE, FUNCREF, Module
from w2c.opcodes import TABLE, TABLE_COPY, TABLE_INIT
from w2c.parse.code import body_instructions, decode_body
from w2c.valtypes import erase, use_types

# A larger table stays in RAM (its initial size may be up to 2^32-1 entries).
MAX_CONST_TABLE = 1 << 16


def const_tables(module: Module, features: Features) -> dict[int, list[int]]:
    """{table index: its initial elements as function indices (NULL_CODE for
    null)} for every table that can be a constant array."""
    plan = _candidates(module)
    if not plan:
        return {}
    try:
        for i in range(len(module.codes)):
            for _, op, imm in body_instructions(decode_body(module, i, features), features, module):
                if op.writes_table or op.imm == TABLE_COPY:
                    for t in _tables_touched(op, imm):
                        plan.pop(t, None)
                    if not plan:
                        return {}
    except W2CError:
        return {}
    return plan


def _tables_touched(op, imm) -> tuple[int, ...]:
    if op.imm == TABLE:
        return (imm,)
    if op.imm == TABLE_INIT:
        return (imm[1],)
    if op.imm == TABLE_COPY:
        return tuple(imm)      # into one, out of the other: neither stays constant
    return ()


def _candidates(module: Module) -> dict[int, list[int]]:
    n_imported = len(module.imported(EXT_TABLE))
    tables = module.all_tables()
    exported = {x.index for x in module.exports if x.kind == EXT_TABLE}
    # erase reads this module's types (GC: a struct or array type is not a
    # function type), not those of the module translated before
    use_types(module.type_canon() if module.subtypes is not None else None)
    plan = {t: [NULL_CODE] * tables[t].limits.min for t in range(n_imported, len(tables))
            if erase(tables[t].elem) == FUNCREF and t not in exported
            and tables[t].init is None
            and tables[t].limits.min <= MAX_CONST_TABLE}
    nimported_funcs = module.num_imported_funcs
    for e in module.elems:
        if e.mode != "active" or e.table not in plan:
            continue
        items = plan[e.table]
        offset = _const_offset(e.offset_expr)
        codes = elem_codes(e)
        if offset is None or codes is None or offset + len(codes) > len(items) or any(
                c != NULL_CODE and c < nimported_funcs for c in codes):
            del plan[e.table]
            continue
        items[offset:offset + len(codes)] = codes
    return plan


def _const_offset(expr) -> int | None:
    if expr is None or len(expr.instrs) != 1:
        return None
    op, imm = expr.instrs[0]
    return imm & 0xFFFFFFFF if op.name == "i32.const" else None
