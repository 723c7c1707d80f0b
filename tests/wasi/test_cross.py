"""The WASI programs built for the Raspberry Pi targets and run under qemu-user.

Every case of test_programs.CASES is built with the target profiles
rpi-aarch64 (aarch64-linux-gnu-gcc, static) and rpi-armhf
(arm-linux-gnueabihf-gcc, static: 32-bit, hard float) and run with
`w2c run --target NAME`, which starts the executable under qemu-aarch64 /
qemu-arm; stdout, stderr, exit status and the preopened directory's tree
afterwards must equal wasmtime's for the same module and arguments (one
wasmtime run per case and worker, shared by both targets).  A target whose
cross compiler or emulator is missing is skipped with the packages to install.
test_sandbox.py runs the escape attempts on these targets too.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from .test_programs import (CASE_IDS, CASES, Case, Toolbox, assert_same, require_target,
                            toolbox)  # noqa: F401  (toolbox: the fixture)

TARGETS = ["rpi-aarch64", "rpi-armhf"]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_cross_program(case: Case, target: str, toolbox: Toolbox, tmp_path: Path,
                       tmp_path_factory) -> None:
    require_target(target)
    wasm = toolbox.module(case.program)
    ref = toolbox.wasmtime_result(wasm, case, tmp_path_factory.mktemp("wasmtime"))
    got = toolbox.run_w2c(wasm, case, tmp_path, target=target)
    assert_same(case, ref, got, f"w2c --target {target}")
