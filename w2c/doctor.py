"""`w2c doctor`: what this machine can build and run, beside the pipeline.
For each target profile (targets/*.json) it tries the profile's C compiler
for real -- a small C file compiled with the profile's flags, and linked
for hosted targets (which needs the target's C library) -- and looks for
the emulator `w2c run --target` uses; for what is missing it prints the
Debian/Ubuntu command that installs it (the profile's debian_packages).
It also checks the optional tools of other commands: a second host
compiler (clang) and wasm-tools (text-format input, w2c/wat.py).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from w2c.target import Target, list_targets
from w2c.wat import find_wasm_tools

# Hosted targets need their C library (string.h, and libc to link); bare
# metal only the compiler's own freestanding headers (the firmware brings
# its small libc: targets/baremetal/mini_libc.c).
PROBE_HOSTED = "#include <stdint.h>\n#include <string.h>\n" \
               "int main(void) { uint32_t x = 1; return (int)(x - 1u); }\n"
PROBE_BARE = "#include <stdint.h>\n#include <stddef.h>\n" \
             "uint32_t probe(size_t n) { return (uint32_t)n; }\n"
# Packages a hosted cross compiler needs besides its own (only recommended by it).
LIBC_PACKAGES = {"aarch64-linux-gnu-gcc": "libc6-dev-arm64-cross",
                 "arm-linux-gnueabihf-gcc": "libc6-dev-armhf-cross",
                 "s390x-linux-gnu-gcc": "libc6-dev-s390x-cross"}


@dataclass(frozen=True)
class TargetStatus:
    """One profile: can it build (problem None), can it run here, what to install."""
    target: Target
    compiler: str | None         # "arm-none-eabi-gcc 12.2.1", None when missing
    build_problem: str | None    # why it cannot build (None: it can)
    emulator: str | None         # the run command's program if the profile needs one
    emulator_found: bool
    install: list[str]           # Debian packages that would fix what is missing

    @property
    def ready(self) -> bool:
        return self.build_problem is None and self.emulator_found


def _version(cc: str) -> str:
    try:
        out = subprocess.run([cc, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return cc
    first = out.stdout.splitlines()[0] if out.stdout else ""
    numbers = [w for w in first.split() if re.fullmatch(r"\d+\.\d+(\.\d+)?", w)]
    return f"{cc} {numbers[0]}" if numbers else cc


def _try_compiler(t: Target, work: Path) -> str | None:
    """None if the profile's compiler builds the probe, else its first error."""
    src = work / f"{t.name}.c"
    src.write_text(PROBE_BARE if t.bare_metal else PROBE_HOSTED)
    cmd = [t.cc, *t.cflags, str(src), "-o", str(work / t.name)]
    if t.bare_metal:
        cmd.insert(-2, "-c")
    else:
        cmd += t.ldflags
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as err:
        return str(err)
    if p.returncode == 0:
        return None
    lines = [ln for ln in p.stderr.splitlines() if "error" in ln] or p.stderr.splitlines()
    return lines[0].strip() if lines else f"{t.cc} failed"


def check_target(t: Target, work: Path) -> TargetStatus:
    found = shutil.which(t.cc)
    problem = None if found else f"{t.cc} not found"
    if found:
        problem = _try_compiler(t, work)
    emulator = t.run[0] if t.run else None
    emu_found = emulator is None or shutil.which(emulator) is not None
    install: list[str] = []
    if problem is not None:
        install += [p for p in t.debian_packages if not p.startswith("qemu")]
        if t.cc in LIBC_PACKAGES and found:
            install.append(LIBC_PACKAGES[t.cc])
    if not emu_found:
        install += [p for p in t.debian_packages if p.startswith("qemu")]
    return TargetStatus(t, _version(t.cc) if found else None, problem, emulator, emu_found,
                        install)


def check_all() -> list[TargetStatus]:
    with tempfile.TemporaryDirectory(prefix="w2c-doctor-") as tmp:
        return [check_target(t, Path(tmp)) for t in list_targets()]


def _install_line(packages: list[str]) -> str:
    return "sudo apt-get install -y " + " ".join(dict.fromkeys(packages))


def format_report(statuses: list[TargetStatus]) -> str:
    """One line per target, then the optional tools; the install commands."""
    lines = []
    width = max(len(s.target.name) for s in statuses) + 2
    for s in statuses:
        if s.ready:
            what = s.compiler or s.target.cc
            if s.emulator:
                what += f"; runs here under {s.emulator}"
            lines.append(f"{s.target.name:{width}}ready    {what}")
            continue
        if s.build_problem is None:
            what = (f"builds with {s.compiler}; to run it here (w2c run --target "
                    f"{s.target.name}): {_install_line(s.install)}")
            lines.append(f"{s.target.name:{width}}build    {what}")
            continue
        fix = _install_line(s.install) if s.install else "see docs/targets.md"
        lines.append(f"{s.target.name:{width}}missing  {s.build_problem}; install: {fix}")
    lines.append("")
    clang = shutil.which("clang")
    lines.append(f"{'clang':{width}}{'ok' if clang else 'missing':9}"
                 + (_version("clang") if clang else
                    "the second host compiler (optional): sudo apt-get install -y clang"))
    wt = find_wasm_tools()
    lines.append(f"{'wasm-tools':{width}}{'ok' if wt else 'missing':9}"
                 + ("text-format (.wat) input" if wt else
                    "for .wat input (optional): pip install 'w2c[wat]'"))
    return "\n".join(lines) + "\n"
