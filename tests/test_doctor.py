"""`w2c doctor` (w2c/doctor.py): each profile's real compiler tried with its
flags, its emulator looked for on PATH, and the Debian command for what is
missing.  The missing cases are made real by running with a PATH that
lacks the tool (a folder with links to only some programs)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _doctor(*args: str, path: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, "-m", "w2c", "doctor", *args], capture_output=True,
                          text=True, env=env)


def _bin_with(tmp_path: Path, *tools: str) -> str:
    """A PATH folder holding links to just these tools."""
    d = tmp_path / "bin"
    d.mkdir(exist_ok=True)
    for t in tools:
        found = shutil.which(t)
        if found is None:
            pytest.skip(f"{t} not installed (./scripts/test installs it)")
        (d / t).symlink_to(found)
    return str(d)


def test_host_target_is_ready():
    p = _doctor("--target", "linux-x86_64")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("linux-x86_64  ready    cc ")


def test_every_profile_has_a_line():
    p = _doctor()
    assert p.returncode == 0, p.stderr
    names = [ln.split()[0] for ln in p.stdout.splitlines() if ln.strip()]
    listed = subprocess.run([sys.executable, "-m", "w2c", "targets"], capture_output=True,
                            text=True).stdout.split("\n")
    for line in listed:
        if line.strip():
            assert line.split()[0] in names


def test_missing_cross_compiler_says_what_to_install(tmp_path):
    p = _doctor("--target", "rpi-aarch64", path=_bin_with(tmp_path, "qemu-aarch64"))
    assert p.returncode == 1
    assert ("rpi-aarch64  missing  aarch64-linux-gnu-gcc not found; install: "
            "sudo apt-get install -y gcc-aarch64-linux-gnu") in p.stdout


def test_missing_emulator_still_builds(tmp_path):
    p = _doctor("--target", "cortex-m3", path=_bin_with(tmp_path, "arm-none-eabi-gcc"))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "cortex-m3  build    builds with arm-none-eabi-gcc" in p.stdout
    assert "sudo apt-get install -y qemu-system-arm" in p.stdout


def test_unknown_target_is_a_usage_error():
    p = _doctor("--target", "no-such-board")
    assert p.returncode == 2 and p.stderr.startswith("error: unknown target 'no-such-board'")
