"""The emitter and GC (w2c.emit): not compiled yet, so GC types, GC
references and GC instructions are refused with the feature's name, and
nothing is written.  Modules are made by `wasm-tools parse`."""
from __future__ import annotations

import pytest

from tests.support.wat import parse_wat
from w2c.emit import compile_module
from w2c.errors import UnsupportedFeature
from w2c.features import Features


def gc() -> Features:
    f = Features()
    f.enable("gc")
    return f


def test_compile_names_gc(tmp_path):
    """The emitter does not compile GC types yet: it says so."""
    data = parse_wat(tmp_path, "(module (type (struct)) (func (export \"f\")))").read_bytes()
    with pytest.raises(UnsupportedFeature, match="gc"):
        compile_module(data, tmp_path / "m.c", features=gc())
    assert not (tmp_path / "m.c").exists()


@pytest.mark.parametrize("text", [
    "(module (func (export \"f\") (param anyref)))",
    "(module (func (export \"f\") (result i32) (ref.is_null (ref.null none))))",
    "(module (func (export \"f\") (result i32) (i31.get_u (ref.i31 (i32.const 1)))))",
])
def test_compile_names_gc_references(tmp_path, text):
    """GC references and instructions without GC types are refused too."""
    data = parse_wat(tmp_path, text).read_bytes()
    with pytest.raises(UnsupportedFeature, match="gc"):
        compile_module(data, tmp_path / "m.c", features=gc())
