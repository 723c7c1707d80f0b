"""`w2c run` as a user meets it: the build cache (a second run starts the
cached executable: `-v` says `w2c: cache hit:`), exit codes, traps (`error:
trap: <reason>`, status 134), --dir and --env, arguments after the module,
stdin from a pipe, and errors shown plainly (a failing or missing C
compiler, a bad module, bad options) as `error:` lines, never a traceback.

The programs are those of tests/wasi/programs (built once per session by
test_programs.Toolbox); the runs share its W2C_CACHE_DIR except where a
test needs a cache of its own.
"""
from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from .test_programs import TIMEOUT, Toolbox, make_sandbox, toolbox  # noqa: F401  (the fixture)


def w2c_run(toolbox: Toolbox, *args: str, cache: Path | None = None, stdin: bytes = b"",
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = toolbox.w2c_env(**({"W2C_CACHE_DIR": str(cache)} if cache else {}))
    environment.update(env or {})
    return subprocess.run([*toolbox.w2c_cmd(), "run", *args], input=stdin, capture_output=True,
                          env=environment, timeout=TIMEOUT)


def text(b: bytes) -> str:
    return b.decode("utf-8", "backslashreplace")


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in text(proc.stderr), text(proc.stderr)


# -- the cache -------------------------------------------------------------------------------

def test_second_run_hits_the_cache(toolbox: Toolbox, tmp_path: Path) -> None:
    wasm = toolbox.module("exit_codes")
    cache = tmp_path / "cache"
    first = w2c_run(toolbox, "-v", str(wasm), "return", "5", cache=cache)
    assert first.returncode == 5, text(first.stderr)
    assert "w2c: building " in text(first.stderr)
    assert "w2c: cache hit:" not in text(first.stderr)
    exes = [p for p in cache.rglob("program") if p.is_file()]
    assert len(exes) == 1, exes
    before = exes[0].stat()

    second = w2c_run(toolbox, "-v", str(wasm), "return", "6", cache=cache)
    assert second.returncode == 6, text(second.stderr)
    err = text(second.stderr)
    assert f"w2c: cache hit: {exes[0]}" in err, err
    assert "w2c: building" not in err
    assert text(second.stdout) == "mode return 6\nreturning 6atexit handler ran\n"
    after = exes[0].stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), \
        "the cached executable was rebuilt"

    # without -v a cache hit is silent; another module is another entry
    quiet = w2c_run(toolbox, str(wasm), "return", "0", cache=cache)
    assert quiet.returncode == 0 and quiet.stderr == b""
    other = w2c_run(toolbox, "-v", str(toolbox.module("args_env")), cache=cache)
    assert other.returncode == 0 and "w2c: building " in text(other.stderr)
    assert len([p for p in cache.rglob("program") if p.is_file()]) == 2


def test_cache_dir_from_environment(toolbox: Toolbox, tmp_path: Path) -> None:
    """W2C_CACHE_DIR names the cache; else $XDG_CACHE_HOME/w2c."""
    wasm = toolbox.module("exit_codes")
    xdg = tmp_path / "xdg"
    env = toolbox.w2c_env(XDG_CACHE_HOME=str(xdg))
    env.pop("W2C_CACHE_DIR")
    proc = subprocess.run([*toolbox.w2c_cmd(), "run", "-v", str(wasm), "exit", "9"],
                          capture_output=True, env=env, timeout=TIMEOUT)
    assert proc.returncode == 9, text(proc.stderr)
    assert f"w2c: building {xdg / 'w2c'}" in text(proc.stderr)


# -- exit codes, traps -------------------------------------------------------------------------

@pytest.mark.parametrize("mode,code", [("return", 0), ("return", 1), ("exit", 7), ("exit", 42),
                                       ("_Exit", 99), ("exit", 125)])
def test_exit_code_propagates(mode: str, code: int, toolbox: Toolbox) -> None:
    proc = w2c_run(toolbox, str(toolbox.module("exit_codes")), mode, str(code))
    assert proc.returncode == code, text(proc.stderr)
    assert text(proc.stdout).startswith(f"mode {mode} {code}\n")


@pytest.mark.parametrize("code", [126, 255, 256, -1])
def test_exit_code_126_and_more_is_an_error(code: int, toolbox: Toolbox) -> None:
    """proc_exit(126 or more): an error line and status 1, as wasmtime (256 & 255
    would be 0: a failing program would look successful)."""
    proc = w2c_run(toolbox, str(toolbox.module("exit_codes")), "exit", str(code))
    assert proc.returncode == 1, text(proc.stderr)
    assert text(proc.stderr).endswith(
        "error: exit with invalid exit status outside of [0..126)\n"), text(proc.stderr)


@pytest.mark.parametrize("mode,reason", [("abort", "unreachable"),
                                         ("div0", "integer divide by zero"),
                                         ("oob", "out of bounds memory access")])
def test_trap_message_and_status(mode: str, reason: str, toolbox: Toolbox) -> None:
    proc = w2c_run(toolbox, str(toolbox.module("exit_codes")), mode)
    assert proc.returncode == 134
    assert text(proc.stderr) == f"error: trap: {reason}\n"
    assert text(proc.stdout) == f"mode {mode} 0\n"  # flushed before the trap


# -- arguments, environment, preopens, stdin -------------------------------------------------------

def test_arguments_after_the_module_go_to_the_guest(toolbox: Toolbox) -> None:
    wasm = toolbox.module("args_env")
    plain = w2c_run(toolbox, str(wasm), "a", "b c")
    assert plain.returncode == 0, text(plain.stderr)
    out = text(plain.stdout)
    assert "argc: 3\nargv[0]: [args_env.wasm] len=13\nargv[1]: [a] len=1\nargv[2]: [b c] len=3\n" in out
    dashed = w2c_run(toolbox, str(wasm), "--", "-v", "--dir", "x", "--env", "A=B", "--")
    assert dashed.returncode == 0, text(dashed.stderr)
    out = text(dashed.stdout)
    assert "argc: 7\n" in out and "argv[1]: [-v]" in out and "argv[2]: [--dir]" in out
    assert "argv[6]: [--]" in out and "environ count: 0\n" in out


def test_guest_sees_only_env_options(toolbox: Toolbox) -> None:
    proc = w2c_run(toolbox, "--env", "FOO=bar", "--env", "EMPTY=", "--env", "FOO2=x=y",
                   str(toolbox.module("args_env")),
                   env={"HOST_ONLY_SECRET": "1", "W2C_WASI_DIR_7": "/::/"})
    assert proc.returncode == 0, text(proc.stderr)
    out = text(proc.stdout)
    assert "environ[0]: [FOO=bar]\nenviron[1]: [EMPTY=]\nenviron[2]: [FOO2=x=y]\n" \
           "environ count: 3\n" in out
    assert "[HOST_ONLY_SECRET" not in out and "[W2C_" not in out
    assert "getenv W2C_WASI_DIR_0: (null)\ngetenv W2C_CACHE_DIR: (null)\n" in out


def test_dir_preopens(toolbox: Toolbox, tmp_path: Path) -> None:
    host = tmp_path / "data"
    make_sandbox(host)
    wasm = toolbox.module("errnos")
    named = w2c_run(toolbox, "--dir", f"{host}::/sandbox", str(wasm))
    assert named.returncode == 0, text(named.stderr)
    assert "preopen name: [/sandbox]\nopened input.txt: yes sub: yes\n" in text(named.stdout)
    # without ::GUEST the guest sees the host path
    same = w2c_run(toolbox, "--dir", str(host), str(wasm), "rights")
    assert same.returncode == 0, text(same.stderr)
    assert f"preopen name: [{host}]\n" in text(same.stdout)
    # no --dir: nothing is preopened (W2C_WASI_DIR_<n> of w2c's own environment neither)
    none = w2c_run(toolbox, str(wasm), "rights", env={"W2C_WASI_DIR_0": f"{host}::/sandbox"})
    assert "fd_prestat_get 3: 8\n" in text(none.stdout)
    assert "opened input.txt: no sub: no\n" in text(none.stdout)


def test_stdin_from_a_pipe(toolbox: Toolbox) -> None:
    """A pipe (not a file as in test_programs) gives the same bytes."""
    data = bytes(range(256)) * 300 + b"tail\n"
    proc = w2c_run(toolbox, str(toolbox.module("stdin")), stdin=data)
    assert proc.returncode == 0, text(proc.stderr)
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    assert f"bytes: {len(data)}\nfnv: {h:08x}\n" in text(proc.stdout)


# -- errors, shown plainly ---------------------------------------------------------------------------

def test_failing_compiler_is_shown_plainly(toolbox: Toolbox, tmp_path: Path) -> None:
    wasm = toolbox.module("exit_codes")
    proc = w2c_run(toolbox, "--cc", "false", str(wasm), cache=tmp_path / "cache")
    assert proc.returncode == 1
    assert_no_traceback(proc)
    assert text(proc.stderr).startswith("error: the C compiler failed (false, exit 1)"), \
        text(proc.stderr)
    assert not [p for p in (tmp_path / "cache").rglob("program") if p.is_file()], \
        "a failed build left an executable in the cache"

    fake = tmp_path / "fakecc"
    fake.write_text("#!/bin/sh\necho 'fakecc: program_main.c:1: something is wrong' >&2\n"
                    "echo 'second line of the diagnostic' >&2\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    proc = w2c_run(toolbox, "--cc", str(fake), str(wasm), cache=tmp_path / "cache")
    assert proc.returncode == 1
    assert_no_traceback(proc)
    err = text(proc.stderr)
    assert err.startswith(f"error: the C compiler failed ({fake}, exit 3)"), err
    assert "fakecc: program_main.c:1: something is wrong\nsecond line of the diagnostic" in err


def test_missing_compiler(toolbox: Toolbox, tmp_path: Path) -> None:
    proc = w2c_run(toolbox, "--cc", "no-such-cc-w2c", str(toolbox.module("exit_codes")),
                   cache=tmp_path / "cache")
    assert proc.returncode == 1
    assert_no_traceback(proc)
    assert text(proc.stderr) == ("error: C compiler 'no-such-cc-w2c' not found (give --cc a "
                                 "C compiler on PATH)\n")


def test_bad_module(toolbox: Toolbox, tmp_path: Path) -> None:
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(b"\0asm\x01\0\0\0\x01\x05")
    proc = w2c_run(toolbox, str(bad), cache=tmp_path / "cache")
    assert proc.returncode == 1
    assert_no_traceback(proc)
    err = text(proc.stderr)
    assert err.startswith(f"error: {bad}:0x") and err.count("\n") == 1, err
    missing = w2c_run(toolbox, str(tmp_path / "missing.wasm"))
    assert missing.returncode == 2
    assert text(missing.stderr) == f"error: {tmp_path / 'missing.wasm'}: no such file\n"


@pytest.mark.parametrize("option,message", [
    (["--dir", "/no/such/dir"], "--dir /no/such/dir: '/no/such/dir' is not a directory"),
    (["--env", "NOEQUALS"], "--env NOEQUALS: expected NAME=VALUE"),
    (["--target", "no-such-target"], "unknown target 'no-such-target'"),
    (["--target", "cortex-m3", "--dir", "."], "--dir: a bare-metal target has no file system"),
])
def test_bad_options(option: list[str], message: str, toolbox: Toolbox, tmp_path: Path) -> None:
    """Usage errors (exit 2, as README says; 1 is for a bad module), found
    before anything is built."""
    cache = tmp_path / "cache"
    proc = w2c_run(toolbox, *option, str(toolbox.module("exit_codes")), cache=cache)
    assert proc.returncode == 2
    assert not cache.exists() or not any(cache.rglob("program*"))
    assert_no_traceback(proc)
    err = text(proc.stderr)
    assert err.startswith("error: ") and message in err and err.count("\n") == 1, err


def test_w2c_build_then_run_the_executable(toolbox: Toolbox, tmp_path: Path) -> None:
    """`w2c build` makes the same program: W2C_WASI_DIR_<n> preopens, args, exit code."""
    host = tmp_path / "data"
    make_sandbox(host)
    exe = tmp_path / "errnos"
    proc = subprocess.run([*toolbox.w2c_cmd(), "build", str(toolbox.module("errnos")), "-o",
                           str(exe)], capture_output=True, env=toolbox.w2c_env(), timeout=TIMEOUT)
    assert proc.returncode == 0, text(proc.stderr)
    run = subprocess.run([str(exe), "rights"], capture_output=True, timeout=TIMEOUT,
                         env={"W2C_WASI_DIR_0": f"{host}::/sandbox"})
    assert run.returncode == 0, text(run.stderr)
    assert "preopen name: [/sandbox]\nopened input.txt: yes sub: yes\n" in text(run.stdout)
    assert os.access(exe, os.X_OK)
