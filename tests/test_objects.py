"""w2c.objects: C files compiled in parallel with the real gcc, each object
cached under a key of its text, the headers it includes, the compiler and
the flags; a failure reported with the compiler's message and no compiler
left running."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from w2c import objects
from w2c.target import BuildError

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc not installed")

GCC = ("gcc",)
FLAGS = ("-std=c99", "-O1")


def sources(work: Path) -> list[str]:
    work.mkdir(parents=True, exist_ok=True)
    (work / "shared.h").write_text('#include "deep.h"\nint twice(int);\n')
    (work / "deep.h").write_text("#define DEEP 3\n")
    (work / "only_b.h").write_text("#define B 5\n")
    (work / "a.c").write_text('#include "shared.h"\n#include <stdio.h>\n'
                              "int twice(int x) { return 2 * x + DEEP - 3; }\n")
    (work / "b.c").write_text('#include "shared.h"\n#include "only_b.h"\n'
                              "int main(void) { return twice(B) - 10; }\n")
    return ["a.c", "b.c"]


def children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return False
    return True


def test_included_follows_quoted_includes_in_the_folder(tmp_path: Path) -> None:
    sources(tmp_path)
    assert objects.included(tmp_path, "a.c") == ["a.c", "shared.h", "deep.h"]
    assert objects.included(tmp_path, "b.c") == ["b.c", "shared.h", "only_b.h", "deep.h"]


def test_objects_link_and_each_is_cached_by_its_inputs(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    names = sources(tmp_path / "w1")
    first, new = objects.compile_objects(tmp_path / "w1", names, GCC, FLAGS, jobs=2,
                                         cache=cache)
    assert [p.name for p in first] == ["a.o", "b.o"]
    assert not cache.exists()       # stored only once the build succeeded
    objects.store(new)
    stored = sorted(cache.rglob("*.o"))
    assert len(stored) == 2
    exe = tmp_path / "prog"
    assert os.system(f"gcc {first[0]} {first[1]} -o {exe}") == 0
    assert os.system(str(exe)) == 0

    # the same text in another folder: both from the cache, nothing compiled
    again, new = objects.compile_objects(tmp_path / "w2", sources(tmp_path / "w2"), GCC, FLAGS,
                                         jobs=2, cache=cache)
    assert sorted(again) == stored and new == []
    assert not (tmp_path / "w2" / "a.o").exists() and not (tmp_path / "w2" / "b.o").exists()

    # a header only b.c includes: b.c alone is compiled again
    w3 = tmp_path / "w3"
    sources(w3)
    (w3 / "only_b.h").write_text("#define B 6\n")
    third, new = objects.compile_objects(w3, names, GCC, FLAGS, jobs=2, cache=cache)
    assert third[0] in stored and third[1] not in stored and new[0][0] == third[1]
    assert (w3 / "b.o").exists() and not (w3 / "a.o").exists()

    # other flags or another compiler: new keys for both
    key = objects.object_key(w3, "a.c", GCC, FLAGS)
    assert objects.object_key(w3, "a.c", GCC, ("-std=c99", "-O2")) != key
    if shutil.which("clang"):
        assert objects.object_key(w3, "a.c", ("clang",), FLAGS) != key
    (w3 / "deep.h").write_text("#define DEEP 4\n")
    assert objects.object_key(w3, "a.c", GCC, FLAGS) != key


def test_no_cache_compiles_in_the_work_folder(tmp_path: Path) -> None:
    names = sources(tmp_path)
    objs, new = objects.compile_objects(tmp_path, names, GCC, FLAGS, jobs=1)
    assert objs == [tmp_path / "a.o", tmp_path / "b.o"] and new == []


def test_a_cache_that_cannot_be_written_keeps_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache's folder would go\n")
    objects.write_cache_file(blocked / "ab" / "x.o", b"obj")
    assert blocked.read_text().startswith("a file")
    ro = tmp_path / "ro"
    ro.mkdir()
    objects.write_cache_file(ro / "x.o", b"obj")
    assert (ro / "x.o").read_bytes() == b"obj"


def test_a_failure_names_the_file_and_leaves_no_compiler(tmp_path: Path) -> None:
    names = sources(tmp_path)
    for k in range(6):
        (tmp_path / f"ok{k}.c").write_text(f"int f{k}(void) {{ return {k}; }}\n")
    (tmp_path / "bad.c").write_text("int broken(void) { return undeclared_name; }\n")
    with pytest.raises(BuildError) as err:
        objects.compile_objects(tmp_path, [*names, "bad.c", *(f"ok{k}.c" for k in range(6))],
                                GCC, FLAGS, jobs=3)
    text = str(err.value)
    assert text.startswith("the C compiler failed (gcc, exit 1) on bad.c:\n")
    assert "undeclared_name" in text
    assert not children_left()


def test_default_jobs_is_the_cpus_we_may_use() -> None:
    assert 1 <= objects.default_jobs() <= (os.cpu_count() or 1)
