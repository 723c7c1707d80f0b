"""Run a wasi-threads command module under wasmtime (the PyPI package): the
reference tests/wasi/test_wasi_threads.py compares `w2c run` with.

    python wasmtime_threads_runner.py MODULE.wasm [ARGS...]

wasmtime's Python API has WASI but not wasi-threads (its C API has no
thread-spawn), so this does what wasmtime's CLI does with `-W threads
-S threads` (crate wasmtime-wasi-threads), with wasmtime's own pieces: one
SharedMemory made from the module's shared memory import; every thread,
the main one included, has its own Store with WASI and its own instance of
the module linked to that memory; `wasi.thread-spawn(arg)` starts a thread
that instantiates the module and calls `wasi_thread_start(tid, arg)`, and
returns tid (here 1, 2, ...: wasmtime's are random, so tests print none).
How the process ends is wasmtime's rule: a trap in a spawned thread prints
the error and exits with 1, proc_exit(code) in any thread exits with code;
in the main thread a trap exits with 134 (tests/wasi/wasmtime_runner.py)
and returning from _start with 0, whatever the other threads do.
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import wasmtime
from wasmtime import _ffi as ffi

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wasmtime_runner import trap_reason  # noqa: E402


def _shared_memory_extern(self):
    # wasmtime-py 51's SharedMemory._as_extern wraps its pointer twice
    # (ctypes.pointer of a pointer): build the extern from the pointer itself.
    return ffi.wasmtime_extern_t(ffi.WASMTIME_EXTERN_SHAREDMEMORY,
                                 ffi.wasmtime_extern_union(sharedmemory=self.ptr()))


wasmtime.SharedMemory._as_extern = _shared_memory_extern


def end(status: int) -> None:
    """End the process from any thread, as wasmtime's process::exit."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def exit_status(code: int) -> int:
    if code >= 126:
        print("error: exit with invalid exit status outside of [0..126)", file=sys.stderr)
        return 1
    return code


class Runner:
    def __init__(self, path: str, args: list[str]):
        cfg = wasmtime.Config()
        cfg.wasm_threads = True
        cfg.shared_memory = True
        self.engine = wasmtime.Engine(cfg)
        self.module = wasmtime.Module.from_file(self.engine, path)
        self.argv = [Path(path).name, *args]
        self.memory_import = next(i for i in self.module.imports
                                  if isinstance(i.type, wasmtime.MemoryType))
        self.memory = wasmtime.SharedMemory(self.engine, self.memory_import.type)
        self.lock = threading.Lock()
        self.last_tid = 0

    def instance(self):
        store = wasmtime.Store(self.engine)
        wasi = wasmtime.WasiConfig()
        wasi.argv = self.argv
        wasi.inherit_stdout()
        wasi.inherit_stderr()
        store.set_wasi(wasi)
        linker = wasmtime.Linker(self.engine)
        linker.define_wasi()
        linker.define(store, self.memory_import.module, self.memory_import.name, self.memory)
        spawn_type = wasmtime.FuncType([wasmtime.ValType.i32()], [wasmtime.ValType.i32()])
        linker.define_func("wasi", "thread-spawn", spawn_type, self.spawn)
        return store, linker.instantiate(store, self.module)

    def spawn(self, arg: int) -> int:
        with self.lock:
            self.last_tid += 1
            tid = self.last_tid
        threading.Thread(target=self.thread, args=(tid, arg), daemon=True).start()
        return tid

    def thread(self, tid: int, arg: int) -> None:
        try:
            store, instance = self.instance()
            instance.exports(store)["wasi_thread_start"](store, tid, arg)
        except wasmtime.ExitTrap as exit_:
            end(exit_status(exit_.code))
        except wasmtime.Trap as trap:
            print(f"error: trap in thread {tid}: {trap_reason(trap)}", file=sys.stderr)
            end(1)
        except wasmtime.WasmtimeError as err:
            print(f"error: thread {tid}: {err}", file=sys.stderr)
            end(1)

    def main(self) -> int:
        try:
            store, instance = self.instance()
            instance.exports(store)["_start"](store)
        except wasmtime.ExitTrap as exit_:
            return exit_status(exit_.code)
        except wasmtime.Trap as trap:
            print(f"error: trap: {trap_reason(trap)}", file=sys.stderr)
            return 134
        return 0


if __name__ == "__main__":
    end(Runner(sys.argv[1], sys.argv[2:]).main())
