"""The Python API (w2c/api.py, re-exported by the package): the same
results as the command line, errors as exceptions with their location,
a module decoded once when several steps share its Translation, and
`import w2c` light (the pipeline loads on first use)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import w2c

WAT = """(module
  (import "env" "log" (func (param i32)))
  (memory (export "memory") 1)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
"""


@pytest.fixture
def wasm(wat2wasm, tmp_path) -> Path:
    p = tmp_path / "m.wasm"
    p.write_bytes(wat2wasm(WAT))
    return p


def test_import_is_light():
    code = "import sys, w2c; print(sorted(m for m in sys.modules if m.startswith('w2c')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip() == "['w2c']"


def test_info_is_the_cli_json(wasm):
    import json
    cli = subprocess.run([sys.executable, "-m", "w2c", "info", "--json", str(wasm)],
                         capture_output=True, text=True)
    assert json.loads(cli.stdout) == w2c.info(wasm)
    assert w2c.info(wasm.read_bytes())["exports"][1]["name"] == "add"


def test_validate_raises_with_location(tmp_path):
    with pytest.raises(w2c.Error) as e:
        w2c.validate(b"(module (func (result i32) (i64.const 1)))")
    assert e.value.message == "type mismatch: expected i32, got i64"
    assert e.value.offset is not None and e.value.func == 0
    with pytest.raises(w2c.TextError) as t:
        w2c.validate(b"(module (func (result i32)\n (i32.const)))")
    assert (t.value.line, t.value.col) == (2, 12)
    with pytest.raises(w2c.InputError):
        w2c.validate(tmp_path / "missing.wasm")


def test_features_by_name():
    data = w2c.read_source(b"(module (memory i64 1))")
    w2c.validate(data)
    with pytest.raises(w2c.Error, match="memory64"):
        w2c.validate(data, ["-memory64"])


def test_compile_equals_the_cli(wasm, tmp_path):
    files = w2c.compile(wasm, tmp_path / "a" / "m.c")
    assert [f.name for f in files[:2]] == ["m.c", "m.h"]
    p = subprocess.run([sys.executable, "-m", "w2c", "compile", str(wasm), "-o",
                        str(tmp_path / "b" / "m.c")], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    for name in ("m.c", "m.h"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_one_translation_serves_every_step(wasm, tmp_path):
    t = w2c.load(wasm)
    w2c.compile(t, tmp_path / "out" / "m.c", source_name=str(wasm))
    w2c.host_stubs(t, tmp_path / "stubs.c", header="m.h", source_name=str(wasm))
    assert w2c.check_host(t, [tmp_path / "stubs.c"], source_name=str(wasm),
                          header_dir=tmp_path / "out") == []
    (tmp_path / "bad.c").write_text('#include "m.h"\nvoid m_i_env__log(void *c, uint64_t v) '
                                    '{ (void)c; (void)v; }\n')
    problems = w2c.check_host(t, [tmp_path / "bad.c"], source_name=str(wasm),
                              header_dir=tmp_path / "out")
    assert len(problems) == 1 and problems[0].line == 2
    assert "parameter 2 is uint64_t" in problems[0].message


def test_build_and_output_errors(wat2wasm, tmp_path):
    prog = wat2wasm('(module (func (export "_start")))')
    exe = w2c.build(prog, tmp_path / "prog")
    assert subprocess.run([str(exe)]).returncode == 0
    assert callable(w2c.build)      # still the function once w2c.program is loaded
    (tmp_path / "file").write_text("")
    with pytest.raises(w2c.OutputError):
        w2c.compile(prog, tmp_path / "file" / "m.c")
    with pytest.raises(w2c.BuildError):
        w2c.build(prog, tmp_path / "x", target="no-such-target")
