"""Decode + validate throughput and peak memory of `w2c.parse.check_module`.

    python -m bench.decode_bench [--size MB] [--seed N] [--repeat N] [FILE ...]

Without FILE it benchmarks the module of bench/gen_module.py (default 10 MB,
cached under $W2C_BENCH_CACHE or the temp directory).  Every measurement runs
in a fresh child process pinned to one CPU, so imports and earlier runs do not
count:

* time:   wall-clock time of check_module(data); MB/s = file size / time
          (best of --repeat runs, median shown too).
* RSS:    peak resident set size minus the resident size just before the
          file is read (Linux: VmHWM, reset through /proc/self/clear_refs;
          elsewhere ru_maxrss); the file's own bytes are included.
* traced: tracemalloc's peak over the same span (Python allocations only,
          the file's bytes included), in a separate run since tracing is slow.

The project's targets: >= 1 MB/s on one core and peak memory < 3x the file
size.  Exit status 1 if check_module rejects a file or a target is missed
(--no-fail to always exit 0).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

MB = 1 << 20
TARGET_MBPS = 1.0
TARGET_RATIO = 3.0
REPO = Path(__file__).resolve().parent.parent


# -- child side ------------------------------------------------------------------

def _child(mode: str, path: str) -> None:
    import gc
    import time

    try:   # one core
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[-1]})
    except (AttributeError, OSError):
        pass
    from w2c.errors import W2CError
    from w2c.parse import check_module
    # import the decoder and validator and warm them up on a tiny module
    check_module(b"\0asm\1\0\0\0\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00"
                 b"\x0a\x04\x01\x02\x00\x0b")
    gc.collect()
    if mode == "traced":
        import tracemalloc
        tracemalloc.start()
    rss0 = _rss_start()
    data = Path(path).read_bytes()
    result: dict = {"size": len(data)}
    t0 = time.perf_counter()
    try:
        m = check_module(data)
        result["funcs"] = len(m.codes)
    except W2CError as e:
        result["error"] = e.format(path)
    result["seconds"] = time.perf_counter() - t0
    if mode == "traced":
        result["traced_peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    result["rss_growth"] = _rss_peak() - rss0
    print(json.dumps(result))


def _status(field: str) -> int | None:
    """A /proc/self/status field in bytes (Linux), or None."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _rss_start() -> int:
    """The current RSS, after resetting the peak (VmHWM) to it where Linux allows.

    ru_maxrss cannot serve: Linux carries it over fork and exec, so a child
    starts with its parent's peak."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        rss = _status("VmRSS")
        if rss is not None:
            return rss
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _rss_peak() -> int:
    hwm = _status("VmHWM")
    if hwm is not None:
        return hwm
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _run_child(mode: str, path: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    r = subprocess.run([sys.executable, "-m", "bench.decode_bench", "--child", mode, str(path)],
                       capture_output=True, text=True, env=env, cwd=REPO)
    if r.returncode != 0:
        raise SystemExit(f"benchmark child failed on {path}:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


# -- parent side -----------------------------------------------------------------

def generated_module(size_mb: float, seed: int, simd: bool = True) -> Path:
    """The generator's module, made once and cached (the output is deterministic)."""
    from bench import gen_module
    cache = Path(os.environ.get("W2C_BENCH_CACHE") or Path(tempfile.gettempdir()) / "w2c-bench")
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"gen-v{gen_module.VERSION}-{size_mb:g}MB-s{seed}{'' if simd else '-nosimd'}.wasm"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(gen_module.generate(int(size_mb * MB), seed, simd))
        err = gen_module.check_with_wasm_tools(tmp)
        if err:
            raise SystemExit(f"the generated module is invalid (wasm-tools): {err}")
        tmp.replace(path)
    return path


def _fmt_mb(n: float) -> str:
    return f"{n / MB:.2f} MB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.decode_bench",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path, metavar="FILE")
    ap.add_argument("--size", type=float, default=10.0,
                    help="size in MB of the generated module when no FILE is given (default 10)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per file (default 3)")
    ap.add_argument("--no-trace", action="store_true", help="skip the tracemalloc run")
    ap.add_argument("--no-fail", action="store_true", help="exit 0 even if a target is missed")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0

    files = args.files or [generated_module(args.size, args.seed)]
    rows, ok = [], True
    for path in files:
        runs = [_run_child("time", path) for _ in range(max(1, args.repeat))]
        if "error" in runs[0]:
            print(f"{path}: rejected: {runs[0]['error']}", file=sys.stderr)
            ok = False
            continue
        size = runs[0]["size"]
        secs = [r["seconds"] for r in runs]
        row = {
            "file": str(path), "size": size, "funcs": runs[0].get("funcs"),
            "best_s": min(secs), "median_s": statistics.median(secs),
            "mbps": size / MB / min(secs), "mbps_median": size / MB / statistics.median(secs),
            "rss_growth": max(r["rss_growth"] for r in runs),
        }
        row["rss_ratio"] = row["rss_growth"] / size
        if not args.no_trace:
            t = _run_child("traced", path)
            row["traced_peak"] = t["traced_peak"]
            row["traced_ratio"] = t["traced_peak"] / size
        rows.append(row)

    head = (f"{'file':<34} {'size':>10} {'funcs':>7} {'best':>8} {'MB/s':>6} {'median':>7}"
            f" {'peak RSS +':>11} {'x size':>6}" + ("" if args.no_trace else f" {'traced peak':>11} {'x size':>6}"))
    print(head)
    print("-" * len(head))
    for r in rows:
        name = Path(r["file"]).name
        name = name if len(name) <= 34 else "..." + name[-31:]
        line = (f"{name:<34} {_fmt_mb(r['size']):>10} {r['funcs']:>7} {r['best_s']:>7.2f}s"
                f" {r['mbps']:>6.2f} {r['mbps_median']:>7.2f} {_fmt_mb(r['rss_growth']):>11}"
                f" {r['rss_ratio']:>6.2f}")
        if not args.no_trace:
            line += f" {_fmt_mb(r['traced_peak']):>11} {r['traced_ratio']:>6.2f}"
        print(line)
        peak_ratio = max(r["rss_ratio"], r.get("traced_ratio", 0))
        if r["mbps"] < TARGET_MBPS or peak_ratio >= TARGET_RATIO:
            ok = False
    print(f"targets: >= {TARGET_MBPS:g} MB/s on one core, peak memory < {TARGET_RATIO:g}x file size"
          f" (MB = 2^20 bytes; peaks include the file's bytes)  ->  {'met' if ok else 'MISSED'}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0 if ok or args.no_fail else 1


if __name__ == "__main__":
    sys.exit(main())
