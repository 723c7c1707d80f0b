"""Run a benchmark module under a Python-hosted engine, as a child process of
the runner (bench/run.py), printing the programs' own result line.

    python -m bench.engines wasmtime prog.wasm [ARGS...]   # WASI command (_start)
    python -m bench.engines wasm3 prog.pure.wasm N         # pure module: bench_run(N)
    python -m bench.engines precompile prog.wasm prog.cwasm   # Cranelift, ahead of time
    python -m bench.engines wasmtime-timed prog.cwasm TIMEFILE [ARGS...]

wasmtime runs the WASI build; the program times its kernel itself.  wasm3
(pywasm3) has no WASI, so it calls the export `bench_run(N)` of the pure
build and times the call here, printing the line the programs print:
`name n=N checksum=XXXXXXXX time=S check=none` (the runner checks the
checksum against the native build's).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path


def run_wasmtime(path: str, args: list[str]) -> int:
    from wasmtime import Engine, ExitTrap, Linker, Module, Store, WasiConfig
    engine = Engine()
    linker = Linker(engine)
    linker.define_wasi()
    store = Store(engine)
    wasi = WasiConfig()
    wasi.argv = [Path(path).stem, *args]
    wasi.inherit_stdin()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    module = Module.from_file(engine, path)
    instance = linker.instantiate(store, module)
    start = instance.exports(store)["_start"]
    try:
        start(store)
    except ExitTrap as e:
        return e.code
    return 0


def precompile(path: str, out: str) -> int:
    """Compile `path` with Cranelift into `out` (wasmtime's serialized module)."""
    from wasmtime import Engine, Module
    Path(out).write_bytes(Module.from_file(Engine(), path).serialize())
    return 0


def run_wasmtime_timed(cwasm: str, timefile: str, args: list[str]) -> int:
    """Run a precompiled WASI command with stdin, stdout and stderr inherited;
    the wall and CPU seconds spent in `_start` (instantiation and
    compilation excluded) are written to `timefile` (bench/realprogs.py's
    kernel time)."""
    from wasmtime import Engine, ExitTrap, Linker, Module, Store, WasiConfig
    engine = Engine()
    linker = Linker(engine)
    linker.define_wasi()
    store = Store(engine)
    wasi = WasiConfig()
    wasi.argv = [Path(cwasm).stem, *args]
    wasi.inherit_stdin()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    module = Module.deserialize_file(engine, cwasm)
    start = linker.instantiate(store, module).exports(store)["_start"]
    code = 0
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        start(store)
    except ExitTrap as e:
        code = e.code
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    Path(timefile).write_text(f"{wall:.6f} {cpu:.6f}\n")
    return code


def run_wasm3(path: str, n: int) -> int:
    import wasm3
    env = wasm3.Environment()
    runtime = env.new_runtime(1 << 20)  # operand stack bytes
    module = env.parse_module(Path(path).read_bytes())
    runtime.load(module)
    fn = runtime.find_function("bench_run")
    t0 = time.perf_counter()
    checksum = fn(n) & 0xFFFFFFFF
    dt = time.perf_counter() - t0
    name = Path(path).name.split(".")[0]
    print(f"{name} n={n} checksum={checksum:08x} time={dt:.6f} check=none", flush=True)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "wasmtime":
        return run_wasmtime(argv[1], argv[2:])
    if len(argv) == 3 and argv[0] == "precompile":
        return precompile(argv[1], argv[2])
    if len(argv) >= 3 and argv[0] == "wasmtime-timed":
        return run_wasmtime_timed(argv[1], argv[2], argv[3:])
    if len(argv) == 3 and argv[0] == "wasm3":
        return run_wasm3(argv[1], int(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
