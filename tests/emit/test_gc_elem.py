"""Element segments of GC references (w2c.emit.gc, inc_elems.c.j2): their
items are evaluated once, at instantiation, into the instance, so
array.new_elem, array.init_elem, table.init and active initialisation give
the same objects each time (ref.eq, as in wasmtime); the instance keeps
them alive across collections until the segment is dropped; an item that
runs out of memory fails the instantiation.  gc_programs/elem.wat and its
host gc_programs/elem_host.c, which prints what it sees."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support import ctool
from tests.support.wat import parse_wat
from w2c.emit import compile_module
from w2c.features import Features

PROGRAMS = Path(__file__).parent / "gc_programs"
IDENTITY = {"same": 1, "differ": 0, "init_same": 1, "table_same": 1, "churn": 333}
# After the identity checks, in units of $big's 10^6 bytes (integer division
# of the live bytes): the passive $big and the active $act's array (in the
# table) are live; clearing the table frees $act's (dropped after
# instantiation); elem.drop frees $big's.
LIFETIME = ["instantiated 2", "table cleared 1", "big_len 1000000", "dropped 0",
            "big_len after drop: out of bounds table access",
            "huge: out of memory", "again 333"]


def build(tmp_path: Path, cc: str, flags: list[str]) -> Path:
    wasm = parse_wat(tmp_path, (PROGRAMS / "elem.wat").read_text())
    features = Features()
    features.enable("gc")
    compile_module(wasm.read_bytes(), tmp_path / "elem.c", features=features)
    exe = tmp_path / "elem"
    ctool.compile_quietly([cc, *ctool.STRICT, *flags, "-DW2C_GC_MAX_HEAP=((size_t)16<<20)",
                           f"-I{tmp_path}", tmp_path / "elem.c", PROGRAMS / "elem_host.c",
                           "-o", exe])
    return exe


def expected() -> list[str]:
    return [f"{k} {v}" for k, v in IDENTITY.items()] + LIFETIME


@pytest.mark.parametrize("trigger", [0, 1])
def test_items_made_once(tmp_path: Path, cc: str, trigger: int) -> None:
    """Identity, lifetime and the out-of-memory instantiation, with a
    collection before every allocation (trigger 1) or only when needed."""
    exe = build(tmp_path, cc, ["-O2", f"-DW2C_GC_TRIGGER={trigger}"])
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=120)
    assert (out.returncode, out.stdout.splitlines()) == (0, expected()), out.stderr


def test_sanitizers(tmp_path: Path, cc: str) -> None:
    flags = ctool.sanitizer_flags(cc)
    exe = build(tmp_path, cc, [*flags, "-DW2C_GC_TRIGGER=1"])
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=120,
                         env=ctool.sanitizer_env(exe, tmp_path / "probe"))
    assert (out.returncode, out.stdout.splitlines()) == (0, expected()), out.stderr


def test_identity_as_wasmtime(tmp_path: Path) -> None:
    """The identity results are wasmtime's (Config.wasm_gc)."""
    wasmtime = pytest.importorskip("wasmtime", reason="the reference engine: pip install "
                                   "wasmtime (./scripts/test installs it)")
    engine = ctool.gc_engine()
    store = wasmtime.Store(engine)
    module = wasmtime.Module(engine, parse_wat(tmp_path, (PROGRAMS / "elem.wat").read_text())
                             .read_bytes())
    n = wasmtime.Global(store, wasmtime.GlobalType(wasmtime.ValType.i32(), False),
                        wasmtime.Val.i32(1000000))
    inst = wasmtime.Instance(store, module, [n])
    got = {k: int(inst.exports(store)[k](store)) for k in IDENTITY}
    assert got == IDENTITY
