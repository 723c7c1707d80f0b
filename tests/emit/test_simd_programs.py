"""Real SIMD programs end to end: C compiled to wasm32-wasi with -msimd128,
translated by w2c, run on every kind of target and compared with wasmtime.

simd_programs/intrinsics.c is written with clang's <wasm_simd128.h> (every
family of v128 instructions: integer and float arithmetic, saturation,
narrowing, extending, extmul, dot, q15mulr, conversions, shuffles, swizzle,
lane loads and stores, bitmask, all_true); simd_programs/autovec.c is plain
C loops that clang vectorises at -O3.  Both are compiled here, at test time,
and print hashes of their results (floats bit for bit), so a wrong lane
anywhere changes a line.  Each is run by wasmtime (the reference) and by:

    x86-64          `w2c run` (this machine, the vector runtime with SSE2)
    rpi-aarch64     `w2c run --target rpi-aarch64` (NEON), qemu-aarch64
    rpi-armhf       `w2c run --target rpi-armhf` (no NEON: the portable runtime), qemu-arm
    rpi-armhf-neon  `w2c build --target rpi-armhf -- -mfpu=neon`, qemu-arm
    cortex-m3       `w2c run --target cortex-m3`: firmware (portable runtime,
                    soft float) under qemu-system-arm
    cortex-m4f      the same with the single-precision FPU

stdout and exit status must equal wasmtime's.  A missing clang wasm32
target, cross compiler or emulator is a skip that says what to install.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from w2c.program import load_target

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "simd_programs"
CLANG = ["clang", "--target=wasm32-wasi", "-msimd128", "-Wall", "-Wextra", "-Werror",
         "-Wl,--strip-all"]
PROGRAMS = {"intrinsics": ["-O2"], "autovec": ["-O3"]}
RUN_TIMEOUT = 600
# target -> (profile, extra C flags for `w2c build`); None: this machine
TARGETS: dict[str, tuple[str | None, list[str]]] = {
    "x86-64": (None, []),
    "rpi-aarch64": ("rpi-aarch64", []),
    "rpi-armhf": ("rpi-armhf", []),
    "rpi-armhf-neon": ("rpi-armhf", ["-mfpu=neon"]),
    "cortex-m3": ("cortex-m3", []),
    "cortex-m4f": ("cortex-m4f", []),
}

pytestmark = pytest.mark.slow


def _clang_problem(tmp: Path) -> str | None:
    """None if clang builds wasm32-wasi programs with -msimd128, else why not."""
    if shutil.which("clang") is None:
        return "clang not found (apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)"
    src = tmp / "probe.c"
    src.write_text("#include <stdio.h>\n#include <wasm_simd128.h>\n"
                   "int main(void) { v128_t v = wasm_i32x4_splat(1);\n"
                   "  printf(\"%d\\n\", wasm_i32x4_extract_lane(v, 0)); return 0; }\n")
    p = subprocess.run([*CLANG, str(src), "-o", str(tmp / "probe.wasm")], capture_output=True,
                       text=True)
    if p.returncode != 0:
        return ("clang cannot build wasm32-wasi programs with -msimd128 (apt-get install lld "
                f"wasi-libc libclang-rt-14-dev-wasm32): {p.stderr.strip()[:300]}")
    return None


@pytest.fixture(scope="module")
def modules(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("simd-programs")
    problem = _clang_problem(out)
    if problem:
        pytest.skip(problem)
    built = {}
    for name, flags in PROGRAMS.items():
        wasm = out / f"{name}.wasm"
        subprocess.run([*CLANG, *flags, str(SOURCES / f"{name}.c"), "-o", str(wasm)],
                       check=True)
        built[name] = wasm
    return built


@pytest.fixture(scope="module")
def reference(modules, tmp_path_factory) -> dict[str, tuple[int, str]]:
    """wasmtime's (exit status, stdout) per program."""
    pytest.importorskip("wasmtime", reason="the reference engine: pip install wasmtime "
                                           "(./scripts/test installs it)")
    from tests.wasi.wasmtime_runner import run_module  # noqa: PLC0415 (imports wasmtime: after the skip)
    out = tmp_path_factory.mktemp("simd-wasmtime")
    ref = {}
    for name, wasm in modules.items():
        stdout = out / f"{name}.stdout"
        status = run_module(wasm, stdout=stdout)
        ref[name] = (status, stdout.read_text())
    return ref


@pytest.fixture(scope="module")
def w2c_env(tmp_path_factory) -> dict[str, str]:
    return dict(os.environ, W2C_CACHE_DIR=str(tmp_path_factory.mktemp("w2c-cache")))


def _require(profile: str | None) -> None:
    if profile is None:
        return
    prof = load_target(profile)
    missing = [t for t in (prof.cc, prof.run[0]) if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{profile}: {', '.join(missing)} not found (apt-get install -y "
                    f"{' '.join(prof.debian_packages)})")


def _w2c(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", *args], capture_output=True, text=True,
                          env=env, timeout=RUN_TIMEOUT)


@pytest.mark.parametrize("program", list(PROGRAMS))
def test_program_uses_simd(modules, program, w2c_env):
    """The programs really are SIMD code (clang vectorised autovec.c)."""
    p = _w2c("info", str(modules[program]), env=w2c_env)
    assert p.returncode == 0, p.stderr
    features = [ln for ln in p.stdout.splitlines() if ln.startswith("features")]
    assert features and "simd" in features[0].split(), p.stdout


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("program", list(PROGRAMS))
def test_same_output_as_wasmtime(modules, reference, w2c_env, program, target, tmp_path):
    profile, cflags = TARGETS[target]
    _require(profile)
    wasm = modules[program]
    if cflags:   # a configuration `w2c run` has no option for: build, then the profile's runner
        exe = tmp_path / program
        p = _w2c("build", "--target", profile, str(wasm), "-o", str(exe), "--", *cflags,
                 env=w2c_env)
        assert p.returncode == 0 and p.stderr == "", p.stderr
        p = subprocess.run(load_target(profile).run_command(exe), capture_output=True,
                           text=True, timeout=RUN_TIMEOUT)
    else:
        p = _w2c("run", *(["--target", profile] if profile else []), str(wasm), env=w2c_env)
    status, stdout = reference[program]
    assert status == 0 and stdout.count("\n") >= 6, stdout
    assert (p.returncode, p.stdout) == (status, stdout), p.stderr
    assert p.stderr == ""
