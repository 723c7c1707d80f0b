"""The `w2c` console entry point, with a fast path for a cached `w2c run`.

    main()   `w2c ...`: a cached `w2c run FILE [ARGS]` execs the cached
             executable at once; everything else goes to w2c.cli

This file is the front of the command line, before w2c.cli.  Only `os`,
`sys`, the interpreter's SHA-256 and `w2c` (its version) are imported here,
at the top, because a cached run must start the program in a few
milliseconds: w2c.cli and w2c.program (click, pathlib, json, subprocess, the
decoder, the emitter) take 60-110 ms to import on this 2-core machine,
Python itself 12-20 ms; `python -X importtime` of this module: os and sys
are already loaded by the interpreter, _sha256 0.4 ms (hashlib would cost
2-36 ms: OpenSSL), w2c 0.2 ms.  w2c.cli is imported in main() only when the
fast path does not apply (`# noqa: PLC0415` below); bench/startup.py
measures the result (bench/README.md).

The fast path is taken only for the plain case: `w2c run FILE [ARGS...]`
with any --dir HOST[::GUEST] and --env NAME=VALUE options, the default
target (linux-x86_64, which runs its executables directly), compiler and
features, FILE readable, every --dir a directory, every --env well formed,
and the executable already in the cache.  Anything else (-v, --target,
a feature flag, --help, an unknown option before `--`, `-` as FILE, a
cache miss, a problem to report) falls through to w2c.cli, which does the
same run the slow way, so both ways behave alike.

The cache key (w2c.runkey.run_key) is shared with w2c.program: the module's bytes, the
options ("" for the defaults) and a stamp of w2c itself: the SHA-256 of the
content of w2c's Python code, templates, runtime headers and target
profiles (w2c.program.toolchain_fingerprint), stored in the cache under a
signature of those files' names, sizes and mtimes (stat_signature).  A run
stats w2c's ~120 files (about 1 ms) instead of reading and hashing them
(30-50 ms); a changed file changes the signature, and the slow path hashes
the content again.  An unchanged content gives the same stamp, so a touched
file does not rebuild anything.
"""
from __future__ import annotations

import os
import sys

from w2c.runkey import cache_dir, read_stamp, run_key, stat_signature


def _parse(argv: list[str]) -> tuple[str, list[str], list[str], list[str]] | None:
    """FILE, guest args, --dir and --env values of a plain `run` command line, else None."""
    if len(argv) < 2 or argv[0] != "run":
        return None
    args: list[str] = []
    dirs: list[str] = []
    envs: list[str] = []
    rest = argv[1:]
    i = 0
    while i < len(rest):
        tok = rest[i]
        if tok == "--":
            args += rest[i + 1:]
            break
        if tok in ("--dir", "--env"):
            if i + 1 >= len(rest):
                return None
            (dirs if tok == "--dir" else envs).append(rest[i + 1])
            i += 2
            continue
        if tok.startswith(("--dir=", "--env=")):
            (dirs if tok.startswith("--dir=") else envs).append(tok[6:])
        elif tok.startswith("-"):
            return None
        else:
            args.append(tok)
        i += 1
    if not args or args[0] == "-":
        return None
    file, args = args[0], args[1:]
    return file, args, dirs, envs


def _environment(dirs: list[str], envs: list[str]) -> dict[str, str] | None:
    """As w2c.program.run_environment, or None where it would report an error."""
    out = {}
    for i, d in enumerate(dirs):
        host, _, guest = d.partition("::")
        if not os.path.isdir(host):
            return None
        out[f"W2C_WASI_DIR_{i}"] = f"{os.path.abspath(host)}::{guest or host}"
    for kv in envs:
        if "=" not in kv:
            return None
        k, v = kv.split("=", 1)
        out[k] = v
    return out


def fast_run(argv: list[str]) -> tuple[str, list[str], dict[str, str]] | None:
    """(executable, its argv, its environment) for a cached plain `w2c run`,
    else None (see the module docstring)."""
    parsed = _parse(argv)
    if parsed is None:
        return None
    file, args, dirs, envs = parsed
    environment = _environment(dirs, envs)
    stamp = read_stamp(stat_signature())
    if environment is None or stamp is None:
        return None
    try:
        with open(file, "rb") as f:
            data = f.read()
    except OSError:
        return None
    exe = os.path.join(cache_dir(), "run", run_key(data, "", stamp), "program")
    if not os.path.isfile(exe):
        return None
    return exe, [os.path.basename(file), *args], environment


def main() -> None:
    """Console entry point (`w2c = "w2c.quickrun:main"`)."""
    found = fast_run(sys.argv[1:])
    if found is not None:
        exe, argv, environment = found
        os.execve(exe, argv, environment)
    from w2c.cli import main as cli_main  # noqa: PLC0415 (see the docstring: 60-110 ms)
    cli_main()


if __name__ == "__main__":
    main()
