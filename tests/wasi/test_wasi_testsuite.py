"""The official WASI preview1 conformance tests (WebAssembly/wasi-testsuite) under `w2c run`.

The suite's folder is $W2C_WASI_TESTSUITE (a relative path is taken from the
top of this repository), by default ../shared/wasi-testsuite beside the
repository; without it the tests are skipped, with that reason.  Each module
`tests/<lang>/testsuite/wasm32-wasip1/NAME.wasm` is one test, run as the
suite's format says (its SOURCE.md): `NAME.json` beside it, if any, gives
`args`, `env`, `root` (a folder beside the test, preopened as `/`),
`exit_code` (default 0) and `stdout` (compared byte for byte when given).
The working directory stands for the test's folder: a fresh folder holding a
writable copy of `root` (the suite's own copy may be read-only, and the tests
create and remove files there; the modules need nothing else from their
folder), without any `*.cleanup` files; those are removed again after the run.  The guest sees only the `env` variables
and an empty stdin.

expectations/wasi_testsuite.json is the ratchet: test id -> the reason it may
still fail, on every target ("<lang>/<NAME>") or on one ("<lang>/<NAME>@rpi-armhf";
the host is "host").  A listed test that fails is an xfail; a listed test that
passes fails the run (remove it from the list), so the list only shrinks.

Off CI, W2C_WASI_TESTSUITE_TARGETS=rpi-aarch64,rpi-armhf runs the same
tests built for those target profiles too (`w2c run --target NAME`, under
qemu-user; skipped with the packages to install when their tools are
missing).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .test_programs import require_target, shared_tmp

REPO_ROOT = Path(__file__).resolve().parents[2]
EXPECTATIONS = Path(__file__).resolve().parent / "expectations" / "wasi_testsuite.json"
SUITE_HELP = ("set W2C_WASI_TESTSUITE to a copy of the prebuilt preview1 tests of "
              "github.com/WebAssembly/wasi-testsuite (branch prod/testsuite-base), "
              "or put it at ../shared/wasi-testsuite")
TIMEOUT = 600          # translation and C compilation of a large Rust module included
HOST = "host"


def suite_path() -> Path | None:
    """$W2C_WASI_TESTSUITE (relative: to the repository) or <repo>/../shared/wasi-testsuite."""
    env = os.environ.get("W2C_WASI_TESTSUITE")
    path = Path(env).expanduser() if env else REPO_ROOT.parent / "shared" / "wasi-testsuite"
    path = (REPO_ROOT / path).resolve()
    return path if path.is_dir() else None


def find_modules(suite: Path | None) -> dict[str, Path]:
    """Test id ("<lang>/<NAME>") -> the module, for every module of the suite."""
    if suite is None:
        return {}
    found = sorted(suite.glob("tests/*/testsuite/wasm32-wasip1/*.wasm"))
    return {f"{p.parents[2].name}/{p.stem}": p for p in found}


def targets() -> list[str]:
    """The host, then the targets named by W2C_WASI_TESTSUITE_TARGETS (comma-separated)."""
    extra = os.environ.get("W2C_WASI_TESTSUITE_TARGETS", "")
    return [HOST, *[t.strip() for t in extra.split(",") if t.strip()]]


def missing_reason() -> str:
    """The skip reason when the suite is absent: where it was looked for, how to get it."""
    where = os.environ.get("W2C_WASI_TESTSUITE") or REPO_ROOT.parent / "shared" / "wasi-testsuite"
    return f"WASI testsuite not found at {where}: {SUITE_HELP}"


def load_expectations() -> dict[str, str]:
    """The ratchet: test id (or "id@target") -> why it may still fail."""
    return json.loads(EXPECTATIONS.read_text()) if EXPECTATIONS.exists() else {}


SUITE = suite_path()
MODULES = find_modules(SUITE)
TEST_IDS = list(MODULES) or ["(no suite)"]


def remove_cleanup_files(folder: Path) -> None:
    """Delete the `*.cleanup` files and folders the tests leave behind."""
    for p in sorted(folder.rglob("*.cleanup"), reverse=True):
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        else:
            p.unlink()


def writable_copy(src: Path, dst: Path) -> None:
    """Copy the folder src to dst without `*.cleanup`, files 0644 and folders 0755
    (the suite's checkout modes; the shared copy may be read-only)."""
    shutil.copytree(src, dst, symlinks=True, ignore=shutil.ignore_patterns("*.cleanup"))
    for p in [dst, *dst.rglob("*")]:
        if not p.is_symlink():
            p.chmod(0o755 if p.is_dir() else 0o644)


def run_test(wasm: Path, work: Path, cache: Path,
             target: str) -> tuple[subprocess.CompletedProcess, dict]:
    """`w2c run` the module as the suite's format says, in `work`; returns the process
    (stdout as bytes) and the test's settings."""
    spec_file = wasm.with_suffix(".json")
    spec = json.loads(spec_file.read_text()) if spec_file.exists() else {}
    work.mkdir(parents=True)
    cmd = [sys.executable, "-m", "w2c.cli", "run"]
    if target != HOST:
        cmd += ["--target", target]
    root = spec.get("root")
    if root:
        writable_copy(wasm.parent / root, work / root)
        cmd += ["--dir", f"{root}::/"]
    for k, v in spec.get("env", {}).items():
        cmd += ["--env", f"{k}={v}"]
    cmd += [str(wasm), "--", *spec.get("args", [])]
    env = dict(os.environ, W2C_CACHE_DIR=str(cache))
    env.pop("W2C_PROGRESS", None)
    try:
        proc = subprocess.run(cmd, cwd=work, stdin=subprocess.DEVNULL, capture_output=True,
                              env=env, timeout=TIMEOUT)
    finally:
        remove_cleanup_files(work)
    return proc, spec


def problems(proc: subprocess.CompletedProcess, spec: dict) -> list[str]:
    """What differs from the test's expectations (empty: it passed)."""
    out = []
    want = spec.get("exit_code", 0)
    if proc.returncode != want:
        out.append(f"exit status {proc.returncode}, expected {want}")
    if "stdout" in spec and proc.stdout != spec["stdout"].encode():
        out.append(f"stdout {proc.stdout!r}, expected {spec['stdout'].encode()!r}")
    return out


@pytest.fixture(scope="session")
def w2c_cache(tmp_path_factory) -> Path:
    """The w2c cache shared by this session's workers (each module built once per target)."""
    return shared_tmp(tmp_path_factory) / "w2c-cache"


@pytest.mark.parametrize("target", targets())
@pytest.mark.parametrize("test_id", TEST_IDS)
def test_wasi_testsuite(test_id: str, target: str, w2c_cache: Path, tmp_path: Path) -> None:
    if SUITE is None:
        pytest.skip(missing_reason())
    if target != HOST:
        require_target(target)
    proc, spec = run_test(MODULES[test_id], tmp_path / "work", w2c_cache, target)
    found = problems(proc, spec)
    listed = load_expectations()
    reason = listed.get(f"{test_id}@{target}", listed.get(test_id))
    if reason is not None:
        if found:
            pytest.xfail(reason)
        pytest.fail(f"{test_id} passes: remove it from {EXPECTATIONS.name}", pytrace=False)
    if found:
        stderr = proc.stderr.decode("utf-8", "backslashreplace")
        pytest.fail(f"{test_id} ({target}): " + "; ".join(found) + f"\n--- stderr\n{stderr}",
                    pytrace=False)


def test_expectations_name_existing_tests() -> None:
    """Every test the ratchet lists exists in the suite, and has a reason."""
    if SUITE is None:
        pytest.skip(missing_reason())
    listed = load_expectations()
    unknown = sorted(k for k in listed if k.partition("@")[0] not in MODULES)
    assert not unknown, f"{EXPECTATIONS.name} lists tests the suite lacks: {unknown}"
    assert all(isinstance(r, str) and r.strip() for r in listed.values()), \
        f"{EXPECTATIONS.name}: every entry needs a reason"
