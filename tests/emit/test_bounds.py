"""Bounds checks the emitter skips or merges (w2c.emit.bounds) with explicit
bounds checks: the C of each function shows which accesses are checked, and
a C driver shows that every trap still happens where the unoptimised
program traps, with the same memory and globals (a store before the faulting
access is visible, a store after it is not, a trap of another kind comes
first).  Built with gcc and clang (-std=c99 -Wall -Wextra -Werror -pedantic)
with explicit checks and in the host's default configuration, where the
unchecked forms are the same code.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.ctool import CHECK_H_DIR, STRICT, compile_quietly, run_checks
from w2c.emit import compile_module

# Memory 0: 1 page (65536 bytes), may grow to 2.  Each function's comment
# says which of its accesses are checked (c), merged into an earlier check
# (m), or skipped (-).
WAT = r"""
(module
  (memory 1 2)
  (global $g (mut i32) (i32.const 0))
  (func $set_g (global.set $g (i32.const 2)))
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "g") (result i32) (global.get $g))
  ;; c m m: one check of [p, p + 12)
  (func (export "sum3") (param $p i32) (result i32)
    (i32.add (i32.add (i32.load (local.get $p)) (i32.load offset=4 (local.get $p)))
             (i32.load offset=8 (local.get $p))))
  ;; c c c -: the store ends what the first check may cover; the last load is inside
  ;; the third's
  (func (export "storeBetween") (param $p i32) (param $q i32) (result i32)
    (drop (i32.load (local.get $p)))
    (i32.store8 (local.get $q) (i32.const 7))
    (i32.load offset=8 (local.get $p))
    (drop (i32.load offset=4 (local.get $p))))
  ;; c c: a store's own check never grows (its write happened before the next access)
  (func (export "storeStore") (param $p i32)
    (i32.store8 (local.get $p) (i32.const 5))
    (i32.store8 offset=8 (local.get $p) (i32.const 6)))
  ;; c m: the store's check moves to the load (nothing happened in between)
  (func (export "loadStore") (param $p i32)
    (drop (i32.load (local.get $p)))
    (i32.store8 offset=8 (local.get $p) (i32.const 9)))
  ;; c c: a division that may trap sits between them
  (func (export "divBetween") (param $p i32) (param $d i32) (result i32)
    (i32.add (i32.load (local.get $p))
             (i32.add (i32.div_u (i32.const 1) (local.get $d)) (i32.load offset=8 (local.get $p)))))
  ;; c c: global.set between
  (func (export "globalBetween") (param $p i32) (result i32)
    (drop (i32.load (local.get $p)))
    (global.set $g (i32.const 1))
    (i32.load offset=8 (local.get $p)))
  ;; c c: a call between
  (func (export "callBetween") (param $p i32) (result i32)
    (drop (i32.load (local.get $p)))
    (call $set_g)
    (i32.load offset=8 (local.get $p)))
  ;; c c: a branch between (the second load is not always reached)
  (func (export "branchBetween") (param $p i32) (param $b i32) (result i32)
    (block (result i32)
      (drop (br_if 0 (i32.load (local.get $p)) (local.get $b)))
      (i32.load offset=30000 (local.get $p))))
  ;; c - c: a new value of $p needs its own check
  (func (export "setBetween") (param $p i32) (param $x i32) (result i32)
    (drop (i32.load offset=8 (local.get $p)))
    (drop (i32.load (local.get $p)))
    (local.set $p (local.get $x))
    (i32.load (local.get $p)))
  ;; c -: local.tee's value is the local's new one
  (func (export "tee") (param $p i32) (param $x i32) (result i32)
    (i32.add (i32.load offset=4 (local.tee $p (local.get $x))) (i32.load (local.get $p))))
  ;; c c: the value stored comes from a local.tee, the address does not
  (func (export "teeValue") (param $p i32) (param $x i32) (result i32) (local $q i32)
    (i32.store (local.get $p) (local.tee $q (local.get $x)))
    (i32.load (local.get $q)))
  ;; c c c: after the if only what both arms checked ([p, p + 8)) is known
  (func (export "arms") (param $p i32) (param $c i32) (result i32)
    (if (result i32) (local.get $c)
      (then (i32.load offset=16 (local.get $p)))
      (else (i32.load offset=4 (local.get $p))))
    (i32.load offset=8 (local.get $p))
    (i32.add))
  ;; c c - : then both arms checked [p, p + 20)
  (func (export "armsBoth") (param $p i32) (param $c i32) (result i32)
    (if (result i32) (local.get $c)
      (then (i32.load offset=16 (local.get $p)))
      (else (i32.load offset=16 (local.get $p))))
    (i32.load offset=12 (local.get $p))
    (i32.add))
  ;; c c: a loop's start is reached from its end too
  (func (export "walk") (param $p i32) (param $n i32) (result i32) (local $s i32)
    (drop (i32.load (local.get $p)))
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
  ;; c - c - -: $p is the same on every iteration: what was checked before the loop
  ;; holds; the loop's other check moves before it, into the test that chooses its
  ;; unchecked copy (w2c.emit.loops)
  (func (export "invariant") (param $p i32) (param $n i32) (result i32) (local $s i32)
    (drop (i32.load offset=8 (local.get $p)))
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load offset=4 (local.get $p))))
      (local.set $s (i32.add (local.get $s) (i32.load offset=12 (local.get $p))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
  ;; c -: i < n at every iteration's start, so b + i is in bounds when b + n - 1 + 1
  ;; is: the loop's unchecked copy runs then
  (func (export "fill") (param $b i32) (param $i i32) (param $n i32)
    (loop $l
      (i32.store8 (i32.add (local.get $b) (local.get $i)) (i32.const 7))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n)))))
  ;; c - c -: a counted loop (k += 2 until k == n), pointers $p (step 8) and $p + 4:
  ;; p + 8 * ((n - k) / 2 - 1) + 8 <= size chooses the unchecked copy
  (func (export "counted") (param $p i32) (param $k i32) (param $n i32) (local $q i32)
    (loop $l
      (i32.store (local.get $p) (i32.const 5))
      (local.set $q (i32.add (local.get $p) (i32.const 4)))
      (i32.store (local.get $q) (i32.const 6))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $l (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 2)))
                        (local.get $n)))))
  ;; c -: the address uses $i after the loop set it to $i + 1, at most n
  (func (export "fillLate") (param $b i32) (param $i i32) (param $n i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (i32.store8 (i32.add (local.get $b) (local.get $i)) (i32.const 7))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
  ;; - - c: constant addresses below the declared minimum need no check
  (func (export "consts") (result i32)
    (i32.add (i32.add (i32.load (i32.const 65528)) (i32.load (i32.const 100)))
             (i32.load (i32.const 65533))))
  ;; c m: other constant addresses share one key (base 0)
  (func (export "constsMerged") (result i32)
    (i32.add (i32.load (i32.const 65536)) (i32.load (i32.const 65540))))
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
)
"""

# function -> its accesses in order: c (checked), - (not checked: covered
# by an earlier check, or by one widened to cover it too)
EXPECTED = {
    "sum3": "c--", "storeBetween": "ccc-", "storeStore": "cc", "loadStore": "c-",
    "divBetween": "cc", "globalBetween": "cc", "callBetween": "cc",
    "branchBetween": "cc", "setBetween": "c-c", "tee": "c-", "teeValue": "cc", "arms": "ccc",
    "armsBoth": "cc-", "walk": "cc", "invariant": "c-c--", "consts": "--c", "constsMerged": "c-",
    "fill": "c-", "fillLate": "c-", "counted": "cc--",
}
# function -> the end a widened check covers
WIDENED = {"sum3": 12, "loadStore": 9, "constsMerged": 8}

DRIVER = r"""
#include "m.h"
#include "check.h"
#define TRAPS(code, stmt) CHECK(W2C_TRY(stmt) == (code))
#define OOB W2C_TRAP_OOB_MEMORY
static m_instance inst;
static volatile uint32_t r;
int main(void) {
  CHECK(m_instantiate(&inst, NULL) == 0);
  CHECK(W2C_TRY(r = m_x_sum3(&inst, 65524)) == 0);
  TRAPS(OOB, r = m_x_sum3(&inst, 65525));
  /* the store before the faulting load happened */
  TRAPS(OOB, r = m_x_storeBetween(&inst, 65528, 1000));
  CHECK(m_x_peek(&inst, 1000) == 7);
  CHECK(W2C_TRY(r = m_x_storeBetween(&inst, 65524, 1001)) == 0);
  TRAPS(OOB, r = m_x_storeBetween(&inst, 65533, 1002));
  CHECK(m_x_peek(&inst, 1002) == 0);
  TRAPS(OOB, m_x_storeStore(&inst, 65530));
  CHECK(m_x_peek(&inst, 65530) == 5);
  CHECK(W2C_TRY(m_x_loadStore(&inst, 65527)) == 0);
  CHECK(m_x_peek(&inst, 65535) == 9);
  TRAPS(OOB, m_x_loadStore(&inst, 65528));
  /* a trap of another kind first */
  TRAPS(W2C_TRAP_INT_DIV_ZERO, r = m_x_divBetween(&inst, 65530, 0));
  TRAPS(OOB, r = m_x_divBetween(&inst, 65530, 1));
  CHECK(m_x_g(&inst) == 0);
  TRAPS(OOB, r = m_x_globalBetween(&inst, 65530));
  CHECK(m_x_g(&inst) == 1);
  TRAPS(OOB, r = m_x_callBetween(&inst, 65530));
  CHECK(m_x_g(&inst) == 2);
  CHECK(W2C_TRY(r = m_x_branchBetween(&inst, 40000, 1)) == 0);
  TRAPS(OOB, r = m_x_branchBetween(&inst, 40000, 0));
  TRAPS(OOB, r = m_x_setBetween(&inst, 0, 65536));
  CHECK(W2C_TRY(r = m_x_setBetween(&inst, 0, 65532)) == 0);
  TRAPS(OOB, r = m_x_tee(&inst, 0, 65533));
  CHECK(W2C_TRY(r = m_x_tee(&inst, 0, 65528)) == 0);
  TRAPS(OOB, r = m_x_teeValue(&inst, 0, 65536));
  CHECK(W2C_TRY(r = m_x_arms(&inst, 65516, 1)) == 0);
  TRAPS(OOB, r = m_x_arms(&inst, 65526, 0));
  TRAPS(OOB, r = m_x_arms(&inst, 65517, 1));
  TRAPS(OOB, r = m_x_armsBoth(&inst, 65517, 0));
  CHECK(W2C_TRY(r = m_x_armsBoth(&inst, 65516, 0)) == 0);
  CHECK(W2C_TRY(r = m_x_walk(&inst, 65532 - 40, 11)) == 0);
  TRAPS(OOB, r = m_x_walk(&inst, 65532 - 40, 12));
  CHECK(W2C_TRY(r = m_x_invariant(&inst, 65520, 3)) == 0);
  TRAPS(OOB, r = m_x_invariant(&inst, 65521, 3));
  /* loop versioning: the unchecked copy where all is in bounds, else the
     checked one traps at the same store with the same bytes written */
  m_x_fill(&inst, 60000, 0, 100);
  CHECK(m_x_peek(&inst, 60099) == 7 && m_x_peek(&inst, 60100) == 0);
  TRAPS(OOB, m_x_fill(&inst, 65500, 0, 100));
#if W2C_BOUNDS_CHECK == W2C_BOUNDS_EXPLICIT /* (guard pages: clang vectorises the loop) */
  CHECK(m_x_peek(&inst, 65535) == 7);
#endif
  m_x_fill(&inst, 61000, 200, 100);   /* i >= n: one iteration */
  CHECK(m_x_peek(&inst, 61200) == 7 && m_x_peek(&inst, 61201) == 0);
  TRAPS(OOB, m_x_fill(&inst, 65400, 200, 100));
  m_x_fill(&inst, 0xFFFFFF00u, 0x100, 0x110);   /* b + i wraps to 0 */
  CHECK(m_x_peek(&inst, 0) == 7 && m_x_peek(&inst, 15) == 7 && m_x_peek(&inst, 16) == 0);
  TRAPS(OOB, m_x_fill(&inst, 0xFFFFFF00u, 0xF0, 0x110));
  m_x_counted(&inst, 50000, 0, 10);          /* 5 iterations: 50000..50039 */
  CHECK(m_x_peek(&inst, 50036) == 6 && m_x_peek(&inst, 50040) == 0);
  TRAPS(OOB, m_x_counted(&inst, 65512, 0, 10));  /* 3 iterations, then 65536 */
  CHECK(m_x_peek(&inst, 65532) == 6);
  TRAPS(OOB, m_x_counted(&inst, 65000, 0, 9));   /* k never equals n: runs off the end */
  CHECK(m_x_peek(&inst, 65532) == 6 && m_x_peek(&inst, 65000) == 5);
  m_x_fillLate(&inst, 62000, 0, 10);
  CHECK(m_x_peek(&inst, 62000) == 0 && m_x_peek(&inst, 62010) == 7);
  TRAPS(OOB, m_x_fillLate(&inst, 65530, 0, 10));
  TRAPS(OOB, r = m_x_consts(&inst));
  TRAPS(OOB, r = m_x_constsMerged(&inst));
  /* grown: the same accesses are in bounds */
  CHECK(m_x_grow(&inst) == 1);
  CHECK(W2C_TRY(r = m_x_constsMerged(&inst)) == 0);
  CHECK(W2C_TRY(r = m_x_sum3(&inst, 65525)) == 0);
  CHECK(W2C_TRY(r = m_x_walk(&inst, 65532 - 40, 12)) == 0);
  m_free(&inst);
  return check_done();
}
"""
CONFIGS = {"explicit": ["-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT"],
           "explicit-malloc": ["-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT",
                               "-DW2C_MEMORY_ALLOC=W2C_ALLOC_MALLOC"],
           "default": []}
ACCESS = re.compile(r"(W2C_MEM_CHECK_END\([^;]*;[^;(]*)?\bw2c_\w+_(?:load|store)\w*?(_nc)?\(")


@pytest.fixture(scope="module")
def translated(tmp_path_factory, wat2wasm) -> Path:
    out = tmp_path_factory.mktemp("bounds")
    compile_module(wat2wasm(WAT), out / "m.c", "m")
    (out / "main.c").write_text(DRIVER)
    return out


def functions(c: str) -> dict[str, str]:
    """Each exported function's C body, by export name."""
    bodies = dict(re.findall(r"static \w+ m_f(\d+)\(void \*instance[^{]*\{(.*?)\n\}", c, re.S))
    exports = re.findall(r"m_x_(\w+)\(m_instance \*inst[^{]*\{\s*(?:return )?m_f(\d+)\(", c)
    return {name: bodies[idx] for name, idx in exports}


def accesses(body: str) -> str:
    """A function's accesses as in EXPECTED."""
    return "".join("-" if m[2] and not m[1] else "c" for m in ACCESS.finditer(body))


def test_which_checks(translated):
    bodies = functions((translated / "m.c").read_text())
    assert {k: accesses(bodies[k]) for k in EXPECTED} == EXPECTED
    for name, end in WIDENED.items():
        assert re.search(rf"W2C_MEM_CHECK_END\(m0_size, \w+, {end}u\)", bodies[name]), name
    assert "W2C_MEM_CHECK_END" not in "".join(bodies[k] for k in EXPECTED if k not in WIDENED)


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_traps_in_place(translated, tmp_path, cc, config):
    exe = tmp_path / "bounds"
    compile_quietly([cc, *STRICT, "-O2", *CONFIGS[config], "-I", translated, "-I", CHECK_H_DIR,
                     translated / "m.c", translated / "main.c", "-o", exe, "-lm"])
    run_checks([exe], 55)


FIXED_WAT = """
(module
  (memory %s)
  (func (export "ld") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
  (func (export "grow") (result i32) (memory.grow (i32.const 1))))
"""
FIXED_DRIVER = r"""
#include "m.h"
#include "check.h"
static m_instance inst;
static volatile uint32_t r;
int main(void) {
  CHECK(m_instantiate(&inst, NULL) == 0);
  CHECK(W2C_TRY(r = m_x_ld(&inst, 65528)) == 0);
  CHECK(W2C_TRY(r = m_x_ld(&inst, 65529)) == W2C_TRAP_OOB_MEMORY);
  CHECK(W2C_TRY(r = m_x_ld(&inst, 0xFFFFFFFFu)) == W2C_TRAP_OOB_MEMORY);
  CHECK(m_x_grow(&inst) == (GROWS ? 1u : 0xFFFFFFFFu));
  CHECK(W2C_TRY(r = m_x_ld(&inst, 65529)) == (GROWS ? 0 : W2C_TRAP_OOB_MEMORY));
  m_free(&inst);
  return check_done();
}
"""
STATIC = "-DW2C_MEMORY_ALLOC=W2C_ALLOC_STATIC"


@pytest.mark.parametrize("limits, fixed, static_only", [("1 1", True, 0), ("1", True, 1),
                                                         ("1 2", False, 0)])
@pytest.mark.parametrize("static", [False, True])
def test_fixed_size(tmp_path, wat2wasm, limits, fixed, static_only, static):
    """A memory that cannot grow (its limit is its initial size, or any
    defined memory in a W2C_ALLOC_STATIC build) is compared with a constant."""
    compile_module(wat2wasm(FIXED_WAT % limits), tmp_path / "m.c", "m")
    c = (tmp_path / "m.c").read_text()
    assert (f"W2C_MEM_FIXED_SIZE(inst->mem0_storage.size, UINT64_C(65536), {static_only})"
            in c) == fixed
    (tmp_path / "main.c").write_text(FIXED_DRIVER)
    grows = not fixed or (static_only and not static)
    exe = tmp_path / "fixed"
    compile_quietly(["gcc", *STRICT, "-O2", "-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT",
                     *([STATIC] if static else []), f"-DGROWS={int(grows)}", "-I", tmp_path,
                     "-I", CHECK_H_DIR, tmp_path / "m.c", tmp_path / "main.c", "-o", exe, "-lm"])
    run_checks([exe], 6)
