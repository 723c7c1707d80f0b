"""Frame of one function body: its C prologue and epilogue (emit stage).

w2c.emit.body writes a body's lines; these functions wrap them into the C
function: local and operand-slot declarations, the memory base and size,
the stack check (left out of small leaf functions), the GC shadow-stack
frame and its spills, tail-call entry, and the return of the results.
They read the BodyEmitter `e` they are given and do not import it.
"""
from __future__ import annotations

from typing import Any

from w2c.emit import exn
from w2c.emit.body_ops import RELOAD, Spill
from w2c.emit.names import C_TYPES, C_ZERO, LETTERS, result_type
from w2c.emit.tail import START_LABEL
from w2c.module import EXTERNREF, V128

__all__ = ["LEAF_BYTES", "SPILL_POP", "epilogue", "leaf", "ref_vars", "render"]

# The largest frame (8 bytes per value, 16 per v128) of a function left
# without a stack check when it calls nothing (leaf): below
# W2C_STACK_MARGIN, the room the runtime keeps under the checked limit.
LEAF_BYTES = 512
SPILL_POP = object()   # placeholder line (GC): unlink the frame before a return
_TYPE_BY_LETTER = {v: k for k, v in LETTERS.items()}


def leaf(e: Any) -> bool:
    """A function that calls nothing and whose values (locals, stack
    slots) take at most LEAF_BYTES: its frame is small and bounded, so
    it needs no stack check of its own (its caller's covers it, within
    the runtime's margin) and writes no W2C_CALL_ENTER / LEAVE."""
    if e.calls or e.tail is not None:
        return False
    size = sum(16 if t == V128 else 8 for t in e.locals)
    size += sum((k + 1) * (16 if t == V128 else 8) for t, k in enumerate(e.deep) if k >= 0)
    return size <= LEAF_BYTES

def epilogue(e: Any) -> None:
    res = e.ftype.results
    if e.spills:
        e.out(SPILL_POP)
    if e.where is not None:
        e.out("W2C_FUNC_LEAVE();")
    e.is_leaf = leaf(e)      # (render writes W2C_CALL_ENTER by it)
    if not e.is_leaf:
        e.out("W2C_CALL_LEAVE();")
    if not res:
        e.out("return;")
    elif len(res) == 1:
        e.out(f"return {e.slot(0, res[0])};")
    else:
        vals = ", ".join(e.slot(i, t) for i, t in enumerate(res))
        e.out(f"{{ {result_type(e.ftype)} r_ = {{{vals}}}; return r_; }}")

def render(e: Any, signature: str) -> str:
    p = e.g.prefix
    if e.calls_self and signature.startswith("static "):
        # gcc inlines a static function called from one place whatever its
        # size, but a call of itself is a second place, and the recursion
        # stays a call in w2c's C (W2C_CALL_DONE).  `inline` lifts its limit
        # for the other callers to the one for declared-inline functions
        # (bench/ANALYSIS.md: parse -5 %, recurse -7 %, bintrees -11 %).
        signature = "static inline " + signature[len("static "):]
    tail = e.tail
    out = [tail.prelude()] if tail is not None and tail.thunks else []
    out += [signature + " {", f"  {p}_instance *inst = ({p}_instance *)instance;"]
    for i in range(e.nparams, len(e.locals)):
        t = e.locals[i]
        out.append(f"  {C_TYPES[t]} l{i} = {C_ZERO[t]};")
    # Every variable counts as used: wasm code may ignore parameters, set
    # locals it never reads, and drop values (no -Wunused-* warnings).
    if e.locals:
        out.append("  " + " ".join(f"(void)l{i};" for i in range(len(e.locals))))
    for letter, deepest in e.depth.items():
        if deepest < 0:
            continue
        ks = range(deepest + 1)
        t = _TYPE_BY_LETTER[letter]
        zero = C_ZERO[t]
        out.append(f"  {C_TYPES[t]} " + ", ".join(f"s{k}{letter} = {zero}" for k in ks) + ";")
        out.append("  " + " ".join(f"(void)s{k}{letter};" for k in ks))
    if e.uses_mem:
        # W2C_MEM_BASE is `uint8_t *const` unless memories can move (w2c_mem.h)
        ref = e.g.memory_ref(0)
        size = f"{ref}size"
        fixed = e.g.fixed_size(0)
        if fixed is not None:   # a constant the C compiler folds into the checks
            size = f"W2C_MEM_FIXED_SIZE({size}, UINT64_C({fixed[0]}), {int(fixed[1])})"
        reload = f"W2C_MEM_RELOAD_BASE(m0, {ref}data); m0_size = {size};"
        out.append(f"  W2C_MEM_BASE m0 = {ref}data;")
        out.append(f"  uint64_t m0_size = {size};")
    out.append("  (void)inst;")
    out.extend("  " + line for line in exn.declarations(e.exn))
    if tail is not None:
        out.extend("  " + line for line in tail.entry())
    if e.where is not None:
        out.append(f"  W2C_FUNC_ENTER({e.where});")
    refs = ref_vars(e) if e.spills else []
    if refs:
        out.append(f"  w2c_gc_frame fr_; w2c_ref r_[{len(refs)}];")
    if not e.is_leaf:
        out.append("  W2C_CALL_ENTER();")
    if refs:
        out.append(f"  W2C_GC_FRAME_PUSH(fr_, r_, {len(refs)});")
    if tail is not None and tail.start:
        out.append(f"{START_LABEL}:;")
    # Every line indented by two spaces but the labels `L<n>:;` (the only
    # lines that start with an L), joined at once rather than line by line.
    lines = e.lines
    if e.spills:
        index = {x: k for k, x in enumerate(refs)}
        pop = "W2C_GC_FRAME_POP(fr_);" if refs else None
        ref_locals = [x for x in refs if x[0] == "l"]
        lines = [_spill(ref_locals + line.names, index) if type(line) is Spill else
                 pop if line is SPILL_POP else line for line in lines]
    if e.uses_mem:
        lines = [reload if line is RELOAD else line for line in lines if line is not None]
    else:
        lines = [line for line in lines if line is not None and line is not RELOAD]
    if lines:
        text = "\n  ".join(lines).replace("\n  L", "\nL")
        out.append(text if text.startswith("L") else "  " + text)
    out.append("}")
    return "\n".join(out) + "\n"


def ref_vars(e: Any) -> list[str]:
    """GC: the C variables a frame holds: the reference locals, then the
    reference slots some safepoint spills (by slot number)."""
    refs = [f"l{i}" for i, t in enumerate(e.locals) if t == EXTERNREF]
    spilled = {x for line in e.lines if type(line) is Spill for x in line.names}
    return refs + [x for x in (f"s{k}{LETTERS[EXTERNREF]}" for k in range(e.deep[EXTERNREF] + 1))
                   if x in spilled]


def _spill(names: list[str], index: dict[str, int]) -> str | None:
    """The stores of one safepoint (None: nothing to store)."""
    return " ".join(f"r_[{index[x]}] = W2C_GC_REF({x});" for x in names) or None
