"""Split output against one C file: build time and compiler memory of
`w2c compile --num-outputs N` output under `make -j JOBS`, and how many files
change when one function does.

    python -m bench.split_bench [--funcs 20000] [--outputs 1,8] [--make-jobs 2]
                                [--cc gcc] [--cflags "-O2"] [FILE]

The module is bench/gen_module.py's, shaped as many small functions
(--funcs of them, default 20,000; no SIMD), or FILE.  For each N of
--outputs the script translates it (timing `w2c compile -j 1` and `-j 2`,
which must write the same bytes), writes a Makefile listing the objects from
`w2c compile --list-outputs`, runs `make -j JOBS` and reports the wall time
and the peak resident memory of the largest compiler process (each compile
runs under this script's --wrap, which records its children's ru_maxrss).
Then it replaces one function body at a time (CHANGED, spread over the
module) by `unreachable`, translates again with the largest N and counts
the files that differ.  Not a test: pytest does not run it.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support import wasmbin as W

REPO = Path(__file__).resolve().parent.parent
CHANGED = (0.1, 0.35, 0.5, 0.77, 0.93)     # which functions get edited, as fractions
BUDGETS = (1, 2, 3, 4, 6)                  # statements per generated function


def generated(funcs: int, seed: int) -> Path:
    from bench import gen_module
    cache = Path(os.environ.get("W2C_BENCH_CACHE") or Path(tempfile.gettempdir()) / "w2c-bench")
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"gen-v{gen_module.VERSION}-{funcs}funcs-s{seed}-nosimd.wasm"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(gen_module.generate(0, seed, False, BUDGETS, funcs))
        tmp.replace(path)
    return path


# -- editing one body in the binary ------------------------------------------------------------

def replace_body(wasm: bytes, defined: int, body: bytes = b"\x00\x00\x0b") -> bytes:
    """The module with the body of defined function `defined` replaced (default:
    no locals, `unreachable`: valid for any type)."""
    bodies = W.code_bodies(wasm)
    if not bodies:
        raise ValueError("no code section")
    bodies[defined] = body
    return W.replace_section(wasm, W.CODE, W.vec(W.uleb(len(b)) + b for b in bodies))


# -- measuring ----------------------------------------------------------------------------------

def wrap(log: str, argv: list[str]) -> int:
    """Run one compile; append its time and its processes' peak RSS to `log`."""
    t = time.perf_counter()
    code = subprocess.call(argv)
    use = resource.getrusage(resource.RUSAGE_CHILDREN)   # ru_maxrss: KiB on Linux
    with open(log, "a") as f:
        f.write(json.dumps({"file": argv[-3] if len(argv) > 2 else "", "kb": use.ru_maxrss,
                            "cpu": use.ru_utime + use.ru_stime,
                            "s": time.perf_counter() - t}) + "\n")
    return code


def w2c(*args: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "w2c", *args], check=True, cwd=REPO)
    return time.perf_counter() - t


def makefile(folder: Path, sources: list[str], cc: str, cflags: str) -> None:
    objs = " ".join(s[:-2] + ".o" for s in sources)
    wrapper = f"{sys.executable} -m bench.split_bench --wrap {folder / 'cc.log'} --"
    (folder / "Makefile").write_text(
        f"CC = {cc}\nCFLAGS = -std=c99 {cflags}\nall: {objs}\n"
        f"%.o: %.c\n\tcd {REPO} && {wrapper} $(CC) $(CFLAGS) -I{folder} -c {folder}/$< "
        f"-o {folder}/$@\n")


def build(wasm: Path, folder: Path, n: int, args) -> dict:
    out = folder / "m.c"
    listed = subprocess.run([sys.executable, "-m", "w2c", "compile", str(wasm), "-o", str(out),
                             "--num-outputs", str(n), "--list-outputs"], check=True,
                            capture_output=True, text=True, cwd=REPO).stdout.split()
    t1 = w2c("compile", str(wasm), "-o", str(out), "--num-outputs", str(n), "-q")
    other = folder.with_name(folder.name + "-j2")
    t2 = w2c("compile", str(wasm), "-o", str(other / "m.c"), "--num-outputs", str(n), "-q",
             "-j", "2")
    same = all((folder / f).read_bytes() == (other / f).read_bytes() for f in listed)
    sources = [f for f in listed if f.endswith(".c")]
    makefile(folder, sources, args.cc, args.cflags)
    t = time.perf_counter()
    subprocess.run(["make", "-s", f"-j{args.make_jobs}", "-C", str(folder)], check=True)
    wall = time.perf_counter() - t
    runs = [json.loads(line) for line in (folder / "cc.log").read_text().splitlines()]
    return {"n": n, "translate_j1": t1, "translate_j2": t2, "j2_identical": same,
            "c_mb": sum((folder / f).stat().st_size for f in sources) / 1e6,
            "files": len(sources), "make_s": wall, "peak_mb": max(r["kb"] for r in runs) / 1024,
            "cc_cpu_s": sum(r["cpu"] for r in runs)}


def changed_files(wasm: Path, tmp: Path, n: int, nfuncs: int) -> list[int]:
    from w2c.emit import compile_module, output_names
    data = wasm.read_bytes()
    base = tmp / "edit-base"
    compile_module(data, base / "m.c", "m", num_outputs=n)
    names = output_names("m.c", n)
    counts = []
    for frac in CHANGED:
        edited = replace_body(data, int(nfuncs * frac))
        out = tmp / f"edit-{frac}"
        compile_module(edited, out / "m.c", "m", num_outputs=n)
        counts.append(sum(1 for name in names
                          if (base / name).read_bytes() != (out / name).read_bytes()))
    return counts


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--wrap"]:
        return wrap(argv[1], argv[3:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", nargs="?", type=Path)
    ap.add_argument("--funcs", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--outputs", default="1,8")
    ap.add_argument("--make-jobs", type=int, default=2)
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--cflags", default="-O2")
    args = ap.parse_args(argv)
    wasm = args.file or generated(args.funcs, args.seed)
    from w2c.features import Features
    from w2c.parse import decode_module
    nfuncs = len(decode_module(wasm.read_bytes(), Features()).funcs)
    ns = [int(x) for x in args.outputs.split(",")]
    print(f"{wasm.name}: {wasm.stat().st_size / 1e6:.1f} MB, {nfuncs} functions; "
          f"{args.cc} {args.cflags}, make -j{args.make_jobs}; load {os.getloadavg()[0]:.1f}")
    print(f"{'outputs':>7} {'C files':>7} {'C MB':>6} {'w2c -j1 s':>9} {'-j2 s':>6} {'same':>5} "
          f"{'make s':>7} {'cc CPU s':>8} {'peak cc MB':>10}")
    with tempfile.TemporaryDirectory(prefix="w2c-split-bench-") as tmp:
        for n in ns:
            r = build(wasm, Path(tmp) / f"n{n}", n, args)
            print(f"{n:>7} {r['files']:>7} {r['c_mb']:>6.1f} {r['translate_j1']:>9.1f} "
                  f"{r['translate_j2']:>6.1f} {'yes' if r['j2_identical'] else 'NO':>5} "
                  f"{r['make_s']:>7.1f} {r['cc_cpu_s']:>8.1f} {r['peak_mb']:>10.0f}", flush=True)
        counts = changed_files(wasm, Path(tmp), max(ns), nfuncs)
    print(f"one body replaced (functions at {', '.join(f'{f:.0%}' for f in CHANGED)}): "
          f"files changed of {max(ns)} parts + data + headers: {counts}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
