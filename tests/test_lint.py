"""Static checks of the w2c package: ruff (lint) and mypy (types).

Both run from the test environment (pyproject.toml's [test] extra installs
them) with the settings of pyproject.toml ([tool.ruff], [tool.mypy]), so
`./scripts/test` and CI run them like any other test.  A finding fails the
test with the tool's report; a tool that is not installed skips it.
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def _run_tool(module: str, *args: str) -> None:
    """Run `python -m MODULE ARGS` in the repository; fail with its output unless it exits 0."""
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install -e '.[test]')")
    proc = subprocess.run([sys.executable, "-m", module, *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        pytest.fail(f"{module} {' '.join(args)} exited {proc.returncode}:\n"
                    f"{proc.stdout}{proc.stderr}", pytrace=False)


def test_ruff() -> None:
    _run_tool("ruff", "check", "--no-cache", "w2c")


def test_mypy() -> None:
    _run_tool("mypy", "w2c")
