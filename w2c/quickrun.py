"""The `w2c` console entry point, with a fast path for a cached `w2c run`.

    main()   `w2c ...`: a cached `w2c run FILE [ARGS]` execs the cached
             executable at once; everything else goes to w2c.cli

This file is the front of the command line, before w2c.cli.  Only `os`,
`sys`, the interpreter's SHA-256 and `w2c` (its version) are imported here,
at the top, because a cached run must start the program in a few
milliseconds: w2c.cli and w2c.build (click, pathlib, json, subprocess, the
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

The cache key (run_key) is shared with w2c.build: the module's bytes, the
options ("" for the defaults) and a stamp of w2c itself: the SHA-256 of the
content of w2c's Python code, templates, runtime headers and target
profiles (w2c.build.toolchain_fingerprint), stored in the cache under a
signature of those files' names, sizes and mtimes (stat_signature).  A run
stats w2c's ~120 files (about 1 ms) instead of reading and hashing them
(30-50 ms); a changed file changes the signature, and the slow path hashes
the content again.  An unchanged content gives the same stamp, so a touched
file does not rebuild anything.
"""
from __future__ import annotations

import os
import sys

from w2c import __version__

# hashlib costs 2-3 ms of OpenSSL loading and up to tens of ms on this loaded
# machine (min of 8: hashlib 36 ms, _hashlib 2.2 ms, _sha256 0.4 ms); the
# interpreter's own SHA-256 gives the same digests.
try:
    from _sha256 import sha256  # type: ignore[import-not-found]  # Python <= 3.11
except ImportError:  # pragma: no cover - depends on the Python version
    try:
        from _sha2 import sha256  # type: ignore[import-not-found]  # Python >= 3.12
    except ImportError:
        from hashlib import sha256

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def cache_dir() -> str:
    """w2c's cache folder: $W2C_CACHE_DIR, else $XDG_CACHE_HOME/w2c (~/.cache/w2c)."""
    base = os.environ.get("W2C_CACHE_DIR")
    if base:
        return base
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(xdg, "w2c")


def _data_dir(name: str) -> str:
    """As w2c.resources finds runtime_c/ and targets/ (installed or in a checkout)."""
    inside = os.path.join(_PACKAGE_DIR, name)
    return inside if os.path.isdir(inside) else os.path.join(os.path.dirname(_PACKAGE_DIR), name)


def stat_signature() -> str:
    """A hash of the relative path, size and mtime of every file that makes up
    w2c (Python caches excluded)."""
    h = sha256(__version__.encode() + b"\0")
    for root in (_PACKAGE_DIR, _data_dir("runtime_c"), _data_dir("targets")):
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for f in sorted(files):
                st = os.stat(os.path.join(folder, f))
                rel = os.path.relpath(os.path.join(folder, f), root)
                h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        h.update(b"\1")
    return h.hexdigest()[:40]


def stamp_path(signature: str) -> str:
    return os.path.join(cache_dir(), "stamps", signature)


def read_stamp(signature: str) -> str | None:
    """The content fingerprint stored for `signature`, or None."""
    try:
        with open(stamp_path(signature)) as f:
            text = f.read().strip()
    except OSError:
        return None
    return text if len(text) == 64 else None


def run_key(data: bytes, options: str, stamp: str) -> str:
    """The cache key of `w2c run`: module bytes, canonical options, w2c's stamp."""
    h = sha256(data)
    h.update(b"\0w2c " + __version__.encode() + b"\0" + stamp.encode() + b"\0")
    h.update(options.encode())
    return h.hexdigest()[:32]


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
    """As w2c.build.run_environment, or None where it would report an error."""
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
