"""WASI preview1 for POSIX hosts (runtime_c/wasi/): C test programs built with real compilers.

The programs in tests/wasi/c/ include wasi/w2c_wasi.h, give the functions a
fake linear memory (a w2c_memory over malloc'd bytes) and check results and
the bytes written, printing `checks: N failures: F` (a FAIL line per
mismatch).  Each runs in its own pytest tmp dir, where it makes the
directories it sandboxes:

    test_wasi_fs     fd_* and path_*: sandbox escapes, file I/O, seek/tell,
                     stat, directories, readdir, renames, links, symlinks,
                     the descriptor table, rights, bad pointers (EFAULT)
    test_wasi_misc   args/environ layout, clocks, random_get, poll_oneoff
                     (timeouts, pipes), proc_*, sched_yield, sockets, stdio,
                     init, the errno mapping
    test_wasi_order  the header after w2c_rt.h and ISO headers (glibc's
                     feature macros evaluated again), or first

Built with -std=c99 -Wall -Wextra -Werror -pedantic under gcc and clang
(skipped with the reason if absent) at -O0 and -O2; then ASan+UBSan, the
configuration macros, the armhf and aarch64 cross builds under qemu-user
when those are installed, and docs/wasi.md against the headers.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.support import ctool
from tests.support.ctool import STRICT, compile_quietly, run, sanitizer_env, sanitizer_flags, tool
from w2c import resources

HERE = Path(__file__).resolve().parent
CDIR = HERE / "c"
RT = resources.runtime_dir()
DOC = HERE.parent.parent / "docs" / "wasi.md"
# program -> fewest checks it must report
PROGRAMS = {"test_wasi_fs": 500, "test_wasi_misc": 280, "test_wasi_order": 18}
SOURCES = {"test_wasi_fs": ["test_wasi_fs_b.h"], "test_wasi_misc": ["test_wasi_misc_b.h"]}


def build(cc: str, out: Path, program: str, flags, strict=True) -> Path:
    cmd = [cc, *(STRICT if strict else []), *flags, f"-I{RT}", f"-I{CDIR}",
           CDIR / f"{program}.c", "-o", out, "-lm"]
    compile_quietly(cmd)
    return out


def run_checks(cmd, program: str, cwd: Path, env=None) -> str:
    """Run in cwd (a fresh directory the program may fill) and check its report."""
    return ctool.run_checks(cmd, PROGRAMS[program], cwd=cwd, env=env)


# -- the programs ----------------------------------------------------------------------


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
@pytest.mark.parametrize("program", list(PROGRAMS))
def test_program(cc, opt, program, tmp_path):
    exe = build(cc, tmp_path / program, program, [opt])
    run_checks([exe], program, tmp_path / "run")


@pytest.mark.parametrize("program", ["test_wasi_fs", "test_wasi_misc"])
def test_sanitizers(cc, program, tmp_path):
    """ASan (leaks included) + UBSan: no undefined behaviour, no leak, no
    descriptor-table or path-buffer overflow."""
    exe = build(cc, tmp_path / program, program, sanitizer_flags(cc))
    run_checks([exe], program, tmp_path / "run", env=sanitizer_env(exe, tmp_path / "probe"))


@pytest.mark.parametrize("flags", [
    [],                                   # w2c_rt.h first: <features.h> evaluated again
    ["-DWASI_FIRST"],                     # the documented order
    ["-D_GNU_SOURCE"],
    ["-D_POSIX_C_SOURCE=200809L"],
    ["-DW2C_MEMORY_ALLOC=W2C_ALLOC_MMAP"],  # w2c_rt.h includes POSIX headers itself
    ["-DW2C_MEMORY_ALLOC=W2C_ALLOC_MMAP", "-DW2C_BOUNDS_CHECK=W2C_BOUNDS_GUARD"],
], ids=["rt-first", "wasi-first", "gnu", "posix2008", "mmap", "guard"])
def test_include_order(cc, flags, tmp_path):
    exe = build(cc, tmp_path / "order", "test_wasi_order", ["-O2", *flags])
    run_checks([exe], "test_wasi_order", tmp_path / "run")


def test_configuration_macros(tmp_path):
    """W2C_WASI_ESCAPE_ERRNO (76: ENOTCAPABLE) and a small W2C_WASI_MAX_FDS
    (EMFILE when full) are honoured."""
    gcc = tool("gcc")
    exe = build(gcc, tmp_path / "fs", "test_wasi_fs",
                ["-O2", "-DW2C_WASI_ESCAPE_ERRNO=76u", "-DW2C_WASI_MAX_FDS=16u"])
    run_checks([exe], "test_wasi_fs", tmp_path / "run")


def test_iso_header_before_is_diagnosed(cc, tmp_path):
    """A POSIX header read in ISO mode before w2c_wasi.h (here <fcntl.h>
    under -std=c99) lacks what the sandbox needs: the build stops with a
    sentence that says what to do."""
    src = tmp_path / "t.c"
    src.write_text('#include <fcntl.h>\n#include "wasi/w2c_wasi.h"\nint main(void) { return 0; }\n')
    proc = run([cc, *STRICT, f"-I{RT}", "-c", src, "-o", tmp_path / "t.o"])
    assert proc.returncode != 0
    assert "include it before w2c_rt.h and any system header, or compile with -D_DEFAULT_SOURCE" \
        in proc.stderr


CROSS = {"armhf": ("arm-linux-gnueabihf-gcc", "qemu-arm"),
         "aarch64": ("aarch64-linux-gnu-gcc", "qemu-aarch64")}


@pytest.mark.parametrize("arch", list(CROSS))
@pytest.mark.parametrize("program", list(PROGRAMS))
def test_cross(arch, program, tmp_path):
    """Raspberry Pi targets: 32-bit armhf (64-bit off_t and time_t, 32-bit
    long) and aarch64, static binaries run under qemu-user."""
    gcc, qemu = CROSS[arch]
    if not shutil.which(gcc) or not shutil.which(qemu):
        pytest.skip(f"{gcc} or {qemu} not found (apt-get install -y gcc-{gcc[:-4]} "
                    f"qemu-user)")
    exe = build(shutil.which(gcc), tmp_path / program, program, ["-O2", "-static"])
    run_checks([shutil.which(qemu), exe], program, tmp_path / "run")


# -- docs/wasi.md ------------------------------------------------------------------------

PREVIEW1 = """args_get args_sizes_get environ_get environ_sizes_get clock_res_get clock_time_get
fd_advise fd_allocate fd_close fd_datasync fd_fdstat_get fd_fdstat_set_flags
fd_fdstat_set_rights fd_filestat_get fd_filestat_set_size fd_filestat_set_times fd_pread
fd_prestat_get fd_prestat_dir_name fd_pwrite fd_read fd_readdir fd_renumber fd_seek fd_sync
fd_tell fd_write path_create_directory path_filestat_get path_filestat_set_times path_link
path_open path_readlink path_remove_directory path_rename path_symlink path_unlink_file
poll_oneoff proc_exit proc_raise sched_yield random_get sock_accept sock_recv sock_send
sock_shutdown""".split()


def test_docs_table():
    """Every preview1 function is defined in the headers, listed in
    docs/wasi.md with a status, and called by the test the table names."""
    assert len(PREVIEW1) == 46
    headers = "".join(p.read_text() for p in (RT / "wasi").glob("*.h"))
    rows = {}
    for line in DOC.read_text().splitlines():
        m = re.match(r"\|\s*`(\w+)`\s*\|([^|]*)\|([^|]*)\|", line)
        if m:
            rows[m.group(1)] = (m.group(2).strip(), m.group(3).strip())
    for name in PREVIEW1:
        assert re.search(rf"\bw2c_wasi_{name}\(w2c_wasi \*w, w2c_memory \*mem", headers), name
        assert name in rows, f"{name} missing from docs/wasi.md"
        status, test = rows[name]
        assert status.startswith("done"), f"{name}: {status}"
        tests = re.findall(r"test_wasi_\w+", test)
        assert tests, f"{name}: no test named"
        text = "".join((CDIR / f).read_text() for t in tests
                       for f in [f"{t}.c", *SOURCES.get(t, [])])
        assert f"w2c_wasi_{name}(" in text, f"{name} not called by {tests}"
