"""scripts/test installs every Debian package the tests need: each package
a target profile or a test's skip message names is in its TEST_APT_PACKAGES
(a fresh machine once missed clang's sanitizer runtime), and on Debian
each listed package exists in the archive the machine uses."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from w2c.program import list_targets

from tests.buildsys.tools import PACKAGES


def script_packages(repo_root) -> list[str]:
    text = (repo_root / "scripts" / "test").read_text()
    body = re.search(r"^TEST_APT_PACKAGES=\((.*?)^\)", text, re.M | re.S)
    assert body, "no TEST_APT_PACKAGES=( ... ) in scripts/test"
    return [w for line in body.group(1).splitlines() for w in line.split("#")[0].split()]


def test_targets_and_skip_hints_are_listed(repo_root):
    listed = set(script_packages(repo_root))
    wanted = {p: f"target {t.name}" for t in list_targets() for p in t.debian_packages}
    wanted.update({p: f"tests/buildsys/tools.py ({tool})" for tool, pkgs in PACKAGES.items()
                   for p in pkgs.split()})
    # The packages the skip messages of the other tests name.
    for path in (repo_root / "tests").rglob("*.py"):
        for m in re.finditer(r"apt-get install (?:-y )?([a-z0-9][a-z0-9 .+-]*)",
                             path.read_text()):
            for p in m.group(1).split():
                if re.fullmatch(r"[a-z0-9][a-z0-9.+-]*[a-z0-9]", p):  # ("gcc-{..}": no)
                    wanted.setdefault(p, str(path.relative_to(repo_root)))
    missing = {p: why for p, why in wanted.items() if p not in listed}
    assert not missing, f"not in scripts/test's TEST_APT_PACKAGES: {missing}"


def test_sanitizer_runtime_listed(repo_root):
    """clang -fsanitize=address on x86-64 links libclang_rt.asan_static (libclang-rt-14-dev)."""
    assert "libclang-rt-14-dev" in script_packages(repo_root)


def test_listed_packages_exist(repo_root):
    if shutil.which("apt-cache") is None:
        pytest.skip("not a Debian machine (no apt-cache)")
    packages = script_packages(repo_root)
    p = subprocess.run(["apt-cache", "show", "--no-all-versions", *packages],
                       capture_output=True, text=True)
    known = set(re.findall(r"^Package: (\S+)$", p.stdout, re.M))
    if not known:
        pytest.skip("apt-cache knows no packages here (no package lists)")
    assert set(packages) <= known, f"unknown to apt: {sorted(set(packages) - known)}"
