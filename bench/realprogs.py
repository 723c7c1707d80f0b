"""The real-program bench: SQLite's shell, Brotli's CLI and QuickJS built from
their source packages (bench/real/recipes.py) and run on realistic workloads
natively, as w2c builds (guard pages and explicit bounds checks) and under
wasmtime; also the first `w2c run` of the SQLite shell (empty cache: wall
time and peak memory).  Writes bench/RESULTS-real.md and .json.

    python -m bench.realprogs                      # everything, 3 rounds
    python -m bench.realprogs --runs 5 --only sqlite,quickjs --callgrind
    python -m bench.realprogs --first-run-only     # issue 17's start-up figure
    python -m bench.realprogs --render a.json b.json   # the report from saved figures
                    # (a --first-run-only JSON after another adds only its figure)

Every run's stdout and exit status must equal wasmtime's byte for byte (the
reference run); a difference fails the bench.  Times are whole-process wall
times, medians over rounds in a rotating order (native and the w2c builds:
the executable; wasmtime: the seconds inside `_start` of a module Cranelift
compiled beforehand, so its compile time and Python's start are not
counted).  --callgrind counts the instructions of native and the w2c builds
on the smaller test workloads (independent of the machine's load).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import types
from dataclasses import dataclass
from pathlib import Path

from bench.real import recipes
from bench.run import build_wasm2c, geomean, loadavg, machine

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
VARIANTS = ["native", "w2c", "w2c-bounds", "wasm2c", "wasmtime"]
W2C_BOUNDS = ["-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT"]
CALLGRIND = ["native", "w2c", "w2c-bounds", "wasm2c"]


def log(msg: str) -> None:
    print(f"realprogs: {msg}", file=sys.stderr, flush=True)


# -- building -------------------------------------------------------------------------------------

def w2c_build(wasm: Path, out: Path, bounds: bool) -> Path:
    """`w2c build` of `wasm` (gcc, the target's -O2), cached in `out` by the
    module's name (which carries the recipe's hash)."""
    exe = out / ("w2c-bounds" if bounds else "w2c") / wasm.stem
    if not exe.exists():
        log(f"w2c build {wasm.name}{' (explicit bounds)' if bounds else ''} ...")
        exe.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "w2c", "build", str(wasm), "-o", str(exe), "--cc", "gcc"]
        if bounds:
            cmd += ["--", *W2C_BOUNDS]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
        if proc.returncode != 0:
            raise recipes.RecipeError(f"w2c build {wasm.name} failed:\n{proc.stderr[-2000:]}")
    return exe


def precompile(wasm: Path, out: Path) -> tuple[Path, float]:
    """The module compiled by wasmtime (Cranelift) ahead of time, and how long that took."""
    cwasm = out / "wasmtime" / (wasm.stem + ".cwasm")
    took = cwasm.with_suffix(".seconds")
    if not took.exists():
        cwasm.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bench.engines", "precompile", str(wasm),
                        str(cwasm)], check=True, cwd=REPO)
        took.write_text(f"{time.perf_counter() - t0:.3f}\n")
    return cwasm, float(took.read_text())


@dataclass
class Built:
    exes: dict          # variant -> executable (wasmtime: the .cwasm)
    wasm: Path
    wasm_bytes: int
    wasmtime_compile_s: float


def build_all(names: list[str], out: Path, wasm2c: list[str]) -> dict[str, Built]:
    """Every program's builds; wasm2c's only for the programs in `wasm2c`."""
    built = {}
    for name in names:
        p = recipes.PROGRAMS[name]
        log(f"building {name} (wasm32-wasi, native) ...")
        wasm = recipes.build(p, wasm=True)
        exes = {"native": recipes.build(p, wasm=False)}
        for bounds in (False, True):
            exes["w2c-bounds" if bounds else "w2c"] = w2c_build(wasm, out, bounds)
        old = out / "wasm2c" / name
        if name in wasm2c and old.exists() and old.stat().st_mtime > wasm.stat().st_mtime:
            exes["wasm2c"] = old
        elif name in wasm2c:
            log(f"wasm2c {name} ...")
            exes["wasm2c"] = build_wasm2c(types.SimpleNamespace(name=name), wasm, out)
        exes["wasmtime"], compile_s = precompile(wasm, out)
        built[name] = Built(exes, wasm, wasm.stat().st_size, compile_s)
    return built


# -- running --------------------------------------------------------------------------------------

@dataclass
class Run:
    status: int
    stdout: bytes
    stderr: bytes
    wall: float
    cpu: float      # user + system


def run(variant: str, exe: Path, w: recipes.Workload) -> Run:
    with tempfile.TemporaryDirectory(prefix="w2c-realprogs-") as tmp:
        inp = Path(tmp) / "stdin"
        inp.write_bytes(w.stdin)
        timefile = Path(tmp) / "time"
        if variant == "wasmtime":
            cmd = [sys.executable, "-m", "bench.engines", "wasmtime-timed", str(exe),
                   str(timefile), *w.args]
        else:
            cmd = [str(exe), *w.args]
        with inp.open("rb") as stdin, tempfile.TemporaryFile() as out, \
                tempfile.TemporaryFile() as err:
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdin=stdin, stdout=out, stderr=err, cwd=REPO)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            cpu = usage.ru_utime + usage.ru_stime
            out.seek(0)
            err.seek(0)
            result = Run(os.waitstatus_to_exitcode(status), out.read(), err.read(), wall, cpu)
        if variant == "wasmtime" and timefile.exists():
            result.wall, result.cpu = map(float, timefile.read_text().split())
        return result


def timed_session(built: dict[str, Built], works: list[recipes.Workload], runs: int,
                  variants: list[str]) -> dict:
    """Median seconds per workload and variant, and whether every run's
    output equalled wasmtime's (the first run of each workload)."""
    ref = {}
    for w in works:
        r = run("wasmtime", built[w.program].exes["wasmtime"], w)
        if r.status != 0:
            raise SystemExit(f"{w.name}: wasmtime exits {r.status}: {r.stderr[-800:]!r}")
        ref[w.name] = r
    have = {w.name: [v for v in variants if v in built[w.program].exes] for w in works}
    times: dict = {w.name: {v: [] for v in have[w.name]} for w in works}
    walls: dict = {w.name: {v: [] for v in have[w.name]} for w in works}
    agree: dict = {w.name: {v: True for v in have[w.name]} for w in works}
    for rnd in range(runs):
        for i, w in enumerate(works):
            vs = have[w.name]
            order = vs[(rnd + i) % len(vs):] + vs[:(rnd + i) % len(vs)]
            for v in order:
                r = run(v, built[w.program].exes[v], w)
                same = (r.status, r.stdout) == (ref[w.name].status, ref[w.name].stdout)
                if not same:
                    agree[w.name][v] = False
                    log(f"{w.name} {v}: output differs from wasmtime's (status {r.status})")
                times[w.name][v].append(r.cpu)
                walls[w.name][v].append(r.wall)
            log(f"round {rnd + 1}/{runs} {w.name}: " + ", ".join(
                f"{v} {times[w.name][v][-1]:.3f}s" for v in vs))
    return {"times": times, "walls": walls, "agree": agree,
            "stdout_bytes": {k: len(r.stdout) for k, r in ref.items()}}


def callgrind(built: dict[str, Built], works: list[recipes.Workload]) -> dict:
    """Instructions (callgrind's Ir) of native, the w2c builds and wasm2c's per workload."""
    res: dict = {}
    for w in works:
        for v in (v for v in CALLGRIND if v in built[w.program].exes):
            with tempfile.TemporaryDirectory() as tmp:
                inp = Path(tmp) / "stdin"
                inp.write_bytes(w.stdin)
                with inp.open("rb") as stdin:
                    proc = subprocess.run(
                        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                         str(built[w.program].exes[v]), *w.args],
                        stdin=stdin, capture_output=True, timeout=3600)
            found = re.search(rb"Collected : (\d+)", proc.stderr)
            res.setdefault(w.name, {})[v] = int(found[1]) if found else None
            log(f"callgrind {w.name} {v}: {res[w.name][v]}")
    return res


# -- the first `w2c run` ---------------------------------------------------------------------------

def _tree_rss_kb(root: int) -> int:
    """The summed RSS of `root` and its descendants (from /proc)."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            parent[int(d.name)] = int(fields[1])
            rss[int(d.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(c for c, p in parent.items() if p == pid)
    return total


def first_run(wasm: Path, w: recipes.Workload) -> dict:
    """`w2c run` of `wasm` with an empty cache (W2C_CACHE_DIR in a temporary
    folder): wall time, the largest single process's peak RSS (wait4) and
    the peak of the whole process tree's summed RSS (sampled every 50 ms)."""
    with tempfile.TemporaryDirectory(prefix="w2c-firstrun-") as tmp:
        env = dict(os.environ, W2C_CACHE_DIR=str(Path(tmp) / "cache"))
        inp = Path(tmp) / "stdin"
        inp.write_bytes(w.stdin)
        with inp.open("rb") as stdin, open(Path(tmp) / "out", "wb") as out:
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "w2c", "run", str(wasm), *w.args],
                                    stdin=stdin, stdout=out, stderr=subprocess.PIPE, env=env,
                                    cwd=REPO)
            peak = [0]
            done = threading.Event()

            def sample() -> None:
                while not done.wait(0.05):
                    peak[0] = max(peak[0], _tree_rss_kb(proc.pid))

            sampler = threading.Thread(target=sample)
            sampler.start()
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            done.set()
            sampler.join()
        return {"module": wasm.name, "wasm_bytes": wasm.stat().st_size, "wall_s": round(wall, 2),
                "status": os.waitstatus_to_exitcode(status),
                "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
                "max_process_rss_mb": round(usage.ru_maxrss / 1024),
                "peak_tree_rss_mb": round(peak[0] / 1024), "cores": os.cpu_count()}


# -- the report -----------------------------------------------------------------------------------

RATIOS = [("w2c", "native"), ("w2c-bounds", "native"), ("w2c", "wasmtime"), ("w2c", "wasm2c"),
          ("w2c-bounds", "wasm2c")]


def summarize(session: dict) -> dict:
    rows = {}
    for name, per in session["times"].items():
        med = {v: statistics.median(t) for v, t in per.items() if t}
        wall = {v: statistics.median(t) for v, t in session["walls"][name].items() if t}
        rows[name] = {"median_s": med, "median_wall_s": wall, "agree": session["agree"][name],
                      **{f"{a}/{b}": med[a] / med[b] for a, b in RATIOS if a in med and b in med}}
    return rows


def _f(x: float | None, fmt: str) -> str:
    return "-" if x is None else fmt.format(x)


def write_report(data: dict, md: Path) -> None:
    m = data["machine"]
    lines = ["# Real programs: native, w2c and wasmtime", "",
             "Generated by `python -m bench.realprogs` (bench/realprogs.py; recipes and "
             "workloads in bench/real/).", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['os']}; gcc: {m['gcc']}; "
             f"wasmtime {m['wasmtime']}; w2c {m['w2c_commit']}; {m['date']}.",
             f"Load average before/after: {data['load_before']} / {data['load_after']}"
             + (" (**the machine was loaded**: shared with other jobs, wall times are noisy; "
                "the instruction counts are not affected)"
                if max(data["load_before"] + data["load_after"] + [0]) > (m["cores"] or 1) * 0.7
                else "") + ".", ""]
    if data.get("timed"):
        seen = {v for r in data["summary"].values() for v in r["median_s"]}
        variants = [v for v in VARIANTS if v in seen]
        ratios = [f"{a}/{b}" for a, b in RATIOS if a in variants and b in variants]
        lines += [f"Workload size `{data['size']}`, {data['runs']} rounds, medians of CPU seconds "
                  "(user + system of the whole process; wasmtime: inside `_start`, compiled "
                  "beforehand).  CPU time rather than wall time because the machine is shared; "
                  "the wall-time medians follow the table.", "",
                  "| workload | " + " | ".join(variants + ratios) + " | same output as wasmtime |",
                  "|---" * (len(variants) + len(ratios) + 2) + "|"]
        for name, r in data["summary"].items():
            same = "yes" if all(r["agree"].values()) else \
                "NO: " + ", ".join(v for v, ok in r["agree"].items() if not ok)
            lines.append(f"| {name} | " + " | ".join(
                [_f(r["median_s"].get(v), "{:.3f}") for v in variants]
                + [_f(r.get(k), "{:.2f}") for k in ratios])
                + f" | {same} |")
        lines += ["", "Wall-time medians (s): " + "; ".join(
            f"{name} " + ", ".join(f"{v} {t:.2f}" for v, t in r["median_wall_s"].items())
            for name, r in data["summary"].items()) + "."]
        missing = [f"{v} for {name}" for name, r in data["summary"].items()
                   for v in variants if v not in r["median_s"]]
        if missing:
            lines += ["", "Not built in this run (`--wasm2c` chooses wasm2c's programs): "
                      + ", ".join(missing) + "."]
        s = data["summary"].values()
        lines += ["", "Geometric means: " + ", ".join(
            f"{k} {_f(geomean([r[k] for r in s if k in r]), '{:.2f}')}" for k in ratios) + ".", "",
                  "Modules: " + ", ".join(f"{k} {b['wasm_bytes'] / 1e6:.2f} MB (wasmtime compiles "
                                          f"it in {b['wasmtime_compile_s']:.1f} s)"
                                          for k, b in data["modules"].items()) + ".", ""]
    if data.get("callgrind"):
        cols = [v for v in CALLGRIND if any(v in c for c in data["callgrind"].values())]
        pairs = [(a, b) for a, b in RATIOS if a in cols and b in cols]
        lines += ["Instructions (callgrind, `test`-size workloads, whole process):", "",
                  "| workload | " + " | ".join(cols + [f"{a}/{b}" for a, b in pairs]) + " |",
                  "|---" * (len(cols) + len(pairs) + 1) + "|"]
        for name, c in data["callgrind"].items():
            ratios = [f"{c[a] / c[b]:.3f}" if c.get(a) and c.get(b) else "-" for a, b in pairs]
            lines.append(f"| {name} | " + " | ".join([_f(c.get(v), "{}") for v in cols] + ratios)
                         + " |")
        lines.append("")
    if data.get("first_run"):
        f = data["first_run"]
        lines += [f"First `w2c run` of the SQLite shell ({f['module']}, "
                  f"{f['wasm_bytes'] / 1e6:.2f} MB, empty W2C_CACHE_DIR, test workload, "
                  f"{f['cores']} cores): "
                  f"{f['wall_s']:.1f} s wall ({f['cpu_s']:.1f} s of CPU), peak "
                  f"{f['peak_tree_rss_mb']} MB summed over the "
                  f"process tree (largest single process {f['max_process_rss_mb']} MB); "
                  f"issue 17 asks for <= 20 s and <= 400 MB." +
                  (f"  (Measured on its own: w2c {f['w2c']}, {f['date']}, load average "
                   f"{f['load']} before it.)" if f.get("date") else ""), ""]
    md.write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.realprogs", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", help="comma-separated programs (sqlite, brotli, quickjs)")
    ap.add_argument("--size", choices=sorted(recipes.SIZES), default="bench")
    ap.add_argument("--callgrind", action="store_true", help="also count instructions")
    ap.add_argument("--wasm2c", help="the programs to build with wasm2c too (default: all)")
    ap.add_argument("--first-run", action="store_true", help="also time the first w2c run")
    ap.add_argument("--first-run-only", action="store_true")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "w2c-realprogs")
    ap.add_argument("--report", type=Path, default=BENCH / "RESULTS-real.md")
    ap.add_argument("--render", type=Path, nargs="+", metavar="JSON",
                    help="only write the report from saved figures (merged in order)")
    a = ap.parse_args(argv)
    if a.render:
        data = {}
        for f in a.render:
            part = json.loads(f.read_text())
            if "timed" not in part and data:    # a --first-run-only run: only its figure
                part = {"first_run": part["first_run"]}
            data.update(part)
        a.report.with_suffix(".json").write_text(json.dumps(data, indent=1) + "\n")
        write_report(data, a.report)
        return 0
    names = a.only.split(",") if a.only else list(recipes.PROGRAMS)
    data: dict = {"machine": machine(), "load_before": loadavg(), "size": a.size, "runs": a.runs}
    try:
        if a.first_run or a.first_run_only:
            sqlite = recipes.build(recipes.PROGRAMS["sqlite"], wasm=True)
            work = recipes.workload("sqlite", "test")
            log("first w2c run of the SQLite shell (empty cache) ...")
            data["first_run"] = first_run(sqlite, work)
            data["first_run"].update(w2c=data["machine"]["w2c_commit"],
                                     date=data["machine"]["date"], load=data["load_before"])
            log(f"first run: {data['first_run']}")
        if not a.first_run_only:
            wasm2c = names if a.wasm2c is None else a.wasm2c.split(",")
            built = build_all(names, a.out, wasm2c)
            data["modules"] = {k: {"wasm_bytes": b.wasm_bytes,
                                   "wasmtime_compile_s": b.wasmtime_compile_s}
                               for k, b in built.items()}
            works = recipes.workloads(a.size, names)
            session = timed_session(built, works, a.runs, VARIANTS)
            data.update(timed=session, summary=summarize(session))
            if a.callgrind:
                small = recipes.workloads("test", names)
                data["callgrind"] = callgrind(built, small)
    except recipes.RecipeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    data["load_after"] = loadavg()
    a.report.with_suffix(".json").write_text(json.dumps(data, indent=1, default=str) + "\n")
    write_report(data, a.report)
    log(f"wrote {a.report}")
    bad = [n for n, r in data.get("summary", {}).items() if not all(r["agree"].values())]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
