"""`w2c build` with gcc turns off sibling calls (w2c.program.compiler_extra_flags,
W2C_NO_SIBLING_CALLS): recursion without end in the shapes gcc would otherwise
turn into a jump or a loop must still end in the stack-exhaustion trap."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SHAPES = {
    # `return 0 - f(n + 1)`: gcc's tail-recursion pass makes this a loop
    "accumulator": """
      (func $f (param i32) (result i32)
        (i32.sub (i32.const 0) (call $f (i32.add (local.get 0) (i32.const 1)))))""",
    # a call in tail position to a function that calls back: two jumps
    "mutual": """
      (func $f (param i32) (result i32) (call $g (local.get 0)))
      (func $g (param i32) (result i32) (call $f (i32.add (local.get 0) (i32.const 1))))""",
}


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc (the flags are gcc's)")
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_endless_recursion_traps(shape: str, tmp_path: Path) -> None:
    wat = tmp_path / "m.wat"
    wat.write_text(f"(module {SHAPES[shape]}\n"
                   '  (func (export "_start") (drop (call $f (i32.const 0)))))\n')
    env = {**os.environ, "W2C_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-m", "w2c", "run", "--cc", "gcc", str(wat)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode != 0 and "call stack exhausted" in proc.stderr, proc.stderr
