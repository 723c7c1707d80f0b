"""Firmware builds of the Cortex-M bench (bench/chip.py): one ELF per program
and build, all on the same startup code, linker script and semihosting hooks
as `w2c build --target cortex-m*` (targets/baremetal/), the same harness
(bench/chipfw/harness.c: bench_mark around the kernel, the report line, a
heap for newlib's malloc) and the same memcpy/memset (mini_libc.c, weak,
linked first):

  native   arm-none-eabi-gcc on the program's C source (-DBENCH_PURE), newlib
           (nano) for malloc and libm
  w2c      `python -m w2c compile` (of a chosen w2c tree) on the program's pure
           .wasm, the generated C compiled with the profile's flags and defines
           (static memory of the module's size, explicit bounds checks: the
           bare-metal default) plus any extra flags of the build
  wasm3    wasm3's C sources (from the PyPI pywasm3 sdist, downloaded into the
           cache, never into the repository) with a host (chipfw/main_wasm3.c)
           that loads the same .wasm from a const array

Every component is its own object, so the linker map tells whose bytes are
whose: footprint() splits flash and RAM into harness (startup, semihosting,
mini libc, report; the same in every build), runtime (w2c's out-of-line
runtime functions, wasm3's interpreter, with the libgcc/newlib members they
pull in) and module (the translated code and data; the .wasm bytes), plus
the stack, the heap peak and linear memory.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from w2c.firmware import memory_map
from w2c.resources import targets_dir

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
FW = BENCH / "chipfw"
PYWASM3 = "pywasm3==0.5.0"
HARNESS = ["baremetal/cortex-m.c", "baremetal/semihost.c", "baremetal/mini_libc.c"]
COMMON_CFLAGS = ["-ffp-contract=off", "-Wall"]   # same float results as the wasm builds
WASM3_CFLAGS = ["-O2", "-Dd_m3HasWASI=0", "-Dd_m3LogOutput=0", "-Dd_m3CodePageAlignSize=1024",
                "-Dd_m3VerboseErrorMessages=0",
                "-fomit-frame-pointer", "-w"]
WASM3_STACK = 32768      # wasm3's value stack (bytes, from the heap)


class BuildFailed(RuntimeError):
    pass


@dataclass
class Firmware:
    elf: Path
    mark: int                                   # address of bench_mark
    parts: dict[str, tuple[str, str]] = field(default_factory=dict)  # object -> component


def call(cmd: list, what: str, **kw) -> subprocess.CompletedProcess:
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise BuildFailed(f"{what} failed (exit {p.returncode}):\n{(p.stderr or p.stdout)[-3000:]}")
    return p


def cache_dir() -> Path:
    base = os.environ.get("W2C_BENCH_CACHE") or os.path.join(
        os.environ.get("TMPDIR", "/tmp"), "w2c-bench")
    d = Path(base) / "chip"
    d.mkdir(parents=True, exist_ok=True)
    return d


def wasm3_sources() -> Path:
    """wasm3's source folder from the pywasm3 sdist, downloaded once into the cache."""
    root = cache_dir() / PYWASM3.replace("==", "-")
    src = root / "wasm3"
    if (src / "wasm3.h").exists():
        return src
    dl = cache_dir() / "download"
    dl.mkdir(exist_ok=True)
    tars = sorted(dl.glob("pywasm3-*.tar.gz"))
    if not tars:
        call([sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
              "--no-build-isolation", PYWASM3, "-d", dl], f"pip download {PYWASM3}")
        tars = sorted(dl.glob("pywasm3-*.tar.gz"))
    tmp = Path(tempfile.mkdtemp(dir=cache_dir(), prefix="unpack-"))
    with tarfile.open(tars[-1]) as tf:
        tf.extractall(tmp, filter="data")
    try:
        next(tmp.iterdir()).rename(root)    # another process may have won: keep its copy
    except OSError:
        pass
    shutil.rmtree(tmp, ignore_errors=True)
    if not (src / "wasm3.h").exists():
        raise BuildFailed(f"{tars[-1].name} has no wasm3/wasm3.h")
    return src


def profile_cflags(profile) -> list[str]:
    return [*profile.cflags, *COMMON_CFLAGS]


def w2c_defines(profile) -> list[str]:
    """The profile's runtime defines, with the bench's trap handler and no WASI."""
    out = []
    for d in profile.defines:
        if d.startswith("W2C_TRAP_HANDLER="):
            d = "W2C_TRAP_HANDLER=chip_trap"
        if d != "W2C_WASI_BARE":
            out.append(f"-D{d}")
    return out


def prog_defines(prog, n: int, expect: int | None) -> list[str]:
    return [f'-DNAME="{prog.name}"', f"-DN={n}u", f"-DEXPECT={expect or 0:#x}u",
            f"-DHAVE_EXPECT={int(expect is not None)}"]


def compile_objs(cc: str, jobs: list[tuple[Path, Path, list[str]]]) -> None:
    procs = [(src, subprocess.Popen([cc, *flags, "-c", str(src), "-o", str(obj)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
             for src, obj, flags in jobs]
    errors = []
    for src, p in procs:
        _, err = p.communicate()
        if p.returncode != 0:
            errors.append(f"{cc} -c {src.name} (exit {p.returncode}):\n{err[-2000:]}")
    if errors:
        raise BuildFailed("\n".join(errors))


def harness_jobs(profile, work: Path, main: Path, main_flags: list[str]) -> list:
    tdir = targets_dir()
    base = profile_cflags(profile)
    jobs = [(tdir / s, work / f"h_{Path(s).stem}.o", base) for s in HARNESS]
    jobs.append((FW / "harness.c", work / "h_harness.o", [*base, "-std=gnu99"]))
    jobs.append((main, work / "h_main.o", [*base, "-std=gnu99", f"-I{FW}", *main_flags]))
    return jobs


def link(profile, work: Path, objs: list[Path], libs: list[str], out: Path) -> Firmware:
    mm = memory_map(profile)
    cmd = [profile.cc, *profile.cflags, "-T", targets_dir() / profile.linker_script,
           f"-Wl,--defsym=__flash={mm['flash'][0]:#x}",
           f"-Wl,--defsym=__flash_size={mm['flash'][1]:#x}",
           f"-Wl,--defsym=__ram={mm['ram'][0]:#x}", f"-Wl,--defsym=__ram_size={mm['ram'][1]:#x}",
           f"-Wl,--defsym=__stack_size={profile.stack_bytes:#x}",
           f"-Wl,-Map={work / 'firmware.map'}", *objs, "-o", out, "-nostdlib",
           "-Wl,--gc-sections", *libs, "-lgcc"]
    call(cmd, f"link {out.name}")
    nm = call([profile.cc.replace("gcc", "nm"), out], "nm").stdout
    m = re.search(r"^([0-9a-f]+) T bench_mark$", nm, re.M)
    if not m:
        raise BuildFailed(f"{out}: no bench_mark symbol")
    return Firmware(out, int(m[1], 16))


NEWLIB = ["-lc_nano", "-lm", "-lc_nano"]


def build_native(prog, profile, n: int, expect: int | None, work: Path) -> Firmware:
    work.mkdir(parents=True, exist_ok=True)
    jobs = harness_jobs(profile, work, FW / "main_native.c", prog_defines(prog, n, expect))
    jobs.append((prog.source, work / "prog.o",
                 [*profile_cflags(profile), "-std=gnu99", "-DBENCH_PURE"]))
    compile_objs(profile.cc, jobs)
    return link(profile, work, [o for _, o, _ in jobs], NEWLIB, work / "native.elf")


def w2c_command(tree: Path | None) -> tuple[list[str], dict]:
    """How to run `python -m w2c` of `tree` (None: this repository's)."""
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree) + os.pathsep + env.get("PYTHONPATH", "")
    return [sys.executable, "-m", "w2c"], env


def build_w2c(prog, profile, wasm: Path, n: int, expect: int | None, work: Path,
              tree: Path | None = None, extra: tuple[str, ...] = (),
              max_memory: int | None = None) -> Firmware:
    work.mkdir(parents=True, exist_ok=True)
    w2c, env = w2c_command(tree)
    opts = ["--max-memory", str(max_memory)] if max_memory else []
    call([*w2c, "compile", "-q", "-n", "m", wasm, "-o", work / "m.c", *opts],
         f"{prog.name}: w2c compile", env=env, cwd=work)
    rt = [*profile_cflags(profile), "-std=c99", *w2c_defines(profile), f"-I{work}",
          "-fsignaling-nans", *extra]
    jobs = harness_jobs(profile, work, FW / "main_w2c.c",
                        [*prog_defines(prog, n, expect), *w2c_defines(profile), f"-I{work}"])
    jobs.append((work / "m.c", work / "module.o", rt))
    compile_objs(profile.cc, jobs)
    return link(profile, work, [o for _, o, _ in jobs], [], work / "w2c.elf")


def embed(wasm: Path, out: Path) -> None:
    data = wasm.read_bytes()
    rows = ",\n".join(", ".join(str(b) for b in data[i:i + 24]) for i in range(0, len(data), 24))
    out.write_text("/* the module's bytes (generated by bench/chip_build.py) */\n"
                   "#include <stddef.h>\n"
                   f"const unsigned char chip_wasm[{len(data)}] = {{\n{rows}\n}};\n"
                   f"const size_t chip_wasm_len = {len(data)};\n")


def wasm3_objects(profile) -> list[Path]:
    """wasm3's objects for this profile, compiled once per profile and flags into the cache."""
    src = wasm3_sources()
    flags = [*[f for f in profile.cflags if not f.startswith("-O")], *COMMON_CFLAGS,
             *WASM3_CFLAGS, "-std=gnu11", f"-I{src}"]
    key = hashlib.sha256(" ".join([profile.cc, *flags]).encode()).hexdigest()[:12]
    lib = cache_dir() / f"wasm3-objs-{profile.name}-{key}"
    files = sorted(src.glob("*.c"))
    if not lib.is_dir():
        tmp = Path(tempfile.mkdtemp(dir=cache_dir(), prefix="wasm3-objs-"))
        compile_objs(profile.cc, [(f, tmp / f"w3_{f.stem}.o", flags) for f in files])
        try:
            tmp.rename(lib)                 # another process may have won: keep its copy
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    return [lib / f"w3_{f.stem}.o" for f in files]


def build_wasm3(prog, profile, wasm: Path, n: int, expect: int | None, work: Path) -> Firmware:
    work.mkdir(parents=True, exist_ok=True)
    objs = wasm3_objects(profile)
    embed(wasm, work / "module_wasm.c")
    jobs = harness_jobs(profile, work, FW / "main_wasm3.c",
                        [*prog_defines(prog, n, expect), f"-I{wasm3_sources()}",
                         f"-DWASM3_STACK={WASM3_STACK}"])
    jobs.append((work / "module_wasm.c", work / "module.o", profile_cflags(profile)))
    compile_objs(profile.cc, jobs)
    return link(profile, work, [o for _, o, _ in jobs] + objs, NEWLIB, work / "wasm3.elf")
