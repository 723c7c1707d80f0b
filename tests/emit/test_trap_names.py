"""A trap names the function it happened in when the module was translated
with -g (W2C_FUNC_ENTER / W2C_FUNC_LEAVE, runtime_c/w2c_trap.h):
`error: trap: <reason> in func N ($name)`.  The innermost function is the
one wasmtime's backtrace (its Python embedding) puts first, for traps in
nested calls, after a callee returned, by a guard page (out of bounds,
stack exhaustion) and by an explicit check; a C program built by clang for
wasm32-wasi names its own function; a trap raised by an import names the
function that called it, and one caught inside an import leaves no stale
name behind.  Without -g the message is as before and the C has no
W2C_FUNC_ line."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ctool
from tests.support.wat import parse_wat
from w2c.target import load_target

wasmtime = pytest.importorskip("wasmtime", reason="wasmtime (pip) is the reference backtrace")

WAT = """(module $traps
  (memory 1)
  (func $load (param i32) (result i32) (i32.load (local.get 0)))
  (func $div (param i32) (result i32) (i32.div_u (i32.const 10) (local.get 0)))
  (func $middle (param i32 i32) (result i32)
    (i32.add (call $div (i32.const 1))
             (if (result i32) (local.get 1)
               (then (call $load (local.get 0)))
               (else (call $div (local.get 0))))))
  (func (export "nested_oob") (param i32) (result i32) (call $middle (local.get 0) (i32.const 1)))
  (func (export "nested_div") (param i32) (result i32) (call $middle (local.get 0) (i32.const 0)))
  (func $after (export "after_return") (result i32)
    (drop (call $middle (i32.const 0) (i32.const 1)))
    (unreachable))
  (func (export "anon") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
  (func $deep (export "deep") (param i32) (result i32)
    (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))
"""

# export, arguments, w2c's wording of the trap
CALLS = [("nested_oob", ["70000"], "out of bounds memory access"),
         ("nested_div", ["0"], "integer divide by zero"),
         ("after_return", [], "unreachable"),
         ("anon", ["0"], "integer divide by zero"),
         ("deep", ["0"], "call stack exhausted")]

PROG = r"""
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static int peek(const volatile int *p) { return *p; }

__attribute__((noinline)) int sum_at(const volatile int *base, int n) {
  int total = 0;
  for (int i = 0; i < n; i++) total += peek(base + i);
  return total;
}

int main(int argc, char **argv) {
  unsigned long at = argc > 1 ? strtoul(argv[1], 0, 0) : 1024;
  printf("%d\n", sum_at((const volatile int *)at, 2));
  return 0;
}
"""


def w2c(*args: str | Path, cwd: Path, cache: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, W2C_CACHE_DIR=str(cache))
    return subprocess.run([sys.executable, "-m", "w2c", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def where(frame, exported: dict[int, str]) -> str:
    """How w2c names wasmtime's frame (w2c.emit.lines.SourceLines.where)."""
    if frame.func_name is not None:
        return f"func {frame.func_index} (${frame.func_name})"
    if frame.func_index in exported:
        return f'func {frame.func_index} (export "{exported[frame.func_index]}")'
    return f"func {frame.func_index}"


def innermost(wasm: Path, export: str, args: list[str]) -> object:
    """wasmtime's innermost frame of the trap of `export(args)`."""
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    module = wasmtime.Module.from_file(engine, str(wasm))
    instance = wasmtime.Instance(store, module, [])
    with pytest.raises(wasmtime.Trap) as info:
        instance.exports(store)[export](store, *(int(a) for a in args))
    return info.value.frames[0]


@pytest.fixture(scope="module")
def traps(tmp_path_factory) -> Path:
    return parse_wat(tmp_path_factory.mktemp("traps"), WAT)


@pytest.mark.parametrize("export,args,reason", CALLS, ids=[c[0] for c in CALLS])
def test_trap_names_the_innermost_function(traps: Path, export: str, args: list[str],
                                           reason: str) -> None:
    frame = innermost(traps, export, args)
    exported = {3: "nested_oob", 4: "nested_div", 5: "after_return", 6: "anon", 7: "deep"}
    r = w2c("run", "-g", "--invoke", export, traps, *args, cwd=traps.parent,
            cache=traps.parent / "cache")
    assert r.returncode == 134, r.stderr
    assert r.stderr == f"error: trap: {reason} in {where(frame, exported)}\n"


def test_without_g_no_function_is_named(traps: Path) -> None:
    r = w2c("run", "--invoke", "nested_oob", traps, "70000", cwd=traps.parent,
            cache=traps.parent / "cache")
    assert (r.returncode, r.stderr) == (134, "error: trap: out of bounds memory access\n")
    r = w2c("compile", traps, "-o", "plain/m.c", "-q", cwd=traps.parent,
            cache=traps.parent / "cache")
    assert r.returncode == 0, r.stderr
    assert "W2C_FUNC_" not in (traps.parent / "plain" / "m.c").read_text()


def test_c_program_names_its_function(tmp_path: Path) -> None:
    clang = shutil.which("clang")
    if not clang:
        pytest.skip("clang not installed (Debian: clang lld wasi-libc)")
    (tmp_path / "prog.c").write_text(PROG)
    r = subprocess.run([clang, "--target=wasm32-wasi", "-g", "-O1", "prog.c", "-o", "prog.wasm"],
                       cwd=tmp_path, capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"clang --target=wasm32-wasi failed (Debian: lld wasi-libc): {r.stderr[-300:]}")
    out_of_bounds = "0x7ffffff0"
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.argv = ["prog.wasm", out_of_bounds]
    store.set_wasi(wasi)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    module = wasmtime.Module.from_file(engine, str(tmp_path / "prog.wasm"))
    instance = linker.instantiate(store, module)
    with pytest.raises(wasmtime.Trap) as info:
        instance.exports(store)["_start"](store)
    frame = info.value.frames[0]
    assert frame.func_name == "peek"
    r = w2c("run", "-g", "prog.wasm", out_of_bounds, cwd=tmp_path, cache=tmp_path / "cache")
    assert r.returncode == 134, r.stderr
    assert r.stderr == (f"error: trap: out of bounds memory access in func {frame.func_index} "
                        f"($peek)\n")
    r = w2c("run", "-g", "prog.wasm", "1024", cwd=tmp_path, cache=tmp_path / "cache")
    assert r.returncode == 0, r.stderr


EMBED_WAT = """(module $emb
  (import "env" "host" (func $host (param i32)))
  (func $bad (export "bad") (unreachable))
  (func $caller (export "call_host") (param i32) (result i32)
    (call $host (local.get 0))
    (i32.div_u (i32.const 1) (local.get 0))))
"""

# The import traps itself (mode 1), or calls `bad` in a W2C_TRY of its own
# and returns (mode 0), after which $caller divides by zero.
EMBED_C = r"""
#include "emb.h"
#include <stdio.h>

static emb_instance inst;

void emb_i_env__host(void *ctx, uint32_t mode) {
  volatile w2c_trap inner = W2C_TRAP_NONE;
  (void)ctx;
  if (mode == 1) W2C_TRAP(W2C_TRAP_UNREACHABLE);
  W2C_TRY_STMT(inner, emb_x_bad(&inst));
  printf("inner %s in %s\n", w2c_trap_message(inner), w2c_trap_func);
}

int main(void) {
  emb_imports imports = {0, 0};
  volatile w2c_trap trap = W2C_TRAP_NONE;
  if (emb_instantiate(&inst, &imports) != 0) return 2;
  W2C_TRY_STMT(trap, emb_x_call_5Fhost(&inst, 1));
  printf("import %s in %s\n", w2c_trap_message(trap), w2c_trap_func);
  W2C_TRY_STMT(trap, emb_x_call_5Fhost(&inst, 0));
  printf("after %s in %s\n", w2c_trap_message(trap), w2c_trap_func);
  printf("now %s\n", w2c_func_now == NULL ? "none" : w2c_func_now);
  emb_free(&inst);
  return 0;
}
"""


def test_traps_in_and_under_imports(tmp_path: Path, cc: str) -> None:
    wasm = parse_wat(tmp_path, EMBED_WAT)
    r = w2c("compile", "-g", wasm, "-o", "out/emb.c", "-q", cwd=tmp_path, cache=tmp_path / "c")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "out"
    (out / "main.c").write_text(EMBED_C)
    ctool.compile_quietly([cc, *ctool.STRICT, "-O2", "-g", out / "emb.c", out / "main.c",
                           "-I", out, "-o", out / "a", "-lm"])
    r = subprocess.run([str(out / "a")], capture_output=True, text=True, timeout=ctool.TIMEOUT)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("import unreachable in func 2 ($caller)\n"
                        "inner unreachable in func 1 ($bad)\n"
                        "after integer divide by zero in func 2 ($caller)\n"
                        "now none\n")


BARE_WAT = """(module $bare
  (memory 1)
  (func $div (param i32) (result i32) (i32.div_u (i32.const 10) (local.get 0)))
  (func $middle (param i32) (result i32)
    (i32.add (call $div (i32.const 1)) (call $div (local.get 0))))
  (func (export "_start") (drop (call $middle (i32.const 0)))))
"""


def test_firmware_trap_handler_names_the_function(tmp_path: Path) -> None:
    """Bare metal (W2C_TRAP_HANDLER, no W2C_TRY): the handler reads w2c_func_now."""
    profile = load_target("cortex-m3")
    for tool in (profile.cc, profile.run_command("fw.elf")[0]):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found (Debian: {' '.join(profile.debian_packages)})")
    wasm = parse_wat(tmp_path, BARE_WAT)
    for flags, said in ((["-g"], " in func 0 ($div)"), ([], "")):
        r = w2c("run", *flags, "--target", "cortex-m3", wasm, cwd=tmp_path, cache=tmp_path / "c")
        assert (r.returncode, r.stderr) == (134, f"error: trap: integer divide by zero{said}\n")
