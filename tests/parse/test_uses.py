"""Module.features_used (w2c/parse/uses.py, filled while validating) as
`w2c info` and `w2c info --json` show it: one module per feature, made with
`wasm-tools parse`, each expected to list exactly that feature."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.wat import parse_wat, wasm_tools
from w2c.features import Features
from w2c.parse import check_module

# (id, module text, the features it uses, flags w2c needs to accept it)
CASES = [
    ("mvp", "(module (memory 1) (func (param i32) (result i32) "
            "(i32.load8_s (local.get 0)) (block (result i32) (i32.const 1)) i32.add))", [], []),
    ("simd-type", "(module (func (result v128) (v128.const i64x2 0 0)))", ["simd"], []),
    ("simd-local", "(module (func (local v128)))", ["simd"], []),
    ("simd-op", "(module (func (param i32) (result i32) "
                "(i32x4.extract_lane 0 (i32x4.splat (local.get 0)))))", ["simd"], []),
    ("bulk-memory-op", "(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) "
                       "(i32.const 0))))", ["bulk-memory"], []),
    ("bulk-memory-passive", '(module (memory 1) (data "x"))', ["bulk-memory"], []),
    ("multi-value-results", "(module (func (result i32 i32) (i32.const 1) (i32.const 2)))",
     ["multi-value"], []),
    ("multi-value-block", "(module (func (result i32) (i32.const 1) "
                          "(block (param i32) (result i32))))", ["multi-value"], []),
    ("reference-types-param", "(module (func (param externref)))", ["reference-types"], []),
    ("reference-types-op", "(module (table 1 funcref) (func (result i32) (table.size 0)))",
     ["reference-types"], []),
    ("reference-types-ref.null", "(module (func (drop (ref.null extern))))",
     ["reference-types"], []),
    ("sign-extension", "(module (func (param i32) (result i32) (i32.extend8_s (local.get 0))))",
     ["sign-extension"], []),
    ("sat-float-to-int", "(module (func (param f32) (result i32) "
                         "(i32.trunc_sat_f32_s (local.get 0))))", ["sat-float-to-int"], []),
    ("mutable-globals-export", '(module (global (export "g") (mut i32) (i32.const 0)))',
     ["mutable-globals"], []),
    ("mutable-globals-import", '(module (import "m" "g" (global (mut i32))))',
     ["mutable-globals"], []),
    ("extended-const", "(module (global i32 (i32.add (i32.const 1) (i32.const 2))))",
     ["extended-const"], ["--enable-extended-const"]),
    ("tail-call", "(module (func $f (return_call $f)))", ["tail-call"], ["--enable-tail-call"]),
    ("multi-memory", "(module (memory 1) (memory 1))", ["multi-memory"],
     ["--enable-multi-memory"]),
    ("custom-page-sizes", "(module (memory 1 (pagesize 1)))", ["custom-page-sizes"],
     ["--enable-custom-page-sizes"]),
    ("relaxed-simd", "(module (func (param v128 v128) (result v128) "
                     "(i8x16.relaxed_swizzle (local.get 0) (local.get 1))))",
     ["relaxed-simd", "simd"], ["--enable-relaxed-simd"]),
    ("threads", "(module (memory 1 1 shared))", ["threads"], ["--enable-threads"]),
    ("memory64", "(module (memory i64 1))", ["memory64"], ["--enable-memory64"]),
    ("several", "(module (func (param f32 i32) (result i32 i32) "
                "(i32.trunc_sat_f32_u (local.get 0)) (i32.extend16_s (local.get 1))))",
     ["multi-value", "sat-float-to-int", "sign-extension"], []),
]


parse = parse_wat


def info(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", "info", *args], capture_output=True,
                          text=True)


@pytest.mark.parametrize("name,text,want,flags", CASES, ids=[c[0] for c in CASES])
def test_info_lists_features(tmp_path, name, text, want, flags):
    wasm = parse(tmp_path, text)
    p = info("--json", *flags, str(wasm))
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["features"] == sorted(want)
    p = info(*flags, str(wasm))
    assert p.returncode == 0, p.stderr
    [line] = [ln for ln in p.stdout.splitlines() if ln.startswith("features")]
    assert line.split(None, 1)[1] == (", ".join(sorted(want)) or "-")


def test_validation_fills_features_of_a_compiler_module(repo_root):
    """The examples: hello.wasm exports its mutable global `calls`;
    firmware/tiny.wat has a memory of 1-byte pages."""
    hello = check_module((repo_root / "examples" / "hello" / "hello.wasm").read_bytes())
    assert hello.features_used == {"mutable-globals"}
    data = subprocess.run([wasm_tools(), "parse", str(repo_root / "examples" / "firmware" /
                                                      "tiny.wat")],
                          capture_output=True, check=True).stdout
    tiny = check_module(data, Features(Features().enabled | {"custom-page-sizes"}))
    assert tiny.features_used == {"custom-page-sizes"}
