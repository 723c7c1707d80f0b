"""Translation throughput and peak memory of `w2c compile` (decode, validate
and emit C), on the generated module of bench/gen_module.py or given files.

    python -m bench.compile_bench [--size MB] [--seed N] [--cc gcc] [FILE ...]

Each measurement runs in a fresh child process pinned to one CPU and reports
wall time, MB of wasm per second, peak RSS growth relative to the file size
and the size of the C written.  With --cc it also times the C compiler on the
output (-O2 -c) and reports its peak memory (from the child's rusage).

The project's target for translation: >= 0.5 MB/s on one core.  Not a test.
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

from bench.decode_bench import generated_module

TARGET_MBPS = 0.5
REPO = Path(__file__).resolve().parent.parent


def _child(path: str, out: str) -> None:
    try:
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[-1]})
    except (AttributeError, OSError):
        pass
    from bench.decode_bench import _rss_peak, _rss_start
    from w2c.emit import compile_module
    rss0 = _rss_start()
    data = Path(path).read_bytes()
    t = time.perf_counter()
    compile_module(data, out, "bench")
    dt = time.perf_counter() - t
    rss1 = _rss_peak()
    print(json.dumps({"seconds": dt, "size": len(data), "rss_growth": rss1 - rss0,
                      "c_bytes": Path(out).stat().st_size}))


def measure(path: Path, cc: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="w2c-bench-") as tmp:
        out = Path(tmp) / "bench.c"
        proc = subprocess.run([sys.executable, "-m", "bench.compile_bench", "--child",
                               str(path), str(out)], capture_output=True, text=True,
                              cwd=REPO, check=True)
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        if cc:
            t = time.perf_counter()
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            subprocess.run([cc, "-std=c99", "-O2", "-c", str(out), "-o", str(out.with_suffix(".o")),
                            f"-I{tmp}"], check=True)
            res["cc_seconds"] = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            res["cc_peak_kb"] = max(after, before)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--size", type=float, default=10.0, help="MB of generated module")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cc", default=None, help="also time this C compiler on the output")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    # No SIMD: its code generation comes in a later issue.
    files = args.files or [generated_module(args.size, args.seed, simd=False)]
    ok = True
    print(f"{'module':40} {'MB':>7} {'s':>7} {'MB/s':>6} {'RSS/size':>8} {'C MB':>7}"
          + ("  cc -O2 s   cc peak MB" if args.cc else ""))
    for f in files:
        r = measure(f, args.cc)
        mb = r["size"] / 1e6
        mbps = mb / r["seconds"]
        ok &= mbps >= TARGET_MBPS
        line = (f"{f.name:40} {mb:7.2f} {r['seconds']:7.2f} {mbps:6.2f} "
                f"{r['rss_growth'] / r['size']:8.2f} {r['c_bytes'] / 1e6:7.1f}")
        if args.cc:
            line += f"  {r['cc_seconds']:9.1f}   {r['cc_peak_kb'] / 1024:9.0f}"
        print(line)
    print(f"target: >= {TARGET_MBPS} MB/s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
