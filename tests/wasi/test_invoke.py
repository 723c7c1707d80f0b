"""`w2c run --invoke NAME ARGS...` and reactors (templates/wasi_main.c.j2,
runtime_c/wasi/w2c_invoke.h): each exported function is called with
command-line arguments parsed as wasmtime parses them, its results are the
values wasmtime (the Python embedding) returns for the same call, printed
as wasmtime's --invoke prints them (Rust's Display: integers signed,
floats in the shortest form that reads back, without an exponent).  The
formatting is checked against an independent Python rendering.  A module
without _start run without --invoke is a usage error listing its exports."""
from __future__ import annotations

import math
import os
import struct
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

WAT = """(module
  (memory (export "memory") 1)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "mul64") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
  (func (export "div") (param f64 f64) (result f64) (f64.div (local.get 0) (local.get 1)))
  (func (export "divf") (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1)))
  (func (export "pair") (param i32) (result i32 f64)
    (local.get 0) (f64.convert_i32_s (local.get 0)))
  (func (export "boom") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func (export "vec") (param v128)))
"""

CALLS = [
    ("add", ["2", "3"]), ("add", ["-1", "0x10"]), ("add", ["2147483647", "1"]),
    ("mul64", ["-9223372036854775807", "1"]), ("mul64", ["4294967296", "4294967296"]),
    ("div", ["1", "3"]), ("div", ["1e300", "1e-10"]), ("div", ["-0", "1"]),
    ("div", ["1", "0"]), ("div", ["0", "0"]), ("div", ["1", "1e7"]),
    ("divf", ["1", "3"]), ("divf", ["1e20", "1"]), ("divf", ["1", "10000000"]),
    ("pair", ["-7"]),
]


def rust_display(x: float, bits: int) -> str:
    """Rust's `{}` of an f32/f64: shortest digits that read back, positional."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if bits == 64:
        digits = repr(x)
    else:
        digits = next(s for p in range(1, 10) for s in [f"{x:.{p}g}"]
                      if struct.unpack("<f", struct.pack("<f", float(s)))[0] == x)
    text = format(Decimal(digits), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("0", "-0"):
        return "-0" if math.copysign(1, x) < 0 else "0"
    return text


def expected_lines(results: list, types: list[str]) -> list[str]:
    out = []
    for v, t in zip(results, types, strict=True):
        if t == "i32":
            out.append(str(v if v < 2**31 else v - 2**32) if v >= 0 else str(v))
        elif t == "i64":
            out.append(str(v))
        else:
            out.append(rust_display(v, 32 if t == "f32" else 64))
    return out


@pytest.fixture(scope="module")
def lib(tmp_path_factory, wat2wasm) -> Path:
    d = tmp_path_factory.mktemp("inv")
    (d / "lib.wasm").write_bytes(wat2wasm(WAT))
    return d / "lib.wasm"


def _run(lib: Path, *args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, "-m", "w2c", "run", *args], capture_output=True,
                          text=True, env=env, timeout=600)


def _wasmtime_call(lib: Path, name: str, args: list[str]):
    wasmtime = pytest.importorskip("wasmtime")
    store = wasmtime.Store()
    inst = wasmtime.Instance(store, wasmtime.Module.from_file(store.engine, str(lib)), [])
    f = inst.exports(store)[name]
    ty = f.type(store)
    vals = []
    for a, t in zip(args, ty.params, strict=True):
        k = str(t)
        if k in ("i32", "i64"):
            vals.append(int(a, 16) if a.lower().startswith(("0x", "-0x")) else int(a))
        elif k == "f32":
            vals.append(wasmtime.Val.f32(float(a)))
        else:
            vals.append(float(a))
    r = f(store, *vals)
    results = list(r) if isinstance(r, (list, tuple)) else ([] if r is None else [r])
    return results, [str(t) for t in ty.results]


def test_invoke_prints_what_wasmtime_returns(lib, tmp_path):
    for name, args in CALLS:
        p = _run(lib, "--invoke", name, str(lib), *args, cache=tmp_path)
        assert (p.returncode, p.stderr) == (0, ""), (name, args, p.stderr)
        results, types = _wasmtime_call(lib, name, args)
        assert p.stdout.splitlines() == expected_lines(results, types), (name, args)


def test_reactor_without_invoke_says_so(lib, tmp_path):
    p = _run(lib, str(lib), cache=tmp_path)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr == ("error: lib.wasm is a reactor (it has no _start): call one of its "
                        "exported functions with `w2c run --invoke NAME [ARGS...]`; it exports: "
                        "add, mul64, div, divf, pair, boom, vec\n")


@pytest.mark.parametrize("args, status, message", [
    (["--invoke", "nope"], 2, "error: --invoke nope: the module exports no function of that"),
    (["--invoke", "add", "1"], 2, "error: --invoke add takes 2 arguments, not 1"),
    (["--invoke", "add", "x", "1"], 2, "error: --invoke add: argument 1 ('x') is not an i32"),
    (["--invoke", "add", "2147483648", "1"], 2, "error: --invoke add: argument 1"),
    (["--invoke", "vec", "1"], 2, "error: --invoke vec: only functions of i32, i64, f32"),
    (["--invoke", "boom", "0"], 134, "error: trap: integer divide by zero"),
])
def test_invoke_errors(lib, tmp_path, args, status, message):
    p = _run(lib, args[0], args[1], str(lib), *args[2:], cache=tmp_path)
    assert p.returncode == status and p.stderr.startswith(message), p.stderr


def test_rust_display_reference():
    """The test's own rendering, against known Rust outputs."""
    assert rust_display(0.1, 64) == "0.1"
    assert rust_display(1e20, 64) == "100000000000000000000"
    assert rust_display(struct.unpack("<f", struct.pack("<f", 0.1))[0], 32) == "0.1"
    assert rust_display(-0.0, 64) == "-0"
    assert rust_display(1e-7, 64) == "0.0000001"
    assert rust_display(2.5, 64) == "2.5"
