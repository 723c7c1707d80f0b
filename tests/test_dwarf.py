"""The DWARF line table reader (w2c/dwarf.py) against llvm-dwarfdump's
reading of the same module, built with clang -g for wasm32-wasi (DWARF 4 and 5)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from w2c.dwarf import line_table
from w2c.features import Features
from w2c.parse.decode import decode_module

PROG = """\
#include <stdio.h>

static int square(int x) {
  int y = x * x;
  return y + 1;
}

int main(void) {
  int total = 0;
  for (int i = 0; i < 5; i++)
    total += square(i);
  printf("%d\\n", total);
  return 0;
}
"""

_ROW = re.compile(r"^0x([0-9a-f]{16})\s+(\d+)\s+\d+\s+(\d+)\s+\d+\s+\d+\s+(.*)$")


def _tool(name: str) -> str:
    path = shutil.which(name) or shutil.which(name + "-14")
    if not path:
        pytest.skip(f"{name} not installed (Debian: clang lld wasi-libc llvm)")
    return path


def _build(tmp_path: Path, dwarf: str) -> Path:
    clang = _tool("clang")
    src = tmp_path / "prog.c"
    src.write_text(PROG)
    wasm = tmp_path / "prog.wasm"
    r = subprocess.run([clang, "--target=wasm32-wasi", f"-gdwarf-{dwarf}", "-O0", str(src),
                        "-o", str(wasm)], capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"clang --target=wasm32-wasi failed: {r.stderr[-300:]}")
    return wasm


def _dwarfdump_rows(wasm: Path) -> dict[int, int]:
    """Statement rows with a line, by address (the last row at an address wins)."""
    out = subprocess.run([_tool("llvm-dwarfdump"), "--debug-line", str(wasm)],
                         capture_output=True, text=True, check=True).stdout
    rows: dict[int, int] = {}
    for line in out.splitlines():
        m = _ROW.match(line)
        if m and "end_sequence" not in m[4] and "is_stmt" in m[4] and int(m[2]):
            rows[int(m[1], 16)] = int(m[2])
    return rows


@pytest.mark.parametrize("dwarf", ["4", "5"])
def test_lines_match_llvm_dwarfdump(tmp_path: Path, dwarf: str) -> None:
    wasm = _build(tmp_path, dwarf)
    table = line_table(decode_module(wasm.read_bytes(), Features()))
    assert table is not None
    expected = _dwarfdump_rows(wasm)
    assert len(expected) > 20
    got = {addr: table.at(addr) for addr in expected}
    assert {a: e[1] if e else None for a, e in got.items()} == expected
    # the program's own lines name its file, with the directory clang recorded
    mine = [e for e in got.values() if e and e[0].endswith("prog.c")]
    assert {line for _, line in mine} >= {4, 5, 9, 10, 11, 12}
    assert all(e[0] == str(tmp_path / "prog.c") or e[0].endswith("/prog.c") for e in mine)


def test_no_dwarf_no_table(tmp_path: Path) -> None:
    wasm = _build(tmp_path, "4")
    stripped = tmp_path / "stripped.wasm"
    subprocess.run([_tool("llvm-strip"), str(wasm), "-o", str(stripped)], check=True)
    assert line_table(decode_module(stripped.read_bytes(), Features())) is None
