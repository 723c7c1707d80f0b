"""The Cortex-M bench: bench/programs on the chip, under qemu-system-arm.

    python -m bench.chip [--profiles cortex-m3 cortex-m4f] [--programs crc32 ...]
                         [--variant LABEL=SOURCE[:CFLAGS]] [--no-wasm3] [--jobs 2]

Each program's kernel bench_run(n) (a reduced input, CHIP_N) runs as
firmware of the profile (targets/<profile>.json: mps2-an385 for cortex-m3,
mps2-an386 for cortex-m4f; 4 MB RAM, since a 64 KiB Wasm page cannot fit the
lm3s6965's 64 KB), built four ways from the same source (bench/chip_build.py):

  native    arm-none-eabi-gcc of the C source, the profile's flags (-Os)
  w2c       the program's pure .wasm translated by this tree's w2c, the
            profile's flags and defines (explicit bounds checks)
  w2c-LABEL a --variant: another w2c (SOURCE a checkout or a git revision of
            this repository) and/or other C flags for the module; by default
            `unchecked` (this tree with W2C_NONCONFORMING_NO_BOUNDS_CHECK: the
            floor bounds-check eliminations can approach)
  wasm3     wasm3 0.5.0 built from its C sources (-O2) with the same .wasm in flash

Counts are exact guest instructions between the two bench_marks around the
kernel (a QEMU plugin; validated on every run by calibrate(): see
bench/chip_count.py).  Every build's checksum must equal wasmtime's for the
same module and n (and BENCH_MAIN's value where n is its reduced input).
Flash and RAM per part (runtime or interpreter, module, harness) come from
the linker maps; RAM adds the heap's peak (newlib malloc: wasm3's runtime
and linear memory, native's allocations) and leaves out the stack (the
profile's, the same for all).  Writes bench/RESULTS-chip.md and
bench/results-chip.json.
"""
from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import chip_build as cb, chip_count as cc
from bench.chip_report import write_results
from bench.run import build_wasm, programs
from w2c.target import load_target

try:
    import wasmtime
except ImportError:      # reported by main(): the reference checksum needs it
    wasmtime = None  # type: ignore[assignment]

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PROFILES = ["cortex-m3", "cortex-m4f"]
# n of each program on the chip: about 5-30 million native instructions.  Left out:
# the SIMD programs (adler, blur, bytesearch, dotprod: no native Arm build, no
# SIMD in wasm3) and those whose data does not fit 4 MB of RAM (hashmap 16 MB,
# memops 8 MB, sort 5 MB, sieve 4 MB).
CHIP_N = {"bintrees": 10, "crc32": 40, "dispatch": 100, "interp": 5000, "mandel": 24,
          "matmul": 32, "nbody": 500, "parse": 1, "recurse": 2, "sha256": 4, "spectral": 25}
DEFAULT_VARIANTS = ["unchecked=:-DW2C_BOUNDS_CHECK=W2C_NONCONFORMING_NO_BOUNDS_CHECK"]


class Variant:
    """Another w2c build: LABEL=SOURCE[:CFLAGS] (SOURCE empty: this tree)."""

    def __init__(self, spec: str):
        label, eq, rest = spec.partition("=")
        source, _, flags = rest.partition(":")
        if not eq or not label or not label.replace("-", "").replace("_", "").isalnum():
            raise ValueError(f"bad --variant {spec!r}: LABEL=SOURCE[:CFLAGS]")
        self.label, self.source, self.cflags = label, source, tuple(flags.split())
        self.tree: Path | None = None
        self.sha = ""

    def describe(self) -> str:
        src = f"w2c of {self.source}" if self.source else "this tree's w2c"
        if self.sha:
            src += f" (commit {self.sha[:12]})"
        return src + (f", C flags {' '.join(self.cflags)}" if self.cflags else "")

    def prepare(self) -> None:
        """Resolve SOURCE to a tree holding the w2c package."""
        if not self.source:
            return
        path = Path(self.source)
        if (path / "w2c" / "__init__.py").exists():
            self.tree = path.resolve()
            return
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--verify", self.source],
                             capture_output=True, text=True)
        if rev.returncode != 0:
            raise ValueError(f"--variant {self.label}: {self.source} is neither a w2c "
                             f"checkout nor a git revision")
        sha = self.sha = rev.stdout.strip()
        tree = cb.cache_dir() / f"w2c-{sha[:12]}"
        if not (tree / "w2c" / "__init__.py").exists():
            tmp = Path(tempfile.mkdtemp(dir=cb.cache_dir()))
            arch = subprocess.run(["git", "-C", str(REPO), "archive", sha, "w2c", "runtime_c",
                                   "targets"], capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(tmp)], input=arch, check=True)
            shutil.rmtree(tree, ignore_errors=True)
            tmp.rename(tree)
        self.tree = tree


def reference(wasm: Path, n: int) -> tuple[int, int]:
    """(checksum, linear memory bytes after the run) of bench_run(n) under wasmtime."""
    store = wasmtime.Store(wasmtime.Engine())
    inst = wasmtime.Instance(store, wasmtime.Module.from_file(store.engine, str(wasm)), [])
    ex = inst.exports(store)
    run, mem = ex["bench_run"], ex["memory"]
    if not isinstance(run, wasmtime.Func) or not isinstance(mem, wasmtime.Memory):
        raise cb.BuildFailed(f"{wasm.name}: no bench_run function or no memory exported")
    return run(store, n) & 0xFFFFFFFF, mem.data_len(store)


def bench_program(prog, profile, variants: list[Variant], wasm3: bool, work: Path) -> dict:
    """Build and count every build of one program on one profile."""
    n = CHIP_N[prog.name]
    out = work / profile.name / prog.name
    wasm = build_wasm(prog, out, True)    # per profile: jobs of one program may overlap
    ref, mem_bytes = reference(wasm, n)
    if n == prog.n_small and ref != prog.expect_small:
        raise cb.BuildFailed(f"{prog.name}: wasmtime gives {ref:08x}, BENCH_MAIN "
                             f"{prog.expect_small:08x}")
    fws = {"native": cb.build_native(prog, profile, n, ref, out / "native")}
    fws["w2c"] = cb.build_w2c(prog, profile, wasm, n, ref, out / "w2c", max_memory=mem_bytes)
    for v in variants:
        fws[f"w2c-{v.label}"] = cb.build_w2c(prog, profile, wasm, n, ref, out / v.label,
                                             tree=v.tree, extra=v.cflags, max_memory=mem_bytes)
    if wasm3 and prog.wasm3:
        fws["wasm3"] = cb.build_wasm3(prog, profile, wasm, n, ref, out / "wasm3")
    res = {"program": prog.name, "n": n, "checksum": f"{ref:08x}", "wasm_bytes":
           wasm.stat().st_size, "linear_memory": mem_bytes, "builds": {}}
    for name, fw in fws.items():
        t0 = time.monotonic()
        run = cc.run_counted(profile, fw.elf, fw.mark)
        if run.check != "ok":
            raise cb.BuildFailed(f"{prog.name} {name} on {profile.name}: checksum "
                                 f"{run.checksum}, wasmtime {ref:08x}")
        fp = cc.footprint(fw.elf.parent / "firmware.map")
        res["builds"][name] = {"kernel": run.kernel, "total": run.total, "heap": run.heap,
                               "wasm3_memory": run.mem, "flash": fp["flash"], "ram": fp["ram"],
                               "seconds": round(time.monotonic() - t0, 2)}
    return res


def geomean(xs: list[float]) -> float:
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.chip",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--profiles", nargs="+", default=PROFILES)
    ap.add_argument("--programs", nargs="+", default=sorted(CHIP_N))
    ap.add_argument("--variant", action="append", default=None,
                    help="LABEL=SOURCE[:CFLAGS]: another w2c (a checkout or git revision; empty: "
                         "this tree) and/or C flags for the module; repeatable "
                         f"(default: {DEFAULT_VARIANTS[0]})")
    ap.add_argument("--no-wasm3", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=BENCH / "RESULTS-chip.md")
    ap.add_argument("--json", type=Path, default=BENCH / "results-chip.json")
    ap.add_argument("--keep", type=Path, help="build here and keep it (default: a temp dir)")
    args = ap.parse_args(argv)
    unknown = set(args.programs) - set(CHIP_N)
    if unknown:
        ap.error(f"not on the chip: {' '.join(sorted(unknown))} (known: {' '.join(CHIP_N)})")
    try:
        variants = [Variant(s) for s in (args.variant if args.variant is not None
                                         else DEFAULT_VARIANTS)]
        for v in variants:
            v.prepare()
        profiles = [load_target(p) for p in args.profiles]
    except (ValueError, subprocess.CalledProcessError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if wasmtime is None:
        print("error: wasmtime (PyPI) not installed: it gives the reference checksums",
              file=sys.stderr)
        return 1
    for prof in profiles:
        problem = cc.toolchain_problem(prof)
        if problem:
            print(f"error: {prof.name}: {problem}", file=sys.stderr)
            return 1
    progs = programs(args.programs)
    work = args.keep or Path(tempfile.mkdtemp(prefix="w2c-chip-"))
    start = time.monotonic()
    try:
        cc.plugin()
        calib = {p.name: cc.calibrate(p, work / "calib" / p.name) for p in profiles}
        for p in profiles:
            print(f"{p.name}: count calibrated ({calib[p.name]['diff']} = 2 x "
                  f"{calib[p.name]['n2'] - calib[p.name]['n1']} loop iterations, repeatable)",
                  flush=True)
            if not args.no_wasm3:
                cb.wasm3_objects(p)
        jobs = [(prog, prof) for prof in profiles for prog in progs]
        results: dict[str, list] = {p.name: [] for p in profiles}
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futs = [pool.submit(bench_program, prog, prof, variants, not args.no_wasm3, work)
                    for prog, prof in jobs]
            for (prog, prof), fut in zip(jobs, futs, strict=True):
                r = fut.result()
                results[prof.name].append(r)
                b = r["builds"]
                line = " ".join(f"{k} {v['kernel']}" for k, v in b.items())
                print(f"{prof.name} {prog.name} n={r['n']}: {line}", flush=True)
    except cb.BuildFailed as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    meta = {"command": " ".join(["python -m bench.chip", *(argv if argv is not None
                                                             else sys.argv[1:])]),
            "date": time.strftime("%Y-%m-%d"), "seconds": round(time.monotonic() - start),
            "host": f"{platform.machine()}, {os.cpu_count()} CPUs", "jobs": args.jobs,
            "tools": tool_versions(profiles),
            "profiles": {p.name: {"description": p.description, "cflags": p.cflags,
                                  "stack": p.stack_bytes} for p in profiles},
            "variants": {f"w2c-{v.label}": v.describe() for v in variants},
            "wasm3_cflags": cb.WASM3_CFLAGS, "calibration": calib}
    write_results(args.out, args.json, meta, results)
    print(f"wrote {args.out} and {args.json} ({meta['seconds']} s)")
    return 0


def tool_versions(profiles) -> dict[str, str]:
    def first(cmd: list[str]) -> str:
        p = subprocess.run(cmd, capture_output=True, text=True)
        return (p.stdout or p.stderr).splitlines()[0].strip() if p.returncode == 0 else "?"
    out = {"qemu": first([profiles[0].run[0], "--version"]),
           "cc": first([profiles[0].cc, "--version"]), "wasm3": cb.PYWASM3}
    return out


if __name__ == "__main__":
    sys.exit(main())
