"""Threads through the C API: one shared memory, several instances of a
module that imports it, each run by its own POSIX thread (the runtime's
per-thread state as _Thread_local: W2C_THREAD_LOCAL).

The host (HOST_C) starts 8 threads that each do N atomic increments of an
i32 and of an i64 through exported wasm functions (exact totals), then 8
threads that take a mutex built on i32.atomic.rmw.cmpxchg,
memory.atomic.wait32 and memory.atomic.notify around a plain load and
store (exact total: no lost update), then two threads that play ping-pong
through wait/notify on one flag (strict alternation, counted).  Single-thread
checks: a wait whose value differs returns 1 ("not-equal"), one that times
out returns 2, and notify without waiters 0.  Built by gcc and clang at -O2
(guard pages and explicit bounds checks; C11 <stdatomic.h> too) and by clang
with ThreadSanitizer, which must report nothing.

The single-threaded lowering (W2C_ATOMICS_SINGLE, W2C_WAIT_SINGLE) runs the
increments and the single-thread checks (SINGLE_C: an equal value with a
timeout gives 2 at once, without one the trap "wait would block forever");
the Cortex-M builds of the module call no libatomic or __sync function.
GROW_C: 8 threads grow one shared memory at once (each old size once, the
memory never moves).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ctool

CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-pthread",
          "-DW2C_THREAD_LOCAL=__thread"]
RUN_TIMEOUT = 300
THREADS = 8
INCREMENTS = 100_000
ROUNDS = 20_000
SIZES = [f"-DTHREADS={THREADS}", f"-DINCREMENTS={INCREMENTS}", f"-DROUNDS={ROUNDS}"]

WAT = """
(module
  (import "env" "mem" (memory 1 1 shared))
  ;; n atomic increments of the i32 at 0 and of the i64 at 8
  (func (export "inc") (param $n i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (drop (i64.atomic.rmw.add (i32.const 8) (i64.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l))))
  (func (export "total32") (result i32) (i32.atomic.load (i32.const 0)))
  (func (export "total64") (result i64) (i64.atomic.load (i32.const 8)))
  ;; a mutex at 16 (0 free, 1 held): cmpxchg, else wait while it is held
  (func $lock
    (loop $retry
      (if (i32.atomic.rmw.cmpxchg (i32.const 16) (i32.const 0) (i32.const 1))
        (then
          (drop (memory.atomic.wait32 (i32.const 16) (i32.const 1) (i64.const -1)))
          (br $retry)))))
  (func $unlock
    (i32.atomic.store (i32.const 16) (i32.const 0))
    (drop (memory.atomic.notify (i32.const 16) (i32.const 1))))
  ;; n increments of the plain i32 at 24 under the mutex
  (func (export "locked_inc") (param $n i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (call $lock)
      (i32.store (i32.const 24) (i32.add (i32.load (i32.const 24)) (i32.const 1)))
      (call $unlock)
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l))))
  (func (export "locked_total") (result i32) (i32.atomic.load (i32.const 24)))
  ;; n rounds of ping-pong on the flag at 32: wait for `me`, count, hand over
  (func (export "ping") (param $n i32) (param $me i32) (param $other i32) (result i32)
    (local $v i32)
    (block $done (loop $round
      (br_if $done (i32.eqz (local.get $n)))
      (block $mine (loop $w
        (local.set $v (i32.atomic.load (i32.const 32)))
        (br_if $mine (i32.eq (local.get $v) (local.get $me)))
        (drop (memory.atomic.wait32 (i32.const 32) (local.get $v) (i64.const -1)))
        (br $w)))
      ;; strict alternation: the count's parity is the turn
      (if (i32.ne (i32.and (i32.atomic.rmw.add (i32.const 36) (i32.const 1)) (i32.const 1))
                  (local.get $me))
        (then (unreachable)))
      (i32.atomic.store (i32.const 32) (local.get $other))
      (drop (memory.atomic.notify (i32.const 32) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $round)))
    (i32.atomic.load (i32.const 36)))
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1))))
"""

HOST_C = r"""
#include "thr.h"
#include "check.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* THREADS, INCREMENTS, ROUNDS: -D on the command line */

static w2c_memory mem;
static thr_instance insts[THREADS];

typedef struct { int k; int job; int trapped; } task;

static void *run(void *arg) {
  task *t = (task *)arg;
  thr_instance *inst = &insts[t->k];
  w2c_trap code = W2C_TRAP_NONE;
  if (t->job == 0) W2C_TRY_STMT(code, thr_x_inc(inst, INCREMENTS));
  else if (t->job == 1) W2C_TRY_STMT(code, thr_x_locked_5Finc(inst, INCREMENTS / 10));
  else W2C_TRY_STMT(code, thr_x_ping(inst, ROUNDS, (uint32_t)t->k, (uint32_t)(1 - t->k)));
  t->trapped = code != W2C_TRAP_NONE;
  return NULL;
}

static void run_all(int n, int job) {
  pthread_t th[THREADS];
  task tasks[THREADS];
  int k, trapped = 0;
  for (k = 0; k < n; k++) {
    tasks[k].k = k;
    tasks[k].job = job;
    tasks[k].trapped = 0;
    if (pthread_create(&th[k], NULL, run, &tasks[k]) != 0) CHECK_THAT(0, "pthread_create");
  }
  for (k = 0; k < n; k++) {
    pthread_join(th[k], NULL);
    trapped |= tasks[k].trapped;
  }
  CHECK_THAT(!trapped, "no thread trapped");
}

int main(void) {
  thr_imports imports;
  int k;
  if (w2c_memory_alloc(&mem, 1, 1, 16) != 0) return 2;
  mem.shared = 1;
  memset(&imports, 0, sizeof imports);
  imports.mem_env__mem = &mem;
  for (k = 0; k < THREADS; k++)
    if (thr_instantiate(&insts[k], &imports) != 0) return 3;

  /* one thread: the spec's results */
  CHECK_THAT(thr_x_wait32(&insts[0], 40, 1, 0) == 1, "wait32 not-equal");
  CHECK_THAT(thr_x_wait32(&insts[0], 40, 0, 1000000) == 2, "wait32 timed-out after 1 ms");
  CHECK_THAT(thr_x_wait64(&insts[0], 48, 0, 0) == 2, "wait64 timed-out");
  CHECK_THAT(thr_x_wait64(&insts[0], 48, 5, -1) == 1, "wait64 not-equal, no timeout");
  CHECK_THAT(thr_x_notify(&insts[0], 40, 3) == 0, "notify without waiters");

  run_all(THREADS, 0);
  CHECK_THAT(thr_x_total32(&insts[0]) == (uint32_t)THREADS * INCREMENTS, "i32 total");
  CHECK_THAT(thr_x_total64(&insts[0]) == (uint64_t)THREADS * INCREMENTS, "i64 total");
  printf("atomic increments: %" PRIu32 "\n", thr_x_total32(&insts[0]));

  run_all(THREADS, 1);
  CHECK_THAT(thr_x_locked_5Ftotal(&insts[0]) == (uint32_t)THREADS * (INCREMENTS / 10),
             "mutex total");
  printf("locked increments: %" PRIu32 "\n", thr_x_locked_5Ftotal(&insts[0]));

  run_all(2, 2);
  CHECK_THAT(thr_x_ping(&insts[0], 0, 0, 1) == 2u * ROUNDS, "ping-pong rounds");

  for (k = 0; k < THREADS; k++) thr_free(&insts[k]);
  w2c_memory_free(&mem);
  return check_done();
}
"""


SINGLE_C = r"""
#include "thr.h"
#include "check.h"

#include <stdio.h>
#include <string.h>


int main(void) {
  static w2c_memory mem;
  static thr_instance inst;
  thr_imports imports;
  w2c_trap code;
  if (w2c_memory_alloc(&mem, 1, 1, 16) != 0) return 2;
  mem.shared = 1;
  memset(&imports, 0, sizeof imports);
  imports.mem_env__mem = &mem;
  if (thr_instantiate(&inst, &imports) != 0) return 3;
  thr_x_inc(&inst, 1000);
  CHECK_THAT(thr_x_total32(&inst) == 1000 && thr_x_total64(&inst) == 1000, "increments");
  thr_x_locked_5Finc(&inst, 10);
  CHECK_THAT(thr_x_locked_5Ftotal(&inst) == 10, "mutex without contention");
  CHECK_THAT(thr_x_wait32(&inst, 40, 1, 0) == 1, "wait32 not-equal");
  CHECK_THAT(thr_x_wait32(&inst, 40, 0, UINT64_C(1000000000000)) == 2,
             "wait32 timed-out at once");
  CHECK_THAT(thr_x_wait64(&inst, 48, 0, 5) == 2, "wait64 timed-out");
  W2C_TRY_STMT(code, thr_x_wait32(&inst, 40, 0, (uint64_t)-1));
  CHECK_THAT(code == W2C_TRAP_WAIT_FOREVER, "wait without end traps");
  CHECK_THAT(strcmp(w2c_trap_message(code), "wait would block forever") == 0, "its message");
  W2C_TRY_STMT(code, thr_x_wait32(&inst, 42, 0, 0));
  CHECK_THAT(code == W2C_TRAP_UNALIGNED_ATOMIC, "unaligned wait");
  W2C_TRY_STMT(code, thr_x_notify(&inst, 65536, 1));
  CHECK_THAT(code == W2C_TRAP_OOB_MEMORY, "notify out of bounds");
  CHECK_THAT(thr_x_notify(&inst, 40, 1) == 0, "notify");
  thr_free(&inst);
  w2c_memory_free(&mem);
  return check_done();
}
"""


@pytest.fixture(scope="module")
def sources(wat2wasm, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("thr")
    (out / "thr.wasm").write_bytes(wat2wasm(WAT, "--enable-threads"))
    p = subprocess.run([sys.executable, "-m", "w2c", "compile", "--enable-threads",
                        str(out / "thr.wasm"), "-o", str(out / "thr.c")],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    (out / "host.c").write_text(HOST_C)
    (out / "single.c").write_text(SINGLE_C)
    return out


def _build_and_run(sources: Path, cc: str, flags: list[str], exe: Path,
                   env: dict | None = None, host: str = "host.c",
                   cflags: list[str] = CFLAGS) -> str:
    b = subprocess.run([cc, *cflags, *SIZES, *flags, f"-I{sources}", f"-I{ctool.CHECK_H_DIR}",
                        str(sources / "thr.c"),
                        str(sources / host), "-o", str(exe), "-lm"],
                       capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    assert b.stderr == "", b.stderr
    return ctool.run_checks([exe], at_least=10, env=env)


def test_header_includes_atomics(sources):
    header = (sources / "thr.h").read_text()
    assert '#include "w2c_atomic.h"' in header
    assert (sources / "w2c_atomic.h").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("bounds", ["guard", "explicit"])
def test_threads_share_one_memory(sources, cc, bounds, tmp_path):
    flags = ["-O2"] + (["-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT",
                        "-DW2C_MEMORY_ALLOC=W2C_ALLOC_MALLOC"] if bounds == "explicit" else [])
    out = _build_and_run(sources, cc, flags, tmp_path / "host")
    assert f"atomic increments: {THREADS * INCREMENTS}" in out


@pytest.mark.slow
def test_threads_under_thread_sanitizer(sources, tmp_path):
    cc = ctool.tool("clang")
    flags = ["-O1", "-g", "-fsanitize=thread"]
    if ctool._cannot_link(cc, tuple(flags)):
        pytest.skip("clang cannot link with -fsanitize=thread here (install libclang-rt-dev)")
    env = {**os.environ, "TSAN_OPTIONS": "halt_on_error=1 exitcode=66"}
    out = _build_and_run(sources, cc, flags, tmp_path / "host", env)
    assert "locked increments" in out



@pytest.mark.slow
def test_threads_with_c11_atomics(sources, cc, tmp_path):
    cflags = [f for f in CFLAGS if f != "-std=c99"] + ["-std=c11"]
    out = _build_and_run(sources, cc, ["-O2", "-DW2C_ATOMICS=W2C_ATOMICS_C11"],
                         tmp_path / "host", cflags=cflags)
    assert f"atomic increments: {THREADS * INCREMENTS}" in out


@pytest.mark.parametrize("bounds", ["guard", "explicit"])
def test_single_threaded_lowering(sources, cc, bounds, tmp_path):
    flags = ["-O2", "-DW2C_ATOMICS=W2C_ATOMICS_SINGLE", "-DW2C_WAIT=W2C_WAIT_SINGLE"]
    if bounds == "explicit":
        flags.append("-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT")
    _build_and_run(sources, cc, flags, tmp_path / "single", host="single.c")


@pytest.mark.parametrize("cpu", ["cortex-m0", "cortex-m3", "cortex-m4"])
def test_cortex_m_needs_no_libatomic(sources, cpu, tmp_path):
    """ARMv6-M has no exclusive accesses and ARMv7-M no 64-bit ones: those
    widths take the single-threaded lowering, never a library call."""
    cc = ctool.tool("arm-none-eabi-gcc", "gcc-arm-none-eabi")
    nm = ctool.tool("arm-none-eabi-nm", "binutils-arm-none-eabi")
    obj = tmp_path / "thr.o"
    ctool.compile_quietly([cc, f"-mcpu={cpu}", "-mthumb", "-Os", "-ffreestanding",
                           "-std=c99", "-Wall", "-Wextra", "-Werror",
                           "-DW2C_TRAP_HANDLER=w2c_bare_trap",
                           "-DW2C_MEMORY_ALLOC=W2C_ALLOC_STATIC", f"-I{sources}", "-c",
                           sources / "thr.c", "-o", obj])
    undefined = ctool.run([nm, "-u", obj]).stdout.split()
    assert not [u for u in undefined if u.startswith(("__atomic", "__sync"))], undefined


RT = Path(__file__).resolve().parents[2] / "runtime_c"
EXPLICIT = ["-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT"]
ATOMIC_ERRORS = {
    "value-as-switch": (["-DW2C_ATOMICS_SINGLE"], "are values, not switches"),
    "bad-atomics": (["-DW2C_ATOMICS=7"], "W2C_ATOMICS must be"),
    "bad-wait": (["-DW2C_WAIT=7"], "W2C_WAIT must be"),
    "builtins-without-gnu": (["-U__GNUC__", "-DW2C_STORAGE_EXTERNAL",
                              "-DW2C_ATOMICS=W2C_ATOMICS_BUILTINS"], "needs GCC or clang"),
    "threads-without-lock": (["-DW2C_ATOMICS=W2C_ATOMICS_SINGLE"],
                             "cannot serve without a lock"),
    "half-lock": (["-DW2C_ATOMIC_LOCK=lock"], "define both W2C_ATOMIC_LOCK()"),
    "strict-mode-clock": (EXPLICIT + ["-include", "stdio.h"], "needs clock_gettime"),
}


@pytest.mark.parametrize("case", sorted(ATOMIC_ERRORS))
def test_atomic_config_error(case, tmp_path):
    """A conflicting choice stops the build with a sentence saying what to do."""
    flags, sentence = ATOMIC_ERRORS[case]
    gcc = ctool.tool("gcc")
    src = tmp_path / "e.c"
    src.write_text('#include "w2c_rt.h"\n#include "w2c_atomic.h"\n')
    proc = ctool.run([gcc, "-std=c99", *flags, f"-I{RT}", "-c", src, "-o", tmp_path / "e.o"])
    assert proc.returncode != 0
    assert sentence in proc.stderr, proc.stderr


def test_atomic_header_alone_is_quiet(cc, tmp_path):
    """Each choice compiles without a warning under the strict flags."""
    src = tmp_path / "a.c"
    src.write_text('#include "w2c_rt.h"\n#include "w2c_atomic.h"\n')
    for flags in ([], EXPLICIT + ["-D_DEFAULT_SOURCE"],
                  ["-DW2C_ATOMICS=W2C_ATOMICS_SINGLE", "-DW2C_WAIT=W2C_WAIT_SINGLE"]):
        ctool.compile_quietly([cc, *ctool.STRICT, *ctool.EXTRA_WARNINGS, *flags, f"-I{RT}",
                               "-c", src, "-o", tmp_path / "a.o"])


GROW_WAT = """
(module
  (memory (export "mem") 1 9 shared)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "put") (param i32 i32) (i32.atomic.store (local.get 0) (local.get 1)))
  (func (export "get") (param i32) (result i32) (i32.atomic.load (local.get 0))))
"""

GROW_C = r"""
#include "grow.h"
#include "check.h"

#include <pthread.h>
#include <stdio.h>

static grow_instance inst;
static uint32_t olds[8];

static void *grow_one(void *arg) {
  uint32_t *old = (uint32_t *)arg;
  *old = grow_x_grow(&inst, 1);
  if (*old != 0xFFFFFFFFu) grow_x_put(&inst, *old * 65536u + 8u, *old);
  return NULL;
}

int main(void) {
  static grow_imports imports;
  pthread_t th[8];
  uint8_t *base;
  int k, seen[9] = {0};
  if (grow_instantiate(&inst, &imports) != 0) return 3;
  base = grow_x_mem(&inst)->data;
  for (k = 0; k < 8; k++) pthread_create(&th[k], NULL, grow_one, &olds[k]);
  for (k = 0; k < 8; k++) pthread_join(th[k], NULL);
  for (k = 0; k < 8; k++)
    if (olds[k] >= 1 && olds[k] <= 8) seen[olds[k]]++;
  for (k = 1; k <= 8; k++) CHECK_THAT(seen[k] == 1, "each old size once");
  CHECK_THAT(grow_x_size(&inst) == 9, "9 pages");
  CHECK_THAT(grow_x_grow(&inst, 1) == 0xFFFFFFFFu, "no page beyond the maximum");
  CHECK_THAT(grow_x_mem(&inst)->data == base, "the memory did not move");
  for (k = 1; k <= 8; k++)
    CHECK_THAT(grow_x_get(&inst, (uint32_t)k * 65536u + 8u) == (uint32_t)k,
               "each new page written");
  grow_free(&inst);
  return check_done();
}
"""


@pytest.mark.parametrize("bounds", ["guard", "explicit"])
def test_concurrent_grow_of_a_shared_memory(wat2wasm, cc, bounds, tmp_path):
    """8 threads grow one shared memory by a page each: each old size comes
    back once, the memory never moves (malloc: its maximum is reserved), and
    each thread's store to its new page lands."""
    (tmp_path / "grow.wasm").write_bytes(wat2wasm(GROW_WAT, "--enable-threads"))
    p = subprocess.run([sys.executable, "-m", "w2c", "compile", "--enable-threads",
                        str(tmp_path / "grow.wasm"), "-o", str(tmp_path / "grow.c")],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    (tmp_path / "main.c").write_text(GROW_C)
    flags = ["-O2"] + (["-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT",
                        "-DW2C_MEMORY_ALLOC=W2C_ALLOC_MALLOC"] if bounds == "explicit" else [])
    exe = tmp_path / "grow"
    ctool.compile_quietly([cc, *CFLAGS, *flags, f"-I{tmp_path}", f"-I{ctool.CHECK_H_DIR}",
                           tmp_path / "grow.c",
                           tmp_path / "main.c", "-o", exe, "-lm"])
    ctool.run_checks([exe], at_least=12)
