"""`w2c build` of a Linux program as parts compiled in parallel (w2c.program,
w2c.objects), with the real gcc and Debian's ccache: the number of parts,
a rebuild after one function changed compiles one part, and the compile
commands are path-free, so ccache hits every one of them from a fresh
output folder."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import gen_module
from bench.split_bench import replace_body
from w2c import program as build
from w2c.frontdoor import open_module

pytestmark = pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler (cc)")
TIMEOUT = 600
PARTS = 4


@pytest.fixture(scope="module")
def program(tmp_path_factory) -> Path:
    """A WASI program of about 40 KB of code in many small functions."""
    path = tmp_path_factory.mktemp("prog") / "gen.wasm"
    path.write_bytes(gen_module.generate(40 << 10, 3, False, (1, 2, 3, 4), 300, wasi=True))
    return path


def w2c_build(wasm: Path, out: Path, *args: str, cache: Path,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = dict(os.environ)
    environment.pop("W2C_LAUNCHER", None)
    environment.update(W2C_CACHE_DIR=str(cache), **(env or {}))
    proc = subprocess.run([sys.executable, "-m", "w2c.cli", "build", str(wasm), "-o", str(out),
                           *args], capture_output=True, text=True, env=environment,
                          timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    assert subprocess.run([str(out)], timeout=TIMEOUT).returncode == 0
    return proc


def test_default_outputs_grow_with_the_code() -> None:
    small = open_module(gen_module.generate(10 << 10, 1, False, wasi=True))
    assert build.default_outputs(small) == 1
    big = open_module(gen_module.generate(300 << 10, 1, False, wasi=True))
    code = sum(c.size for c in big.module.codes)
    assert build.default_outputs(big) == -(-code // build.PART_CODE_BYTES) >= 2


def test_flags_by_kind_of_file() -> None:
    """A split program's code parts get GCC_SPLIT_FLAGS (GCC only), its files
    of cold code -O1 (any compiler); a program of one file gets nothing."""
    assert build.file_flags("program.c", 1, True) == ()
    for name in ("program_0.c", "program_17.c"):
        assert build.file_flags(name, 20, True) == build.GCC_SPLIT_FLAGS
        assert build.file_flags(name, 20, False) == ()
    for name in ("program_data.c", "program_wasi.c", "program_main.c"):
        assert build.file_flags(name, 2, True) == build.file_flags(name, 2, False) == ("-O1",)
        assert build.file_flags(name, 1, True) == ()


@pytest.mark.skipif(shutil.which("gcc") is None, reason="no gcc")
def test_gcc_takes_the_split_flags_without_a_word(tmp_path: Path) -> None:
    src = tmp_path / "f.c"
    src.write_text("int f(int *p, int n) { int s = 0; for (int i = 0; i < n; i++) s += p[i]; "
                   "return s; }\n")
    proc = subprocess.run(["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", *build.GCC_SPLIT_FLAGS,
                           "-c", str(src), "-o", str(tmp_path / "f.o")],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


def test_one_changed_function_recompiles_one_part(program: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    w2c_build(program, tmp_path / "a.out", "--num-outputs", str(PARTS), "-j", "2", cache=cache)
    objs = set((cache / "obj").rglob("*.o"))
    assert len(objs) == PARTS + 3          # the parts, the data file, the WASI glue, main()
    # the same build again: every object from the cache
    w2c_build(program, tmp_path / "b.out", "--num-outputs", str(PARTS), cache=cache)
    assert set((cache / "obj").rglob("*.o")) == objs
    edited = tmp_path / "edited.wasm"
    edited.write_bytes(replace_body(program.read_bytes(), 57))
    w2c_build(edited, tmp_path / "c.out", "--num-outputs", str(PARTS), cache=cache)
    assert len(set((cache / "obj").rglob("*.o")) - objs) == 1


def ccache_stats(env: dict[str, str]) -> dict[str, int]:
    text = subprocess.run(["ccache", "--print-stats"], capture_output=True, text=True,
                          env=env, check=True).stdout
    return {k: int(v) for k, v in re.findall(r"^(\w+)\t(\d+)$", text, re.MULTILINE)}


@pytest.mark.skipif(shutil.which("ccache") is None,
                    reason="ccache not installed (Debian: apt-get install ccache)")
def test_ccache_hits_every_compile_of_a_rebuild(program: Path, tmp_path: Path) -> None:
    """Two builds in fresh output folders with fresh w2c caches (so w2c's own
    object cache does not answer): the second is all ccache hits."""
    env = {"CCACHE_DIR": str(tmp_path / "ccache"), "W2C_LAUNCHER": "ccache"}
    ccache_env = dict(os.environ, **env)
    subprocess.run(["ccache", "-z"], env=ccache_env, check=True, capture_output=True)
    (tmp_path / "one").mkdir()
    w2c_build(program, tmp_path / "one" / "prog", "--num-outputs", str(PARTS),
              cache=tmp_path / "cache1", env=env)
    first = ccache_stats(ccache_env)
    compiles = PARTS + 3
    assert first["cache_miss"] == compiles, first
    subprocess.run(["ccache", "-z"], env=ccache_env, check=True, capture_output=True)
    (tmp_path / "two").mkdir()
    del env["W2C_LAUNCHER"]      # the option instead of the variable
    w2c_build(program, tmp_path / "two" / "prog", "--num-outputs", str(PARTS),
              "--launcher", "ccache", cache=tmp_path / "cache2", env=env)
    second = ccache_stats(ccache_env)
    hits = second.get("direct_cache_hit", 0) + second.get("preprocessed_cache_hit", 0)
    assert hits == compiles and second["cache_miss"] == 0, second
    assert (tmp_path / "one" / "prog").read_bytes() == (tmp_path / "two" / "prog").read_bytes()


def test_a_missing_launcher_is_an_error(program: Path, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "w2c.cli", "build", str(program), "-o",
                           str(tmp_path / "x"), "--launcher", "no-such-launcher-w2c"],
                          capture_output=True, text=True, timeout=TIMEOUT,
                          env=dict(os.environ, W2C_CACHE_DIR=str(tmp_path / "c")))
    assert proc.returncode == 1
    assert proc.stderr == ("error: compiler launcher 'no-such-launcher-w2c' not found "
                           "(install it, or leave out --launcher and W2C_LAUNCHER)\n")
    assert not (tmp_path / "x").exists()
    proc = subprocess.run([sys.executable, "-m", "w2c.cli", "build", str(program), "-o",
                           str(tmp_path / "x"), "--cc", "gcc 'unclosed"],
                          capture_output=True, text=True, timeout=TIMEOUT,
                          env=dict(os.environ, W2C_CACHE_DIR=str(tmp_path / "c")))
    assert proc.returncode == 2   # a usage error (w2c.OptionError)
    assert proc.stderr == ("error: C compiler \"gcc 'unclosed\": No closing quotation (quote "
                           "it as for a shell)\n")
