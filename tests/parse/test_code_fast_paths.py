"""The body decoder reads common immediates in place (one- and two-byte
LEB128s, memargs, block types) and leaves the rest to the Reader: both ways
must give the same values, and the same errors at the same offsets."""
import pytest

from tests.support.wasmbin import HEADER, section as sec, sleb, uleb
from w2c.errors import DecodeError
from w2c.features import Features
from w2c.parse import check_module
from w2c.parse.code import body_instructions, decode_body
from w2c.parse.reader import EOF_SECTION


def module(body: bytes, locals_: bytes = b"\x01\x01\x7f", tail: bytes = b"") -> bytes:
    """One function () -> () with one i32 local (and a memory, a global) whose
    body is `body`; `tail`: bytes after the code section."""
    code = locals_ + body
    return (HEADER + sec(1, b"\x01\x60\x00\x00") + sec(3, b"\x01\x00") + sec(5, b"\x01\x00\x01")
            + sec(6, b"\x01\x7f\x01\x41\x00\x0b")
            + sec(10, b"\x01" + uleb(len(code)) + code) + tail)


def instructions(data: bytes) -> list[tuple]:
    f = Features()
    m = check_module(data, f)
    return [(op.name, imm) for _, op, imm in body_instructions(decode_body(m, 0, f), f, m)]


U32_VALUES = [0, 1, 63, 64, 127, 128, 129, 8191, 8192, 16383, 16384, 2**21, 2**32 - 1]
S32_VALUES = [0, 1, -1, 63, 64, -64, -65, 127, 128, 8191, 8192, -8192, -8193, 2**31 - 1, -2**31]


@pytest.mark.parametrize("width", [0, 2, 3, 5])
@pytest.mark.parametrize("value", U32_VALUES)
def test_u32_immediates(value, width):
    # local.get/global.get of index `value` would be invalid: decode only (br depth too)
    enc = uleb(value, width)
    if len(enc) > 5:
        pytest.skip("wider than a u32")
    from w2c.parse.code import decode_instructions
    from w2c.parse.reader import Reader
    for opcode, name in [(0x20, "local.get"), (0x0C, "br"), (0x10, "call")]:
        r = Reader(bytes([opcode]) + enc + b"\x0b")
        got = [(op.name, imm) for _, op, imm in decode_instructions(r, Features(), True)]
        assert got == [(name, value), ("end", None)]
        assert r.pos == len(r.buf)


@pytest.mark.parametrize("width", [0, 2, 3, 5])
@pytest.mark.parametrize("value", S32_VALUES)
def test_i32_const_immediates(value, width):
    enc = sleb(value, width)
    if len(enc) > 5:
        pytest.skip("wider than an s32")
    got = instructions(module(b"\x41" + enc + b"\x1a\x0b"))
    assert got == [("i32.const", value), ("drop", None), ("end", None)]


@pytest.mark.parametrize("align,offset", [(0, 0), (2, 127), (2, 128), (1, 2**32 - 1), (31, 5)])
def test_memarg_immediates(align, offset):
    body = b"\x41\x00\x28" + uleb(align) + uleb(offset) + b"\x1a\x0b"
    f = Features()
    from w2c.parse.code import decode_instructions
    from w2c.parse.reader import Reader
    r = Reader(body)
    got = [(op.name, imm) for _, op, imm in decode_instructions(r, f, True)]
    assert got[1] == ("i32.load", (align, offset, 0))


@pytest.mark.parametrize("flags,message", [
    (32, "malformed memop flags"), (0x3F, "malformed memop flags"),
    (0x40, "unsupported feature: multi-memory"),   # Wasm 3.0's memory index bit
    (0x80, "malformed memop flags")])
def test_memarg_bad_flags(flags, message):
    """WebAssembly 2.0's rules (multi-memory, on by default, off)."""
    body = b"\x41\x00\x28" + uleb(flags) + b"\x00\x1a\x0b"
    with pytest.raises(DecodeError) as e:
        check_module(module(body), Features.wasm2())
    assert e.value.message.startswith(message)


@pytest.mark.parametrize("bt,expect", [(b"\x40", ()), (b"\x7f", (0x7F,)), (b"\x7c", (0x7C,))])
def test_block_types(bt, expect):
    from w2c.parse.code import decode_instructions
    from w2c.parse.reader import Reader
    r = Reader(b"\x02" + bt + b"\x0b\x0b")
    got = [imm for _, op, imm in decode_instructions(r, Features(), True)]
    assert got == [expect, None, None]


@pytest.mark.parametrize("cut", [
    b"\x20",            # local.get: no index
    b"\x20\x80",        # local.get: a two-byte index cut after its first byte
    b"\x41",            # i32.const: no value
    b"\x41\xff",
    b"\x41\xff\xff",
    b"\x28",            # i32.load: no memarg
    b"\x28\x02",        # i32.load: flags but no offset
    b"\x28\x02\x80",
    b"\x02",            # block: no block type
    b"\x0c",            # br
])
def test_end_of_file_inside_an_immediate(cut):
    """The code section is last and its one body runs to the end of the file,
    inside an immediate: `unexpected end` at the end of the file."""
    data = module(b"\x41\x00\x1a" + cut)
    with pytest.raises(DecodeError) as e:
        check_module(data)
    assert e.value.message.startswith(EOF_SECTION)
    assert e.value.offset == len(data)


def test_end_of_file_at_an_opcode():
    data = module(b"\x01\x01")
    with pytest.raises(DecodeError) as e:
        check_module(data)
    assert e.value.message.startswith(EOF_SECTION)
    assert e.value.offset == len(data)


def test_body_reads_past_its_size():
    """A body without its `end` reads on into the next section (here: a data
    section's id 11 is `end`), like the spec interpreter, and its size is
    checked at the end."""
    data = module(b"\x01", tail=sec(11, b"\x00"))   # body "nop"; a data section follows
    with pytest.raises(DecodeError) as e:
        check_module(data)
    assert e.value.message.startswith("section size mismatch")
    assert e.value.offset == len(data) - 2
