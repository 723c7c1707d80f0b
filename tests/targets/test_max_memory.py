"""--max-memory and static memories: memory.grow fails cleanly past the cap.

grow.wat declares 1 page and no maximum, grows by one page twice and exits
with 10 * (first grow's result + 1) + (1 if the second grow failed).  On the
host (malloc) without a cap both grows succeed (20); --max-memory 128K lets
only the first succeed (21), the same on Cortex-M3 firmware, whose static
array otherwise holds just the initial page (1: both fail).  A cap below the
initial size is refused, a bad size is a usage error.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from w2c.program import load_target

HERE = Path(__file__).resolve().parent


def w2c(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def grow_wasm(tmp_path_factory, wat2wasm) -> Path:
    out = tmp_path_factory.mktemp("grow") / "grow.wasm"
    out.write_bytes(wat2wasm((HERE / "grow.wat").read_text()))
    return out


def build_and_run(wasm: Path, out: Path, target: str | None, *opts: str) -> int:
    args = ["build", str(wasm), "-o", str(out), *opts] + (["--target", target] if target else [])
    p = w2c(*args)
    assert p.returncode == 0, p.stderr
    cmd = load_target(target).run_command(out) if target else [str(out)]
    return subprocess.run(cmd, capture_output=True, timeout=120).returncode


@pytest.mark.parametrize("opts, status", [((), 20), (("--max-memory", "128K"), 21),
                                          (("--max-memory", "131072"), 21),
                                          (("--max-memory", "64K"), 10 * 0 + 1)])
def test_host(grow_wasm, tmp_path, opts, status):
    if shutil.which("cc") is None:
        pytest.skip("no C compiler (cc)")
    assert build_and_run(grow_wasm, tmp_path / "g", None, *opts) == status


@pytest.mark.slow
@pytest.mark.parametrize("opts, status", [((), 1), (("--max-memory", "128K"), 21)])
def test_cortex_m3_static_array(grow_wasm, tmp_path, opts, status):
    prof = load_target("cortex-m3")
    for tool in (prof.cc, prof.run[0]):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found (apt-get install {' '.join(prof.debian_packages)})")
    assert build_and_run(grow_wasm, tmp_path / "g.elf", "cortex-m3", *opts) == status


def test_cap_below_initial_size_is_refused(grow_wasm, tmp_path):
    p = w2c("compile", str(grow_wasm), "-o", str(tmp_path / "g.c"), "--max-memory", "32K")
    assert p.returncode == 1
    assert p.stderr.strip().endswith(
        "the module's memory needs 65536 bytes at start, more than --max-memory 32768")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad", ["12x", "-1", "5G", ""])
def test_bad_size_is_a_usage_error(grow_wasm, tmp_path, bad):
    p = w2c("compile", str(grow_wasm), "-o", str(tmp_path / "g.c"), "--max-memory", bad)
    assert p.returncode == 2
    assert "--max-memory" in p.stderr
