"""Module-level decoding: sections, order, segments, names, feature gates."""
import pytest

from tests.support.wasmbin import HEADER, section as sec
from w2c.errors import DecodeError, UnsupportedFeature, W2CError
from w2c.features import Features
from w2c.module import EXT_FUNC, EXT_GLOBAL, EXT_MEMORY, EXT_TABLE, FUNCREF, I32, I64
from w2c.parse import check_module, decode_module
from w2c.parse.code import body_instructions, decode_body


def malformed(data: bytes) -> str:
    with pytest.raises(DecodeError) as e:
        check_module(data)
    return e.value.message


def test_empty_module():
    m = check_module(HEADER)
    assert m.types == [] and m.codes == []


@pytest.mark.parametrize("data,msg", [
    (b"", "unexpected end"), (b"\0as", "unexpected end"), (b"\x01", "unexpected end"),
    (b"\0asn\x01\0\0\0", "magic header not detected"),
    (b"\0asm\x02\0\0\0", "unknown binary version"),
    (b"\0asm\x01\0", "unexpected end"),
    (HEADER + b"\x0e\x00", "malformed section id"),
    (HEADER + b"\x01\x05\x01", "length out of bounds"),
    (HEADER + sec(1, b"\x00") + sec(1, b"\x00"), "unexpected content after last section"),
    (HEADER + sec(3, b"\x00") + sec(1, b"\x00"), "unexpected content after last section"),
    (HEADER + sec(1, b"\x00\x00"), "section size mismatch"),
    (HEADER + sec(1, b"\x01\x60\x00\x00") + sec(3, b"\x01\x00"),
     "function and code section have inconsistent lengths"),
    (HEADER + sec(12, b"\x01"), "data count and data section have inconsistent lengths"),
    (HEADER + sec(5, b"\x01\x02\x00"), "integer too large"),
    (HEADER + sec(6, b"\x01\x7f\x02\x41\x00\x0b"), "malformed mutability"),
    (HEADER + sec(2, b"\x01\x01a\x01b\x05\x00"), "malformed import kind"),
    (HEADER + sec(4, b"\x01\x7f\x00\x00"), "malformed reference type"),
])
def test_malformed(data, msg):
    assert malformed(data).startswith(msg)


def test_error_carries_offset():
    with pytest.raises(DecodeError) as e:
        check_module(HEADER + b"\x0e\x00")
    assert e.value.offset == 8
    assert e.value.format("m.wasm") == "m.wasm:0x8: malformed section id"


def test_sections_and_index_spaces(wat2wasm):
    m = check_module(wat2wasm("""
      (module $mod
        (import "env" "f" (func $f (param i32)))
        (import "env" "g" (global $g i32))
        (import "env" "mem" (memory 1 2))
        (table 3 funcref)
        (global $h (mut i64) (i64.const 7))
        (func $main (export "main") (param i32) (result i32) (local f32 f32)
          local.get 0)
        (elem (i32.const 0) $main $f)
        (data (i32.const 8) "hi")
        (start $s) (func $s))
    """, debug_names=True))
    assert [i.kind for i in m.imports] == [EXT_FUNC, EXT_GLOBAL, EXT_MEMORY]
    assert m.imports[2].desc.limits.min == 1 and m.imports[2].desc.limits.max == 2
    assert m.tables[0].elem == FUNCREF and m.tables[0].limits.min == 3
    assert m.globals[0].type.type == I64 and m.globals[0].type.mutable
    assert m.func_types() == [m.imports[0].desc, m.funcs[0], m.funcs[1]]
    assert m.start == 2
    assert m.elems[0].funcs == [1, 0] and m.elems[0].mode == "active"
    assert m.datas[0].init == b"hi"
    assert m.names.module == "mod"
    assert m.names.funcs[1] == "main"
    body = decode_body(m, 0, Features())
    assert body.index == 1 and len(body.locals) == 2
    names = [op.name for _, op, _ in body_instructions(body, Features(), m)]
    assert names == ["local.get", "end"]
    assert {s.id for s in m.sections} >= {1, 2, 3, 4, 6, 7, 8, 9, 10, 11}
    assert [e.kind for e in m.exports] == [EXT_FUNC]
    assert m.all_globals()[0].type == I32 and len(m.all_tables()) == 1
    assert m.imported(EXT_TABLE) == []


@pytest.mark.parametrize("form", range(8))
def test_element_segment_forms(form):
    # Hand-encoded forms 0-7 for one function and one table.
    types = sec(1, b"\x01\x60\x00\x00") + sec(3, b"\x01\x00") + sec(4, b"\x01\x70\x00\x01")
    offset = b"\x41\x00\x0b"
    item_funcs, item_exprs = b"\x01\x00", b"\x01\xd2\x00\x0b"
    body = {0: offset + item_funcs, 1: b"\x00" + item_funcs, 2: b"\x00" + offset + b"\x00" + item_funcs,
            3: b"\x00" + item_funcs, 4: offset + item_exprs, 5: b"\x70" + item_exprs,
            6: b"\x00" + offset + b"\x70" + item_exprs, 7: b"\x70" + item_exprs}[form]
    data = HEADER + types + sec(9, b"\x01" + bytes([form]) + body) + sec(10, b"\x01\x02\x00\x0b")
    e = check_module(data).elems[0]
    assert e.mode == ["active", "passive", "active", "declarative"][form & 3]
    assert len(e) == 1
    assert (e.funcs is None) == bool(form & 4)


@pytest.mark.parametrize("form,mode", [(0, "active"), (1, "passive"), (2, "active")])
def test_data_segment_forms(form, mode):
    body = {0: b"\x41\x00\x0b", 1: b"", 2: b"\x00\x41\x00\x0b"}[form]
    data = HEADER + sec(5, b"\x01\x00\x01") + sec(11, b"\x01" + bytes([form]) + body + b"\x02ok")
    d = check_module(data).datas[0]
    assert (d.mode, d.init) == (mode, b"ok")


def test_custom_sections_anywhere_and_malformed_name_section_ignored():
    custom = sec(0, b"\x04name\x01\x05")  # truncated function-name subsection
    data = HEADER + custom + sec(1, b"\x00") + sec(0, b"\x01x") + custom
    m = check_module(data)
    assert [s.name for s in m.sections if s.id == 0] == ["name", "x", "name"]
    assert m.names.funcs == {}


def test_custom_section_name_must_be_utf8():
    assert malformed(HEADER + sec(0, b"\x01\xff")).startswith("malformed UTF-8 encoding")


def test_proposals_rejected_unless_enabled():
    shared = HEADER + sec(5, b"\x01\x03\x01\x02")
    assert malformed(shared) == "unsupported feature: threads (a shared memory)"
    assert decode_module(shared, Features({"threads"})).mems[0].limits.shared
    tail = HEADER + sec(1, b"\x01\x60\x00\x00") + sec(3, b"\x01\x00") + sec(10, b"\x01\x04\x00\x12\x00\x0b")
    no_tail = Features()
    no_tail.disable("tail-call")
    with pytest.raises(UnsupportedFeature) as e:
        check_module(tail, no_tail)
    assert e.value.message == "unsupported feature: tail-call"
    check_module(tail)   # on by default (Wasm 3.0)
    tags = HEADER + sec(13, b"\x00")
    check_module(tags)   # exceptions too
    no_exn = Features()
    no_exn.disable("exceptions")
    with pytest.raises(UnsupportedFeature):
        check_module(tags, no_exn)


def test_custom_page_sizes():
    mem = HEADER + sec(5, b"\x01\x08\x10\x00")  # min 16 pages of 2^0 bytes
    assert "custom page size" in malformed(mem)
    m = check_module(mem, Features(Features().enabled | {"custom-page-sizes"}))
    assert m.mems[0].limits.page_size == 1 and m.mems[0].limits.min == 16


def test_simd_can_be_disabled(wat2wasm):
    data = wat2wasm("(module (func (result v128) v128.const i64x2 0 0))")
    check_module(data)
    f = Features()
    f.disable("simd")
    with pytest.raises(UnsupportedFeature, match="simd"):
        check_module(data, f)


def test_absurd_counts_fail_fast():
    for payload in (b"\xff\xff\xff\xff\x0f", b"\xff\xff\xff\xff\x0f\x60"):
        assert malformed(HEADER + sec(1, payload)).startswith("unexpected end")
    # a local count of 2^32-1 is refused without expanding it
    data = (HEADER + sec(1, b"\x01\x60\x00\x00") + sec(3, b"\x01\x00")
            + sec(10, b"\x01\x09\x01\xff\xff\xff\xff\x0f\x7f\x0b\x0b"))
    assert malformed(data).startswith("too many locals")


@pytest.mark.parametrize("flags", [0x1F, 0x20, 0x3F])
def test_memarg_alignment_past_31(flags):
    """2.0: an alignment exponent of 32 and above is malformed; with
    multi-memory (Wasm 3.0) the flags below the memory-index bit decode and
    the validator finds the alignment too large."""
    body = b"\x00\x41\x00\x28" + bytes([flags, 0x00]) + b"\x1a\x0b"
    data = (HEADER + sec(1, b"\x01\x60\x00\x00") + sec(3, b"\x01\x00") + sec(5, b"\x01\x00\x01")
            + sec(10, b"\x01" + bytes([len(body)]) + body))
    want = {False: "alignment must not be larger than natural", True: "malformed memop flags"}
    with pytest.raises(W2CError) as e:
        check_module(data, Features.wasm2())
    assert e.value.message.startswith(want[flags >= 32]), e.value
    with pytest.raises(W2CError) as e:
        check_module(data, Features(Features().enabled | {"multi-memory"}))
    assert e.value.message.startswith("alignment must not be larger than natural")
