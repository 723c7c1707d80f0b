"""LEB128, names and bounds of w2c.parse.reader, against the spec's limits."""
import pytest

from w2c.errors import DecodeError
from w2c.parse.reader import Reader


def read(method, data):
    r = Reader(bytes(data))
    return getattr(r, method)(), r.pos


@pytest.mark.parametrize("data,value", [
    ([0x00], 0), ([0x7F], 127), ([0x80, 0x01], 128),
    ([0xFF, 0xFF, 0xFF, 0xFF, 0x0F], 0xFFFFFFFF),
    ([0x80, 0x80, 0x80, 0x80, 0x00], 0),           # padded, 5 bytes: allowed
])
def test_u32(data, value):
    assert read("u32", data) == (value, len(data))


@pytest.mark.parametrize("data,message", [
    ([0xFF, 0xFF, 0xFF, 0xFF, 0x1F], "integer too large"),
    ([0x80, 0x80, 0x80, 0x80, 0x80, 0x00], "integer representation too long"),
    ([0x80, 0x80], "unexpected end"),
])
def test_u32_errors(data, message):
    with pytest.raises(DecodeError) as e:
        Reader(bytes(data)).u32()
    assert e.value.message.startswith(message)


@pytest.mark.parametrize("method,data,value", [
    ("s32", [0x7F], -1), ("s32", [0x3F], 63), ("s32", [0x40], -64),
    ("s32", [0x80, 0x80, 0x80, 0x80, 0x78], -2**31),
    ("s32", [0xFF, 0xFF, 0xFF, 0xFF, 0x07], 2**31 - 1),
    ("s64", [0x80] * 9 + [0x7F], -2**63),
    ("s64", [0xFF] * 9 + [0x00], 2**63 - 1),
    ("s33", [0x40], -64), ("s33", [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], 2**32 - 1),
])
def test_signed(method, data, value):
    assert read(method, data) == (value, len(data))


@pytest.mark.parametrize("method,data", [
    ("s32", [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),   # unused bits not a sign extension
    ("s32", [0x80, 0x80, 0x80, 0x80, 0x70]),
    ("s64", [0x80] * 9 + [0x01]),
    ("s64", [0xFF] * 9 + [0x7E]),
])
def test_signed_too_large(method, data):
    with pytest.raises(DecodeError, match="integer too large"):
        getattr(Reader(bytes(data)), method)()


def test_error_offset_includes_base():
    r = Reader(b"\x80", base=0x100)
    with pytest.raises(DecodeError) as e:
        r.u32()
    assert e.value.offset == 0x101


def test_name_utf8():
    assert Reader(b"\x03abc").name() == "abc"
    assert Reader("\x02\xc3\xa9".encode("latin-1")).name() == "\u00e9"
    for bad in (b"\x01\x80", b"\x02\xc0\x80", b"\x03\xed\xa0\x80", b"\x04\xf4\x90\x80\x80"):
        with pytest.raises(DecodeError, match="malformed UTF-8 encoding"):
            Reader(bad).name()


def test_name_longer_than_input():
    with pytest.raises(DecodeError, match="length out of bounds"):
        Reader(b"\x05ab").name()


def test_huge_length_does_not_allocate():
    # A 4 GiB length with two bytes behind it fails at once.
    with pytest.raises(DecodeError):
        Reader(b"\xff\xff\xff\xff\x0fab").name()
    with pytest.raises(DecodeError):
        Reader(b"ab").sub(0xFFFFFFFF)
