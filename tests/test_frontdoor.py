"""The front door (w2c/frontdoor.py): each command decodes its module once,
and a Translation carries what the later stages need."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import w2c.cli as cli
import w2c.parse.decode as decode
from w2c.errors import DecodeError, ValidationError
from w2c.frontdoor import Translation, open_module

HELLO = Path(__file__).resolve().parent.parent / "examples" / "hello" / "hello.wasm"
WASI_WAT = """(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 7))))"""


@pytest.fixture
def decodes(monkeypatch) -> list[int]:
    """Records every decode of a module's sections (its length)."""
    seen: list[int] = []
    real = decode.decode_sections

    def counted(m, features):
        seen.append(len(m.data))
        return real(m, features)
    monkeypatch.setattr(decode, "decode_sections", counted)
    return seen


@pytest.mark.parametrize("command", [["validate"], ["info"], ["info", "--json"],
                                     ["compile", "-o", "{tmp}/out/m.c"],
                                     ["compile", "--wasi", "-o", "{tmp}/out/m.c"],
                                     ["compile", "--num-outputs", "3", "-o", "{tmp}/out/m.c"]])
def test_commands_decode_once(command, tmp_path, decodes, wat2wasm) -> None:
    wasm = tmp_path / "prog.wasm"
    wasm.write_bytes(wat2wasm(WASI_WAT))
    args = [a.format(tmp=tmp_path) for a in command]
    result = CliRunner().invoke(cli.w2c, [args[0], str(wasm), *args[1:]])
    assert result.exit_code == 0, result.output
    assert decodes == [wasm.stat().st_size]


def test_build_decodes_once(tmp_path, decodes, wat2wasm) -> None:
    wasm = tmp_path / "prog.wasm"
    wasm.write_bytes(wat2wasm(WASI_WAT))
    result = CliRunner().invoke(cli.w2c, ["build", str(wasm), "-o", str(tmp_path / "prog")])
    assert result.exit_code == 0, result.output
    assert decodes == [wasm.stat().st_size]


def test_open_module() -> None:
    t = open_module(HELLO.read_bytes())
    assert isinstance(t, Translation) and t.data == HELLO.read_bytes()
    assert t.ctx.funcs == t.module.func_types() and t.target is None
    assert t.const_tables is None          # made by the emitter when it needs them
    assert open_module(HELLO.read_bytes(), target="linux-x86_64").target.name == "linux-x86_64"


def _module(body: bytes) -> bytes:
    """One function of type [] -> [], exported as "f" under the unknown function index 5."""
    code = b"\x01" + bytes([len(body)]) + body
    return (b"\0asm\x01\0\0\0" + b"\x01\x04\x01\x60\x00\x00" + b"\x03\x02\x01\x00"
            + b"\x07\x05\x01\x01f\x00\x05" + b"\x0a" + bytes([len(code)]) + code)


def test_malformed_body_outranks_invalid_field() -> None:
    """A field's validation error gives way to a malformed body (the spec
    interpreter decodes everything first), at the front door too."""
    with pytest.raises(ValidationError, match="unknown function 5"):
        open_module(_module(b"\x00\x01\x0b"))            # nop end: only the export is bad
    with pytest.raises(DecodeError, match="illegal opcode") as err:
        open_module(_module(b"\x00\xff\x0b"))            # an illegal opcode in the body
    assert type(err.value) is DecodeError and err.value.func == 0
