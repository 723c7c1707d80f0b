"""Smoke test of the memory64 program benchmark (bench/mem64_programs.py): a
program of bench/programs built by clang as a freestanding wasm64 module,
translated by w2c, compiled by gcc -O2 and run on its reduced input, gives
the checksum of its BENCH_MAIN line.  The figures are
`python -m bench.mem64_programs` (a script, not a test)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench import mem64_programs as m64  # noqa: E402
from bench.run import programs  # noqa: E402


def test_sieve_wasm64_through_w2c(tmp_path):
    if shutil.which(m64.CC) is None:
        pytest.skip(f"{m64.CC} not found")
    problem = m64.toolchain_problem()
    if problem:
        pytest.skip(problem)
    prog = programs(["sieve"])[0]
    wasm = m64.build_module(prog, 64, tmp_path)
    info = subprocess.run([sys.executable, "-m", "w2c", "info", str(wasm)],
                          capture_output=True, text=True, check=True).stdout
    assert "memory64" in info, info   # a 64-bit memory, not a wasm32 module
    exe = m64.build_w2c(wasm, tmp_path / "w2c-64")
    checksum, _ = m64.run(exe, prog, small=True)
    assert int(checksum, 16) == prog.expect_small
