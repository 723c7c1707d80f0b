"""The one opcode table: every instruction's name, prefix, code, immediates,
stack effect, feature and (from the code-generation stage on) C template.

The decoder reads immediates by `imm`, the validator applies `params` ->
`results` (or, where the effect depends on immediates or context, the
handler named after the instruction: `params is None`), and the emitter
expands `c`.  Nothing else in w2c keeps a list of opcodes.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from w2c.module import TYPE_BY_NAME

# Immediate kinds ------------------------------------------------------------
NONE = "none"
BLOCK = "blocktype"          # blocktype
LABEL = "labelidx"           # br, br_if
BR_TABLE = "br_table"        # vec(labelidx) labelidx
FUNC = "funcidx"
CALL_INDIRECT = "call_indirect"  # typeidx tableidx
LOCAL = "localidx"
GLOBAL = "globalidx"
TABLE = "tableidx"
MEMARG = "memarg"            # align:u32 offset:u32
MEMIDX = "memidx"            # memory.size/grow/fill: one zero byte in 2.0
I32C = "i32"                 # s32
I64C = "i64"                 # s64
F32C = "f32"                 # 4 bytes
F64C = "f64"                 # 8 bytes
SELECT_T = "select_t"        # vec(valtype)
REFTYPE = "reftype"
MEMORY_INIT = "memory.init"  # dataidx memidx
DATA = "dataidx"
MEMORY_COPY = "memory.copy"  # memidx memidx
ELEM = "elemidx"
TABLE_INIT = "table.init"    # elemidx tableidx
TABLE_COPY = "table.copy"    # tableidx tableidx
V128C = "v128"               # 16 bytes
SHUFFLE = "shuffle"          # 16 lane indices < 32
LANE = "laneidx"             # one byte
MEMARG_LANE = "memarg_lane"  # memarg laneidx
TRY_TABLE = "try_table"      # blocktype vec(catch) (exceptions)
TAG = "tagidx"               # throw, catch (exceptions)
TYPE = "typeidx"             # call_ref, return_call_ref (function-references)
FENCE = "fence"              # atomic.fence: one reserved zero byte (threads)
# GC
TYPE_FIELD = "typeidx fieldidx"  # struct.get/set: typeidx fieldidx
TYPE_SIZE = "typeidx u32"    # array.new_fixed: typeidx n
TYPE_DATA = "typeidx dataidx"    # array.new_data, array.init_data
TYPE_ELEM = "typeidx elemidx"    # array.new_elem, array.init_elem
TYPE_TYPE = "typeidx typeidx"    # array.copy: destination, source
HEAPTYPE = "heaptype"        # ref.test, ref.cast
BR_ON_CAST = "br_on_cast"    # flags:u8 labelidx ht1 ht2

PREFIX_FB = 0xFB  # GC
PREFIX_FC = 0xFC
PREFIX_FD = 0xFD
PREFIX_FE = 0xFE  # threads (atomics)


@dataclass(frozen=True, slots=True, eq=False)
class Op:
    """One instruction.  Compared and hashed by identity: there is one Op per
    instruction, so dict lookups keyed by Op are cheap."""

    name: str
    prefix: int | None
    code: int
    imm: str
    params: tuple[int, ...] | None   # None: effect computed by the validator's handler
    results: tuple[int, ...] | None
    feature: str | None = None       # None: part of the MVP
    align: int | None = None         # memory ops: natural alignment, log2 bytes
    lanes: int | None = None         # lane ops: number of lanes
    writes_table: bool = False       # changes a table's elements or size (the table
                                     # immediate; table.init: the second, table.copy: the first)
    c: str | None = None             # C template, filled by the emitter's stage

    @property
    def encoding(self) -> bytes:
        if self.prefix is None:
            return bytes([self.code])
        out = bytearray([self.prefix])
        v = self.code
        while True:
            b = v & 0x7F
            v >>= 7
            out.append(b | (0x80 if v else 0))
            if not v:
                return bytes(out)


def _types(s: str) -> tuple[int, ...]:
    return tuple(TYPE_BY_NAME[t] for t in s.split())


OPS: list[Op] = []


def _op(name, code, imm=NONE, params="", results="", prefix=None, feature=None,
        align=None, lanes=None, special=False, writes_table=False):
    OPS.append(Op(name, prefix, code, imm,
                  None if special else _types(params),
                  None if special else _types(results),
                  feature, align, lanes, writes_table))


def _special(name, code, imm=NONE, prefix=None, feature=None, **kw):
    _op(name, code, imm, prefix=prefix, feature=feature, special=True, **kw)


# -- control ----------------------------------------------------------------------
_special("unreachable", 0x00)
_op("nop", 0x01)
_special("block", 0x02, BLOCK)
_special("loop", 0x03, BLOCK)
_special("if", 0x04, BLOCK)
_special("else", 0x05)
_special("try", 0x06, BLOCK, feature="exceptions")
_special("catch", 0x07, TAG, feature="exceptions")
_special("throw", 0x08, TAG, feature="exceptions")
_special("rethrow", 0x09, LABEL, feature="exceptions")
_special("throw_ref", 0x0A, feature="exceptions")
_special("end", 0x0B)
_special("br", 0x0C, LABEL)
_special("br_if", 0x0D, LABEL)
_special("br_table", 0x0E, BR_TABLE)
_special("return", 0x0F)
_special("call", 0x10, FUNC)
_special("call_indirect", 0x11, CALL_INDIRECT)
_special("return_call", 0x12, FUNC, feature="tail-call")
_special("return_call_indirect", 0x13, CALL_INDIRECT, feature="tail-call")
_special("call_ref", 0x14, TYPE, feature="function-references")
_special("return_call_ref", 0x15, TYPE, feature="function-references")
_special("delegate", 0x18, LABEL, feature="exceptions")
_special("catch_all", 0x19, feature="exceptions")
_special("drop", 0x1A)
_special("select", 0x1B)
_special("select_t", 0x1C, SELECT_T, feature="reference-types")
_special("try_table", 0x1F, TRY_TABLE, feature="exceptions")

# -- variables and tables -----------------------------------------------------------
_special("local.get", 0x20, LOCAL)
_special("local.set", 0x21, LOCAL)
_special("local.tee", 0x22, LOCAL)
_special("global.get", 0x23, GLOBAL)
_special("global.set", 0x24, GLOBAL)
_special("table.get", 0x25, TABLE, feature="reference-types")
_special("table.set", 0x26, TABLE, feature="reference-types", writes_table=True)

# -- memory ---------------------------------------------------------------------------
for _name, _code, _align, _p, _r in [
    ("i32.load", 0x28, 2, "i32", "i32"), ("i64.load", 0x29, 3, "i32", "i64"),
    ("f32.load", 0x2A, 2, "i32", "f32"), ("f64.load", 0x2B, 3, "i32", "f64"),
    ("i32.load8_s", 0x2C, 0, "i32", "i32"), ("i32.load8_u", 0x2D, 0, "i32", "i32"),
    ("i32.load16_s", 0x2E, 1, "i32", "i32"), ("i32.load16_u", 0x2F, 1, "i32", "i32"),
    ("i64.load8_s", 0x30, 0, "i32", "i64"), ("i64.load8_u", 0x31, 0, "i32", "i64"),
    ("i64.load16_s", 0x32, 1, "i32", "i64"), ("i64.load16_u", 0x33, 1, "i32", "i64"),
    ("i64.load32_s", 0x34, 2, "i32", "i64"), ("i64.load32_u", 0x35, 2, "i32", "i64"),
    ("i32.store", 0x36, 2, "i32 i32", ""), ("i64.store", 0x37, 3, "i32 i64", ""),
    ("f32.store", 0x38, 2, "i32 f32", ""), ("f64.store", 0x39, 3, "i32 f64", ""),
    ("i32.store8", 0x3A, 0, "i32 i32", ""), ("i32.store16", 0x3B, 1, "i32 i32", ""),
    ("i64.store8", 0x3C, 0, "i32 i64", ""), ("i64.store16", 0x3D, 1, "i32 i64", ""),
    ("i64.store32", 0x3E, 2, "i32 i64", ""),
]:
    _op(_name, _code, MEMARG, _p, _r, align=_align)
_op("memory.size", 0x3F, MEMIDX, "", "i32")
_op("memory.grow", 0x40, MEMIDX, "i32", "i32")

# -- numeric --------------------------------------------------------------------------
_op("i32.const", 0x41, I32C, "", "i32")
_op("i64.const", 0x42, I64C, "", "i64")
_op("f32.const", 0x43, F32C, "", "f32")
_op("f64.const", 0x44, F64C, "", "f64")

_ICMP = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"]
_FCMP = ["eq", "ne", "lt", "gt", "le", "ge"]
_IUN = ["clz", "ctz", "popcnt"]
_IBIN = ["add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor",
         "shl", "shr_s", "shr_u", "rotl", "rotr"]
_FUN = ["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt"]
_FBIN = ["add", "sub", "mul", "div", "min", "max", "copysign"]


def _group(t, names, start, params, results):
    for i, n in enumerate(names):
        _op(f"{t}.{n}", start + i, NONE, params, results)


_op("i32.eqz", 0x45, NONE, "i32", "i32")
_group("i32", _ICMP, 0x46, "i32 i32", "i32")
_op("i64.eqz", 0x50, NONE, "i64", "i32")
_group("i64", _ICMP, 0x51, "i64 i64", "i32")
_group("f32", _FCMP, 0x5B, "f32 f32", "i32")
_group("f64", _FCMP, 0x61, "f64 f64", "i32")
_group("i32", _IUN, 0x67, "i32", "i32")
_group("i32", _IBIN, 0x6A, "i32 i32", "i32")
_group("i64", _IUN, 0x79, "i64", "i64")
_group("i64", _IBIN, 0x7C, "i64 i64", "i64")
_group("f32", _FUN, 0x8B, "f32", "f32")
_group("f32", _FBIN, 0x92, "f32 f32", "f32")
_group("f64", _FUN, 0x99, "f64", "f64")
_group("f64", _FBIN, 0xA0, "f64 f64", "f64")

for _name, _code, _p, _r in [
    ("i32.wrap_i64", 0xA7, "i64", "i32"),
    ("i32.trunc_f32_s", 0xA8, "f32", "i32"), ("i32.trunc_f32_u", 0xA9, "f32", "i32"),
    ("i32.trunc_f64_s", 0xAA, "f64", "i32"), ("i32.trunc_f64_u", 0xAB, "f64", "i32"),
    ("i64.extend_i32_s", 0xAC, "i32", "i64"), ("i64.extend_i32_u", 0xAD, "i32", "i64"),
    ("i64.trunc_f32_s", 0xAE, "f32", "i64"), ("i64.trunc_f32_u", 0xAF, "f32", "i64"),
    ("i64.trunc_f64_s", 0xB0, "f64", "i64"), ("i64.trunc_f64_u", 0xB1, "f64", "i64"),
    ("f32.convert_i32_s", 0xB2, "i32", "f32"), ("f32.convert_i32_u", 0xB3, "i32", "f32"),
    ("f32.convert_i64_s", 0xB4, "i64", "f32"), ("f32.convert_i64_u", 0xB5, "i64", "f32"),
    ("f32.demote_f64", 0xB6, "f64", "f32"),
    ("f64.convert_i32_s", 0xB7, "i32", "f64"), ("f64.convert_i32_u", 0xB8, "i32", "f64"),
    ("f64.convert_i64_s", 0xB9, "i64", "f64"), ("f64.convert_i64_u", 0xBA, "i64", "f64"),
    ("f64.promote_f32", 0xBB, "f32", "f64"),
    ("i32.reinterpret_f32", 0xBC, "f32", "i32"), ("i64.reinterpret_f64", 0xBD, "f64", "i64"),
    ("f32.reinterpret_i32", 0xBE, "i32", "f32"), ("f64.reinterpret_i64", 0xBF, "i64", "f64"),
]:
    _op(_name, _code, NONE, _p, _r)

for _name, _code, _t in [("i32.extend8_s", 0xC0, "i32"), ("i32.extend16_s", 0xC1, "i32"),
                         ("i64.extend8_s", 0xC2, "i64"), ("i64.extend16_s", 0xC3, "i64"),
                         ("i64.extend32_s", 0xC4, "i64")]:
    _op(_name, _code, NONE, _t, _t, feature="sign-extension")

# -- references -------------------------------------------------------------------------
_special("ref.null", 0xD0, REFTYPE, feature="reference-types")
_special("ref.is_null", 0xD1, feature="reference-types")
_special("ref.func", 0xD2, FUNC, feature="reference-types")
_special("ref.as_non_null", 0xD4, feature="function-references")
_special("br_on_null", 0xD5, LABEL, feature="function-references")
_special("br_on_non_null", 0xD6, LABEL, feature="function-references")

# -- GC: ref.eq and the 0xFB prefix ----------------------------------------------------------
_special("ref.eq", 0xD3, feature="gc")
for _i, (_name, _imm) in enumerate([
    ("struct.new", TYPE), ("struct.new_default", TYPE), ("struct.get", TYPE_FIELD),
    ("struct.get_s", TYPE_FIELD), ("struct.get_u", TYPE_FIELD), ("struct.set", TYPE_FIELD),
    ("array.new", TYPE), ("array.new_default", TYPE), ("array.new_fixed", TYPE_SIZE),
    ("array.new_data", TYPE_DATA), ("array.new_elem", TYPE_ELEM), ("array.get", TYPE),
    ("array.get_s", TYPE), ("array.get_u", TYPE), ("array.set", TYPE), ("array.len", NONE),
    ("array.fill", TYPE), ("array.copy", TYPE_TYPE), ("array.init_data", TYPE_DATA),
    ("array.init_elem", TYPE_ELEM), ("ref.test", HEAPTYPE), ("ref.test_null", HEAPTYPE),
    ("ref.cast", HEAPTYPE), ("ref.cast_null", HEAPTYPE), ("br_on_cast", BR_ON_CAST),
    ("br_on_cast_fail", BR_ON_CAST), ("any.convert_extern", NONE),
    ("extern.convert_any", NONE), ("ref.i31", NONE), ("i31.get_s", NONE),
    ("i31.get_u", NONE),
]):
    _special(_name, _i, _imm, prefix=PREFIX_FB, feature="gc")

# -- 0xFC prefix: saturating truncation, bulk memory, tables -------------------------------
for _i, (_name, _p, _r) in enumerate([
    ("i32.trunc_sat_f32_s", "f32", "i32"), ("i32.trunc_sat_f32_u", "f32", "i32"),
    ("i32.trunc_sat_f64_s", "f64", "i32"), ("i32.trunc_sat_f64_u", "f64", "i32"),
    ("i64.trunc_sat_f32_s", "f32", "i64"), ("i64.trunc_sat_f32_u", "f32", "i64"),
    ("i64.trunc_sat_f64_s", "f64", "i64"), ("i64.trunc_sat_f64_u", "f64", "i64"),
]):
    _op(_name, _i, NONE, _p, _r, prefix=PREFIX_FC, feature="sat-float-to-int")
_op("memory.init", 8, MEMORY_INIT, "i32 i32 i32", "", prefix=PREFIX_FC, feature="bulk-memory")
_op("data.drop", 9, DATA, "", "", prefix=PREFIX_FC, feature="bulk-memory")
_op("memory.copy", 10, MEMORY_COPY, "i32 i32 i32", "", prefix=PREFIX_FC, feature="bulk-memory")
_op("memory.fill", 11, MEMIDX, "i32 i32 i32", "", prefix=PREFIX_FC, feature="bulk-memory")
_special("table.init", 12, TABLE_INIT, prefix=PREFIX_FC, feature="bulk-memory",
         writes_table=True)
_op("elem.drop", 13, ELEM, "", "", prefix=PREFIX_FC, feature="bulk-memory")
_special("table.copy", 14, TABLE_COPY, prefix=PREFIX_FC, feature="bulk-memory",
         writes_table=True)
_special("table.grow", 15, TABLE, prefix=PREFIX_FC, feature="reference-types",
         writes_table=True)
_special("table.size", 16, TABLE, prefix=PREFIX_FC, feature="reference-types")
_special("table.fill", 17, TABLE, prefix=PREFIX_FC, feature="reference-types",
         writes_table=True)
# wide arithmetic: 128-bit values as (low, high) pairs of i64
_op("i64.add128", 19, NONE, "i64 i64 i64 i64", "i64 i64", prefix=PREFIX_FC,
    feature="wide-arithmetic")
_op("i64.sub128", 20, NONE, "i64 i64 i64 i64", "i64 i64", prefix=PREFIX_FC,
    feature="wide-arithmetic")
_op("i64.mul_wide_s", 21, NONE, "i64 i64", "i64 i64", prefix=PREFIX_FC,
    feature="wide-arithmetic")
_op("i64.mul_wide_u", 22, NONE, "i64 i64", "i64 i64", prefix=PREFIX_FC,
    feature="wide-arithmetic")

# -- 0xFE prefix: threads (atomics) ---------------------------------------------------------
# Every access takes a memarg whose alignment must be the natural one; the
# C helpers (runtime_c/w2c_atomic.h) trap "unaligned atomic" on a misaligned
# effective address.  The rmw groups are each (i32, i64, i32 8, i32 16,
# i64 8, i64 16, i64 32 bits) from their first code.


def _atomic(name, code, params, results, align, imm=MEMARG):
    _op(name, code, imm, params, results, prefix=PREFIX_FE, feature="threads", align=align)


_atomic("memory.atomic.notify", 0x00, "i32 i32", "i32", 2)
_atomic("memory.atomic.wait32", 0x01, "i32 i32 i64", "i32", 2)
_atomic("memory.atomic.wait64", 0x02, "i32 i64 i64", "i32", 3)
_atomic("atomic.fence", 0x03, "", "", None, imm=FENCE)
_ATOMIC_WIDTHS = [("i32", "", 2), ("i64", "", 3), ("i32", "8", 0), ("i32", "16", 1),
                  ("i64", "8", 0), ("i64", "16", 1), ("i64", "32", 2)]
for _i, (_t, _w, _align) in enumerate(_ATOMIC_WIDTHS):
    _u = "_u" if _w else ""
    _atomic(f"{_t}.atomic.load{_w}{_u}", 0x10 + _i, "i32", _t, _align)
    _atomic(f"{_t}.atomic.store{_w}", 0x17 + _i, f"i32 {_t}", "", _align)
    for _j, _rmw in enumerate(["add", "sub", "and", "or", "xor", "xchg"]):
        _atomic(f"{_t}.atomic.rmw{_w}.{_rmw}{_u}", 0x1E + 7 * _j + _i, f"i32 {_t}", _t, _align)
    _atomic(f"{_t}.atomic.rmw{_w}.cmpxchg{_u}", 0x48 + _i, f"i32 {_t} {_t}", _t, _align)

# -- 0xFD prefix: SIMD ----------------------------------------------------------------------


def _simd(name, code, imm=NONE, params="", results="", **kw):
    _op(name, code, imm, params, results, prefix=PREFIX_FD, feature="simd", **kw)


for _name, _code, _align in [
    ("v128.load", 0x00, 4), ("v128.load8x8_s", 0x01, 3), ("v128.load8x8_u", 0x02, 3),
    ("v128.load16x4_s", 0x03, 3), ("v128.load16x4_u", 0x04, 3),
    ("v128.load32x2_s", 0x05, 3), ("v128.load32x2_u", 0x06, 3),
    ("v128.load8_splat", 0x07, 0), ("v128.load16_splat", 0x08, 1),
    ("v128.load32_splat", 0x09, 2), ("v128.load64_splat", 0x0A, 3),
    ("v128.load32_zero", 0x5C, 2), ("v128.load64_zero", 0x5D, 3),
]:
    _simd(_name, _code, MEMARG, "i32", "v128", align=_align)
_simd("v128.store", 0x0B, MEMARG, "i32 v128", "", align=4)
_simd("v128.const", 0x0C, V128C, "", "v128")
_simd("i8x16.shuffle", 0x0D, SHUFFLE, "v128 v128", "v128", lanes=32)
_simd("i8x16.swizzle", 0x0E, NONE, "v128 v128", "v128")
for _i, (_shape, _t) in enumerate([("i8x16", "i32"), ("i16x8", "i32"), ("i32x4", "i32"),
                                   ("i64x2", "i64"), ("f32x4", "f32"), ("f64x2", "f64")]):
    _simd(f"{_shape}.splat", 0x0F + _i, NONE, _t, "v128")
for _name, _code, _lanes, _t, _replace in [
    ("i8x16.extract_lane_s", 0x15, 16, "i32", False),
    ("i8x16.extract_lane_u", 0x16, 16, "i32", False),
    ("i8x16.replace_lane", 0x17, 16, "i32", True),
    ("i16x8.extract_lane_s", 0x18, 8, "i32", False),
    ("i16x8.extract_lane_u", 0x19, 8, "i32", False),
    ("i16x8.replace_lane", 0x1A, 8, "i32", True),
    ("i32x4.extract_lane", 0x1B, 4, "i32", False), ("i32x4.replace_lane", 0x1C, 4, "i32", True),
    ("i64x2.extract_lane", 0x1D, 2, "i64", False), ("i64x2.replace_lane", 0x1E, 2, "i64", True),
    ("f32x4.extract_lane", 0x1F, 4, "f32", False), ("f32x4.replace_lane", 0x20, 4, "f32", True),
    ("f64x2.extract_lane", 0x21, 2, "f64", False), ("f64x2.replace_lane", 0x22, 2, "f64", True),
]:
    if _replace:
        _simd(_name, _code, LANE, f"v128 {_t}", "v128", lanes=_lanes)
    else:
        _simd(_name, _code, LANE, "v128", _t, lanes=_lanes)

_VV_V, _V_V, _V_I = ("v128 v128", "v128"), ("v128", "v128"), ("v128", "i32")
_VI_V = ("v128 i32", "v128")
_VVV_V = ("v128 v128 v128", "v128")


def _simd_group(shape, names, start, sig):
    for i, n in enumerate(names):
        if n is not None:
            _simd(f"{shape}.{n}", start + i, NONE, *sig)


_simd_group("i8x16", _ICMP, 0x23, _VV_V)
_simd_group("i16x8", _ICMP, 0x2D, _VV_V)
_simd_group("i32x4", _ICMP, 0x37, _VV_V)
_simd_group("f32x4", _FCMP, 0x41, _VV_V)
_simd_group("f64x2", _FCMP, 0x47, _VV_V)
_simd("v128.not", 0x4D, NONE, *_V_V)
_simd_group("v128", ["and", "andnot", "or", "xor"], 0x4E, _VV_V)
_simd("v128.bitselect", 0x52, NONE, *_VVV_V)
_simd("v128.any_true", 0x53, NONE, *_V_I)
for _i, (_n, _lanes, _align) in enumerate([("8", 16, 0), ("16", 8, 1), ("32", 4, 2), ("64", 2, 3)]):
    _simd(f"v128.load{_n}_lane", 0x54 + _i, MEMARG_LANE, "i32 v128", "v128",
          align=_align, lanes=_lanes)
    _simd(f"v128.store{_n}_lane", 0x58 + _i, MEMARG_LANE, "i32 v128", "",
          align=_align, lanes=_lanes)
_simd("f32x4.demote_f64x2_zero", 0x5E, NONE, *_V_V)
_simd("f64x2.promote_low_f32x4", 0x5F, NONE, *_V_V)
# i8x16 0x60..0x7B (with f32x4/f64x2 rounding interleaved, as the spec numbers them)
_simd_group("i8x16", ["abs", "neg", "popcnt"], 0x60, _V_V)
_simd("i8x16.all_true", 0x63, NONE, *_V_I)
_simd("i8x16.bitmask", 0x64, NONE, *_V_I)
_simd_group("i8x16", ["narrow_i16x8_s", "narrow_i16x8_u"], 0x65, _VV_V)
_simd_group("f32x4", ["ceil", "floor", "trunc", "nearest"], 0x67, _V_V)
_simd_group("i8x16", ["shl", "shr_s", "shr_u"], 0x6B, _VI_V)
_simd_group("i8x16", ["add", "add_sat_s", "add_sat_u", "sub", "sub_sat_s", "sub_sat_u"],
            0x6E, _VV_V)
_simd_group("f64x2", ["ceil", "floor"], 0x74, _V_V)
_simd_group("i8x16", ["min_s", "min_u", "max_s", "max_u"], 0x76, _VV_V)
_simd("f64x2.trunc", 0x7A, NONE, *_V_V)
_simd("i8x16.avgr_u", 0x7B, NONE, *_VV_V)
_simd_group("i16x8", ["extadd_pairwise_i8x16_s", "extadd_pairwise_i8x16_u"], 0x7C, _V_V)
_simd_group("i32x4", ["extadd_pairwise_i16x8_s", "extadd_pairwise_i16x8_u"], 0x7E, _V_V)
# i16x8 0x80..0x9F
_simd_group("i16x8", ["abs", "neg"], 0x80, _V_V)
_simd("i16x8.q15mulr_sat_s", 0x82, NONE, *_VV_V)
_simd("i16x8.all_true", 0x83, NONE, *_V_I)
_simd("i16x8.bitmask", 0x84, NONE, *_V_I)
_simd_group("i16x8", ["narrow_i32x4_s", "narrow_i32x4_u"], 0x85, _VV_V)
_simd_group("i16x8", ["extend_low_i8x16_s", "extend_high_i8x16_s",
                      "extend_low_i8x16_u", "extend_high_i8x16_u"], 0x87, _V_V)
_simd_group("i16x8", ["shl", "shr_s", "shr_u"], 0x8B, _VI_V)
_simd_group("i16x8", ["add", "add_sat_s", "add_sat_u", "sub", "sub_sat_s", "sub_sat_u"],
            0x8E, _VV_V)
_simd("f64x2.nearest", 0x94, NONE, *_V_V)
_simd_group("i16x8", ["mul", "min_s", "min_u", "max_s", "max_u", None, "avgr_u"], 0x95, _VV_V)
_simd_group("i16x8", ["extmul_low_i8x16_s", "extmul_high_i8x16_s",
                      "extmul_low_i8x16_u", "extmul_high_i8x16_u"], 0x9C, _VV_V)
# i32x4 0xA0..0xBF
_simd_group("i32x4", ["abs", "neg"], 0xA0, _V_V)
_simd("i32x4.all_true", 0xA3, NONE, *_V_I)
_simd("i32x4.bitmask", 0xA4, NONE, *_V_I)
_simd_group("i32x4", ["extend_low_i16x8_s", "extend_high_i16x8_s",
                      "extend_low_i16x8_u", "extend_high_i16x8_u"], 0xA7, _V_V)
_simd_group("i32x4", ["shl", "shr_s", "shr_u"], 0xAB, _VI_V)
_simd("i32x4.add", 0xAE, NONE, *_VV_V)
_simd("i32x4.sub", 0xB1, NONE, *_VV_V)
_simd_group("i32x4", ["mul", "min_s", "min_u", "max_s", "max_u", "dot_i16x8_s"], 0xB5, _VV_V)
_simd_group("i32x4", ["extmul_low_i16x8_s", "extmul_high_i16x8_s",
                      "extmul_low_i16x8_u", "extmul_high_i16x8_u"], 0xBC, _VV_V)
# i64x2 0xC0..0xDF
_simd_group("i64x2", ["abs", "neg"], 0xC0, _V_V)
_simd("i64x2.all_true", 0xC3, NONE, *_V_I)
_simd("i64x2.bitmask", 0xC4, NONE, *_V_I)
_simd_group("i64x2", ["extend_low_i32x4_s", "extend_high_i32x4_s",
                      "extend_low_i32x4_u", "extend_high_i32x4_u"], 0xC7, _V_V)
_simd_group("i64x2", ["shl", "shr_s", "shr_u"], 0xCB, _VI_V)
_simd("i64x2.add", 0xCE, NONE, *_VV_V)
_simd("i64x2.sub", 0xD1, NONE, *_VV_V)
_simd("i64x2.mul", 0xD5, NONE, *_VV_V)
_simd_group("i64x2", ["eq", "ne", "lt_s", "gt_s", "le_s", "ge_s"], 0xD6, _VV_V)
_simd_group("i64x2", ["extmul_low_i32x4_s", "extmul_high_i32x4_s",
                      "extmul_low_i32x4_u", "extmul_high_i32x4_u"], 0xDC, _VV_V)
# floating point 0xE0..0xFF
_simd_group("f32x4", ["abs", "neg"], 0xE0, _V_V)
_simd("f32x4.sqrt", 0xE3, NONE, *_V_V)
_simd_group("f32x4", ["add", "sub", "mul", "div", "min", "max", "pmin", "pmax"], 0xE4, _VV_V)
_simd_group("f64x2", ["abs", "neg"], 0xEC, _V_V)
_simd("f64x2.sqrt", 0xEF, NONE, *_V_V)
_simd_group("f64x2", ["add", "sub", "mul", "div", "min", "max", "pmin", "pmax"], 0xF0, _VV_V)
_simd_group("i32x4", ["trunc_sat_f32x4_s", "trunc_sat_f32x4_u"], 0xF8, _V_V)
_simd_group("f32x4", ["convert_i32x4_s", "convert_i32x4_u"], 0xFA, _V_V)
_simd_group("i32x4", ["trunc_sat_f64x2_s_zero", "trunc_sat_f64x2_u_zero"], 0xFC, _V_V)
_simd_group("f64x2", ["convert_low_i32x4_s", "convert_low_i32x4_u"], 0xFE, _V_V)

# -- 0xFD 0x100..0x113: relaxed SIMD (Wasm 3.0) ---------------------------------------------
for _i, (_name, _sig) in enumerate([
    ("i8x16.relaxed_swizzle", _VV_V),
    ("i32x4.relaxed_trunc_f32x4_s", _V_V), ("i32x4.relaxed_trunc_f32x4_u", _V_V),
    ("i32x4.relaxed_trunc_f64x2_s_zero", _V_V), ("i32x4.relaxed_trunc_f64x2_u_zero", _V_V),
    ("f32x4.relaxed_madd", _VVV_V), ("f32x4.relaxed_nmadd", _VVV_V),
    ("f64x2.relaxed_madd", _VVV_V), ("f64x2.relaxed_nmadd", _VVV_V),
    ("i8x16.relaxed_laneselect", _VVV_V), ("i16x8.relaxed_laneselect", _VVV_V),
    ("i32x4.relaxed_laneselect", _VVV_V), ("i64x2.relaxed_laneselect", _VVV_V),
    ("f32x4.relaxed_min", _VV_V), ("f32x4.relaxed_max", _VV_V),
    ("f64x2.relaxed_min", _VV_V), ("f64x2.relaxed_max", _VV_V),
    ("i16x8.relaxed_q15mulr_s", _VV_V), ("i16x8.relaxed_dot_i8x16_i7x16_s", _VV_V),
    ("i32x4.relaxed_dot_i8x16_i7x16_add_s", _VVV_V),
]):
    _op(_name, 0x100 + _i, NONE, *_sig, prefix=PREFIX_FD, feature="relaxed-simd")

# -- C templates -------------------------------------------------------------------------------
# A template is a C expression over the operands {0}, {1}, ... (bottom of the
# stack first) and, for memory instructions, {mem} (the memory's base and size
# locals) and {offset}; {imm} is the immediate (an index) and {lane} the lane
# index of a lane instruction.  Instructions with a result are emitted as
# `dst = <expr>;`, the others as `<expr>;`.  Semantics live in runtime_c/w2c_rt.h:
# anything beyond a plain C operator is a `w2c_` helper there.  So a new
# instruction of that shape is its row and template here (plus, where needed,
# one runtime helper).  Instructions without a template (control, variables,
# calls, tables, constants) are emitted by w2c/emit/body.py and body_ops.py.
_C: dict[str, str] = {"nop": ""}


def _c_int(t: str, bits: int) -> None:
    s = "int32_t" if bits == 32 else "int64_t"
    u = "uint32_t" if bits == 32 else "uint64_t"
    _C.update({
        f"{t}.eqz": "{0} == 0", f"{t}.eq": "{0} == {1}", f"{t}.ne": "{0} != {1}",
        f"{t}.lt_s": f"({s}){{0}} < ({s}){{1}}", f"{t}.lt_u": "{0} < {1}",
        f"{t}.gt_s": f"({s}){{0}} > ({s}){{1}}", f"{t}.gt_u": "{0} > {1}",
        f"{t}.le_s": f"({s}){{0}} <= ({s}){{1}}", f"{t}.le_u": "{0} <= {1}",
        f"{t}.ge_s": f"({s}){{0}} >= ({s}){{1}}", f"{t}.ge_u": "{0} >= {1}",
        f"{t}.add": f"({u})({{0}} + {{1}})", f"{t}.sub": f"({u})({{0}} - {{1}})",
        f"{t}.mul": f"({u})({{0}} * {{1}})",
        f"{t}.and": "{0} & {1}", f"{t}.or": "{0} | {1}", f"{t}.xor": "{0} ^ {1}",
        f"{t}.shl": f"({u})({{0}} << ({{1}} & {bits - 1}))",
        f"{t}.shr_u": f"{{0}} >> ({{1}} & {bits - 1})",
    })
    for op in ("clz", "ctz", "popcnt", "div_s", "div_u", "rem_s", "rem_u", "shr_s", "rotl", "rotr"):
        n = 1 if op in ("clz", "ctz", "popcnt") else 2
        _C[f"{t}.{op}"] = f"w2c_{t}_{op}(" + ", ".join(f"{{{i}}}" for i in range(n)) + ")"


def _c_float(t: str) -> None:
    _C.update({f"{t}.{op}": f"{{0}} {sym} {{1}}" for op, sym in
               [("eq", "=="), ("ne", "!="), ("lt", "<"), ("gt", ">"), ("le", "<="), ("ge", ">=")]})
    _C.update({f"{t}.{op}": f"{{0}} {sym} {{1}}" for op, sym in
               [("add", "+"), ("sub", "-"), ("mul", "*"), ("div", "/")]})
    for op in ("abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt"):
        _C[f"{t}.{op}"] = f"w2c_{t}_{op}({{0}})"
    for op in ("min", "max", "copysign"):
        _C[f"{t}.{op}"] = f"w2c_{t}_{op}({{0}}, {{1}})"


_c_int("i32", 32)
_c_int("i64", 64)
_c_float("f32")
_c_float("f64")
_C.update({
    "i32.wrap_i64": "(uint32_t){0}",
    "i64.extend_i32_s": "(uint64_t)(int64_t)(int32_t){0}", "i64.extend_i32_u": "(uint64_t){0}",
    "f32.convert_i32_s": "(float)(int32_t){0}", "f32.convert_i32_u": "(float){0}",
    "f32.convert_i64_s": "(float)(int64_t){0}", "f32.convert_i64_u": "w2c_f32_convert_i64_u({0})",
    "f64.convert_i32_s": "(double)(int32_t){0}", "f64.convert_i32_u": "(double){0}",
    "f64.convert_i64_s": "(double)(int64_t){0}", "f64.convert_i64_u": "w2c_f64_convert_i64_u({0})",
    "f32.demote_f64": "w2c_f32_demote_f64({0})", "f64.promote_f32": "w2c_f64_promote_f32({0})",
    "i32.reinterpret_f32": "w2c_i32_reinterpret_f32({0})",
    "i64.reinterpret_f64": "w2c_i64_reinterpret_f64({0})",
    "f32.reinterpret_i32": "w2c_f32_reinterpret_i32({0})",
    "f64.reinterpret_i64": "w2c_f64_reinterpret_i64({0})",
    "i32.extend8_s": "(uint32_t)(int32_t)(int8_t){0}",
    "i32.extend16_s": "(uint32_t)(int32_t)(int16_t){0}",
    "i64.extend8_s": "(uint64_t)(int64_t)(int8_t){0}",
    "i64.extend16_s": "(uint64_t)(int64_t)(int16_t){0}",
    "i64.extend32_s": "(uint64_t)(int64_t)(int32_t){0}",
    "memory.fill": "w2c_memory_fill({mem}, {0}, {1}, {2})",
    "memory.copy": "w2c_memory_copy({mem}, {0}, {1}, {2})",
    "memory.size": "w2c_memory_pages(inst->mem{imm})",
    "data.drop": "inst->data_dropped[{imm}] = 1",
    "elem.drop": "inst->elem_dropped[{imm}] = 1",
    "atomic.fence": "w2c_atomic_fence()",
    # several results: {r0}, {r1}, ... are the result slots, written by the helper
    "i64.add128": "w2c_i64_add128(&{r0}, &{r1}, {0}, {1}, {2}, {3})",
    "i64.sub128": "w2c_i64_sub128(&{r0}, &{r1}, {0}, {1}, {2}, {3})",
    "i64.mul_wide_s": "w2c_i64_mul_wide_s(&{r0}, &{r1}, {0}, {1})",
    "i64.mul_wide_u": "w2c_i64_mul_wide_u(&{r0}, &{r1}, {0}, {1})",
})
# GC (runtime_c/w2c_gc.h): statements; {r} is the result slot, and the fields
# of the type immediate are w2c.emit.gc's: {T} the struct's C type, {f} the
# field, {ft} / {et} the field's or element's C storage type, {bits} a packed
# one's width, {rtt} the run-time type, {seg} a data or element segment,
# {fn}/{targs} a cast's test and target.
_C.update({
    "ref.eq": "{r} = (uint32_t)({0} == {1})",
    "ref.i31": "{r} = w2c_gc_ref_i31({0})",
    "i31.get_s": "{r} = w2c_gc_i31_get_s({0})", "i31.get_u": "{r} = w2c_gc_i31_get_u({0})",
    "any.convert_extern": "{r} = w2c_gc_any_convert_extern({0})",
    "extern.convert_any": "{r} = w2c_gc_extern_convert_any({0})",
    "struct.new": "{r} = {new}({args})",
    "struct.new_default": "{r} = w2c_gc_new({rtt}, sizeof({T}))",
    "struct.get": "{r} = W2C_GC_STRUCT({T}, {0})->f{f}",
    "struct.get_s": "{r} = w2c_gc_sext{bits}(W2C_GC_STRUCT({T}, {0})->f{f})",
    "struct.get_u": "{r} = (uint32_t)W2C_GC_STRUCT({T}, {0})->f{f}",
    "struct.set": "W2C_GC_STRUCT({T}, {0})->f{f} = ({ft}){1}",
    "array.new": "{r} = {anew}({0}, {1})",
    "array.new_default": "{r} = w2c_gc_array_new({rtt}, {0}, sizeof({et}))",
    "array.new_fixed": "{r} = w2c_gc_array_from({rtt}, {n}u, sizeof({et}), {items})",
    "array.new_data": "{r} = w2c_gc_array_new_data({rtt}, sizeof({et}), {seg}, {0}, {1})",
    "array.new_elem": "W2C_GC_ARRAY_NEW_ELEM({r}, {et}, {rtt}, {seg}, {0}, {1})",
    "array.get": "{r} = *({et} *)w2c_gc_array_at({0}, {1}, sizeof({et}))",
    "array.get_s": "{r} = w2c_gc_sext{bits}(*({et} *)w2c_gc_array_at({0}, {1}, sizeof({et})))",
    "array.get_u": "{r} = (uint32_t)*({et} *)w2c_gc_array_at({0}, {1}, sizeof({et}))",
    "array.set": "*({et} *)w2c_gc_array_at({0}, {1}, sizeof({et})) = ({et}){2}",
    "array.len": "{r} = w2c_gc_array_len({0})",
    "array.fill": "W2C_GC_ARRAY_FILL({et}, {0}, {1}, {2}, {3})",
    "array.copy": "w2c_gc_array_copy({0}, {1}, {2}, {3}, {4}, sizeof({et}))",
    "array.init_data": "w2c_gc_array_init_data({0}, {1}, sizeof({et}), {seg}, {2}, {3})",
    "array.init_elem": "W2C_GC_ARRAY_INIT_ELEM({et}, {0}, {1}, {seg}, {2}, {3})",
    "ref.test": "{r} = {fn}({0}, {targs})", "ref.test_null": "{r} = {fn}({0}, {targs})",
    "ref.cast": "{r} = {fn}({0}, {targs})", "ref.cast_null": "{r} = {fn}({0}, {targs})",
})
# The GC instructions whose C differs for a v128 field or element (stored
# unaligned, {ft}/{et} w2c_gc_v128, read and written by memcpy: w2c_gc_ops.h);
# the others' templates serve as they are.
GC_V128_C = {
    "struct.get": "{r} = w2c_gc_v128_get(&W2C_GC_STRUCT({T}, {0})->f{f})",
    "struct.set": "w2c_gc_v128_set(&W2C_GC_STRUCT({T}, {0})->f{f}, {1})",
    "array.get": "{r} = w2c_gc_v128_get(w2c_gc_array_at({0}, {1}, sizeof({et})))",
    "array.set": "w2c_gc_v128_set(w2c_gc_array_at({0}, {1}, sizeof({et})), {2})",
    "array.fill": "w2c_gc_v128_fill({0}, {1}, {2}, {3})",
}
for _t in ("i32", "i64"):
    for _f in ("f32", "f64"):
        for _sg in ("s", "u"):
            _C[f"{_t}.trunc_{_f}_{_sg}"] = f"w2c_{_t}_trunc_{_f}_{_sg}({{0}})"
            _C[f"{_t}.trunc_sat_{_f}_{_sg}"] = f"w2c_{_t}_trunc_sat_{_f}_{_sg}({{0}})"
# SIMD (runtime_c/w2c_simd.h): every instruction is the call w2c_<name>, its
# operands in stack order, then its immediates: {lane} (a lane index),
# {shuffle} (the 16 lane indices of i8x16.shuffle, comma-separated) and
# {lo}, {hi} (v128.const's bytes 0-7 and 8-15 as UINT64_C literals).
_C["v128.const"] = "w2c_v128_const({lo}, {hi})"
_C["i8x16.shuffle"] = "w2c_i8x16_shuffle({0}, {1}, {shuffle})"
for _o in OPS:
    fn = "w2c_" + _o.name.replace(".", "_")
    if _o.imm == MEMARG and _o.params is not None:
        # i32.load8_s -> w2c_i32_load8_s(mem, size, addr, offset); stores add the value,
        # the atomics their other operands (memory.atomic.wait: and whether the memory
        # is shared, {shared})
        args = "{mem}, {0}, {offset}" + "".join(f", {{{i}}}" for i in range(1, len(_o.params)))
        if _o.name.startswith("memory.atomic.wait"):
            args += ", {shared}"
        _C[_o.name] = f"{fn}({args})"
    elif _o.imm == MEMARG_LANE:
        _C[_o.name] = f"{fn}({{mem}}, {{0}}, {{offset}}, {{1}}, {{lane}})"
    elif _o.feature in ("simd", "relaxed-simd") and _o.params is not None and _o.name not in _C:
        ops = [f"{{{i}}}" for i in range(len(_o.params))]
        if _o.imm == LANE:
            ops.insert(1, "{lane}")      # (v, lane) or (v, lane, x)
        _C[_o.name] = f"{fn}({', '.join(ops)})"
OPS[:] = [replace(o, c=_C[o.name]) if o.name in _C else o for o in OPS]
del _t, _f, _sg, _o, fn

# -- lookup structures -------------------------------------------------------------------------
SINGLE: list[Op | None] = [None] * 256
PREFIXED: dict[int, dict[int, Op]] = {PREFIX_FB: {}, PREFIX_FC: {}, PREFIX_FD: {}, PREFIX_FE: {}}
BY_NAME: dict[str, Op] = {}
for _o in OPS:
    if _o.name in BY_NAME:
        raise AssertionError(f"duplicate opcode name {_o.name}")
    BY_NAME[_o.name] = _o
    if _o.prefix is None:
        assert SINGLE[_o.code] is None, _o
        SINGLE[_o.code] = _o
    else:
        assert _o.code not in PREFIXED[_o.prefix], _o
        PREFIXED[_o.prefix][_o.code] = _o

# Prefix bytes: the features they belong to when no entry is known.
PREFIX_FEATURES = {PREFIX_FB: "gc", PREFIX_FC: None, PREFIX_FD: "simd", PREFIX_FE: "threads"}

# Opcodes of proposals w2c does not implement (Wasm 3.0 and later), by prefix
# (None: one-byte opcodes): (first code, last code, feature).  Only error
# messages use them, to name the feature instead of calling the module malformed.
PROPOSAL_OPCODES: dict[int | None, list[tuple[int, int, str]]] = {
    None: [(0xE0, 0xE6, "stack-switching")],      # cont.new ... switch
}


def proposal_feature(prefix: int | None, code: int) -> str | None:
    """The proposal an opcode unknown to OPS belongs to, if it is one of PROPOSAL_OPCODES."""
    for lo, hi, feature in PROPOSAL_OPCODES.get(prefix, ()):
        if lo <= code <= hi:
            return feature
    return None
