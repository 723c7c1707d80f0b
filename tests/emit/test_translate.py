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
