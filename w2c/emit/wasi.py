"""WASI glue (emitter stage for command and reactor programs): binds a
module's `wasi_snapshot_preview1` imports to the C implementation in
runtime_c/wasi/ and writes a `main()` for `w2c build` / `w2c run`.

The imports' types are checked against preview1's signatures, so a module
built for another WASI version fails with a clear error instead of C that
calls through the wrong prototype.
"""
from __future__ import annotations

from pathlib import Path

from w2c.emit.exn import uses_exceptions
from w2c.emit.module import unique_import_keys
from w2c.emit.names import C_TYPES, mangle
from w2c.emit.wasi_threads import is_shared_memory_import, is_spawn, threads_context
from w2c.errors import W2CError
from w2c.module import EXT_FUNC, EXT_MEMORY, F32, F64, I32, I64, FuncType, Module
from w2c.templates import c_string, env

WASI_MODULE = "wasi_snapshot_preview1"


def _sig(params: str, results: str = "i") -> FuncType:
    code = {"i": I32, "j": I64}
    return FuncType(tuple(code[c] for c in params), tuple(code[c] for c in results))


# Every function of wasi_snapshot_preview1, flattened to core Wasm types
# (i: i32, j: i64); all return an errno (i32) but proc_exit.
PREVIEW1: dict[str, FuncType] = {
    "args_get": _sig("ii"), "args_sizes_get": _sig("ii"),
    "environ_get": _sig("ii"), "environ_sizes_get": _sig("ii"),
    "clock_res_get": _sig("ii"), "clock_time_get": _sig("iji"),
    "fd_advise": _sig("ijji"), "fd_allocate": _sig("ijj"), "fd_close": _sig("i"),
    "fd_datasync": _sig("i"), "fd_fdstat_get": _sig("ii"), "fd_fdstat_set_flags": _sig("ii"),
    "fd_fdstat_set_rights": _sig("ijj"), "fd_filestat_get": _sig("ii"),
    "fd_filestat_set_size": _sig("ij"), "fd_filestat_set_times": _sig("ijji"),
    "fd_pread": _sig("iiiji"), "fd_prestat_get": _sig("ii"),
    "fd_prestat_dir_name": _sig("iii"), "fd_pwrite": _sig("iiiji"), "fd_read": _sig("iiii"),
    "fd_readdir": _sig("iiiji"), "fd_renumber": _sig("ii"), "fd_seek": _sig("ijii"),
    "fd_sync": _sig("i"), "fd_tell": _sig("ii"), "fd_write": _sig("iiii"),
    "path_create_directory": _sig("iii"), "path_filestat_get": _sig("iiiii"),
    "path_filestat_set_times": _sig("iiiijji"), "path_link": _sig("iiiiiii"),
    "path_open": _sig("iiiiijjii"), "path_readlink": _sig("iiiiii"),
    "path_remove_directory": _sig("iii"), "path_rename": _sig("iiiiii"),
    "path_symlink": _sig("iiiii"), "path_unlink_file": _sig("iii"),
    "poll_oneoff": _sig("iiii"), "proc_exit": _sig("i", ""), "proc_raise": _sig("i"),
    "sched_yield": _sig(""), "random_get": _sig("ii"), "sock_accept": _sig("iii"),
    "sock_recv": _sig("iiiiii"), "sock_send": _sig("iiiii"), "sock_shutdown": _sig("ii"),
}


def is_wasi(module: Module) -> bool:
    return any(i.module == WASI_MODULE for i in module.imports)


def wasi_context(module: Module, prefix: str, header: str, host_imports: bool = False) -> dict:
    """What templates/wasi_main.c.j2 needs; raises W2CError for imports that
    neither WASI nor w2c provides.  With host_imports (the C API of `w2c
    compile --wasi`), imports from other modules are the embedder's, passed
    to <prefix>_wasi_instantiate_with."""
    funcs = []
    seen: set[str] = set()
    keys = unique_import_keys(module)
    host = False
    threads = threads_context(module, prefix, keys)
    for key, imp in zip(keys, module.imports, strict=True):
        if is_spawn(imp):   # wasi-threads: the glue's (w2c.emit.wasi_threads)
            continue
        if host_imports and imp.module != WASI_MODULE:
            host = True
            continue
        if threads["shared_memory"] and threads["shared_memory"]["field"] == f"mem_{key}" \
                and is_shared_memory_import(imp):
            continue        # the glue allocates it
        if imp.module != WASI_MODULE or imp.kind != EXT_FUNC:
            raise W2CError(f"unknown import: {imp.module}.{imp.name} (a WASI program may "
                           f"import only {WASI_MODULE} functions, wasi.thread-spawn and "
                           "one shared memory)", imp.offset)
        want = PREVIEW1.get(imp.name)
        have = module.types[imp.func_type_index()]
        if want is None:
            raise W2CError(f"unknown import: {WASI_MODULE}.{imp.name} is not a preview1 "
                           "function", imp.offset)
        if have != want:
            raise W2CError(f"incompatible import type: {WASI_MODULE}.{imp.name} is {have}, "
                           f"preview1 has {want}", imp.offset)
        if key in seen:  # the same import twice: one C function serves both
            continue
        seen.add(key)
        params = [f"{C_TYPES[t]} a{i}" for i, t in enumerate(have.params)]
        funcs.append({"cname": f"{prefix}_i_{key}", "name": imp.name,
                      "params": ", ".join(["void *ctx"] + params),
                      "args": "".join(f", a{i}" for i in range(len(have.params))),
                      "void": not have.results})
    exports = {x.name: x for x in module.exports}
    memory = exports.get("memory")
    if memory is not None and memory.kind == EXT_MEMORY:
        mem_expr = f"{prefix}_x_{mangle('memory')}(c->inst)"
    elif module.all_mems():
        mem_expr = "c->inst->mem0"
    else:
        mem_expr = "NULL"
    start = exports.get("_start")
    init = exports.get("_initialize")
    return {
        "p": prefix, "P": prefix.upper(), "header": header, "funcs": funcs,
        "mem_expr": mem_expr,
        "ctx_field": f"ctx_{mangle(WASI_MODULE)}" if funcs else None,
        "host_imports": host,
        "start": f"{prefix}_x_{mangle('_start')}" if start and start.kind == EXT_FUNC else None,
        "initialize": f"{prefix}_x_{mangle('_initialize')}"
        if init and init.kind == EXT_FUNC else None,
        "exn": uses_exceptions(module),
        "invoke": invoke_context(module, prefix),
        "exports_said": c_string(_exports_said(module)),
        **threads,
    }


def _exports_said(module: Module) -> str:
    names = [x.name for x in module.exports if x.kind == EXT_FUNC]
    return ("it exports: " + ", ".join(names)) if names else "it exports no function"


_INVOKE_TYPES = {I32: "i32", I64: "i64", F32: "f32", F64: "f64"}


def invoke_context(module: Module, prefix: str) -> list[dict]:
    """The exported functions `--invoke` can call (templates/wasi_main.c.j2):
    name, C function, parameter and result types; `ok` is False for one with
    a type the command line cannot give or print (v128, references)."""
    types = module.func_types()
    out = []
    for x in module.exports:
        if x.kind != EXT_FUNC:
            continue
        ft = module.type_func(types[x.index])
        ok = all(t in _INVOKE_TYPES for t in (*ft.params, *ft.results))
        out.append({"name": c_string(x.name), "cname": f"{prefix}_x_{mangle(x.name)}",
                    "ok": ok, "params": [_INVOKE_TYPES.get(t) for t in ft.params],
                    "ctypes": [C_TYPES.get(t) for t in ft.params],
                    "results": [_INVOKE_TYPES.get(t) for t in ft.results],
                    "rtypes": [C_TYPES.get(t) for t in ft.results]})
    return out


def write_wasi_glue(module: Module, prefix: str, out_c) -> list:
    """Write <prefix>_wasi.h and <prefix>_wasi.c beside the module's C file
    `out_c`; returns their paths.  Raises W2CError for a wasi_snapshot_preview1
    import that preview1 does not have (other modules' imports are the host's)."""
    out_c = Path(out_c)
    ctx = wasi_context(module, prefix, out_c.with_suffix(".h").name, host_imports=True)
    paths = []
    for template, suffix in (("wasi_glue.h.j2", "_wasi.h"), ("wasi_glue.c.j2", "_wasi.c")):
        path = out_c.with_name(out_c.stem + suffix)
        path.write_text(env().get_template(template).render(ctx))
        paths.append(path)
    return paths
