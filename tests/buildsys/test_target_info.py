"""`w2c --cmake-dir`, `w2c --make-include` and `w2c target-info`: the paths,
the three formats read back by real make and cmake, the errors, the
toolchain files (one per profile), the package version, and the flags
agreeing with what `w2c build` runs (a logging wrapper around the real
compiler records its command lines)."""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

import w2c
from w2c.program import list_targets, load_target
from w2c.buildinfo import render, target_info
from .tools import ROOT, build_env, need, run, w2c_command

PROFILES = [t.name for t in list_targets()]


def w2c_run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([w2c_command(), *args], capture_output=True, text=True,
                          env=build_env(), timeout=60)


def info(name: str) -> dict:
    return json.loads(render(target_info(load_target(name)), "json"))


def test_json_command():
    p = w2c_run("target-info", "cortex-m3")
    assert p.returncode == 0 and p.stderr == ""
    assert json.loads(p.stdout) == info("cortex-m3")
    p = w2c_run("target-info", "rpi-armhf", "--format", "json")
    assert json.loads(p.stdout) == info("rpi-armhf")


def test_paths(tmp_path):
    p = w2c_run("--cmake-dir")
    assert p.returncode == 0 and p.stderr == ""
    cmake_dir = Path(p.stdout.strip())
    assert p.stdout == f"{cmake_dir}\n"
    for f in ("w2cConfig.cmake", "w2cConfigVersion.cmake", "W2C.cmake", "toolchain.cmake"):
        assert (cmake_dir / f).is_file(), f
    p = w2c_run("--make-include")
    assert p.returncode == 0 and p.stderr == ""
    mk = Path(p.stdout.strip())
    assert mk.name == "w2c.mk" and mk.is_file()
    # They are options of w2c itself: a command after them is not run.
    assert w2c_run("--cmake-dir", "targets").stdout == p.stdout.replace(str(mk), str(cmake_dir))


def test_toolchain_file_per_profile():
    """toolchains/<profile>.cmake for each targets/*.json.  (One for a profile
    not there, e.g. one being added, only fails when used: "no build data for
    the target profile".)"""
    cmake_dir = Path(w2c_run("--cmake-dir").stdout.strip())
    files = {p.stem for p in (cmake_dir / "toolchains").glob("*.cmake")}
    missing = sorted(set(PROFILES) - files)
    assert not missing, \
        f"add w2c/cmake/toolchains/<profile>.cmake for {missing}: copy another one, change the name"
    for name in files:
        text = (cmake_dir / "toolchains" / f"{name}.cmake").read_text()
        assert f"set(W2C_TARGET {name})\n" in text
        assert 'include("${CMAKE_CURRENT_LIST_DIR}/../toolchain.cmake")' in text


@pytest.mark.parametrize("name", PROFILES)
def test_json_from_the_profile(name):
    t = next(p for p in list_targets() if p.name == name)
    d = info(name)
    assert d["name"] == name and d["cc"] == t.cc and d["os"] == t.os
    assert d["cflags"] == t.cflags and d["defines"] == t.defines
    assert d["compile_flags"] == ["-std=c99", *t.cflags, *(f"-D{x}" for x in t.defines)]
    assert d["link_libs"] == t.ldflags
    assert d["link_flags"] == [*t.cflags, *d["firmware_ldflags"]]
    assert d["run"][-1] == "{elf}" or "{elf}" in d["run"]
    assert Path(d["runtime_dir"], "w2c_rt.h").is_file()
    if t.bare_metal:
        assert d["system_name"] == "Generic"
        assert [Path(s).name for s in d["startup"]] == [Path(s).name for s in t.startup]
        assert all(Path(s).is_file() for s in d["startup"])
        assert Path(d["linker_script"]).is_file()
        assert d["firmware_ldflags"][:2] == ["-T", d["linker_script"]]
        assert f"-Wl,--defsym=__stack_size={t.stack_bytes:#x}" in d["firmware_ldflags"]
    else:
        assert d["system_name"] == "Linux"
        assert d["startup"] == [] and d["linker_script"] is None and d["firmware_ldflags"] == []


def test_processor():
    assert info("rpi-aarch64")["system_processor"] == "aarch64"
    assert info("rpi-armhf")["system_processor"] == "arm"
    assert info("cortex-m3")["system_processor"] == "arm"
    assert info("riscv32")["system_processor"] == "riscv32"


MAKE_VARS = {"W2C_TARGET_CC": "cc", "W2C_TARGET_CFLAGS": "compile_flags",
             "W2C_TARGET_LDFLAGS": "link_flags", "W2C_TARGET_LDLIBS": "link_libs",
             "W2C_TARGET_STARTUP": "startup", "W2C_TARGET_RUN": "run",
             "W2C_TARGET_OS": "os", "W2C_TARGET_NAME": "name"}


@pytest.mark.parametrize("name", PROFILES)
def test_make_format(name, tmp_path):
    """One word per line (w2c.mk evals them one by one), and what make reads
    back, through w2c.mk, is the JSON's."""
    need("make")
    text = render(target_info(load_target(name)), "make")
    for line in text.splitlines():
        assert re.fullmatch(r"W2C_TARGET_[A-Z_]+(:=|\+=)\S*", line), line
    d = info(name)
    (tmp_path / "Makefile").write_text(
        "include $(shell w2c --make-include)\n"
        + "".join(f"$(info {v}=$({v}))\n" for v in MAKE_VARS)
        + "all: ;\n")
    out = run(["make", "-s", f"W2C_TARGET={name}"], tmp_path).stdout
    got = dict(line.split("=", 1) for line in out.splitlines())
    for var, key in MAKE_VARS.items():
        want = d[key] if isinstance(d[key], list) else [d[key]]
        assert got[var].split() == want, var
    assert got["W2C_TARGET_CC"] == d["cc"]


def test_make_cc(tmp_path):
    """W2C_TARGET sets CC to the profile's compiler, unless CC was given."""
    need("make")
    show = "include $(shell w2c --make-include)\n$(info CC=$(CC))\nall: ;\n"
    out = run(["make", "-s", "W2C_TARGET=riscv32", "CC=mycc", "-f", "-"], tmp_path,
              input=show).stdout
    assert out == "CC=mycc\n"
    out = run(["make", "-s", "W2C_TARGET=riscv32", "-f", "-"], tmp_path, input=show).stdout
    assert out == "CC=riscv64-unknown-elf-gcc\n"
    out = run(["make", "-s", "-f", "-"], tmp_path, input=show).stdout
    assert out == "CC=cc\n"


CMAKE_VARS = {"W2C_TARGET_CC": "cc", "W2C_TARGET_CFLAGS": "cflags",
              "W2C_TARGET_DEFINES": "defines", "W2C_TARGET_LDFLAGS": "link_flags",
              "W2C_TARGET_LDLIBS": "link_libs", "W2C_TARGET_FIRMWARE_LDFLAGS": "firmware_ldflags",
              "W2C_TARGET_STARTUP": "startup", "W2C_TARGET_RUN": "run",
              "W2C_TARGET_SYSTEM_NAME": "system_name", "W2C_RUNTIME_DIR": "runtime_dir"}


@pytest.mark.parametrize("name", PROFILES)
def test_cmake_format(name, tmp_path):
    need("cmake")
    (tmp_path / "info.cmake").write_text(render(target_info(load_target(name)), "cmake"))
    (tmp_path / "show.cmake").write_text(
        f'include("{tmp_path}/info.cmake")\n'
        + "".join(f'message("{v}=${{{v}}}")\n' for v in CMAKE_VARS))
    out = run(["cmake", "-P", "show.cmake"], tmp_path).stderr
    got = dict(line.split("=", 1) for line in out.splitlines())
    d = info(name)
    for var, key in CMAKE_VARS.items():
        want = d[key] if isinstance(d[key], list) else [d[key]]
        assert (got[var].split(";") if got[var] else []) == want, var


def test_errors():
    p = w2c_run("target-info", "no-such-board")
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.startswith("error: unknown target 'no-such-board' (known: ")
    assert len(p.stderr.splitlines()) == 1 and "cortex-m3" in p.stderr
    p = w2c_run("target-info", "cortex-m3", "--format", "ninja")
    assert p.returncode == 2 and "ninja" in p.stderr
    p = w2c_run("target-info")
    assert p.returncode == 2


def test_config_version(tmp_path):
    """w2cConfigVersion.cmake reads the version from w2c/__init__.py."""
    need("cmake")
    cmake_dir = Path(w2c_run("--cmake-dir").stdout.strip())
    major, minor = w2c.__version__.split(".")[:2]

    def check(requested: str) -> str:
        script = tmp_path / "v.cmake"
        parts = (requested.split(".") + ["", ""])[:2]
        script.write_text(
            f'set(PACKAGE_FIND_VERSION "{requested}")\n'
            f'set(PACKAGE_FIND_VERSION_MAJOR "{parts[0]}")\n'
            f'set(PACKAGE_FIND_VERSION_MINOR "{parts[1]}")\n'
            f'include("{cmake_dir}/w2cConfigVersion.cmake")\n'
            'message("${PACKAGE_VERSION} ${PACKAGE_VERSION_COMPATIBLE}")\n')
        return run(["cmake", "-P", script], tmp_path).stderr.strip()

    assert check(f"{major}.{minor}") == f"{w2c.__version__} TRUE"
    assert check(w2c.__version__) == f"{w2c.__version__} TRUE"
    assert check(f"{int(major) + 1}.0") == f"{w2c.__version__} FALSE"
    assert check(f"{major}.{int(minor) + 1}") == f"{w2c.__version__} FALSE"


# -- the same flags as `w2c build` ---------------------------------------------------------

# One log file per compiler process: w2c build runs compiles in parallel,
# and lines appended to one shared file by two processes interleave.
WRAPPER = """#!/bin/sh
{{ for a in "$@"; do printf '%s\\n' "$a"; done; echo '@@end'; }} > {log}/cc.$$.log
exec {cc} "$@"
"""


def logged_build(tmp_path: Path, target: str, cc: str) -> list[list[str]]:
    """The compiler command lines of `w2c build --target` (through a wrapper)."""
    log = tmp_path / "cc-logs"
    log.mkdir()
    wrapper = tmp_path / "logging-cc"
    wrapper.write_text(WRAPPER.format(log=shlex.quote(str(log)), cc=shlex.quote(cc)))
    wrapper.chmod(0o755)
    wasm = ROOT / "examples" / "cmake-rpi" / "greeter.wasm"   # a WASI command
    run([w2c_command(), "build", "--target", target, "--cc", wrapper, wasm,
         "-o", tmp_path / "out"], tmp_path)
    cmds, cur = [], []
    lines = [ln for f in sorted(log.iterdir()) for ln in f.read_text().splitlines()]
    for line in lines:
        if line == "@@end":
            cmds.append(cur)
            cur = []
        else:
            cur.append(line)
    return cmds


def test_same_flags_as_w2c_build_firmware(tmp_path):
    """Every compile of a firmware build uses target-info's compile_flags, the
    link its link_flags (with the linker script and memory map) and link_libs."""
    need("arm-none-eabi-gcc")
    d = info("cortex-m3")
    cmds = logged_build(tmp_path, "cortex-m3", d["cc"])
    compiles = [c for c in cmds if "-c" in c]
    links = [c for c in cmds if "-c" not in c]
    assert len(compiles) >= 3 + len(d["startup"]) - 1 and len(links) == 1
    startup_seen = set()
    for c in compiles:
        flags = c[:c.index("-c")]
        assert [f for f in flags if not f.startswith("-I")] == d["compile_flags"], c
        src = c[c.index("-c") + 1]
        if src in d["startup"]:
            startup_seen.add(src)
    assert startup_seen == set(d["startup"])
    link = links[0]
    assert link[:len(d["link_flags"])] == d["link_flags"]
    assert link[-len(d["link_libs"]):] == d["link_libs"]


def test_same_flags_as_w2c_build_linux(tmp_path):
    need("aarch64-linux-gnu-gcc")
    d = info("rpi-aarch64")
    # w2c build first asks the compiler what it is (-dM -E: gcc gets -fsignaling-nans)
    cmds = logged_build(tmp_path, "rpi-aarch64", d["cc"])
    # then (w2c.program) its version for the object cache, compiles each C
    # file with -c (the parts, the WASI glue, main) and links the objects
    probes = [c for c in cmds if "-dM" in c and "-E" in c]
    compiles = [c for c in cmds if "-c" in c]
    links = [c for c in cmds if c not in probes and "-c" not in c and "--version" not in c]
    assert len(probes) == 1 and len(compiles) >= 3 and len(links) == 1
    n = len(d["compile_flags"])
    for cmd in compiles:
        assert "-fsignaling-nans" in cmd
        flags = [f for f in cmd if f.startswith("-") and f not in ("-c", "-o")
                 and not f.startswith("-I")]
        assert flags[:n] == d["compile_flags"], cmd
    assert links[0][-len(d["link_libs"]):] == d["link_libs"]
    assert os.path.getsize(tmp_path / "out") > 0
