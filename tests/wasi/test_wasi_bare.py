"""WASI preview1 on bare metal (runtime_c/wasi/w2c_wasi_bare.h, -DW2C_WASI_BARE).

    test_every_function_is_called  the header defines all 46 with the POSIX
                               signatures; bare_host.c calls each, bare_link.c
                               takes each one's address
    test_host_program          tests/wasi/c/bare_host.c under gcc and clang,
                               -O0/-O2, -std=c99 -Wall -Wextra -Werror
                               -pedantic: the file is the platform (hooks that
                               record writes per stream, exit by longjmp,
                               simulated clocks that can fail) and calls all
                               46 functions, checking errnos and the bytes
                               written (fd_write iovecs to 1 and 2, EFAULT
                               cases, the 0x7FFFF000 cap, args/environ round
                               trip, clocks through the hooks, poll_oneoff
                               clocks relative/absolute and fd subscriptions,
                               proc_exit codes to the hook, prestat EBADF,
                               fdstat filetype and rights, close/renumber)
    test_host_sanitizers       the same under ASan+UBSan
    test_freestanding_link     tests/wasi/c/bare_link.c (every function's
                               address in a volatile table) linked
                               -ffreestanding -nostdlib --gc-sections for
                               Cortex-M3, Cortex-M0, rv32imac and x86-64:
                               no undefined symbol, no libc
    test_shim_size             the text the 46 functions take on Cortex-M3
                               at -Os stays within the budget
    test_generated_glue_links  `w2c compile --wasi` of a hello world, its glue
                               unchanged, built for Cortex-M3 against the
                               shim: links, <= 4 KB of text in all
    test_header_quiet          the header under the runtime's extra
                               warnings (-Wconversion, ...), hosted and
                               freestanding
    test_direct_include_and_twice  w2c_wasi_bare.h alone, then w2c_wasi.h: fine
    test_posix_first_is_an_error  POSIX header, then the bare one: #error
    test_docs_bare_section     docs/wasi.md's "Bare metal" section names
                               every hook and every function
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.support import ctool
from tests.support.ctool import (EXTRA_WARNINGS, STRICT, compile_quietly as build, run,
                                 sanitizer_env, sanitizer_flags, tool)
from w2c import resources

HERE = Path(__file__).resolve().parent
CDIR = HERE / "c"
RT = resources.runtime_dir()
DOC = HERE.parent.parent / "docs" / "wasi.md"
BARE = ["-DW2C_WASI_BARE"]
AT_LEAST = 650  # checks bare_host.c must report
HOOKS = ["w2c_bare_write", "w2c_bare_exit", "w2c_bare_clock_time", "w2c_bare_clock_res",
         "w2c_bare_random"]
PREVIEW1 = """args_get args_sizes_get environ_get environ_sizes_get clock_res_get clock_time_get
fd_advise fd_allocate fd_close fd_datasync fd_fdstat_get fd_fdstat_set_flags
fd_fdstat_set_rights fd_filestat_get fd_filestat_set_size fd_filestat_set_times fd_pread
fd_prestat_get fd_prestat_dir_name fd_pwrite fd_read fd_readdir fd_renumber fd_seek fd_sync
fd_tell fd_write path_create_directory path_filestat_get path_filestat_set_times path_link
path_open path_readlink path_remove_directory path_rename path_symlink path_unlink_file
poll_oneoff proc_exit proc_raise sched_yield random_get sock_accept sock_recv sock_send
sock_shutdown""".split()


def run_checks(exe: Path, env=None) -> None:
    ctool.run_checks([exe], AT_LEAST, env=env)


def test_every_function_is_called():
    """bare_host.c calls all 46 (and the link test takes all their addresses)."""
    assert len(PREVIEW1) == 46
    host = (CDIR / "bare_host.c").read_text() + (CDIR / "wasi_check.h").read_text()
    link = (CDIR / "bare_link.c").read_text()
    header = "".join((RT / "wasi" / f).read_text()  # args/environ: in the shared part
                     for f in ("w2c_wasi_bare.h", "w2c_wasi_guest.h"))
    for name in PREVIEW1:
        assert re.search(rf"\bw2c_wasi_{name}\(w2c_wasi \*w, w2c_memory \*mem", header), name
        assert f"w2c_wasi_{name}(" in host, f"{name} not called by bare_host.c"
        assert f"F({name})" in link, f"{name} not in bare_link.c's table"


# -- the host program ----------------------------------------------------------------------


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_host_program(cc, opt, tmp_path):
    exe = tmp_path / "bare_host"
    build([cc, *STRICT, opt, *BARE, f"-I{RT}", f"-I{CDIR}", CDIR / "bare_host.c", "-o", exe])
    run_checks(exe)


def test_host_sanitizers(cc, tmp_path):
    exe = tmp_path / "bare_host"
    build([cc, *STRICT, *sanitizer_flags(cc), *BARE, f"-I{RT}", f"-I{CDIR}", CDIR / "bare_host.c",
           "-o", exe])
    run_checks(exe, env=sanitizer_env(exe))


# -- freestanding builds --------------------------------------------------------------------

FREESTANDING = ["-Os", "-ffreestanding", "-nostdlib", "-ffunction-sections", "-fdata-sections",
                "-DW2C_TRAP_HANDLER=fw_trap", "-DW2C_MEMORY_ALLOC=W2C_ALLOC_STATIC",
                "-Wl,--gc-sections", "-Wl,-e,fw_start"]
# name -> (compiler, package, flags)
TARGETS = {
    "cortex-m3": ("arm-none-eabi-gcc", "gcc-arm-none-eabi", ["-mcpu=cortex-m3", "-mthumb"]),
    "cortex-m0": ("arm-none-eabi-gcc", "gcc-arm-none-eabi", ["-mcpu=cortex-m0", "-mthumb"]),
    "rv32imac": ("riscv64-unknown-elf-gcc", "gcc-riscv64-unknown-elf",
                 ["-march=rv32imac", "-mabi=ilp32", "-Wl,--no-warn-rwx-segments"]),
    "x86-64-gcc": ("gcc", "gcc", ["-static"]),
    "x86-64-clang": ("clang", "clang", ["-static"]),
}


def link_firmware(target: str, out: Path, extra=()) -> tuple[str, Path]:
    """bare_link.c linked for `target`; returns (binutils prefix, ELF)."""
    name, package, flags = TARGETS[target]
    cc = tool(name, package)
    build([cc, *STRICT, *FREESTANDING, *flags, *BARE, *extra, f"-I{RT}", CDIR / "bare_link.c",
           "-o", out, "-lgcc"])
    prefix = cc[: -len("gcc")] if name.endswith("-gcc") else ""
    return prefix, out


def symbols(prefix: str, elf: Path) -> list[tuple[str, int, str]]:
    """(type, size, name) of every sized symbol."""
    out = []
    for line in run([prefix + "nm", "-S", elf]).stdout.splitlines():
        parts = line.split()
        if len(parts) == 4:
            out.append((parts[2], int(parts[1], 16), parts[3]))
    return out


@pytest.mark.parametrize("target", list(TARGETS))
def test_freestanding_link(target, tmp_path):
    prefix, elf = link_firmware(target, tmp_path / "fw.elf")
    nm = run([prefix + "nm", elf])
    assert nm.returncode == 0, nm.stderr
    undefined = [line for line in nm.stdout.splitlines() if re.match(r"^\s+[Uw] ", line)]
    assert not undefined, undefined
    names = {name for _, _, name in symbols(prefix, elf)}
    for fn in PREVIEW1 + ["init", "free"]:
        assert f"w2c_wasi_{fn}" in names, f"w2c_wasi_{fn} not linked"
    assert not names & {"printf", "malloc", "free", "abort", "exit", "sqrt", "errno"}


BUDGET = 2560  # bytes of text for all 46 functions + init/free on Cortex-M3 at -Os


def test_shim_size(tmp_path):
    """The shim's own functions (w2c_wasi_*) linked from all 46 imports."""
    prefix, elf = link_firmware("cortex-m3", tmp_path / "fw.elf")
    shim = sum(size for kind, size, name in symbols(prefix, elf)
               if kind in "tT" and name.startswith("w2c_wasi_"))
    total = run([prefix + "size", elf]).stdout
    print(f"\nshim text on cortex-m3 -Os: {shim} bytes\n{total}")
    assert 500 < shim <= BUDGET, shim


HELLO_WAT = r"""(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, world\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 13))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $proc_exit (i32.const 0))))
"""
HELLO_BUDGET = 4096  # the goal: runtime + WASI shim + module of a hello world on Cortex-M3


def test_generated_glue_links(wat2wasm, tmp_path):
    """`w2c compile --wasi` output (m.c, m_wasi.c: the same glue as on POSIX)
    links against the bare shim for Cortex-M3 with nothing undefined, and a
    hello world stays within 4 KB of text."""
    cc = tool("arm-none-eabi-gcc", "gcc-arm-none-eabi")
    wasm = tmp_path / "hello.wasm"
    wasm.write_bytes(wat2wasm(HELLO_WAT))
    out = tmp_path / "out"
    proc = run([sys.executable, "-m", "w2c", "compile", "-q", "--wasi", "-n", "hello", wasm,
                "-o", out / "hello.c"])
    assert proc.returncode == 0, proc.stderr
    elf = tmp_path / "hello.elf"
    build([cc, *STRICT, *FREESTANDING, "-mcpu=cortex-m3", "-mthumb", *BARE, "-DGLUE",
           f"-I{out}", CDIR / "bare_link.c", out / "hello.c", out / "hello_wasi.c", "-o", elf,
           "-lgcc"])
    prefix = cc[: -len("gcc")]
    nm = run([prefix + "nm", elf]).stdout
    assert not re.search(r"^\s+[Uw] ", nm, re.M), nm
    assert "w2c_wasi_poll_oneoff" not in nm  # unused functions are dropped
    text = int(run([prefix + "size", elf]).stdout.splitlines()[1].split()[0])
    print(f"\nhello world on cortex-m3 -Os: {text} bytes of text")
    assert text <= HELLO_BUDGET, text


# -- the header itself -----------------------------------------------------------------------

@pytest.mark.parametrize("freestanding", [False, True], ids=["hosted", "freestanding"])
def test_header_quiet(cc, freestanding, tmp_path):
    src = tmp_path / "h.c"
    src.write_text('#include "wasi/w2c_wasi.h"\n')
    flags = ["-ffreestanding", "-DW2C_TRAP_HANDLER=h"] if freestanding else []
    build([cc, *STRICT, *EXTRA_WARNINGS, "-O2", *BARE, *flags, f"-I{RT}", "-c", src, "-o",
           tmp_path / "h.o"])


def test_direct_include_and_twice(cc, tmp_path):
    """w2c_wasi_bare.h alone, then w2c_wasi.h again without the macro: one API."""
    src = tmp_path / "d.c"
    src.write_text('#include "wasi/w2c_wasi_bare.h"\n#include "wasi/w2c_wasi.h"\n'
                   '#ifndef W2C_WASI_BARE\n#error no W2C_WASI_BARE\n#endif\n'
                   'int f(w2c_wasi *w, w2c_memory *m);\n'
                   'int f(w2c_wasi *w, w2c_memory *m) {\n'
                   '  return (int)w2c_wasi_sched_yield(w, m);\n}\n')
    build([cc, *STRICT, f"-I{RT}", "-c", src, "-o", tmp_path / "d.o"])


def test_posix_first_is_an_error(tmp_path):
    src = tmp_path / "e.c"
    src.write_text('#include "wasi/w2c_wasi.h"\n#include "wasi/w2c_wasi_bare.h"\n')
    proc = run([tool("gcc", "gcc"), "-std=c99", f"-I{RT}", "-c", src, "-o", tmp_path / "e.o"])
    assert proc.returncode != 0
    assert "define W2C_WASI_BARE identically in every file" in proc.stderr, proc.stderr


# -- docs/wasi.md ---------------------------------------------------------------------------------


def test_docs_bare_section():
    text = DOC.read_text()
    m = re.search(r"^## Bare metal\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert m, "docs/wasi.md has no '## Bare metal' section"
    section = m.group(1)
    for hook in HOOKS:
        assert hook in section, hook
    for name in PREVIEW1:
        assert re.search(rf"`{name}`|\b{name}\b", section), f"{name} not described"
    assert "W2C_WASI_BARE_IDLE" in section and "test_wasi_bare.py" in section
