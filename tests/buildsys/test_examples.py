"""The examples of examples/ built as their READMEs say, from a clean copy,
with real cmake, make, compilers and emulators, and run with checked output:

    cmake-desktop   CMake, native: run; ctest
    cmake-rpi       CMake with the rpi-aarch64 / rpi-armhf toolchain files:
                    run under qemu-user; ctest (CMAKE_CROSSCOMPILING_EMULATOR)
    make-firmware   plain Makefile, cortex-m3 and riscv32: `make run` under
                    qemu-system-arm / qemu-system-riscv32 (semihosting)
    big-module      Makefile, --num-outputs 8 and make -j: `make check`
    threads-embed   Makefile, gcc -pthread: 8 threads over one shared memory,
                    exact totals

Then an unchanged build does nothing (the build tool's own output, make -q),
a touched .wasm runs w2c again (its COMMENT or recipe line appears) and a
changed one changes the program's output; for CMake, changed w2c options
(W2C_FLAGS, the example's NUM_OUTPUTS cache variable) translate again.
Also: the committed .wasm files are their .wat sources assembled.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from w2c.program import load_target

from .tools import (EXAMPLES, copy_example, generated_by_w2c, need, need_wasi_clang, run, touch,
                    w2c_command)


def fnv1a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


DESKTOP_OUT = ("plugin: ready\n"
               "average of 8 samples = 22.25\n"   # (20.5 + 24.0) / 2
               "samples read = 8\n"
               f'checksum("hello, w2c") = 0x{fnv1a(b"hello, w2c"):08x}\n'
               "checksum past the end -> trap: out of bounds memory access\n")


def cmake_dir() -> str:
    return run([w2c_command(), "--cmake-dir"], EXAMPLES).stdout.strip()


def configure(src: Path, build: Path, *defs: str) -> None:
    run(["cmake", "-S", src, "-B", build, f"-Dw2c_DIR={cmake_dir()}", *defs], src)


def cmake_build(build: Path) -> str:
    return run(["cmake", "--build", build, "--parallel", "2"], build).stdout


def assert_noop_cmake(build: Path) -> None:
    out = cmake_build(build)
    assert not generated_by_w2c(out), out
    assert "Building C object" not in out and "Linking" not in out, out


def assert_noop_make(project: Path, *args: str) -> None:
    assert run(["make", "-q", *args], project, check=False).returncode == 0
    out = run(["make", *args], project).stdout
    assert not generated_by_w2c(out), out
    assert "Nothing to be done" in out or "is up to date" in out, out


# -- cmake-desktop ---------------------------------------------------------------------------

@pytest.mark.slow
def test_cmake_desktop(tmp_path):
    need("cmake", "make", "cc")
    src = copy_example("cmake-desktop", tmp_path)
    build = src / "build"
    configure(src, build)
    out = cmake_build(build)
    assert out.count("w2c: translating plugin.wasm into plugin") == 1, out
    assert run([build / "app"], src).stdout == DESKTOP_OUT
    assert "100% tests passed" in run(["ctest"], build).stdout
    assert_noop_cmake(build)

    # The .wasm touched: translated again.
    touch(src / "plugin.wasm")
    out = cmake_build(build)
    assert out.count("w2c: translating") == 1, out
    assert_noop_cmake(build)

    # The .wasm changed: so is the program.
    wasm = src / "plugin.wasm"
    wasm.write_bytes(wasm.read_bytes().replace(b"plugin: ready", b"plugin: READY"))
    touch(wasm)
    assert generated_by_w2c(cmake_build(build))
    assert run([build / "app"], src).stdout == DESKTOP_OUT.replace("ready", "READY")

    # Changed w2c options (W2C_FLAGS): the options stamp changes, translated again.
    c_file = build / "w2c" / "app" / "plugin" / "plugin.c"
    before = c_file.read_text()
    configure(src, build, "-DW2C_FLAGS=--max-memory=128K")
    out = cmake_build(build)
    assert out.count("w2c: translating") == 1, out
    assert c_file.read_text() != before
    assert_noop_cmake(build)
    configure(src, build)   # reconfiguring with the same options changes nothing
    assert_noop_cmake(build)

    # NUM_OUTPUTS 3 through the example's cache variable: other files, same program.
    configure(src, build, "-DPLUGIN_NUM_OUTPUTS=3")
    out = cmake_build(build)
    assert out.count("w2c: translating") == 1, out
    for part in ("plugin_0.c", "plugin_1.c", "plugin_2.c", "plugin_data.c"):
        assert f"plugin/{part}.o" in out, out
    assert run([build / "app"], src).stdout == DESKTOP_OUT.replace("ready", "READY")
    assert_noop_cmake(build)


# -- cmake-rpi -------------------------------------------------------------------------------

RPI = {"rpi-aarch64": "host: built for aarch64, 64-bit pointers\n",
       "rpi-armhf": "host: built for arm, 32-bit pointers\n"}


@pytest.mark.slow
@pytest.mark.parametrize("target", sorted(RPI))
def test_cmake_rpi(target, tmp_path):
    profile = load_target(target)
    need("cmake", "make", profile.cc, profile.run[0])
    src = copy_example("cmake-rpi", tmp_path)
    build = src / "build"
    configure(src, build, f"-DCMAKE_TOOLCHAIN_FILE={cmake_dir()}/toolchains/{target}.cmake")
    (compiler_info,) = build.glob("CMakeFiles/*/CMakeCCompiler.cmake")
    assert re.search(rf'set\(CMAKE_C_COMPILER "\S*/{re.escape(profile.cc)}"\)',
                     compiler_info.read_text()), "the toolchain file did not set the compiler"
    out = cmake_build(build)
    assert out.count("w2c: translating greeter.wasm into greeter") == 1, out
    exe = build / "greet"
    assert "greeter_wasi.c.o" in out
    proc = run(profile.run_command(exe) + ["one", "two"], src)
    assert proc.stdout == (RPI[target] + "hello from WebAssembly, through WASI\n"
                           "host: fib(90) = 2880067194370816120\n")
    # ctest runs it through CMAKE_CROSSCOMPILING_EMULATOR
    ctest = run(["ctest", "-V"], build).stdout
    assert profile.run[0] in ctest and "100% tests passed" in ctest
    assert_noop_cmake(build)
    touch(src / "greeter.wasm")
    out = cmake_build(build)
    assert out.count("w2c: translating") == 1, out
    assert_noop_cmake(build)


# -- make-firmware ---------------------------------------------------------------------------

FIRMWARE_OUT = ("firmware: starting app.wasm\n"
                "app: hello from app.wasm on {target}\n"
                "app: argument 1: firmware\n"
                "app: crc32 = 414fa339\n"
                "app: sqrt(2) = 1.414214\n"
                "firmware: app.wasm exited with 0\n")


@pytest.mark.slow
@pytest.mark.parametrize("target", ["cortex-m3", "riscv32"])
def test_make_firmware(target, tmp_path):
    profile = load_target(target)
    need("make", profile.cc, profile.run[0])
    need_wasi_clang()
    src = copy_example("make-firmware", tmp_path)
    args = [f"W2C_TARGET={target}", f"BUILD=build-{target}"]
    out = run(["make", "-j2", *args], src).stdout
    assert out.count("w2c compile") == 1, out
    assert "firmware.elf" in out
    proc = run(["make", "-s", "run", *args], src, check=False)
    assert (proc.stdout, proc.returncode) == (FIRMWARE_OUT.format(target=target), 0), proc.stderr
    assert_noop_make(src, *args)
    touch(src / f"build-{target}" / "app.wasm")
    out = run(["make", "-j2", *args], src).stdout
    assert out.count("w2c compile") == 1 and "-o build-" in out and "clang" not in out, out
    assert_noop_make(src, *args)


# -- big-module ------------------------------------------------------------------------------

@pytest.mark.slow
def test_big_module(tmp_path):
    need("make", "cc")
    src = copy_example("big-module", tmp_path)
    args = ["FUNCTIONS=600", "PARTS=8", f"PYTHON={sys.executable}"]
    out = run(["make", "-j2", "check", *args], src).stdout
    assert out.count("w2c compile") == 1 and "--num-outputs 8" in out, out
    assert "check: the output is as gen.py predicts" in out
    parts = sorted(p.name for p in (src / "build").glob("big_*.o"))
    assert parts == [f"big_{i}.o" for i in range(8)] + ["big_data.o"]
    expect = run([sys.executable, "gen.py", "--functions", "600", "--expect", "7"], src).stdout
    assert expect.startswith("functions: 600\nrun(7) = 0x")
    assert run([src / "build" / "app", "7"], src).stdout == expect
    assert_noop_make(src, *args)
    touch(src / "build" / "big.wasm")
    out = run(["make", "-j2", *args], src).stdout
    assert out.count("w2c compile") == 1, out
    assert all(f"big_{i}.o" in out for i in range(8)), out
    assert_noop_make(src, *args)


# -- threads-embed ---------------------------------------------------------------------------

@pytest.mark.parametrize("threads,rounds", [(8, 100_000), (3, 1_001)])
def test_threads_embed(threads, rounds, tmp_path):
    """Instances over one shared memory, one per POSIX thread, built by gcc
    with the example's Makefile: the exact totals of atomic additions and
    of increments under the wait/notify mutex."""
    need("make", "gcc")
    src = copy_example("threads-embed", tmp_path)
    args = ["CC=gcc", "CFLAGS=-O2 -Wall -Wextra -Werror"]
    out = run(["make", "check", f"THREADS={threads}", f"ROUNDS={rounds}", *args], src).stdout
    assert out.count("w2c compile") == 1 and "--enable-threads" in out, out
    assert "-DW2C_THREAD_LOCAL=_Thread_local -pthread" in out, out
    calls = 2
    locked = threads * calls * -(-rounds // 16)
    assert (f"threads: {threads}, calls: {calls} x work({rounds}) each\n"
            f"i32 atomic counter: {threads * calls * rounds}\n"
            f"i64 atomic counter: {3 * threads * calls * rounds}\n"
            f"counter under the wait/notify mutex: {locked}\n"
            "check: the totals are exact\n") in out, out
    assert "Several threads" in (src / "build" / "counter.h").read_text()
    assert_noop_make(src, *args)


# -- the committed modules -------------------------------------------------------------------

@pytest.mark.parametrize("wat,flags", [("cmake-desktop/plugin.wat", ()),
                                       ("cmake-rpi/greeter.wat", ()),
                                       ("threads-embed/counter.wat", ("--enable-threads",))])
def test_wasm_matches_wat(wat, flags, wat2wasm):
    src = EXAMPLES / wat
    built = wat2wasm(src.read_text(), *flags, debug_names=True)
    committed = src.with_suffix(".wasm").read_bytes()
    hint = f"{src.with_suffix('.wasm').name} is stale: wat2wasm --debug-names {src.name} -o " \
           f"{src.with_suffix('.wasm').name}"
    if built != committed and shutil.which("wasm-tools"):
        def text(data: bytes) -> str:
            return subprocess.run(["wasm-tools", "print"], input=data, capture_output=True,
                                  check=True).stdout.decode()
        assert text(built) == text(committed), hint
    else:
        assert built == committed, hint


def test_examples_have_readmes():
    for name in ("cmake-desktop", "cmake-rpi", "make-firmware", "big-module", "threads-embed"):
        readme = EXAMPLES / name / "README.md"
        assert readme.is_file(), readme
        assert "w2c" in readme.read_text()
