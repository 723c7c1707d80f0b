"""The -j worker processes of w2c.emit.translate: they receive the parent's
decoded module (w2c.frontdoor.Translation) and never decode it again.

Measured, not assumed: a sitecustomize on PYTHONPATH (imported by every
process that starts, the spawned workers included) counts the calls of
w2c.parse.decode.decode_sections and of the worker's chunk function, with
the process id of each.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench import gen_module

SITECUSTOMIZE = '''
import functools
import os
import w2c.emit.translate as tr
import w2c.parse.decode as dec

def _log(what):
    with open(os.environ["W2C_TEST_LOG"], "a") as f:
        f.write(f"{what} {os.getpid()}\\n")

def _counted(orig, what):
    @functools.wraps(orig)   # pickled by name: w2c.emit.translate._run_chunk
    def wrapper(*args, **kwargs):
        _log(what)
        return orig(*args, **kwargs)
    return wrapper

dec.decode_sections = _counted(dec.decode_sections, "decode")
tr._run_chunk = _counted(tr._run_chunk, "chunk")
'''


def test_workers_do_not_decode(tmp_path: Path) -> None:
    wasm = tmp_path / "m.wasm"
    wasm.write_bytes(gen_module.generate(300 << 10, 3, False))   # several 64 KB chunks
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "log.txt"
    env = dict(os.environ, PYTHONPATH=str(site), W2C_TEST_LOG=str(log))
    proc = subprocess.run([sys.executable, "-m", "w2c", "compile", "-q", "-j", "2", str(wasm),
                           "-o", str(tmp_path / "out" / "m.c")], env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    events = [line.split() for line in log.read_text().splitlines()]
    decodes = [pid for what, pid in events if what == "decode"]
    chunks = {pid for what, pid in events if what == "chunk"}
    assert len(decodes) == 1, events           # the parent, once
    assert chunks and decodes[0] not in chunks  # workers translated every chunk
    assert len([e for e in events if e[0] == "chunk"]) >= 3


def _chunk_pids(tmp_path: Path, wasm: Path, *flags: str) -> tuple[set, set]:
    """(pids that decoded, pids that translated a chunk in a worker) of one
    `w2c compile` of `wasm` with `flags`."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / f"log{len(flags)}.txt"
    log.write_text("")
    env = dict(os.environ, PYTHONPATH=str(site), W2C_TEST_LOG=str(log))
    proc = subprocess.run([sys.executable, "-m", "w2c", "compile", "-q", *flags, str(wasm),
                           "-o", str(tmp_path / "out" / "m.c")], env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    events = [line.split() for line in log.read_text().splitlines()]
    return ({pid for what, pid in events if what == "decode"},
            {pid for what, pid in events if what == "chunk"})


def test_large_modules_use_every_cpu_by_default(tmp_path: Path) -> None:
    """No -j: a module of AUTO_BYTES of code or more is translated by
    workers, one per usable CPU (-j 1 keeps it in one process); a smaller
    one in the command's own process."""
    from w2c.emit.translate import AUTO_BYTES, auto_jobs
    from w2c.frontdoor import open_module
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    small = tmp_path / "small.wasm"
    small.write_bytes(gen_module.generate(300 << 10, 3, False))
    big = tmp_path / "big.wasm"
    big.write_bytes(gen_module.generate(AUTO_BYTES + (200 << 10), 3, False))
    assert auto_jobs(open_module(small.read_bytes()).module) == 1
    assert auto_jobs(open_module(big.read_bytes()).module) == cpus
    assert not _chunk_pids(tmp_path, small)[1]
    assert not _chunk_pids(tmp_path, big, "-j", "1")[1]
    decoded, chunked = _chunk_pids(tmp_path, big)
    if cpus < 2:
        assert not chunked
    else:
        assert chunked and not decoded & chunked
