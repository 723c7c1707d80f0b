"""Build and run one .wast file of the spec testsuite with the real compiler.

    run_file(wast, build_dir, Config(...)) -> ExecResult

1. convert the script (wast.load_script) and plan it (driver.build_plan);
2. compile every module with `w2c compile m.wasm -o build/m<N>.c -n m<N>`
   (all modules of the file in one Python process running the w2c CLI);
3. `cc -c` every m<N>.c (-std=c99 -Wall -Wextra and the config's flags;
   warnings are counted, not fatal unless Config.werror);
4. optionally parse a sample of the generated C with pycparser (preprocessed
   by `cc -E` against a tiny fake libc) as a structural check;
5. generate driver.c, compile it and link everything;
6. run the driver with a timeout.  If it dies (signal, sanitizer report,
   timeout) the first check it did not report is the culprit: it fails
   with the reason and the driver is run again, skipping it.

Config(target=NAME) builds with a target profile's cross compiler and flags
(targets/NAME.json, TargetSpec) and runs the driver under its emulator
(qemu-user; for a bare-metal Cortex-M profile the driver is firmware, built
hosted against newlib with the profile's startup code, linker script and
firmware_main.c, run under qemu-system; TARGET_LIMITS lists the checks a
target cannot pass for want of RAM).  Files of proposal suites
(wast.SUITES, e.g. custom-page-sizes) are compiled with their features
enabled (`w2c compile --enable-...`).

The result has one CheckOutcome per check (pass / fail / skip, with a
reason), file-level errors (pycparser, sanitizer reports after the last
check, a driver that does not build) and timings.  The ratchet
(compare/make_entry, tests/spec/expectations/exec.json) is here too.

Command line (one file, for debugging):
    python tests/spec/run_exec.py i32.wast [--cc clang] [-O0] [--sanitize] [--keep DIR] [-v]
    python tests/spec/run_exec.py i32.wast --target linux-s390x   # cross, under qemu-user
    python tests/spec/run_exec.py i32.wast --target cortex-m3     # firmware, qemu-system-arm
"""
from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from w2c.emit.module import SMALLEST_GUARDED_PAGE
from w2c.module import EXT_MEMORY

try:
    from . import driver, spectest, wast
    from .wat_text import module_text
except ImportError:   # loaded as a top-level module (scripts/spec-exec)
    import driver  # type: ignore[no-redef]
    import spectest  # type: ignore[no-redef]
    import wast  # type: ignore[no-redef]
    from wat_text import module_text  # type: ignore[no-redef]

EXEC_EXPECTATIONS = wast.EXPECTATIONS_DIR / "exec.json"
MAX_RERUNS = int(os.environ.get("W2C_SPEC_MAX_RERUNS", "25"))
DEFAULT_TIMEOUT = float(os.environ.get("W2C_SPEC_EXEC_TIMEOUT", "60"))
COMPILE_TIMEOUT = float(os.environ.get("W2C_SPEC_COMPILE_TIMEOUT", "1800"))


# --------------------------------------------------------------------------
# Configuration.
# --------------------------------------------------------------------------

# Bare metal: the runtime macros of a profile's `defines` that the hosted
# firmware driver keeps (the others configure WASI firmware: trap handler,
# static memories, the bare WASI shim).
FIRMWARE_KEPT_DEFINES = ("W2C_STACK_LIMIT_SYMBOL",)
# The driver's main() under bare metal is firmware_main.c's; the driver's
# own main is renamed.
FIRMWARE_MAIN = Path(__file__).resolve().parent / "firmware_main.c"
FIRMWARE_DRIVER_MAIN = "w2c_spec_main"


@dataclass(frozen=True)
class TargetSpec:
    """Where the checks are built and run: what the harness needs of a target
    profile (targets/*.json, w2c.target.Target).  The modules and the driver
    are built by `cc` with `cflags`, the driver linked with `ldflags` and run
    as `[*run, driver, *skipped ids]` (`run` is the emulator prefix, e.g.
    ("qemu-aarch64",); empty for this machine).  Everything that depends on
    how a target builds or starts a program goes through this class
    (`driver_link_inputs`, `run_command`, `driver_defines`, `console`).

    Bare metal (os "none", Arm Cortex-M profiles with arm-none-eabi-gcc):
    the driver is firmware.  Modules and driver are built *hosted* against
    newlib (printf, setjmp/longjmp for W2C_TRAP_SETJMP, malloc for the
    memories) with the profile's CPU flags but not its -ffreestanding nor
    its WASI-firmware `defines` (only FIRMWARE_KEPT_DEFINES); the driver's
    main is renamed (-Dmain=w2c_spec_main) and linked with the profile's
    startup code and linker script (memory map as `w2c build` gives it),
    tests/spec/firmware_main.c (the main the startup calls: heap limit,
    semihosting stdio, argv from SYS_GET_CMDLINE) and newlib's semihosting
    syscalls (--specs=rdimon.specs -nostartfiles).  It runs under the
    profile's qemu-system command with `-append "ids to skip"`."""
    name: str
    cc: str
    cflags: tuple[str, ...] = ()
    ldflags: tuple[str, ...] = ()
    run: tuple[str, ...] = ()
    description: str = ""
    debian_packages: tuple[str, ...] = ()
    os: str = "linux"               # "none": bare metal, the driver is firmware
    startup: tuple[str, ...] = ()   # bare metal: the profile's startup C files (absolute)
    firmware_ldflags: tuple[str, ...] = ()   # bare metal: -T script, --defsym memory map

    @classmethod
    def load(cls, name: str) -> "TargetSpec":
        """The profile targets/NAME.json (w2c.program.load_target; BuildError if
        unknown, ValueError for a bare-metal profile the harness cannot run)."""
        from w2c.program import load_target
        t = load_target(name)
        if t.os == "linux":
            return cls(t.name, t.cc, tuple(t.cflags), tuple(t.ldflags), tuple(t.run),
                       t.description, tuple(t.debian_packages), t.os)
        if not Path(t.cc).name.endswith("arm-none-eabi-gcc"):
            raise ValueError(f"target {name}: the spec harness runs bare-metal drivers on Arm "
                             f"Cortex-M with newlib's semihosting only (cc {t.cc})")
        from w2c.buildinfo import target_info
        info = target_info(t)
        cflags = [f for f in t.cflags if f != "-ffreestanding"]
        cflags += [f"-D{d}" for d in t.defines if d.split("=")[0] in FIRMWARE_KEPT_DEFINES]
        # the firmware's fixed GC heap (its memories stay malloc'd for the driver)
        cflags += [f"-DW2C_GC_STATIC_HEAP={d.split('=', 1)[1]}" for d in t.defines
                   if d.startswith("W2C_GC_HEAP_DEFAULT=")]
        ldflags = ["--specs=rdimon.specs", "-nostartfiles",
                   *(f for f in t.ldflags if f != "-nostdlib"), "-lm"]
        packages = [*t.debian_packages, "libnewlib-arm-none-eabi"]
        return cls(t.name, t.cc, tuple(cflags), tuple(ldflags), tuple(t.run), t.description,
                   tuple(packages), t.os, tuple(info.startup), tuple(info.firmware_ldflags))

    @property
    def emulated(self) -> bool:
        return bool(self.run)

    @property
    def bare_metal(self) -> bool:
        return self.os == "none"

    def missing_tools(self, cc: str | None = None) -> str | None:
        """None if the compiler and the emulator are on PATH (and, for
        firmware, newlib's semihosting library), else why not."""
        hint = (f" (Debian: apt-get install {' '.join(self.debian_packages)})"
                if self.debian_packages else "")
        for what, tool in (("C compiler", cc or self.cc),
                           ("emulator", self.run[0] if self.run else None)):
            if tool and shutil.which(tool) is None:
                return f"target {self.name}: {what} {tool} not found{hint}"
        if self.bare_metal:
            p = subprocess.run([cc or self.cc, *self.cflags, "-print-file-name=librdimon.a"],
                               capture_output=True, text=True)
            if p.returncode != 0 or not os.path.isabs(p.stdout.strip()):
                return (f"target {self.name}: newlib (librdimon.a) not found for "
                        f"{cc or self.cc}{hint}")
        return None

    def driver_defines(self) -> list[str]:
        """Flags for compiling driver.c only."""
        return [f"-Dmain={FIRMWARE_DRIVER_MAIN}"] if self.bare_metal else []

    def driver_link_inputs(self, cc: str | None = None, flags: list[str] = ()) -> list[str]:
        """Files and options added to the driver's link before `ldflags`: for
        firmware, the linker script and memory map, and the startup code and
        firmware_main.c compiled by `cc` with `flags` (cached objects)."""
        if not self.bare_metal:
            return []
        objs = firmware_objects(cc or self.cc, list(flags), [*self.startup, str(FIRMWARE_MAIN)])
        return [*self.firmware_ldflags, *map(str, objs)]

    def run_command(self, exe: Path, skip: list[int]) -> list[str]:
        """The command running the driver, skipping the checks `skip`."""
        run = list(self.run)
        if run:
            run[0] = shutil.which(run[0]) or run[0]
        if any("{elf}" in a for a in run):     # a whole command (qemu-system ... -kernel {elf})
            cmd = [a.replace("{elf}", str(exe)) for a in run]
            if self.bare_metal:     # firmware_main.c reads them with SYS_GET_CMDLINE
                return cmd + (["-append", " ".join(map(str, skip))] if skip else [])
            return cmd + list(map(str, skip))
        return [*run, str(exe), *map(str, skip)]

    def console(self, stdout: str, stderr: str) -> str:
        """What the driver said besides its PASS/FAIL/DONE lines, for the
        reason of a death: its stderr; under semihosting the guest's stdout
        and stderr both arrive on QEMU's stdout (e.g. the startup code's
        `error: fault: hard fault`), so the other lines of stdout too."""
        if not self.bare_metal:
            return stderr
        stray = [ln for ln in stdout.splitlines()
                 if ln.strip() and ln != "DONE" and not _LINE_RE.match(ln)]
        return "\n".join([*stray, *stderr.splitlines()])


def firmware_objects(cc: str, flags: list[str], sources: list[str]) -> list[Path]:
    """`sources` compiled by `cc flags -c`, cached under the spec cache
    (wast.cache_root()/firmware/<hash of compiler, flags and sources>): the
    startup code is the same for every file of a run.  RuntimeError with
    the compiler's message if one does not compile."""
    import hashlib
    h = hashlib.sha256(b"w2c-spec-firmware 1\0" + cc.encode() + b"\0"
                       + "\0".join(flags).encode() + b"\0\0")
    for s in sources:
        h.update(Path(s).name.encode() + b"\0" + Path(s).read_bytes() + b"\0")
    folder = wast.cache_root() / "firmware" / h.hexdigest()[:20]
    objs = [folder / (Path(s).stem + ".o") for s in sources]
    if all(o.is_file() for o in objs):
        return objs
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=str(folder.parent)))
    try:
        for s in sources:
            p = subprocess.run([cc, *flags, "-c", s, "-o", str(tmp / (Path(s).stem + ".o"))],
                               capture_output=True, text=True)
            if p.returncode != 0:
                raise RuntimeError(f"{Path(s).name}: {_first_diagnostic(p.stderr)}")
        try:
            tmp.rename(folder)
        except OSError:     # another process was first: use its objects
            pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return objs


@dataclass
class Config:
    cc: str | None = None           # None: gcc, or the target's compiler
    opt: str = "-O2"
    sanitize: bool = False          # -fsanitize=address,undefined
    werror: bool = False            # compile the modules with -Werror
    cflags: tuple[str, ...] = ()    # more flags for everything
    jobs: int = 1                   # parallel cc of modules
    timeout: float = DEFAULT_TIMEOUT
    pycparser_every: int = 0        # parse m1, m(1+n), m(1+2n)... with pycparser; 0: none
    target: str | None = None       # a profile of targets/ (None: this machine, natively)
    from_text: bool = False         # compile each text module from its .wast text (w2c/wat.py)
    # w2c compile --num-outputs for every module but spectest's (its parts
    # compiled one by one, then `cc -r` into m<N>.o); default: $W2C_SPEC_NUM_OUTPUTS, else 1.
    num_outputs: int = field(default_factory=lambda: int(os.environ.get("W2C_SPEC_NUM_OUTPUTS")
                                                         or 1))

    def __post_init__(self):
        self.spec: TargetSpec | None = TargetSpec.load(self.target) if self.target else None
        if self.cc is None:
            self.cc = self.spec.cc if self.spec else "gcc"
        if self.sanitize and self.spec is not None and self.spec.emulated:
            raise ValueError(f"target {self.target}: no sanitizers under an emulator")

    @property
    def name(self) -> str:
        base = f"{self.cc} {self.opt}" + (" asan+ubsan" if self.sanitize else "") + \
            ("".join(" " + f for f in self.cflags))
        base += " from-text" if self.from_text else ""
        base += f" split {self.num_outputs}" if self.num_outputs > 1 else ""
        return f"{self.target}: {base}" if self.target else base

    def missing_tools(self) -> str | None:
        """None if the compiler (and the target's emulator) exist, else why not."""
        if self.spec is not None:
            return self.spec.missing_tools(self.cc)
        return None if shutil.which(self.cc) else f"C compiler {self.cc} not found"

    def common_flags(self) -> list[str]:
        # The target's flags first, so that the configuration's -O level wins.
        flags = ["-std=c99", *(self.spec.cflags if self.spec else ()), self.opt, "-g0"]
        if self.sanitize:
            flags += ["-fsanitize=address,undefined", "-fno-sanitize-recover=all",
                      "-fno-omit-frame-pointer"]
        return flags + list(self.cflags)

    def module_flags(self) -> list[str]:
        return self.common_flags() + ["-Wall", "-Wextra"] + (["-Werror"] if self.werror else [])

    def driver_flags(self) -> list[str]:
        return self.common_flags() + ["-Wall", "-Wno-unused-function"] + \
            (self.spec.driver_defines() if self.spec else [])

    def link_flags(self) -> list[str]:
        """Options after the driver's objects (RuntimeError if the
        firmware's startup objects do not compile)."""
        if self.spec is None:
            return ["-lm"]
        return [*self.spec.driver_link_inputs(self.cc, self.common_flags() + ["-Wall"]),
                *self.spec.ldflags]

    def run_command(self, exe: Path, skip: list[int]) -> list[str]:
        if self.spec is None:
            return [str(exe), *map(str, skip)]
        return self.spec.run_command(exe, skip)

    def emulator(self) -> str | None:
        """The emulator's name (for messages), None when run natively."""
        return Path(self.spec.run[0]).name if self.spec and self.spec.run else None

    def console(self, stdout: str, stderr: str) -> str:
        """The driver's output other than its check lines (for death reasons)."""
        return self.spec.console(stdout, stderr) if self.spec else stderr

    def run_timeout(self) -> float:
        # Emulated: qemu-user runs the checks 3-10x slower than natively.
        return self.timeout * (4 if self.sanitize or (self.spec and self.spec.emulated) else 1)


# --------------------------------------------------------------------------
# Results.
# --------------------------------------------------------------------------

STATUS_RANK = {"pass": 2, "skip": 1, "fail": 0}
COUNT_NAMES = ("total", "passed", "failed", "skipped", "c_warnings", "file_errors")


@dataclass
class CheckOutcome:
    id: int
    line: int
    ident: str
    command: str
    status: str          # pass / fail / skip
    reason: str = ""

    def describe(self) -> str:
        return f"{self.command} [{self.status}]: {self.reason}"


@dataclass
class ExecResult:
    key: str
    config: str
    outcomes: list[CheckOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)   # one per module with C warnings
    errors: list[str] = field(default_factory=list)     # file-level problems
    timings: dict[str, float] = field(default_factory=dict)
    runs: int = 0
    modules: int = 0
    text_modules: int = 0       # compiled from the script's text (Config.from_text)

    @property
    def counts(self) -> dict[str, int]:
        st = [o.status for o in self.outcomes]
        return {"total": len(st), "passed": st.count("pass"), "failed": st.count("fail"),
                "skipped": st.count("skip"), "c_warnings": len(self.warnings),
                "file_errors": len(self.errors)}

    def exceptions(self) -> list[CheckOutcome]:
        return [o for o in self.outcomes if o.status != "pass"]


# --------------------------------------------------------------------------
# Steps.
# --------------------------------------------------------------------------

_COMPILE_SNIPPET = r"""
import contextlib, io, json, sys
from w2c.cli import w2c
for line in sys.stdin:
    wasm, out, name, flags = json.loads(line)
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(err):
            w2c.main(["compile", *flags, wasm, "-o", out, "-n", name], prog_name="w2c",
                     standalone_mode=False)
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException as e:
        code = 99
        err.write(f"{type(e).__name__}: {e}")
    print(json.dumps([name, code, err.getvalue()]), flush=True)
"""


def w2c_compile_available() -> str | None:
    """None if `w2c compile` exists, else the reason it cannot be used."""
    try:
        from w2c.cli import w2c
    except Exception as e:  # noqa: BLE001
        return f"cannot import w2c.cli: {e}"
    if "compile" not in getattr(w2c, "commands", {}):
        return "`w2c compile` does not exist yet (emitter missing)"
    return None


def feature_flags(suite: wast.Suite) -> list[str]:
    """`w2c compile` options giving the suite's features: Wasm 3.0's
    defaults off unless the suite has them, then its own."""
    from w2c.features import WASM3_DEFAULTS
    return ([f"--disable-{name}" for name in sorted(WASM3_DEFAULTS - set(suite.features))]
            + [f"--enable-{name}" for name in suite.features])


# The spectest host module (unit 0) exports a 64-bit table, whatever the suite,
# and in the threads suite a second memory (shared_memory).
SPECTEST_FLAGS = ["--enable-memory64", "--enable-multi-memory"]


def use_text_modules(units: list[driver.Unit], wast_path: Path, build: Path) -> int:
    """Point each unit whose module is written as text in the script at
    build/m<N>.wat, that text (so `w2c compile` reads the text format);
    returns how many."""
    source = wast_path.read_text(encoding="utf-8")
    n = 0
    for u in units:
        text = module_text(source, u.line) if u.line > 0 and u.index > 0 else None
        if text is not None:
            u.wasm = build / f"{u.prefix}.wat"
            u.wasm.write_text(text, encoding="utf-8")
            n += 1
    return n


def split_sources(u: driver.Unit, num_outputs: int) -> list[str] | None:
    """The C files of unit u translated into num_outputs parts (None: one m<N>.c)."""
    if num_outputs < 2 or u.index == 0:
        return None
    return [f"{u.prefix}_{k}.c" for k in range(num_outputs)] + [f"{u.prefix}_data.c"]


def compile_wasm(units: list[driver.Unit], build: Path, flags: list[str] = (),
                 num_outputs: int = 1) -> dict[int, str]:
    """w2c compile each unit into build/m<N>.c (with the options `flags`,
    e.g. --enable-custom-page-sizes; split into num_outputs parts but the
    spectest module); returns {unit: error} of failures."""
    if not units:
        return {}
    split = ["--num-outputs", str(num_outputs)]
    jobs = "".join(json.dumps([str(u.wasm), str(build / f"{u.prefix}.c"), u.prefix,
                               list(flags) + (SPECTEST_FLAGS if u.index == 0 else [])
                               + (split if split_sources(u, num_outputs) else [])])
                   + "\n" for u in units)
    import w2c
    env = dict(os.environ)   # the same w2c as this process, installed or not
    top = str(Path(w2c.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = top + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    try:
        proc = subprocess.run([os.path.abspath(sys.executable), "-c", _COMPILE_SNIPPET],
                              input=jobs, capture_output=True, text=True,
                              timeout=COMPILE_TIMEOUT, cwd=str(build), env=env)
        out, err = proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = f"timeout after {COMPILE_TIMEOUT}s"
    done: dict[str, tuple[int, str]] = {}
    for line in out.splitlines():
        try:
            name, code, msg = json.loads(line)
        except ValueError:
            continue
        done[name] = (code, msg)
    errors = {}
    for u in units:
        if u.prefix not in done:
            errors[u.index] = "w2c compile did not finish: " + _tail(err, 3)
            continue
        code, msg = done[u.prefix]
        first = (split_sources(u, num_outputs) or [f"{u.prefix}.c"])[-1]
        if code != 0 or not (build / first).is_file():
            # The module's name without its folder (the cache's, or a
            # temporary one): the ratchet's text is the same everywhere.
            msg = msg.replace(str(u.wasm), Path(u.wasm).name)
            errors[u.index] = f"w2c compile exited {code}: {_first_line(msg)}"
    return errors


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""


def _tail(text: str, n: int) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return " | ".join(ln.strip()[:200] for ln in lines[-n:])


def _first_diagnostic(text: str) -> str:
    """The first error line of a compiler's output, else the first warning."""
    for word in ("error", "warning"):
        for line in text.splitlines():
            if re.search(rf"\b{word}\b", line):
                return line.strip()[:300]
    return _first_line(text)


def _object_key(cmd: list[str], build: Path, prefix: str) -> str:
    """Hash of what `cmd` (cc -c PREFIX.c) reads: the compiler (path, size,
    mtime), the command, PREFIX.c, PREFIX.h and the runtime's headers copied
    beside them."""
    import hashlib
    h = hashlib.sha256(b"w2c-spec-object 1\0")
    cc = shutil.which(cmd[0]) or cmd[0]
    st = os.stat(cc) if os.path.exists(cc) else None
    h.update(f"{os.path.realpath(cc)}\0{st and st.st_size}\0{st and st.st_mtime_ns}\0".encode())
    h.update("\0".join(cmd).encode() + b"\0\0")
    files = [build / f"{prefix}.c", build / f"{prefix}.h",
             *sorted(build.glob("w2c_*.h")), *sorted(build.glob("wasi/*.h"))]
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:24]


def cached_compile(cmd: list[str], build: Path, prefix: str) -> tuple[int, str]:
    """Run `cmd` (cc ... -c PREFIX.c -o PREFIX.o in `build`) through the
    spec cache (wast.cache_root()/objects/<_object_key>: the object and the
    compiler's messages): the spectest module m0 is the same C for every
    file of a run, so it is compiled once per compiler and flags instead of
    once per file.  Returns (exit status, stderr) as the compile gave them."""
    folder = wast.cache_root() / "objects" / _object_key(cmd, build, prefix)
    obj, err = folder / "m.o", folder / "stderr"
    if obj.is_file() and err.is_file():
        shutil.copyfile(obj, build / f"{prefix}.o")
        return 0, err.read_text()
    p = subprocess.run(cmd, cwd=str(build), capture_output=True, text=True)
    if p.returncode == 0:
        # Written under temporary names, renamed into place: an xdist worker
        # sees the whole entry or none (the object last, the one looked at).
        folder.mkdir(parents=True, exist_ok=True)
        for src, dst, data in ((None, err, p.stderr), (build / f"{prefix}.o", obj, None)):
            tmp = folder / f".{dst.name}.{os.getpid()}.tmp"
            if data is not None:
                tmp.write_text(data)
            else:
                shutil.copyfile(src, tmp)
            os.replace(tmp, dst)
    return p.returncode, p.stderr


def importers_of_unguarded(units: list[driver.Unit]) -> set[int]:
    """The units built with W2C_NO_GUARD_DEFAULT (explicit bounds checks) so
    that they link: those that import a memory from a unit without guard
    pages (one with small pages, W2C_MODULE_SMALL_PAGES, or such an
    importer).  Built with guard pages, they would refuse that memory
    (W2C_MEM_IMPORT_UNGUARDED: accesses past its end would not fault), as an
    embedder mixing the two builds must expect; explicit checks bound it."""
    unguarded: set[int] = set()
    importers: set[int] = set()
    for u in sorted(units, key=lambda u: u.index):     # a provider comes before its importers
        if any(mt.limits.page_size < SMALLEST_GUARDED_PAGE for mt in u.module.all_mems()):
            unguarded.add(u.index)
        elif any(link.export.kind == EXT_MEMORY and link.provider in unguarded
                 for link in u.links):
            unguarded.add(u.index)
            importers.add(u.index)
    return importers


def cc_modules(units: list[driver.Unit], build: Path, config: Config
               ) -> tuple[dict[int, str], list[str]]:
    """cc -c each m<N>.c; returns ({unit: error}, [warning summaries]).  The
    spectest module (unit 0) goes through cached_compile."""
    unguarded = importers_of_unguarded(units)

    def one(u: driver.Unit):
        cmd = [config.cc, *config.module_flags(), "-c", f"{u.prefix}.c", "-o", f"{u.prefix}.o"]
        if u.index in unguarded:
            cmd.insert(-4, "-DW2C_NO_GUARD_DEFAULT")
        if u.index == 0:
            return (u, *cached_compile(cmd, build, u.prefix))
        parts = split_sources(u, config.num_outputs)
        if parts:
            return split_compile(u, cmd, parts)
        p = subprocess.run(cmd, cwd=str(build), capture_output=True, text=True)
        return u, p.returncode, p.stderr

    def split_compile(u: driver.Unit, cmd: list[str], parts: list[str]):
        """Each part on its own, then one relocatable m<N>.o of them."""
        err = ""
        for src in parts:
            p = subprocess.run(cmd[:-3] + [src, "-o", src[:-2] + ".o"], cwd=str(build),
                               capture_output=True, text=True)
            err += p.stderr
            if p.returncode != 0:
                return u, p.returncode, err
        p = subprocess.run([config.cc, "-r", "-nostdlib", "-o", f"{u.prefix}.o",
                            *(src[:-2] + ".o" for src in parts)], cwd=str(build),
                           capture_output=True, text=True)
        return u, p.returncode, err + p.stderr

    errors, warnings = {}, []
    with ThreadPoolExecutor(max(1, config.jobs)) as pool:
        for u, rc, err in pool.map(one, units):
            if rc != 0:
                errors[u.index] = f"{config.cc} failed: {_first_diagnostic(err)}"
            elif err.strip():
                warnings.append(f"{u.prefix}.c (line {u.line}): {_first_diagnostic(err)}")
    return errors, warnings


# A tiny libc for pycparser: the typedefs and macros generated code and the
# runtime headers may use.  Every header includes all of it.
FAKE_LIBC = r"""
#ifndef W2C_FAKE_LIBC
#define W2C_FAKE_LIBC
typedef unsigned long size_t;
typedef long ptrdiff_t;
typedef long intptr_t;
typedef unsigned long uintptr_t;
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long long int64_t;
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef long long intmax_t;
typedef unsigned long long uintmax_t;
typedef int jmp_buf[64];
typedef int sigjmp_buf[64];
typedef struct FILE FILE;
typedef int va_list;
typedef int wchar_t;
typedef long off_t;
typedef long ssize_t;
typedef int max_align_t;
typedef unsigned long sigset_t;
typedef struct { int si_signo; void *si_addr; } siginfo_t;
struct sigaction { void (*sa_sigaction)(int, siginfo_t *, void *); sigset_t sa_mask; int sa_flags; };
typedef struct { void *ss_sp; int ss_flags; size_t ss_size; } stack_t;
typedef unsigned long rlim_t;
struct rlimit { rlim_t rlim_cur; rlim_t rlim_max; };
int sigaction(int, const struct sigaction *, struct sigaction *);
int sigemptyset(sigset_t *);
int sigaltstack(const stack_t *, stack_t *);
int getrlimit(int, struct rlimit *);
int sigsetjmp(sigjmp_buf, int);
void siglongjmp(sigjmp_buf, int);
#define SA_SIGINFO 4
#define SA_ONSTACK 0x08000000
#define SIGSEGV 11
#define SIGBUS 7
#define SS_DISABLE 2
#define RLIMIT_STACK 3
#define RLIM_INFINITY (~0ul)
#define NULL ((void *)0)
#define bool _Bool
#define true 1
#define false 0
#define INT8_MIN (-128)
#define INT8_MAX 127
#define UINT8_MAX 255
#define INT16_MIN (-32768)
#define INT16_MAX 32767
#define UINT16_MAX 65535
#define INT32_MIN (-2147483647 - 1)
#define INT32_MAX 2147483647
#define UINT32_MAX 4294967295u
#define INT64_MIN (-9223372036854775807ll - 1)
#define INT64_MAX 9223372036854775807ll
#define UINT64_MAX 18446744073709551615ull
#define SIZE_MAX 18446744073709551615ul
#define UINTPTR_MAX 18446744073709551615ul
#define INTPTR_MAX 9223372036854775807l
#define CHAR_BIT 8
#define INT_MAX 2147483647
#define INT_MIN (-2147483647 - 1)
#define UINT_MAX 4294967295u
#define LONG_MAX 9223372036854775807l
#define ULONG_MAX 18446744073709551615ul
#define INT32_C(x) x
#define INT64_C(x) x##ll
#define UINT32_C(x) x##u
#define UINT64_C(x) x##ull
#define INFINITY (1e300 * 1e300)
#define NAN (0.0f / 0.0f)
#define HUGE_VAL (1e300 * 1e300)
#define FLT_MAX 3.40282347e+38f
#define DBL_MAX 1.7976931348623157e+308
#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define stdout ((FILE *)0)
#define stderr ((FILE *)0)
#define offsetof(t, m) ((size_t)&((t *)0)->m)
#define va_start(a, b) (void)0
#define va_end(a) (void)0
#define va_arg(a, t) (*(t *)0)
#define assert(x) (void)(x)
#define static_assert(x, m)
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 32
#define MAP_ANON 32
#define MAP_NORESERVE 0
#define MAP_FAILED ((void *)-1)
typedef struct { int opaque; } pthread_mutex_t;
typedef struct { int opaque; } pthread_cond_t;
typedef long time_t;
typedef int clockid_t;
struct timespec { time_t tv_sec; long tv_nsec; };
int pthread_mutex_lock(pthread_mutex_t *);
int pthread_mutex_unlock(pthread_mutex_t *);
int pthread_cond_init(pthread_cond_t *, const void *);
int pthread_cond_destroy(pthread_cond_t *);
int pthread_cond_wait(pthread_cond_t *, pthread_mutex_t *);
int pthread_cond_timedwait(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
int pthread_cond_signal(pthread_cond_t *);
int clock_gettime(clockid_t, struct timespec *);
#define PTHREAD_MUTEX_INITIALIZER {0}
#define CLOCK_REALTIME 0
#define ETIMEDOUT 110
#endif
"""
FAKE_HEADERS = ("stdint.h", "stddef.h", "stdbool.h", "string.h", "stdlib.h", "stdio.h",
                "setjmp.h", "math.h", "limits.h", "float.h", "assert.h", "inttypes.h",
                "stdarg.h", "signal.h", "errno.h", "sys/mman.h", "unistd.h", "stdnoreturn.h",
                "stdalign.h", "fenv.h", "alloca.h", "malloc.h", "sys/types.h", "sys/resource.h",
                "pthread.h", "time.h")
PYCPARSER_DEFINES = ["-D__attribute__(x)=", "-D__extension__=", "-D__restrict=",
                     "-D__restrict__=", "-D__inline=inline", "-D__inline__=inline",
                     "-D_Noreturn=",
                     "-D__builtin_va_list=int", "-D__typeof__(x)=int",
                     "-D_Static_assert(x, m)=", "-D__declspec(x)=", "-DW2C_PYCPARSER=1",
                     # the SIMD runtime's C99 lane loops, not the vector extensions
                     "-DW2C_SIMD_IMPL=W2C_SIMD_PORTABLE"]


def fake_libc_dir(build: Path) -> Path:
    d = build / "fake_libc"
    if not (d / "stdint.h").is_file():
        for h in FAKE_HEADERS:
            (d / h).parent.mkdir(parents=True, exist_ok=True)
            (d / h).write_text('#include "_fake_libc.h"\n')
        (d / "_fake_libc.h").write_text(FAKE_LIBC)
    return d


_ASM_RE = re.compile(r"\b(?:__asm__|__asm|asm)\b(?:\s+(?:__volatile__|volatile|goto|inline))*\s*\(")


def strip_asm(text: str) -> str:
    """Remove GNU inline asm statements `__asm__ [volatile] (...)`, which
    pycparser cannot parse, from preprocessed C."""
    out, pos = [], 0
    while True:
        m = _ASM_RE.search(text, pos)
        if not m:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:m.start()])
        depth, i, quote = 1, m.end(), None
        while i < len(text) and depth:
            ch = text[i]
            if quote:
                if ch == "\\":
                    i += 1
                elif ch == quote:
                    quote = None
            elif ch in "\"'":
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            i += 1
        out.append("(void)0")
        pos = i


def pycparser_check(unit: driver.Unit, build: Path, config: Config) -> str | None:
    """Preprocess m<N>.c and parse it with pycparser; None if it parses."""
    libc = fake_libc_dir(build)
    cc = config.cc if shutil.which(config.cc) else "gcc"
    p = subprocess.run([cc, "-E", "-P", "-std=c99", "-nostdinc", "-I", str(libc), "-I", ".",
                        *PYCPARSER_DEFINES, f"{unit.prefix}.c"],
                       cwd=str(build), capture_output=True, text=True)
    if p.returncode != 0:
        return f"pycparser: {unit.prefix}.c (line {unit.line}): cc -E failed: " \
               f"{_first_diagnostic(p.stderr)}"
    err = parse_c(strip_asm(p.stdout), f"{unit.prefix}.c")
    if err is not None:
        return f"pycparser: {unit.prefix}.c (line {unit.line}, {unit.wasm.name}): {err}"
    return None


def parse_c(text: str, name: str) -> str | None:
    """Parse C with pycparser; None if it parses, else the error.  pycparser
    recurses once per `case` label of a run (`case 0: case 1: ...`, as a
    br_table makes), so the parse runs in a thread with a big stack and a
    raised recursion limit."""
    import threading
    from pycparser import c_parser
    out: list[str] = []

    def work():
        try:
            c_parser.CParser().parse(text, name)
        except RecursionError:
            out.append("too deeply nested for pycparser")
        except Exception as e:  # noqa: BLE001 - ParseError and friends
            out.append(str(e))

    old_limit = sys.getrecursionlimit()
    old_size = threading.stack_size(1 << 30)
    try:
        sys.setrecursionlimit(max(old_limit, 1_000_000))
        t = threading.Thread(target=work, name="pycparser")
        t.start()
        t.join()
    finally:
        threading.stack_size(old_size)
        sys.setrecursionlimit(old_limit)
    return out[0] if out else None


def _preexec() -> None:   # pragma: no cover - runs in the child
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    want = 1 << 30
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    if soft == resource.RLIM_INFINITY or soft < want:
        try:
            resource.setrlimit(resource.RLIMIT_STACK, (want, hard))
        except (ValueError, OSError):
            pass
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass


_LINE_RE = re.compile(r"^(PASS|FAIL) (\d+)(?: (.*))?$")
_SAN_RE = re.compile(r"(ERROR: \w+Sanitizer.*|runtime error:.*|SUMMARY: .*|"
                     r"LeakSanitizer.*|AddressSanitizer.*)")


def _signal_name(rc: int) -> str:
    try:
        return signal.Signals(-rc).name
    except ValueError:
        return f"signal {-rc}"


# qemu-user reports a guest killed by a signal on stderr, then kills itself
# with the host's number of that signal (so the status looks like a host
# signal) and claims a core dump that RLIMIT_CORE = 0 prevents.
_QEMU_SIGNAL_RE = re.compile(r"^qemu: uncaught target signal (\d+) \(([^)]*)\)[^\n]*$", re.M)


def _death_reason(rc: int | None, stderr: str, timed_out: float | None,
                  emulator: str | None = None) -> str:
    if timed_out is not None:
        return f"driver timed out after {timed_out:g}s"
    stderr = stderr or ""
    san = _SAN_RE.search(stderr)
    guest = _QEMU_SIGNAL_RE.search(stderr) if emulator else None
    if guest:
        what = f"killed by guest signal {guest.group(1)} ({guest.group(2)}) under {emulator}"
        stderr = _QEMU_SIGNAL_RE.sub("", stderr)
    elif rc is not None and rc < 0:
        # Under an emulator with no report of a guest signal: the emulator died.
        what = f"{emulator} killed by {_signal_name(rc)}" if emulator else \
            f"killed by {_signal_name(rc)}"
    else:
        what = f"exit {rc}" + (f" under {emulator}" if emulator else "")
    if san:
        return f"driver died ({what}): {san.group(1).strip()[:300]}"
    return f"driver died ({what})" + (f": {_tail(stderr, 2)}" if stderr.strip() else "")


def run_driver(exe: Path, order: list[int], config: Config, env: dict
               ) -> tuple[dict[int, tuple[str, str]], list[str], int]:
    """Run the driver until every check in `order` is reported (or skipped
    after crashing).  Returns ({id: (status, detail)}, file errors, runs)."""
    results: dict[int, tuple[str, str]] = {}
    skip: list[int] = []
    errors: list[str] = []
    runs = 0
    emulator = config.emulator()
    while True:
        runs += 1
        timed_out = None
        try:
            p = subprocess.run(config.run_command(exe, skip), capture_output=True,
                               stdin=subprocess.DEVNULL, timeout=config.run_timeout(),
                               preexec_fn=_preexec, env=env, cwd=str(exe.parent))
            out, err, rc = p.stdout, p.stderr, p.returncode
        except subprocess.TimeoutExpired as e:
            out, err, rc = e.stdout or b"", e.stderr or b"", None
            timed_out = config.run_timeout()
        out = out.decode("utf-8", "replace")
        err = err.decode("utf-8", "replace")
        reported = set()
        done = False
        for line in out.splitlines():
            if line == "DONE":
                done = True
                continue
            m = _LINE_RE.match(line)
            if not m:
                continue
            cid = int(m.group(2))
            reported.add(cid)
            results.setdefault(cid, ("pass" if m.group(1) == "PASS" else "fail",
                                     m.group(3) or ""))
        why = _death_reason(rc, config.console(out, err), timed_out, emulator)
        if done:
            if rc != 0:
                errors.append(f"after its last check, {why}")
            break
        culprit = next((i for i in order if i not in reported and i not in skip), None)
        if culprit is None:
            errors.append(f"driver did not finish: {why}")
            break
        results[culprit] = ("fail", why)
        skip.append(culprit)
        if runs > MAX_RERUNS:
            for i in order:
                results.setdefault(i, ("fail", f"not run: the driver died {runs} times"))
            break
    return results, errors, runs


def run_env(config: Config) -> dict:
    env = dict(os.environ)
    if config.sanitize:
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:allocator_may_return_null=1:"
                                       "detect_stack_use_after_return=0")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    return env


_LINK_CULPRIT_RE = re.compile(r"\bm(\d+)\.o: in function")
_HEADER_CULPRIT_RE = re.compile(r"^(?:In file included from )?m(\d+)\.[ch]:\d+")
_DRIVER_ERROR_RE = re.compile(r"^driver\.c:(\d+):\d+: error: (.*)")
MAX_DRIVER_BUILDS = 6


_UNDEFINED_RE = re.compile(r"undefined reference to [`'\u2018]([A-Za-z0-9_]+)")


def _undefined_users(stderr: str, build: Path, units: set[int]) -> dict[int, str]:
    """The linker names each undefined symbol once: blame every object that
    needs one of them (nm -u)."""
    symbols = set(_UNDEFINED_RE.findall(stderr))
    out: dict[int, str] = {}
    if not symbols or shutil.which("nm") is None:
        return out
    for u in sorted(units):
        p = subprocess.run(["nm", "-u", f"m{u}.o"], cwd=str(build), capture_output=True,
                           text=True)
        need = {ln.split()[-1] for ln in p.stdout.splitlines() if ln.strip()} & symbols
        if need:
            out[u] = f"link: undefined reference to {', '.join(sorted(need))}"
    return out


def _culprits(stderr: str, driver_text: str) -> dict[int, str]:
    """Units to blame for a failed driver build: {unit: message}."""
    out: dict[int, str] = {}
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        m = _LINK_CULPRIT_RE.search(line)
        if m:
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            out.setdefault(int(m.group(1)), f"link: {nxt[:200] or line.strip()[:200]}")
            continue
        m = _HEADER_CULPRIT_RE.match(line)
        if m and ("error" in line or line.startswith("In file included")):
            err = next((ln for ln in lines[i:] if ": error:" in ln), line)
            out.setdefault(int(m.group(1)), f"driver.c: {err.strip()[:200]}")
            continue
        m = _DRIVER_ERROR_RE.match(line)
        if m:
            unit = driver.unit_at_line(driver_text, int(m.group(1)))
            if unit is not None:
                out.setdefault(unit, f"driver.c glue: {m.group(2)[:200]}")
    return out


def build_driver(plan: driver.Plan, compiled: set[int], build: Path, config: Config,
                 title: str) -> tuple[int, str, list[driver.Check]]:
    """Generate, compile and link the driver; a unit whose code or header
    breaks the build is marked with the error and left out, and the build
    retried.  Returns (returncode, stderr, checks that run)."""
    compiled = set(compiled)
    rc, stderr = 0, ""
    for _ in range(MAX_DRIVER_BUILDS):
        available = driver.available_units(plan, compiled)
        driver.finalize_static(plan, available)
        headers = {i: (build / f"m{i}.h").read_text(errors="replace")
                   for i in available if (build / f"m{i}.h").is_file()}
        text = driver.generate_driver(plan, available, title, headers)
        (build / "driver.c").write_text(text)
        (build / "driver").unlink(missing_ok=True)
        runnable = [c for c in plan.checks if c.runs]
        if not runnable:
            return 0, "", []
        objs = [f"m{i}.o" for i in sorted(available)]
        try:
            link_flags = config.link_flags()
        except RuntimeError as e:     # the firmware's startup code does not compile
            return 1, f"error: startup code: {e}", runnable
        p = subprocess.run([config.cc, *config.driver_flags(), "driver.c", *objs, "-o",
                            "driver", *link_flags], cwd=str(build),
                           capture_output=True, text=True)
        rc, stderr = p.returncode, p.stderr
        if rc == 0:
            return 0, stderr, runnable
        blame = {u: m for u, m in _culprits(stderr, text).items() if u in compiled}
        blame.update(_undefined_users(stderr, build, available - set(blame)))
        if not blame:
            break
        for u, msg in blame.items():
            plan.units[u].error = msg
            compiled.discard(u)
    return rc, stderr, [c for c in plan.checks if c.runs]


# --------------------------------------------------------------------------
# One file.
# --------------------------------------------------------------------------

def run_file(wast_path: Path, build: Path, config: Config | None = None,
             suite: wast.Suite | None = None, root: Path | None = None,
             log=None) -> ExecResult:
    """Build and run every check of `wast_path` in the (empty or reusable)
    folder `build`."""
    config = config or Config()
    suite = suite or wast.SUITES["core"]
    root = root or wast.testsuite_dir() or wast_path.parent
    say = log or (lambda msg: None)
    build = Path(build).resolve()
    build.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    t = time.monotonic()

    script = wast.load_script(wast_path, suite, root)
    plan = driver.build_plan(script, spectest.spectest_wasm(build, "threads" in suite.features))
    result = ExecResult(script.key, config.name)
    units = plan.compiled_units()
    result.modules = len(units)
    timings["plan"] = time.monotonic() - t

    # 1. wasm -> C
    t = time.monotonic()
    for u in units:
        (build / f"{u.prefix}.c").unlink(missing_ok=True)
        (build / f"{u.prefix}_data.c").unlink(missing_ok=True)
    if config.from_text:
        result.text_modules = use_text_modules(units, wast_path, build)
    failed = compile_wasm(units, build, feature_flags(suite), config.num_outputs)
    for i, e in failed.items():
        plan.units[i].error = e
    timings["w2c"] = time.monotonic() - t
    say(f"{script.key}: w2c compiled {len(units) - len(failed)}/{len(units)} modules "
        f"in {timings['w2c']:.1f}s")

    # 2. C -> .o
    t = time.monotonic()
    ok_units = [u for u in units if u.index not in failed]
    cc_failed, result.warnings = cc_modules(ok_units, build, config)
    for i, e in cc_failed.items():
        plan.units[i].error = e
    timings["cc"] = time.monotonic() - t
    compiled = {u.index for u in ok_units if u.index not in cc_failed}
    say(f"{script.key}: {config.cc} compiled {len(compiled)}/{len(ok_units)} modules "
        f"in {timings['cc']:.1f}s")

    # 3. pycparser sample
    if config.pycparser_every and config.num_outputs < 2:
        t = time.monotonic()
        for u in ok_units:
            if u.index % config.pycparser_every == 1 % config.pycparser_every:
                err = pycparser_check(u, build, config)
                if err:
                    result.errors.append(err)
        timings["pycparser"] = time.monotonic() - t

    # 4. the driver (a unit whose code breaks the driver's build is left out)
    t = time.monotonic()
    rc, stderr, runnable = build_driver(plan, compiled, build, config, script.key)
    timings["driver_build"] = time.monotonic() - t
    details: dict[int, tuple[str, str]] = {}
    if rc != 0:
        why = f"driver build failed: {_first_diagnostic(stderr)}"
        result.errors.append(why)
        details = {c.id: ("fail", why) for c in runnable}
    elif runnable:
        # 5. run
        t = time.monotonic()
        details, errors, result.runs = run_driver(build / "driver", [c.id for c in runnable], config,
                                                  run_env(config))
        result.errors += errors
        timings["run"] = time.monotonic() - t

    for c in plan.checks:
        if c.static is not None:
            status, reason = c.static
        else:
            status, reason = details.get(c.id, ("fail", "not reported by the driver"))
            if status == "fail" and c.kind == driver.K_RETURN and reason.startswith("got"):
                reason = f"{reason}, expected {c.expected_text}"
            elif status == "fail" and c.trap and c.text:
                reason = f"{reason}; expected trap {c.text!r}"
        result.outcomes.append(CheckOutcome(c.id, c.line, c.ident, c.command, status, reason))
    result.timings = timings
    return result


# --------------------------------------------------------------------------
# The ratchet (tests/spec/expectations/exec.json).
# --------------------------------------------------------------------------

# Checks that a target cannot pass for want of resources, by target, file
# and check: {ident: (what the check gets there, why)}.  Every target is held
# to exec.json (x86-64, gcc -O2); on top of it, these fail there, as stated:
# target_entry() adds them to the file's entry and compare() checks that
# each fails with the stated result (else a regression) or passes (an
# improvement).  Only what the target cannot do belongs here, with the
# arithmetic; a wrong result is a bug, never an entry.
_GROW_BEYOND_RAM = ("memory.grow by {by} pages, to {to} pages: {mib} MiB of linear memory, more "
                    "than the 4 MiB of RAM of the profile; the realloc fails and memory.grow "
                    "returns -1, as the spec allows")
TARGET_LIMITS: dict[str, dict[str, dict[str, tuple[str, str]]]] = {
    "cortex-m3": {
        "call.wast": {"359": ("got (0xffffffff)", _GROW_BEYOND_RAM.format(
            by="0x132", to=307, mib="19.2"))},
        "call_indirect.wast": {"603": ("got (0xffffffff)", _GROW_BEYOND_RAM.format(
            by="0x132", to=307, mib="19.2"))},
        "memory_grow.wast": {
            "45": ("got (0xffffffff)", _GROW_BEYOND_RAM.format(by=800, to=803, mib="50.2")),
            "48": ("got (0x3)", "follows from line 45: memory.grow 1 returns the old size, "
                                "3 pages, not 803"),
        },
    },
}
# The same board with an FPU (mps2-an386, the same 4 MiB of RAM).
TARGET_LIMITS["cortex-m4f"] = TARGET_LIMITS["cortex-m3"]


def target_entry(key: str, entry: dict | None, target: str | None) -> dict | None:
    """The expectation of `key` on `target`: exec.json's entry plus the
    target's TARGET_LIMITS (as failures, counts adjusted)."""
    limits = TARGET_LIMITS.get(target or "", {}).get(key)
    if not limits or entry is None:
        return entry
    entry = json.loads(json.dumps(entry))
    have = {e.get("ident") or str(e["line"]) for e in entry.get("failures", [])}
    counts = entry.setdefault("counts", {})
    for ident, (got, why) in limits.items():
        if ident in have:
            continue
        entry.setdefault("failures", []).append(
            {"line": int(ident.split("#")[0]), "command": "assert_return", "status": "fail",
             "got": got, "reason": f"{target}: {why}"}
            | ({"ident": ident} if "#" in ident else {}))
        if "passed" in counts:
            counts["passed"] -= 1
        counts["failed"] = counts.get("failed", 0) + 1
    return entry


def compare(result: ExecResult, entry: dict | None, target: str | None = None
            ) -> wast.Comparison:
    """Regressions: total changed, passed went down, c_warnings or
    file_errors went up, or a check is worse than recorded (checks not
    listed must pass).  Messages name wast lines and reasons.  With a
    `target`, its TARGET_LIMITS are expected too (target_entry), and each
    must fail as stated there."""
    limits = TARGET_LIMITS.get(target or "", {}).get(result.key, {})
    entry = target_entry(result.key, entry, target)
    cmp = _compare(result, entry)
    for o in result.outcomes:
        if o.ident in limits and o.status == "fail" and not o.reason.startswith(limits[o.ident][0]):
            cmp.regressions.append(f"{result.key}:{o.line}: {o.describe()} (expected on {target}: "
                                   f"{limits[o.ident][0]}, {limits[o.ident][1]})")
    return cmp


def _compare(result: ExecResult, entry: dict | None) -> wast.Comparison:
    cmp = wast.Comparison()
    counts = result.counts
    if entry is None:
        if result.exceptions() or result.errors or result.warnings:
            cmp.regressions.append(
                f"{result.key}: no expectation recorded and {counts['failed']} failed, "
                f"{counts['skipped']} skipped, {counts['file_errors']} file errors")
            cmp.regressions += [f"{result.key}: {e}" for e in result.errors]
        else:
            cmp.improvements.append(f"{result.key}: no expectation recorded (all pass)")
        entry = {"counts": {}, "failures": []}
    exp = entry.get("counts", {})
    if "total" in exp and exp["total"] != counts["total"]:
        cmp.regressions.append(f"{result.key}: {counts['total']} checks, expected "
                               f"{exp['total']} (testsuite or wast2json changed? regenerate)")
    if "passed" in exp and counts["passed"] != exp["passed"]:
        (cmp.regressions if counts["passed"] < exp["passed"] else cmp.improvements).append(
            f"{result.key}: passed went from {exp['passed']} to {counts['passed']}")
    for name, items in (("c_warnings", result.warnings), ("file_errors", result.errors)):
        was = exp.get(name, 0)
        if counts[name] > was:
            cmp.regressions.append(f"{result.key}: {name} went from {was} to {counts[name]}:"
                                   + "".join(f"\n    {i}" for i in items))
        elif counts[name] < was:
            cmp.improvements.append(f"{result.key}: {name} went from {was} to {counts[name]}")
    recorded = {e.get("ident") or str(e["line"]): e for e in entry.get("failures", [])}
    for o in result.outcomes:
        rec = recorded.pop(o.ident, None)
        was = rec["status"] if rec else "pass"
        if STATUS_RANK[o.status] < STATUS_RANK[was]:
            cmp.regressions.append(f"{result.key}:{o.line}: {o.describe()} (recorded: {was})")
        elif STATUS_RANK[o.status] > STATUS_RANK[was]:
            cmp.improvements.append(f"{result.key}:{o.line}: {o.command} now {o.status} "
                                    f"(recorded: {was})")
    for ident, e in recorded.items():
        cmp.regressions.append(f"{result.key}:{e['line']}: recorded failure {ident} matches "
                               f"no check (testsuite changed? regenerate the expectations)")
    return cmp


def make_entry(result: ExecResult, old: dict | None = None) -> dict:
    """The exec.json entry: counts, and every check that does not pass with
    what happened (`got`) and an explanation (`reason`, kept from `old`)."""
    old_f = {e.get("ident") or str(e["line"]): e for e in (old or {}).get("failures", [])}
    failures = []
    for o in result.exceptions():
        reason = wast.failure_reason(o.reason, old_f.get(o.ident), o.status)
        e = {"line": o.line, "command": o.command, "status": o.status, "got": o.reason,
             "reason": reason}
        if o.ident != str(o.line):
            e["ident"] = o.ident
        failures.append(e)
    entry = {"counts": dict(sorted(result.counts.items())), "failures": failures}
    if result.warnings:
        entry["c_warnings"] = result.warnings
    if result.errors:
        entry["file_errors"] = result.errors
    return entry


def load_expectations(path: Path = EXEC_EXPECTATIONS) -> dict:
    return wast.load_expectations(path)


def write_expectations(data: dict, path: Path = EXEC_EXPECTATIONS) -> None:
    wast.write_expectations(data, path)


def exec_wast_files(root: Path | None = None) -> list[Path]:
    """The core files the execution harness runs: every top-level file."""
    return list(wast.wast_files(wast.SUITES["core"], root))


# Proposal suites (wast.SUITES) whose files the execution harness runs too.
EXEC_PROPOSALS = ("custom-page-sizes", "tail-call", "wasm-3.0", "relaxed-simd",
                  "multi-memory", "extended-const", "wide-arithmetic",
                  "exception-handling", "exception-handling-legacy", "function-references",
                  "threads", "gc")


def exec_files(root: Path | None = None, proposals: tuple[str, ...] = EXEC_PROPOSALS
               ) -> list[tuple[wast.Suite, Path]]:
    """(suite, file) of everything the execution harness runs: the core files
    of exec_wast_files, then the proposals' files (keys proposals/<name>/...)."""
    out = [(wast.SUITES["core"], p) for p in exec_wast_files(root)]
    for name in proposals:
        out += [(wast.SUITES[name], p) for p in wast.wast_files(wast.SUITES[name], root)]
    return out


def totals(results) -> dict[str, int]:
    out = dict.fromkeys(COUNT_NAMES, 0)
    for r in results:
        c = r.counts if isinstance(r, ExecResult) else r["counts"]
        for k in COUNT_NAMES:
            out[k] += c.get(k, 0)
    return out


# --------------------------------------------------------------------------
# Command line: one file.
# --------------------------------------------------------------------------

def main(argv=None) -> int:
    import argparse
    ap = argparse.ArgumentParser(description="Build and run one spec .wast file.")
    ap.add_argument("wast")
    ap.add_argument("--target", metavar="NAME",
                    help="a profile of targets/ (e.g. rpi-aarch64, linux-s390x, cortex-m3): its "
                         "compiler and flags, the driver run under its emulator")
    ap.add_argument("--cc", default=None, help="C compiler (default: gcc, or the target's)")
    ap.add_argument("-O", dest="opt", default="2", help="optimisation level (0, 1, 2, s...)")
    ap.add_argument("--sanitize", action="store_true")
    ap.add_argument("--werror", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="build in DIR and keep it")
    ap.add_argument("--pycparser", type=int, default=0, metavar="N")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    path = Path(args.wast)
    if not path.is_file():
        root = wast.testsuite_dir()
        cand = [root / args.wast, root / f"{args.wast}.wast"] if root else []
        cand += [root / s.subdir / f"{args.wast.removesuffix('.wast')}.wast"
                 for s in wast.SUITES.values() if root and s.subdir]
        path = next((c for c in cand if c.is_file()), path)
    config = Config(args.cc, f"-O{args.opt}", args.sanitize, args.werror, (), args.jobs,
                    pycparser_every=args.pycparser, target=args.target)
    missing = config.missing_tools()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    suite = wast.suite_of(path)
    tmp = None
    if args.keep:
        build = Path(args.keep)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="w2c-exec-")
        build = Path(tmp.name)
    try:
        r = run_file(path, build, config, suite, log=lambda m: print(m, file=sys.stderr))
    finally:
        if tmp:
            tmp.cleanup()
    for o in r.outcomes:
        if o.status != "pass" or args.verbose:
            print(f"{r.key}:{o.line}: {o.describe()}")
    for e in r.errors:
        print(f"{r.key}: error: {e}")
    for w in r.warnings:
        print(f"{r.key}: warning: {w}")
    c = r.counts
    print(f"{r.key} [{config.name}]: {c['passed']}/{c['total']} passed, {c['failed']} failed, "
          f"{c['skipped']} skipped; {r.modules} modules, {r.runs} run(s); "
          + ", ".join(f"{k} {v:.1f}s" for k, v in r.timings.items()))
    return 0 if not r.exceptions() and not r.errors else 1


if __name__ == "__main__":
    sys.exit(main())
