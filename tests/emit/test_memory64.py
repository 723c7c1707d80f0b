"""memory64 in generated C: a module with a 64-bit memory, a 32-bit memory
and a 64-bit table, translated by w2c and driven by a C check program.

Loads and stores at offsets past 4 GiB and near 2^64 trap (no wraparound),
memory.grow/size count i64 pages, memory.fill and memory.copy (within the
64-bit memory and between the two memories: the length is i32) trap before
writing, data and element segments land at i64 offsets, and the 64-bit
table's call_indirect, table.size and table.grow take i64.  Built with gcc
and clang (-std=c99 -Wall -Wextra -Werror -pedantic) in the host's default
configuration (on x86-64 Linux guard pages, and for the 64-bit memory a
guarded reservation with compares for addresses or offsets from 2^32 on),
with W2C_MEM64_GUARD=0 (compares always for the 64-bit memory, guard pages
for the 32-bit one) and with explicit checks only; on a 64-bit host the memory grows
past 4 GiB and is used there.  For rpi-armhf (32-bit) under qemu-arm the
same program runs and growing past the host's address space returns -1.
SIMD loads and stores of a 64-bit memory (lane and splat forms too) trap
the same way.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.ctool import STRICT, compile_quietly, run_checks
from w2c.program import load_target
from w2c.emit import compile_module
from w2c.features import Features

WAT = r"""
(module
  (memory $m (export "mem") i64 1)
  (memory $n 1)
  (table $t i64 4 funcref)
  (data (memory $m) (i64.const 8) "\01\02\03\04")
  (data (memory $n) (i32.const 16) "abcd")
  (func $f42 (result i32) (i32.const 42))
  (elem (table $t) (i64.const 1) func $f42)
  (func (export "load") (param i64) (result i32) (i32.load (local.get 0)))
  (func (export "loadBig") (param i64) (result i32)
    (i32.load offset=0x100000000 (local.get 0)))
  (func (export "loadMax") (param i64) (result i64)
    (i64.load offset=0xFFFFFFFFFFFFFFF8 (local.get 0)))
  (func (export "storeBig") (param i64 i32) (i32.store offset=0x100000000 (local.get 0) (local.get 1)))
  (func (export "store8") (param i64 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "size") (result i64) (memory.size $m))
  (func (export "grow") (param i64) (result i64) (memory.grow $m (local.get 0)))
  (func (export "fill") (param i64 i32 i64) (memory.fill $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i64 i64 i64) (memory.copy $m $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copyTo32") (param i32 i64 i32)
    (memory.copy $n $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copyTo64") (param i64 i32 i32)
    (memory.copy $m $n (local.get 0) (local.get 1) (local.get 2)))
  (func (export "load32") (param i32) (result i32) (i32.load $n (local.get 0)))
  (func (export "call") (param i64) (result i32) (call_indirect $t (result i32) (local.get 0)))
  (func (export "tsize") (result i64) (table.size $t))
  (func (export "tgrow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0)))
)
"""

DRIVER = r"""
#include "m.h"
#include <stdio.h>
static int checks, failures;
#define CHECK(cond) do { checks++; if (!(cond)) { failures++; \
  printf("FAIL line %d: %s\n", __LINE__, #cond); } } while (0)
#define TRAPS(code, stmt) CHECK(W2C_TRY(stmt) == (code))
#define OOB W2C_TRAP_OOB_MEMORY
static m_instance inst;
static volatile uint32_t r32;
static volatile uint64_t r64;
int main(void) {
  const uint64_t big = UINT64_C(1) << 32;
  CHECK(m_instantiate(&inst, NULL) == 0);
  CHECK(m_x_size(&inst) == 1);
  CHECK(m_x_load(&inst, 8) == 0x04030201u);
  CHECK(m_x_load32(&inst, 16) == 0x64636261u);
  TRAPS(OOB, r32 = m_x_load(&inst, 65533));
  CHECK(W2C_TRY(r32 = m_x_load(&inst, 65532)) == 0);
  TRAPS(OOB, r32 = m_x_load(&inst, big));
  TRAPS(OOB, r32 = m_x_load(&inst, UINT64_MAX));
  TRAPS(OOB, r32 = m_x_load(&inst, UINT64_MAX - 2));
  TRAPS(OOB, r32 = m_x_loadBig(&inst, 0));
  TRAPS(OOB, r32 = m_x_loadBig(&inst, UINT64_MAX - big + 1)); /* wraps to 0 */
  TRAPS(OOB, r64 = m_x_loadMax(&inst, 8)); /* wraps to 0 */
  TRAPS(OOB, r64 = m_x_loadMax(&inst, 0));
  TRAPS(OOB, m_x_storeBig(&inst, 0, 1));
  /* bulk: trap before writing anything */
  TRAPS(OOB, m_x_fill(&inst, 65530, 0xAA, 7));
  CHECK(m_x_load(&inst, 65532) == 0);
  TRAPS(OOB, m_x_fill(&inst, UINT64_MAX, 0xAA, 2));
  CHECK(W2C_TRY(m_x_fill(&inst, 100, 0x11, 4)) == 0);
  CHECK(m_x_load(&inst, 100) == 0x11111111u);
  CHECK(W2C_TRY(m_x_copy(&inst, 200, 100, 4)) == 0);
  CHECK(m_x_load(&inst, 200) == 0x11111111u);
  TRAPS(OOB, m_x_copy(&inst, 0, UINT64_MAX, 2));
  TRAPS(OOB, m_x_copy(&inst, big, 0, 1));
  /* between the 32-bit and the 64-bit memory */
  CHECK(W2C_TRY(m_x_copyTo32(&inst, 40, 8, 4)) == 0);
  CHECK(m_x_load32(&inst, 40) == 0x04030201u);
  CHECK(W2C_TRY(m_x_copyTo64(&inst, 300, 16, 4)) == 0);
  CHECK(m_x_load(&inst, 300) == 0x64636261u);
  TRAPS(OOB, m_x_copyTo32(&inst, 0, big, 1));
  TRAPS(OOB, m_x_copyTo64(&inst, big, 0, 1));
  TRAPS(OOB, m_x_copyTo64(&inst, 0, 65535, 2));
  /* grow */
  CHECK(m_x_grow(&inst, 1) == 1);
  CHECK(m_x_size(&inst) == 2);
  CHECK(m_x_load(&inst, 65536 + 4) == 0);
  CHECK(m_x_grow(&inst, UINT64_MAX) == UINT64_MAX);
  CHECK(m_x_grow(&inst, UINT64_C(1) << 48) == UINT64_MAX);
  CHECK(m_x_grow(&inst, (UINT64_C(1) << 48) - 2) == UINT64_MAX); /* 2^64 bytes */
  CHECK(m_x_size(&inst) == 2);
#if UINTPTR_MAX > 0xFFFFFFFFu
#if W2C_MEMORY_ALLOC == W2C_ALLOC_MMAP
  /* past 4 GiB (reserved, committed lazily) */
  CHECK(m_x_grow(&inst, 65536) == 2);
  CHECK(m_x_size(&inst) == 65538);
  CHECK(W2C_TRY(m_x_storeBig(&inst, 8, 0x5A5A5A5Au)) == 0);
  CHECK(m_x_loadBig(&inst, 8) == 0x5A5A5A5Au);
  CHECK(m_x_load(&inst, big + 8) == 0x5A5A5A5Au);
  CHECK(W2C_TRY(r32 = m_x_load(&inst, 65538 * UINT64_C(65536) - 4)) == 0);
  TRAPS(OOB, r32 = m_x_load(&inst, 65538 * UINT64_C(65536) - 3));
#endif
#else
  /* a 32-bit host: 4 GiB does not fit its address space */
  CHECK(m_x_grow(&inst, 65536) == UINT64_MAX);
  CHECK(m_x_size(&inst) == 2);
  CHECK(m_x_load(&inst, 65536 + 4) == 0);
#endif
  /* the 64-bit table */
  CHECK(m_x_tsize(&inst) == 4);
  CHECK(m_x_call(&inst, 1) == 42);
  TRAPS(W2C_TRAP_UNINITIALIZED_ELEMENT, r32 = m_x_call(&inst, 0));
  TRAPS(W2C_TRAP_UNDEFINED_ELEMENT, r32 = m_x_call(&inst, 4));
  TRAPS(W2C_TRAP_UNDEFINED_ELEMENT, r32 = m_x_call(&inst, big + 1));
  CHECK(m_x_tgrow(&inst, 2) == 4);
  CHECK(m_x_tgrow(&inst, big) == UINT64_MAX);
  CHECK(m_x_tsize(&inst) == 6);
  m_free(&inst);
  printf("checks: %d failures: %d\n", checks, failures);
  return failures != 0;
}
"""
# (flags, checks that run: 45 everywhere, 7 more past 4 GiB with mmap on a
# 64-bit host, 3 more on a 32-bit one)
CONFIGS = {"default": ([], 52),                              # (guarded, on x86-64 Linux)
           "compare64": (["-DW2C_MEM64_GUARD=0"], 52),      # guard pages for 32 bits only
           "explicit": (["-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT",
                         "-DW2C_MEMORY_ALLOC=W2C_ALLOC_MALLOC"], 45)}


@pytest.fixture(scope="module")
def translated(tmp_path_factory, wat2wasm) -> Path:
    out = tmp_path_factory.mktemp("m64")
    features = Features()
    for name in ("memory64", "multi-memory"):
        features.enable(name)
    compile_module(wat2wasm(WAT), out / "m.c", "m", features=features)
    (out / "main.c").write_text(DRIVER)
    return out


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_host(translated, tmp_path, cc, config):
    exe = tmp_path / "m64"
    flags, checks = CONFIGS[config]
    compile_quietly([cc, *STRICT, "-O2", *flags, "-I", translated,
                     translated / "m.c", translated / "main.c", "-o", exe, "-lm"])
    run_checks([exe], checks)


def test_rpi_armhf(translated, tmp_path):
    """A 32-bit host under qemu-user: grow past its address space is -1."""
    prof = load_target("rpi-armhf")
    for tool in (prof.cc, prof.run[0]):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found (apt-get install {' '.join(prof.debian_packages)})")
    exe = tmp_path / "m64"
    compile_quietly([prof.cc, *STRICT, *prof.cflags, "-I", translated, translated / "m.c",
                     translated / "main.c", "-o", exe, *prof.ldflags])
    run_checks(prof.run_command(exe), 48)


SIMD_WAT = r"""
(module
  (memory i64 1)
  (func (export "store") (param i64 i64) (v128.store (local.get 0) (i64x2.splat (local.get 1))))
  (func (export "load") (param i64) (result i64)
    (i64x2.extract_lane 1 (v128.load offset=8 (local.get 0))))
  (func (export "lane") (param i64) (result i32)
    (i8x16.extract_lane_u 3 (v128.load8_lane 3 (local.get 0) (v128.const i64x2 0 0))))
  (func (export "splat") (param i64) (result i32)
    (i32x4.extract_lane 2 (v128.load32_splat offset=0xFFFFFFFFFFFFFFF0 (local.get 0))))
)
"""
SIMD_DRIVER = r"""
#include "m.h"
#include <stdio.h>
static int checks, failures;
#define CHECK(cond) do { checks++; if (!(cond)) { failures++; \
  printf("FAIL line %d: %s\n", __LINE__, #cond); } } while (0)
#define OOB W2C_TRAP_OOB_MEMORY
static m_instance inst;
static volatile uint64_t r64;
static volatile uint32_t r32;
int main(void) {
  CHECK(m_instantiate(&inst, NULL) == 0);
  CHECK(W2C_TRY(m_x_store(&inst, 65520, UINT64_C(0x0102030405060708))) == 0);
  CHECK(m_x_load(&inst, 65504) == UINT64_C(0x0102030405060708));
  CHECK(m_x_lane(&inst, 65521) == 0x07);
  CHECK(W2C_TRY(m_x_store(&inst, 65521, 1)) == OOB);
  CHECK(W2C_TRY(m_x_store(&inst, UINT64_MAX - 7, 1)) == OOB);
  CHECK(W2C_TRY(r64 = m_x_load(&inst, 65513)) == OOB);
  CHECK(W2C_TRY(r64 = m_x_load(&inst, 65512)) == 0);
  CHECK(W2C_TRY(r64 = m_x_load(&inst, UINT64_MAX - 7)) == OOB); /* wraps to 0 */
  CHECK(W2C_TRY(r32 = m_x_lane(&inst, UINT64_C(1) << 32)) == OOB);
  CHECK(W2C_TRY(r32 = m_x_lane(&inst, 65536)) == OOB);
  CHECK(W2C_TRY(r32 = m_x_splat(&inst, 16)) == OOB); /* wraps to 0 */
  CHECK(W2C_TRY(r32 = m_x_splat(&inst, 0)) == OOB);
  m_free(&inst);
  printf("checks: %d failures: %d\n", checks, failures);
  return failures != 0;
}
"""


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_simd(tmp_path, wat2wasm, cc, config):
    """SIMD loads and stores of a 64-bit memory: w2c_mem64_at checks the
    bytes, the 32-bit helper reads or writes them."""
    features = Features()
    features.enable("memory64")
    compile_module(wat2wasm(SIMD_WAT), tmp_path / "m.c", "m", features=features)
    (tmp_path / "main.c").write_text(SIMD_DRIVER)
    exe = tmp_path / "simd64"
    compile_quietly([cc, *STRICT, "-O2", *CONFIGS[config][0], "-I", tmp_path,
                     tmp_path / "m.c", tmp_path / "main.c", "-o", exe, "-lm"])
    run_checks([exe], 12)
