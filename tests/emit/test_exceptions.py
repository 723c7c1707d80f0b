"""Exceptions in generated C (w2c.emit.exn, runtime_c/w2c_exn.h): a module
with throw/catch across functions, catch_ref + throw_ref, a tag thrown by a
host import, an exception escaping an export (w2c_exn_pending, not a trap)
and a trap inside try_table (not caught), embedded by a C program built with
gcc and clang (-std=c99 -Wall -Wextra -Werror -pedantic); `w2c run` on an
uncaught exception; a module without tags but with a try_table; exnref
locals without tags and tables of exnref; and the same program as
Cortex-M3 firmware under QEMU.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ctool
from w2c.program import load_target

WAT = """
(module
  (import "host" "throw" (func $host_throw (param i32)))
  (import "host" "tag" (tag $host_tag (param i32)))
  (tag $e0)
  (tag $e1 (param i32 i64))
  (func $thrower (param i32) (local.get 0) (i64.const 7) (throw $e1))
  (func (export "catchAcross") (param i32) (result i32)
    (block $h (result i32 i64)
      (try_table (catch $e1 $h) (call $thrower (local.get 0)))
      (return (i32.const -1)))
    (drop))
  (func (export "catchRef") (result i32)
    (local exnref)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (throw $e0))
      (return (i32.const -1)))
    (local.set 0)
    (block $h2
      (try_table (catch $e0 $h2) (throw_ref (local.get 0))))
    (i32.const 42))
  (func (export "fromHost") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $host_tag $h) (call $host_throw (local.get 0)))
      (return (i32.const -1))))
  (func (export "uncaught") (throw $e0))
  (func (export "trapInTry") (result i32)
    (block $h
      (try_table (catch_all $h) (unreachable)))
    (i32.const 1))
  (func (export "legacy") (param i32) (result i32)
    (try (result i32)
      (do (call $thrower (local.get 0)) (i32.const -1))
      (catch $e1 (drop))
      (catch_all (i32.const -2))))
  (export "e0" (tag $e0))
)
"""

MAIN = r"""
#include <stdio.h>
#include "m.h"

static const w2c_tag *host_tag;

void m_i_host__throw(void *ctx, uint32_t v) {
  (void)ctx;
  if (v) {
    w2c_exn_throw(host_tag);
    W2C_EXN_PUT(0, v);
  }
}

int main(void) {
  static m_instance inst;
  static w2c_tag tag;
  m_imports im;
  w2c_trap t;
  volatile uint32_t r = 0;
  host_tag = &tag;
  im.ctx_host = NULL;
  im.tag_host__tag = &tag;
  if (m_instantiate(&inst, &im) != 0) return 1;
  printf("catchAcross %u\n", m_x_catchAcross(&inst, 5));
  printf("catchRef %u\n", m_x_catchRef(&inst));
  printf("fromHost %u %u\n", m_x_fromHost(&inst, 9), m_x_fromHost(&inst, 0));
  printf("legacy %u\n", m_x_legacy(&inst, 6));
  printf("pending %d\n", w2c_exn_pending());
  W2C_TRY_STMT(t, m_x_uncaught(&inst));
  printf("uncaught trap %d pending %d is_e0 %d\n", (int)t, w2c_exn_pending(),
         w2c_exn_tag() == m_x_e0(&inst));
  w2c_exn_clear();
  W2C_TRY_STMT(t, r = m_x_trapInTry(&inst));
  printf("trapInTry %s pending %d r %u\n", w2c_trap_message(t), w2c_exn_pending(), r);
  m_free(&inst);
  return 0;
}
"""

EXPECTED = """catchAcross 5
catchRef 42
fromHost 9 4294967295
legacy 6
pending 0
uncaught trap 0 pending 1 is_e0 1
trapInTry unreachable pending 0 r 0
"""


def _w2c(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def module_wasm(wat2wasm, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("exn") / "m.wasm"
    path.write_bytes(wat2wasm(WAT))
    return path


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_embedding(module_wasm, cc, opt, tmp_path):
    p = _w2c("compile", "--enable-exceptions", str(module_wasm), "-o", str(tmp_path / "m.c"))
    assert p.returncode == 0, p.stderr
    (tmp_path / "main.c").write_text(MAIN)
    exe = tmp_path / "main"
    ctool.compile_quietly([cc, *ctool.STRICT, opt, "-I", tmp_path, tmp_path / "m.c",
                           tmp_path / "main.c", "-o", exe, "-lm"])
    run = ctool.run([exe])
    assert (run.returncode, run.stdout) == (0, EXPECTED), run.stderr


def test_needs_the_feature(module_wasm, tmp_path):
    p = _w2c("compile", "--disable-exceptions", str(module_wasm), "-o", str(tmp_path / "m.c"))
    assert p.returncode == 1
    assert "unsupported feature: exceptions" in p.stderr and "Traceback" not in p.stderr


UNCAUGHT = """
(module
  (tag $e (param i32))
  (memory (export "memory") 1)
  (func $f (param i32) (local.get 0) (throw $e))
  (func (export "_start")
    (block $h (result i32)
      (try_table (catch $e $h) (call $f (i32.const 3)))
      (i32.const 0))
    (drop)
    (call $f (i32.const 4))))
"""


def test_run_reports_an_uncaught_exception(wat2wasm, tmp_path):
    """Not a trap: its own message (wasmtime says "thrown Wasm exception")."""
    wasm = tmp_path / "u.wasm"
    wasm.write_bytes(wat2wasm(UNCAUGHT))
    p = _w2c("run", "--enable-exceptions", str(wasm))
    assert (p.returncode, p.stderr) == (134, "error: uncaught exception\n")
    wasm.write_bytes(wat2wasm(UNCAUGHT.replace("(call $f (i32.const 4))", "(unreachable)")))
    p = _w2c("run", "--enable-exceptions", str(wasm))
    assert (p.returncode, p.stderr) == (134, "error: trap: unreachable\n")


def test_run_reports_a_throwing_start_function(wat2wasm, tmp_path):
    wasm = tmp_path / "s.wasm"
    wasm.write_bytes(wat2wasm('(module (tag $e) (memory (export "memory") 1) '
                              '(func $s (throw $e)) (start $s) (func (export "_start")))'))
    p = _w2c("run", "--enable-exceptions", str(wasm))
    assert (p.returncode, p.stderr) == (
        134, "error: uncaught exception (thrown by the start function)\n")


NO_TAGS = """
(module
  (import "m" "f" (func $f))
  (func (export "g") (result i32)
    (block $h
      (try_table (catch_all $h) (call $f))
      (return (i32.const 0)))
    (i32.const 1)))
"""


def test_try_table_without_tags(wat2wasm, cc, tmp_path):
    """A module that declares no tag still catches (w2c_exn.h included by its body)."""
    wasm = tmp_path / "n.wasm"
    wasm.write_bytes(wat2wasm(NO_TAGS))
    p = _w2c("compile", "--enable-exceptions", str(wasm), "-o", str(tmp_path / "n.c"))
    assert p.returncode == 0, p.stderr
    (tmp_path / "main.c").write_text(r"""
#include <stdio.h>
#include "n.h"
#include "w2c_exn.h"
static w2c_tag tag;
void n_i_m__f(void *ctx) { (void)ctx; w2c_exn_throw(&tag); }
int main(void) {
  static n_instance inst;
  n_imports im;
  im.ctx_m = NULL;
  if (n_instantiate(&inst, &im) != 0) return 1;
  printf("%u %d\n", n_x_g(&inst), w2c_exn_pending());
  return 0;
}
""")
    exe = tmp_path / "main"
    ctool.compile_quietly([cc, *ctool.STRICT, "-O2", "-I", tmp_path, tmp_path / "n.c",
                           tmp_path / "main.c", "-o", exe, "-lm"])
    run = ctool.run([exe])
    assert (run.returncode, run.stdout) == (0, "1 0\n"), run.stderr


# exnref without a tag, throw or try (a local, a block result), and a table
# of exnref (get, set, grow, fill, init): found by tests/emit/difftest.py,
# whose C did not compile (w2c_exnref undeclared; const dropped).
EXNREF_ONLY = """
(module
  (func (export "local") (result i32) (local exnref)
    (local.set 0 (block (result exnref) (ref.null exn)))
    (ref.is_null (local.get 0))))
"""
EXNREF_TABLE = """
(module
  (tag $e (param i32))
  (table $t 1 10 exnref)
  (elem $s exnref (ref.null exn) (ref.null exn))
  (func $catch (param i32) (result exnref)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (throw $e (local.get 0)))
      (ref.null exn)))
  (func (export "grow") (param i32) (result i32)
    (table.grow $t (call $catch (local.get 0)) (i32.const 2)))
  (func (export "fill") (param i32)
    (table.fill $t (i32.const 0) (call $catch (local.get 0)) (table.size $t)))
  (func (export "init") (table.init $t $s (i32.const 0) (i32.const 0) (i32.const 2)))
  (func (export "set") (param i32 i32) (table.set $t (local.get 0) (call $catch (local.get 1))))
  (func (export "get") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw_ref (table.get $t (local.get 0))))
      (i32.const -1))))
"""
EXNREF_MAIN = r"""
#include <stdio.h>
#include "a.h"
#include "b.h"
static int get(b_instance *b, uint32_t i) {   /* -2: null (trap) */
  volatile int r = -2;
  w2c_trap t;
  W2C_TRY_STMT(t, r = (int)b_x_get(b, i));
  return t ? -2 : r;
}
static void show(b_instance *b, uint32_t i) { printf(" %d", get(b, i)); }
int main(void) {
  static a_instance a;
  static b_instance b;
  if (a_instantiate(&a, NULL) != 0 || b_instantiate(&b, NULL) != 0) return 1;
  printf("%u", a_x_local(&a));
  printf(" %u", b_x_grow(&b, 7));
  show(&b, 0); show(&b, 2);
  b_x_set(&b, 0, 9);
  show(&b, 0); show(&b, 1);
  b_x_fill(&b, 5);
  show(&b, 0); show(&b, 2);
  b_x_init(&b);
  show(&b, 0); show(&b, 1); show(&b, 2);
  printf("\n");
  return 0;
}
"""


def test_exnref_locals_and_tables(wat2wasm, cc, tmp_path):
    for name, wat in (("a", EXNREF_ONLY), ("b", EXNREF_TABLE)):
        (tmp_path / f"{name}.wasm").write_bytes(wat2wasm(wat))
        p = _w2c("compile", str(tmp_path / f"{name}.wasm"), "-o", str(tmp_path / f"{name}.c"))
        assert p.returncode == 0, p.stderr
    (tmp_path / "main.c").write_text(EXNREF_MAIN)
    exe = tmp_path / "main"
    ctool.compile_quietly([cc, *ctool.STRICT, "-O2", "-I", tmp_path, tmp_path / "a.c",
                           tmp_path / "b.c", tmp_path / "main.c", "-o", exe, "-lm"])
    run = ctool.run([exe])
    assert (run.returncode, run.stdout) == (0, "1 1 -2 7 9 7 5 5 -2 -2 5\n"), run.stderr


def test_output_unchanged_by_the_flag(wat2wasm, tmp_path):
    """A module without exceptions: the same C with and without the flag."""
    wasm = tmp_path / "p.wasm"
    wasm.write_bytes(wat2wasm('(module (func $f (result i32) (i32.const 1)) '
                              '(func (export "g") (result i32) (call $f)))'))
    texts = []
    for flags in ([], ["--enable-exceptions"]):
        out = tmp_path / ("b" if flags else "a")
        p = _w2c("compile", *flags, str(wasm), "-o", str(out / "p.c"))
        assert p.returncode == 0, p.stderr
        texts.append((out / "p.c").read_text() + (out / "p.h").read_text())
    assert texts[0] == texts[1]
    assert "w2c_exn" not in texts[0]


FIRMWARE = """
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (tag $e (param i32))
  (memory (export "memory") 1)
  (data (i32.const 16) "exceptions ok\\n")
  (func $f (param i32) (local.get 0) (throw $e))
  (func (export "_start") (local i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $f (i32.const 14)))
      (i32.const 0))
    (local.set 0)
    (i32.store (i32.const 4) (local.get 0))
    (i32.store (i32.const 0) (i32.const 16))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $f (i32.const 1))))
"""


@pytest.mark.slow
def test_cortex_m3_firmware(wat2wasm, tmp_path):
    """Caught, then uncaught, on bare metal (no setjmp, no malloc)."""
    prof = load_target("cortex-m3")
    for tool in (prof.cc, prof.run[0]):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found (Debian: see the profile's debian_packages)")
    wasm = tmp_path / "fw.wasm"
    wasm.write_bytes(wat2wasm(FIRMWARE))
    elf = tmp_path / "fw.elf"
    p = _w2c("build", "--enable-exceptions", "--target", "cortex-m3", str(wasm), "-o", str(elf))
    assert p.returncode == 0 and p.stderr == "", p.stderr
    p = subprocess.run(prof.run_command(elf), capture_output=True, text=True, timeout=120)
    assert (p.returncode, p.stdout) == (134, "exceptions ok\n"), p.stderr
    assert "error: uncaught exception" in p.stderr


EXNREF_TABLE64 = """
(module
  (table $t i64 1 exnref)
  (func (export "grow") (result i64) (table.grow $t (ref.null exn) (i64.const 3)))
  (func (export "size") (result i64) (table.size $t)))
"""


def test_exnref_table64_compiles(wat2wasm, cc, tmp_path):
    """table.grow of a 64-bit exnref table (w2c_table_grow64_exnref; found by
    the differential, seed 1457 of its Wasm 3.0 run)."""
    (tmp_path / "t.wasm").write_bytes(wat2wasm(EXNREF_TABLE64))
    p = _w2c("compile", str(tmp_path / "t.wasm"), "-o", str(tmp_path / "t.c"))
    assert p.returncode == 0, p.stderr
    ctool.compile_quietly([cc, *ctool.STRICT, "-O2", "-I", tmp_path, "-c", tmp_path / "t.c",
                           "-o", tmp_path / "t.o"])


EXNREF_TAIL = """
(module
  (func $f (param i32 exnref f64) (result i32) (local.get 0))
  (func (export "g") (result i32)
    (return_call $f (i32.const 1) (ref.null exn) (f64.const 2))))
"""


def test_exnref_tail_call_argument_compiles(wat2wasm, cc, tmp_path):
    """An exnref passed by return_call (w2c_tail_value's x; found by the
    differential, seed 3788 of its Wasm 3.0 run)."""
    (tmp_path / "t.wasm").write_bytes(wat2wasm(EXNREF_TAIL))
    p = _w2c("compile", str(tmp_path / "t.wasm"), "-o", str(tmp_path / "t.c"))
    assert p.returncode == 0, p.stderr
    ctool.compile_quietly([cc, *ctool.STRICT, "-O2", "-I", tmp_path, "-c", tmp_path / "t.c",
                           "-o", tmp_path / "t.o"])
