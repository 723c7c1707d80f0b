"""Counting and sizing for the Cortex-M bench (bench/chip.py).

Instruction counts: a QEMU TCG plugin (bench/chipfw/insncount.c, built here
with the host's gcc into the cache) adds one per executed guest instruction
and records the count each time the firmware's bench_mark() runs; the
kernel's count is the difference between its two marks (the call of the
kernel and its return included).  The count does not depend on the host's
load or speed, and calibrate() checks it: a loop of two instructions run N1
and N2 times must differ by exactly 2 * (N2 - N1), and one firmware run
twice must give the same counts.

Sizes: footprint() reads the linker map and puts every input section's
bytes into harness (startup, semihosting, mini libc, report: the same code
in every build), runtime (wasm3's interpreter; w2c's out-of-line runtime
functions; newlib and libgcc members) or module (the program: translated
code and its data, the .wasm bytes in flash, native's compiled C), in flash
(.text, .rodata, .data's initial values) or RAM (.data, .bss).
"""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.chip_build import FW, BuildFailed, cache_dir, compile_objs, harness_jobs, link
from w2c.firmware import map_pieces

RUN_TIMEOUT = 600
PLUGIN_SRC = FW / "insncount.c"
_REPORT = re.compile(r"^(\w+) n=(\d+) checksum=([0-9a-f]{8}) check=(ok|FAIL|none) heap=(\d+)$",
                     re.M)
_MEM = re.compile(r"^mem=(\d+)$", re.M)


def plugin() -> Path:
    """The counting plugin, compiled for this host (cached by source content)."""
    src = PLUGIN_SRC.read_bytes()
    so = cache_dir() / f"insncount-{hashlib.sha256(src).hexdigest()[:12]}.so"
    if not so.exists():
        tmp = so.with_suffix(".tmp")
        p = subprocess.run(["gcc", "-O2", "-std=c99", "-Wall", "-Wextra", "-shared", "-fPIC",
                            "-fvisibility=hidden", str(PLUGIN_SRC), "-o", str(tmp)],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise BuildFailed(f"gcc of the QEMU plugin failed:\n{p.stderr[-2000:]}")
        tmp.rename(so)
    return so


def toolchain_problem(profile) -> str | None:
    """None if this profile's firmware can be built and counted here, else why not."""
    for tool in (profile.cc, profile.run[0], "gcc"):
        if shutil.which(tool) is None:
            return f"{tool} not found (Debian: {' '.join(profile.debian_packages)})"
    probe = subprocess.run([profile.run[0], "-help"], capture_output=True, text=True)
    if "\n-plugin " not in probe.stdout:     # QEMU built without CONFIG_PLUGIN
        return f"{profile.run[0]} was built without TCG plugin support"
    return None


@dataclass
class Run:
    stdout: str
    total: int          # instructions from reset to exit
    kernel: int         # instructions between the two bench_marks
    checksum: str
    check: str
    heap: int           # heap peak (bytes)
    mem: int | None     # wasm3: linear memory it allocated (bytes)


def run_counted(profile, elf: Path, mark: int) -> Run:
    """Run a firmware under the profile's QEMU with the counting plugin."""
    with tempfile.TemporaryDirectory(prefix="w2c-chip-") as tmp:
        out = Path(tmp) / "count"
        cmd = [*profile.run_command(elf), "-plugin", f"{plugin()},out={out},mark={mark:#x}"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT)
        m = _REPORT.search(p.stdout)
        if p.returncode != 0 or not m or not out.exists():
            raise BuildFailed(f"{elf}: exit {p.returncode}: {p.stdout[-500:]}{p.stderr[-500:]}")
        fields = out.read_text().split()
    total = int(fields[1])
    marks = [int(x) for x in fields[3:]]
    if len(marks) != 2:
        raise BuildFailed(f"{elf}: {len(marks)} marks counted, expected 2")
    mm = _MEM.search(p.stdout)
    return Run(p.stdout, total, marks[1] - marks[0], m[3], m[4], int(m[5]),
               int(mm[1]) if mm else None)


# -- calibration ---------------------------------------------------------------------------------

def calib_firmware(profile, n: int, work: Path):
    work.mkdir(parents=True, exist_ok=True)
    defs = ['-DNAME="calib"', f"-DN={n}u", "-DEXPECT=0u", "-DHAVE_EXPECT=0"]
    jobs = harness_jobs(profile, work, FW / "main_calib.c", defs)
    compile_objs(profile.cc, jobs)
    return link(profile, work, [o for _, o, _ in jobs], [], work / "calib.elf")


def calibrate(profile, work: Path, n1: int = 1000, n2: int = 101000) -> dict:
    """Check the count: the two-instruction loop's difference between n1 and
    n2 iterations, and the same counts on a second run.  Raises BuildFailed."""
    runs = {}
    for n in (n1, n2):
        fw = calib_firmware(profile, n, work / f"calib-{n}")
        runs[n] = run_counted(profile, fw.elf, fw.mark)
    again = run_counted(profile, fw.elf, fw.mark)
    diff = runs[n2].kernel - runs[n1].kernel
    result = {"n1": n1, "n2": n2, "kernel_n1": runs[n1].kernel, "kernel_n2": runs[n2].kernel,
              "expected_diff": 2 * (n2 - n1), "diff": diff,
              "repeat_same": (again.total, again.kernel) == (runs[n2].total, runs[n2].kernel)}
    if diff != 2 * (n2 - n1) or not result["repeat_same"]:
        raise BuildFailed(f"the instruction count is not exact on {profile.name}: {result}")
    return result


# -- footprint -----------------------------------------------------------------------------------

PARTS = ("harness", "runtime", "module")


def part_of(section: str, obj: str) -> str:
    base = Path(obj.split("(")[0]).name
    if base == "h_main.o" and section.startswith(".bss.inst"):
        return "module"             # w2c's static instance: the module's state
    if base.startswith("h_"):
        return "harness"
    if base in ("module.o", "prog.o"):
        if base == "module.o" and section.startswith((".text.w2c_", ".rodata.w2c_")):
            return "runtime"        # w2c's runtime functions the compiler kept out of line
        if re.match(r"\.bss\.m_mem\d+_static$", section):
            return "linear memory"
        return "module"
    return "runtime"                # wasm3 objects, libgcc, newlib


def footprint(map_file: Path) -> dict[str, dict[str, int]]:
    """{"flash": {part: bytes}, "ram": {part: bytes}} from a linker map
    (parts: harness, runtime, module; RAM also "linear memory" for w2c's
    static memory array)."""
    rep = {"flash": dict.fromkeys(PARTS, 0), "ram": dict.fromkeys(PARTS, 0)}
    rep["ram"]["linear memory"] = 0
    last = "harness"    # the part of the piece before: alignment padding is counted with it
    for piece in map_pieces(map_file):
        if piece.section is not None:
            last = part_of(piece.section, piece.obj or "")
        size, out_sec = piece.size, piece.out_sec
        if out_sec.startswith((".text", ".ARM.exidx", ".rodata", ".data")):
            rep["flash"][last] = rep["flash"].get(last, 0) + size
        if out_sec.startswith((".data", ".bss")):
            rep["ram"][last] = rep["ram"].get(last, 0) + size
    return rep
