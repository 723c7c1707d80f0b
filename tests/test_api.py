"""The Python API (w2c/api.py, re-exported by the package): the same
results as the command line, errors as exceptions with their location,
a module decoded once when several steps share its Translation, and
`import w2c` light (the pipeline loads on first use)."""
from __future__ import annotations

import os
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


# -- what the other commands do, through the API ------------------------------------------------

RUN_WAT = """(module $prog
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\\n")
  (func $div (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "half") (param i32) (result i32) (i32.shr_u (local.get 0) (i32.const 1)))
  (func (export "boom") (param i32) (result i32) (call $div (local.get 0))))
"""


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", *args], capture_output=True, text=True,
                          env=env, timeout=600)


@pytest.fixture
def cache(tmp_path, monkeypatch) -> dict:
    """A cache of w2c run of the test's own, for the API (this process) and the CLI."""
    monkeypatch.setenv("W2C_CACHE_DIR", str(tmp_path / "cache"))
    return dict(os.environ)


def test_run_is_the_cli_run(wat2wasm, tmp_path, cache):
    prog = tmp_path / "prog.wasm"
    prog.write_bytes(wat2wasm(RUN_WAT, "--debug-names"))
    r = w2c.run(prog, capture_output=True)
    assert (r.returncode, r.stdout, r.stderr) == (0, b"hi\n", b"")
    assert cli("run", str(prog), env=cache).stdout == "hi\n"
    r = w2c.run(prog, ["41"], invoke="half", capture_output=True)
    assert (r.returncode, r.stdout) == (0, b"20\n")
    assert cli("run", "--invoke", "half", str(prog), "41", env=cache).stdout == "20\n"
    r = w2c.run(prog, ["0"], invoke="boom", debug=True, capture_output=True)
    said = b"error: trap: integer divide by zero in func 1 ($div)\n"
    assert (r.returncode, r.stderr) == (134, said)
    p = cli("run", "-g", "--invoke", "boom", str(prog), "0", env=cache)
    assert (p.returncode, p.stderr.encode()) == (134, said)
    # the same executable from the cache, whichever asked for it
    exe = w2c.executable(prog, debug=True)
    assert w2c.run_command(prog, invoke="boom", debug=True).path == str(exe)
    assert exe.parent.parent == tmp_path / "cache" / "run"


def test_run_options_are_checked_first(wat2wasm, tmp_path, cache):
    prog = wat2wasm(RUN_WAT)
    for options in ({"dirs": [str(tmp_path / "none")]}, {"env": ["NOEQUALS"]},
                    {"target": "no-such-target"}, {"target": "cortex-m3", "invoke": "half"}):
        with pytest.raises(w2c.OptionError):
            w2c.run_command(prog, **options)
    assert not (tmp_path / "cache").exists()
    p = cli("run", "--env", "NOEQUALS", "-", env=cache)
    assert (p.returncode, p.stderr) == (2, "error: --env NOEQUALS: expected NAME=VALUE\n")


def test_list_outputs_and_targets_are_the_cli_s(tmp_path):
    listed = cli("compile", "-", "-o", "out/m.c", "--num-outputs", "2", "--wasi",
                 "--list-outputs").stdout.split()
    assert w2c.list_outputs("out/m.c", num_outputs=2, wasi=True) == listed
    names = [t.name for t in w2c.targets()]
    assert [ln.split()[0] for ln in cli("targets").stdout.splitlines()] == names
    assert w2c.target_info_text("cortex-m3", "make") == \
        cli("target-info", "cortex-m3", "--format", "make").stdout
    assert w2c.target_info("cortex-m3").cc == "arm-none-eabi-gcc"
    with pytest.raises(w2c.OptionError):
        w2c.target_info("no-such-target")
    assert w2c.cmake_dir().is_dir() and w2c.make_include().is_file()
    assert str(w2c.cmake_dir()) == cli("--cmake-dir").stdout.strip()


def test_toolchains_are_the_doctor_s():
    statuses = w2c.toolchains(["linux-x86_64"])
    assert [s.target.name for s in statuses] == ["linux-x86_64"]
    assert statuses[0].build_problem is None   # the machine's own compiler builds
    with pytest.raises(w2c.OptionError):
        w2c.toolchains(["no-such-board"])
