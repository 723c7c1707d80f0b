"""Loop versioning for explicit bounds checks (part of the body emitter,
w2c.emit.body; the facts are gathered by w2c.emit.bounds).

A small loop whose checked accesses are all in bounds when one test made
before it holds gets a second, unchecked copy, chosen by that test:

    #if W2C_LOOP_COPIES
    if (test) goto L7_u;
    #endif
    L7:;   the loop as emitted, checks included
    #if W2C_LOOP_COPIES
    goto L7_x;
    L7_u:; the same loop, its labels renamed, those accesses unchecked
    L7_x:;
    #endif

Two kinds of accesses qualify:
- loop-invariant ones: the address is a local the loop never sets (or the
  sum of two such values), so its range is the same on every iteration;
  the test checks it once (`(uint64_t)l3 + end <= m0_size`);
- induction ones, in a loop whose only branch to its start is its last
  instruction, `br_if 0` on `i <u n` (i32.lt_u, or gt_u the other way
  round), i's value at that point being the local i's, and n a local the
  loop never sets or a constant: then i < n at every start of an
  iteration (the test checks it for the first), and an access of i + B,
  B loop-invariant, where i holds its value from the iteration's start,
  lies in [0, B + n - 1 + end): in bounds if `B + n + end - 1 <= size`
  (computed in 64 bits, which also excludes the 32-bit wrap of i + B).

- induction ones of a counted loop, whose last instruction and only
  branch to its start is `br_if 0 (k != n)`, k stepped once per
  iteration by a constant s at the body's top level (k = k + s), n
  loop-invariant: if s divides n - k0 (32-bit) and k0 != n it runs at most
  T = (n - k0) / s iterations, so a pointer p stepped likewise by t takes
  at most p0 + t * (T - 1); an access of p + B is in bounds if
  `p0 + t * (T - 1) + B + end <= size`.  A counter stepped down by t
  (k = k - t) runs T = (k0 - n) / t iterations; `br_if 0 (k)` on the
  local's new value is `k != 0` (nbody's inner loops).  A negative
  constant -c in an address (p - 48, a field before the pointer) also
  needs the smallest sum to be at least c: `p0 + B >= c`.  A pointer's
  first value is read as signed (`(int64_t)(int32_t)p0`, with that lower
  bound): an index counting up to 0 from below plus a base is in bounds
  too (dotprod: 303.7 -> 283.0 million instructions).
- in either kind of loop, a local j tested by a `br_if` out of the loop
  from its body's top level on `j >=u m` (i32.ge_u, or le_u the other
  way round), m loop-invariant and j not set after the test: every
  iteration but the first starts with j < m (the test checks the first),
  so j bounds addresses as i does (sort's merge loop, whose two indexes
  step by a comparison's result: 266.7 -> 228.1 million instructions).
Addresses are followed through i32.add, i32.shl by a constant below 8
(an index scaled to its element size: `a + (j << 3)`) and through locals
set to a sum (LoopFacts.alias), e.g. `q = p + 8` or `i = i + 1` before
the access.

Memory never shrinks, so what the test shows at the loop's start holds
throughout, across calls too (each copy reloads the base and size after
a call as before).  A copy may hold only instructions the emitter follows
(calls, in a module without exceptions; no nested loop, no instruction
of unknown effects: Checks.opaque), at most MAX_LINES lines (128:
nbody's inner loop has 116; 64 left it checked, 303.3 -> 255.3 million
instructions with explicit checks).  A loop with calls gets its copy
only for induction accesses.  Without explicit checks W2C_LOOP_COPIES is
0 and the C compiler sees the loop as before (a dead copy behind `if (0)`
changed gcc's register allocation around it: parse +1 % with guard
pages).  A trap happens only in the checked copy, at the same access with
the same memory state as before.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from w2c.emit.body_ops import RELOAD

__all__ = ["MAX_LINES", "NEG", "AtLeast", "Less", "LoopFacts", "Ne", "Shl", "Sum", "version"]

MAX_LINES = 128
NEG = (1 << 32) - 0x10000    # steps and constants from here on are negative
SIGNED = "(int64_t)(int32_t)"   # a pointer's first value, read as signed
_LABEL = re.compile(r"\bL(\d+)(?=:;|;)")


class Sum:
    """An address `a + b` (i32.add) of two values inside a loop: each a
    local's key (index, version) or a constant (int)."""
    __slots__ = ("a", "b")

    def __init__(self, a: object, b: object) -> None:
        self.a = a
        self.b = b


class Less:
    """The i32 value `i <u n` inside a loop: i a local's key, n a local's
    key or a constant (int)."""
    __slots__ = ("i", "n")

    def __init__(self, i: tuple, n: object) -> None:
        self.i = i
        self.n = n


class Ne:
    """The i32 value `a != b` inside a loop (keys or constants)."""
    __slots__ = ("a", "b")

    def __init__(self, a: object, b: object) -> None:
        self.a = a
        self.b = b


class AtLeast:
    """The i32 value `i >=u n` inside a loop: i a local's key, n a local's
    key or a constant (int)."""
    __slots__ = ("i", "n")

    def __init__(self, i: tuple, n: object) -> None:
        self.i = i
        self.n = n


class Shl:
    """An address part `a << k` (i32.shl) inside a loop: a a local's key,
    0 < k < 8."""
    __slots__ = ("a", "k")

    def __init__(self, a: tuple, k: int) -> None:
        self.a = a
        self.k = k


class LoopFacts:
    """What one open loop's versioning needs: the line of its label, its
    body's block depth, the version stamp and opaque count at its start,
    its checked accesses of Sum addresses (line, checked, unchecked, Sum,
    end of the range above the address) and of locals (line, key, Range),
    its last br_if to itself (lines after it, Less or Ne[, the Ne's sides
    that were current]), the Sums locals were set to (key -> Sum) and
    each local's induction step (local -> (step, version) or None),
    and whether it has calls."""
    __slots__ = ("start", "depth", "stamp", "opaque", "clean", "sums", "own", "back", "alias",
                 "steps", "calls", "exits")

    def __init__(self, start: int) -> None:
        self.start = start
        self.depth = 0
        self.stamp = 0
        self.opaque = 0
        self.clean = False
        self.sums: list = []
        self.own: list = []
        self.back: tuple | None = None
        self.alias: dict = {}
        self.steps: dict = {}
        self.calls: int | bool = 0      # the call count at its start; at its end: has calls
        self.exits: list = []           # AtLeast tests of br_ifs out of it (top level)


class _Linear:
    """Bounds of a loop's address values: each an invariant part (C terms)
    plus at most one induction variable's value at an iteration's start,
    whose largest value `top(x)` gives (or None; its C starts with "~")."""

    def __init__(self, facts: LoopFacts, ver: list) -> None:
        self.facts = facts
        self.ver = ver
        self.entry: list[str] = []      # what must hold before the first iteration
        self.top: Callable[[int], str | None] = lambda x: None
        self.low: Callable[[int], list | None] = lambda x: None
        self.below: dict[int, str] = {}    # local -> its bound from an exit test, "~(n - 1)"

    def exited(self, exits: list) -> None:
        """The exit tests `br_if (i >=u n)` from the body's top level, i
        unchanged after them and n loop-invariant: i <u n at the start of
        every iteration (the entry test shows it for the first)."""
        for t in exits:
            i = t.i
            n = self.value(t.n)
            if n is not None and self.ver[i[0]] == i[1] and i[0] not in self.below:
                self.below[i[0]] = f"~({n} - 1)"
                self.entry.append(f"l{i[0]} < {n}")

    def term(self, t: Any, depth: int = 0) -> tuple[int, list, list | None] | None:
        """t's value as a constant plus C terms (a uint64 sum) bounding it
        from above, and C terms bounding it from below (None: unknown), or
        None."""
        if t.__class__ is int:
            return t, [], []
        if t.__class__ is Shl:
            return self.scaled(t)
        if t.__class__ is Sum:
            a = self.term(t.a, depth + 1) if depth < 4 else None
            b = self.term(t.b, depth + 1) if a is not None else None
            if a is None or b is None or sum(x[0] == "~" for x in a[1] + b[1]) > 1:
                return None
            low = a[2] + b[2] if a[2] is not None and b[2] is not None else None
            return a[0] + b[0], a[1] + b[1], low
        facts = self.facts
        x, v = t
        if self.ver[x] <= facts.stamp:          # the loop never sets it
            return 0, [f"l{x}"], [f"l{x}"]
        s = facts.alias.get(t)
        if s is not None:
            return self.term(s, depth + 1) if depth < 4 else None
        if v <= facts.stamp:                    # its value at the iteration's start
            top = self.top(x)
            if top is None:
                top = self.below.get(x)
                return None if top is None else (0, [top], None)
            return (0, [top], self.low(x))
        return None

    def scaled(self, t: Shl) -> tuple[int, list, list | None] | None:
        """The bounds of `a << k`: a one invariant or bounded local."""
        a = self.term(t.a, 4)
        if a is None or a[0] or len(a[1]) != 1 or a[2] and a[2][0].startswith(SIGNED):
            return None
        hi = a[1][0]
        mark = "~" if hi[0] == "~" else ""
        hi = f"{mark}((uint64_t)({hi.lstrip('~')}) << {t.k})"
        lo = None if a[2] is None else [f"((uint64_t)({a[2][0]}) << {t.k})"]
        return 0, [hi], lo

    def value(self, t: Any) -> str | None:
        """The C of a loop-invariant operand of the back edge's test."""
        if t.__class__ is int:
            return f"{t}u"
        return f"l{t[0]}" if self.ver[t[0]] <= self.facts.stamp else None

    def counted(self, back: tuple) -> None:
        """The trip facts of the loop's back edge."""
        facts = self.facts
        test = back[1]
        if test.__class__ is Less:
            n = self.value(test.n)
            if n is None:
                return
            i = test.i[0]
            self.entry = [f"l{i} < {n}"]
            self.top = lambda x: f"~({n} - 1)" if x == i else None
            return
        for c, m in ((test.a, test.b), (test.b, test.a)):
            step = facts.steps.get(c[0]) if c.__class__ is tuple and c in back[2] else None
            n = self.value(m)
            if step is None or step[1] != c[1] or n is None:
                continue
            if step[0] < NEG:
                d, s = f"(uint32_t)({n} - l{c[0]})", step[0]
            else:                               # counting down by 2^32 - step
                d, s = f"(uint32_t)(l{c[0]} - {n})", (1 << 32) - step[0]
            self.entry = [f"{n} != l{c[0]}"]
            if s != 1:
                self.entry.append(f"{d} % {s}u == 0")
                d = f"{d} / {s}u"

            # a pointer stepped up: its first value read as signed (an index
            # counting up to 0 from below: dotprod), so the sum needs the
            # lower bound too
            def top(x: int, trips: str = d) -> str | None:
                st = facts.steps.get(x)
                return None if st is None or st[0] >= NEG else \
                    f"~{SIGNED}l{x} + (uint64_t){st[0]}u * ({trips} - 1)"

            def low(x: int) -> list | None:
                st = facts.steps.get(x)
                return None if st is None or st[0] >= NEG else [f"{SIGNED}l{x}"]
            self.top = top
            self.low = low
            return


def version(lines: list, facts: LoopFacts, label: int, ver: list) -> None:
    """Give the loop whose lines end `lines` its unchecked copy, if it
    qualifies (see the module docstring)."""
    start = facts.start
    if not facts.clean or lines[start] is None or not (facts.sums or facts.own):
        return
    if len(lines) - start - 1 > MAX_LINES or \
            any(x.__class__ is not str and x is not RELOAD for x in lines[start + 1:]):
        return
    lin = _Linear(facts, ver)
    if facts.back is not None and _only_back_edge(lines, facts, label):
        lin.counted(facts.back)
        lin.exited(facts.exits)
    tests: dict[str, int] = {}      # a bound's C terms -> the largest end above them
    edits: dict[int, str] = {}
    lows: dict[str, int] = {}       # a lower bound's C terms -> the smallest constant added
    for line, addr, end, unchecked in _accesses(lines, facts):
        terms = lin.term(addr)
        if terms is None:
            continue
        c = terms[0] & 0xFFFFFFFF
        if c >= NEG:                # a + b - c': in bounds if a + b - c' >= 0 and
            c -= 1 << 32            # a + b - c' + end <= size
        elif c + end > 1 << 31:
            continue
        if c < 0 or any(t.startswith(SIGNED) for t in terms[2] or ()):
            if not terms[2]:
                continue
            low = " + ".join(f"(int64_t)({t})" for t in sorted(terms[2]))
            lows[low] = min(lows.get(low, c), c)
        bound = " + ".join(sorted(terms[1])) or "0u"
        tests[bound] = max(tests.get(bound, c + end), c + end)
        edits[line] = unchecked
    if not edits or facts.calls and not any("~" in b for b in tests):
        return      # (a loop with calls: worth its copy only for induction accesses)
    conds = list(lin.entry) if any("~" in b for b in tests) else []
    conds += [f"(int64_t){c} + {b} >= 0" for b, c in lows.items()]
    conds += [f"(uint64_t){b.replace('~', '')} + {end}u <= m0_size" if end >= 0 else
              f"(uint64_t){b.replace('~', '')} <= m0_size + {-end}u" for b, end in tests.items()]
    _write(lines, start, label, edits, " && ".join(conds))


def _accesses(lines: list, facts: LoopFacts):
    """The loop's checked accesses: (line, address, end above it, the
    line without the check)."""
    for line, checked, unchecked, s, end in facts.sums:
        if lines[line] == checked:
            yield line, s, end, unchecked
    for line, key, r in facts.own:
        yield line, key, r.end, r.nc


def _only_back_edge(lines: list, facts: LoopFacts, label: int) -> bool:
    """Whether the loop's only branch to its start is its last
    instruction, a br_if on a test of Less or Ne."""
    back = facts.back
    if back is None or back[0] != len(lines) or lines[-2] != f"goto L{label};":
        return False
    target = f"L{label};"
    return sum(x.count(target) for x in lines[facts.start + 1:] if x is not RELOAD) == 1


def _write(lines: list, start: int, label: int, edits: dict, test: str) -> None:
    inner = {int(m) for x in lines[start + 1:] if x is not RELOAD
             for m in re.findall(r"^L(\d+):;$", x)}
    inner.add(label)

    def rename(m: re.Match) -> str:
        return f"L{m[1]}_u" if int(m[1]) in inner else m[0]

    copy = [x if x is RELOAD else _LABEL.sub(rename, edits.get(i, x))
            if "L" in edits.get(i, x) else edits.get(i, x)
            for i, x in enumerate(lines[start + 1:], start + 1)]
    lines[start] = (f"#if W2C_LOOP_COPIES\n  if ({test}) goto L{label}_u;\n#endif\n"
                    f"{lines[start]}")
    lines.append("#if W2C_LOOP_COPIES")
    lines.append(f"goto L{label}_x;")
    lines.append(f"L{label}_u:;")
    lines.extend(copy)
    lines.append(f"L{label}_x:;")
    lines.append("#endif")
