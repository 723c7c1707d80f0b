"""Modules of Wasm 3.0 (and the threads and wide-arithmetic proposals) that
w2c does not implement are never called malformed or invalid: the error
names the feature (`unsupported feature: threads`), with or without its
--enable flag, and `w2c` exits 1 without a traceback.  Malformed input still
says malformed.  Every module here is made by `wasm-tools parse`; the last
test runs every module of the testsuite's proposals/wasm-3.0 scripts."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.wat import parse_wat, wasm_tools
from w2c.errors import DecodeError, UnsupportedFeature, ValidationError
from w2c.features import FEATURES, Features
from w2c.parse import check_module

# (id, module text, the feature named).  Each is a valid module of its proposal.
CASES = [
    ("tag-section", "(module (tag $e) (func (throw $e)))", "exceptions"),
    ("try_table", "(module (func (block $l (try_table (catch_all $l)))))", "exceptions"),
    ("exnref-local", "(module (func (local exnref)))", "exceptions"),
    ("tag-import", '(module (import "m" "t" (tag)))', "exceptions"),
    ("tag-export", '(module (tag $t) (export "t" (tag $t)))', "exceptions"),
    ("return_call", "(module (func $f (return_call $f)))", "tail-call"),
    ("two-memories", "(module (memory 1) (memory 1))", "multi-memory"),
    ("memarg-memidx", "(module (memory 1) (memory 1) "
                      "(func (result i32) (i32.load 1 (i32.const 0))))", "multi-memory"),
    ("memory64", "(module (memory i64 1) (func (result i32) (i32.load (i64.const 0))))",
     "memory64"),
    ("table64", "(module (table i64 1 funcref))", "memory64"),
    ("shared-memory", "(module (memory 1 1 shared))", "threads"),
    ("atomic.fence", "(module (func (atomic.fence)))", "threads"),
    ("atomic-load", "(module (memory 1 1 shared) "
                    "(func (result i32) (i32.atomic.load (i32.const 0))))", "threads"),
    ("rec-type", "(module (rec (type (struct)) (type (array i8))))", "gc"),
    ("struct-type", "(module (type (struct (field i32))))", "gc"),
    ("anyref-param", "(module (func (param anyref)))", "gc"),
    ("ref.i31", "(module (func (result i32) (i31.get_s (ref.i31 (i32.const 1)))))", "gc"),
    ("ref.eq", "(module (func (param eqref eqref) (result i32) "
               "(ref.eq (local.get 0) (local.get 1))))", "gc"),
    ("relaxed-simd", "(module (func (param v128 v128) (result v128) "
                     "(i8x16.relaxed_swizzle (local.get 0) (local.get 1))))", "relaxed-simd"),
    ("i64.add128", "(module (func (param i64 i64 i64 i64) (result i64 i64) "
                   "(i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3))))",
     "wide-arithmetic"),
    ("extended-const", "(module (global i32 (i32.add (i32.const 1) (i32.const 2))))",
     "extended-const"),
]

# Decoded and validated when their flag is given (compile may still refuse them).
ACCEPTED_WHEN_ENABLED = {"return_call", "two-memories", "memarg-memidx", "shared-memory",
                         "atomic.fence", "atomic-load",
                         "relaxed-simd", "memory64", "table64",
                         "i64.add128",
                         "extended-const", "tag-section", "try_table", "exnref-local",
                         "tag-import", "tag-export",
                         "rec-type", "struct-type", "anyref-param", "ref.i31", "ref.eq"}

# Byte strings that are malformed in Wasm 3.0 as well: (id, bytes, message).
HEADER = b"\0asm\x01\0\0\0"


def sec(n: int, body: bytes) -> bytes:
    return bytes([n, len(body)]) + body


def code(body: bytes) -> bytes:
    """A module with one function [] -> [] whose body (locals included) is `body`."""
    return (HEADER + sec(1, b"\x01\x60\x00\x00") + sec(3, b"\x01\x00")
            + sec(10, b"\x01" + bytes([len(body)]) + body))


MALFORMED = [
    ("section-14", HEADER + sec(14, b""), "malformed section id"),
    ("import-kind-5", HEADER + sec(2, b"\x01\x01a\x01b\x05\x00"), "malformed import kind"),
    ("tag-import-truncated", HEADER + sec(2, b"\x01\x01a\x01b\x04"), "malformed import kind"),
    ("tag-import-cut-by-section-end", HEADER + sec(2, b"\x01\x01a\x01b\x04\x00") + sec(3, b"\x00"),
     "malformed import kind"),
    ("type-form", HEADER + sec(1, b"\x01\x61\x00\x00"), "integer representation too long"),
    ("valtype", code(b"\x01\x01\x7a\x0b"), "malformed value type"),
    ("ref-bad-heaptype", code(b"\x01\x01\x64\x7a\x0b"), "malformed heap type"),
    ("elem-reftype", HEADER + sec(9, b"\x01\x05\x7f\x00"), "malformed reference type"),
    ("opcode-0xff", code(b"\x00\xff\x0b"), "illegal opcode"),
    ("opcode-fc-99", code(b"\x00\xfc\x63\x0b"), "illegal opcode"),
    ("opcode-fd-0x200", code(b"\x00\xfd\x80\x04\x0b"), "illegal opcode"),
    ("table-flags-2", HEADER + sec(4, b"\x01\x70\x02\x00"), "integer too large"),
    ("memory-flags-2", HEADER + sec(5, b"\x01\x02\x00"), "integer too large"),
    ("memory-flags-0x10", HEADER + sec(5, b"\x01\x10\x00"), "integer too large"),
]


def parse(tmp_path: Path, text: str) -> bytes:
    return parse_wat(tmp_path, text).read_bytes()


def feature_sets(feature: str) -> list[tuple[str, Features]]:
    """The defaults (without the feature: --disable-NAME for the Wasm 3.0
    features on by default), the defaults plus the feature's flag (if w2c
    has one), and --enable-all."""
    default = Features()
    default.enabled.discard(feature)
    sets = [("default", default)]
    if feature in FEATURES:
        sets.append((f"--enable-{feature}", Features(Features().enabled | {feature})))
    sets.append(("--enable-all", Features.all()))
    return sets


@pytest.mark.parametrize("name,text,feature", CASES, ids=[c[0] for c in CASES])
def test_names_the_feature(tmp_path, name, text, feature):
    data = parse(tmp_path, text)
    for label, features in feature_sets(feature):
        if name in ACCEPTED_WHEN_ENABLED and label != "default":
            check_module(data, features)
            continue
        with pytest.raises(UnsupportedFeature) as e:
            check_module(data, features)
        assert e.value.message.startswith(f"unsupported feature: {feature}"), (label, e.value)


def test_disable_exceptions_cli(tmp_path):
    """A module with a tag section is accepted by every command (exceptions
    are on by default, Wasm 3.0); with --disable-exceptions the feature is
    named."""
    wasm = tmp_path / "tag.wasm"
    wasm.write_bytes(parse(tmp_path, CASES[0][1]))
    for cmd in (["validate"], ["info"], ["compile", "-o", str(tmp_path / "out" / "m.c")]):
        p = subprocess.run([sys.executable, "-m", "w2c", cmd[0], str(wasm), *cmd[1:]],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        p = subprocess.run([sys.executable, "-m", "w2c", cmd[0], "--disable-exceptions",
                            str(wasm), *cmd[1:]], capture_output=True, text=True)
        assert p.returncode == 1, p.stderr
        assert re.fullmatch(rf"error: {re.escape(str(wasm))}:0x[0-9a-f]+: "
                            r"unsupported feature: exceptions\n", p.stderr), p.stderr


# With --enable-exceptions a tag import is read, so one cut short ends early
# (the spec interpreter's wording when it reads the tag type).
WHEN_ENABLED = {"tag-import-truncated": "unexpected end",
                "tag-import-cut-by-section-end": "section size mismatch"}


WITH_THREADS = {"memory-flags-2": "shared memory must have maximum"}


@pytest.mark.parametrize("name,data,message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_stays_malformed(name, data, message):
    for features in (Features(), Features.all()):
        with pytest.raises(DecodeError) as e:
            check_module(data, features)
        assert not isinstance(e.value, UnsupportedFeature), e.value
        if "exceptions" in features:
            message = WHEN_ENABLED.get(name, message)
        if "threads" in features:   # flag 0x02 is a shared memory, which needs a maximum
            message = WITH_THREADS.get(name, message)
        assert e.value.message.startswith(message), e.value


# Malformed modules of the wasm-3.0 scripts that w2c reports as a feature it
# does not support (the feature's own bytes come first), with the reason.
NAMED_MALFORMED = {
    "binary.wast:113": "the global's expression runs on into the code section: its id byte "
                       "0x0a read as an opcode is throw_ref (exceptions)",
    "binary-gc.wast:2": "a GC array type (the GC type section is not decoded)",
    "binary-leb128.wast:897": "a 64-bit memory declared before the malformed body",
}


def test_wasm3_testsuite(tmp_path, testsuite_dir):
    """Every binary module of proposals/wasm-3.0: a valid one is accepted or
    names its feature (never malformed or invalid); a malformed one is rejected
    and said malformed, but for NAMED_MALFORMED."""
    folder = testsuite_dir / "proposals" / "wasm-3.0"
    if not folder.is_dir():
        pytest.skip("the spec testsuite's proposals/wasm-3.0 not found (set W2C_TESTSUITE)")
    tool = wasm_tools()
    wrong, counts = [], {"valid": 0, "malformed": 0}
    for wast in sorted(folder.glob("*.wast")):
        out = tmp_path / wast.stem
        out.mkdir()
        subprocess.run([tool, "json-from-wast", str(wast), "-o", str(out / "s.json"),
                        "--wasm-dir", str(out)], check=True, capture_output=True)
        for c in json.loads((out / "s.json").read_text())["commands"]:
            if "filename" not in c or c.get("module_type", "binary") != "binary":
                continue
            where = f"{wast.name}:{c['line']}"
            role = {"module": "valid", "assert_trap": "valid", "assert_unlinkable": "valid",
                    "assert_uninstantiable": "valid", "assert_malformed": "malformed"}.get(c["type"])
            if role is None:
                continue
            counts[role] += 1
            try:
                check_module((out / c["filename"]).read_bytes())
                error = None
            except (DecodeError, ValidationError) as e:
                error = e
            if role == "valid" and error is not None and not isinstance(error, UnsupportedFeature):
                wrong.append(f"{where}: valid, said {error.message}")
            elif role == "malformed" and (error is None or isinstance(error, UnsupportedFeature)
                                          and where not in NAMED_MALFORMED):
                wrong.append(f"{where}: malformed ({c['text']}), said {error}")
    assert counts["valid"] > 1000 and counts["malformed"] > 100, counts
    assert not wrong, "\n".join(wrong)
