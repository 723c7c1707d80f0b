"""Helpers of the build-system tests: the w2c command under test, real cmake,
make and emulators run in a clean environment, examples copied to tmp dirs.

    w2c_command()        the `w2c` script of the interpreter running the tests
                         (the venv's bin/), else the one on PATH; skips if none
    build_env()          os.environ with that w2c first on PATH, LC_ALL=C and no
                         MAKEFLAGS from an outer make
    need(*tools)         skips the test, naming the Debian package, if a tool is missing
    run(cmd, cwd, ...)   runs a command, failing the test with its output on error
    copy_example(name, dest)  examples/<name> copied without build folders
    touch(path)          a new mtime, surely later than files written before
    generated_by_w2c(out)     did a build's output show w2c translating
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TIMEOUT = 600

PACKAGES = {
    "cmake": "cmake", "make": "make", "gcc": "gcc", "cc": "gcc",
    "clang": "clang lld wasi-libc libclang-rt-14-dev-wasm32",
    "aarch64-linux-gnu-gcc": "gcc-aarch64-linux-gnu libc6-dev-arm64-cross",
    "arm-linux-gnueabihf-gcc": "gcc-arm-linux-gnueabihf libc6-dev-armhf-cross",
    "qemu-aarch64": "qemu-user", "qemu-arm": "qemu-user",
    "arm-none-eabi-gcc": "gcc-arm-none-eabi", "qemu-system-arm": "qemu-system-arm",
    "riscv64-unknown-elf-gcc": "gcc-riscv64-unknown-elf",
    "qemu-system-riscv32": "qemu-system-misc",
}


def w2c_command() -> str:
    beside = Path(sys.executable).parent / "w2c"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("w2c")
    if found is None:
        pytest.skip("the w2c command is not installed (pip install -e . or ./scripts/test)")
    return found


def build_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEFILES", "CFLAGS", "CC",
                        "LDFLAGS", "CMAKE_GENERATOR", "CMAKE_TOOLCHAIN_FILE")}
    env["PATH"] = str(Path(w2c_command()).parent) + os.pathsep + env.get("PATH", "")
    env["LC_ALL"] = "C"
    env.update(extra)
    return env


def need(*tools: str) -> None:
    for tool in tools:
        if shutil.which(tool) is None:
            pkg = PACKAGES.get(tool, tool)
            pytest.skip(f"{tool} not found (Debian: apt-get install {pkg})")


def need_wasi_clang() -> None:
    need("clang")
    if not Path("/usr/include/wasm32-wasi").is_dir():
        pytest.skip("wasi-libc not found (apt-get install clang lld wasi-libc "
                    "libclang-rt-14-dev-wasm32)")


def run(cmd, cwd: Path, check: bool = True, env: dict | None = None,
        **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env or build_env(),
                          capture_output=True, text=True, timeout=TIMEOUT, **kw)
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} exited {proc.returncode} in {cwd}\n"
                    f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
    return proc


def copy_example(name: str, dest: Path) -> Path:
    target = dest / name
    shutil.copytree(EXAMPLES / name, target,
                    ignore=shutil.ignore_patterns("build", "build-*", "__pycache__"))
    return target


def touch(path: Path) -> None:
    """Give `path` the current time as mtime, after a pause longer than the
    kernel's clock tick, so it is newer than the files the build wrote."""
    time.sleep(0.05)
    os.utime(path)


def generated_by_w2c(output: str) -> bool:
    """Whether a CMake build ran w2c (the custom command's COMMENT) or a make
    build ran `w2c compile` (the recipe line make echoes)."""
    return "w2c: translating" in output or "w2c compile" in output
