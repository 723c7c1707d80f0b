"""Functions that call nothing and have a small frame get no stack check
(w2c.emit.body.BodyEmitter.leaf): no W2C_CALL_ENTER / W2C_CALL_LEAVE in
their C, while every function that calls, or whose values exceed
LEAF_BYTES, keeps both.  That recursion still ends in the `call stack
exhausted` trap is the spec suite's (call.wast, fac.wast, skip-stack-guard-
page.wast) in every configuration.
"""
from __future__ import annotations

import re
from pathlib import Path

from w2c.emit import compile_module
from w2c.emit.body import LEAF_BYTES

BIG = LEAF_BYTES // 8 + 1   # i64 locals: one more than a leaf may have
WAT = f"""
(module
  (func $leaf (export "leaf") (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1)))
  (func $big (export "big") (param i32) (result i32) (local {"i64 " * BIG})
    (local.get 0))
  (func $calls (export "calls") (param i32) (result i32)
    (call $leaf (local.get 0)))
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $rec (call $leaf (local.get 0))))
      (else (i32.const 0)))))
"""

def _functions(c: str) -> dict[str, str]:
    return {m[1]: m[0] for m in re.finditer(r"(?ms)^static (?:inline )?\w+ m_(f\d+)\(.*?^}", c)}


def test_leaves_have_no_stack_check(tmp_path: Path, wat2wasm) -> None:
    compile_module(wat2wasm(WAT), tmp_path / "m.c", "m")
    funcs = _functions((tmp_path / "m.c").read_text())
    checked = {name: "W2C_CALL_ENTER();" in body for name, body in funcs.items()}
    assert checked == {"f0": False, "f1": True, "f2": True, "f3": True}
    for body in funcs.values():   # ENTER and LEAVE go together
        assert ("W2C_CALL_ENTER();" in body) == ("W2C_CALL_LEAVE();" in body)
