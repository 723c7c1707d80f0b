"""Several memories through the C API (the module header): a module that
imports two memories (one with a maximum) and defines a third, exports an
imported one and its own, and uses each (load/store with a memory index,
memory.size, memory.grow, memory.copy between two).  The host allocates the
imported memories with w2c_memory_alloc, passes them in the imports struct,
reads and writes through them and through the exports, and sees an import
that is too small refused (W2C_ERR_IMPORT).  Multi-memory is on by default
(Wasm 3.0).  gcc and clang, -Werror, -O0 and -O2."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
RUN_TIMEOUT = 120

WAT = """
(module
  (import "env" "a" (memory $a 1))
  (import "env" "b" (memory $b 2 4))
  (memory $c 1 3)
  (export "a" (memory $a))
  (export "c" (memory $c))
  (func (export "put") (param i32 i32 i32)
    (i32.store $a (local.get 0) (local.get 1))
    (i32.store $b (local.get 0) (i32.add (local.get 1) (i32.const 1)))
    (i32.store $c (local.get 0) (local.get 2)))
  (func (export "sum") (param i32) (result i32)
    (i32.add (i32.add (i32.load $a (local.get 0)) (i32.load $b (local.get 0)))
             (i32.load $c (local.get 0))))
  (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
  (func (export "grow_c") (param i32) (result i32) (memory.grow $c (local.get 0)))
  (func (export "size_b") (result i32) (memory.size $b))
  (func (export "copy_ca") (param i32 i32 i32)
    (memory.copy $c $a (local.get 0) (local.get 1) (local.get 2))))
"""

# The module header first: it includes w2c_rt.h, whose configuration (guard
# pages here) must see the C library's headers first under -std=c99, as the
# module's file does (docs: include w2c_rt.h first).  The host allocates the
# imported memories, so both files must agree on how memories are made.
HOST_C = r"""
#include "mm.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static uint32_t peek(const w2c_memory *m, uint32_t at) {
  uint32_t v;
  memcpy(&v, m->data + at, sizeof v);   /* little-endian hosts */
  return v;
}

int main(void) {
  static mm_instance inst, small_inst;
  static w2c_memory a, b, tiny;
  mm_imports imports;
  w2c_memory *ea, *ec;
  uint32_t r[4];
  if (w2c_memory_alloc(&a, 1, UINT64_MAX, 16) != 0) return 2;
  if (w2c_memory_alloc(&b, 2, 4, 16) != 0) return 2;
  if (w2c_memory_alloc(&tiny, 1, 4, 16) != 0) return 2;
  W2C_MEMSET(&imports, 0, sizeof imports);
  imports.mem_env__a = &a;
  imports.mem_env__b = &tiny;            /* 1 page: env.b needs 2 */
  printf("small %d\n", mm_instantiate(&small_inst, &imports) == W2C_ERR_IMPORT);
  mm_free(&small_inst);
  imports.mem_env__b = &b;
  if (mm_instantiate(&inst, &imports) != 0) return 3;
  ea = mm_x_a(&inst);
  ec = mm_x_c(&inst);
  mm_x_put(&inst, 100, 7, 1000);
  a.data[200] = 5;                       /* the host writes the imported memory */
  printf("%" PRIu32 " %d %" PRIu32 " %" PRIu32 " %" PRIu32 "\n", mm_x_sum(&inst, 100),
         ea == &a, peek(&a, 100), peek(&b, 100), peek(ec, 100));
  r[0] = mm_x_size_5Fb(&inst);
  r[1] = mm_x_grow_5Fb(&inst, 2);
  r[2] = b.pages;
  r[3] = mm_x_grow_5Fb(&inst, 1);
  printf("%" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32 "\n", r[0], r[1], r[2], r[3]);
  r[0] = mm_x_grow_5Fc(&inst, 2);
  r[1] = ec->pages;
  r[2] = mm_x_grow_5Fc(&inst, 1);
  printf("%" PRIu32 " %" PRIu32 " %" PRIu32 "\n", r[0], r[1], r[2]);
  mm_x_copy_5Fca(&inst, 65536 * 2, 200, 1);    /* a[200] -> c's third page */
  printf("%d %d\n", ec->data[65536 * 2], ec != &a);
  mm_free(&inst);
  w2c_memory_free(&a);
  w2c_memory_free(&b);
  w2c_memory_free(&tiny);
  return 0;
}
"""

# put(100, 7, 1000): a = 7, b = 8, c = 1000; sum = 1015.  b: 2 pages, grows
# by 2 to 4 (its maximum), then refuses.  c: 1 page, grows by 2 to 3 (its
# maximum), then refuses.  The byte the host wrote into a lands in c.
EXPECTED = ("small 1\n1015 1 7 8 1000\n2 2 4 4294967295\n1 3 4294967295\n5 1\n")


@pytest.fixture(scope="module")
def sources(wat2wasm, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mm")
    (out / "mm.wasm").write_bytes(wat2wasm(WAT))
    p = subprocess.run([sys.executable, "-m", "w2c", "compile", str(out / "mm.wasm"),
                        "-o", str(out / "mm.c")], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    (out / "host.c").write_text(HOST_C)
    return out


def test_header_declares_each_memory(sources):
    header = (sources / "mm.h").read_text()
    for decl in ("w2c_memory *mem_env__a;", "w2c_memory *mem_env__b;",
                 "w2c_memory *mm_x_a(mm_instance *inst);",
                 "w2c_memory *mm_x_c(mm_instance *inst);"):
        assert decl in header, decl


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_several_memories_through_the_c_api(sources, cc, opt, tmp_path):
    if shutil.which(cc) is None:
        pytest.skip(f"{cc} not found (apt-get install -y {cc})")
    exe = tmp_path / "host"
    b = subprocess.run([cc, *CFLAGS, opt, f"-I{sources}", str(sources / "mm.c"),
                        str(sources / "host.c"), "-o", str(exe), "-lm"],
                       capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    p = subprocess.run([str(exe)], capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert (p.returncode, p.stdout, p.stderr) == (0, EXPECTED, "")
