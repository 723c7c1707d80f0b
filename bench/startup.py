"""What a cached `w2c run` adds before the program starts.

    python -m bench.startup [--runs 20]

Builds a trivial WASI program (an empty `_start`) once, then times, median
of --runs each, wall clock from spawn to exit and CPU time (user + system,
from wait4: less disturbed by a loaded machine):

    direct       the cached executable, run directly
    w2c run      `w2c run triv.wasm` through the console script of a wheel
                 install (a venv made here with the wheel of this checkout:
                 what `pip install w2c` gives), i.e. w2c.quickrun's fast path
    w2c run (editable)
                 the same with the `w2c` of the current environment (an
                 editable install adds setuptools' import finder, 40-50 ms)
    slow path    `python -m w2c.cli run triv.wasm`: the cached run without the
                 fast path (imports click, the build, hashes w2c's files)
    python       `python -c pass` in either venv, the interpreter alone

and prints a Markdown table (bench/README.md, "Start-up of a cached run").
The acceptance (issue 17): w2c run - direct <= 30 ms.  Not a test: pytest
does not run it.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from pathlib import Path

from tests.support import wasmbin as W

REPO = Path(__file__).resolve().parent.parent


def trivial_wasm() -> bytes:
    """A WASI command doing nothing: `(func (export "_start"))` and a memory."""
    return W.module(W.section(1, W.vec([W.functype()])), W.section(3, W.vec([W.uleb(0)])),
                    W.section(5, W.vec([W.limits(1)])),
                    W.section(7, W.vec([W.export("_start", 0, 0), W.export("memory", 2, 0)])),
                    W.code_section([W.func_body(b"\x0b")]))


def wheel_install(tmp: Path) -> Path:
    """A venv with this checkout's wheel unpacked into its site-packages (the
    dependencies come from the current environment through a .pth file);
    returns its `w2c` console script."""
    wheels = tmp / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(wheels), str(REPO)], check=True)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()"
                                "['purelib'])"], capture_output=True, text=True,
                               check=True).stdout.strip())
    with zipfile.ZipFile(next(wheels.glob("w2c-*.whl"))) as z:
        z.extractall(site)
    (site / "w2c_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    script = venv / "bin" / "w2c"
    script.write_text(f"#!{python}\nimport sys\nfrom w2c.quickrun import main\n"
                      "if __name__ == '__main__':\n    sys.exit(main())\n")
    script.chmod(0o755)
    return script


def median_ms(cmd: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of `cmd`, in ms."""
    walls, cpus = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - start)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{cmd}: exit status {proc.returncode}")
        cpus.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.startup",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="w2c-startup-") as tmp_name:
        tmp = Path(tmp_name)
        wasm = tmp / "triv.wasm"
        wasm.write_bytes(trivial_wasm())
        env = dict(os.environ, W2C_CACHE_DIR=str(tmp / "cache"))
        wheel_w2c = wheel_install(tmp)
        editable_w2c = shutil.which("w2c") or str(Path(sys.executable).parent / "w2c")
        commands = {
            "w2c run (wheel install)": [str(wheel_w2c), "run", str(wasm)],
            "w2c run (editable install)": [editable_w2c, "run", str(wasm)],
            "slow path (python -m w2c.cli run)": [sys.executable, "-m", "w2c.cli", "run",
                                                  str(wasm)],
        }
        for cmd in commands.values():   # fill the cache and the stamps
            subprocess.run(cmd, env=env, check=True)
        exe = next((tmp / "cache" / "run").rglob("program"))
        rows = {"direct (the cached executable)": median_ms([str(exe)], args.runs, env)}
        for label, cmd in commands.items():
            rows[label] = median_ms(cmd, args.runs, env)
        rows["python -c pass (wheel venv)"] = median_ms(
            [str(wheel_w2c.parent / "python"), "-c", "pass"], args.runs, env)
        rows["python -c pass (editable venv)"] = median_ms([sys.executable, "-c", "pass"],
                                                           args.runs, env)
    direct, direct_cpu = rows["direct (the cached executable)"]
    print(f"| {'command':36} | wall (ms) | minus direct | CPU (ms) | minus direct |")
    print(f"|{'-' * 38}|----------:|-------------:|---------:|-------------:|")
    for label, (wall, cpu) in rows.items():
        print(f"| {label:36} | {wall:9.1f} | {wall - direct:12.1f} | {cpu:8.1f} | "
              f"{cpu - direct_cpu:12.1f} |")
    print(f"\nmedians of {args.runs} runs; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
