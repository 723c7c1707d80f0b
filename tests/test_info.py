"""Tests of w2c/moduleinfo.py: `describe` on a hand-built Module (no decoder
involved) and `format_text`'s aligned rendering of it.
"""
from __future__ import annotations

import json

from w2c.moduleinfo import describe, format_text
from w2c.module import (EXT_FUNC, EXT_GLOBAL, EXT_MEMORY, EXT_TABLE, FUNCREF, I32, I64,
                        EXTERNREF, ConstExpr, Data, Elem, Export, FuncType, Global,
                        GlobalType, Import, Limits, MemType, Module, Names, Section,
                        TableType)


def sample_module() -> Module:
    const = ConstExpr([], 0)
    return Module(
        types=[FuncType((I32,), ()), FuncType((I32, I32), (I32,))],
        imports=[
            Import("env", "log", EXT_FUNC, 0, 0x10),
            Import("env", "tbl", EXT_TABLE, TableType(EXTERNREF, Limits(1)), 0x20),
            Import("env", "mem", EXT_MEMORY, MemType(Limits(1, 4, shared=True)), 0x30),
            Import("env", "g", EXT_GLOBAL, GlobalType(I32, True), 0x40),
        ],
        funcs=[1, 1, 0],
        tables=[TableType(FUNCREF, Limits(3, 10))],
        globals=[Global(GlobalType(I64, False), const)],
        exports=[Export("add", EXT_FUNC, 1, 0x50), Export("tbl", EXT_TABLE, 1, 0x58)],
        start=3,
        elems=[Elem("active", FUNCREF, 0, const, [1])] * 2,
        datas=[Data("passive", init=b"x")],
        sections=[Section(1, 8, 10, 14), Section(2, 24, 26, 40),
                  Section(0, 200, 202, 30, name="name")],
        names=Names(module="demo"),
        features_used={"threads", "reference-types"},
    )


def test_describe_counts():
    d = describe(sample_module(), 1234)
    assert d["name"] == "demo"
    assert d["size"] == 1234
    assert d["types"] == 2
    assert d["functions"] == {"imported": 1, "defined": 3, "total": 4}
    assert d["start"] == 3
    assert d["elements"] == 2 and d["data"] == 1
    assert d["features"] == ["reference-types", "threads"]


def test_describe_sections():
    d = describe(sample_module(), 0)
    assert d["sections"] == [
        {"id": 1, "name": "type", "custom": False, "offset": 8, "size": 14},
        {"id": 2, "name": "import", "custom": False, "offset": 24, "size": 40},
        {"id": 0, "name": "name", "custom": True, "offset": 200, "size": 30},
    ]


def test_describe_imports_exports():
    d = describe(sample_module(), 0)
    assert d["imports"] == [
        {"module": "env", "name": "log", "kind": "func", "type": 0,
         "desc": "type 0: [i32] -> []"},
        {"module": "env", "name": "tbl", "kind": "table", "desc": "externref 1.."},
        {"module": "env", "name": "mem", "kind": "memory", "desc": "1..4 pages shared"},
        {"module": "env", "name": "g", "kind": "global", "desc": "mut i32"},
    ]
    assert d["exports"] == [{"name": "add", "kind": "func", "index": 1},
                            {"name": "tbl", "kind": "table", "index": 1}]


def test_describe_index_spaces():
    d = describe(sample_module(), 0)
    assert d["tables"] == [
        {"index": 0, "type": "externref", "min": 1, "max": None, "imported": True,
         "import": "env.tbl"},
        {"index": 1, "type": "funcref", "min": 3, "max": 10, "imported": False},
    ]
    assert d["memories"] == [{"index": 0, "min": 1, "max": 4, "shared": True,
                              "imported": True, "import": "env.mem"}]
    assert d["globals"] == [
        {"index": 0, "type": "i32", "mutable": True, "imported": True, "import": "env.g"},
        {"index": 1, "type": "i64", "mutable": False, "imported": False},
    ]


def test_describe_is_json_able():
    d = describe(sample_module(), 0)
    assert json.loads(json.dumps(d)) == d


def test_describe_empty_module():
    d = describe(Module(), 8)
    assert d["name"] is None and d["start"] is None
    assert d["imports"] == d["exports"] == d["memories"] == d["sections"] == []
    text = format_text(d)
    assert "imports:" not in text and "name       -" in text


def test_custom_page_size():
    m = Module(mems=[MemType(Limits(2, None, page_size=1))])
    d = describe(m, 0)
    assert d["memories"] == [{"index": 0, "min": 2, "max": None, "page_size": 1,
                              "imported": False}]
    assert "2.. pages (page size 1)" in format_text(d)


def test_format_text():
    text = format_text(describe(sample_module(), 1234))
    lines = text.splitlines()
    assert lines[0] == "name       $demo"
    assert "size       1234 bytes" in lines
    assert "functions  4 (1 imported, 3 defined)" in lines
    assert "features   reference-types, threads" in lines
    assert "start      func 3" in lines
    assert "elements   2 segments" in lines and "data       1 segment" in lines
    assert "  0  custom \"name\"  offset 0xc8  size 30" in lines
    assert "  func    env.log  type 0: [i32] -> []" in lines
    assert "  memory  env.mem  1..4 pages shared" in lines
    assert "  add  func   1" in lines
    assert "  1  funcref    3..10  defined" in lines
    assert "  0  1..4 pages shared  imported env.mem" in lines
    assert "  0  mut    i32  imported env.g" in lines
    assert text.endswith("\n") and not any(line != line.rstrip() for line in lines)
