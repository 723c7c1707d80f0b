"""Which bounds checks of memory 0 a function body can skip (part of the
body emitter, w2c.emit.body, in the pipeline's last stage).

With explicit bounds checks (W2C_BOUNDS_EXPLICIT) every load and store
compares its range with the memory's size.  Memory never shrinks, so once
[a + lo, a + hi) was checked for an address value a, every later access of
a sub-range of it on every path from that check is in bounds.  The emitter
then writes the `_nc` form of the access (runtime_c/w2c_mem.h), which in
every configuration other than W2C_BOUNDS_EXPLICIT is the same code.

Address values are known by where they came from: the operand-stack slot of
an access's address holds `local.get n` (or `local.tee n`) of local n at a
given version (each local.set/tee makes a new one), or an i32.const.  Known
ranges (`known`: key -> Range) are forgotten at every label, except where
the emitter knows all the label's predecessors: the else of an `if` starts
from the state before it, the end of an `if` or a block that no branch
targets keeps what all paths into it checked.

Merging: when an access needs a check and an earlier access of the same
address value checked a smaller range, with nothing in between that a trap
could reveal (stores, calls, global.set, control flow, traps of another
kind: `epoch` counts them), the earlier access checks the whole range
instead (W2C_MEM_CHECK_END before it) and this one none.  A trap then
happens at the earlier access with the same memory state and the same trap.

Loops: a loop's start is reached from inside it too, so its body starts
with no known ranges; yet an access of a local's value whose range was
checked before the loop needs no check if the loop never sets the local
(then the value is the same on every iteration).  Such an access is
written unchecked, and checked again when the loop's end shows that the
loop does set the local (`leave_loop`).

Constant addresses share one key (base 0); ranges below the memory's
declared minimum need no check at all (an imported memory has at least its
declared minimum).  Measured (callgrind, bench/programs): crc32 -8 %,
parse -5 %, bintrees -4 %, but nbody +15 % (gcc keeps more of its
constant-address values in registers across its loops, and spills).
"""
from __future__ import annotations

import re
from typing import Final

from w2c import opcodes as O
from w2c.emit.loops import NEG, AtLeast, Less, LoopFacts, Ne, Shl, Sum

__all__ = ["CONST", "KNOWS_PATHS", "NC_FORMS", "PROV_MAX", "PURE_METHODS", "PURE_TEMPLATES", "TEE",
           "TRAPPING", "Checks"]

CONST: Final = "const"  # the key of constant addresses (their base is 0)
PROV_MAX: Final = 256   # operand-stack heights whose values' sources are followed

# Loads and stores of a 32-bit memory with a plain memarg, scalar and v128
# (all but the lane forms): op -> width in bytes (each has an `_nc` form).
NC_FORMS: dict[O.Op, int] = {
    o: 1 << o.align for o in O.OPS
    if o.imm is O.MEMARG and o.feature in (None, "simd") and o.align is not None
    and re.fullmatch(r"[if](32|64)\.(load|store)(8|16|32)?(_[su])?|v128\.(store|load"
                     r"((8x8|16x4|32x2)_[su]|(8|16|32|64)_splat|(32|64)_zero)?)", o.name)}
# Numeric instructions that may trap (so a check may not move across them).
TRAPPING = frozenset(o for o in O.OPS
                     if re.fullmatch(r"i(32|64)\.(div_[su]|rem_[su]|trunc_f(32|64)_[su])", o.name))

TEE = O.BY_NAME["local.tee"]
# Structure instructions whose paths the emitter follows (the others forget).
KNOWS_PATHS = frozenset(O.BY_NAME[n] for n in ("block", "loop", "if", "else", "end", "br",
                                               "br_if", "br_table", "return", "unreachable"))
# Templates that only compute a value from their operands (SIMD lanes,
# shuffles, constants; not the memory forms): no trap, no effect.
PURE_TEMPLATES = frozenset(o for o in O.OPS if o.feature in ("simd", "relaxed-simd")
                           and o.imm is not O.MEMARG and o.imm is not O.MEMARG_LANE)
# Methods without effects a trap could reveal: the height of the value they
# push, from the height before them.
PURE_METHODS = {"i64.const": 0, "f32.const": 0, "f64.const": 0, "drop": -1, "select": -3}


class Range:
    """A checked range [base + 0, base + end) of an address value, and the
    access whose check may still be widened (line index, epoch, the pieces
    of its unchecked line), if any."""
    __slots__ = ("end", "line", "epoch", "addr", "nc", "add")

    def __init__(self, end: int, line: int, epoch: int, addr: str, nc: str, add: int) -> None:
        self.end = end
        self.line = line
        self.epoch = epoch
        self.addr = addr        # the C slot of the address at that access
        self.nc = nc            # its line in the unchecked form
        self.add = add          # what the slot holds above the key's base


class Checks:
    """The state of one function body: see the module docstring.

    `prov[h]` says where the value at operand-stack height h came from:
    (key, add, gen) or None, valid only while `gen` is the current
    generation; whatever pushes a value at h without a known source sets
    prov[h] to None, and anything whose pushes are not followed starts a
    new generation (`barrier`).  Heights from PROV_MAX on are not followed.
    The body emitter writes prov inline (w2c.emit.body.BodyEmitter.run)."""
    __slots__ = ("prov", "ver", "keys", "known", "epoch", "gen", "on", "min_bytes", "loops",
                 "stamp", "opaque", "calls_ok", "calls")

    def __init__(self, on: bool, nlocals: int, min_bytes: int = 0,
                 calls_ok: bool = False) -> None:
        self.on = on                 # memory 0 exists and is 32-bit
        self.min_bytes = min_bytes   # its declared minimum size
        self.prov: list = [None] * PROV_MAX
        # each local's version: local.set/tee give it the next stamp, so a
        # version above a loop's first stamp was set inside that loop
        self.ver = [0] * nlocals
        # each local's (index, version) now: the source of a local.get (kept
        # with `ver` by BodyEmitter.run, so that a get makes no new tuple)
        self.keys = [(n, 0) for n in range(nlocals)]
        self.stamp = 0
        self.opaque = 0              # instructions a loop copy may not hold (w2c.emit.loops)
        # whether a loop copy may hold calls (not with exceptions: a call may
        # branch to a handler there)
        self.calls_ok = calls_ok
        self.calls = 0               # calls so far (opaque_op)
        self.known: dict = {}        # key -> Range
        self.epoch = 0
        self.gen = 0
        # per open loop: the ranges known before it, the accesses inside
        # it left unchecked on their strength: (line, checked line, local,
        # version), and what loop versioning needs (w2c.emit.loops.LoopFacts)
        self.loops: list[tuple[dict, list, LoopFacts]] = []

    def barrier(self) -> None:
        """Anything a trap could reveal, or unknown effects on the stack."""
        self.gen += 1
        self.epoch += 1

    def opaque_op(self, call: bool = False) -> None:
        """An instruction of unknown effects (a template...): a barrier, and
        no loop around it gets an unchecked copy; a call (`call`) only the
        barrier where calls_ok."""
        self.gen += 1
        self.epoch += 1
        if call and self.calls_ok:
            self.calls += 1
        else:
            self.opaque += 1

    def template_op(self, op: O.Op, base: int) -> None:
        """A template instruction at stack slot `base`: a pure one only
        replaces its operands by its result, a lane load or store is a
        checked access (a barrier), any other is opaque."""
        if op in PURE_TEMPLATES:
            if base < PROV_MAX:
                self.prov[base] = None
        elif op.imm is O.MEMARG_LANE:
            self.barrier()
        else:
            self.opaque_op()

    # -- control flow -----------------------------------------------------------------------
    def forget(self) -> None:
        self.known = {}
        self.barrier()
        self.opaque += 1

    def enter_loop(self, start: int, depth: int) -> None:
        """A loop whose label line is lines[start], its body at block depth `depth`."""
        facts = LoopFacts(start)
        facts.depth = depth
        self.loops.append((self.known, [], facts))
        self.forget()
        facts.stamp = self.stamp
        facts.opaque = self.opaque
        facts.calls = self.calls

    def leave_loop(self, lines: list) -> LoopFacts:
        """An access left unchecked on a range known before the loop keeps
        its check if the loop sets the local (its value may differ from
        one iteration to the next).  Gives the loop's facts."""
        _, used, facts = self.loops.pop()
        ver = self.ver
        for line, checked, n, v in used:
            if ver[n] != v:
                lines[line] = checked
        facts.calls = self.calls != facts.calls
        facts.clean = facts.opaque == self.opaque and not any(
            facts.start <= u[0] for _, us, _ in self.loops for u in us)
        return facts

    def combine(self, kind: int, base: int) -> tuple | None:
        """The source of the result of i32.add (kind 0), i32.lt_u (1),
        i32.gt_u (2), i32.ne (3), i32.ge_u (4), i32.le_u (5) or i32.shl (6)
        of the values at heights base and base + 1, inside a loop: a Sum,
        Less, Ne, AtLeast or Shl, or None."""
        prov = self.prov
        a, b = prov[base], prov[base + 1]
        if kind == 2 or kind == 5:
            a, b = b, a
        gen = self.gen
        if a is None or b is None or a[2] != gen or b[2] != gen:
            return None
        ka, kb = a[0], b[0]
        ta = ka if ka.__class__ is tuple or kind == 0 and ka.__class__ is Shl else \
            (a[1] if ka == CONST else None)
        tb = kb if kb.__class__ is tuple or kind == 0 and kb.__class__ is Shl else \
            (b[1] if kb == CONST else None)
        if ta is None or tb is None:
            return None
        if kind == 3:
            return (Ne(ta, tb), 0, gen) if ta.__class__ is tuple or tb.__class__ is tuple else None
        if kind == 6:
            return (Shl(ta, tb), 0, gen) if ta.__class__ is tuple and tb.__class__ is int \
                and 0 < tb < 8 else None
        if kind >= 4:
            return (AtLeast(ta, tb), 0, gen) if ta.__class__ is tuple else None
        if kind:
            return (Less(ta, tb), 0, gen) if ta.__class__ is tuple else None
        return (Sum(ta, tb), 0, gen) if ta.__class__ is not int or tb.__class__ is not int \
            else None

    def note_set(self, n: int, p: tuple | None, depth: int) -> None:
        """local.set/tee of local n (its new version given) inside a loop,
        at block depth `depth`, of the value whose source is p: a Sum is
        remembered as the local's value at that version; n = n + c at the
        loop body's top level, once, is an induction step (w2c.emit.loops)."""
        facts = self.loops[-1][2]
        v = self.ver[n]
        s = p[0] if p is not None and p[2] == self.gen else None
        if s.__class__ is not Sum:
            facts.steps[n] = None
            return
        facts.alias[(n, v)] = s
        a, b = (s.a, s.b) if s.a.__class__ is tuple else (s.b, s.a)
        ok = depth == facts.depth and n not in facts.steps and a.__class__ is tuple and \
            a[0] == n and a[1] <= facts.stamp and b.__class__ is int and \
            (0 < b <= 0x10000 or b >= NEG)
        facts.steps[n] = (b, v) if ok else None

    def join(self, kind: str, targeted: bool, before: dict | None, live: bool) -> None:
        """The known ranges after a block of `kind` (`targeted`: a branch
        goes to its end; `before`: an if's state before it, or an else's
        at the then-part's end; `live`: the body falls through).  A loop's
        label is at its start: only its body falls out."""
        self.gen += 1       # (self.barrier(), inline)
        self.epoch += 1
        if kind == "loop":
            return
        if kind not in ("block", "if", "else") or targeted:
            self.known = {}
        elif kind == "if":      # the then-part's end, or the if's false path
            self.known = self.meet(self.known if live else None, before or {})
        elif kind == "else":
            self.known = self.meet(self.known if live else None, before)

    @staticmethod
    def meet(a: dict | None, b: dict | None) -> dict:
        """What both of two incoming paths checked (None: no such path)."""
        if a is None:
            return dict(b) if b is not None else {}
        if b is None:
            return dict(a)
        out = {}
        for k, r in a.items():
            s = b.get(k)
            if s is not None:
                out[k] = r if r.end <= s.end else s
        return out

    def back_edge(self, h: int, end: int) -> None:
        """A br_if to the innermost loop on the value at height h, its line
        ending at `end`.  (The run loop's barrier before a structure
        instruction made its operand's source one generation old.)"""
        facts = self.loops[-1][2]
        p = self.prov[h] if h < PROV_MAX else None
        facts.back = None
        if p is None or p[2] != self.gen - 1:
            return
        t = p[0]
        if t.__class__ is Less:
            i = t.i
            if self.ver[i[0]] == i[1]:      # the local's value now: the next iteration's
                facts.back = (end, t)
        elif t.__class__ is Ne:             # the sides that are their locals' values now
            cur = tuple(x for x in (t.a, t.b) if x.__class__ is tuple and self.ver[x[0]] == x[1])
            facts.back = (end, t, cur)
        elif t.__class__ is tuple and p[1] == 0 and self.ver[t[0]] == t[1]:
            facts.back = (end, Ne(t, 0), (t,))     # br_if on a local's value now: != 0

    def br_if_in_loop(self, h: int, end: int, depth: int) -> None:
        """A br_if at the innermost loop body's top level on the value at
        height h, its line ending at `end`: to the loop (depth 0) or out."""
        if depth == 0:
            self.back_edge(h, end)
        else:
            self.exit_edge(h)

    def exit_edge(self, h: int) -> None:
        """A br_if out of the innermost loop from its body's top level, on
        the value at height h: `i >=u n` bounds i below n at the start of
        every later iteration (w2c.emit.loops)."""
        facts = self.loops[-1][2]
        p = self.prov[h] if h < PROV_MAX else None
        if p is not None and p[2] == self.gen - 1 and p[0].__class__ is AtLeast:
            t = p[0]
            if self.ver[t.i[0]] == t.i[1]:
                facts.exits.append(t)

    # -- accesses ---------------------------------------------------------------------------
    def access(self, lines: list, nc: tuple | None, imm: tuple, base: int, fmt: str,
               args: tuple, addr: int) -> str:
        """The line of a load or store (`fmt % args`, its address args[addr]:
        2 for a load, 1 for a store) at stack slot `base`, checked or not;
        nc: its width and unchecked form (None: none)."""
        checked = fmt % args
        store = addr == 1
        if base < PROV_MAX:
            p = self.prov[base]
            if not store:
                self.prov[base] = None      # the value loaded
        else:
            p = None
        if nc is None or imm[2] != 0 or not self.on:
            self.barrier()
            return checked
        if p is None or p[2] != self.gen:
            line = checked
        elif p[0].__class__ is Sum or p[0].__class__ is Shl:
            line = checked
            if self.loops:
                self.loops[-1][2].sums.append((len(lines), checked, nc[1] % args, p[0],
                                               imm[1] + nc[0]))
        elif p[0].__class__ is not tuple and p[0] != CONST:    # Less, Ne, AtLeast, Shl
            line = checked
        else:
            line = self._range(lines, p, imm[1], nc[0], "m0_size", args[addr], checked,
                               nc[1] % args)
            if line is checked and self.loops and p[0] != CONST:
                self.loops[-1][2].own.append((len(lines), p[0], self.known[p[0]]))
        if store:
            self.epoch += 1
        return line

    def _range(self, lines: list, p: tuple, offset: int, width: int, size: str, addr: str,
               checked: str, unchecked: str) -> str:
        key, add, _ = p
        hi = add + offset + width
        if key == CONST and hi <= self.min_bytes:
            return unchecked
        r = self.known.get(key)
        if r is not None and r.end >= hi:
            return unchecked
        for before, used, _ in self.loops[::-1]:
            b = before.get(key)
            if b is not None and b.end >= hi:
                if key != CONST:    # the local's value on every iteration: see leave_loop
                    used.append((len(lines), checked, key[0], key[1]))
                return unchecked
        if r is not None and r.epoch == self.epoch:
            # widen the earlier check: it now covers this access too
            lines[r.line] = f"W2C_MEM_CHECK_END({size}, {r.addr}, {hi - r.add}u); {r.nc}"
            r.end = hi
            return unchecked
        self.known[key] = Range(hi, len(lines), self.epoch, addr, unchecked, add)
        return checked
