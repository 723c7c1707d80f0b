"""The GC bench (issue 19): allocation and field access in WasmGC modules,
w2c against wasmtime on the same module.  The programs are the hand-written
modules of tests/programs/gc/ (linked lists of short-lived structs,
binary-trees, cyclic graphs with arrays, i31 and casts); each exports
`run(...) -> i64`, a checksum both engines must agree on.  Writes
bench/RESULTS-gc.md and .json.

    python -m bench.gc                 # every program, 3 rounds
    python -m bench.gc --runs 5 --only trees

w2c: `w2c build --enable-gc` (gcc, the target's -O2), the executable run
with W2C_WASI_INVOKE=run; time is the whole process's CPU time (user +
system) and memory its peak RSS.  wasmtime (wasmtime-py, Config.wasm_gc,
Cranelift): the module is compiled first, then the CPU seconds inside `run`
are taken in a child process whose peak RSS is reported (it includes
wasmtime itself, ~30 MB).  CPU time, not wall time, so that a busy machine
changes the figures less.  Medians over rounds in a rotating order.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.run import geomean, loadavg, machine

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PROGRAMS = REPO / "tests" / "programs" / "gc"
# program -> arguments of run() for the bench (seconds of work each)
WORKLOADS: dict[str, list[int]] = {
    "list": [20000, 1000],      # 2 * 10^7 structs, each list garbage after use
    "trees": [18],              # binary-trees depth 18
    "graph": [100, 50000],      # 100 cyclic graphs of 50,000 nodes
}

WASMTIME_CHILD = r"""
import resource, sys, time, wasmtime
cfg = wasmtime.Config(); cfg.wasm_gc = True; cfg.wasm_function_references = True
eng = wasmtime.Engine(cfg)
store = wasmtime.Store(eng)
inst = wasmtime.Instance(store, wasmtime.Module.from_file(eng, sys.argv[1]), [])
run = inst.exports(store)["run"]
args = [int(a) for a in sys.argv[2:]]
t = time.process_time(); r = run(store, *args); t = time.process_time() - t
print(r, t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def log(msg: str) -> None:
    print(f"gc-bench: {msg}", file=sys.stderr, flush=True)


def build(name: str, out: Path) -> Path:
    exe = out / name
    subprocess.run([sys.executable, "-m", "w2c", "build", "--enable-gc", "--cc", "gcc",
                    str(PROGRAMS / f"{name}.wat"), "-o", str(exe)], check=True)
    return exe


def run_w2c(exe: Path, args: list[int]) -> tuple[int, float, int]:
    """(result, CPU seconds, peak RSS in KiB) of one run in a child process."""
    env = dict(os.environ, W2C_WASI_INVOKE="run")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run([str(exe), *map(str, args)], env=env, capture_output=True, text=True,
                       check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    # ru_maxrss of children is the largest child so far: run w2c first, in
    # its own python (see measure), so it is this child's.
    return int(p.stdout.split()[0]), t, max(after.ru_maxrss, before.ru_maxrss)


def run_wasmtime(name: str, args: list[int]) -> tuple[int, float, int]:
    p = subprocess.run([sys.executable, "-c", WASMTIME_CHILD, str(PROGRAMS / f"{name}.wat"),
                        *map(str, args)], capture_output=True, text=True, check=True)
    r, t, rss = p.stdout.split()
    return int(r), float(t), int(rss)


def measure_w2c(exe: Path, args: list[int]) -> tuple[int, float, int]:
    """run_w2c in a fresh Python, so RUSAGE_CHILDREN's peak is this run's."""
    code = ("import sys; from pathlib import Path; from bench.gc import run_w2c; "
            "print(*run_w2c(Path(sys.argv[1]), [int(a) for a in sys.argv[2:]]))")
    p = subprocess.run([sys.executable, "-c", code, str(exe), *map(str, args)], cwd=REPO,
                       capture_output=True, text=True, check=True)
    r, t, rss = p.stdout.split()
    return int(r), float(t), int(rss)


def session(names: list[str], runs: int, out: Path) -> dict:
    exes = {n: build(n, out) for n in names}
    rows: dict[str, dict] = {}
    for n in names:
        args = WORKLOADS[n]
        times: dict[str, list[float]] = {"w2c": [], "wasmtime": []}
        rss: dict[str, int] = {"w2c": 0, "wasmtime": 0}
        results = set()
        for i in range(runs):
            order = ["w2c", "wasmtime"] if i % 2 == 0 else ["wasmtime", "w2c"]
            for eng in order:
                r, t, kb = measure_w2c(exes[n], args) if eng == "w2c" else run_wasmtime(n, args)
                results.add(r)
                times[eng].append(t)
                rss[eng] = max(rss[eng], kb)
                log(f"{n} {eng} {t:.3f}s {kb // 1024} MiB")
        if len(results) != 1:
            raise SystemExit(f"gc-bench: {n}: the engines disagree: {sorted(results)}")
        rows[n] = {"args": args, "result": results.pop(),
                   "seconds": {e: statistics.median(v) for e, v in times.items()},
                   "peak_rss_kib": rss}
    return {"machine": machine(), "loadavg": loadavg(), "runs": runs, "programs": rows}


def write_report(data: dict, md: Path) -> None:
    m = data["machine"]
    lines = ["# GC bench (w2c against wasmtime, same module)", "",
             "Generated by `python -m bench.gc` (see its docstring for the method).", "",
             f"Machine: {m['cpu']}, {m['cores']} cores; {m['gcc']}; wasmtime {m['wasmtime']}; "
             f"w2c {m['w2c_commit']}; {m['date']}; load average at the start "
             f"{data['loadavg']}; medians of {data['runs']} runs.", "",
             "| program | run(...) | w2c CPU s | wasmtime CPU s | w2c / wasmtime | w2c peak RSS | "
             "wasmtime peak RSS |", "|---|---|---|---|---|---|---|"]
    ratios = []
    for n, row in data["programs"].items():
        s, kib = row["seconds"], row["peak_rss_kib"]
        ratio = s["w2c"] / s["wasmtime"]
        ratios.append(ratio)
        lines.append(f"| {n} | {', '.join(map(str, row['args']))} | {s['w2c']:.3f} | "
                     f"{s['wasmtime']:.3f} | {ratio:.2f} | {kib['w2c'] // 1024} MiB | "
                     f"{kib['wasmtime'] // 1024} MiB |")
    lines += ["", f"Geomean w2c / wasmtime: **{geomean(ratios) or 0:.2f}** (wasmtime's "
              "CPU time excludes its compile; w2c's is the whole process's).", ""]
    md.write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.gc", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default=",".join(WORKLOADS))
    ap.add_argument("--report", type=Path, default=BENCH / "RESULTS-gc.md")
    a = ap.parse_args(argv)
    names = [n for n in a.only.split(",") if n]
    with tempfile.TemporaryDirectory(prefix="w2c-gc-bench-") as tmp:
        data = session(names, a.runs, Path(tmp))
    a.report.with_suffix(".json").write_text(json.dumps(data, indent=1) + "\n")
    write_report(data, a.report)
    print(a.report.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
