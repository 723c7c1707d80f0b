"""Tail calls that reach imported functions (w2c.emit.tail): `return_call`
of an import and `return_call_indirect` of a table slot holding an import
(the thunk of the trampoline calls the host function) work, at the end of a
chain of 10^7 tail calls between module functions, which runs in constant C
stack (64 KiB); the host function re-enters the module, which runs a chain
of its own.  Built through the C API (module header) with gcc and clang,
-O0 and -O2, -Werror, and run.  Constant stack is only required between
module functions: a host function in tail position is called, then
returned from."""
from __future__ import annotations

import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
N = 10_000_000
STACK = 64 * 1024
RUN_TIMEOUT = 300

WAT = """
(module
  (import "env" "h" (func $h (param i64) (result i64)))
  (type $l2l (func (param i64) (result i64)))
  (table 3 funcref)
  (elem (i32.const 0) $h $down_i $h2)
  (func $h2 (param i64) (result i64) (i64.add (local.get 0) (i64.const 1000)))
  (func (export "direct") (param i64) (result i64) (return_call $h (local.get 0)))
  (func (export "indirect") (param i64 i32) (result i64)
    (return_call_indirect (type $l2l) (local.get 0) (local.get 1)))
  (func $down (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (return_call $h (i64.const 7)))
      (else (return_call $down_i (i64.sub (local.get 0) (i64.const 1))))))
  (func $down_i (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (return_call_indirect (type $l2l) (i64.const 9) (i32.const 0)))
      (else (return_call $down (i64.sub (local.get 0) (i64.const 1))))))
  (func (export "down") (param i64) (result i64) (return_call $down (local.get 0)))
  (func (export "down_i") (param i64) (result i64)
    (return_call_indirect (type $l2l) (local.get 0) (i32.const 1))))
"""

HOST_C = r"""
#include <inttypes.h>
#include <stdio.h>

#include "tc.h"

static tc_instance inst;
static int calls;

/* env.h: 2x + 1; at x == 7 it re-enters the module, whose chain of tail
 * calls ends in env.h(9) = 19, and returns 100 + that. */
uint64_t tc_i_env__h(void *ctx, uint64_t x) {
  (void)ctx;
  calls++;
  if (x == 7) return 100 + tc_x_down_5Fi(&inst, 2);
  return 2 * x + 1;
}

int main(void) {
  tc_imports imports;
  W2C_MEMSET(&imports, 0, sizeof imports);
  imports.ctx_env = &inst;
  if (tc_instantiate(&inst, &imports) != 0) return 3;
  printf("%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", tc_x_direct(&inst, 5),
         tc_x_indirect(&inst, 5, 0), tc_x_indirect(&inst, 5, 2));
  printf("%" PRIu64 " %" PRIu64 "\n", tc_x_down(&inst, @N@), tc_x_down(&inst, @N@ + 1));
  printf("%" PRIu64 " %" PRIu64 "\n", tc_x_down_5Fi(&inst, @N@),
         tc_x_down_5Fi(&inst, @N@ + 1));
  printf("%d\n", calls);
  tc_free(&inst);
  return 0;
}
"""


def _expected(n: int) -> str:
    """What the host prints, from the module's definition."""
    def h(x: int) -> int:
        return 100 + down_i(2) if x == 7 else 2 * x + 1

    def down(k: int) -> int:       # down(k) -> down_i(k-1) -> down(k-2) ... -> h(7) or h(9)
        return h(7) if k % 2 == 0 else h(9)

    def down_i(k: int) -> int:
        return h(9) if k % 2 == 0 else h(7)

    # env.h calls: 2 (first line; table slot 2 is the module's $h2), then
    # one per chain, plus one when it ends in h(7) (which re-enters the
    # module, whose chain ends in h(9)).
    ends = [down(n), down(n + 1), down_i(n), down_i(n + 1)]
    calls = 2 + sum(2 if e == 119 else 1 for e in ends)
    return f"11 11 1005\n{ends[0]} {ends[1]}\n{ends[2]} {ends[3]}\n{calls}\n"


def _small_stack() -> None:
    resource.setrlimit(resource.RLIMIT_STACK, (STACK, STACK))


@pytest.fixture(scope="module")
def sources(wat2wasm, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tc")
    (out / "tc.wasm").write_bytes(wat2wasm(WAT))
    p = subprocess.run([sys.executable, "-m", "w2c", "compile", str(out / "tc.wasm"),
                        "-o", str(out / "tc.c")], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    (out / "host.c").write_text(HOST_C.replace("@N@", str(N)))
    return out


def test_expected_output_is_computed():
    assert _expected(2) == "11 11 1005\n119 19\n19 119\n8\n"


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_tail_calls_reach_imports(sources, cc, opt, tmp_path):
    if shutil.which(cc) is None:
        pytest.skip(f"{cc} not found (apt-get install -y {cc})")
    exe = tmp_path / "host"
    b = subprocess.run([cc, *CFLAGS, opt, f"-I{sources}", str(sources / "tc.c"),
                        str(sources / "host.c"), "-o", str(exe), "-lm"],
                       capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    p = subprocess.run([str(exe)], capture_output=True, text=True, timeout=RUN_TIMEOUT,
                       preexec_fn=_small_stack)
    assert (p.returncode, p.stdout, p.stderr) == (0, _expected(N), "")
