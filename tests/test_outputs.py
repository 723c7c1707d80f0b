"""Bad output paths (w2c/outputs.py): for `w2c compile`, `w2c build`, `w2c
run`'s cache and the CMake package's `w2c compile`, each problem is one
`error: ...` line, exit 2, and nothing is left behind.

Cases: a folder that cannot be created (under /proc, or where a file of
that name exists), a directory given as the output file, a read-only
file, a read-only file system and a full disk.  The last two are real: a
tiny (or read-only) tmpfs mounted in a private mount namespace (`unshare
-m`, so nothing outlives the command); they need root and are skipped
with the reason otherwise.  As root a chmod 0444 file is still writable,
so the read-only file case is the read-only file system there.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HELLO = ROOT / "examples" / "hello" / "hello.wasm"
WASI_WAT = """(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 7))))"""
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def w2c(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", *map(str, args)], capture_output=True,
                          text=True, timeout=600, env=env)


def assert_usage_error(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "internal error" not in proc.stderr
    for w in words:
        assert w.lower() in lines[0].lower(), lines[0]


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def mount_namespace_ok() -> str | None:
    """None if this process can mount a tmpfs in a private mount namespace, else why not."""
    if not IS_ROOT:
        return "mounting a tmpfs needs root"
    if shutil.which("unshare") is None:
        return "unshare (util-linux) not found"
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=4k t /mnt"],
                           capture_output=True, text=True)
    return None if probe.returncode == 0 else f"cannot mount a tmpfs: {probe.stderr.strip()}"


NO_MOUNT = mount_namespace_ok()
needs_mount = pytest.mark.skipif(NO_MOUNT is not None, reason=NO_MOUNT or "")


def on_tmpfs(mnt: Path, options: str, cmd: list, prepare: str = "",
             env: dict | None = None) -> tuple[subprocess.CompletedProcess, str]:
    """Run `cmd` with a tmpfs (mount options `options`) at `mnt`, in a private
    mount namespace; `prepare` (shell) runs first, then the tmpfs is
    remounted read-only if options say `ro`.  Returns the process and what
    the tmpfs holds afterwards (`ls -A -R`)."""
    mnt.mkdir(parents=True, exist_ok=True)
    listing = mnt.parent / f"{mnt.name}.listing"
    ro = "ro" in options.split(",")
    rw_options = ",".join(o for o in options.split(",") if o != "ro")
    script = (f'mount -t tmpfs -o {rw_options} w2c-test "$0" || exit 99\n'
              f'{prepare}\n'
              + ('mount -o remount,ro "$0" || exit 98\n' if ro else "")
              + f'"$@"; rc=$?; ls -A -R "$0" > "{listing}"; exit $rc')
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script, str(mnt), *map(str, cmd)],
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode not in (98, 99), proc.stderr
    return proc, listing.read_text()


W2C = [sys.executable, "-m", "w2c"]


@pytest.fixture
def wasi_wasm(tmp_path: Path, wat2wasm) -> Path:
    path = tmp_path / "prog.wasm"
    path.write_bytes(wat2wasm(WASI_WAT))
    return path


# -- w2c compile --------------------------------------------------------------------------

def test_compile_folder_under_proc(tmp_path: Path) -> None:
    """The issue's case: OUT cannot be created (a virtual file system)."""
    proc = w2c("compile", HELLO, "-o", "/proc/w2c-no-such-folder/out/y.c")
    assert_usage_error(proc, "/proc/w2c-no-such-folder/out/y.c", "cannot create folder")


def test_compile_folder_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "OUT").write_text("a file\n")
    proc = w2c("compile", HELLO, "-o", tmp_path / "OUT" / "sub" / "y.c")
    assert_usage_error(proc, "cannot create folder")
    assert tree(tmp_path) == ["OUT"]


def test_compile_output_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "DIR").mkdir()
    proc = w2c("compile", HELLO, "-o", tmp_path / "DIR")
    assert_usage_error(proc, "is a directory")
    assert tree(tmp_path) == ["DIR"]


@pytest.mark.skipif(IS_ROOT, reason="root writes a read-only file: see test_compile_read_only_fs")
def test_compile_read_only_file(tmp_path: Path) -> None:
    out = tmp_path / "y.c"
    out.write_text("keep\n")
    out.chmod(0o444)
    proc = w2c("compile", HELLO, "-o", out)
    assert_usage_error(proc, "read-only")
    assert out.read_text() == "keep\n" and tree(tmp_path) == ["y.c"]


@needs_mount
def test_compile_read_only_fs(tmp_path: Path) -> None:
    mnt = tmp_path / "ro"
    proc, left = on_tmpfs(mnt, "size=1m,ro", [*W2C, "compile", HELLO, "-o", mnt / "y.c"],
                          prepare=f'echo keep > "{mnt}/y.c"')
    assert_usage_error(proc, "read-only file")
    assert left.split() == [f"{mnt}:", "y.c"]


@needs_mount
def test_compile_full_disk(tmp_path: Path) -> None:
    mnt = tmp_path / "full"
    proc, left = on_tmpfs(mnt, "size=16k", [*W2C, "compile", HELLO, "-o", mnt / "out" / "y.c"])
    assert_usage_error(proc, "No space left on device")
    assert left.split() == [f"{mnt}:"]


# -- w2c build ----------------------------------------------------------------------------

def test_build_output_is_a_directory(tmp_path: Path, wasi_wasm: Path) -> None:
    """The issue's case: -o DIR, an existing directory (the temporary file
    used to be made in DIR's parent)."""
    (tmp_path / "DIR").mkdir()
    proc = w2c("build", wasi_wasm, "-o", tmp_path / "DIR")
    assert_usage_error(proc, "is a directory")
    assert tree(tmp_path) == ["DIR", "prog.wasm"]


def test_build_folder_cannot_be_created(tmp_path: Path, wasi_wasm: Path) -> None:
    (tmp_path / "OUT").write_text("a file\n")
    proc = w2c("build", wasi_wasm, "-o", tmp_path / "OUT" / "prog")
    assert_usage_error(proc, "cannot create folder")
    proc = w2c("build", wasi_wasm, "-o", "/proc/w2c-no-such-folder/prog")
    assert_usage_error(proc, "cannot create folder")
    assert tree(tmp_path) == ["OUT", "prog.wasm"]


@pytest.mark.skipif(IS_ROOT, reason="root writes a read-only file: see test_build_full_disk")
def test_build_read_only_file(tmp_path: Path, wasi_wasm: Path) -> None:
    out = tmp_path / "prog"
    out.write_text("keep\n")
    out.chmod(0o444)
    assert_usage_error(w2c("build", wasi_wasm, "-o", out), "read-only")
    assert out.read_text() == "keep\n"


@needs_mount
def test_build_full_disk(tmp_path: Path, wasi_wasm: Path) -> None:
    mnt = tmp_path / "full"
    proc, left = on_tmpfs(mnt, "size=8k", [*W2C, "build", wasi_wasm, "-o", mnt / "bin" / "prog"])
    assert_usage_error(proc, "No space left on device")
    assert left.split() == [f"{mnt}:"]
    proc, left = on_tmpfs(mnt, "size=1m,ro", [*W2C, "build", wasi_wasm, "-o", mnt / "prog"])
    assert_usage_error(proc, "Read-only file system")


# -- w2c run's cache --------------------------------------------------------------------------

def _cache_env(cache_home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "W2C_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(cache_home)
    return env


def test_run_cache_cannot_be_created(tmp_path: Path, wasi_wasm: Path) -> None:
    (tmp_path / "cache").write_text("a file where the cache folder should be\n")
    proc = w2c("run", wasi_wasm, env=_cache_env(tmp_path / "cache"))
    assert_usage_error(proc, "cannot create folder", "XDG_CACHE_HOME")
    assert tree(tmp_path) == ["cache", "prog.wasm"]


@needs_mount
def test_run_cache_read_only_or_full(tmp_path: Path, wasi_wasm: Path) -> None:
    mnt = tmp_path / "cache"
    for options, reason in (("size=1m,ro", "Read-only file system"),
                            ("size=8k", "No space left on device")):
        proc, left = on_tmpfs(mnt, options, [*W2C, "run", wasi_wasm], env=_cache_env(mnt))
        assert_usage_error(proc, reason, "XDG_CACHE_HOME")
        assert left.split() == [f"{mnt}:"]


# -- the CMake package ---------------------------------------------------------------------

@needs_mount
def test_cmake_output_dir_full(tmp_path: Path) -> None:
    """w2c_add_module's OUTPUT_DIR on a full disk: the build stops at w2c's one
    clean error line (no traceback, no internal error)."""
    for tool in ("cmake", "make", "cc"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found")
    w2c_bin = Path(sys.executable).parent / "w2c"
    if not w2c_bin.is_file():
        pytest.skip("the w2c command is not installed beside this interpreter")
    cmake_dir = w2c("--cmake-dir").stdout.strip()
    src = tmp_path / "proj"
    src.mkdir()
    shutil.copy(HELLO, src / "hello.wasm")
    out_dir = tmp_path / "w2c-out"
    (src / "CMakeLists.txt").write_text(textwrap.dedent(f"""\
        cmake_minimum_required(VERSION 3.16)
        project(lib C)
        find_package(w2c REQUIRED)
        add_library(hello STATIC)
        w2c_add_module(hello hello.wasm OUTPUT_DIR "{out_dir}")
        """))
    env = dict(os.environ, PATH=f"{w2c_bin.parent}{os.pathsep}{os.environ['PATH']}", LC_ALL="C")
    env.pop("MAKEFLAGS", None)
    configure = subprocess.run(["cmake", "-S", src, "-B", src / "build", f"-Dw2c_DIR={cmake_dir}"],
                               capture_output=True, text=True, env=env, timeout=600)
    assert configure.returncode == 0, configure.stdout + configure.stderr
    configured = tmp_path / "configured"       # what configuring wrote there (hello.w2c-options)
    shutil.copytree(out_dir, configured)
    proc, left = on_tmpfs(out_dir, "size=16k", ["cmake", "--build", src / "build"],
                          prepare=f'cp -a "{configured}/." "$0"/', env=env)
    assert proc.returncode != 0
    errors = [line for line in (proc.stdout + proc.stderr).splitlines()
              if line.startswith("error: ")]
    assert len(errors) == 1 and "No space left on device" in errors[0], proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert left.split() == [f"{out_dir}:", *sorted(os.listdir(configured))]
