"""wasi-threads for the WASI glue (emitter stage beside w2c/emit/wasi.py):
the `wasi` `thread-spawn` import, the `wasi_thread_start` export it needs,
and the imported shared memory the glue allocates when the host gives none.

A program that imports `(import "wasi" "thread-spawn" (func (param i32)
(result i32)))` gets thread-spawn from the glue (templates/wasi_glue.c.j2):
with W2C_WASI_THREADS=1 each call starts a POSIX thread that instantiates
the module again over the same imports (so the same shared memory; its own
globals, tables and instance state, as wasmtime does) and calls
`wasi_thread_start(tid, start_arg)`.  `w2c build` / `w2c run` compile such
a program with THREAD_CFLAGS.  Without W2C_WASI_THREADS (bare metal, or a C
API build that does not define it) thread-spawn returns -1, the negative
error of the wasi-threads specification.
"""
from __future__ import annotations

from w2c.emit.names import mangle
from w2c.errors import W2CError
from w2c.module import EXT_FUNC, EXT_MEMORY, I32, FuncType, Import, Module

SPAWN_MODULE = "wasi"
SPAWN_NAME = "thread-spawn"
SPAWN_TYPE = FuncType((I32,), (I32,))
THREAD_START = "wasi_thread_start"
THREAD_START_TYPE = FuncType((I32, I32), ())

# What `w2c build` and `w2c run` add to every compile and the link of a
# program that imports thread-spawn (Linux): POSIX threads, the glue's
# threads on, and the runtime's per-thread state (trap frames, stack limit).
THREAD_CFLAGS = ("-pthread", "-DW2C_WASI_THREADS=1", "-DW2C_THREAD_LOCAL=__thread")


# The largest shared memory the glue gives a static array (W2C_ALLOC_STATIC).
STATIC_LIMIT = 1 << 31


def is_spawn(imp: Import) -> bool:
    return imp.module == SPAWN_MODULE and imp.name == SPAWN_NAME and imp.kind == EXT_FUNC


def is_shared_memory_import(imp: Import) -> bool:
    return imp.kind == EXT_MEMORY and imp.mem_type().limits.shared


def threads_context(module: Module, prefix: str, keys: list[str]) -> dict:
    """What the glue templates need: `spawn` (None if the module does not
    import thread-spawn: then nothing of this is emitted) with the C names
    of the import and of wasi_thread_start; `shared_memory` (None, or the
    first imported shared memory: its imports field and limits, allocated by
    the glue when the host passes none).  Raises W2CError for a thread-spawn
    of another type, or one without a wasi_thread_start export."""
    spawn, shared = None, None
    for key, imp in zip(keys, module.imports, strict=True):
        if is_spawn(imp):
            have = module.types[imp.func_type_index()]
            if have != SPAWN_TYPE:
                raise W2CError(f"incompatible import type: {SPAWN_MODULE}.{SPAWN_NAME} is "
                               f"{have}, wasi-threads has {SPAWN_TYPE}", imp.offset)
            spawn = {"cname": f"{prefix}_i_{key}", "ctx_field": f"ctx_{mangle(SPAWN_MODULE)}"}
        elif shared is None and is_shared_memory_import(imp):
            lim = imp.mem_type().limits
            assert lim.max is not None   # (a shared memory has a maximum: validated)
            nbytes = lim.max * lim.page_size
            shared = {"field": f"mem_{key}", "min": lim.min, "max": lim.max,
                      "page_log2": lim.page_size.bit_length() - 1,
                      # (W2C_ALLOC_STATIC: a static array of its maximum size)
                      "static_words": -(-nbytes // 8), "static_bytes": nbytes,
                      "static_ok": nbytes <= STATIC_LIMIT,
                      "alloc": "w2c_memory_alloc64_shared" if lim.is64
                      else "w2c_memory_alloc_shared"}
    if spawn is None:
        return {"spawn": None, "shared_memory": shared}
    start = next((x for x in module.exports if x.name == THREAD_START), None)
    ok = start is not None and start.kind == EXT_FUNC and \
        module.type_func(module.func_types()[start.index]) == THREAD_START_TYPE
    if not ok:
        spawn_imp = next(i for i in module.imports if is_spawn(i))
        raise W2CError(f"wasi-threads: the module imports {SPAWN_MODULE}.{SPAWN_NAME} but "
                       f"exports no function {THREAD_START} (param i32 i32)", spawn_imp.offset)
    spawn["start"] = f"{prefix}_x_{mangle(THREAD_START)}"
    return {"spawn": spawn, "shared_memory": shared}
