"""Translation of the function bodies (emitter stage, per function), in this
process or in worker processes (`w2c compile -j N`).

Each body is decoded, validated and translated in one pass by
w2c.emit.body.BodyEmitter.  `translate` yields `(part, C text)` for every
defined function in index order, whatever the number of workers, so the
output is byte-identical for every -j.  By default (jobs None) a module
with at least AUTO_BYTES of code is translated by one worker per CPU this
process may use, a smaller one in this process (starting a worker costs
about what translating a few hundred KB does).  With jobs > 1 the functions are cut
into chunks of about CHUNK_BYTES of code; workers (spawned, so safe on every
platform and with threads in the parent) receive the decoded module, its
validation context and constant tables from the parent (pickled: they
never decode the module) and translate one chunk at a time; the parent keeps at most
a few chunks per worker in flight and writes them out in order, so the
translated C is never all in memory.  A bad body raises the same W2CError
as with one process: chunks are taken in order, so the first error in index
order wins.

No worker outlives the command.  SIGINT and SIGTERM wait while the pool
spawns a worker or a thread (they inherit the mask); a worker then ignores
SIGINT (Ctrl-C reaches the whole process group; w2c alone handles it) and
takes both again.  SIGTERM to w2c during the translation raises
SystemExit(143) instead of killing it on the spot, and whenever the
translation stops before its end (an error, an interrupt, a consumer that
stops reading) the workers are terminated and the pool's result pipe is
closed before the pool is shut down (see _terminate: a worker killed in
the middle of sending a result would otherwise hang the shutdown).
"""
from __future__ import annotations

import copyreg
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import cast

from w2c import opcodes
from w2c.emit import consts
from w2c.emit.body import BodyEmitter
from w2c.emit.exn import EXN_INCLUDE
from w2c.emit.gc import GcFound, any_gc_local
from w2c.emit.lines import RESTORE, SourceLines, directive, pin
from w2c.emit.module import ModuleGen
from w2c.emit.simd import SIMD_INCLUDE, fields_use_v128
from w2c.parse.validate import located
from w2c.templates import c_string

CHUNK_BYTES = 1 << 16       # code bytes per chunk handed to a worker
AUTO_BYTES = 1 << 20        # code bytes from which the default is one worker per CPU
IN_FLIGHT = 3               # chunks per worker submitted ahead of the one being written
TERMINATE_WAIT = 5.0        # seconds a terminated worker has to end before it is killed


class Translator:
    """Translates defined functions to C, each for the part the layout assigns it."""

    def __init__(self, gen, ctx, features, layout):
        self.gen = gen
        self.ctx = ctx
        self.features = features
        self.layout = layout
        self.linkage = "" if layout.split else "static "
        self.part_of = layout.part_of
        self.nparts = len(layout.parts)
        self.simd_fields = fields_use_v128(gen.module)   # else bodies include w2c_simd.h
        self.lines: SourceLines | None = None             # with -g (w2c.emit.lines)
        # GC enabled but the module not known to use it: a GC local or
        # instruction raises GcFound (w2c.emit.compile_module translates again).
        self.gc_unknown = "gc" in features and gen.gc is None
        if gen.gc is not None:
            gen.gc.piece_log2 = layout.piece_log2 if layout.split else 0

    def function(self, i: int) -> str:
        """The C of defined function i: a comment with its name, if any, and its definition."""
        gen = self.gen
        module = gen.module
        index = gen.nimported + i
        with located(module, i) as loc:
            v, instrs = loc.open(self.ctx, self.features)
            if self.gc_unknown and any_gc_local(loc.body.locals):
                raise GcFound("local")
            body = BodyEmitter(gen, index, gen.func_type(index), loc.body.locals)
            if self.lines is not None:
                instrs = self.lines.annotate(instrs, body.lines)
                body.where = c_string(self.lines.where(module, index))
            body.run(v, instrs)
        if self.gc_unknown and "gc" in module.features_used:   # (in unreachable code)
            raise GcFound("instruction")
        name = module.names.funcs.get(index)
        head = f"/* {consts.comment(name)} */\n" if name else ""
        if not self.simd_fields and body.uses_v128():
            head = SIMD_INCLUDE + head
        if not gen.exn and (body.exn.used or body.uses_exnref()):
            head = EXN_INCLUDE + head
        sig = gen.signature(gen.func_type(index), gen.callee(index))
        text = body.render(self.linkage + sig)
        if self.lines is not None:
            start = self.lines.at(module.codes[i].offset)
            text = pin((directive(*start) + "\n" if start else "") + text) + RESTORE
        return head + text + "\n"

    def chunk(self, start: int, stop: int) -> list[str]:
        """Functions start..stop-1, joined per part (index order within a part)."""
        texts: list[list[str]] = [[] for _ in range(self.nparts)]
        for i in range(start, stop):
            texts[self.part_of(i)].append(self.function(i))
        return ["".join(t) for t in texts]


def chunks(module, limit: int | None = None) -> list[tuple[int, int]]:
    """Consecutive ranges of defined functions of about `limit` (default
    CHUNK_BYTES) code bytes each."""
    limit = limit or CHUNK_BYTES
    spans, start, size = [], 0, 0
    for i, code in enumerate(module.codes):
        size += code.size
        if size >= limit:
            spans.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(module.codes):
        spans.append((start, len(module.codes)))
    return spans


def auto_jobs(module) -> int:
    """The default number of processes: one per usable CPU for a module with
    at least AUTO_BYTES of code, else 1."""
    if sum(code.size for code in module.codes) < AUTO_BYTES:
        return 1
    try:    # (as w2c.objects.default_jobs, which imports what `compile` need not)
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


def translate(tr: Translator, jobs: int | None = None,
              progress=None) -> Generator[tuple[int, str], None, None]:
    """`(part, text)` of every defined function, in index order, by `jobs`
    processes (None: auto_jobs); `progress(done, total)` after each function
    (one process) or chunk (workers).  Workers are started at once (they
    start up while the caller writes what comes before the functions): close
    the generator if it is not read to its end."""
    if jobs is None:
        jobs = auto_jobs(tr.gen.module)
    spans = chunks(tr.gen.module)
    if jobs <= 1 or len(spans) < 2:
        return _serial(tr, progress)
    bodies = _parallel(tr, spans, min(jobs, len(spans)), progress)
    next(bodies)        # (the pool started, the first chunks submitted)
    return cast(Generator[tuple[int, str], None, None], bodies)


def _serial(tr: Translator, progress) -> Generator[tuple[int, str], None, None]:
    total = len(tr.gen.module.funcs)
    for i in range(total):
        yield tr.part_of(i), tr.function(i)
        if progress:
            progress(i + 1, total)


def _op_named(name: str) -> opcodes.Op:
    return opcodes.BY_NAME[name]


# An Op is compared by identity (one per instruction): it travels to a
# worker by name (constant expressions of globals and segments hold some).
copyreg.pickle(opcodes.Op, lambda op: (_op_named, (op.name,)))


def _parallel(tr: Translator, spans, jobs: int, progress):
    # Imported here: multiprocessing and concurrent.futures cost every command
    # 15-25 ms of CPU at start-up and only -j N > 1 uses them (see w2c/cli.py _LAZY).
    import multiprocessing  # noqa: PLC0415 (the reason is above)
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    gen = tr.gen
    init = (gen.module, tr.features, tr.ctx, gen.prefix, gen.max_memory, tr.layout,
            gen.const_tables, tr.lines)
    total = len(gen.module.funcs)
    restore_term = _exit_on_sigterm()
    with _signals_held():
        pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=init)
    todo = iter(spans)
    pending: deque = deque()
    finished = False
    try:
        for span in todo:
            with _signals_held():          # a submit may start a worker or a thread
                pending.append((span, pool.submit(_run_chunk, *span)))
            if len(pending) >= IN_FLIGHT * jobs:
                break
        yield None     # started (see translate)
        while pending:
            (_, stop), future = pending.popleft()
            texts = future.result()
            span = next(todo, None)
            if span is not None:
                with _signals_held():
                    pending.append((span, pool.submit(_run_chunk, *span)))
            for part, text in enumerate(texts):
                if text:
                    yield part, text
            if progress:
                progress(stop, total)
        finished = True
    finally:
        if not finished:
            _terminate(pool)
        pool.shutdown(wait=True, cancel_futures=True)
        restore_term()


_HELD = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM stay pending in this thread (and in the processes
    and threads it starts) until the block ends."""
    if not hasattr(signal, "pthread_sigmask"):   # not POSIX
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _sigterm(signum, frame) -> None:
    raise SystemExit(128 + signal.SIGTERM)


def _exit_on_sigterm() -> Callable[[], None]:
    """SIGTERM raises SystemExit (so cleanups run) until the returned function is called."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    old = signal.signal(signal.SIGTERM, _sigterm)

    def restore() -> None:
        signal.signal(signal.SIGTERM, old)
    return restore


def _terminate(pool) -> None:
    """Stop the pool's workers now (their chunks are no longer wanted).

    A worker killed while it writes a result leaves half a message in the
    result pipe, and the pool's manager thread would wait forever for the
    rest (the parent holds the pipe's write end too, so no end of file
    comes): once the workers are gone, the parent closes its write end, the
    manager thread reads end of file, finds the pool broken and ends, and
    shutdown() returns."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        try:
            proc.terminate()
        except OSError:
            pass
    for proc in procs:
        proc.join(TERMINATE_WAIT)
        if proc.exitcode is None:       # still alive: SIGTERM blocked or ignored
            proc.kill()
            proc.join()
    results = getattr(pool, "_result_queue", None)
    writer = getattr(results, "_writer", None)
    if writer is not None:
        writer.close()


# -- in the worker processes ---------------------------------------------------------------

_WORKER: Translator | None = None


def _init_worker(module, features, ctx, prefix: str, max_memory, layout, const_tables,
                 lines: SourceLines | None) -> None:
    """The parent's translator, rebuilt from its decoded module, validation
    context and constant tables (bodies are decoded one by one as chunks come)."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent handles Ctrl-C
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
    gen = ModuleGen(module, prefix, layout.header, max_memory, const_tables,
                    "threads" in features, "gc" in features)
    _WORKER = Translator(gen, ctx, features, layout)
    _WORKER.lines = lines


def _run_chunk(start: int, stop: int) -> list[str]:
    assert _WORKER is not None
    return _WORKER.chunk(start, stop)
