"""Decoder of function bodies and expressions, one body at a time (streaming).

    code   ::= size:u32 func            (located by decode.py as a CodeEntry)
    func   ::= (t*)*:vec(locals) e:expr
    locals ::= n:u32 t:valtype
    expr   ::= (instr)* 0x0B

decode_body() returns a body's local types and a generator of
(offset, op, immediate) over its instructions; the validator and the emitter
consume it, so only one function's instructions are alive at a time.
Immediates are read by the opcode table's `imm` kind.  Like the spec
interpreter, a body is read from the file stream and its size is checked
afterwards ("section size mismatch"), and an `else` outside an `if` is
"END opcode expected".
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from w2c import opcodes as O
from w2c.errors import DecodeError, UnsupportedFeature
from w2c.features import Features
from w2c.module import EXNREF, REF_TYPES, SEC_DATA, VALUE_TYPES, Module
from w2c.opcodes64 import addr64_instructions
from w2c.parse.reader import EOF_SECTION, Reader
from w2c.valtypes import ABSTRACT_HEAP, GC_HEAP, concrete, ref_type

# Implementation limit on the number of locals of one function (the spec allows
# up to 2^32-1; engines cap it far lower, wasmtime at 50,000).
MAX_LOCALS = 1 << 20

_SINGLE = O.SINGLE
_PREFIXED = O.PREFIXED
_BLOCK_OPENERS = {"block", "loop", "if", "try", "try_table"}
_EMPTY = ()


@dataclass
class Body:
    index: int          # function index (imports included)
    locals: list[int]   # declared local types (parameters not included)
    reader: Reader      # positioned at the first instruction
    end: int            # buffer position one past the body


# func ::= (t*)*:vec(locals) e:expr
def decode_body(module: Module, defined_index: int, features: Features) -> Body:
    entry = module.codes[defined_index]
    r = Reader(module.data, 0, EOF_SECTION)
    r.pos = entry.offset
    locals_ = decode_locals(r, entry.offset + entry.size, features)
    return Body(module.num_imported_funcs + defined_index, locals_, r,
                entry.offset + entry.size)


# valtype ::= numtype | vectype | reftype
def decode_valtype(r: Reader, features: Features | None = None) -> int:
    pos = r.pos
    t = r.u8()
    if t not in VALUE_TYPES:
        if t == EXNREF and features is not None and "exceptions" in features:
            return t
        if features is not None and "function-references" in features:
            return _typed_ref(r, pos, t, features, "malformed value type")
        raise type_error(r, pos, "malformed value type")
    return t


# reftype ::= 0x70 (funcref) | 0x6F (externref) | 0x69 (exnref, exceptions)
#           | 0x63 ht:heaptype (ref null ht) | 0x64 ht:heaptype (ref ht)
#           | a one-byte abstract heap type ht (ref null ht)   (function-references)
def decode_reftype(r: Reader, features: Features | None = None) -> int:
    pos = r.pos
    t = r.u8()
    if t not in REF_TYPES:
        if t == EXNREF and features is not None and "exceptions" in features:
            return t
        if features is not None and "function-references" in features:
            return _typed_ref(r, pos, t, features, "malformed reference type")
        raise type_error(r, pos, "malformed reference type")
    return t


def _typed_ref(r: Reader, pos: int, t: int, features: Features, malformed: str) -> int:
    """The reference type whose first byte `t` (at `pos`) is read (typed
    function references enabled)."""
    if t == 0x63 or t == 0x64:
        return ref_type(decode_heaptype(r, features), t == 0x63)
    if t in ABSTRACT_HEAP and (t not in _EXN_HEAP_TYPES or "exceptions" in features) \
            or t in GC_HEAP and "gc" in features:
        return ref_type(t, True)
    raise type_error(r, pos, malformed)


# heaptype ::= an abstract heap type (one byte) | x:s33 (a type index, x >= 0)
def decode_heaptype(r: Reader, features: Features) -> int:
    pos = r.pos
    x = r.s33()
    if x >= 0:
        return concrete(x)
    code = x + 0x80
    if code in ABSTRACT_HEAP and r.pos == pos + 1 and (
            code not in _EXN_HEAP_TYPES or "exceptions" in features):
        return code
    if code in GC_HEAP and r.pos == pos + 1:
        if "gc" in features:
            return code
        raise UnsupportedFeature("gc", r.base + pos)
    raise r.error("malformed heap type", pos)


# Type codes of Wasm 3.0 proposals (error messages only): the abstract heap
# types of GC (any eq i31 struct array none noextern nofunc) and of exception
# handling (exn noexn), and (ref ht) / (ref null ht) of typed function references.
_GC_HEAP_TYPES = frozenset({0x6E, 0x6D, 0x6C, 0x6B, 0x6A, 0x71, 0x72, 0x73})
_EXN_HEAP_TYPES = frozenset({0x69, 0x74})
_REF_TYPE_PREFIXES = frozenset({0x63, 0x64})


def type_error(r: Reader, pos: int, malformed: str, heap: bool = False) -> DecodeError:
    """The error for an unknown type code at `pos`: the proposal it belongs to
    (UnsupportedFeature) if it is a Wasm 3.0 type, else DecodeError(malformed).
    `heap`: a heap type (ref.null's immediate), where a type index is allowed."""
    feature = _heap_type_feature(r, pos, index_ok=heap)
    if feature is None and not heap and r.buf[pos] in _REF_TYPE_PREFIXES:
        feature = _heap_type_feature(r, pos + 1, index_ok=True)
        if feature is None and r.buf[pos + 1:pos + 2] in (b"\x70", b"\x6f"):
            feature = "function-references"
    if feature is not None:
        return UnsupportedFeature(feature, r.base + pos)
    return r.error(malformed, pos)


def _heap_type_feature(r: Reader, pos: int, index_ok: bool) -> str | None:
    if pos >= len(r.buf):
        return None
    b = r.buf[pos]
    if b in _GC_HEAP_TYPES:
        return "gc"
    if b in _EXN_HEAP_TYPES:
        return "exceptions"
    if not index_ok:
        return None
    probe = Reader(r.buf, r.base)
    probe.pos = pos
    try:
        index = probe.s33()
    except DecodeError:
        return None
    return "function-references" if index >= 0 else None


# locals ::= n:u32 t:valtype   (sum of n < 2^32)
def decode_locals(r: Reader, end: int, features: Features | None = None) -> list[int]:
    total = 0
    out: list[int] = []
    for _ in range(r.vec_len()):
        n = r.u32()
        pos = r.pos
        total += n
        if total > 0xFFFFFFFF or total > MAX_LOCALS:
            raise r.error("too many locals", pos - 1)
        out.extend([decode_valtype(r, features)] * n)
    return out


def body_instructions(body: Body, features: Features, module: Module) -> Iterator[tuple]:
    """All instructions of a body, the final `end` included; then checks the size.
    The features of its instructions are added to module.features_used."""
    instrs = decode_instructions(body.reader, features, datacount_ok(module), body.end,
                                 module.features_used)
    mem64 = module.mems_64bit()
    return addr64_instructions(instrs, mem64) if True in mem64 else instrs


def datacount_ok(module: Module) -> bool:
    """memory.init and data.drop need a data count section when there is a
    data section ("data count section required")."""
    return module.datacount is not None or not any(
        s.id == SEC_DATA for s in module.sections)


def decode_expr(r: Reader, features: Features) -> list[tuple]:
    """A constant expression's instructions as (op, imm), the final `end` excluded."""
    return [(op, imm) for _, op, imm in decode_instructions(r, features, True)][:-1]


def skip_body(body: Body, features: Features, module: Module) -> None:
    """Decode a body without validating it (to find malformed bodies)."""
    for _ in body_instructions(body, features, module):
        pass


# instr ::= opcode immediates   (prefixed opcodes: prefix:byte code:u32)
def decode_instructions(r: Reader, features: Features, has_datacount: bool,
                        end: int | None = None, used: set | None = None) -> Iterator[tuple]:
    """Instructions up to the `end` closing the expression; if `end` is given,
    the expression must finish exactly there ("section size mismatch").
    `used` collects the features of the instructions (w2c.features names):
    instructions outside the MVP and block types given by a type index
    (multi-value) all take the slow paths below, so this costs the MVP nothing.

    The position is kept in a local and handed to `r` around every call of a
    Reader method and at the end; immediates of one-byte LEB128s (most of
    them) are read in place."""
    buf = r.buf
    base = r.base
    enabled = features.enabled
    table = _TABLE
    valtype_result = _VALTYPE_RESULT    # (module globals as locals: looked up once)
    empty = _EMPTY
    if_ = _IF
    # Structure: one entry per open block, True while it is an `if` with no `else` yet.
    open_ifs: list[bool] = []
    imm: int | tuple | bytes | None   # by the opcode's immediate kind (IMMEDIATE_DECODERS)
    pos = r.pos
    while True:
        start = pos
        try:
            op, kind = table[buf[pos]]
            pos += 1
            if kind == _K_U32:          # local.*, global.*, call, br, br_if
                b = buf[pos]
                if b < 0x80:
                    pos += 1
                    imm = b
                elif buf[pos + 1] < 0x80:    # two bytes: no range check needed
                    imm = (b & 0x7F) | buf[pos + 1] << 7
                    pos += 2
                else:
                    r.pos = pos
                    imm = r.u32()
                    pos = r.pos
            elif kind == _K_NONE:
                imm = None
            elif kind == _K_I32:
                b = buf[pos]
                if b < 0x80:
                    pos += 1
                    imm = b - 0x80 if b & 0x40 else b
                elif buf[pos + 1] < 0x80:
                    imm = (b & 0x7F) | buf[pos + 1] << 7
                    if imm & 0x2000:
                        imm -= 0x4000
                    pos += 2
                else:
                    r.pos = pos
                    imm = r.s32()
                    pos = r.pos
            elif kind == _K_END:
                imm = None
                if not open_ifs:
                    r.pos = pos
                    if end is not None and pos != end:
                        raise r.error("section size mismatch")
                    r.last = base + start
                    yield start, op, None
                    return
                open_ifs.pop()
            elif kind == _K_BLOCK:
                b = buf[pos]
                if b == 0x40:
                    pos += 1
                    imm = empty
                elif b in valtype_result:
                    pos += 1
                    imm = valtype_result[b]
                else:
                    r.pos = pos
                    imm = decode_blocktype(r, features)
                    pos = r.pos
                    if used is not None and imm.__class__ is int:
                        used.add("multi-value")
                open_ifs.append(op is if_)
            elif kind == _K_ELSE:
                imm = None
                if not open_ifs or not open_ifs[-1]:
                    r.pos = pos
                    raise r.error("END opcode expected", start)
                open_ifs[-1] = False
            elif kind == _K_MEMARG:
                flags = buf[pos]
                offset = buf[pos + 1] if flags < 32 else 0x80
                if offset < 0x80:
                    pos += 2
                    imm = (flags, offset, 0)
                else:
                    r.pos = pos
                    imm = decode_memarg(r, features)
                    pos = r.pos
            elif kind == _K_I64:
                b = buf[pos]
                if b < 0x80:
                    pos += 1
                    imm = b - 0x80 if b & 0x40 else b
                else:
                    r.pos = pos
                    imm = r.s64()
                    pos = r.pos
            elif kind == _K_F32 and pos + 4 <= len(buf):
                imm = int.from_bytes(buf[pos:pos + 4], "little")
                pos += 4
            elif kind == _K_F64 and pos + 8 <= len(buf):
                imm = int.from_bytes(buf[pos:pos + 8], "little")
                pos += 8
            else:
                if op is None:       # a prefix, an unknown opcode or a disabled feature
                    r.pos = pos
                    op = _SINGLE[buf[start]]
                    if op is None:
                        op = decode_prefixed(r, buf[start])
                    if op.feature is not None:
                        if op.feature not in enabled:
                            raise UnsupportedFeature(op.feature, base + start)
                        if used is not None:
                            used.add(op.feature)
                    pos = r.pos
                ikind = op.imm
                r.pos = pos
                if ikind is O.BLOCK:     # (prefixed blocks: none in 2.0); try (legacy exceptions)
                    imm = decode_blocktype(r, features)
                    open_ifs.append(op is if_)
                else:
                    imm = IMMEDIATE_DECODERS[ikind](r, features)
                    if ikind is O.MEMORY_INIT or ikind is O.DATA or ikind is O.TYPE_DATA:
                        if not has_datacount:
                            raise r.error("data count section required", start)
                    elif ikind is O.TRY_TABLE:
                        open_ifs.append(False)
                    elif op is _DELEGATE:    # ends its try (legacy exceptions)
                        if not open_ifs:
                            raise r.error("illegal opcode", start)
                        open_ifs.pop()
                pos = r.pos
        except IndexError:     # bytes are read in order: the first one missing is the end
            r.pos = len(buf)
            raise r.eof() from None
        r.last = base + start
        yield start, op, imm


# Kinds of immediates the decoding loop reads in place (the rest: _K_OTHER).
# (Final: compiled by mypyc, scripts/build-accelerated, they are constants.)
_K_U32: Final = 0
_K_NONE: Final = 1
_K_I32: Final = 2
_K_END: Final = 3
_K_BLOCK: Final = 4
_K_ELSE: Final = 5
_K_MEMARG: Final = 6
_K_I64: Final = 7
_K_F32: Final = 8
_K_F64: Final = 9
_K_OTHER: Final = 10
_IF = O.BY_NAME["if"]
_DELEGATE = O.BY_NAME["delegate"]
_VALTYPE_RESULT = {t: (t,) for t in VALUE_TYPES}


def _loop_kind(op: O.Op) -> int:
    kind = op.imm
    if kind is O.LOCAL or kind is O.LABEL or kind is O.FUNC or kind is O.GLOBAL:
        return _K_U32
    if kind is O.NONE:
        return {"end": _K_END, "else": _K_ELSE}.get(op.name, _K_NONE)
    return {O.I32C: _K_I32, O.BLOCK: _K_BLOCK, O.MEMARG: _K_MEMARG, O.I64C: _K_I64,
            O.F32C: _K_F32, O.F64C: _K_F64}.get(kind, _K_OTHER)


# (op, kind) for each first byte: op None (kind _K_OTHER) for prefixes,
# unknown opcodes and opcodes outside the MVP (the slow path reports a
# disabled feature and records the others' features).
_TABLE: list[tuple[O.Op | None, int]] = [(None, _K_OTHER) if op is None or op.feature is not None
                         else (op, _loop_kind(op)) for op in _SINGLE]


def decode_prefixed(r: Reader, prefix: int) -> O.Op:
    start = r.pos - 1
    table = _PREFIXED.get(prefix)
    if table is None:
        feature = O.PREFIX_FEATURES.get(prefix) or O.proposal_feature(None, prefix)
        if feature is not None:
            raise UnsupportedFeature(feature, r.base + start)
        raise r.error("illegal opcode", start)
    code = r.u32()
    op = table.get(code)
    if op is None:
        feature = O.proposal_feature(prefix, code)
        if feature is not None:
            raise UnsupportedFeature(feature, r.base + start)
        raise r.error("illegal opcode", start)
    return op


# blocktype ::= 0x40 | t:valtype | x:s33
def decode_blocktype(r: Reader, features: Features | None = None) -> tuple | int:
    """() or (t,) for inline result types, or a type index (int)."""
    pos = r.pos
    b = r.u8()
    if b == 0x40:
        return _EMPTY
    if b in VALUE_TYPES or b == EXNREF and features is not None and "exceptions" in features:
        return (b,)
    r.pos = pos
    if features is not None and "function-references" in features and (
            b == 0x63 or b == 0x64 or b in ABSTRACT_HEAP or b in GC_HEAP and "gc" in features):
        return (decode_valtype(r, features),)
    x = r.s33()
    if x < 0:
        raise type_error(r, pos, "malformed value type")
    return x


# memarg ::= a:u32 o:u32   (multi-memory: a has bit 6 set and x:memidx follows a;
#                           memory64: o:u64, validated against the address type)
def decode_memarg(r: Reader, features: Features) -> tuple:
    pos = r.pos
    flags = r.u32()
    mem = 0
    if flags >= 0x40:
        if flags >= 0x80:
            raise r.error("malformed memop flags", pos)
        if "multi-memory" not in features:
            raise UnsupportedFeature("multi-memory", r.base + pos)
        flags -= 0x40
        mem = r.u32()
    if flags >= 32 and "multi-memory" not in features:
        # 2.0 calls 2**32 and above malformed; with multi-memory (as in 3.0)
        # any alignment below the memory-index bit decodes, and is invalid
        raise r.error("malformed memop flags", pos)
    return (flags, r.u64() if "memory64" in features else r.u32(), mem)


# 2.0: memory.size/grow/fill carry one byte that must be zero (a memidx with multi-memory)
def decode_memidx(r: Reader, features: Features) -> int:
    pos = r.pos
    if "multi-memory" in features:
        return r.u32()
    if r.u8() != 0:
        raise r.error("zero byte expected", pos)
    return 0


def _u32(r: Reader, features: Features) -> int:
    return r.u32()


def _br_table(r: Reader, features: Features) -> tuple:
    labels = tuple(r.u32() for _ in range(r.vec_len()))
    return (labels, r.u32())


def _two_u32(r: Reader, features: Features) -> tuple:
    return (r.u32(), r.u32())


def _select_t(r: Reader, features: Features) -> tuple:
    return tuple(decode_valtype(r, features) for _ in range(r.vec_len()))


def _reftype(r: Reader, features: Features) -> int:
    """ref.null's heap type: funcref or externref (a type index or another
    heap type is a Wasm 3.0 proposal's)."""
    pos = r.pos
    if "function-references" in features:
        return ref_type(decode_heaptype(r, features), True)
    t = r.u8()
    if t not in REF_TYPES:
        if t == EXNREF and "exceptions" in features:
            return t
        raise type_error(r, pos, "malformed reference type", heap=True)
    return t


def _memory_init(r: Reader, features: Features) -> tuple:
    seg = r.u32()
    return (seg, decode_memidx(r, features))


def _memory_copy(r: Reader, features: Features) -> tuple:
    return (decode_memidx(r, features), decode_memidx(r, features))


def _f32(r: Reader, features: Features) -> int:
    return r.f32_bits()


def _f64(r: Reader, features: Features) -> int:
    return r.f64_bits()


def _v128(r: Reader, features: Features) -> bytes:
    return r.bytes(16)


def _lane(r: Reader, features: Features) -> int:
    return r.u8()


def _fence(r: Reader, features: Features) -> None:
    pos = r.pos
    if r.u8() != 0:
        raise r.error("malformed atomic.fence flags", pos)


def _memarg_lane(r: Reader, features: Features) -> tuple:
    return decode_memarg(r, features) + (r.u8(),)


# try_table's immediate: bt:blocktype c*:vec(catch)
# catch ::= 0x00 x:tagidx l:labelidx     (catch)
#         | 0x01 x:tagidx l:labelidx     (catch_ref)
#         | 0x02 l:labelidx              (catch_all)
#         | 0x03 l:labelidx              (catch_all_ref)
def decode_try_table(r: Reader, features: Features) -> tuple:
    """(blocktype, ((kind, tag or None, label), ...)), kind 0-3 as encoded."""
    bt = decode_blocktype(r, features)
    catches = []
    for _ in range(r.vec_len()):
        pos = r.pos
        kind = r.u8()
        if kind > 3:
            raise r.error("malformed catch clause", pos)
        tag = r.u32() if kind < 2 else None
        catches.append((kind, tag, r.u32()))
    return (bt, tuple(catches))


# br_on_cast(_fail)'s immediate: flags:u8 l:labelidx ht1:heaptype ht2:heaptype,
# flags bit 0: ht1 nullable, bit 1: ht2 nullable (GC)
def decode_br_on_cast(r: Reader, features: Features) -> tuple:
    """(label, source reference type, target reference type)."""
    pos = r.pos
    flags = r.u8()
    if flags > 3:
        raise r.error("malformed br_on_cast flags", pos)
    label = r.u32()
    rt1 = ref_type(decode_heaptype(r, features), bool(flags & 1))
    return (label, rt1, ref_type(decode_heaptype(r, features), bool(flags & 2)))


IMMEDIATE_DECODERS = {
    O.NONE: lambda r, f: None, O.BLOCK: lambda r, f: decode_blocktype(r),
    O.LABEL: _u32, O.BR_TABLE: _br_table, O.FUNC: _u32, O.CALL_INDIRECT: _two_u32,
    O.LOCAL: _u32, O.GLOBAL: _u32, O.TABLE: _u32, O.MEMARG: decode_memarg,
    O.MEMIDX: decode_memidx, O.I32C: lambda r, f: r.s32(), O.I64C: lambda r, f: r.s64(),
    O.F32C: _f32, O.F64C: _f64, O.SELECT_T: _select_t, O.REFTYPE: _reftype,
    O.MEMORY_INIT: _memory_init, O.DATA: _u32, O.MEMORY_COPY: _memory_copy,
    O.ELEM: _u32, O.TABLE_INIT: _two_u32, O.TABLE_COPY: _two_u32, O.V128C: _v128,
    O.SHUFFLE: _v128, O.LANE: _lane, O.MEMARG_LANE: _memarg_lane,
    O.TRY_TABLE: decode_try_table, O.TAG: _u32, O.TYPE: _u32, O.FENCE: _fence,
    O.TYPE_FIELD: _two_u32, O.TYPE_SIZE: _two_u32, O.TYPE_DATA: _two_u32,
    O.TYPE_ELEM: _two_u32, O.TYPE_TYPE: _two_u32, O.HEAPTYPE: decode_heaptype,
    O.BR_ON_CAST: decode_br_on_cast,
}
