"""A module may import the same module/name pair several times (AssemblyScript
imports wasi_snapshot_preview1.fd_write twice): one C function or imports
member serves every copy, whatever the path: `compile` with a C host (one
file or --num-outputs), `compile --wasi` with an embedder, `build`, `run`,
and a bare-metal target under QEMU.  Also a function and a global under one
name, and two signatures under one name (each gets its own C function)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from w2c.program import load_target
from w2c.parse import check_module

CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
COMPILERS = [c for c in ("gcc", "clang") if shutil.which(c)]
RUN_TIMEOUT = 120
ROOT = Path(__file__).resolve().parents[2]

# env.f is a function (imported twice with one type, once with another) and
# a global; env.g a mutable global imported twice; env.t a table imported
# twice (filled through one import, called through the other).
HOST_WAT = """
(module
  (import "env" "f" (func $f1 (param i32) (result i32)))
  (import "env" "f" (global $gf i32))
  (import "env" "f" (func $f2 (param i32) (result i32)))
  (import "env" "f" (func $f3 (param i64) (result i64)))
  (import "env" "g" (global $g1 (mut i32)))
  (import "env" "g" (global $g2 (mut i32)))
  (import "env" "t" (table $t1 2 funcref))
  (import "env" "t" (table $t2 2 funcref))
  (type $i2i (func (param i32) (result i32)))
  (elem (table $t1) (i32.const 0) func $f1 $f2)
  (func (export "run") (result i64)
    (global.set $g1 (i32.add (global.get $g2) (i32.const 1)))
    (i64.add
      (i64.extend_i32_u
        (i32.add (i32.add (call $f1 (i32.const 10)) (call $f2 (global.get $gf)))
                 (call_indirect $t2 (type $i2i) (global.get $g2)
                                (i32.sub (global.get $g1) (i32.const {g0})))))
      (call $f3 (i64.const 21)))))
"""
F_GLOBAL, G_START, F_ADD, F3_MUL = 5, 7, 100, 3

HOST_C = r"""
#include <inttypes.h>
#include <stdio.h>

#include "dup.h"

static int calls_i32, calls_i64;

uint32_t dup_i_env__f(void *ctx, uint32_t x) { (void)ctx; calls_i32++; return x + %(add)d; }

/* The i64 signature under the same name: a C function of its own. */
uint64_t %(f3)s(void *ctx, uint64_t x) { (void)ctx; calls_i64++; return x * %(mul)d; }

int main(void) {
  static dup_instance inst;
  static w2c_table table;
  dup_imports imports;
  uint32_t f = %(f)d, g = %(g)d;
  uint64_t r;
  W2C_MEMSET(&imports, 0, sizeof imports);
  if (w2c_table_alloc(&table, 0, 2, UINT32_MAX) != 0) return 2;
  imports.ctx_env = &inst;
  imports.global_env__f = &f;
  imports.global_env__g = &g;
  imports.table_env__t = &table;
  if (dup_instantiate(&inst, &imports) != 0) return 3;
  r = dup_x_run(&inst);
  printf("%%" PRIu64 " %%" PRIu32 " %%d %%d\n", r, g, calls_i32, calls_i64);
  dup_free(&inst);
  w2c_table_free(&table);
  return 0;
}
"""

# A WASI command importing fd_write twice (as AssemblyScript does), with
# proc_exit between the two: writes "one\n" through the first import, "two\n"
# through the second, exits with EXIT_CODE.
WASI_WAT = """
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $write1 (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $write2 (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\\10\\00\\00\\00\\04\\00\\00\\00\\20\\00\\00\\00\\04\\00\\00\\00")
  (data (i32.const 16) "one\\n")
  (data (i32.const 32) "two\\n")
  (func (export "_start")
    (drop (call $write1 (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 48)))
    (drop (call $write2 (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 48)))
    (call $exit (i32.const {code}))))
"""
EXIT_CODE = 7
WASI_OUT = "one\ntwo\n"

EMBED_C = r"""
#include <stdio.h>

#include "dup_wasi.h"

static int exit_code = -1;
static jmp_buf done;
static void on_exit_hook(uint32_t code) { exit_code = (int)code; longjmp(done, 1); }

int main(void) {
  static dup_instance inst;
  static dup_wasi w;
  const char *args[] = {"dup"};
  const char *envp[] = {NULL};
  w2c_wasi_config cfg = {1, args, envp, 0, NULL, NULL, 0, 1, 2};
  if (dup_wasi_instantiate(&w, &inst, &cfg) != 0) return 3;
  w.wasi.exit_hook = on_exit_hook;
  if (setjmp(done) == 0) dup_wasi_start(&w);
  fflush(stdout);
  dup_wasi_free(&w);
  return exit_code;
}
"""


def w2c(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", *args], capture_output=True, text=True,
                          timeout=RUN_TIMEOUT)


@pytest.fixture
def wasi_wasm(tmp_path, wat2wasm) -> Path:
    wasm = tmp_path / "dup.wasm"
    wasm.write_bytes(wat2wasm(WASI_WAT.replace("{code}", str(EXIT_CODE))))
    return wasm


def test_module_has_duplicate_imports(wat2wasm):
    """The test modules really import one name several times (wat2wasm keeps them)."""
    host = check_module(wat2wasm(HOST_WAT.replace("{g0}", str(G_START))))
    pairs = [(i.module, i.name) for i in host.imports]
    assert pairs.count(("env", "f")) == 4 and pairs.count(("env", "g")) == 2
    wasi = check_module(wat2wasm(WASI_WAT.replace("{code}", "0")))
    assert [i.name for i in wasi.imports].count("fd_write") == 2


@pytest.mark.parametrize("outputs", [1, 3])
@pytest.mark.parametrize("cc", COMPILERS)
def test_compile_with_c_host(tmp_path, wat2wasm, cc, outputs):
    wasm = tmp_path / "dup.wasm"
    wasm.write_bytes(wat2wasm(HOST_WAT.replace("{g0}", str(G_START))))
    out = tmp_path / "out"
    r = w2c("compile", str(wasm), "-o", str(out / "dup.c"), "--num-outputs", str(outputs))
    assert r.returncode == 0, r.stderr
    sources = sorted(out.glob("dup*.c"))
    assert len(sources) == (1 if outputs == 1 else outputs + 1), sources   # (+ dup_data.c)
    header = (out / "dup.h").read_text()
    # One prototype per distinct function; the other signature has its own name.
    assert header.count("dup_i_env__f(void *ctx") == 1, header
    [f3] = [ln.split("(")[0].split()[-1] for ln in header.splitlines()
            if ln.startswith("uint64_t dup_i_env__f")]
    (out / "host.c").write_text(HOST_C % {"add": F_ADD, "mul": F3_MUL, "f3": f3, "f": F_GLOBAL,
                                          "g": G_START})
    exe = tmp_path / "host"
    b = subprocess.run([cc, *CFLAGS, "-O2", f"-I{out}", *map(str, sources), str(out / "host.c"),
                        "-o", str(exe), "-lm"], capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    p = subprocess.run([str(exe)], capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert p.returncode == 0, p.stderr
    g = G_START + 1  # set through $g1, read back by the host through the one pointer
    # f1(10) + f2(env.f) + (table entry g - G_START, i.e. $f2)(g) + f3(21)
    want = (10 + F_ADD) + (F_GLOBAL + F_ADD) + (g + F_ADD) + 21 * F3_MUL
    assert p.stdout.split() == [str(want), str(g), "3", "1"]


def test_compile_wasi_with_embedder(tmp_path, wasi_wasm):
    out = tmp_path / "out"
    r = w2c("compile", "--wasi", str(wasi_wasm), "-o", str(out / "dup.c"))
    assert r.returncode == 0, r.stderr
    glue = (out / "dup_wasi.c").read_text()
    assert glue.count("dup_i_wasi_5Fsnapshot_5Fpreview1__fd_5Fwrite(") == 1, glue
    (out / "host.c").write_text(EMBED_C)
    exe = tmp_path / "host"
    b = subprocess.run(["gcc", *CFLAGS, "-O2", f"-I{out}", str(out / "dup.c"),
                        str(out / "dup_wasi.c"), str(out / "host.c"), "-o", str(exe), "-lm"],
                       capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    p = subprocess.run([str(exe)], capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert (p.returncode, p.stdout) == (EXIT_CODE, WASI_OUT), p.stderr


def test_build(tmp_path, wasi_wasm):
    exe = tmp_path / "dup"
    r = w2c("build", str(wasi_wasm), "-o", str(exe))
    assert r.returncode == 0, r.stderr
    p = subprocess.run([str(exe)], capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert (p.returncode, p.stdout) == (EXIT_CODE, WASI_OUT), p.stderr


def test_run(tmp_path, wasi_wasm, monkeypatch):
    monkeypatch.setenv("W2C_CACHE_DIR", str(tmp_path / "cache"))
    p = w2c("run", str(wasi_wasm))
    assert (p.returncode, p.stdout) == (EXIT_CODE, WASI_OUT), p.stderr


@pytest.mark.slow
def test_bare_metal(tmp_path, wasi_wasm):
    prof = load_target("cortex-m3")
    for tool in (prof.cc, prof.run[0]):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found (Debian: {' '.join(prof.debian_packages)})")
    elf = tmp_path / "dup.elf"
    r = w2c("build", "--target", "cortex-m3", str(wasi_wasm), "-o", str(elf))
    assert (r.returncode, r.stderr) == (0, ""), r.stderr
    p = subprocess.run(prof.run_command(elf), capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert (p.returncode, p.stdout) == (EXIT_CODE, WASI_OUT), p.stderr


def test_assemblyscript_fd_write(tmp_path, monkeypatch):
    """The conformance suite's AssemblyScript modules that import fd_write twice
    ($W2C_WASI_TESTSUITE or ../shared/wasi-testsuite, as tests/wasi uses)."""
    env = os.environ.get("W2C_WASI_TESTSUITE")
    suite = ROOT / Path(env).expanduser() if env else ROOT.parent / "shared" / "wasi-testsuite"
    modules = sorted(suite.glob("tests/assemblyscript/testsuite/wasm32-wasip1/fd_write-*.wasm"))
    if not modules:
        pytest.skip(f"no AssemblyScript fd_write tests under {suite} (set W2C_WASI_TESTSUITE)")
    monkeypatch.setenv("W2C_CACHE_DIR", str(tmp_path / "cache"))
    for wasm in modules:
        assert b"fd_write" in wasm.read_bytes()
        p = w2c("run", str(wasm))
        assert p.returncode == 0, (wasm.name, p.stderr)
