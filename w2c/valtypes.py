"""Reference types as plain ints (typed function references; the base of GC).

Every value type is an int, so the validator's stacks hold ints and the
common check is an integer compare.  The types of WebAssembly 2.0 keep their
binary codes (0x7F i32 ... 0x70 funcref, 0x6F externref, 0x69 exnref); these
three are also the canonical form of `(ref null func)`, `(ref null extern)`
and `(ref null exn)`, so modules without typed references see no new values.
Any other reference type is

    REF_BASE + (heap << 1) + nullable

where `heap` is a heap type: an abstract one as its binary code (0x69-0x74:
func, extern, exn, nofunc, noextern, noexn; with GC enabled also any, eq,
i31, struct, array, none) or a concrete type index x as CONCRETE + x.
Concrete indices are kept as written: type equivalence goes through the
context's `canon` list (the first index of each class of equivalent types;
GC's iso-recursive rec groups are compared whole), and for GC a TypeSpace
(a canon list that also knows each type's kind and declared supertype).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

# Abstract heap types (binary codes).
HT_FUNC, HT_EXTERN, HT_EXN = 0x70, 0x6F, 0x69
HT_NOFUNC, HT_NOEXTERN, HT_NOEXN = 0x73, 0x72, 0x74
HT_ANY, HT_EQ, HT_I31, HT_STRUCT, HT_ARRAY, HT_NONE = 0x6E, 0x6D, 0x6C, 0x6B, 0x6A, 0x71
ABSTRACT_HEAP = frozenset({HT_FUNC, HT_EXTERN, HT_EXN, HT_NOFUNC, HT_NOEXTERN, HT_NOEXN})
GC_HEAP = frozenset({HT_ANY, HT_EQ, HT_I31, HT_STRUCT, HT_ARRAY, HT_NONE})
HEAP_NAMES = {HT_FUNC: "func", HT_EXTERN: "extern", HT_EXN: "exn", HT_NOFUNC: "nofunc",
              HT_NOEXTERN: "noextern", HT_NOEXN: "noexn", HT_ANY: "any", HT_EQ: "eq",
              HT_I31: "i31", HT_STRUCT: "struct", HT_ARRAY: "array", HT_NONE: "none",
              0x00: "bot"}
# The top of each hierarchy, and its bottom.
TOP = {HT_FUNC: HT_FUNC, HT_NOFUNC: HT_FUNC, HT_EXTERN: HT_EXTERN, HT_NOEXTERN: HT_EXTERN,
       HT_EXN: HT_EXN, HT_NOEXN: HT_EXN, HT_ANY: HT_ANY, HT_EQ: HT_ANY, HT_I31: HT_ANY,
       HT_STRUCT: HT_ANY, HT_ARRAY: HT_ANY, HT_NONE: HT_ANY}
BOTTOM = {HT_FUNC: HT_NOFUNC, HT_EXTERN: HT_NOEXTERN, HT_EXN: HT_NOEXN, HT_ANY: HT_NONE}
# GC: the abstract supertypes of i31, struct and array below any.
_EQ_BELOW = frozenset({HT_I31, HT_STRUCT, HT_ARRAY, HT_EQ})

HT_BOT = 0x00            # the heap type of a reference popped from unreachable code
CONCRETE = 0x80          # heap type of type index x: CONCRETE + x
REF_BASE = 0x100         # value types at or above: (ref null? heap)
BOT_REF = REF_BASE + (HT_BOT << 1)  # (ref bot): below every reference type
# Nullable abstract types with a one-byte code of their own.
_SHORT = frozenset({HT_FUNC, HT_EXTERN, HT_EXN})


def ref_type(heap: int, nullable: bool) -> int:
    """The value type (ref null? heap), canonical: funcref etc. as their codes."""
    if nullable and heap in _SHORT:
        return heap
    return REF_BASE + (heap << 1) + nullable


def concrete(index: int) -> int:
    """The heap type of type index `index`."""
    return CONCRETE + index


def is_ref(t: int) -> bool:
    return t >= REF_BASE or t in _SHORT


def heap_of(t: int) -> int:
    """The heap type of a reference type."""
    return (t - REF_BASE) >> 1 if t >= REF_BASE else t


def nullable(t: int) -> bool:
    return t < REF_BASE or bool(t & 1)


def type_index(heap: int) -> int | None:
    """The type index of a concrete heap type, else None."""
    return heap - CONCRETE if heap >= CONCRETE else None


def top_heap(heap: int, canon: Sequence[int] = ()) -> int:
    """The abstract top of a heap type's hierarchy (a concrete type: func,
    or for GC any when the TypeSpace `canon` makes it a struct or array)."""
    if heap >= CONCRETE:
        return TOP[_kind(canon, heap)]
    return TOP.get(heap, heap)


def heap_name(heap: int) -> str:
    return str(heap - CONCRETE) if heap >= CONCRETE else HEAP_NAMES.get(heap, f"<0x{heap:02x}>")


def ref_name(t: int) -> str:
    """(ref null? heap) in the text format (the shorthands for funcref etc.)."""
    return f"(ref {'null ' if nullable(t) else ''}{heap_name(heap_of(t))})"


def erase(t: int, canon: Sequence[int] = ()) -> int:
    """The 2.0 type with the same C representation: a typed reference is
    the funcref, externref or exnref of its hierarchy (other types stay);
    GC's any hierarchy is externref's (the bits of a w2c_ref in a
    w2c_externref: docs/codegen.md, "GC").  A concrete type of a GC module
    without its TypeSpace is taken for a function type: callers with GC
    types set it with `use_types` (the emitter, per module)."""
    if t < REF_BASE:
        return t
    return _ERASED.get(top_heap(heap_of(t), canon or _SPACE[0]), HT_FUNC)


_SPACE: list[Sequence[int]] = [()]


def use_types(canon: Sequence[int] | None) -> None:
    """The TypeSpace `erase` reads concrete types' kinds from (GC modules:
    struct and array types are in the any hierarchy); None: function types."""
    _SPACE[0] = canon if canon is not None and hasattr(canon, "kinds") else ()


_ERASED = {HT_FUNC: HT_FUNC, HT_EXTERN: HT_EXTERN, HT_EXN: HT_EXN, HT_ANY: HT_EXTERN}


class TypeSpace(list):
    """GC: the canon list of a module's types plus, per type index, its kind
    (HT_FUNC, HT_STRUCT or HT_ARRAY) and its declared supertype (-1: none)."""

    def __init__(self, canon: Sequence[int], kinds: Sequence[int], supers: Sequence[int]):
        super().__init__(canon)
        self.kinds = list(kinds)
        self.supers = list(supers)


def heap_sub(h1: int, h2: int, canon: Sequence[int]) -> bool:
    """h1 <: h2 for heap types.  Equal concrete types are those of equal
    `canon`; a concrete type is below another through its declared
    supertypes, and below the abstract type of its kind (func, or struct or
    array, then eq and any); the bottom of a hierarchy is below all of it."""
    if h1 == h2 or h1 == HT_BOT:
        return True
    if h1 >= CONCRETE:
        if h2 >= CONCRETE:
            return _declared_sub(canon, h1 - CONCRETE, _canon(canon, h2))
        return _abstract_sub(_kind(canon, h1), h2)
    if h2 >= CONCRETE:
        return h1 == BOTTOM[TOP[_kind(canon, h2)]]
    return _abstract_sub(h1, h2)


def _abstract_sub(h1: int, h2: int) -> bool:
    if h1 == h2:
        return True
    top = TOP.get(h1)
    if top is None or TOP.get(h2) != top:
        return False
    if h1 == BOTTOM[top] or h2 == top:
        return True
    return h2 == HT_EQ and h1 in _EQ_BELOW


def _declared_sub(canon: Sequence[int], x: int, c2: int) -> bool:
    """Type index x, or one of its declared supertypes, is of class c2."""
    supers = getattr(canon, "supers", None)
    while True:
        if (canon[x] if x < len(canon) else x) == c2:
            return True
        if supers is None or x >= len(supers) or supers[x] < 0:
            return False
        x = supers[x]


def _canon(canon: Sequence[int], heap: int) -> int:
    i = heap - CONCRETE
    return canon[i] if i < len(canon) else i


def _kind(canon: Sequence[int], heap: int) -> int:
    """The kind of a concrete heap type: HT_FUNC, HT_STRUCT or HT_ARRAY."""
    kinds = getattr(canon, "kinds", None)
    i = heap - CONCRETE
    return kinds[i] if kinds is not None and i < len(kinds) else HT_FUNC


def val_sub(t1: int, t2: int, canon: Sequence[int]) -> bool:
    """t1 <: t2 for value types (0, the unknown type of unreachable code, is
    below every type)."""
    if t1 == t2 or t1 == 0:
        return True
    if not (is_ref(t1) and is_ref(t2)):
        return False
    if nullable(t1) and not nullable(t2):
        return False
    return heap_sub(heap_of(t1), heap_of(t2), canon)


def val_eq(t1: int, t2: int, canon: Sequence[int]) -> bool:
    """Type equivalence (for GC: both ways a subtype is then not enough)."""
    return t1 == t2 or val_sub(t1, t2, canon) and val_sub(t2, t1, canon)


def canonical_types(types: Sequence, key: Callable[[int, Callable[[int], object]], object],
                    groups: Sequence[tuple[int, int]] | None = None) -> list[int]:
    """For each type index, the first index of a type equivalent to it.
    `key(i, ref)` is type i's structure with every concrete reference mapped
    through `ref` (which maps indices before its rec group to their
    canonical one, those inside to a marker of recursion); rec groups with
    equal keys, type by type, are equivalent (iso-recursive equivalence).
    `groups`: (first index, size) of each rec group (default: one type each)."""
    canon: list[int] = []
    seen: dict[object, int] = {}
    for start, size in groups if groups is not None else ((i, 1) for i in range(len(types))):
        def ref(x: int, start: int = start) -> object:
            if x < start:
                return canon[x]
            return ("rec", x - start)
        k = tuple(key(i, ref) for i in range(start, start + size))
        first = seen.setdefault(k, start)
        canon.extend(range(first, first + size))
    return canon
