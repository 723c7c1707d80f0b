"""C emitter: the last stage of the pipeline.

    compile_module(data, out_c, ...)  decode -> validate -> name -> emit, writing
                                      out/m.c, out/m.h and the runtime headers

Output is written to temporary files and renamed into place only when the
whole module translated, so a bad module leaves no partial output; identical
input and options give byte-identical output.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from w2c.features import Features
from w2c.parse import decode_module
from w2c.resources import runtime_dir


def compile_module(data: bytes, out_c: str | os.PathLike, module_name: str | None = None,
                   features: Features | None = None, source_name: str | None = None,
                   progress=None, max_memory: int | None = None) -> list[Path]:
    """Translate a module; returns the paths written (m.c, m.h, runtime headers).
    max_memory (bytes) caps every defined memory's growth and sizes its
    static array in W2C_ALLOC_STATIC builds."""
    from w2c.emit.module import emit_module
    from w2c.emit.names import module_prefix
    from w2c.parse.validate import check_bodies_decode
    from w2c.errors import ValidationError

    features = features or Features()
    out_c = Path(out_c)
    out_h = out_c.with_suffix(".h")
    module = decode_module(data, features)
    prefix = module_prefix(module, source_name or str(out_c), module_name)
    out_dir = out_c.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp_c = _temp(out_dir, out_c.name)
    tmp_h = _temp(out_dir, out_h.name)
    try:
        with open(tmp_c, "w", encoding="ascii", newline="\n") as fc, \
                open(tmp_h, "w", encoding="ascii", newline="\n") as fh:
            try:
                emit_module(module, prefix, features, out_h.name, fc, fh, progress, max_memory)
            except ValidationError:
                check_bodies_decode(module, features)  # malformed beats invalid
                raise
        written = _install_runtime(out_dir)
        os.replace(tmp_h, out_h)
        os.replace(tmp_c, out_c)
    finally:
        for t in (tmp_c, tmp_h):
            if os.path.exists(t):
                os.unlink(t)
    return [out_c, out_h] + written


def _temp(folder: Path, name: str) -> str:
    fd, path = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    return path


def _install_runtime(out_dir: Path) -> list[Path]:
    """Copy the runtime headers beside the output (atomically, only if changed)."""
    written = []
    src_dir = runtime_dir()
    for src in sorted(src_dir.rglob("*.h")):
        rel = src.relative_to(src_dir)
        dst = out_dir / rel
        data = src.read_bytes()
        if not dst.exists() or dst.read_bytes() != data:
            dst.parent.mkdir(parents=True, exist_ok=True)
            tmp = _temp(dst.parent, dst.name)
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, dst)
        written.append(dst)
    return written


__all__ = ["compile_module"]
