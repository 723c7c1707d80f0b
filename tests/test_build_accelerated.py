"""scripts/build-accelerated: the translator's hot modules compiled with
mypyc give the same C as the pure-Python modules.

The build goes into a copy of the repository's package (a build in place
would change what every other test runs); the same copy translates the
generated modules before and after it, in fresh interpreters.  The spec
corpus is compared by `scripts/build-accelerated && scripts/compare-output
--base HEAD` (DEVELOPERS.md)."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from bench.gen_module import generate

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("mypyc") is None,
                       reason="mypyc is not installed (pip install mypy)"),
    pytest.mark.skipif(shutil.which((sysconfig.get_config_var("CC") or "cc").split()[0]) is None,
                       reason="no C compiler for mypyc's extension modules"),
]


def _translate(root: Path, wasm: Path, out: Path) -> str:
    """Translate `wasm` with the w2c of `root`; the file the emitter's
    module was loaded from."""
    env = dict(os.environ, PYTHONPATH=str(root))
    code = ("import sys, w2c.emit.body as b; from w2c.cli import main; print(b.__file__); "
            f"sys.argv = ['w2c', 'compile', '-j', '1', {str(wasm)!r}, '-o', {str(out)!r}]; "
            "main()")
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=root,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()[0]


def test_accelerated_output_is_identical(repo_root, tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    skip = shutil.ignore_patterns("__pycache__", "*.so")
    for d in ("w2c", "runtime_c", "targets"):
        shutil.copytree(repo_root / d, root / d, ignore=skip)
    wasms = []
    for simd in (False, True):
        wasm = tmp_path / f"gen-{simd}.wasm"
        wasm.write_bytes(generate(200 << 10, 5, simd))
        wasms.append(wasm)
    for w in wasms:
        (tmp_path / "pure" / w.stem).mkdir(parents=True)
        assert _translate(root, w, tmp_path / "pure" / w.stem / "m.c").endswith("body.py")
    proc = subprocess.run([sys.executable, str(repo_root / "scripts" / "build-accelerated"),
                           "--root", str(root)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for w in wasms:
        (tmp_path / "acc" / w.stem).mkdir(parents=True)
        loaded = _translate(root, w, tmp_path / "acc" / w.stem / "m.c")
        assert loaded.endswith(sysconfig.get_config_var("EXT_SUFFIX")), loaded
        pure = sorted((tmp_path / "pure" / w.stem).iterdir())
        acc = sorted((tmp_path / "acc" / w.stem).iterdir())
        assert [p.name for p in acc] == [p.name for p in pure]
        for a, p in zip(acc, pure, strict=True):
            if p.is_file():
                assert a.read_bytes() == p.read_bytes(), p.name
