"""The keys of w2c's run cache, shared by the fast path of a cached `w2c
run` (w2c.quickrun) and the slow path that builds (w2c.program): the cache
folder, a signature of w2c's own files (names, sizes, mtimes), the stamp
stored for it, and run_key.  Imports only what w2c.quickrun may (os, the
interpreter's SHA-256, w2c's version): see that module for the figures.
"""
from __future__ import annotations

import os

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
