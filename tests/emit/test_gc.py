"""GC code generation (w2c.emit.gc, runtime_c/w2c_gc.h) end to end: a module
building lists, trees, arrays of references and a cycle through calls and
allocations (gc_programs/lists.wat) is compiled, built with its host
(gc_programs/lists_host.c) and run.  With W2C_GC_TRIGGER=1 the collector
runs before every allocation, so a reference the shadow stack missed is
freed while a function still holds it: the results (and ASan) would show it.
The host also checks that a dropped cycle and the frames a trap left are
collected."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.spec import run_exec, wast
from tests.spec.test_spec_exec import CI_CONFIG, _require_tools
from tests.support import ctool
from tests.support.wat import parse_wat
from w2c.emit import compile_module
from w2c.features import Features
from w2c.frontdoor import open_module

PROGRAMS = Path(__file__).parent / "gc_programs"


def gc() -> Features:
    f = Features()
    f.enable("gc")
    return f


def build(tmp_path: Path, cc: str, flags: list[str]) -> Path:
    wasm = parse_wat(tmp_path, (PROGRAMS / "lists.wat").read_text())
    compile_module(wasm.read_bytes(), tmp_path / "lists.c", features=gc())
    exe = tmp_path / "lists"
    ctool.compile_quietly([cc, *ctool.STRICT, *flags, f"-I{tmp_path}", tmp_path / "lists.c",
                           PROGRAMS / "lists_host.c", "-o", exe])
    return exe


@pytest.mark.parametrize("trigger", [0, 1])
def test_collections_mid_function(tmp_path, cc, trigger):
    """Results stay right when the collector runs at every allocation
    (trigger 1) or only when the heap is full (0)."""
    rounds = 3 if trigger else 200
    exe = build(tmp_path, cc, ["-O2", f"-DW2C_GC_TRIGGER={trigger}", f"-DROUNDS={rounds}",
                               f"-DMIN_COLLECTIONS={1000 if trigger else 1}",
                               "-DW2C_GC_BLOCK=65536"])
    ctool.run_checks([exe], at_least=10)


def test_sanitizers(tmp_path, cc):
    """ASan+UBSan with a collection at every allocation: no access to a freed
    object, no undefined behaviour."""
    flags = ctool.sanitizer_flags(cc)
    exe = build(tmp_path, cc, [*flags, "-DW2C_GC_TRIGGER=1", "-DROUNDS=2",
                               "-DMIN_COLLECTIONS=100"])
    ctool.run_checks([exe], at_least=10, env=ctool.sanitizer_env(exe, tmp_path / "probe"))


CROSS_WAST = """\
(module
  (rec (type $t (sub (struct (field i32)))) (type $u (sub $t (struct (field i32) (field i64)))))
  (func (export "make") (result anyref) (struct.new $u (i32.const 7) (i64.const 1)))
  (func (export "make_t") (result anyref) (struct.new $t (i32.const 5)))
)
(register "A")
(module
  (rec (type $t (sub (struct (field i32)))) (type $u (sub $t (struct (field i32) (field i64)))))
  (type $v (struct (field i32)))
  (func $make (import "A" "make") (result anyref))
  (func $make_t (import "A" "make_t") (result anyref))
  (func (export "test_t") (result i32) (ref.test (ref $t) (call $make)))
  (func (export "test_u") (result i32) (ref.test (ref $u) (call $make)))
  (func (export "test_v") (result i32) (ref.test (ref $v) (call $make)))
  (func (export "t_not_u") (result i32) (ref.test (ref $u) (call $make_t)))
  (func (export "get") (result i32) (struct.get $t 0 (ref.cast (ref $t) (call $make))))
)
(assert_return (invoke "test_t") (i32.const 1))
(assert_return (invoke "test_u") (i32.const 1))
(assert_return (invoke "test_v") (i32.const 0))
(assert_return (invoke "t_not_u") (i32.const 0))
(assert_return (invoke "get") (i32.const 7))
"""


def test_casts_across_modules(tmp_path):
    """An object made by one module is cast by another to its equivalent
    types (rtts of the same identity, w2c_rtt.id), and not to others."""
    _require_tools()
    src = tmp_path / "xmod.wast"
    src.write_text(CROSS_WAST)
    r = run_exec.run_file(src, tmp_path / "b", CI_CONFIG, wast.SUITES["gc"], root=tmp_path)
    assert [o.status for o in r.outcomes] == ["pass"] * 7, [o.describe() for o in r.outcomes]


# Element items are made at instantiation with collections switched off; an
# item whose allocation traps (out of memory) used to leave them off for good.
# The imported $n sizes the item, so one instance fails and the next runs.
OOM_ITEM_WAT = """
(module
  (type $big (array i32))
  (type $node (struct (field i32) (field (ref null $node))))
  (global $n (import "env" "n") i32)
  (elem $e (ref null $big) (item (array.new_default $big (global.get $n))))
  (func (export "churn") (param $n i32) (result i32)
    (local $l (ref null $node)) (local $i i32) (local $total i32)
    (loop $lists
      (local.set $l (ref.null $node))
      (local.set $i (i32.const 0))
      (loop $nodes
        (local.set $l (struct.new $node (i32.const 1) (local.get $l)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $nodes (i32.lt_u (local.get $i) (i32.const 10000))))
      (local.set $total (i32.add (local.get $total) (local.get $i)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $lists (local.get $n)))
    (local.get $total)))
"""
OOM_ITEM_HOST = r"""
#include <stdio.h>
#include "oom.h"
int main(void) {
  oom_instance inst;
  oom_imports im = {0};
  uint32_t n = 0x4000000u;
  w2c_gc_frame *top;
  w2c_trap code;
  volatile uint32_t r = 0;
  int rc;
  im.global_env__n = &n;
  rc = oom_instantiate(&inst, &im);
  printf("bad: %s\n", rc > 0 ? w2c_trap_message((w2c_trap)rc) : "not a trap");
  oom_free(&inst);
  n = 1;
  if (oom_instantiate(&inst, &im) != 0) return 2;
  top = w2c_gc_frames_save();
  W2C_TRY_STMT(code, r = oom_x_churn(&inst, 100));
  w2c_gc_frames_restore(top);
  printf("churn: %s %u\n", code ? w2c_trap_message(code) : "ok", (unsigned)r);
  oom_free(&inst);
  return 0;
}
"""


def test_collections_resume_after_a_trap_in_an_element_item(tmp_path, cc):
    """After an out-of-memory trap in an element item fails an instantiation,
    10^6 nodes (32 MB) still run in a 4 MiB heap in the next instance:
    collections are back on."""
    wasm = parse_wat(tmp_path, OOM_ITEM_WAT)
    compile_module(wasm.read_bytes(), tmp_path / "oom.c", features=gc())
    (tmp_path / "host.c").write_text(OOM_ITEM_HOST)
    exe = tmp_path / "oom"
    ctool.compile_quietly([cc, *ctool.STRICT, "-O2", "-DW2C_GC_MAX_HEAP=((size_t)4<<20)",
                           f"-I{tmp_path}", tmp_path / "oom.c", tmp_path / "host.c", "-o", exe])
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=120).stdout
    assert out.splitlines() == ["bad: out of memory", "churn: ok 1000000"]


# An exnref holds the only reference to a struct (made and thrown in another
# function); allocations with a collection before each (W2C_GC_TRIGGER=1)
# must not free it: exception values are roots (w2c_gc_mark_exn).
EXNREF_ROOT_WAT = """
(module
  (type $box (struct (field i32)))
  (tag $t (param (ref null $box)))
  (func $churn (local i32)
    (loop $l
      (drop (struct.new $box (local.get 0)))
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 0) (i32.const 1000)))))
  (func $thrower (param $v i32)
    (throw $t (struct.new $box (local.get $v))))
  (func $catcher (param $v i32) (result exnref)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (call $thrower (local.get $v)))
      (unreachable)))
  (func (export "run") (param $v i32) (result i32)
    (local $e exnref)
    (local.set $e (call $catcher (local.get $v)))
    (call $churn)
    (struct.get $box 0
      (block $h2 (result (ref null $box))
        (try_table (catch $t $h2) (throw_ref (local.get $e)))
        (unreachable)))))
"""


def test_exception_values_are_roots(tmp_path):
    wat = tmp_path / "exnroot.wat"
    wat.write_text(EXNREF_ROOT_WAT)
    exe = tmp_path / "exnroot"
    subprocess.run([sys.executable, "-m", "w2c", "build", "--enable-gc", str(wat), "-o", str(exe),
                    "--", "-DW2C_GC_TRIGGER=1"], check=True)
    out = subprocess.run([str(exe), "4242"], env={"W2C_WASI_INVOKE": "run"}, capture_output=True,
                         text=True, timeout=60)
    assert (out.returncode, out.stdout) == (0, "4242\n"), out.stderr


PLAIN_BODIES = "(func (result i32) (i32.const 0xFB)) (func (result i32) (i32.const 0xD3))"


@pytest.mark.parametrize("extra,is_gc", [
    ("", False),
    ("(func (result i32) (i31.get_u (ref.i31 (i32.const 1))))", True),
    ("(func (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))", False),
    ("(func (local eqref))", True),
    ("(func unreachable (ref.i31 (i32.const 1)) drop)", True)])
def test_gc_found_in_bodies(tmp_path, extra, is_gc):
    """Bodies whose bytes hold 0xFB or 0xD3 only in constants are no GC; a GC
    instruction or local in a later body is found while translating (the
    module is then translated again: its header includes the GC runtime)."""
    wasm = parse_wat(tmp_path, f"(module {PLAIN_BODIES} {extra})").read_bytes()
    t = open_module(wasm, Features())
    compile_module(t, tmp_path / "m.c")
    assert ("gc" in t.module.features_used) == is_gc
    assert ("w2c_gc_ops.h" in (tmp_path / "m.h").read_text()) == is_gc
    known = open_module(wasm, Features())      # the same C as when known beforehand
    if is_gc:
        known.module.features_used.add("gc")
    (tmp_path / "known").mkdir()
    compile_module(known, tmp_path / "known" / "m.c")
    assert (tmp_path / "known" / "m.c").read_text() == (tmp_path / "m.c").read_text()


def test_gc_found_in_a_worker(tmp_path):
    """With -j 2 the GC instruction that decides a module is GC (no GC types,
    an i31 in a body of a later chunk, translated in a worker) restarts the
    translation there too: the same C as -j 1, with the GC runtime."""
    plain = ("(func (param i32) (result i32) (local i32)"
             " (local.set 1 (i32.mul (local.get 0) (i32.const 3)))"
             " (i32.add (local.get 1) (i32.xor (local.get 0) (i32.const 77))))")
    gc_func = "(func (param i32) (result i32) (i31.get_s (ref.i31 (local.get 0))))"
    funcs = [plain] * 16000
    funcs.insert(13000, gc_func)
    wasm = parse_wat(tmp_path, "(module " + " ".join(funcs) + ")").read_bytes()
    assert len(wasm) > 4 * (1 << 16)     # several chunks of w2c.emit.translate.CHUNK_BYTES
    outs = []
    for jobs in (1, 2):
        (tmp_path / f"j{jobs}").mkdir()
        compile_module(wasm, tmp_path / f"j{jobs}" / "m.c", jobs=jobs)
        outs.append(((tmp_path / f"j{jobs}" / "m.c").read_text(),
                     (tmp_path / f"j{jobs}" / "m.h").read_text()))
    assert outs[0] == outs[1]
    assert "w2c_gc_ops.h" in outs[1][1]
