"""Variants of the memory instructions for 64-bit memories (memory64).

An instruction on a memory whose address type is i64 takes i64 addresses
(and lengths; memory.size and memory.grow count pages in i64).  Its variant
here is the opcode-table entry with those types and the C template of the
runtime's 64-bit helper (`w2c_i32_load_a64`, `w2c_memory_fill64`, ...;
runtime_c/w2c_mem64.h: bounds checks without wraparound; SIMD accesses
through `w2c_mem64_at`, then the 32-bit helper).  The
decoder's instruction stream (w2c.parse.code.body_instructions) swaps an
instruction for its variant when its memory is 64-bit, so the validator's
fixed-effect steps and the emitter's templates serve both unchanged, and a
module without 64-bit memories never meets a variant.

memory.copy between memories takes each memory's address type for its
address and the smaller of the two for the length (the spec's rule), so it
has a variant per pair.  Table instructions are not here: their effects are
computed by the validator's handlers, which read the table's address type.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from w2c import opcodes as O
from w2c.module import I32, I64

_MEM_KINDS = (O.MEMARG, O.MEMARG_LANE, O.MEMIDX, O.MEMORY_INIT)


def _a64(op: O.Op) -> O.Op:
    """The variant of `op` for a 64-bit memory."""
    assert op.params is not None and op.results is not None
    params, results, c = list(op.params), list(op.results), op.c
    name = op.name
    if op.imm is O.MEMARG or op.imm is O.MEMARG_LANE:
        params[0] = I64
        fn = "w2c_" + name.replace(".", "_")
        assert c is not None and op.align is not None
        if op.feature is None or op.feature == "threads":
            c = c.replace(fn + "(", fn + "_a64(")
        else:   # SIMD: the 32-bit helper on the checked bytes (n: the natural alignment)
            n = f"{1 << op.align}u"
            c = c.replace("{mem}, {0}, {offset}",
                          f"w2c_mem64_at({{mem}}, {{0}}, {{offset}}, {n}), {n}, 0u, 0u")
    elif name == "memory.size":
        results = [I64]
        c = "w2c_memory_pages64(inst->mem{imm})"
    elif name == "memory.grow":
        params, results = [I64], [I64]
    elif name == "memory.fill":
        params = [I64, I32, I64]
        c = "w2c_memory_fill64({mem}, {0}, {1}, {2})"
    elif name == "memory.init":
        params = [I64, I32, I32]
    else:
        raise AssertionError(f"no 64-bit variant for {name}")
    return replace(op, params=tuple(params), results=tuple(results), c=c)


def _copy(d64: bool, s64: bool) -> O.Op:
    op = O.BY_NAME["memory.copy"]
    d, s = (I64 if d64 else I32), (I64 if s64 else I32)
    n = I64 if d64 and s64 else I32
    return replace(op, params=(d, s, n),
                   c="w2c_memory_copy_between64({mem}, {src}, {0}, {1}, {2})")


# op -> its variant for a 64-bit memory
MEM64: dict[O.Op, O.Op] = {o: _a64(o) for o in O.OPS
                            if o.imm in _MEM_KINDS and o.params is not None}
# (destination 64-bit, source 64-bit) -> memory.copy's variant
COPY64: dict[tuple[bool, bool], O.Op] = {
    (True, True): _copy(True, True), (True, False): _copy(True, False),
    (False, True): _copy(False, True)}
# Every variant (the validator and the emitter add them to their tables).
VARIANTS: list[O.Op] = list(MEM64.values()) + list(COPY64.values())


def addr64_instructions(instrs: Iterator[tuple], mem64: list[bool]) -> Iterator[tuple]:
    """`instrs` (offset, op, immediate) with each instruction on a 64-bit
    memory (mem64[k]: memory k is 64-bit) replaced by its variant."""
    n = len(mem64)
    variants = MEM64
    for off, op, imm in instrs:
        kind = op.imm
        if kind is O.MEMARG or kind is O.MEMARG_LANE:
            k = imm[2]
        elif kind is O.MEMIDX:
            k = imm
        elif kind is O.MEMORY_INIT:
            k = imm[1]
        elif kind is O.MEMORY_COPY:
            d, s = imm
            key = (d < n and mem64[d], s < n and mem64[s])
            yield off, COPY64.get(key, op), imm
            continue
        else:
            yield off, op, imm
            continue
        yield off, (variants.get(op, op) if k < n and mem64[k] else op), imm
