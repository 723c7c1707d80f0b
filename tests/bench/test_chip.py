"""The Cortex-M bench (bench/chip.py) on one program: its instruction count
is exact (a two-instruction loop counts twice its iterations, a second run
counts the same), native, w2c and wasm3 firmware of crc32 all print
wasmtime's checksum under qemu-system-arm, and the footprint's parts add up
to the size tool's flash.  The full bench is `python -m bench.chip`."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench import (  # noqa: E402
    chip,
    chip_build,
    chip_count,
    run as bench_run,
)
from w2c.target import load_target  # noqa: E402

pytestmark = pytest.mark.slow
PROFILE = "cortex-m3"


@pytest.fixture(scope="module")
def profile():
    prof = load_target(PROFILE)
    problem = chip_count.toolchain_problem(prof)
    if problem:
        pytest.skip(problem)
    return prof


def test_count_is_exact(profile, tmp_path):
    cal = chip_count.calibrate(profile, tmp_path, n1=10, n2=5010)
    assert cal["diff"] == cal["expected_diff"] == 10000
    assert cal["repeat_same"]
    assert cal["kernel_n1"] >= 20   # the loop's own instructions are inside the marks


def test_native_w2c_wasm3_agree(profile, tmp_path):
    problem = bench_run.wasi_clang_problem()
    if problem:
        pytest.skip(problem)
    pytest.importorskip("wasmtime", reason="wasmtime (PyPI) gives the reference checksum")
    try:
        chip_build.wasm3_sources()
    except chip_build.BuildFailed as e:
        pytest.skip(f"wasm3's sources are not available here: {str(e)[:200]}")
    prog = bench_run.programs(["crc32"])[0]
    variant = chip.Variant("unchecked=:-DW2C_BOUNDS_CHECK=W2C_NONCONFORMING_NO_BOUNDS_CHECK")
    # bench_program raises unless every build prints wasmtime's checksum
    res = chip.bench_program(prog, profile, [variant], True, tmp_path)
    b = res["builds"]
    assert set(b) == {"native", "w2c", "w2c-unchecked", "wasm3"}
    # an interpreter executes more instructions than compiled code; bounds checks cost
    # nothing or some (crc32's are all elided since w2c.emit.bounds)
    assert b["native"]["kernel"] < b["w2c"]["kernel"] < b["wasm3"]["kernel"]
    assert b["w2c-unchecked"]["kernel"] <= b["w2c"]["kernel"]
    assert b["wasm3"]["flash"]["runtime"] > 20000 > b["w2c"]["flash"]["runtime"]
    assert b["wasm3"]["flash"]["module"] >= res["wasm_bytes"]   # the .wasm in flash
    assert b["w2c"]["ram"]["linear memory"] == res["linear_memory"]
    assert b["wasm3"]["wasm3_memory"] == res["linear_memory"]


def test_footprint_adds_up_to_size_tool(profile, tmp_path):
    """Every byte of flash is put into harness, runtime or module."""
    fw = chip_count.calib_firmware(profile, 100, tmp_path)
    fp = chip_count.footprint(fw.elf.parent / "firmware.map")
    size = shutil.which(profile.size_tool)
    out = subprocess.run([size, str(fw.elf)], capture_output=True, text=True, check=True)
    text, data, bss = (int(x) for x in out.stdout.splitlines()[1].split()[:3])
    assert sum(fp["flash"].values()) == text + data
    assert sum(fp["ram"].values()) == data + bss
