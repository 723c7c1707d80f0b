"""C toolchains for the tests that build C with real compilers (tests/runtime,
tests/wasi): find a tool (the test is skipped, with the package to install,
if it is absent), compile with the project's strict flags, run a check
program and read its report, build and run under ASan+UBSan.

The check programs (tests/runtime/c, tests/wasi/c) print one line per
failed check, `FAIL ...`, and end with `checks: N failures: F`.

The fixture `cc` (tests/conftest.py) is gcc and clang in turn, each skipped
if absent.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

# The flags every test build of runtime code uses, and the stricter warnings
# generated code may be built with (the headers must stay quiet under both).
STRICT = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
EXTRA_WARNINGS = ["-Wconversion", "-Wsign-conversion", "-Wshadow", "-Wundef", "-Wcast-align",
                  "-Wcast-qual", "-Wstrict-prototypes", "-Wmissing-prototypes",
                  "-Wdouble-promotion", "-Wredundant-decls"]
HOST_COMPILERS = ("gcc", "clang")
CHECK_H_DIR = Path(__file__).resolve().parents[1] / "runtime" / "c"   # check.h: CHECK, check_done
TIMEOUT = 120      # seconds for one compile or one run
CHECKS_RE = re.compile(r"^checks: (\d+) failures: (\d+)$", re.M)
# What builds wasm32-wasi programs from C (tests/programs, tests/wasi).
WASI_CLANG_HINT = "apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32"


def tool(name: str, package: str | None = None) -> str:
    """The path of command `name`; skips the test if it is not installed
    (the message names the Debian package, default `name`)."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not found (apt-get install -y {package or name})")
    return path


def is_clang(cc: str) -> bool:
    return "clang" in Path(cc).name


def run(cmd, **kw) -> subprocess.CompletedProcess:
    """Run cmd (any path-like items), capturing text output, under TIMEOUT."""
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                          timeout=TIMEOUT, **kw)


def compile_quietly(cmd) -> None:
    """Run a compiler command line: it must succeed and print nothing."""
    proc = run(cmd)
    assert proc.returncode == 0, f"build failed: {' '.join(map(str, cmd))}\n{proc.stderr}"
    assert proc.stderr == "", f"compiler said something:\n{proc.stderr}"


def run_checks(cmd, at_least: int, cwd: Path | None = None, env: dict | None = None) -> str:
    """Run a check program (cmd: the executable, or an emulator and it) and
    require a complete report: no FAIL line, 0 failures, exit status 0, at
    least `at_least` checks.  cwd, if given, is created first.  Its stdout."""
    if cwd is not None:
        cwd.mkdir(exist_ok=True)
    proc = run(cmd, cwd=cwd, env=env)
    out = proc.stdout + proc.stderr
    m = CHECKS_RE.search(proc.stdout)
    assert m, f"{Path(str(cmd[-1])).name} did not finish (rc {proc.returncode}):\n{out[-3000:]}"
    fails = [line for line in proc.stdout.splitlines() if line.startswith("FAIL")]
    assert int(m.group(2)) == 0 and not fails, "\n".join(fails)
    assert proc.returncode == 0, out[-3000:]
    assert int(m.group(1)) >= at_least, f"only {m.group(1)} checks ran"
    return proc.stdout


# -- sanitizers ------------------------------------------------------------------------------

def sanitizer_flags(cc: str) -> list[str]:
    """ASan (leaks included) + UBSan, stopping at the first error; clang adds
    float-cast-overflow and implicit-integer-truncation.  Skips the test if
    cc cannot link such a program here (its sanitizer runtime is missing)."""
    flags = ["-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=address,undefined",
             "-fno-sanitize-recover=all"]
    if is_clang(cc):
        flags.append("-fsanitize=float-cast-overflow,implicit-integer-truncation")
    why = _cannot_link(cc, tuple(flags))
    if why:
        major = run([cc, "-dumpversion"]).stdout.strip().split(".")[0]
        package = (f"libclang-rt-{major}-dev" if is_clang(cc)
                   else f"libasan and libubsan of gcc-{major}")
        pytest.skip(f"{Path(cc).name} cannot link with sanitizers here (install {package}): {why}")
    return flags


@functools.cache
def _cannot_link(cc: str, flags: tuple[str, ...]) -> str | None:
    """None if cc links an empty program with `flags`, else its first error line."""
    with tempfile.TemporaryDirectory(prefix="w2c-cc-") as d:
        src = Path(d) / "t.c"
        src.write_text("int main(void) { return 0; }\n")
        proc = run([cc, *flags, src, "-o", Path(d) / "t"])
    if proc.returncode == 0:
        return None
    return (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[0]


def sanitizer_env(exe: Path, probe_dir: Path | None = None) -> dict:
    """The environment to run a sanitized `exe` in: leak checks on, unless
    LeakSanitizer cannot run here (ptrace refused, ...), which one run of
    exe (in probe_dir, created, if given) finds out."""
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    if probe_dir is not None:
        probe_dir.mkdir(exist_ok=True)
    if "LeakSanitizer has encountered a fatal error" in run([exe], cwd=probe_dir, env=env).stderr:
        env["ASAN_OPTIONS"] = "detect_leaks=0"
    return env


# -- freestanding ------------------------------------------------------------------------------

def freestanding_include(cc: str) -> str:
    """The compiler's own header folder (for -nostdinc -isystem DIR)."""
    if is_clang(cc):
        return run([cc, "-print-resource-dir"]).stdout.strip() + "/include"
    return run([cc, "-print-file-name=include"]).stdout.strip()


def wasi_toolchain_missing(err: str) -> bool:
    """Whether a failed wasm32-wasi build's error says a part of the toolchain
    is missing (wasm-ld, the WASI sysroot, its headers), not that the program is wrong."""
    return "wasm-ld" in err or "wasi" in err or "not found" in err


def skip_wasi_toolchain(err: str, tool: str = "clang", hint: str = WASI_CLANG_HINT) -> None:
    """Skip: `tool` cannot build for wasm32-wasi (with what to install and its error)."""
    pytest.skip(f"{tool} cannot build wasm32-wasi programs ({hint}): {err.strip()[:300]}")


def require_wasmtime() -> None:
    """Skip unless the wasmtime Python package, the reference engine, is installed."""
    pytest.importorskip("wasmtime", reason="the reference engine: pip install wasmtime "
                                           "(./scripts/test installs it)")


def gc_engine():
    """A wasmtime Engine with GC and typed function references on, the
    reference for GC modules (skips unless wasmtime is installed)."""
    wasmtime = pytest.importorskip("wasmtime", reason="the reference engine: pip install "
                                   "wasmtime (./scripts/test installs it)")
    cfg = wasmtime.Config()
    cfg.wasm_gc = True
    cfg.wasm_function_references = True
    return wasmtime.Engine(cfg)
