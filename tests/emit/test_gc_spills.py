"""Which reference variables a GC function stores into its shadow-stack
frame at each safepoint (w2c.emit.body's safepoint, w2c.emit.frame): the
reference locals and the live reference slots, not every slot.  The
soundness of the choice is tested by running with a collection before each
allocation (tests/emit/test_gc.py, test_differential_gc.py with
W2C_GC_TRIGGER=1 off CI); this file checks the C it gives."""
from __future__ import annotations

import re

from tests.support.wat import parse_wat
from w2c.emit import compile_module
from w2c.features import Features

WAT = """
(module
  (type $node (struct (field (ref null $node)) (field (ref null $node))))
  (func $leaf (result i32) (i32.const 1))
  ;; a reference slot used, but not live at the call: nothing to store, no frame
  (func $count (export "count") (param i32) (result i32)
    (drop (ref.is_null (ref.null $node)))
    (i32.add (local.get 0) (call $leaf)))
  ;; make(d): the left subtree is live (on the stack) while the right one is made
  (func $make (export "make") (param i32) (result (ref null $node))
    (if (result (ref null $node)) (i32.eqz (local.get 0))
      (then (struct.new $node (ref.null $node) (ref.null $node)))
      (else (struct.new $node
              (call $make (i32.sub (local.get 0) (i32.const 1)))
              (call $make (i32.sub (local.get 0) (i32.const 1)))))))
  ;; a reference parameter is stored at every safepoint
  (func $keep (export "keep") (param (ref null $node)) (result i32)
    (drop (call $make (i32.const 1)))
    (ref.is_null (local.get 0))))
"""


def functions(tmp_path) -> dict[str, str]:
    wasm = parse_wat(tmp_path, WAT)
    f = Features()
    f.enable("gc")
    out = tmp_path / "m.c"
    compile_module(wasm.read_bytes(), out, features=f)
    text = out.read_text()
    bodies = re.findall(r"/\* (\w+) \*/\n(.*?\n)}\n", text, re.S)
    return {name: body for name, body in bodies}


def test_a_call_without_live_references_needs_no_frame(tmp_path):
    body = functions(tmp_path)["count"]
    assert "w2c_gc_frame" not in body and "r_[" not in body


def test_only_live_slots_are_stored(tmp_path):
    body = functions(tmp_path)["make"]
    stores = [line.strip() for line in body.splitlines() if "W2C_GC_REF" in line]
    # Before the first recursive call nothing is live; before the second the
    # left subtree (s0e) is; before struct.new both operands are.
    assert stores == ["r_[0] = W2C_GC_REF(s0e); r_[1] = W2C_GC_REF(s1e);",
                      "r_[0] = W2C_GC_REF(s0e);",
                      "r_[0] = W2C_GC_REF(s0e); r_[1] = W2C_GC_REF(s1e);"]
    assert "w2c_ref r_[2];" in body


def test_reference_locals_are_stored_at_each_safepoint(tmp_path):
    body = functions(tmp_path)["keep"]
    stores = [line.strip() for line in body.splitlines() if "W2C_GC_REF" in line]
    assert stores == ["r_[0] = W2C_GC_REF(l0);"]
