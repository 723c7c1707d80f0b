"""Bare-metal builds: the firmware end of `w2c build --target <mcu profile>`.

build_firmware() is build_program()'s path for profiles with "os": "none"
(targets/cortex-m*.json, riscv32.json): the module is translated with its
memories and tables in static arrays (sized from --max-memory, else the
declared maximum, else the initial size), the WASI imports bound to the
bare-metal shim (runtime_c/wasi/w2c_wasi_bare.h) and a generated main()
(templates/wasi_main_bare.c.j2) with the arguments and environment fixed at
build time; the profile's startup code and linker script
(targets/baremetal/) make it a firmware image.  Every source is compiled to
its own object so that the linker map tells whose bytes are whose:
size_report() splits flash and RAM into translated code, runtime, SIMD
runtime (for a module using v128), WASI shim, libgcc, data, module state,
linear memory and stack.

A module that cannot fit the profile's RAM is refused before compiling,
with its figures and what to do about them; the linker's own region check
is the final word and is reported the same way.
"""
from __future__ import annotations

import functools
import re
import shlex
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from w2c.emit.module import memory_limit_pages
from w2c.emit.simd import SIMD_HEADER_PREFIX
from w2c.module import EXT_MEMORY
from w2c.resources import runtime_dir, targets_dir

SHRINK_HINT = ("shrink the module: build it with wasm-ld's -z stack-size=N, --initial-memory=N "
               "and --max-memory=N (clang -Wl,...), use custom page sizes, or give w2c "
               "--max-memory BYTES; see docs/targets.md")


class FitError(Exception):
    """The firmware cannot fit the target's memory (a BuildError for the user)."""


def parse_int(v) -> int:
    return v if isinstance(v, int) else int(str(v), 0)


def memory_map(profile) -> dict[str, tuple[int, int]]:
    return {k: (parse_int(o), parse_int(s)) for k, (o, s) in profile.memory.items()}


def static_memory_bytes(module, max_memory: int | None) -> int:
    """Bytes of the static arrays holding the module's own linear memories."""
    total = 0
    n_imported = len(module.imported(EXT_MEMORY))
    for mt in module.all_mems()[n_imported:]:
        lim = mt.limits
        log2 = lim.page_size.bit_length() - 1
        limit = memory_limit_pages(lim.min, lim.max, log2, max_memory)
        total += (limit if limit is not None else lim.min) << log2
    return total


def check_fit(module, profile, max_memory: int | None) -> None:
    """Refuse a module whose linear memory and the profile's stack cannot fit its RAM."""
    ram = memory_map(profile)["ram"][1]
    mem = static_memory_bytes(module, max_memory)
    stack = profile.stack_bytes
    if mem + stack > ram:
        raise FitError(
            f"does not fit {profile.name}'s RAM ({fmt_bytes(ram)}): linear memory "
            f"{fmt_bytes(mem)} + stack {fmt_bytes(stack)} = {fmt_bytes(mem + stack)}; "
            + SHRINK_HINT)


def fmt_bytes(n: int) -> str:
    if n >= 1024 and n % 1024 == 0:
        return f"{n} bytes ({n // 1024} KiB)"
    return f"{n} bytes"


_RAM_OVERFLOW = re.compile(r"region [`'\u2018]?RAM[`'\u2019]? overflowed(?: by (\d+) bytes)?")
_FLASH_OVERFLOW = re.compile(r"region [`'\u2018]?FLASH[`'\u2019]? overflowed(?: by (\d+) bytes)?")


def link_failure(stderr: str, profile) -> str | None:
    """The linker's region overflow as one clear line, or None."""
    mm = memory_map(profile)
    for rx, region in ((_RAM_OVERFLOW, "ram"), (_FLASH_OVERFLOW, "flash")):
        m = rx.search(stderr)
        if m:
            by = f" by {m.group(1)} bytes" if m.group(1) else ""
            what = "RAM" if region == "ram" else "flash"
            return (f"does not fit {profile.name}'s {what} ({fmt_bytes(mm[region][1])}): "
                    f"the firmware overflows it{by}; " + SHRINK_HINT)
    return None


def build_firmware(work: Path, prefix: str, profile, compiler: str, out_tmp: Path,
                   extra_cflags: tuple[str, ...] = ()) -> Path:
    """Compile the sources in `work` (prefix.c, prefix_wasi.c, prefix_main.c)
    with the profile's startup code into `out_tmp`; returns the map file.
    Raises FitError or RuntimeError(compiler output)."""
    tdir = targets_dir()
    sources = [(work / f"{prefix}{part}.c", f"{prefix}{part}.o") for part in ("", "_wasi", "_main")]
    sources += [(tdir / s, "startup_" + Path(s).stem + ".o") for s in profile.startup]
    cflags = ["-std=c99", *profile.cflags, *(f"-D{d}" for d in profile.defines), f"-I{work}",
              *extra_cflags]

    def cc(src_obj):
        src, obj = src_obj
        cmd = [compiler, *cflags, "-c", str(src), "-o", str(work / obj)]
        return cmd, subprocess.run(cmd, capture_output=True, text=True)

    with ThreadPoolExecutor(max_workers=2) as pool:
        for cmd, p in pool.map(cc, sources):
            if p.returncode != 0:
                raise RuntimeError(f"{shlex.join(cmd[:1])} failed (exit {p.returncode}):\n"
                                   f"{p.stderr.strip()}")
    mm = memory_map(profile)
    map_file = work / "firmware.map"
    cmd = [compiler, *profile.cflags, "-T", str(tdir / profile.linker_script),
           f"-Wl,--defsym=__flash={mm['flash'][0]:#x}",
           f"-Wl,--defsym=__flash_size={mm['flash'][1]:#x}",
           f"-Wl,--defsym=__ram={mm['ram'][0]:#x}", f"-Wl,--defsym=__ram_size={mm['ram'][1]:#x}",
           f"-Wl,--defsym=__stack_size={profile.stack_bytes:#x}", f"-Wl,-Map={map_file}",
           *(str(work / obj) for _, obj in sources), "-o", str(out_tmp), *profile.ldflags]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        fit = link_failure(p.stderr, profile)
        if fit:
            raise FitError(fit)
        raise RuntimeError(f"the linker failed ({cmd[0]}, exit {p.returncode}):\n"
                           f"{p.stderr.strip()}")
    return map_file


# -- the footprint report ------------------------------------------------------------------------

CATEGORIES = ("translated code", "runtime", "SIMD runtime", "WASI shim", "libgcc", "data",
              "module state", "linear memory", "stack")
FLASH_SECTIONS = (".text", ".ARM.exidx", ".rodata")
_OUT_RE = re.compile(r"^(\.[\w.$]+)\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)")
_IN_ONE_RE = re.compile(r"^ (\S+)\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s+(\S.*)$")
_IN_NAME_RE = re.compile(r"^ (\.\S+|COMMON)$")
_IN_REST_RE = re.compile(r"^\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s+(\S.*)$")
_FILL_RE = re.compile(r"^ \*fill\*\s+0x[0-9a-fA-F]+\s+0x([0-9a-fA-F]+)")


@dataclass(frozen=True)
class MapPiece:
    """Bytes of an output section in a GNU ld map: an input section of an
    object, or alignment padding (section and obj None) after the piece before it."""
    out_sec: str
    section: str | None
    obj: str | None
    size: int


def map_pieces(map_file: Path) -> Iterator[MapPiece]:
    """The pieces of every output section of the linker map `map_file` (ld
    -Map), in order; an input section whose name is too long for its line
    has its address, size and object on the next one."""
    out_sec = None
    pending = None
    started = False
    for line in map_file.read_text(errors="replace").splitlines():
        if not started:
            started = line.startswith("Linker script and memory map")
            continue
        m = _OUT_RE.match(line)
        if m:
            out_sec = m.group(1)
            pending = None
            continue
        if out_sec is None:
            continue
        m = _FILL_RE.match(line)
        if m:
            yield MapPiece(out_sec, None, None, int(m.group(1), 16))
            continue
        m = _IN_ONE_RE.match(line)
        if m and m.group(1).startswith((".", "COMMON")):
            yield MapPiece(out_sec, m.group(1), m.group(4), int(m.group(3), 16))
            pending = None
            continue
        m = _IN_NAME_RE.match(line)
        if m:
            pending = m.group(1)
            continue
        m = _IN_REST_RE.match(line)
        if m and pending:
            yield MapPiece(out_sec, pending, m.group(3), int(m.group(2), 16))
        pending = None


@dataclass
class SizeReport:
    target: str
    flash: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    ram: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    flash_size: int = 0
    ram_size: int = 0
    size_tool: str = ""     # the size tool's line for the ELF (text data bss dec hex)
    simd: bool = False      # the module uses v128: the SIMD runtime's row is shown

    def categories(self) -> tuple[str, ...]:
        return tuple(c for c in CATEGORIES if c != "SIMD runtime" or self.simd)

    def format(self, name: str) -> str:
        lines = [f"w2c: footprint of {name} ({self.target}), in bytes:",
                 f"  {'':18}{'flash':>10}{'RAM':>10}"]
        for c in self.categories():
            f, r = self.flash[c], self.ram[c]
            lines.append(f"  {c:18}{f if f else '-':>10}{r if r else '-':>10}")
        tf, tr = sum(self.flash.values()), sum(self.ram.values())
        lines.append(f"  {'total':18}{tf:>10}{tr:>10}   of {self.flash_size} flash, "
                     f"{self.ram_size} RAM")
        rt_f = self.flash["runtime"] + self.flash["WASI shim"]
        rt_r = self.ram["runtime"] + self.ram["WASI shim"]
        lines.append(f"  runtime + WASI shim: {rt_f} flash, {rt_r} RAM")
        if self.simd:
            lines.append(f"  SIMD runtime: {self.flash['SIMD runtime']} flash out of line "
                         "(helpers the compiler inlined count as translated code)")
        if self.size_tool:
            lines.append(f"  size tool: {self.size_tool}")
        return "\n".join(lines)


# The SIMD instructions' helpers: w2c_<shape>_<op>, some of them named by token pasting.
_SIMD_HELPER_RE = re.compile(r"w2c_(v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)_")


def is_simd_runtime(name: str) -> bool:
    """Whether the function `name` is part of the SIMD runtime."""
    return bool(_SIMD_HELPER_RE.match(name)) or name in simd_runtime_names()


@functools.cache
def simd_runtime_names() -> frozenset[str]:
    """The other w2c_ identifiers of the SIMD runtime (w2c_clamp_, ...): named
    in runtime_c/w2c_simd*.h and in no other runtime header."""
    def names(paths) -> set[str]:
        return {n for p in paths for n in re.findall(r"\bw2c_\w+", p.read_text())}
    rt = runtime_dir()
    simd = sorted(rt.glob(f"{SIMD_HEADER_PREFIX}*.h"))
    others = [p for p in rt.rglob("*.h") if p not in simd]
    return frozenset(names(simd) - names(others))


def _category(section: str, obj: str, prefix: str) -> str:
    base = Path(obj.split("(")[0]).name
    sec = section
    if base == f"{prefix}.o":
        if sec.startswith(".text.w2c_") or sec.startswith(".rodata.w2c_"):
            # .text.w2c_v128_load, .text.w2c_v128_store.constprop.0, ...
            if is_simd_runtime(sec.split(".")[2]):
                return "SIMD runtime"
            return "runtime"
        if sec.startswith(".text"):
            return "translated code"
        if sec.startswith((".rodata", ".srodata")):
            return "data"
        if re.match(rf"\.s?bss\.{re.escape(prefix)}_mem\d+_static$", sec):
            return "linear memory"
        return "module state"
    if base == f"{prefix}_wasi.o":
        return "WASI shim"
    if base == f"{prefix}_main.o":   # main's static instance and WASI state
        if re.match(r"\.bss\.inst\b", sec):
            return "module state"
        if re.match(r"\.bss\.w\b", sec):
            return "WASI shim"
    if base.startswith("libgcc"):
        return "libgcc"    # soft float and 64-bit division, called by the translated code
    return "runtime"       # main, startup, mini libc


def size_report(map_file: Path, elf: Path, prefix: str, profile,
                simd: bool = False) -> SizeReport:
    """Split the firmware's flash and RAM by category from the linker map
    (with a row for the SIMD runtime if `simd`: the module uses v128)."""
    mm = memory_map(profile)
    rep = SizeReport(profile.name, flash_size=mm["flash"][1], ram_size=mm["ram"][1], simd=simd)
    cat = "runtime"     # of the piece before: alignment padding is counted with it
    for piece in map_pieces(map_file):
        if piece.section is not None:
            cat = _category(piece.section, piece.obj or "", prefix)
        _put(rep, piece.out_sec, cat, piece.size)
    rep.ram["stack"] = profile.stack_bytes   # the top of RAM (firmware.ld)
    if profile.size_tool:
        p = subprocess.run([profile.size_tool, str(elf)], capture_output=True, text=True)
        if p.returncode == 0 and len(p.stdout.splitlines()) >= 2:
            rep.size_tool = " ".join(p.stdout.splitlines()[1].split()[:4]) + " (text data bss dec)"
    return rep


def _put(rep: SizeReport, out_sec: str, cat: str, size: int) -> None:
    if out_sec.startswith(FLASH_SECTIONS):
        rep.flash[cat] += size
    elif out_sec.startswith(".data"):
        rep.flash[cat] += size   # initial values, copied at reset
        rep.ram[cat] += size
    elif out_sec.startswith(".bss"):
        rep.ram[cat] += size
