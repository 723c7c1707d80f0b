"""C emitter: the last stage of the pipeline.

    compile_module(data, out_c, ...)  decode -> validate -> name -> emit, writing
                                      out/m.c, out/m.h and the runtime headers
                                      (num_outputs >= 2: out/m.h, m_internal.h,
                                      m_0.c ... m_{N-1}.c, m_data.c; see split.py)
    output_names(out_c, n, wasi)      the names of those files, nothing read or written

Output is written to temporary files and renamed into place only when the
whole module translated, so a bad module leaves no partial output; identical
input and options give byte-identical output, whatever the number of worker
processes (`jobs`, see translate.py).
"""
from __future__ import annotations

import os
import tempfile
from contextlib import ExitStack
from pathlib import Path

from w2c.errors import W2CError
from w2c.features import Features
from w2c.parse import decode_module
from w2c.emit.split import MAX_OUTPUTS, Layout, output_names
from w2c.resources import runtime_dir


def compile_module(data: bytes, out_c: str | os.PathLike, module_name: str | None = None,
                   features: Features | None = None, source_name: str | None = None,
                   progress=None, max_memory: int | None = None, num_outputs: int = 1,
                   jobs: int = 1) -> list[Path]:
    """Translate a module; returns the paths written (the files of
    output_names(out_c, num_outputs), then the runtime headers).
    max_memory (bytes) caps every defined memory's growth and sizes its
    static array in W2C_ALLOC_STATIC builds.  num_outputs >= 2 splits the C
    into that many parts plus a data file; jobs > 1 translates in that many
    worker processes.  `progress(done, total)` is called as functions are done."""
    from w2c.emit.module import emit_module
    from w2c.emit.names import module_prefix
    from w2c.parse.validate import check_bodies_decode
    from w2c.errors import ValidationError

    features = features or Features()
    out_c = Path(out_c)
    layout = Layout(out_c, num_outputs)
    module = decode_module(data, features)
    prefix = module_prefix(module, source_name or str(out_c), module_name)
    out_dir = out_c.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    names = layout.names()
    _ensure_open_files(len(names))
    temps: dict[str, str] = {}
    try:
        with ExitStack() as stack:
            files = {}
            for name in names:
                temps[name] = _temp(out_dir, name)
                files[name] = stack.enter_context(
                    open(temps[name], "w", encoding="ascii", newline="\n"))
            try:
                emit_module(module, prefix, features, layout, files, progress, max_memory,
                            jobs, data)
            except ValidationError:
                check_bodies_decode(module, features)  # malformed beats invalid
                raise
        written = _install_runtime(out_dir)
        for name in reversed(names):   # headers first
            os.replace(temps.pop(name), out_dir / name)
    finally:
        for t in temps.values():
            if os.path.exists(t):
                os.unlink(t)
    return [out_dir / name for name in names] + written


def _ensure_open_files(n: int) -> None:
    """Every output file is open while functions are translated: raise the
    soft limit of open files if it is too low for n of them (and some spare)."""
    try:
        import resource
    except ImportError:   # not POSIX: nothing to adjust
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + 64
    if soft != resource.RLIM_INFINITY and soft < want:
        if hard != resource.RLIM_INFINITY and hard < want:
            raise W2CError(f"{n} output files need {want} open files, more than this "
                           f"system allows ({hard}; see ulimit -n): use fewer --num-outputs")
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def _temp(folder: Path, name: str) -> str:
    """A new empty file beside `name`, to be renamed over it; with the mode a
    plain open() would give (mkstemp makes it 0600)."""
    fd, path = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
    finally:
        os.close(fd)
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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


__all__ = ["MAX_OUTPUTS", "compile_module", "output_names"]
