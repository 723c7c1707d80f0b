"""Text-format input (w2c/wat.py through w2c.cli.read_input): every command
takes a .wat file (or text on stdin) as it takes a binary; a syntax error
is one located line `FILE:LINE:COL: message`, exit 1, nothing written; the
text's own validation errors are w2c's usual ones."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from w2c.wat import find_wasm_tools

pytestmark = pytest.mark.skipif(find_wasm_tools() is None,
                                reason="wasm-tools not found (pip install 'w2c[wat]')")

HELLO = """(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 8) "hi from text\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 8))
    (i32.store (i32.const 4) (i32.const 13))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 100)))))
"""


def _w2c(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", *args], capture_output=True,
                          text=True, input=stdin)


@pytest.fixture
def hello(tmp_path) -> Path:
    p = tmp_path / "hello.wat"
    p.write_text(HELLO)
    return p


def test_validate_and_info_read_text(hello):
    assert _w2c("validate", "-v", str(hello)).stdout == f"{hello}: valid\n"
    info = _w2c("info", str(hello))
    assert info.returncode == 0 and "fd_write" in info.stdout


def test_compile_from_text_equals_compile_from_binary(hello, tmp_path):
    wasm = tmp_path / "bin" / "hello.wasm"
    wasm.parent.mkdir()
    subprocess.run([find_wasm_tools(), "parse", str(hello), "-o", str(wasm)], check=True)
    a = _w2c("compile", str(hello), "-o", str(tmp_path / "a" / "hello.c"))
    b = _w2c("compile", str(wasm), "-o", str(tmp_path / "b" / "hello.c"))
    assert a.returncode == b.returncode == 0, a.stderr + b.stderr
    for name in ("hello.c", "hello.h"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_run_and_build_from_text(hello, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    r = _w2c("run", str(hello))
    assert (r.returncode, r.stdout) == (0, "hi from text\n"), r.stderr
    b = _w2c("build", str(hello), "-o", str(tmp_path / "exe"))
    assert b.returncode == 0, b.stderr
    assert subprocess.run([str(tmp_path / "exe")], capture_output=True,
                          text=True).stdout == "hi from text\n"


def test_text_on_stdin():
    r = _w2c("validate", "-v", "-", stdin="(module (func (result i32) (i32.const 1)))")
    assert (r.returncode, r.stdout) == (0, "-: valid\n"), r.stderr


def test_syntax_error_is_one_located_line(tmp_path):
    bad = tmp_path / "bad.wat"
    bad.write_text("(module\n  (func (result i32)\n    (i32.const)))\n")
    r = _w2c("compile", str(bad), "-o", str(tmp_path / "out" / "bad.c"))
    assert r.returncode == 1
    assert r.stderr == f"error: {bad}:3:15: expected a i32\n"
    assert not (tmp_path / "out").exists()


def test_invalid_text_module_is_a_validation_error(tmp_path):
    bad = tmp_path / "bad.wat"
    bad.write_text("(module (func (result i32) (i64.const 1)))")
    r = _w2c("validate", str(bad))
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert r.stderr.startswith(f"error: {bad}:0x") and "type mismatch" in r.stderr


def test_bidi_characters_in_strings_are_kept(tmp_path):
    """names.wast has export names with U+202E; wasm-tools refuses them raw."""
    src = tmp_path / "n.wat"
    src.write_text('(module (func (export "a\u202eb") (result i32) (i32.const 7)))',
                   encoding="utf-8")
    r = _w2c("info", "--json", str(src))
    assert r.returncode == 0, r.stderr
    assert "a\\u202eb" in r.stdout or "a\u202eb" in r.stdout
