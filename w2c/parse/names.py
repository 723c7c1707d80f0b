"""Decoder of the `name` custom section (module, function and local names).

    namesec    ::= section_0("name" namedata)
    namedata   ::= modulenamesubsec? funcnamesubsec? localnamesubsec?
    namesubsection_N(B) ::= N:byte size:u32 B
    modulenamesubsec ::= namesubsection_0(name)
    funcnamesubsec   ::= namesubsection_1(namemap)
    localnamesubsec  ::= namesubsection_2(indirectnamemap)
    namemap ::= vec(idx name)   indirectnamemap ::= vec(idx namemap)

Part of decoding; a malformed name section is ignored by the caller, as the
spec's appendix allows.  Unknown subsections are skipped.
"""
from __future__ import annotations

from w2c.module import Names
from w2c.parse.reader import Reader


def decode_name_section(r: Reader, names: Names) -> None:
    last = -1
    while not r.at_end():
        sub_id = r.u8()
        size = r.u32()
        s = r.sub(size)
        if sub_id <= last:
            return
        last = sub_id
        if sub_id == 0:
            names.module = s.name()
        elif sub_id == 1:
            names.funcs.update(decode_namemap(s))
        elif sub_id == 2:
            for _ in range(s.vec_len()):
                idx = s.u32()
                names.locals[idx] = decode_namemap(s)


def decode_namemap(r: Reader) -> dict[int, str]:
    out: dict[int, str] = {}
    for _ in range(r.vec_len()):
        idx = r.u32()
        out[idx] = r.name()
    return out
