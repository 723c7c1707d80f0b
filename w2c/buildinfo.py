"""What other build systems need from w2c: its shipped build files and a
target profile's compiler, flags and firmware parts.

    cmake_dir()          -> .../w2c/cmake      the CMake package (w2cConfig.cmake,
                                               W2C.cmake, toolchain files)
    make_include()       -> .../w2c/make/w2c.mk  the GNU Make fragment
    target_info(target)  -> TargetInfo          a profile's build data, computed
                                               from targets/<name>.json
    render(info, fmt)    -> text                it as "json", "make" or "cmake"

`w2c --cmake-dir`, `w2c --make-include` and `w2c target-info NAME
[--format json|make|cmake]` print these (see docs/build-systems.md).  The
profiles in targets/ stay the one source of truth: the flags here are the
ones `w2c build` uses (w2c.program for Linux targets, w2c.firmware's
build_firmware for bare metal, whose memory map it takes from
memory_defsyms() below), so a firmware built by Make or CMake is the
firmware `w2c build --target` makes.
"""
from __future__ import annotations

import json
import platform
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import jinja2

from w2c.firmware import memory_map
from w2c.resources import runtime_dir, targets_dir, templates_dir

_PACKAGE_DIR = Path(__file__).resolve().parent
FORMATS = ("json", "make", "cmake")


def cmake_dir() -> Path:
    """The CMake package folder (for -Dw2c_DIR=... or CMAKE_PREFIX_PATH)."""
    return _PACKAGE_DIR / "cmake"


def make_include() -> Path:
    """The GNU Make fragment (`include $(shell w2c --make-include)`)."""
    return _PACKAGE_DIR / "make" / "w2c.mk"


def memory_defsyms(profile) -> list[str]:
    """The linker options giving firmware.ld a bare-metal profile's memory map."""
    mm = memory_map(profile)
    return [f"-Wl,--defsym=__flash={mm['flash'][0]:#x}",
            f"-Wl,--defsym=__flash_size={mm['flash'][1]:#x}",
            f"-Wl,--defsym=__ram={mm['ram'][0]:#x}",
            f"-Wl,--defsym=__ram_size={mm['ram'][1]:#x}",
            f"-Wl,--defsym=__stack_size={profile.stack_bytes:#x}"]


@dataclass
class TargetInfo:
    """A profile as build systems use it (every path absolute)."""
    name: str
    description: str
    os: str                     # "linux" or "none" (bare metal)
    cc: str
    system_name: str            # CMAKE_SYSTEM_NAME: "Linux" or "Generic"
    system_processor: str       # CMAKE_SYSTEM_PROCESSOR: arm, aarch64, riscv32, ...
    cflags: list[str]           # the profile's own C flags (CPU, optimisation)
    defines: list[str]          # runtime configuration macros (NAME or NAME=VALUE)
    compile_flags: list[str]    # every flag of a C compile: -std=c99, cflags, -D defines
    link_flags: list[str]       # link options before the objects (cflags + firmware_ldflags)
    link_libs: list[str]        # link options after the objects (the profile's ldflags)
    firmware_ldflags: list[str] = field(default_factory=list)   # -T script, memory map
    startup: list[str] = field(default_factory=list)   # C sources of a firmware image
    linker_script: str | None = None
    memory: dict = field(default_factory=dict)          # {"flash"|"ram": [origin, bytes]}
    stack_bytes: int = 0
    run: list[str] = field(default_factory=list)        # how to run it; "{elf}" is the file
    size_tool: str | None = None
    debian_packages: list[str] = field(default_factory=list)
    runtime_dir: str = ""
    targets_dir: str = ""


def _processor(profile) -> str:
    triple = profile.cc.rsplit("/", 1)[-1]
    arch = triple.split("-")[0] if "-" in triple else platform.machine()
    for flag in profile.cflags:
        m = re.match(r"-march=rv(32|64)", flag)
        if m:
            return "riscv" + m.group(1)
    return arch


def target_info(profile) -> TargetInfo:
    """The build data of `profile` (a w2c.target.Target)."""
    tdir = targets_dir()
    bare = profile.bare_metal
    defines = list(profile.defines)
    compile_flags = ["-std=c99", *profile.cflags, *(f"-D{d}" for d in defines)]
    firmware_ldflags = ["-T", str(tdir / profile.linker_script), *memory_defsyms(profile)] \
        if bare else []
    run = list(profile.run)
    if not any("{elf}" in a for a in run):
        run.append("{elf}")
    return TargetInfo(
        name=profile.name, description=profile.description, os=profile.os, cc=profile.cc,
        system_name="Generic" if bare else "Linux", system_processor=_processor(profile),
        cflags=list(profile.cflags), defines=defines, compile_flags=compile_flags,
        link_flags=[*profile.cflags, *firmware_ldflags], link_libs=list(profile.ldflags),
        firmware_ldflags=firmware_ldflags,
        startup=[str(tdir / s) for s in profile.startup],
        linker_script=str(tdir / profile.linker_script) if profile.linker_script else None,
        memory={k: list(v) for k, v in memory_map(profile).items()} if bare else {},
        stack_bytes=profile.stack_bytes, run=run, size_tool=profile.size_tool,
        debian_packages=list(profile.debian_packages),
        runtime_dir=str(runtime_dir()), targets_dir=str(tdir))


class FormatError(ValueError):
    """A value cannot be written in the requested format (e.g. a space in a Make word)."""


def _make_word(value: str) -> str:
    if not value or re.search(r"\s", value):
        raise FormatError(f"{value!r} cannot be one word of a Makefile")
    return value.replace("$", "$$").replace("#", r"\#")


def _cmake_arg(value: str) -> str:
    """A CMake bracket argument holding `value` exactly."""
    n = 0
    while f"]{'=' * n}]" in value:
        n += 1
    return f"[{'=' * n}[{value}]{'=' * n}]"


def _cmake_list(values: list[str]) -> str:
    for v in values:
        if ";" in v:
            raise FormatError(f"{v!r}: a ';' cannot be part of a CMake list element")
    return _cmake_arg(";".join(values))


def _env():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())),
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["make_word"] = _make_word
    env.filters["cmake_arg"] = _cmake_arg
    env.filters["cmake_list"] = _cmake_list
    return env


def render(info: TargetInfo, fmt: str) -> str:
    """`info` as JSON, as Makefile assignments or as CMake set() commands.

    The Makefile text is one assignment per line, each one word long
    (`VAR:=` then `VAR+=word`), so that w2c.mk can take it from $(shell ...)
    (which joins lines with spaces) and $(eval) each word."""
    if fmt == "json":
        return json.dumps(asdict(info), indent=2) + "\n"
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    template = "target_info.mk.j2" if fmt == "make" else "target_info.cmake.j2"
    return _env().get_template(template).render(t=info, memory=info.memory)
