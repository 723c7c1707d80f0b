"""Naming: mangled names are C identifiers, collision-free, and signature
ids are exact for ordinary signatures."""
import itertools
import re

import pytest

from w2c.emit.names import mangle, type_id
from w2c.module import EXTERNREF, F32, F64, FUNCREF, I32, I64, FuncType

NAMES = ["", "a", "_", "__", "a_b", "a__b", "a-b", "fac-rec", "π", "\u0000", "x y", "_5F",
         "memory", "instantiate", "\U0001F600", "a_5Fb"]


def test_mangled_names_are_identifier_pieces():
    for n in NAMES:
        m = mangle(n)
        assert re.fullmatch(r"[A-Za-z0-9_]*", m)
        assert "__" not in m


def test_mangling_is_injective():
    seen = {}
    for n in NAMES:
        m = mangle(n)
        assert m not in seen, (n, seen.get(m))
        seen[m] = n


def test_joined_pieces_do_not_collide():
    # module "a_" name "b" vs module "a" name "_b": joined with "__" they stay apart.
    keys = {f"{mangle(a)}__{mangle(b)}" for a, b in itertools.product(NAMES, NAMES)}
    assert len(keys) == len(NAMES) ** 2


def test_type_ids_are_exact_and_distinct():
    types = [I32, I64, F32, F64, FUNCREF, EXTERNREF]
    sigs = [FuncType(tuple(p), tuple(r)) for n in range(3) for p in itertools.product(types, repeat=n)
            for r in ([], [I32], [F64, I64])]
    ids = [type_id(s) for s in sigs]
    assert len(set(ids)) == len(ids)
    assert all(0 < i < (1 << 63) for i in ids)  # exact encodings, no hash bit


def test_large_signature_hashes_with_top_bit():
    big = FuncType((I32,) * 30, (I64,))
    assert type_id(big) >> 63 == 1
    assert type_id(big) != type_id(FuncType((I32,) * 29, (I64,)))


@pytest.mark.parametrize("exports", [["fac", "fac-rec", "fac_2Drec"]])
def test_export_names_in_header(tmp_path, wat2wasm, exports):
    from w2c.emit import compile_module
    body = " ".join(f'(func (export "{e}"))' for e in exports)
    compile_module(wat2wasm(f"(module {body})"), tmp_path / "m.c", "m")
    header = (tmp_path / "m.h").read_text()
    for e in exports:
        assert f"void m_x_{mangle(e)}(m_instance *inst)" in header
