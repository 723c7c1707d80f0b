"""Real programs end to end: SQLite's shell, Brotli's CLI and QuickJS, built
from their source packages to wasm32-wasi by the bench's recipes
(bench/real/recipes.py: pinned versions and sha256, downloaded with pip /
npm into $W2C_BENCH_CACHE, default ~/.cache/w2c-bench), run by `w2c run` on
the bench's workloads at their `test` size.  stdout, stderr and the exit
status must be wasmtime's byte for byte (the Brotli round trip also gives
back its input).  Without network or npm the download fails and the tests
skip, saying why; without clang's wasm32-wasi support likewise.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.ctool import require_wasmtime, skip_wasi_toolchain, wasi_toolchain_missing
from tests.support.locks import file_lock, shared_folder

recipes = pytest.importorskip("bench.real.recipes")

pytestmark = pytest.mark.slow
RUNNER = Path(__file__).resolve().parent.parent / "wasi" / "wasmtime_runner.py"
# the first `w2c run` of the SQLite shell is one gcc -O2 of a big C file: about 70 s of CPU
# (issue 17), well over 900 s of wall time on this 2-core machine when it is heavily shared
TIMEOUT = 2400


@pytest.fixture(scope="session")
def shared(tmp_path_factory) -> Path:
    """A folder shared by the xdist workers of this run."""
    return shared_folder(tmp_path_factory, "real-programs")


def module(shared: Path, program: str) -> Path:
    """The program's wasm32-wasi module (skips when it cannot be downloaded)."""
    with file_lock(shared / f"{program}.lock"):
        try:
            return recipes.build(recipes.PROGRAMS[program], wasm=True)
        except recipes.FetchError as e:
            pytest.skip(f"cannot download the sources: {e}")
        except recipes.RecipeError as e:
            if wasi_toolchain_missing(str(e)):
                skip_wasi_toolchain(str(e))
            raise


def run_wasmtime(wasm: Path, args: tuple[str, ...], stdin: bytes, tmp: Path
                 ) -> tuple[int, bytes, bytes]:
    require_wasmtime()
    inp = tmp / "stdin"
    inp.write_bytes(stdin)
    proc = subprocess.run([sys.executable, str(RUNNER), "--stdin", str(inp), str(wasm), "--",
                           *args], capture_output=True, timeout=TIMEOUT)
    return proc.returncode, proc.stdout, proc.stderr


def run_w2c(wasm: Path, args: tuple[str, ...], stdin: bytes, shared: Path
            ) -> tuple[int, bytes, bytes]:
    env = dict(os.environ, W2C_CACHE_DIR=str(shared / "w2c-cache"))
    env.pop("W2C_PROGRESS", None)
    with file_lock(shared / f"{wasm.name}.run.lock"):  # one first build per module
        proc = subprocess.run([sys.executable, "-m", "w2c.cli", "run", str(wasm), "--", *args],
                              input=stdin, capture_output=True, env=env, timeout=TIMEOUT)
    return proc.returncode, proc.stdout, proc.stderr


def test_recipes_are_pinned() -> None:
    """Every archive is named by version and sha256 (no floating download)."""
    for p in recipes.PROGRAMS.values():
        a = p.archive
        assert a.version and len(a.sha256) == 64 and a.version in a.filename, a


@pytest.mark.parametrize("program", ["sqlite", "quickjs"])
def test_program_agrees_with_wasmtime(program: str, shared: Path, tmp_path: Path) -> None:
    wasm = module(shared, program)
    work = recipes.workload(program, "test")
    expect = run_wasmtime(wasm, work.args, work.stdin, tmp_path)
    assert expect[0] == 0 and len(expect[1]) > 100, expect
    # stderr too: the SQLite shell warns that it has no home directory (no HOME)
    assert run_w2c(wasm, work.args, work.stdin, shared) == expect


def test_brotli_round_trip_agrees_with_wasmtime(shared: Path, tmp_path: Path) -> None:
    wasm = module(shared, "brotli")

    def compress(data: bytes, args: tuple[str, ...]) -> bytes:
        status, out, err = run_wasmtime(wasm, args, data, tmp_path)
        assert (status, err) == (0, b"")
        return out

    comp = recipes.workload("brotli-compress", "test")
    decomp = recipes.workload("brotli-decompress", "test", compress)
    assert len(decomp.stdin) < len(comp.stdin) // 2
    assert run_w2c(wasm, comp.args, comp.stdin, shared) == (0, decomp.stdin, b"")
    assert run_w2c(wasm, decomp.args, decomp.stdin, shared) == (0, comp.stdin, b"")
