"""Source-level debugging (`w2c compile -g`, w2c/emit/lines.py): a C program
built with clang -g for wasm32-wasi, translated and built with -g, stops in
gdb at a breakpoint on its own source line, and the backtrace gives the
original lines of the callers; the C with -g is the C without it plus
`#line` lines and the W2C_FUNC_ENTER/LEAVE lines of trap messages; without
DWARF the lines point into the text dump."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROG = """\
#include <stdio.h>

static int square(int x) {
  int y = x * x;
  return y + 1;
}

int add_up(int n) {
  int total = 0;
  for (int i = 0; i < n; i++)
    total += square(i);
  return total;
}

int main(void) {
  int r = add_up(5);
  printf("result %d\\n", r);
  return r == 35 ? 0 : 1;
}
"""
SQUARE_BODY, CALL_SQUARE, CALL_ADD_UP = 4, 11, 16


def w2c(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)


@pytest.fixture
def prog(tmp_path: Path) -> Path:
    clang = shutil.which("clang")
    if not clang:
        pytest.skip("clang not installed (Debian: clang lld wasi-libc)")
    (tmp_path / "prog.c").write_text(PROG)
    r = subprocess.run([clang, "--target=wasm32-wasi", "-g", "-O0", "prog.c", "-o", "prog.wasm"],
                       cwd=tmp_path, capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"clang --target=wasm32-wasi failed (Debian: lld wasi-libc): {r.stderr[-300:]}")
    return tmp_path / "prog.wasm"


def without_line_directives(path: Path) -> str:
    """The C without its `#line` lines and the -g lines that name each
    function for trap messages (W2C_FUNC_ENTER/LEAVE, test_trap_names.py)."""
    return "".join(line for line in path.read_text().splitlines(keepends=True)
                   if not line.lstrip().startswith(("#line ", "W2C_FUNC_ENTER(",
                                                    "W2C_FUNC_LEAVE()")))


def test_gdb_breaks_on_the_source_line(prog: Path) -> None:
    gdb = shutil.which("gdb")
    if not gdb:
        pytest.skip("gdb not installed (Debian: gdb)")
    tmp = prog.parent
    r = w2c("build", prog, "-o", "prog.exe", "--", "-g", "-O0", cwd=tmp)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([gdb, "-nx", "-batch", "-ex", f"break prog.c:{SQUARE_BODY}", "-ex", "run",
                        "-ex", "bt", "./prog.exe"], cwd=tmp, capture_output=True, text=True,
                       timeout=120)
    out = r.stdout
    assert re.search(rf"Breakpoint 1, .* at .*prog\.c:{SQUARE_BODY}\n", out), out + r.stderr
    frames = re.findall(r"^#(\d+) .* at (\S+):(\d+)$", out, re.M)
    lines = [(Path(f).name, int(n)) for _, f, n in frames]
    assert lines[:3] == [("prog.c", SQUARE_BODY), ("prog.c", CALL_SQUARE),
                         ("prog.c", CALL_ADD_UP)], out


@pytest.mark.parametrize("extra", [[], ["-j", "2"], ["--num-outputs", "2"]])
def test_only_line_directives_differ(prog: Path, extra: list[str]) -> None:
    tmp = prog.parent
    for name, flags in (("g", ["-g"]), ("plain", [])):
        r = w2c("compile", prog, "-o", f"{name}/m.c", "-q", *flags, *extra, cwd=tmp)
        assert r.returncode == 0, r.stderr
    cs = sorted(p.name for p in (tmp / "plain").glob("m*.c"))
    assert cs
    for c in cs:
        assert without_line_directives(tmp / "g" / c) == (tmp / "plain" / c).read_text(), c
    text = "".join((tmp / "g" / c).read_text() for c in cs)
    assert f'#line {SQUARE_BODY} "prog.c"' in text
    assert f'#line {CALL_SQUARE} "prog.c"' in text
    assert re.search(r'W2C_FUNC_ENTER\("func \d+ \(\$add_up\)"\);', text)
    assert not (tmp / "g" / "m.w2c.txt").exists()    # lines from DWARF, no dump


def test_without_dwarf_lines_point_into_the_dump(prog: Path) -> None:
    strip = shutil.which("llvm-strip") or shutil.which("llvm-strip-14")
    if not strip:
        pytest.skip("llvm-strip not installed (Debian: llvm)")
    tmp = prog.parent
    subprocess.run([strip, "prog.wasm", "-o", "bare.wasm"], cwd=tmp, check=True)
    r = w2c("compile", "bare.wasm", "-o", "out/m.c", "-q", "-g", cwd=tmp)
    assert r.returncode == 0, r.stderr
    dump = (tmp / "out" / "m.w2c.txt").read_text().splitlines()
    c = (tmp / "out" / "m.c").read_text()
    refs = [int(n) for n in re.findall(r'#line (\d+) "m\.w2c\.txt"', c)]
    assert len(set(refs)) > 100
    assert all(re.match(r"(func \d+|  0x[0-9a-f]{6}  \S)", dump[n - 1]) for n in refs)
    assert "prog.c" not in c
    # the generated C itself builds with -g and without warnings
    r = subprocess.run(["gcc", "-std=c99", "-g", "-Wall", "-Wextra", "-Werror", "-c", "m.c",
                        "-o", "m.o"], cwd=tmp / "out", capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
