"""The `w2c run` cache key (w2c/build.py): the module, the options and what
w2c itself is made of, so that a changed runtime or emitter rebuilds."""
from __future__ import annotations

from w2c import build


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


def test_cache_key_depends_on_module_options_and_toolchain(monkeypatch):
    key = build.cache_key(b"\0asm", {"cc": "gcc"})
    assert key == build.cache_key(b"\0asm", {"cc": "gcc"})
    assert key != build.cache_key(b"\0asm\1", {"cc": "gcc"})
    assert key != build.cache_key(b"\0asm", {"cc": "clang"})
    monkeypatch.setattr(build, "toolchain_fingerprint", lambda: "another w2c")
    assert key != build.cache_key(b"\0asm", {"cc": "gcc"})


def test_toolchain_fingerprint_changes_with_a_runtime_header(tmp_path, monkeypatch):
    import shutil
    from w2c import resources
    rt = tmp_path / "runtime_c"
    shutil.copytree(resources.runtime_dir(), rt)
    monkeypatch.setattr(resources, "runtime_dir", lambda: rt)
    fingerprint = build.toolchain_fingerprint.__wrapped__   # not the cached value
    before = fingerprint()
    assert len(before) == 64 and fingerprint() == before
    header = rt / "w2c_trap.h"
    header.write_text(header.read_text() + "/* changed */\n")
    assert fingerprint() != before
