"""w2c/emit/results.py: the C of a call's results, in the shape the emitter
writes for calls inside function bodies."""
from __future__ import annotations

import re

from w2c.emit import compile_module
from w2c.emit.results import call_results
from w2c.module import F32, F64, I32, I64, FuncType

CALLS_WAT = """(module
  (func $two (param i32) (result i32 i64) (local.get 0) (i64.const 7))
  (func $three (result f32 f64 i32) (f32.const 1) (f64.const 2) (i32.const 3))
  (func $one (result i64) (i64.const 1))
  (func $none)
  (func (export "f") (result i32)
    (call $two (i32.const 5)) (drop) (drop)
    (call $three) (drop) (drop) (drop)
    (drop (call $one))
    (call $none)
    (i32.const 0)))
"""


def store_to(targets: list[str]):
    return lambda i, t, e: f"{targets[i]} = {e};"


def test_shapes():
    f = "f(inst)"
    assert call_results(FuncType((), ()), f, store_to([])) == ["f(inst);"]
    assert call_results(FuncType((I32,), (I64,)), f, store_to(["a"])) == ["a = f(inst);"]
    assert call_results(FuncType((), (I32, F32, F64)), f, store_to(["a", "b", "c"])) == [
        "{ w2c_ret_ifd r_ = f(inst);", "  a = r_.r0;", "  b = r_.r1;", "  c = r_.r2;", "}"]
    # the store sees each result's type and expression
    seen = []
    call_results(FuncType((), (I64, I32)), f, lambda i, t, e: seen.append((i, t, e)) or "")
    assert seen == [(0, I64, "r_.r0"), (1, I32, "r_.r1")]


def test_same_lines_as_the_emitter(wat2wasm, tmp_path):
    """Each call in the emitted body of "f" is what call_results gives for
    the callee's type, with the slots the emitter stored to as targets."""
    compile_module(wat2wasm(CALLS_WAT), tmp_path / "m.c", "m")
    text = (tmp_path / "m.c").read_text()
    body = re.search(r"^static uint32_t m_f4\(void \*instance\) \{\n(.*?)^\}", text,
                     re.M | re.S)
    assert body, text
    lines = [line[2:] for line in body.group(1).splitlines()]      # the body's indent
    callees = [FuncType((I32,), (I32, I64)), FuncType((), (F32, F64, I32)),
               FuncType((), (I64,)), FuncType((), ())]
    for k, ft in enumerate(callees):
        at = [j for j, line in enumerate(lines) if f"m_f{k}(inst" in line]
        assert len(at) == 1, (k, lines)
        j, n = at[0], len(ft.results)
        call = re.search(rf"m_f{k}\(inst[^)]*\)", lines[j]).group(0)
        if n > 1:
            targets = [line.split(" = ")[0].strip() for line in lines[j + 1:j + 1 + n]]
        else:
            targets = [lines[j].split(" = ")[0]] if n else []
        want = call_results(ft, call, store_to(targets))
        assert lines[j:j + len(want)] == want, (lines[j:j + len(want)], want)
