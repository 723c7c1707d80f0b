"""The first `w2c build` of a big module, and -O1 against -O2 for the parts.

    python -m bench.build_bench first [--size MB] [--w2c-src DIR] [-- BUILD OPTIONS]
    python -m bench.build_bench opt [--programs a,b] [--size MB]

`first` builds bench/gen_module.py's module shaped as a WASI program (--size
MB of code, default 3, no SIMD) with an empty cache and reports the wall
time, the CPU time of every process (user + system), the peak of the summed
resident memory of the process tree (sampled every 50 ms) and the largest
single process (ru_maxrss).  --w2c-src runs the w2c of another checkout
(e.g. /work/main, for the figures before a change).

`opt` compares the C compiler's -O1 and -O2 on the split parts: the CPU time
of `w2c build --num-outputs 4 -j 1` of the generated module and of bench
programs (bench/programs, built to wasm32-wasi as bench/run.py does), and
the instructions (callgrind) each program executes at its small size.  The
results are in docs/build-systems.md ("Parallel builds").  Not a test.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import gen_module

REPO = Path(__file__).resolve().parent.parent


def generated(size_mb: float, out: Path) -> Path:
    path = out / f"gen-wasi-{size_mb}MB.wasm"
    path.write_bytes(gen_module.generate(int(size_mb * (1 << 20)), 1, False, wasi=True))
    return path


def _tree_rss(root: int) -> int:
    """Summed VmRSS (bytes) of `root` and its descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/statm") as f:
                pages = int(f.read().split()[1])
        except OSError:
            continue
        parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid, size in rss.items():
        p = pid
        while p > 1:
            if p == root:
                total += size
                break
            p = parents.get(p, 0)
    return total


def measured(cmd: list[str], env: dict[str, str]) -> dict:
    """Run `cmd`: wall s, CPU s of it and its children, peak tree RSS and
    largest process's RSS (MB)."""
    start = time.perf_counter()
    # cwd: not the checkout, whose w2c `python -m` would import before PYTHONPATH's
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=tempfile.gettempdir())
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    sampler.join()
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return {"wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_tree_mb": round(peak[0] / 2**20), "max_process_mb": round(usage.ru_maxrss / 1024)}


def w2c_cmd(src: Path | None) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    env.pop("W2C_LAUNCHER", None)
    env["PYTHONPATH"] = str(src or REPO)
    return [sys.executable, "-m", "w2c.cli", "build"], env


def first(args, extra: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="w2c-build-bench-") as tmp_name:
        tmp = Path(tmp_name)
        wasm = generated(args.size, tmp)
        cmd, env = w2c_cmd(args.w2c_src)
        env["W2C_CACHE_DIR"] = str(tmp / "cache")
        r = measured([*cmd, str(wasm), "-o", str(tmp / "exe"), *extra], env)
        print(f"{args.size} MB module ({wasm.stat().st_size} bytes), w2c from "
              f"{args.w2c_src or REPO}, {os.cpu_count()} CPUs, load "
              f"{os.getloadavg()[0]:.1f}: {r}")


def callgrind(exe: Path, n: int) -> int:
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                        str(exe), str(n)], capture_output=True, text=True, timeout=3600)
    found = re.search(r"Collected : (\d+)", p.stderr)
    if p.returncode != 0 or not found:
        raise SystemExit(f"callgrind of {exe} failed: {p.stderr[-500:]}")
    return int(found[1])


def opt(args) -> None:
    from bench import run as R   # noqa: PLC0415 (bench/run.py's setup: only `opt` needs it)
    names = args.programs.split(",") if args.programs else None
    with tempfile.TemporaryDirectory(prefix="w2c-build-bench-") as tmp_name:
        tmp = Path(tmp_name)
        cmd, env = w2c_cmd(None)
        wasm = generated(args.size, tmp)
        for level in ("-O1", "-O2"):
            env["W2C_CACHE_DIR"] = str(tmp / f"cache{level}")
            r = measured([*cmd, str(wasm), "-o", str(tmp / "gen"), "--num-outputs", "4",
                          "-j", "1", "--", level], env)
            print(f"generated {args.size} MB, {level}: compile {r}", flush=True)
        for prog in R.programs(names):
            w = R.build_wasm(prog, tmp)
            row = []
            for level in ("-O1", "-O2"):
                env["W2C_CACHE_DIR"] = str(tmp / f"cache{level}")
                exe = tmp / f"{prog.name}{level}"
                r = measured([*cmd, str(w), "-o", str(exe), "--num-outputs", "4", "-j", "1",
                              "--", level], env)
                row.append((level, r["cpu_s"], callgrind(exe, prog.n_small)))
            (_, c1, i1), (_, c2, i2) = row
            print(f"{prog.name}: -O1 {c1:.2f} s {i1} Ir, -O2 {c2:.2f} s {i2} Ir, "
                  f"Ir -O1/-O2 {i1 / i2:.3f}, compile -O1/-O2 {c1 / c2:.3f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    ap = argparse.ArgumentParser(prog="python -m bench.build_bench",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("first", "opt"))
    ap.add_argument("--size", type=float, default=3.0)
    ap.add_argument("--w2c-src", type=Path, default=None)
    ap.add_argument("--programs", default=None)
    args = ap.parse_args(argv)
    if args.what == "first":
        first(args, extra)
    else:
        opt(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
