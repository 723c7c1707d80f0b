"""Packaging: the wheel, an install of it, an editable install, the example, the scripts.

The wheel is built from a copy of the source tree (the files git tracks or
would track), so the build never writes into the checkout and a file that
is missing from git is missing here too.  It is installed into a fresh venv
and run from a folder outside the source tree; the data folders
(runtime_c/, targets/, templates) must then come from site-packages.
Installing into a fresh venv fetches click, jinja2 and pycparser from PyPI
(or pip's cache).  About a minute in all.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

import w2c
from w2c import resources

TIMEOUT = 900
IGNORED = {".git", ".venv", "__pycache__", ".pytest_cache", "build", "dist", "out"}


def run(cmd, cwd, check=True, **kw) -> subprocess.CompletedProcess:
    """Run `cmd` with a clean environment (no PYTHONPATH, no active venv)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=TIMEOUT, **kw)
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} exited {proc.returncode}\n"
                    f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
    return proc


def source_files(repo: Path) -> list[Path]:
    """The files git tracks or would track (not ignored), relative to `repo`."""
    if (repo / ".git").exists() and shutil.which("git"):
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=repo, capture_output=True, check=True).stdout
        names = [Path(n) for n in out.decode().split("\0") if n]
    else:
        names = [p.relative_to(repo) for p in repo.rglob("*") if p.is_file()]
    return [n for n in names
            if not IGNORED & set(n.parts) and not n.parts[0].endswith(".egg-info")
            and (repo / n).is_file()]


@pytest.fixture(scope="module")
def source_copy(repo_root, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("src") / "w2c-src"
    for name in source_files(repo_root):
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo_root / name, dest / name)
    return dest


def _setuptools_ok() -> bool:
    try:
        major = int(metadata.version("setuptools").split(".")[0])
    except (metadata.PackageNotFoundError, ValueError):
        return False
    return major >= 77


@pytest.fixture(scope="module")
def wheel(source_copy, tmp_path_factory) -> Path:
    """The wheel built from the source copy (without build isolation when possible)."""
    out = tmp_path_factory.mktemp("wheel")
    cmd = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", out]
    if _setuptools_ok():
        cmd.append("--no-build-isolation")
    run(cmd + [source_copy], cwd=out)
    wheels = list(out.glob("w2c-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def make_venv(path: Path) -> Path:
    """A fresh venv at `path` (from the base interpreter); returns its python."""
    run([sys.executable, "-m", "venv", path], cwd=path.parent)
    return path / "bin" / "python"


def purelib(python: Path) -> Path:
    out = run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
              cwd=python.parent).stdout
    return Path(out.strip()).resolve()


PROBE = """
import json, w2c
from w2c import resources
print(json.dumps({
    "w2c": w2c.__file__,
    "runtime": str(resources.runtime_dir()),
    "targets": str(resources.targets_dir()),
    "templates": str(resources.templates_dir()),
}))
"""


def probe(python: Path, cwd: Path) -> dict[str, Path]:
    out = run([python, "-c", PROBE], cwd=cwd).stdout
    return {k: Path(v).resolve() for k, v in json.loads(out).items()}


def test_wheel_contents(wheel, source_copy):
    names = set(zipfile.ZipFile(wheel).namelist())
    # The data folders, under the package.
    assert "w2c/runtime_c/README.md" in names
    assert "w2c/targets/README.md" in names
    assert "w2c/templates/__init__.py" in names
    assert "w2c/resources.py" in names
    # Every module of the source tree (the package list in pyproject.toml is explicit).
    for py in (source_copy / "w2c").rglob("*.py"):
        assert f"w2c/{py.relative_to(source_copy / 'w2c').as_posix()}" in names, \
            f"{py.relative_to(source_copy)} is missing from the wheel: " \
            "add its package to [tool.setuptools] packages in pyproject.toml"
    # Every data file of runtime_c/ and targets/.
    for top in ("runtime_c", "targets"):
        for f in (source_copy / top).rglob("*"):
            if f.is_file():
                assert f"w2c/{f.relative_to(source_copy).as_posix()}" in names
    # The build-system files (w2c --cmake-dir, w2c --make-include), in place.
    for top in ("w2c/cmake", "w2c/make"):
        for f in (source_copy / top).rglob("*"):
            if f.is_file():
                assert f.relative_to(source_copy).as_posix() in names, f
    for f in ("w2c/cmake/w2cConfig.cmake", "w2c/cmake/w2cConfigVersion.cmake",
              "w2c/cmake/W2C.cmake", "w2c/cmake/toolchain.cmake",
              "w2c/cmake/toolchains/rpi-aarch64.cmake", "w2c/cmake/toolchains/cortex-m3.cmake",
              "w2c/make/w2c.mk", "w2c/templates/target_info.cmake.j2",
              "w2c/templates/target_info.mk.j2"):
        assert f in names, f
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith(("tests/", "examples/", "runtime_c/",
                                                  "targets/", "scripts/"))]
    entry_points = zipfile.ZipFile(wheel).read(
        f"w2c-{w2c.__version__}.dist-info/entry_points.txt").decode()
    assert "w2c = w2c.quickrun:main" in entry_points


def test_installed_wheel(wheel, repo_root, tmp_path):
    python = make_venv(tmp_path / "venv")
    run([python, "-m", "pip", "install", "-q", wheel], cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    exe = tmp_path / "venv" / "bin" / "w2c"

    version = run([exe, "--version"], cwd=elsewhere).stdout
    assert version.strip() == f"w2c {w2c.__version__}"
    assert run([python, "-m", "w2c", "--version"], cwd=elsewhere).stdout == version

    example = repo_root / "examples" / "hello" / "hello.wasm"
    proc = run([exe, "validate", example], cwd=elsewhere)
    assert proc.stderr == ""
    info = run([exe, "info", "--json", example], cwd=elsewhere).stdout
    assert isinstance(json.loads(info), dict)
    # compile uses the shipped templates and runtime headers; the folder then
    # builds with nothing but a C compiler
    run([exe, "compile", example, "-o", "out/hello.c"], cwd=elsewhere)
    assert (elsewhere / "out" / "w2c_rt.h").is_file()
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc:
        run([cc, "-std=c99", "-c", "out/hello.c", "-o", "out/hello.o"], cwd=elsewhere)

    site = purelib(python)
    # The build-system files come from site-packages too.
    assert run([exe, "--cmake-dir"], cwd=elsewhere).stdout == f"{site / 'w2c' / 'cmake'}\n"
    assert run([exe, "--make-include"], cwd=elsewhere).stdout == \
        f"{site / 'w2c' / 'make' / 'w2c.mk'}\n"
    info = json.loads(run([exe, "target-info", "cortex-m3"], cwd=elsewhere).stdout)
    assert Path(info["linker_script"]).resolve().is_relative_to(site / "w2c" / "targets")
    _installed_build_files(exe, site, repo_root, tmp_path)

    found = probe(python, elsewhere)
    assert found["w2c"] == site / "w2c" / "__init__.py"
    assert found["runtime"] == site / "w2c" / "runtime_c"
    assert (found["runtime"] / "README.md").is_file()
    assert found["targets"] == site / "w2c" / "targets"
    assert (found["targets"] / "README.md").is_file()
    assert found["templates"] == site / "w2c" / "templates"
    assert (found["templates"] / "__init__.py").is_file()


def _installed_build_files(exe: Path, site: Path, repo_root: Path, tmp_path: Path) -> None:
    """The installed Make fragment and CMake package build examples/hello with
    the installed runtime.  The venv's bin/ is not on PATH: w2c.mk is given W2C,
    the CMake package finds the w2c installed beside it on its own."""
    cc = shutil.which("cc") or shutil.which("gcc")
    hello = repo_root / "examples" / "hello"
    if shutil.which("make") and cc:
        proj = tmp_path / "make-project"
        proj.mkdir()
        shutil.copy(hello / "hello.wasm", proj)
        shutil.copy(hello / "main.c", proj)
        (proj / "Makefile").write_text(
            f"include {site / 'w2c' / 'make' / 'w2c.mk'}\n"
            "$(info RUNTIME=$(W2C_RUNTIME_DIR))\n"
            "app: main.o hello.o\n\t$(CC) $^ -o $@ -lm\nmain.o: hello.h\n")
        out = run(["make", f"W2C={exe}"], cwd=proj).stdout
        assert f"RUNTIME={site / 'w2c' / 'runtime_c'}\n" in out
        assert run([proj / "app"], cwd=proj).stdout.startswith("Hello from w2c!\n")
    if shutil.which("cmake") and shutil.which("make") and cc:
        proj = tmp_path / "cmake-project"
        proj.mkdir()
        shutil.copy(hello / "hello.wasm", proj)
        shutil.copy(hello / "main.c", proj)
        (proj / "CMakeLists.txt").write_text(
            "cmake_minimum_required(VERSION 3.16)\nproject(p C)\n"
            "find_package(w2c 0.2 REQUIRED)\nadd_executable(app main.c)\n"
            "w2c_add_module(app hello.wasm)\ntarget_link_libraries(app PRIVATE m)\n")
        run(["cmake", "-S", proj, "-B", proj / "build", f"-Dw2c_DIR={site / 'w2c' / 'cmake'}"],
            cwd=proj)
        cache = (proj / "build" / "CMakeCache.txt").read_text()
        assert f"W2C_EXECUTABLE:FILEPATH={exe}\n" in cache
        run(["cmake", "--build", proj / "build"], cwd=proj)
        assert run([proj / "build" / "app"], cwd=proj).stdout.startswith("Hello from w2c!\n")


def test_editable_install(source_copy, tmp_path):
    """`pip install -e .` (what scripts/demo and scripts/test do) finds the top-level folders."""
    python = make_venv(tmp_path / "venv")
    run([python, "-m", "pip", "install", "-q", "--no-deps", "-e", source_copy], cwd=tmp_path)
    found = probe(python, tmp_path)
    src = source_copy.resolve()
    assert found["w2c"] == src / "w2c" / "__init__.py"
    assert found["runtime"] == src / "runtime_c"
    assert found["targets"] == src / "targets"
    assert found["templates"] == src / "w2c" / "templates"


def test_resources_in_this_checkout(repo_root):
    if Path(w2c.__file__).resolve().parent != repo_root / "w2c":
        pytest.skip("w2c is imported from an install, not from this checkout")
    assert resources.runtime_dir() == repo_root / "runtime_c"
    assert resources.targets_dir() == repo_root / "targets"
    assert resources.templates_dir() == repo_root / "w2c" / "templates"
    assert (resources.runtime_dir() / "README.md").is_file()


def test_example_wasm_matches_wat(repo_root, wat2wasm):
    """examples/hello/hello.wasm is hello.wat assembled (re-run wat2wasm if this fails)."""
    here = repo_root / "examples" / "hello"
    built = wat2wasm((here / "hello.wat").read_text(), debug_names=True)
    committed = (here / "hello.wasm").read_bytes()
    if built != committed and shutil.which("wasm-tools"):
        # Another wabt version may lay the bytes out differently; compare the text.
        def text(data: bytes) -> str:
            return subprocess.run(["wasm-tools", "print"], input=data, capture_output=True,
                                  check=True).stdout.decode()
        assert text(built) == text(committed), \
            "hello.wasm is stale: wat2wasm --debug-names hello.wat -o hello.wasm"
    else:
        assert built == committed, \
            "hello.wasm is stale: wat2wasm --debug-names hello.wat -o hello.wasm"


def test_readme_opens_with_the_two_scripts(repo_root):
    """README.md's first code block is the demo and the test command, and both exist."""
    text = (repo_root / "README.md").read_text()
    block = text.split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in block.splitlines()[1:]]
    commands = [c for c in commands if c]
    assert commands == ["./scripts/demo", "./scripts/test"]
    for command in commands:
        script = repo_root / command
        assert script.is_file() and os.access(script, os.X_OK), command
        subprocess.run(["bash", "-n", str(script)], check=True)
    ci = (repo_root / ".ci" / "run").read_text()
    assert "scripts/test" in ci
