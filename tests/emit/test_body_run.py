"""BodyEmitter.run: every instruction has one definition (a template, an
inline shape, a method or a structure method); the inline shapes of
templates write exactly what the template itself gives; and run, restarted
at any instruction, writes what one run over the whole body writes (it
takes all it needs from the validator's answers, nothing from before)."""
from dataclasses import replace
from pathlib import Path

import pytest

from bench.gen_module import generate
from w2c import opcodes as O
from w2c.emit import body as B
from w2c.emit import body_ops
from w2c.emit.body import BodyEmitter
from w2c.emit.body_ops import METHODS
from w2c.emit.gc import gc_op
from w2c.emit.module import ModuleGen
from w2c.emit.split import Layout
from w2c.emit.tables import const_tables
from w2c.emit.translate import Translator
from w2c.features import Features
from w2c.module import FuncType
from w2c.parse import decode_module
from w2c.parse.validate import validate_module_fields
from w2c.parse.validate_func import FuncValidator

RUN = BodyEmitter.run


def one_by_one(self, v, instrs):
    for ins in instrs:
        RUN(self, v, (ins,))


def translations(data: bytes, monkeypatch) -> tuple[list[str], list[str]]:
    f = Features()
    m = decode_module(data, f)
    layout = Layout(Path("m.c"), 1)
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
    # (address 0 lies below the memory's minimum: the load needs no check)
    assert "w2c_memory_fill(" in fast[0] and "w2c_i64_load32_s_nc(" in fast[0]


# Features whose code generation is not written yet: their instructions have no definition.
NOT_GENERATED: set[str] = set()


def test_one_definition_per_instruction():
    for o in O.OPS:
        where = [name for name, has in [
            ("structure", o.name in B._STRUCTURE), ("template", o.c is not None),
            ("inline", o.name in B._INLINE),
            # (GC's one method, w2c.emit.gc.gc_op, writes the instruction's template)
            ("method", o.name in METHODS and METHODS[o.name] is not gc_op)] if has]
        if o.feature in NOT_GENERATED:
            assert not where, o.name
            assert B._DISPATCH[o][0] == B._K_UNSUPPORTED
        else:
            assert len(where) == 1, (o.name, where)


def module_gen(data: bytes):
    f = Features()
    m = decode_module(data, f)
    layout = Layout(Path("m.c"), 1)
    return ModuleGen(m, "m", layout.header, None, const_tables(m, f)), validate_module_fields(m, f)


def test_inline_shapes_write_the_template(wat2wasm):
    """run's precompiled %-formats (unary, binary, load, store) against the
    template's own str.format, on every instruction that has one."""
    gen, ctx = module_gen(wat2wasm("(module (memory 1))"))
    shaped = 0
    for o in O.OPS:
        if o.c is None or B._DISPATCH[o][0] not in (B._K_UNARY, B._K_BINARY, B._K_LOAD,
                                                    B._K_STORE):
            continue    # (the others are written by `template` itself)
        shaped += 1
        # (natural alignment: what atomic accesses require)
        imm = {O.MEMARG: (o.align, 16, 0), O.MEMORY_COPY: (0, 0)}.get(o.imm, 0)
        for below in (0, 3):       # operands at the bottom, and above other slots
            v = FuncValidator(ctx, FuncType((), ()), [])
            v.vals.extend([O.BY_NAME["i64.const"].results[0]] * below + list(o.params))
            fast = BodyEmitter(gen, 0, FuncType((), ()), [])
            fast.run(v, [(0, o, imm)])
            slow = BodyEmitter(gen, 0, FuncType((), ()), [])
            slow.template(o, imm, below, o.params)
            assert fast.lines == slow.lines, o.name
            assert fast.depth == slow.depth, o.name
    assert shaped > 100


@pytest.mark.parametrize("name, c, imm, line", [
    ("i8x16.extract_lane_s", "w2c_i8x16_extract_lane_s({0}, {lane})", 7,
     "s0i = w2c_i8x16_extract_lane_s(s0v, 7);"),
    ("v128.load8_lane", "w2c_v128_load8_lane({mem}, {0}, {offset}, {1}, {lane})", (0, 4, 0, 9),
     "s0v = w2c_v128_load8_lane(m0, m0_size, s0i, 4u, s1v, 9);"),
    ("data.drop", "drop({imm})", 3, "drop(3);"),
])
def test_template_immediates(name, c, imm, line):
    """A template reads immediates by name: what a new lane or index
    instruction needs besides its row in the opcode table."""
    op = replace(O.BY_NAME[name], c=c)
    e = BodyEmitter(None, 0, FuncType((), ()), [])
    e.template(op, imm, 0, op.params)
    assert e.lines == [line]


def test_emitter_reads_no_validator_stacks():
    """The emitter asks the validator (step's height, reachable, label,
    top_type, types_below); it does not index its operand or control stacks."""
    for mod in (B, body_ops):
        # (the .py file: compiled by scripts/build-accelerated, a module has no source)
        src = Path(mod.__file__).with_name(mod.__name__.rpartition(".")[2] + ".py").read_text()
        assert not [m for m in ("v.vals", "v.ctrls", ".ctrls[", "len(vals)") if m in src], mod
