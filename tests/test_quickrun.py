"""w2c.quickrun, the console entry point: which command lines take the fast
path of a cached `w2c run`, and that a fast run (`python -m w2c`, which
starts there) behaves as the slow one (`python -m w2c.cli`) without
importing w2c.cli: same output, exit code, arguments, environment and
preopened directories."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.wasi.test_programs import TIMEOUT, Toolbox, make_sandbox, toolbox  # noqa: F401
from w2c import quickrun


@pytest.mark.parametrize("argv, parsed", [
    (["run", "p.wasm"], ("p.wasm", [], [], [])),
    (["run", "p.wasm", "a", "b c"], ("p.wasm", ["a", "b c"], [], [])),
    (["run", "--dir", "d::/g", "--env", "A=1", "p.wasm", "x"], ("p.wasm", ["x"], ["d::/g"],
                                                                ["A=1"])),
    (["run", "--env=A=1", "p.wasm", "--", "-v", "--dir", "y"],
     ("p.wasm", ["-v", "--dir", "y"], [], ["A=1"])),
    (["run", "--", "p.wasm", "-x"], ("p.wasm", ["-x"], [], [])),
    (["run", "-v", "p.wasm"], None),
    (["run", "p.wasm", "--target", "riscv32"], None),
    (["run", "--disable-simd", "p.wasm"], None),
    (["run", "p.wasm", "--help"], None),
    (["run", "-"], None),
    (["run", "--dir"], None),
    (["run"], None),
    (["build", "p.wasm", "-o", "x"], None),
    ([], None),
])
def test_which_command_lines_are_plain_runs(argv, parsed) -> None:
    assert quickrun._parse(argv) == parsed


def run(cmd: list[str], cache: Path, env: dict[str, str] | None = None,
        importtime: bool = False) -> subprocess.CompletedProcess:
    environment = dict(os.environ, W2C_CACHE_DIR=str(cache), **(env or {}))
    flags = ["-X", "importtime"] if importtime else []
    return subprocess.run([sys.executable, *flags, "-m", *cmd], capture_output=True,
                          env=environment, timeout=TIMEOUT)


def test_fast_run_is_the_slow_run_without_w2c_cli(toolbox: Toolbox, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    host = tmp_path / "data"
    make_sandbox(host)
    cases = [
        [str(toolbox.module("args_env")), "a", "b c", "--", "-v"],
        ["--env", "FOO=bar", "--env=EMPTY=", str(toolbox.module("args_env"))],
        ["--dir", f"{host}::/sandbox", str(toolbox.module("errnos"))],
        [str(toolbox.module("exit_codes")), "return", "7"],
    ]
    for args in cases:
        slow = run(["w2c.cli", "run", *args], cache, env={"HOST_ONLY": "1"})
        fast = run(["w2c", "run", *args], cache, env={"HOST_ONLY": "1"}, importtime=True)
        assert slow.stderr == b"", slow.stderr
        timing = fast.stderr.decode()
        assert "| w2c.quickrun" in timing and "w2c.cli" not in timing and "click" not in timing
        assert [line for line in timing.splitlines() if not line.startswith("import time:")] \
            == []
        assert (fast.returncode, fast.stdout) == (slow.returncode, slow.stdout), args
    assert b"argv[3]: [--]" not in run(["w2c", "run", *cases[0]], cache).stdout
    assert b"argv[3]: [-v]" in run(["w2c", "run", *cases[0]], cache).stdout


def test_a_changed_w2c_or_module_misses_the_fast_path(toolbox: Toolbox, tmp_path: Path,
                                                     monkeypatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("W2C_CACHE_DIR", str(cache))
    wasm = toolbox.module("exit_codes")
    assert quickrun.fast_run(["run", str(wasm)]) is None          # not built yet
    assert run(["w2c", "run", str(wasm), "return", "3"], cache).returncode == 3
    found = quickrun.fast_run(["run", str(wasm), "x"])
    assert found is not None and found[1] == [wasm.name, "x"] and found[2] == {}
    assert Path(found[0]).parent.parent == cache / "run"
    assert quickrun.fast_run(["run", "--dir", str(tmp_path / "nowhere"), str(wasm)]) is None
    assert quickrun.fast_run(["run", "--env", "NOEQUALS", str(wasm)]) is None
    other = tmp_path / "other.wasm"
    other.write_bytes(wasm.read_bytes() + b"\0\x05extra")     # one more custom section
    assert quickrun.fast_run(["run", str(other)]) is None
    for stamp in (cache / "stamps").iterdir():                # as if w2c's files had changed
        stamp.unlink()
    assert quickrun.fast_run(["run", str(wasm)]) is None
