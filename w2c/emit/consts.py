"""Constant data for the emitter: constant expressions as C expressions,
data segment bytes as C initialisers, element segment items, and safe
comments.  Used by w2c.emit.module for the module skeleton.
"""
from __future__ import annotations

from w2c.emit.gc import const_gc
from w2c.emit.names import C_ZERO
from w2c.module import F32, F64, FUNCREF, I32, I64, ConstExpr, Elem
from w2c.templates import c_comment
from w2c.valtypes import erase

_HEX = [f"0x{b:02x}," for b in range(256)]


def literal(t: int, imm: int) -> str:
    if t == I32:
        return f"{imm & 0xFFFFFFFF}u"
    if t == I64:
        return f"UINT64_C({imm & 0xFFFFFFFFFFFFFFFF})"
    if t == F32:
        fn = "w2c_f32_opaque" if imm in _FOLDABLE_F32 else "w2c_f32_bits"
        return f"{fn}(0x{imm:08x}u)"
    if t == F64:
        fn = "w2c_f64_opaque" if imm in _FOLDABLE_F64 else "w2c_f64_bits"
        return f"{fn}(UINT64_C(0x{imm:016x}))"
    raise ValueError(t)


# +0, -0, +1, -1: constants with which C compilers fold arithmetic into an
# identity or a negation, letting a signalling NaN through unquieted.
_FOLDABLE_F32 = {0x00000000, 0x80000000, 0x3F800000, 0xBF800000}
_FOLDABLE_F64 = {0, 1 << 63, 0x3FF0000000000000, 0xBFF0000000000000}


def v128_fields(imm: bytes) -> dict[str, str]:
    """The template fields of a 16-byte immediate: `lo`, `hi` (v128.const's
    bytes 0-7 and 8-15 as little-endian UINT64_C literals) and `shuffle`
    (i8x16.shuffle's lane indices, comma-separated)."""
    return {"lo": f"UINT64_C(0x{int.from_bytes(imm[:8], 'little'):016x})",
            "hi": f"UINT64_C(0x{int.from_bytes(imm[8:], 'little'):016x})",
            "shuffle": ", ".join(str(b) for b in imm)}


_CONST_TYPES = {"i32.const": I32, "i64.const": I64, "f32.const": F32, "f64.const": F64}
_BINOPS = {"add": "+", "sub": "-", "mul": "*"}


def const_expr(gen, expr: ConstExpr) -> str:
    """A validated constant expression as one C expression (reads `inst`)."""
    stack: list[str] = []
    for op, imm in expr.instrs:
        name = op.name
        if name in _CONST_TYPES:
            stack.append(literal(_CONST_TYPES[name], imm))
        elif name == "ref.null":
            stack.append(C_ZERO[imm])
        elif name == "ref.func":
            stack.append(f"{gen.prefix}_funcref(inst, {imm}u)")
        elif name == "global.get":
            stack.append(gen.global_ref(imm))
        elif name == "v128.const":
            stack.append(op.c.format(**v128_fields(imm)))
        elif op.feature == "gc":
            stack.append(const_gc(gen.gc, name, imm, stack))
        else:  # extended-const: i32/i64 add, sub, mul
            t, o = name.split(".")
            b, a = stack.pop(), stack.pop()
            ct = "uint32_t" if t == "i32" else "uint64_t"
            stack.append(f"({ct})({a} {_BINOPS[o]} {b})")
    return stack[0]


def byte_lines(data: bytes, per_line: int = 24) -> list[str]:
    hx = _HEX
    return ["".join([hx[b] for b in data[i:i + per_line]]) for i in range(0, len(data), per_line)]


NULL_CODE = 0xFFFFFFFF


def elem_codes(e: Elem) -> list[int] | None:
    """A funcref segment of functions and nulls as function indices (NULL_CODE
    for null), or None when items need evaluating (global.get, externref)."""
    if e.funcs is not None:
        return list(e.funcs)
    codes = []
    for x in e.item_exprs():
        if len(x.instrs) != 1:
            return None
        op, imm = x.instrs[0]
        if op.name == "ref.func":
            codes.append(imm)
        elif op.name == "ref.null" and erase(e.type) == FUNCREF:
            codes.append(NULL_CODE)
        else:
            return None
    return codes


def elem_items(gen, e: Elem) -> list[str]:
    """Each item of an expression segment as a C expression (reads `inst`)."""
    return [const_expr(gen, x) for x in e.item_exprs()]


comment = c_comment    # text safe inside a C block comment (w2c.templates)
