"""Loop versioning for explicit bounds checks (part of the body emitter,
w2c.emit.body; the facts are gathered by w2c.emit.bounds).

A small loop whose checked accesses are all in bounds when one test made
before it holds gets a second, unchecked copy, chosen by that test:

    if (W2C_LOOP_IN_BOUNDS(test)) goto L7_u;
    L7:;   the loop as emitted, checks included
    goto L7_x;
    L7_u:; the same loop, its labels renamed, those accesses unchecked
    L7_x:;

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

Memory never shrinks, so what the test shows at the loop's start holds
throughout.  A copy may hold only instructions the emitter follows (no
calls, no nested loop, no instruction of unknown effects: Checks.opaque),
at most MAX_LINES lines.  Without explicit checks W2C_LOOP_IN_BOUNDS is
0 and the C compiler drops the copy.  A trap happens only in the checked
copy, at the same access with the same memory state as before.
"""
from __future__ import annotations

import re

__all__ = ["MAX_LINES", "Less", "LoopFacts", "Sum", "version"]

MAX_LINES = 64
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


class LoopFacts:
    """What one open loop's versioning needs: the line of its label, the
    version stamp and opaque count at its start, its checked accesses of
    Sum addresses (line, checked, unchecked, Sum, end of the range above
    the address) and of locals (line, key, Range), and its last br_if to
    itself (lines after it, Less)."""
    __slots__ = ("start", "stamp", "opaque", "clean", "sums", "own", "back")

    def __init__(self, start: int) -> None:
        self.start = start
        self.stamp = 0
        self.opaque = 0
        self.clean = False
        self.sums: list = []
        self.own: list = []
        self.back: tuple | None = None


def version(lines: list, facts: LoopFacts, label: int, ver: list) -> None:
    """Give the loop whose lines end `lines` its unchecked copy, if it
    qualifies (see the module docstring)."""
    start = facts.start
    if not facts.clean or lines[start] is None or not (facts.sums or facts.own):
        return
    body = lines[start + 1:]
    if len(body) > MAX_LINES or any(x.__class__ is not str for x in body):
        return
    stamp = facts.stamp

    def fixed(t: object) -> str | None:
        """The C of a value the loop never changes, or None."""
        if t.__class__ is int:
            return f"{t}u"
        return f"l{t[0]}" if ver[t[0]] <= stamp else None

    less = _induction(lines, facts, label)
    n = fixed(less.n) if less is not None else None
    if n is None:
        less = None

    def head(t: object) -> bool:
        """The induction variable's value at the iteration's start."""
        return less is not None and t.__class__ is tuple and t[0] == less.i[0] and \
            t[1] <= stamp

    # a bound's C -> the largest end above it; an induction bound (i's
    # largest value n - 1 in it) ends in " + n - 1"
    tests: dict[str, int] = {}
    edits: dict[int, str] = {}
    for line, checked, unchecked, s, end in facts.sums:
        if lines[line] != checked:
            continue
        a, b = fixed(s.a), fixed(s.b)
        if a is not None and b is not None:
            bound = f"(uint64_t)(uint32_t)({a} + {b})"
        elif head(s.a) and b is not None:
            bound = f"(uint64_t){b} + {n} - 1"
        elif head(s.b) and a is not None:
            bound = f"(uint64_t){a} + {n} - 1"
        else:
            continue
        tests[bound] = max(tests.get(bound, 0), end)
        edits[line] = unchecked
    for line, key, r in facts.own:
        x = fixed(key)
        if x is not None:
            bound = f"(uint64_t){x}"
        elif head(key):
            bound = f"(uint64_t){n} - 1"
        else:
            continue
        tests[bound] = max(tests.get(bound, 0), r.end)
        edits[line] = r.nc
    if not edits:
        return
    conds = []
    if any(b.endswith(" - 1") for b in tests):   # (then n >= 1: no wrap below 0)
        conds.append(f"l{less.i[0]} < {n}")
    conds += [f"{b} + {end}u <= m0_size" for b, end in tests.items()]
    _write(lines, start, label, edits, " && ".join(conds))


def _induction(lines: list, facts: LoopFacts, label: int) -> Less | None:
    """The loop's `i <u n` if its only branch to its start is its last
    instruction, a br_if on that test."""
    back = facts.back
    if back is None or back[0] != len(lines) or lines[-2] != f"goto L{label};":
        return None
    target = f"L{label};"
    if sum(x.count(target) for x in lines[facts.start + 1:]) != 1:
        return None
    return back[1]


def _write(lines: list, start: int, label: int, edits: dict, test: str) -> None:
    inner = {int(m) for x in lines[start + 1:] for m in re.findall(r"^L(\d+):;$", x)}
    inner.add(label)

    def rename(m: re.Match) -> str:
        return f"L{m[1]}_u" if int(m[1]) in inner else m[0]

    copy = [_LABEL.sub(rename, edits.get(i, x)) if "L" in edits.get(i, x) else edits.get(i, x)
            for i, x in enumerate(lines[start + 1:], start + 1)]
    lines[start] = f"if (W2C_LOOP_IN_BOUNDS({test})) goto L{label}_u;\n{lines[start]}"
    lines.append(f"goto L{label}_x;")
    lines.append(f"L{label}_u:;")
    lines.extend(copy)
    lines.append(f"L{label}_x:;")
