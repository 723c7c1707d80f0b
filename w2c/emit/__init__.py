"""C emitter: the last stage of the pipeline.

    compile_module(t, out_c, ...)     emit a Translation (w2c.frontdoor, or the
                                      module's bytes, opened here), writing
                                      out/m.c, out/m.h and the runtime headers
                                      (num_outputs >= 2: out/m.h, m_internal.h,
                                      m_0.c ... m_{N-1}.c, m_data.c; see split.py)
    output_names(out_c, n, wasi)      the names of those files, nothing read or written

Output is written to temporary files and renamed into place only when the
whole module translated (w2c.outputs), so a bad module or a bad output path
leaves nothing behind; identical
input and options give byte-identical output, whatever the number of worker
processes (`jobs`, see translate.py).
"""
from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

from w2c.emit.exn import EXN_HEADER
from w2c.emit.gc import GcFound, uses_gc
from w2c.emit.lines import DUMP_SUFFIX, source_lines
from w2c.emit.module import ATOMIC_HEADER, uses_atomics
from w2c.emit.names import module_prefix
from w2c.emit.simd import is_simd_header
from w2c.emit.split import MAX_OUTPUTS, Layout, output_names
from w2c.emit.write import emit_module
from w2c.errors import W2CError
from w2c.features import Features
from w2c.frontdoor import Translation, open_module
from w2c.outputs import Outputs
from w2c.parse.order import decode_errors_first
from w2c.resources import runtime_dir

try:
    import resource
except ImportError:   # not POSIX: no limit of open files to adjust
    # mypy checks for one platform, where the module always exists.
    resource = None  # type: ignore[assignment]


def compile_module(source: Translation | bytes, out_c: str | os.PathLike,
                   module_name: str | None = None,
                   features: Features | None = None, source_name: str | None = None,
                   progress=None, max_memory: int | None = None, num_outputs: int = 1,
                   jobs: int | None = None, debug: bool = False) -> list[Path]:
    """Translate a module (a Translation, or its bytes: decoded and checked
    here with `features`); returns the paths written (the files of
    output_names(out_c, num_outputs), then the runtime headers).
    max_memory (bytes) caps every defined memory's growth and sizes its
    static array in W2C_ALLOC_STATIC builds.  num_outputs >= 2 splits the C
    into that many parts plus a data file; jobs > 1 translates in that many
    worker processes (None, the default: one per CPU for a module of 1 MB of
    code or more, see w2c.emit.translate.auto_jobs).  `progress(done, total)`
    is called as functions are done.
    debug (-g) adds `#line` directives to the bodies: the module's DWARF
    lines, else lines of OUT.w2c.txt, a text dump written beside (w2c.emit.lines)."""
    t = source if isinstance(source, Translation) else open_module(source, features)
    out_c = Path(out_c)
    layout = Layout(out_c, num_outputs)
    module = t.module
    prefix = module_prefix(module, source_name or str(out_c), module_name)
    out_dir = out_c.parent
    names = layout.names()
    _ensure_open_files(len(names))
    with Outputs(out_c) as out:
        out.check_target(out_c)
        temps = {name: out.temp(out_dir / name) for name in reversed(names)}   # headers first
        with ExitStack() as stack:
            files: dict[str, TextIO] = {
                name: stack.enter_context(open(temps[name], "w", encoding="ascii", newline="\n"))
                for name in names}
            with decode_errors_first(module, t.features):
                lines = None
                if debug:
                    dump_path = out_c.with_suffix(DUMP_SUFFIX)
                    lines, dump = source_lines(module, t.features, dump_path.name)
                    if dump is not None:
                        out.temp(dump_path).write_text(dump, encoding="utf-8")
                        names = names + [dump_path.name]
                try:
                    simd, exn = emit_module(t, prefix, layout, files, progress, max_memory,
                                            jobs, lines)
                except GcFound:     # a body uses GC: again, with the GC runtime
                    module.features_used.add("gc")
                    for f in files.values():
                        f.seek(0)
                        f.truncate()
                    simd, exn = emit_module(t, prefix, layout, files, progress, max_memory,
                                            jobs, lines)
        written = _runtime_temps(out, out_dir, simd, exn,
                                 uses_atomics(module, "threads" in t.features),
                                 "gc" in t.features and uses_gc(module))
        out.commit()
        _remove_stale_parts(out_dir, out_c.stem, set(names))
    return [out_dir / name for name in names] + written


def _remove_stale_parts(out_dir: Path, stem: str, current: set[str]) -> None:
    """Delete the parts an earlier translation with more outputs left
    (STEM_<k>.c, STEM_data.c, STEM_internal.h) and that are not written now,
    so `cc DIR/*.c` still builds; only files w2c generated (first line)."""
    stale = [f"{stem}_data.c", f"{stem}_internal.h"]
    stale += [f"{stem}_{k}.c" for k in range(MAX_OUTPUTS)]
    for name in stale:
        path = out_dir / name
        if name in current or not path.is_file():
            continue
        with open(path, "rb") as f:
            first = f.readline(200)
        if first.startswith(f"/* {name}: generated by w2c".encode()):
            path.unlink()


def _ensure_open_files(n: int) -> None:
    """Every output file is open while functions are translated: raise the
    soft limit of open files if it is too low for n of them (and some spare)."""
    if resource is None:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + 64
    if soft != resource.RLIM_INFINITY and soft < want:
        if hard != resource.RLIM_INFINITY and hard < want:
            raise W2CError(f"{n} output files need {want} open files, more than this "
                           f"system allows ({hard}; see ulimit -n): use fewer --num-outputs")
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def _runtime_temps(out: Outputs, out_dir: Path, simd: bool, exn: bool,
                   threads: bool, gc: bool = False) -> list[Path]:
    """The runtime headers beside the output (the SIMD ones only for a module
    that uses v128, w2c_exn.h for one that uses exceptions, w2c_atomic.h for
    one with a shared memory or atomic instructions, w2c_gc.h for one with GC
    types): a temporary
    file for each one missing or different there (renamed into place with
    the output); returns every header's final path."""
    written = []
    src_dir = runtime_dir()
    for src in sorted(src_dir.rglob("*.h")):
        if not simd and is_simd_header(src.name) or not exn and src.name == EXN_HEADER \
                or not threads and src.name == ATOMIC_HEADER or not gc and src.name in GC_HEADERS:
            continue
        dst = out_dir / src.relative_to(src_dir)
        data = src.read_bytes()
        if not dst.is_file() or dst.read_bytes() != data:
            out.temp(dst).write_bytes(data)
        written.append(dst)
    return written


GC_HEADERS = ("w2c_gc.h", "w2c_gc_ops.h")

__all__ = ["MAX_OUTPUTS", "compile_module", "output_names"]
