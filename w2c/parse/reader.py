"""Byte cursor for the binary format: bytes, LEB128 integers, floats, names.

First stage of the pipeline; every decoder function reads through a Reader.
Errors carry the spec's wording and the file offset of the offending byte.

    u32 ::= N:byte ... (LEB128, at most ceil(32/7) = 5 bytes, unused bits zero)
    s32/s33/s64 likewise, unused bits a sign extension
    name ::= b*:vec(byte) (UTF-8)
"""
from __future__ import annotations

import struct

from w2c.errors import DecodeError

_F32 = struct.Struct("<f")
_F64 = struct.Struct("<d")

EOF_FILE = "unexpected end"
EOF_SECTION = "unexpected end of section or function"


class Reader:
    """Reads `buf`, whose first byte lies at file offset `base`."""

    __slots__ = ("buf", "pos", "base", "eof_msg", "last")

    def __init__(self, buf: bytes, base: int = 0, eof_msg: str = EOF_FILE):
        self.buf = buf
        self.pos = 0
        self.base = base
        self.eof_msg = eof_msg
        self.last = base  # file offset of the instruction last decoded (for errors)

    # -- position and errors -------------------------------------------------
    @property
    def offset(self) -> int:
        """File offset of the next byte."""
        return self.base + self.pos

    def at_end(self) -> bool:
        return self.pos >= len(self.buf)

    def remaining(self) -> int:
        return len(self.buf) - self.pos

    def error(self, message: str, pos: int | None = None) -> DecodeError:
        return DecodeError(message, self.base + (self.pos if pos is None else pos))

    def eof(self) -> DecodeError:
        return DecodeError(self.eof_msg, self.base + min(self.pos, len(self.buf)))

    def sub(self, size: int, eof_msg: str = EOF_SECTION,
            short_msg: str | None = None) -> Reader:
        """A reader over the next `size` bytes; advances past them."""
        start = self.pos
        if size > len(self.buf) - start:
            raise self.error(short_msg or self.eof_msg)
        self.pos = start + size
        return Reader(self.buf[start:start + size], self.base + start, eof_msg)

    # -- bytes ---------------------------------------------------------------
    def u8(self) -> int:
        try:
            b = self.buf[self.pos]
        except IndexError:
            raise self.eof() from None
        self.pos += 1
        return b

    def bytes(self, n: int) -> bytes:
        start = self.pos
        if n > len(self.buf) - start:
            raise self.eof()
        self.pos = start + n
        return self.buf[start:start + n]

    def f32_bits(self) -> int:
        return int.from_bytes(self.bytes(4), "little")

    def f64_bits(self) -> int:
        return int.from_bytes(self.bytes(8), "little")

    # -- LEB128 ----------------------------------------------------------------
    def u32(self) -> int:
        try:
            b = self.buf[self.pos]
        except IndexError:
            raise self.eof() from None
        if b < 0x80:
            self.pos += 1
            return b
        return self._uleb(32)

    def u64(self) -> int:
        return self._uleb(64)

    def s32(self) -> int:
        return self._sleb(32)

    def s33(self) -> int:
        return self._sleb(33)

    def s64(self) -> int:
        return self._sleb(64)

    def _uleb(self, bits: int) -> int:
        buf = self.buf
        pos = self.pos
        result = shift = 0
        last = (bits - 1) // 7
        for i in range(last + 1):
            try:
                b = buf[pos]
            except IndexError:
                self.pos = pos
                raise self.eof() from None
            pos += 1
            if i == last:
                if b & 0x80:
                    raise self.error("integer representation too long", pos - 1)
                if b >> (bits - 7 * i):
                    raise self.error("integer too large", pos - 1)
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                break
            shift += 7
        self.pos = pos
        return result

    def _sleb(self, bits: int) -> int:
        buf = self.buf
        pos = self.pos
        result = shift = 0
        last = (bits - 1) // 7
        for i in range(last + 1):
            try:
                b = buf[pos]
            except IndexError:
                self.pos = pos
                raise self.eof() from None
            pos += 1
            if i == last:
                if b & 0x80:
                    raise self.error("integer representation too long", pos - 1)
                used = bits - 7 * i            # payload bits of this byte that count
                rest = (b & 0x7F) >> (used - 1)  # sign bit and the unused bits above it
                if rest != 0 and rest != (0x7F >> (used - 1)):
                    raise self.error("integer too large", pos - 1)
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        self.pos = pos
        if result >> (shift - 1) & 1:
            result -= 1 << shift
        return result

    # -- names -------------------------------------------------------------------
    def name(self) -> str:
        n = self.u32()
        start = self.pos
        if n > len(self.buf) - start:
            raise self.error("length out of bounds")
        raw = self.buf[start:start + n]
        try:
            s = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise self.error("malformed UTF-8 encoding", start) from None
        self.pos = start + n
        return s

    def vec_len(self) -> int:
        """A vector's element count; each element takes at least one byte."""
        return self.u32()
