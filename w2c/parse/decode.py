"""Decoder of the module-level binary format (first stage of the pipeline).

Reads the preamble and every section into a w2c.module.Module.  Function
bodies are only located here (CodeEntry); w2c.parse.code decodes them one at
a time.  Each function is named after the spec production it decodes, with
the grammar above it.  Nothing is allocated from a count before the bytes for
it are there: vectors grow as their elements are read.
"""
from __future__ import annotations

from w2c.errors import DecodeError, UnsupportedFeature
from w2c.features import Features
from w2c.module import (
    EXT_FUNC,
    EXT_GLOBAL,
    EXT_MEMORY,
    EXT_TABLE,
    EXT_TAG,
    FUNCREF,
    SEC_CODE,
    SEC_CUSTOM,
    SEC_DATA,
    SEC_DATACOUNT,
    SEC_ELEMENT,
    SEC_EXPORT,
    SEC_FUNCTION,
    SEC_GLOBAL,
    SEC_IMPORT,
    SEC_MEMORY,
    SEC_START,
    SEC_TABLE,
    SEC_TAG,
    SEC_TYPE,
    CodeEntry,
    ConstExpr,
    Data,
    Elem,
    Export,
    FuncType,
    Global,
    GlobalType,
    Import,
    Limits,
    MemType,
    Module,
    Section,
    TableType,
)
from w2c.parse.code import decode_expr, decode_reftype, decode_valtype
from w2c.parse.decode_types import decode_types
from w2c.parse.names import decode_name_section
from w2c.parse.order import decode_errors_first
from w2c.parse.reader import EOF_FILE, EOF_SECTION, Reader
from w2c.valtypes import REF_BASE, concrete, heap_of, nullable, ref_type, type_index

MAGIC = b"\0asm"
VERSION = b"\x01\0\0\0"

# Position of each section id in the required order (custom sections anywhere).
SECTION_ORDER = {SEC_TYPE: 1, SEC_IMPORT: 2, SEC_FUNCTION: 3, SEC_TABLE: 4,
                 SEC_MEMORY: 5, SEC_TAG: 6, SEC_GLOBAL: 7, SEC_EXPORT: 8,
                 SEC_START: 9, SEC_ELEMENT: 10, SEC_DATACOUNT: 11, SEC_CODE: 12,
                 SEC_DATA: 13}


def decode_module(data: bytes, features: Features) -> Module:
    """module ::= magic version section*"""
    m = Module(data=bytes(data))
    with decode_errors_first(m, features, decoding=True):   # a malformed body comes first
        decode_sections(m, features)
    return m


def decode_sections(m: Module, features: Features) -> None:
    r = Reader(m.data)
    decode_preamble(r)
    last = 0
    while not r.at_end():
        sec_start = r.offset
        sec_id = r.u8()
        size = r.u32()
        if sec_id not in SECTION_ORDER and sec_id != SEC_CUSTOM:
            raise DecodeError("malformed section id", sec_start)
        if sec_id == SEC_TAG and "exceptions" not in features:
            raise UnsupportedFeature("exceptions", sec_start)
        content = r.pos
        if size > r.remaining():
            raise r.error("length out of bounds")
        section = Section(sec_id, sec_start, content, size)
        if sec_id == SEC_CUSTOM:
            decode_customsec(r.sub(size), m, section)
            m.sections.append(section)
            continue
        order = SECTION_ORDER[sec_id]
        if order <= last:
            raise DecodeError("unexpected content after last section", sec_start)
        last = order
        m.sections.append(section)
        # Like the spec interpreter, read from the stream and check the size after.
        r.eof_msg = EOF_SECTION
        SECTION_DECODERS[sec_id](r, m, features)
        r.eof_msg = EOF_FILE
        if r.pos != content + size:
            raise r.error("section size mismatch", content + size
                          if r.pos > content + size else r.pos)
    if len(m.codes) != len(m.funcs):
        raise DecodeError("function and code section have inconsistent lengths", r.offset)
    if m.datacount is not None and m.datacount != len(m.datas):
        raise DecodeError("data count and data section have inconsistent lengths", r.offset)


# magic ::= 0x00 0x61 0x73 0x6D    version ::= 0x01 0x00 0x00 0x00
def decode_preamble(r: Reader) -> None:
    if len(r.buf) < 4:
        raise r.error("unexpected end", len(r.buf))
    if r.buf[:4] != MAGIC:
        raise r.error("magic header not detected")
    if len(r.buf) < 8:
        raise r.error("unexpected end", len(r.buf))
    if r.buf[4:8] != VERSION:
        raise r.error("unknown binary version", 4)
    r.pos = 8


# -- types -----------------------------------------------------------------------------

# limits ::= 0x00 n:u32 | 0x01 n:u32 m:u32
#          (+ 0x02/0x03 shared (threads), 0x04-0x07 i64 (memory64: memories and
#             tables; then n and m are u64),
#             bit 3: page size log2 follows (custom-page-sizes))
def decode_limits(r: Reader, features: Features, memory: bool) -> Limits:
    pos = r.pos
    flags = r.u8()
    if flags & 0x80:
        raise r.error("integer representation too long", pos)
    allowed = 0x01
    if memory:
        for bit, feature in _LIMIT_FLAG_FEATURES:
            if feature in features:
                allowed |= bit
    elif "memory64" in features:   # (table64 is part of memory64)
        allowed |= 0x04
    if flags & ~allowed or flags & 0x03 == 0x02:   # (a shared memory has a maximum)
        raise _limits_error(r, pos, flags, features, memory)
    is64 = bool(flags & 0x04)
    read = r.u64 if is64 else r.u32
    lo = read()
    hi = read() if flags & 0x01 else None
    page_size = 65536
    if flags & 0x08:
        log2 = r.u32()
        if log2 not in (0, 16):
            raise r.error("invalid custom page size")
        page_size = 1 << log2
    return Limits(lo, hi, bool(flags & 0x02), is64, page_size)


_LIMIT_FLAG_FEATURES = [(0x02, "threads"), (0x04, "memory64"), (0x08, "custom-page-sizes")]


def _limits_error(r: Reader, pos: int, flags: int, features: Features, memory: bool):
    """Flags of Wasm 3.0 or the threads proposal name the feature
    (UnsupportedFeature): a 64-bit memory or table (memory64), a shared
    memory with a maximum (threads).  Other flags are malformed; a custom page
    size (not in 3.0, and its own encoding) with a hint to enable it."""
    what = "memory" if memory else "table"
    known = 0x07 if memory else 0x05
    shared_ok = not flags & 0x02 or flags & 0x01    # a shared memory has a maximum
    if memory and not flags & ~known and not shared_ok and "threads" in features:
        return r.error("shared memory must have maximum", pos)
    if not flags & ~known and shared_ok:
        if flags & 0x04 and "memory64" not in features:
            return UnsupportedFeature(f"memory64 (a 64-bit {what})", r.base + pos)
        if flags & 0x02 and "threads" not in features:
            return UnsupportedFeature("threads (a shared memory)", r.base + pos)
    hint = " (a custom page size needs --enable-custom-page-sizes)" \
        if memory and flags & 0x08 and "custom-page-sizes" not in features else ""
    return r.error(f"integer too large: limits flags 0x{flags:02x}{hint}", pos)


# tabletype ::= et:reftype lim:limits
def decode_tabletype(r: Reader, features: Features) -> TableType:
    et = decode_reftype(r, features)
    return TableType(et, decode_limits(r, features, memory=False))


# memtype ::= lim:limits
def decode_memtype(r: Reader, features: Features) -> MemType:
    return MemType(decode_limits(r, features, memory=True))


# globaltype ::= t:valtype m:mut    mut ::= 0x00 | 0x01
def decode_globaltype(r: Reader, features: Features) -> GlobalType:
    t = decode_valtype(r, features)
    pos = r.pos
    mut = r.u8()
    if mut > 1:
        raise r.error("malformed mutability", pos)
    return GlobalType(t, bool(mut))


# -- sections ----------------------------------------------------------------------------

# customsec ::= section_0(name byte*)
def decode_customsec(r: Reader, m: Module, section: Section) -> None:
    section.name = r.name()
    if section.name == "name":
        try:
            decode_name_section(r.sub(r.remaining()), m.names)
        except DecodeError:
            # The name section is informational: a malformed one is ignored
            # as the spec's appendix allows.
            m.names.module = None
            m.names.funcs.clear()
            m.names.locals.clear()
    r.pos = len(r.buf)


# typesec ::= section_1(vec(rectype))   (w2c.parse.decode_types)
def decode_typesec(r: Reader, m: Module, features: Features) -> None:
    decode_types(r, m, features)
    if any(t >= REF_BASE for ft in m.types if isinstance(ft, FuncType)
           for t in ft.params + ft.results):
        canonical_refs(m)


def canonical_refs(m: Module) -> None:
    """Typed references in function types name the first of the equivalent
    types (so equal signatures print, and hash, alike: w2c.emit.names.type_id)."""
    canon = m.type_canon()

    def one(t: int) -> int:
        x = type_index(heap_of(t)) if t >= REF_BASE else None
        if x is None or x >= len(canon):
            return t
        return ref_type(concrete(canon[x]), nullable(t))
    m.types[:] = [FuncType(tuple(map(one, ft.params)), tuple(map(one, ft.results)))
                  if isinstance(ft, FuncType) else ft for ft in m.types]


# importsec ::= section_2(vec(import))
# import ::= mod:name nm:name d:importdesc
# importdesc ::= 0x00 typeidx | 0x01 tabletype | 0x02 memtype | 0x03 globaltype
#              | 0x04 tagtype (exceptions)
def decode_importsec(r: Reader, m: Module, features: Features) -> None:
    for _ in range(r.vec_len()):
        offset = r.offset
        module = r.name()
        name = r.name()
        pos = r.pos
        kind = r.u8()
        desc: int | TableType | MemType | GlobalType
        if kind == EXT_FUNC:
            desc = r.u32()
        elif kind == EXT_TABLE:
            desc = decode_tabletype(r, features)
        elif kind == EXT_MEMORY:
            desc = decode_memtype(r, features)
        elif kind == EXT_GLOBAL:
            desc = decode_globaltype(r, features)
        elif kind == EXT_TAG and "exceptions" in features:
            desc = decode_tagtype(r)
        elif kind == EXT_TAG and _tagtype_follows(r, m.sections[-1]):
            raise UnsupportedFeature("exceptions", r.base + pos)
        else:
            raise r.error("malformed import kind", pos)
        m.imports.append(Import(module, name, kind, desc, offset))


def _tagtype_follows(r: Reader, section: Section) -> bool:
    """tagtype ::= 0x00 x:typeidx (exceptions): complete at r's position,
    inside the section?  (Otherwise the import is malformed in 3.0 too.)"""
    probe = Reader(r.buf, r.base)
    probe.pos = r.pos
    try:
        if probe.u8() != 0x00:
            return False
        probe.u32()
    except DecodeError:
        return False
    return probe.offset <= section.content + section.size


# funcsec ::= section_3(vec(typeidx))
def decode_funcsec(r: Reader, m: Module, features: Features) -> None:
    for _ in range(r.vec_len()):
        m.funcs.append(r.u32())


# tablesec ::= section_4(vec(table))
# table ::= tt:tabletype | 0x40 0x00 tt:tabletype e:expr (function-references)
def decode_tablesec(r: Reader, m: Module, features: Features) -> None:
    for _ in range(r.vec_len()):
        if r.pos < len(r.buf) and r.buf[r.pos] == 0x40:   # 0x40 0x00 tabletype expr
            if "function-references" not in features:
                raise UnsupportedFeature("function-references (a table initializer)", r.offset)
            r.pos += 1
            pos = r.pos
            if r.u8() != 0x00:
                raise r.error("malformed table", pos)
            tt = decode_tabletype(r, features)
            m.tables.append(TableType(tt.elem, tt.limits, decode_const_expr(r, features)))
            continue
        m.tables.append(decode_tabletype(r, features))


# memsec ::= section_5(vec(memtype))
def decode_memsec(r: Reader, m: Module, features: Features) -> None:
    for _ in range(r.vec_len()):
        m.mems.append(decode_memtype(r, features))


# tagtype ::= 0x00 x:typeidx   (exceptions: the attribute 0, an exception)
def decode_tagtype(r: Reader) -> int:
    pos = r.pos
    if r.u8() != 0x00:
        raise r.error("malformed tag attribute", pos)   # (wasm-tools: "invalid tag attributes")
    return r.u32()


# tagsec ::= section_13(vec(tag))    tag ::= tt:tagtype   (exceptions)
def decode_tagsec(r: Reader, m: Module, features: Features) -> None:
    for _ in range(r.vec_len()):
        m.tags.append(decode_tagtype(r))


# globalsec ::= section_6(vec(global))    global ::= gt:globaltype e:expr
def decode_globalsec(r: Reader, m: Module, features: Features) -> None:
    for _ in range(r.vec_len()):
        gt = decode_globaltype(r, features)
        m.globals.append(Global(gt, decode_const_expr(r, features)))


# exportsec ::= section_7(vec(export))
# export ::= nm:name d:exportdesc    exportdesc ::= 0x00 funcidx | 0x01 tableidx | ...
def decode_exportsec(r: Reader, m: Module, features: Features) -> None:
    for _ in range(r.vec_len()):
        offset = r.offset
        name = r.name()
        pos = r.pos
        kind = r.u8()
        if kind > EXT_GLOBAL and not (kind == EXT_TAG and "exceptions" in features):
            if kind == EXT_TAG:
                raise UnsupportedFeature("exceptions", r.base + pos)
            raise r.error("malformed export kind", pos)
        m.exports.append(Export(name, kind, r.u32(), offset))


# startsec ::= section_8(funcidx)
def decode_startsec(r: Reader, m: Module, features: Features) -> None:
    m.start = r.u32()


# elemsec ::= section_9(vec(elem))
# elem ::= 0:u32 e:expr y*:vec(funcidx)                       active, table 0, funcref
#        | 1:u32 et:elemkind y*:vec(funcidx)                  passive
#        | 2:u32 x:tableidx e:expr et:elemkind y*:vec(funcidx) active
#        | 3:u32 et:elemkind y*:vec(funcidx)                  declarative
#        | 4:u32 e:expr el*:vec(expr)                         active, table 0, funcref
#        | 5:u32 et:reftype el*:vec(expr)                     passive
#        | 6:u32 x:tableidx e:expr et:reftype el*:vec(expr)   active
#        | 7:u32 et:reftype el*:vec(expr)                     declarative
# elemkind ::= 0x00 (funcref)
def decode_elemsec(r: Reader, m: Module, features: Features) -> None:
    for _ in range(r.vec_len()):
        m.elems.append(decode_elem(r, features))


def decode_elem(r: Reader, features: Features) -> Elem:
    offset = r.offset
    pos = r.pos
    form = r.u32()
    if form > 7:
        raise r.error("malformed elements segment kind", pos)
    if form != 0 and "bulk-memory" not in features and "reference-types" not in features:
        raise UnsupportedFeature("bulk-memory", r.base + pos)
    passive_or_declarative = form & 1
    explicit_table = form & 2
    uses_exprs = form & 4
    e = Elem(mode="active", type=FUNCREF, offset=offset)
    if passive_or_declarative:
        e.mode = "declarative" if explicit_table else "passive"
    else:
        if explicit_table:
            e.table = r.u32()
        e.offset_expr = decode_const_expr(r, features)
    if passive_or_declarative or explicit_table:
        if uses_exprs:
            e.type = decode_reftype(r, features)
        else:
            kpos = r.pos
            if r.u8() != 0x00:
                raise r.error("malformed element kind", kpos)
    if uses_exprs:
        e.exprs = [decode_const_expr(r, features) for _ in range(r.vec_len())]
    else:
        e.funcs = [r.u32() for _ in range(r.vec_len())]
    return e


# datacountsec ::= section_12(u32)
def decode_datacountsec(r: Reader, m: Module, features: Features) -> None:
    m.datacount = r.u32()


# codesec ::= section_10(vec(code))    code ::= size:u32 code:func
# Bodies are only located here; w2c.parse.code.decode_body reads them.
def decode_codesec(r: Reader, m: Module, features: Features) -> None:
    for _ in range(r.vec_len()):
        size = r.u32()
        offset = r.offset
        if size > r.remaining():
            raise r.error(r.eof_msg)
        r.pos += size
        m.codes.append(CodeEntry(offset, size))


# datasec ::= section_11(vec(data))
# data ::= 0:u32 e:expr b*:vec(byte)               active, memory 0
#        | 1:u32 b*:vec(byte)                      passive
#        | 2:u32 x:memidx e:expr b*:vec(byte)      active
def decode_datasec(r: Reader, m: Module, features: Features) -> None:
    for _ in range(r.vec_len()):
        offset = r.offset
        pos = r.pos
        form = r.u32()
        d = Data("active", offset=offset)
        if form == 1:
            d.mode = "passive"
        elif form in (0, 2):
            if form == 2:
                d.memory = r.u32()
            d.offset_expr = decode_const_expr(r, features)
        else:
            raise r.error("malformed data segment kind", pos)
        d.init = r.bytes(r.u32())
        m.datas.append(d)


def decode_const_expr(r: Reader, features: Features) -> ConstExpr:
    offset = r.offset
    return ConstExpr(decode_expr(r, features), offset)


SECTION_DECODERS = {
    SEC_TYPE: decode_typesec, SEC_IMPORT: decode_importsec, SEC_FUNCTION: decode_funcsec,
    SEC_TABLE: decode_tablesec, SEC_MEMORY: decode_memsec, SEC_GLOBAL: decode_globalsec,
    SEC_EXPORT: decode_exportsec, SEC_START: decode_startsec, SEC_ELEMENT: decode_elemsec,
    SEC_DATACOUNT: decode_datacountsec, SEC_CODE: decode_codesec, SEC_DATA: decode_datasec,
    SEC_TAG: decode_tagsec,
}
