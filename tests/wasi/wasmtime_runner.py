"""Run a WASI command module under wasmtime (the PyPI package), the reference
the WASI end-to-end tests compare `w2c run` with.

Command line (the same conventions as `w2c run`, so outputs compare as they are):

    python wasmtime_runner.py [--dir HOST[::GUEST]]... [--env NAME=VALUE]...
                              [--stdin FILE] [--stdout FILE] [--argv0 NAME]
                              MODULE.wasm [--] [ARGS...]

The guest sees argv = [ARGV0 (default: MODULE's file name), ARGS...], only the
--env variables, and the --dir directories preopened (GUEST defaults to
HOST).  Without --stdin the guest's stdin is empty; without --stdout the
guest writes to this process's stdout.  The guest's stderr is this
process's.  Exit status: the guest's exit code (proc_exit or returning from
main: 0); a trap prints `error: trap: <reason>` (the spec's wording, as w2c)
on stderr and exits with 134; an error of a host function (wasmtime ends the
guest, e.g. for proc_exit with a status of 126 or more, or an invalid enum
value) prints `error: wasmtime: <cause>` and exits with 1, as wasmtime's CLI
(for proc_exit: `error: exit with invalid exit status outside of [0..126)`,
w2c's line for it);
a module that does not instantiate exits with 1.

From Python: run_module(...) returns the exit status the command would have.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import wasmtime

# wasmtime's trap codes -> the spec interpreter's wording (w2c_trap_message).
_TRAP_WORDING = {
    "UNREACHABLE": "unreachable",
    "INTEGER_DIVISION_BY_ZERO": "integer divide by zero",
    "INTEGER_OVERFLOW": "integer overflow",
    "BAD_CONVERSION_TO_INTEGER": "invalid conversion to integer",
    "MEMORY_OUT_OF_BOUNDS": "out of bounds memory access",
    "TABLE_OUT_OF_BOUNDS": "out of bounds table access",
    "INDIRECT_CALL_TO_NULL": "uninitialized element",
    "BAD_SIGNATURE": "indirect call type mismatch",
    "STACK_OVERFLOW": "call stack exhausted",
}


def trap_reason(trap: wasmtime.Trap) -> str:
    code = trap.trap_code
    if code is not None and code.name in _TRAP_WORDING:
        return _TRAP_WORDING[code.name]
    return " ".join(trap.message.splitlines()[:1]) or "unknown trap"


def run_module(module: str | Path, args: list[str] = (), *, argv0: str | None = None,
               env: dict[str, str] | None = None, dirs: list[tuple[str, str]] = (),
               stdin: str | Path | None = None, stdout: str | Path | None = None) -> int:
    """Instantiate and run `module`'s _start; returns the exit status (see above)."""
    module = Path(module)
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.argv = [argv0 if argv0 is not None else module.name, *args]
    wasi.env = list((env or {}).items())
    for host, guest in dirs:
        wasi.preopen_dir(str(host), guest)
    if stdin is not None:
        wasi.stdin_file = str(stdin)
    if stdout is not None:
        wasi.stdout_file = str(stdout)
    else:
        wasi.inherit_stdout()
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    try:
        compiled = wasmtime.Module.from_file(engine, str(module))
        instance = linker.instantiate(store, compiled)
    except wasmtime.Trap as trap:
        print(f"error: trap: {trap_reason(trap)}", file=sys.stderr)
        return 134
    except wasmtime.WasmtimeError as err:
        print(f"error: cannot instantiate: {err}", file=sys.stderr)
        return 1
    start = instance.exports(store).get("_start")
    if start is None:
        return 0
    try:
        start(store)
    except wasmtime.ExitTrap as exit_:
        return exit_.code & 0xFF
    except wasmtime.Trap as trap:
        print(f"error: trap: {trap_reason(trap)}", file=sys.stderr)
        return 134
    except wasmtime.WasmtimeError as err:
        # a host function failed (wasmtime's CLI: the error, status 1), e.g. proc_exit
        # with a status >= 126 or an invalid enum value: print the cause
        cause = error_cause(err)
        if cause.startswith("exit with invalid exit status"):
            # proc_exit(126 or more): w2c's programs print the same cause (without
            # wasmtime's name) and exit with 1 too
            print(f"error: {cause}", file=sys.stderr)
        else:
            print(f"error: wasmtime: {cause}", file=sys.stderr)
        return 1
    return 0


def error_cause(err: Exception) -> str:
    """The innermost 'Caused by' line of a wasmtime error (its message otherwise)."""
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    if "Caused by:" in lines:
        cause = lines[-1]
        return cause.split(": ", 1)[1] if cause[:1].isdigit() and ": " in cause else cause
    return lines[0] if lines else type(err).__name__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", dest="dirs", action="append", default=[],
                        metavar="HOST[::GUEST]")
    parser.add_argument("--env", dest="envs", action="append", default=[],
                        metavar="NAME=VALUE")
    parser.add_argument("--stdin", default=None, metavar="FILE")
    parser.add_argument("--stdout", default=None, metavar="FILE")
    parser.add_argument("--argv0", default=None, metavar="NAME")
    parser.add_argument("module", metavar="MODULE.wasm")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    ns = parser.parse_args(argv)
    args = ns.args[1:] if ns.args[:1] == ["--"] else ns.args
    dirs = []
    for d in ns.dirs:
        host, _, guest = d.partition("::")
        dirs.append((host, guest or host))
    env = {}
    for kv in ns.envs:
        if "=" not in kv:
            parser.error(f"--env {kv}: expected NAME=VALUE")
        k, v = kv.split("=", 1)
        env[k] = v
    sys.stdout.flush()
    return run_module(ns.module, args, argv0=ns.argv0, env=env, dirs=dirs, stdin=ns.stdin,
                      stdout=ns.stdout)


if __name__ == "__main__":
    sys.exit(main())
