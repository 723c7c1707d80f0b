"""Plain dataclasses for a decoded module: what decode produces and every
later stage (validate, name, emit) reads.

Value types are the binary format's own type codes (ints), so the decoder
stores what it reads and comparisons are integer compares.  Function bodies
are not held here: a CodeEntry records where a body lies in the module's
bytes, and w2c.parse.code decodes one body at a time (streaming).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from w2c.valtypes import (
    HT_ARRAY,
    HT_FUNC,
    HT_STRUCT,
    TypeSpace,
    canonical_types,
    heap_of,
    is_ref,
    nullable,
    ref_name,
    type_index,
)

# Value types (binary encodings).
I32, I64, F32, F64, V128 = 0x7F, 0x7E, 0x7D, 0x7C, 0x7B
FUNCREF, EXTERNREF = 0x70, 0x6F
EXNREF = 0x69   # exceptions (decoded only with the feature enabled)
# A value of unknown type, popped from the polymorphic stack of unreachable code.
UNKNOWN = 0

NUM_TYPES = (I32, I64, F32, F64)
VEC_TYPES = (V128,)
REF_TYPES = (FUNCREF, EXTERNREF)
VALUE_TYPES = NUM_TYPES + VEC_TYPES + REF_TYPES

TYPE_NAMES = {I32: "i32", I64: "i64", F32: "f32", F64: "f64", V128: "v128",
              FUNCREF: "funcref", EXTERNREF: "externref", EXNREF: "exnref",
              UNKNOWN: "unknown"}
TYPE_BY_NAME = {v: k for k, v in TYPE_NAMES.items() if k != UNKNOWN}

# External kinds (import/export descriptors).
EXT_FUNC, EXT_TABLE, EXT_MEMORY, EXT_GLOBAL, EXT_TAG = 0, 1, 2, 3, 4
EXT_NAMES = {EXT_FUNC: "func", EXT_TABLE: "table", EXT_MEMORY: "memory",
             EXT_GLOBAL: "global", EXT_TAG: "tag"}

# Section ids.
SEC_CUSTOM, SEC_TYPE, SEC_IMPORT, SEC_FUNCTION, SEC_TABLE, SEC_MEMORY = 0, 1, 2, 3, 4, 5
SEC_GLOBAL, SEC_EXPORT, SEC_START, SEC_ELEMENT, SEC_CODE, SEC_DATA = 6, 7, 8, 9, 10, 11
SEC_DATACOUNT, SEC_TAG = 12, 13
SECTION_NAMES = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table",
                 5: "memory", 6: "global", 7: "export", 8: "start", 9: "element",
                 10: "code", 11: "data", 12: "datacount", 13: "tag"}


def type_name(t: int) -> str:
    name = TYPE_NAMES.get(t)
    if name is None:
        return ref_name(t) if is_ref(t) else f"<0x{t:02x}>"
    return name


@dataclass(frozen=True)
class FuncType:
    params: tuple[int, ...]
    results: tuple[int, ...]

    def __str__(self) -> str:
        p = " ".join(type_name(t) for t in self.params)
        r = " ".join(type_name(t) for t in self.results)
        return f"[{p}] -> [{r}]"


# Packed storage types of struct fields and array elements (GC).
PACKED_I8, PACKED_I16 = 0x78, 0x77
TYPE_NAMES_PACKED = {PACKED_I8: "i8", PACKED_I16: "i16"}


@dataclass(frozen=True)
class FieldType:
    """A struct field or array element (GC): a value type or a packed one
    (PACKED_I8, PACKED_I16), and whether it is mutable."""
    storage: int
    mutable: bool

    def unpacked(self) -> int:
        """The value type of the field on the operand stack (packed: i32)."""
        return I32 if self.storage in TYPE_NAMES_PACKED else self.storage


@dataclass(frozen=True)
class StructType:
    fields: tuple[FieldType, ...]


@dataclass(frozen=True)
class ArrayType:
    field: FieldType


# A type of the type section: function, struct or array type (comptype).
CompType = FuncType | StructType | ArrayType
_KINDS = {FuncType: HT_FUNC, StructType: HT_STRUCT, ArrayType: HT_ARRAY}


@dataclass(frozen=True)
class SubType:
    """GC: a type's place in the hierarchy and in its rec group.  `supers`
    are the declared supertypes (type indices); the type's rec group holds
    the indices group .. group + size - 1."""
    final: bool
    supers: tuple[int, ...]
    group: int
    size: int


@dataclass(frozen=True)
class Limits:
    min: int
    max: int | None = None
    shared: bool = False
    is64: bool = False
    page_size: int = 65536  # memories only; custom-page-sizes allows 1


@dataclass(frozen=True)
class TableType:
    elem: int
    limits: Limits
    # typed references: the initial value of every element (0x40 0x00 tabletype expr)
    init: ConstExpr | None = field(default=None, compare=False)


@dataclass(frozen=True)
class MemType:
    limits: Limits


@dataclass(frozen=True)
class GlobalType:
    type: int
    mutable: bool


@dataclass
class ConstExpr:
    """A constant expression: its instructions as (opcode-table entry, immediate)."""
    instrs: list
    offset: int


@dataclass
class Import:
    module: str
    name: str
    kind: int
    desc: int | TableType | MemType | GlobalType  # the kind decides which (int: a type index)
    offset: int

    # The descriptor as the class its kind implies (the decoder makes them agree).
    def func_type_index(self) -> int:
        assert isinstance(self.desc, int) and self.kind == EXT_FUNC, self
        return self.desc

    def table_type(self) -> TableType:
        assert isinstance(self.desc, TableType), self
        return self.desc

    def mem_type(self) -> MemType:
        assert isinstance(self.desc, MemType), self
        return self.desc

    def tag_type_index(self) -> int:
        assert isinstance(self.desc, int) and self.kind == EXT_TAG, self
        return self.desc

    def global_type(self) -> GlobalType:
        assert isinstance(self.desc, GlobalType), self
        return self.desc


@dataclass
class Export:
    name: str
    kind: int
    index: int
    offset: int


@dataclass
class Global:
    type: GlobalType
    init: ConstExpr


@dataclass
class Elem:
    mode: str                     # "active" | "passive" | "declarative"
    type: int                     # FUNCREF or EXTERNREF
    table: int = 0
    offset_expr: ConstExpr | None = None
    funcs: list[int] | None = None          # forms 0-3: function indices
    exprs: list[ConstExpr] | None = None    # forms 4-7: element expressions
    offset: int = 0               # file offset of the segment

    def __len__(self) -> int:
        return len(self.funcs) if self.funcs is not None else len(self.item_exprs())

    def item_exprs(self) -> list[ConstExpr]:
        """The items of a segment of expressions (forms 4-7)."""
        assert self.exprs is not None, "a segment of function indices"
        return self.exprs


@dataclass
class Data:
    mode: str                     # "active" | "passive"
    memory: int = 0
    offset_expr: ConstExpr | None = None
    init: bytes = b""
    offset: int = 0


@dataclass
class CodeEntry:
    """Where one function body lies in the module's bytes (body excludes the size)."""
    offset: int
    size: int


@dataclass
class Section:
    id: int
    offset: int       # offset of the section id byte
    content: int      # offset of the first content byte
    size: int         # content size
    name: str = ""    # custom sections


@dataclass
class Names:
    module: str | None = None
    funcs: dict[int, str] = field(default_factory=dict)
    locals: dict[int, dict[int, str]] = field(default_factory=dict)


@dataclass
class Module:
    data: bytes = b""
    types: list[CompType] = field(default_factory=list)
    # GC: the subtype and rec group of every type; None when the type section
    # has function types only, each its own final rec group.
    subtypes: list[SubType] | None = None
    imports: list[Import] = field(default_factory=list)
    funcs: list[int] = field(default_factory=list)        # type index of each defined function
    tables: list[TableType] = field(default_factory=list)  # defined tables
    mems: list[MemType] = field(default_factory=list)      # defined memories
    tags: list[int] = field(default_factory=list)          # type index of each defined tag
    globals: list[Global] = field(default_factory=list)    # defined globals
    exports: list[Export] = field(default_factory=list)
    start: int | None = None
    elems: list[Elem] = field(default_factory=list)
    datacount: int | None = None
    codes: list[CodeEntry] = field(default_factory=list)
    datas: list[Data] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    names: Names = field(default_factory=Names)
    features_used: set[str] = field(default_factory=set)  # filled by validation (parse/uses.py)
    mems64: list[bool] | None = None   # which memories are 64-bit (mems_64bit() makes it)
    canon: list[int] | None = None     # type equivalence classes (type_canon() makes it)

    # Index spaces: imports come first.
    def imported(self, kind: int) -> list[Import]:
        return [i for i in self.imports if i.kind == kind]

    @property
    def num_imported_funcs(self) -> int:
        return sum(1 for i in self.imports if i.kind == EXT_FUNC)

    def type_func(self, idx: int) -> FuncType:
        """Type `idx` as the function type validation made sure it is."""
        ft = self.types[idx]
        assert isinstance(ft, FuncType), f"type {idx} is not a function type"
        return ft

    def func_sigs(self) -> list[FuncType]:
        """The function types among the module's types."""
        return [ft for ft in self.types if isinstance(ft, FuncType)]

    def func_types(self) -> list[int]:
        """Type index of every function in the function index space."""
        return [i.func_type_index() for i in self.imports if i.kind == EXT_FUNC] + self.funcs

    def all_tables(self) -> list[TableType]:
        return [i.table_type() for i in self.imports if i.kind == EXT_TABLE] + self.tables

    def all_mems(self) -> list[MemType]:
        return [i.mem_type() for i in self.imports if i.kind == EXT_MEMORY] + self.mems

    def mems_64bit(self) -> list[bool]:
        """For each memory, whether it is 64-bit (memory64); made once."""
        if self.mems64 is None:
            self.mems64 = [mt.limits.is64 for mt in self.all_mems()]
        return self.mems64

    def type_canon(self) -> list[int]:
        """For each type index, the first index of an equivalent type; made
        once.  With GC types (subtypes), a TypeSpace: rec groups compared
        whole, with each type's kind and declared supertype."""
        if self.canon is None:
            types = self.types
            subs = self.subtypes

            def one(t: int, ref) -> object:
                x = type_index(heap_of(t)) if is_ref(t) else None
                return t if x is None else (nullable(t), ref(x))

            def key(i: int, ref) -> object:
                ct = types[i]
                if isinstance(ct, FuncType):
                    k: object = (tuple(one(t, ref) for t in ct.params),
                                 tuple(one(t, ref) for t in ct.results))
                elif isinstance(ct, StructType):
                    k = ("struct",) + tuple((one(f.storage, ref), f.mutable) for f in ct.fields)
                else:
                    k = ("array", one(ct.field.storage, ref), ct.field.mutable)
                if subs is None:
                    return k
                return k, subs[i].final, tuple(map(ref, subs[i].supers))
            if subs is None:
                self.canon = canonical_types(types, key)
            else:
                groups = sorted({(s.group, s.size) for s in subs})
                canon = canonical_types(types, key, groups)
                kinds = [_KINDS[type(ct)] for ct in types]
                supers = [s.supers[0] if s.supers else -1 for s in subs]
                self.canon = TypeSpace(canon, kinds, supers)
        return self.canon

    def all_tags(self) -> list[int]:
        """Type index of every tag in the tag index space (exceptions)."""
        return [i.tag_type_index() for i in self.imports if i.kind == EXT_TAG] + self.tags

    def all_globals(self) -> list[GlobalType]:
        return ([i.global_type() for i in self.imports if i.kind == EXT_GLOBAL]
                + [g.type for g in self.globals])
