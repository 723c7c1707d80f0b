"""Real programs that use Wasm 3.0's control flow: exceptions (C setjmp/longjmp,
C++ try/catch) and tail calls (C with musttail).

Exceptions: the sources in tests/programs/src/ are compiled at test time with zig's
clang (`zig cc` / `zig c++`: LLVM 22 and a wasi-libc with the setjmp
runtime; the recipe and why each flag is there: docs/toolchains-wasm.md), in
both encodings of the exception-handling proposal: exnref (`try_table`,
`-mllvm -wasm-use-legacy-eh=false`) and legacy (`try`/`catch`, LLVM's
default).  Each module runs under wasmtime (the PyPI package, exceptions on
by default since wasmtime 50; it rejects the legacy instructions, so it runs
the exnref build) and under `w2c run --enable-exceptions`; stdout and the
exit status must be those of the same source built natively with gcc/g++
(a third, independent implementation of setjmp and of C++ unwinding), so
two engines failing alike do not pass.  The programs also check their own
totals and exit 1 on a wrong one.

zig is looked for as $W2C_ZIG (a command line), `zig` on PATH, or the
`ziglang` package in this Python (`pip install ziglang`); without it the
tests skip, saying so.

Tail calls: tail_calls.c (a bytecode interpreter whose handlers dispatch
with `musttail` through a table, and a mutual recursion 10^7 deep) is built
with Debian's clang 14 and `-mtail-call` (return_call and
return_call_indirect; at -O2: clang 14's -O0 build traps in every engine)
and must print under wasmtime and `w2c run --enable-tail-call` what the
host's clang -O2 build prints (gcc 12 has no musttail).
"""
from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.ctool import (
    WASI_CLANG_HINT,
    require_wasmtime,
    skip_wasi_toolchain,
    wasi_toolchain_missing,
)
from tests.support.locks import file_lock, shared_folder

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
RUNNER = HERE.parent / "wasi" / "wasmtime_runner.py"
TAGS = SRC / "wasm_eh_tags.s"
TIMEOUT = 600  # the first zig c++ build compiles zig's libc++ (about a minute here)
ZIG_HINT = "pip install ziglang (tested with 0.17.1), or set W2C_ZIG to a zig command"

# -mexception-handling: the target feature (defines __wasm_exception_handling__, which
# zig's wasi-libc <setjmp.h> requires); -s: no debug info (a megabyte otherwise).
COMMON = ["--target=wasm32-wasi", "-O2", "-s", "-mexception-handling"]
ENCODINGS = {"exnref": ["-mllvm", "-wasm-use-legacy-eh=false"], "legacy": []}


@dataclass(frozen=True)
class Program:
    name: str
    source: str
    expect: str  # the last line of stdout, which the program checks itself

    @property
    def cxx(self) -> bool:
        return self.source.endswith(".cpp")


PROGRAMS = [
    Program("sjlj", "sjlj.c", "total=361"),
    Program("cxx_exceptions", "cxx_exceptions.cpp", "total=1362"),
]
TAIL = Program("tail_calls", "tail_calls.c", "is_even(10000000)=1 is_even(10000001)=0")
CLANG_TAIL = ["clang", "--target=wasm32-wasi", "-O2", "-mtail-call", "-Wall", "-Wextra", "-Werror",
              "-Wl,--strip-all"]


def zig_command() -> list[str] | None:
    """The zig command line, or None when this machine has none."""
    if os.environ.get("W2C_ZIG"):
        return shlex.split(os.environ["W2C_ZIG"])
    if shutil.which("zig"):
        return ["zig"]
    if importlib.util.find_spec("ziglang") is not None:
        return [sys.executable, "-m", "ziglang"]
    return None


def zig_lib_dir(zig: list[str]) -> Path:
    proc = subprocess.run([*zig, "env"], capture_output=True, text=True, timeout=60)
    for line in proc.stdout.splitlines():  # ZON (.lib_dir = "...",) or JSON ("lib_dir": "...")
        if "lib_dir" in line:
            return Path(line.split('"')[-2]).resolve()  # may be relative to the cwd
    pytest.fail(f"`{' '.join(zig)} env` gives no lib_dir:\n{proc.stdout}{proc.stderr}")


def build_command(zig: list[str], program: Program, encoding: str, out: Path) -> list[str]:
    """zig cc/c++ for `program` in `encoding` (docs/toolchains-wasm.md)."""
    flags = [*COMMON, *ENCODINGS[encoding]]
    if not program.cxx:
        return [*zig, "cc", *flags, "-Wall", "-Wextra", "-Werror", "-mllvm",
                "-wasm-enable-sjlj", str(SRC / program.source), str(TAGS), "-lsetjmp",
                "-o", str(out)]
    # zig builds its libc++abi for wasm without exceptions: compile the throwing
    # half of libc++abi and libunwind's wasm personality glue with the program.
    lib = zig_lib_dir(zig)
    abi, unwind = lib / "libcxxabi", lib / "libunwind"
    return [*zig, "c++", *flags, "-fwasm-exceptions", "-D_LIBUNWIND_HIDE_SYMBOLS",
            "-D_LIBCXXABI_BUILDING_LIBRARY", "-D_LIBCPP_BUILDING_LIBRARY",
            f"-I{abi / 'include'}", f"-I{lib / 'libcxx' / 'src'}", f"-I{unwind / 'include'}",
            str(SRC / program.source), str(abi / "src" / "cxa_exception.cpp"),
            str(abi / "src" / "cxa_personality.cpp"), str(unwind / "src" / "Unwind-wasm.c"),
            str(TAGS), "-o", str(out)]


@pytest.fixture(scope="session")
def shared(tmp_path_factory) -> Path:
    """A folder shared by the xdist workers of this run (modules built once)."""
    return shared_folder(tmp_path_factory, "eh-programs")


def built(shared: Path, program: Program, encoding: str) -> Path:
    """`program` compiled to wasm in `encoding`, once per run (skip without zig)."""
    zig = zig_command()
    if zig is None:
        pytest.skip(f"zig not found ({ZIG_HINT})")
    out = shared / f"{program.name}-{encoding}.wasm"
    with file_lock(shared / f"{out.name}.lock"):
        if not out.exists():
            cmd = build_command(zig, program, encoding, out)
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
            if proc.returncode != 0:
                pytest.fail(f"{shlex.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    return out


def native(shared: Path, program: Program, cc: str | None = None) -> tuple[int, str]:
    """(status, stdout) of the source built with the host's `cc` (default gcc/g++)."""
    cc = cc or ("g++" if program.cxx else "gcc")
    if shutil.which(cc) is None:
        pytest.skip(f"{cc} not found (apt-get install -y {cc})")
    exe = shared / f"{program.name}.native"
    with file_lock(shared / f"{exe.name}.lock"):
        if not exe.exists():
            subprocess.run([cc, "-O2", str(SRC / program.source), "-o", str(exe)], check=True,
                           timeout=TIMEOUT)
    proc = subprocess.run([str(exe)], capture_output=True, text=True, timeout=TIMEOUT)
    return proc.returncode, proc.stdout


def run_wasmtime(wasm: Path) -> tuple[int, str]:
    require_wasmtime()
    proc = subprocess.run([sys.executable, str(RUNNER), str(wasm)], capture_output=True,
                          text=True, timeout=TIMEOUT)
    return proc.returncode, proc.stdout + proc.stderr


def run_w2c(wasm: Path, shared: Path, feature: str = "exceptions") -> tuple[int, str]:
    env = dict(os.environ, W2C_CACHE_DIR=str(shared / "w2c-cache"))
    env.pop("W2C_PROGRESS", None)
    proc = subprocess.run([sys.executable, "-m", "w2c.cli", "run", f"--enable-{feature}",
                           str(wasm)], capture_output=True, text=True, env=env,
                          timeout=TIMEOUT)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.name)
def test_wasmtime_agrees_with_native(program: Program, shared: Path) -> None:
    """The toolchain's output is right: wasmtime runs the exnref build as gcc's."""
    status, out = native(shared, program)
    assert (status, out.splitlines()[-1]) == (0, program.expect), out
    assert run_wasmtime(built(shared, program, "exnref")) == (status, out)


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.name)
def test_w2c_agrees_with_native(program: Program, encoding: str, shared: Path) -> None:
    status, out = native(shared, program)
    assert (status, out.splitlines()[-1]) == (0, program.expect), out
    assert run_w2c(built(shared, program, encoding), shared) == (status, out)



def built_tail(shared: Path) -> Path:
    """tail_calls.c compiled by Debian's clang with -mtail-call, once per run."""
    if shutil.which("clang") is None:
        pytest.skip(f"clang not found ({WASI_CLANG_HINT})")
    out = shared / "tail_calls.wasm"
    with file_lock(shared / f"{out.name}.lock"):
        if not out.exists():
            cmd = [*CLANG_TAIL, str(SRC / TAIL.source), "-o", str(out)]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
            if proc.returncode != 0:
                if wasi_toolchain_missing(proc.stderr):
                    skip_wasi_toolchain(proc.stderr)
                pytest.fail(f"{shlex.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    return out


@pytest.mark.parametrize("engine", ["wasmtime", "w2c"])
def test_tail_calls_agree_with_native(engine: str, shared: Path) -> None:
    status, out = native(shared, TAIL, cc="clang")
    assert (status, out.splitlines()[-1]) == (0, TAIL.expect), out
    wasm = built_tail(shared)
    got = run_wasmtime(wasm) if engine == "wasmtime" else run_w2c(wasm, shared, "tail-call")
    assert got == (status, out)
