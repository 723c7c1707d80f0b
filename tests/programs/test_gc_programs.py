"""GC programs end to end (issue 19): the hand-written WasmGC modules of
tests/programs/gc/ (linked lists of short-lived structs, binary-trees,
cyclic graphs held in arrays, with i31 weights and casts) run under
`w2c build --enable-gc` and under wasmtime (Config.wasm_gc); their `run`
checksums must agree.  No package index here carries a WasmGC program with
a WASI or simple import surface (Kotlin/Wasm and dart2wasm outputs need
their JS host), so these modules stand in for one, as the issue allows.

Memory: the heap is capped with -DW2C_GC_MAX_HEAP, past which an allocation
traps "out of memory".  10^8 short-lived structs run in a 64 MiB heap, and
200 cyclic graphs of ~5 MB each in a 16 MiB one (so cycles are collected);
the controls show the cap is real: a live set larger than the cap traps.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ctool
from tests.support.wat import parse_wat
from w2c.features import Features
from w2c.frontdoor import open_module
from w2c.program import default_outputs

wasmtime = pytest.importorskip("wasmtime", reason="pip install wasmtime (the reference engine)")

GC = Path(__file__).resolve().parent / "gc"
MIB = 1 << 20


def wasmtime_run(name: str, *args: int) -> int:
    engine = ctool.gc_engine()
    store = wasmtime.Store(engine)
    inst = wasmtime.Instance(store, wasmtime.Module.from_file(engine, str(GC / f"{name}.wat")), [])
    return int(inst.exports(store)["run"](store, *args))


def w2c_build(tmp_path: Path, name: str, *cflags: str) -> Path:
    exe = tmp_path / name
    subprocess.run([sys.executable, "-m", "w2c", "build", "--enable-gc", str(GC / f"{name}.wat"),
                    "-o", str(exe), "--", *cflags], check=True)
    return exe


def invoke(exe: Path, *args: int) -> subprocess.CompletedProcess:
    return subprocess.run([str(exe), *map(str, args)], env=dict(os.environ, W2C_WASI_INVOKE="run"),
                          capture_output=True, text=True, timeout=600)


def heap_cap(mib: int) -> str:
    return f"-DW2C_GC_MAX_HEAP=((size_t){mib}*1024*1024)"


@pytest.mark.parametrize("name,args", [("list", (300, 1000)), ("trees", (12,)),
                                       ("graph", (20, 5000))])
def test_agrees_with_wasmtime(tmp_path: Path, name: str, args: tuple[int, ...]) -> None:
    exe = w2c_build(tmp_path, name)
    p = invoke(exe, *args)
    assert p.returncode == 0, p.stderr
    assert int(p.stdout) == wasmtime_run(name, *args)


@pytest.mark.parametrize("name,args", [("list", (30, 1000)), ("trees", (10,)),
                                       ("graph", (5, 2000))])
def test_split_output_agrees(tmp_path: Path, name: str, args: tuple[int, ...]) -> None:
    """Translated into 3 C files (w2c.emit.split; the rtts once, in the data file)."""
    exe = tmp_path / name
    subprocess.run([sys.executable, "-m", "w2c", "build", "--enable-gc", "--num-outputs", "3",
                    str(GC / f"{name}.wat"), "-o", str(exe)], check=True)
    p = invoke(exe, *args)
    assert p.returncode == 0, p.stderr
    assert int(p.stdout) == wasmtime_run(name, *args)


def test_short_lived_objects_in_a_64_mib_heap(tmp_path: Path) -> None:
    """10^8 structs allocated in all (10^5 lists of 1,000), at most one list live."""
    exe = w2c_build(tmp_path, "list", heap_cap(64))
    p = invoke(exe, 100_000, 1000)
    assert p.returncode == 0, p.stderr
    assert int(p.stdout) == wasmtime_run("list", 100_000, 1000)


def test_a_live_set_above_the_cap_traps(tmp_path: Path) -> None:
    """The control: one list of 10^6 nodes (>= 16 MB) does not fit 4 MiB."""
    exe = w2c_build(tmp_path, "list", heap_cap(4))
    p = invoke(exe, 1, 1_000_000)
    assert p.returncode != 0
    assert "out of memory" in p.stderr


def test_cyclic_graphs_are_collected(tmp_path: Path) -> None:
    """200 rounds of a 50,000-node cyclic graph (~5 MB live each) in 16 MiB."""
    exe = w2c_build(tmp_path, "graph", heap_cap(16))
    p = invoke(exe, 200, 50_000)
    assert p.returncode == 0, p.stderr
    assert int(p.stdout) == wasmtime_run("graph", 200, 50_000)
    big = invoke(exe, 1, 400_000)          # one graph of ~40 MB live: over the cap
    assert big.returncode != 0 and "out of memory" in big.stderr


def firmware_module(tmp_path: Path, rounds: int, length: int) -> Path:
    """list.wat as a WASI command: _start exits with run(rounds, length) & 127."""
    exit_import = '(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))'
    text = (GC / "list.wat").read_text().replace("(module", f"(module\n  {exit_import}", 1)
    call = f"(call $run_ (i32.const {rounds}) (i32.const {length}))"
    start = ('  (memory (export "memory") 1)\n  (func (export "_start") '
             f"(call $exit (i32.wrap_i64 (i64.and {call} (i64.const 127))))))")
    text = text.replace('(func (export "run")', '(func $run_ (export "run")')
    out = tmp_path / f"list_{rounds}_{length}.wat"
    out.write_text(text.rstrip().removesuffix(")") + "\n" + start + "\n")
    return out


def run_firmware(wat: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", "run", "--enable-gc", "--target",
                           "cortex-m3", str(wat)], capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(not shutil.which("arm-none-eabi-gcc") or not shutil.which("qemu-system-arm"),
                    reason="needs arm-none-eabi-gcc and qemu-system-arm "
                           "(apt-get install gcc-arm-none-eabi qemu-system-arm)")
def test_cortex_m3_fixed_heap(tmp_path: Path) -> None:
    """On bare metal the heap is a static array (W2C_GC_HEAP_DEFAULT of the
    profile: 1 MiB on cortex-m3): 2 * 10^5 structs run in it, and a live list
    of 10^5 nodes (3.2 MB) traps "out of memory"."""
    p = run_firmware(firmware_module(tmp_path, 2000, 100))
    assert p.returncode == wasmtime_run("list", 2000, 100) & 127, p.stderr
    big = run_firmware(firmware_module(tmp_path, 1, 100_000))
    assert big.returncode != 0 and "out of memory" in big.stderr, big.stderr


def test_a_gc_program_above_the_split_size_builds(tmp_path: Path) -> None:
    """`w2c build` splits programs of more than 128 KiB of code, GC ones too."""
    body = "(drop (i32.add (i32.const 123456) (i32.const 654321)))\n" * 60
    funcs = "".join(f'(func $f{i} (result i32) {body} (i32.const {i}))\n' for i in range(400))
    calls = "".join(f"(local.set $s (i32.add (local.get $s) (call $f{i})))\n" for i in range(400))
    wat = tmp_path / "big.wat"
    wat.write_text(f"""(module
  (type $box (struct (field i32)))
  {funcs}
  (func (export "run") (param i32) (result i64) (local $s i32)
    {calls}
    (i64.extend_i32_u (i32.add (local.get $s)
      (struct.get $box 0 (struct.new $box (local.get 0)))))))
""")
    exe = tmp_path / "big"
    features = Features()
    features.enable("gc")
    t = open_module(parse_wat(tmp_path, wat.read_text()).read_bytes(), features)
    assert default_outputs(t) >= 2
    subprocess.run([sys.executable, "-m", "w2c", "build", "--enable-gc", str(wat), "-o", str(exe)],
                   check=True)
    p = invoke(exe, 5)
    assert p.returncode == 0, p.stderr
    assert int(p.stdout) == sum(range(400)) + 5
