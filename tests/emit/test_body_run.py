"""BodyEmitter.run (the loop with the common instructions inline) must write
exactly what BodyEmitter.instr, one instruction at a time, writes."""
import pytest

from bench.gen_module import generate
from w2c.emit.body import BodyEmitter
from w2c.emit.module import ModuleGen
from w2c.emit.split import Layout
from w2c.emit.tables import const_tables
from w2c.emit.translate import Translator
from w2c.features import Features
from w2c.parse import decode_module
from w2c.parse.validate import validate_module_fields


def one_by_one(self, v, instrs):
    for _, op, imm in instrs:
        self.instr(v, op, imm)


def translations(data: bytes, monkeypatch) -> tuple[list[str], list[str]]:
    f = Features()
    m = decode_module(data, f)
    layout = Layout(__import__("pathlib").Path("m.c"), 1)
    tr = Translator(ModuleGen(m, "m", layout.header, None, const_tables(m, f)),
                    validate_module_fields(m, f), f, layout)
    fast = [tr.function(i) for i in range(len(m.funcs))]
    with monkeypatch.context() as mp:
        mp.setattr(BodyEmitter, "run", one_by_one)
        slow = [tr.function(i) for i in range(len(m.funcs))]
    return fast, slow


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_module(seed, monkeypatch):
    fast, slow = translations(generate(40_000, seed, simd=False), monkeypatch)
    assert len(fast) > 10
    assert fast == slow


DEAD_CODE = """
(module
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (global $h (mut f64) (f64.const 0))
  (table 2 funcref)
  (func $f (param i32 i64) (result i32)
    (local f32 f64 i32)
    block (result i32)
      local.get 0
      br 0
      ;; dead from here to the end of the block
      local.get 1
      i32.wrap_i64
      i32.const 7
      i32.add
      local.tee 4
      global.set $g
      i32.const 3
      i32.load offset=4
      drop
      f64.const 1.5
      global.set $h
      unreachable
    end
    if (result i32)
      i32.const 1
      unreachable
      i32.add
    else
      local.get 4
      memory.size
      i32.const 0
      i32.const 0
      i32.const 0
      memory.fill
      i32.const 0
      i64.load32_s
      i64.const -1
      i64.mul
      i64.store offset=8
      local.get 2
      f32.neg
      drop
      global.get $g
      ref.null func
      ref.is_null
      select
      local.get 1
      i32.const 1
      call_indirect (param i32 i64) (result i32)
      nop
    end)
  (elem (i32.const 0) $f))
"""


def test_dead_code_and_rare_instructions(wat2wasm, monkeypatch):
    fast, slow = translations(wat2wasm(DEAD_CODE), monkeypatch)
    assert fast == slow
    assert "w2c_memory_fill(" in fast[0] and "w2c_i64_load32_s(" in fast[0]
