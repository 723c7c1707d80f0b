"""Sandbox escapes: programs/sandbox.c tries every way out of the preopened
directory (`..`, absolute paths, `a/../../x`, symlinks planted inside the
preopen pointing outside, absolute and relative, to files and directories,
dangling, links the guest makes itself, renames and hard links across the
boundary, libc's cwd) and prints the errno of each attempt.

Beside each engine's copy of the sandbox the test keeps `outside` (shared by
the engines, so symlink targets read the same): after every run its tree,
contents and modification times must be as before, no file may have
appeared next to the sandbox, the secret's text must not show in the
output, and w2c's output, status and sandbox tree must equal wasmtime's
(the same errnos).  Run for this machine and, under qemu-user, for the
Raspberry Pi targets.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from .test_programs import (Case, Result, Toolbox, assert_same, make_sandbox, require_target,
                            snapshot, toolbox)  # noqa: F401  (toolbox: the fixture)

SECRET = b"TOP-SECRET outside the sandbox\n"
MARKER = "TOP-SECRET"
CASE = Case("sandbox", "sandbox",
            expect=("read ../../outside/secret.txt: 63", "read input.txt: 0",
                    "read rel_link/secret.txt: ", "read abs_link/secret.txt: "))


def make_outside(tmp: Path) -> Path:
    outside = tmp / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.txt").write_bytes(SECRET)
    (outside / "dir" / "inner.txt").write_bytes(b"inner\n")
    # fixed times: a guest that reached them with utimes would change them
    for p in (outside / "secret.txt", outside / "dir" / "inner.txt", outside / "dir", outside):
        os.utime(p, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    return outside


def plant(engine_dir: Path, outside: Path) -> Path:
    """engine_dir/sandbox: the usual contents plus links pointing out."""
    sandbox = engine_dir / "sandbox"
    make_sandbox(sandbox)
    assert outside.parent == engine_dir.parent  # the relative links below count on it
    links = {
        "abs_link": str(outside),
        "abs_file_link": str(outside / "secret.txt"),
        "rel_link": "../../outside",
        "rel_file_link": "../../outside/secret.txt",
        "sub/deep_rel_link": "../../../outside",
        "dotdot_link": "../..",
        "sub/sneaky": "../../..",
        "root_link": "/",
        "chain_to_out": "rel_file_link",
        "dangling_out": "../../outside/created_via_dangling.txt",
        "dangling_abs": str(outside / "created_abs.txt"),
        "sub/inner_up_link": "../input.txt",
    }
    for name, target in links.items():
        (sandbox / name).symlink_to(target)
    return sandbox


def outside_state(tmp: Path, outside: Path) -> dict:
    """What must not change: the tree, contents and times of `outside`, and the
    names beside the engines' folders."""
    state = {"tree": snapshot(outside), "beside": sorted(p.name for p in tmp.iterdir())}
    for p in [outside, *sorted(outside.rglob("*"))]:
        st = p.lstat()
        state[str(p.relative_to(tmp))] = (st.st_mtime_ns, st.st_size, st.st_mode)
    return state


def check_contained(result: Result, engine: str, before: dict, tmp: Path, outside: Path,
                    engine_dir: Path) -> None:
    assert MARKER not in result.stdout.decode("utf-8", "replace"), \
        f"{engine} read the secret outside the sandbox:\n{result.describe()}"
    assert MARKER not in result.stderr, f"{engine} printed the secret"
    assert outside_state(tmp, outside) == before, f"{engine} changed something outside"
    beside = sorted(p.name for p in engine_dir.iterdir())
    assert set(beside) <= {"sandbox", "stdin.bin", f"{engine}.stdout", "w2c.stdout",
                           "wasmtime.stdout"}, f"{engine} created files beside the sandbox"


TARGETS = [None, "rpi-aarch64", "rpi-armhf"]
TARGET_IDS = ["host" if t is None else t for t in TARGETS]


def run_escapes(toolbox: Toolbox, tmp_path: Path, target: str | None) -> tuple[Result, Result]:
    """Both engines on fresh sandboxes beside one `outside`; checks after each run
    that nothing escaped.  Returns (wasmtime's result, w2c's)."""
    if target:
        require_target(target)
    wasm = toolbox.module("sandbox")
    outside = make_outside(tmp_path)
    work_ref, work_got = tmp_path / "wasmtime", tmp_path / "w2c"
    sandbox_ref, sandbox_got = plant(work_ref, outside), plant(work_got, outside)
    escaped_tmp = Path("/tmp/escaped.txt")
    tmp_escape_before = escaped_tmp.exists()
    before = outside_state(tmp_path, outside)

    ref = toolbox.run_wasmtime(wasm, CASE, work_ref, sandbox=sandbox_ref)
    check_contained(ref, "wasmtime", before, tmp_path, outside, work_ref)
    got = toolbox.run_w2c(wasm, CASE, work_got, target=target, sandbox=sandbox_got)
    check_contained(got, "w2c", before, tmp_path, outside, work_got)
    if not tmp_escape_before:
        assert not escaped_tmp.exists(), "a guest wrote /tmp/escaped.txt"
    return ref, got


@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
def test_nothing_escapes(target: str | None, toolbox: Toolbox, tmp_path: Path) -> None:
    """Nothing outside read or changed; the attempts inside worked (the program ran)."""
    _, got = run_escapes(toolbox, tmp_path, target)
    out = got.stdout.decode("utf-8", "backslashreplace")
    assert got.status == 0, got.describe()
    for line in ("read input.txt: 0\n  got 39 bytes, first line: [line one]", "create inside.txt: 0",
                 "read my_inside: 0", "libc open ../input.txt from sub: 0"):
        assert line in out, got.describe()
    for line in out.splitlines():
        if line.startswith(("read ../", "read /", "create ../", "read rel_link/",
                            "read abs_link/", "read sub/sneaky/", "read root_link/")):
            assert not line.endswith(": 0"), f"w2c let this through: {line}"


@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
def test_escape_errnos_match_wasmtime(target: str | None, toolbox: Toolbox,
                                      tmp_path: Path) -> None:
    """Each attempt fails with wasmtime's errno; the sandboxes end up alike."""
    ref, got = run_escapes(toolbox, tmp_path, target)
    # the absolute links name `outside` itself, the same for both engines
    assert_same(CASE, ref, got, "w2c" if target is None else f"w2c --target {target}")
