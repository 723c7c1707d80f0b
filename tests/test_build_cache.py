"""The `w2c run` cache key (w2c/program.py, w2c/quickrun.py): the module, the
options and what w2c itself is made of, so that a changed runtime or emitter
rebuilds; the fast path of a cached run computes the same key."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from w2c import program as build
from w2c import quickrun, resources, runkey


def test_tree_digest_sees_contents_names_and_new_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.h").write_text("int x;\n")
    (tmp_path / "y.py").write_text("y = 1\n")
    first = build.tree_digest(tmp_path)
    assert build.tree_digest(tmp_path) == first
    (tmp_path / "a" / "x.h").write_text("int x = 1;\n")
    second = build.tree_digest(tmp_path)
    assert second != first
    (tmp_path / "a" / "x.h").rename(tmp_path / "a" / "z.h")
    third = build.tree_digest(tmp_path)
    assert third not in (first, second)
    (tmp_path / "new.c").write_text("")
    assert build.tree_digest(tmp_path) != third
    # Python's caches do not count
    before = build.tree_digest(tmp_path)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "y.cpython-311.pyc").write_bytes(b"\0")
    assert build.tree_digest(tmp_path) == before


def test_cache_key_depends_on_module_options_and_toolchain(monkeypatch, tmp_path):
    monkeypatch.setenv("W2C_CACHE_DIR", str(tmp_path))
    key = build.cache_key(b"\0asm", {"cc": "gcc"})
    assert key == build.cache_key(b"\0asm", {"cc": "gcc"})
    assert key != build.cache_key(b"\0asm\1", {"cc": "gcc"})
    assert key != build.cache_key(b"\0asm", {"cc": "clang"})
    assert key != build.cache_key(b"\0asm", {"cc": "gcc"}, stamp="another w2c")
    # the stamp of w2c is the fingerprint of its files, stored under their signature
    assert build.toolchain_stamp() == build.toolchain_fingerprint()
    stored = tmp_path / "stamps" / runkey.stat_signature()
    assert not stored.exists()
    build.save_stamp()
    assert stored.read_text().strip() == build.toolchain_fingerprint()
    stored.write_text("0" * 64 + "\n")      # as if w2c had other contents
    assert build.toolchain_stamp() == "0" * 64
    assert key != build.cache_key(b"\0asm", {"cc": "gcc"})


def test_default_options_key_as_the_fast_path_does(monkeypatch, tmp_path):
    """`w2c run FILE` without options has the key quickrun.fast_run computes."""
    monkeypatch.setenv("W2C_CACHE_DIR", str(tmp_path))
    stamp = build.toolchain_stamp()
    defaults = build.default_run_options()
    assert build.cache_key(b"\0asm", defaults) == runkey.run_key(b"\0asm", "", stamp)
    assert build.cache_key(b"\0asm", dict(defaults, cc="gcc")) != \
        runkey.run_key(b"\0asm", "", stamp)
    # the host profile runs its executables directly, as the fast path does
    assert build.load_target(build.HOST_TARGET).run == []


def test_stat_signature_sees_a_touched_file(tmp_path, monkeypatch):
    pkg = tmp_path / "w2c"
    shutil.copytree(Path(runkey.__file__).parent, pkg,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(runkey, "_PACKAGE_DIR", str(pkg))
    before = runkey.stat_signature()
    assert runkey.stat_signature() == before
    (pkg / "__pycache__").mkdir(exist_ok=True)
    (pkg / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert runkey.stat_signature() == before
    f = pkg / "errors.py"
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert runkey.stat_signature() != before


def test_toolchain_fingerprint_changes_with_a_runtime_header(tmp_path, monkeypatch):
    rt = tmp_path / "runtime_c"
    shutil.copytree(resources.runtime_dir(), rt)
    monkeypatch.setattr(resources, "runtime_dir", lambda: rt)
    fingerprint = build.toolchain_fingerprint.__wrapped__   # not the cached value
    before = fingerprint()
    assert len(before) == 64 and fingerprint() == before
    header = rt / "w2c_trap.h"
    header.write_text(header.read_text() + "/* changed */\n")
    assert fingerprint() != before
