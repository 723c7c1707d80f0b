"""Compiling a program's C files into objects: the step of `w2c build` and
`w2c run` (w2c.program) between translation and linking.

    compile_objects(work, sources, compiler, flags, jobs=N, launcher=(), cache=DIR)
        -> ([object paths, in the order of sources], [(new object, its cache path)])
    store(new)      copy the new objects into the cache, once the build succeeded

Each C file is one compiler process, run in parallel `jobs` at a time,
biggest first, while the C text being compiled stays within a budget
(JOB_C_BYTES per job: a compiler's memory grows with its file; a file
bigger than the budget runs alone), so two big parts do not meet.  An
object is kept in the cache (DIR/<2 hex>/<key>.o) under a key hashing what
decides it: the C text, the text of every header it includes from the work
folder (found by following `#include "..."` lines, so a part without SIMD
does not depend on the SIMD header), the compiler (its path, size, mtime and
`--version`) and the flags.  A changed option or a changed w2c therefore
recompiles only the files whose text changed.  The launcher (ccache, distcc,
as CMake's CMAKE_C_COMPILER_LAUNCHER) is not part of the key: it must not
change the object.

The commands are path-free: they run in the work folder with relative names
(`cc -c program_3.c -o program_3.o ...`, headers found beside the source),
so their text and the preprocessed text are the same in any folder and
ccache hits from one build folder to the next.  When a compile fails the
ones not started are cancelled and the running ones waited for: no compiler
outlives the call.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

from w2c.target import BuildError

# The C text each running compiler may have on average (`jobs` of them: at
# most jobs * JOB_C_BYTES at once; a bigger file runs alone).  gcc -O2 on
# w2c's parts takes about 60 MB plus 110 MB per MB of C (SQLite's shell:
# 1.5 MB of C, 226 MB), so two compilers stay near 300 MB.
JOB_C_BYTES = 5 << 18

_INCLUDE = re.compile(rb'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', re.MULTILINE)


def default_jobs() -> int:
    """The CPUs this process may run on (os.sched_getaffinity where it exists)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


@functools.cache
def compiler_identity(compiler: tuple[str, ...]) -> str:
    """What names the compiler's behaviour: each word's resolved path, size and
    mtime, and `--version`'s output (ccache's default 'mtime' check, plus the
    version)."""
    h = hashlib.sha256()
    for word in compiler:
        path = shutil.which(word)
        h.update(word.encode() + b"\0")
        if path:
            real = os.path.realpath(path)
            st = os.stat(real)
            h.update(f"{real}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    try:
        proc = subprocess.run([*compiler, "--version"], capture_output=True, timeout=60)
        h.update(proc.stdout)
    except (OSError, subprocess.TimeoutExpired):
        pass
    return h.hexdigest()


def included(work: Path, name: str) -> list[str]:
    """`name` and every file of `work` it includes with `#include "..."`,
    transitively (names not in `work` are the compiler's to find: skipped)."""
    seen = [name]
    for current in seen:
        for m in _INCLUDE.finditer((work / current).read_bytes()):
            dep = m.group(1).decode("utf-8", "replace")
            if dep not in seen and (work / dep).is_file():
                seen.append(dep)
    return seen


def object_key(work: Path, name: str, compiler: tuple[str, ...], flags: tuple[str, ...]) -> str:
    """The cache key of `name`'s object (see the module docstring)."""
    h = hashlib.sha256()
    h.update(compiler_identity(compiler).encode() + b"\0")
    h.update("\0".join(flags).encode() + b"\0\0")
    for dep in included(work, name):
        data = (work / dep).read_bytes()
        h.update(f"{dep}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()[:40]


Compiled = tuple[Path, "Path | None"]   # (object, where to store it in the cache, if new)


def _compile_one(work: Path, name: str, launcher: tuple[str, ...], compiler: tuple[str, ...],
                 flags: tuple[str, ...], cache: Path | None) -> Compiled:
    obj = work / (Path(name).stem + ".o")
    cached = None
    if cache is not None:
        key = object_key(work, name, compiler, flags)
        cached = cache / key[:2] / f"{key[2:]}.o"
        if cached.is_file():
            return cached, None
    cmd = [*launcher, *compiler, "-c", *flags, name, "-o", obj.name]
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError(f"the C compiler failed ({cmd[len(launcher)]}, exit "
                         f"{proc.returncode}) on {name}:\n{proc.stderr.strip()}")
    return obj, cached


def store(new: list[tuple[Path, Path]]) -> None:
    """Copy each new object into the cache (called after the build succeeded,
    so a failed build leaves nothing in the cache)."""
    for obj, cached in new:
        write_cache_file(cached, obj.read_bytes())


def write_cache_file(path: Path, data: bytes) -> None:
    """Write a cache entry atomically.  A cache that cannot be written only
    costs the next build its hit: what could not be written is removed, with
    the folder made for it."""
    made = not path.parent.exists()
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        for leftover, remove in ((tmp, os.unlink), (path.parent if made else None, os.rmdir)):
            if leftover is not None:
                try:
                    remove(leftover)
                except OSError:
                    pass


def compile_objects(work: Path, sources: list[str], compiler: tuple[str, ...],
                    flags: tuple[str, ...], *, jobs: int = 1, launcher: tuple[str, ...] = (),
                    cache: Path | None = None,
                    flags_of=None) -> tuple[list[Path], list[tuple[Path, Path]]]:
    """Compile each of `sources` (names in `work`) to an object; see the module
    docstring.  `flags_of(name)`, if given, gives a file's flags instead of
    `flags`.  Returns the objects (from the cache or the work folder) and the
    new ones to store() once the build succeeded.  Raises BuildError with
    the compiler's messages of the first failure."""
    def flags_for(name: str) -> tuple[str, ...]:
        return tuple(flags_of(name)) if flags_of else flags

    if jobs <= 1 or len(sources) <= 1:
        return _split([_compile_one(work, s, launcher, compiler, flags_for(s), cache)
                       for s in sources])
    sizes = {s: (work / s).stat().st_size for s in sources}
    order = sorted(sources, key=lambda s: (-sizes[s], sources.index(s)))
    budget = jobs * JOB_C_BYTES
    running: dict[Future, str] = {}
    futures: dict[str, Future] = {}
    failed = False
    with ThreadPoolExecutor(max_workers=min(jobs, len(sources))) as pool:
        while order or running:
            while order and not failed and len(running) < jobs:
                load = sum(sizes[s] for s in running.values())
                name = next((s for s in order if load + sizes[s] <= budget), None)
                if name is None and not running:
                    name = order[0]         # bigger than the budget: alone
                if name is None:
                    break
                order.remove(name)
                futures[name] = f = pool.submit(_compile_one, work, name, launcher, compiler,
                                                flags_for(name), cache)
                running[f] = name
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for f in done:
                del running[f]
                failed = failed or f.exception() is not None
    for s in sources:   # the first failure in source order, after every compiler ended
        if s in futures and futures[s].exception() is not None:
            raise futures[s].exception()  # type: ignore[misc]
    return _split([futures[s].result() for s in sources])


def _split(results: list[Compiled]) -> tuple[list[Path], list[tuple[Path, Path]]]:
    return [obj for obj, _ in results], [(obj, c) for obj, c in results if c is not None]


__all__ = ["compile_objects", "compiler_identity", "default_jobs", "included", "object_key",
           "store", "write_cache_file"]
