"""Target profiles (targets/*.json): the C compiler, flags, emulator and, for
bare metal, memory map of each machine w2c builds for.  Read by the front
door (w2c.frontdoor: a Translation's target), w2c.program (`w2c build`/`run`),
w2c.firmware and w2c.buildinfo (the CMake package and the Make fragment).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from w2c.resources import targets_dir


class BuildError(Exception):
    """An unknown target, or its C compiler failed or is missing (shown plainly to
    the user)."""


class OptionError(BuildError):
    """A build or run option that cannot be used (the CLI's usage error, exit 2):
    an unknown target, a --dir that is not a directory, an --env without
    `=`, an option the target does not take, a command line that does not
    split."""


@dataclass
class Target:
    name: str
    description: str
    cc: str
    cflags: list[str] = field(default_factory=list)
    ldflags: list[str] = field(default_factory=list)
    run: list[str] = field(default_factory=list)
    os: str = "linux"            # "none": bare metal (firmware, w2c.firmware)
    debian_packages: list[str] = field(default_factory=list)
    # bare metal only (see targets/README.md)
    defines: list[str] = field(default_factory=list)      # runtime configuration macros
    startup: list[str] = field(default_factory=list)      # C files under targets/
    linker_script: str | None = None                      # under targets/
    memory: dict = field(default_factory=dict)            # {"flash"|"ram": [origin, bytes]}
    stack_bytes: int = 0
    size_tool: str | None = None

    @property
    def bare_metal(self) -> bool:
        return self.os == "none"

    def run_command(self, exe: Path | str) -> list[str]:
        """How to run `exe` here: the emulator's command ({elf} in it is the
        file), the emulator prefix followed by the file, or the file itself."""
        if any("{elf}" in a for a in self.run):
            return [a.replace("{elf}", str(exe)) for a in self.run]
        return [*self.run, str(exe)]


HOST_TARGET = "linux-x86_64"


def list_targets() -> list[Target]:
    return [load_target(p.stem) for p in sorted(targets_dir().glob("*.json"))]


def load_target(name: str) -> Target:
    path = targets_dir() / f"{name}.json"
    if not path.is_file():
        known = ", ".join(p.stem for p in sorted(targets_dir().glob("*.json")))
        raise OptionError(f"unknown target '{name}' (known: {known}; `w2c targets` "
                          f"describes them)")
    return Target(**json.loads(path.read_text()))


__all__ = ["HOST_TARGET", "BuildError", "OptionError", "Target", "list_targets", "load_target"]
