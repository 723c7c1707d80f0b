"""Micro-benchmarks of Wasm 3.0's control flow: tail calls and exceptions,
w2c's output against wasm2c's (see bench/README.md, "Micro-benchmarks").

    python -m bench.micro                       # every kernel: times and callgrind counts
    python -m bench.micro --only tail_interp --runs 3 --no-callgrind
    python -m bench.micro --json micro.json

Each kernel is a fragment of WAT in bench/micro/ defining `$run` (no
parameters, an i64 result) with placeholders (@N@, ...) filled in here; this
file wraps it into a WASI command whose `_start` prints
`result=<16 hex digits>` (the kernel's result) and assembles it with WABT's
wat2wasm.  Both engines build it with gcc -O2 in their default x86-64
configuration (guard pages): `w2c build` with the kernel's --enable flags,
and wasm2c with its runtime and bench/wasm2c_shim (as bench/run.py's
wasm2c variant).  A run counts only if it prints the result of the kernel's
Python model (reduced input) or, for the full input, the result the other
engine printed (and the model's, where it is cheap).  Reported: the median
wall time of the whole process over --runs runs on the full input (start-up
is about a millisecond), the instructions callgrind counts for the whole
process on the reduced input, and per operation (that count less the one
at n = 1, over the operations in between).
A build w2c refuses (a feature it does not translate yet) is reported as
such, with wasm2c's figures alone.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from bench import run as R

MICRO = R.BENCH / "micro"
M64 = (1 << 64) - 1
ENGINES = ["w2c", "wasm2c"]

# The command around a kernel: fd_write of "result=" and 16 hex digits at 1040.
WRAPPER = """(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "result=")
  (data (i32.const 1088) "0123456789abcdef")
  (func $print (param $v i64)
    (local $i i32)
    (local.set $i (i32.const 16))
    (loop $digit
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 offset=1031 (local.get $i)
        (i32.load8_u offset=1088 (i32.wrap_i64 (i64.and (local.get $v) (i64.const 15)))))
      (local.set $v (i64.shr_u (local.get $v) (i64.const 4)))
      (br_if $digit (local.get $i)))
    (i32.store8 (i32.const 1047) (i32.const 10))
    (i32.store (i32.const 1000) (i32.const 1024))
    (i32.store (i32.const 1004) (i32.const 24))
    (drop (call $fd_write (i32.const 1) (i32.const 1000) (i32.const 1) (i32.const 1008))))
  (func (export "_start") (call $print (call $run)))
%s)
"""


# -- the kernels' models (what $run returns) ---------------------------------------------------

def model_interp(n: int) -> int:
    acc, cnt = 1, n
    while True:
        acc = (acc * 31) & M64
        acc ^= acc >> 7
        acc = (acc + cnt) & M64
        cnt -= 1
        if cnt == 0:
            return acc


def model_mutual(n: int) -> int:
    acc, ping = 1, True
    while n:
        acc = (acc * 3 + n) & M64 if ping else acc ^ (acc >> 5)
        n, ping = n - 1, not ping
    return acc


def model_throw(n: int, depth: int, throw: bool) -> int:
    return n * (n - 1) // 2 + (0 if throw else n * depth)


@dataclass(frozen=True)
class Kernel:
    name: str
    wat: str                                  # the fragment in bench/micro/
    features: tuple[str, ...]                 # w2c build --enable-<feature>
    n_full: int
    n_small: int
    model: Callable[[int], int]
    params: dict = field(default_factory=dict)  # other placeholders
    what: str = ""
    closed_form: bool = False                 # the model is cheap on the full input too
    ops: int = 1                              # operations measured per unit of n

    def source(self, n: int) -> str:
        text = (MICRO / self.wat).read_text().replace("@N@", str(n))
        for key, value in self.params.items():
            text = text.replace(f"@{key}@", str(value))
        left = re.search(r"@[A-Z]+@", text)
        if left:
            raise SystemExit(f"{self.wat}: placeholder {left[0]} has no value")
        return WRAPPER % text


TAIL = ("tail-call",)
EXN = ("exceptions",)
# How the throw kernels reach $depth: a call the C compiler may inline, or one through a
# table with the index read from memory, which no compiler can resolve.
DIRECT = "(call $depth (i32.const @DEPTH@) (local.get $i))"
MAYTHROW = "(if (i32.load (i32.const 2004)) (then (throw $e (local.get $i))))"
INDIRECT = ("(call_indirect (type $depth_t) (i32.const @DEPTH@) (local.get $i) "
            "(i32.load (i32.const 2000)))")
KERNELS = [
    Kernel("tail_interp", "tail_interp.wat", TAIL, 50_000_000, 500_000, model_interp,
           what="threaded interpreter: 4 return_call_indirect per loop", ops=4),
    Kernel("tail_mutual", "tail_mutual.wat", TAIL, 200_000_000, 2_000_000, model_mutual,
           what="two functions, return_call each other"),
    Kernel("calls_plain", "calls.wat", (), 20_000_000, 200_000,
           lambda n: model_throw(n, 10, False), {"DEPTH": 10, "TAG": "", "THROW": ""},
           "11 calls per loop, no exceptions in the module", True),
    Kernel("calls_maythrow", "calls.wat", EXN, 20_000_000, 200_000,
           lambda n: model_throw(n, 10, False),
           {"DEPTH": 10, "TAG": "(tag $e (param i32))", "THROW": MAYTHROW},
           "the same calls, the callee holds a throw never run", True),
    Kernel("try_nothrow", "throw_catch.wat", EXN, 50_000_000, 500_000,
           lambda n: model_throw(n, 1, False), {"CALL": DIRECT, "DEPTH": 1, "THROW": 0},
           "try_table around a direct call that returns (depth 1)", True),
    Kernel("try_nothrow_ind", "throw_catch.wat", EXN, 50_000_000, 500_000,
           lambda n: model_throw(n, 1, False), {"CALL": INDIRECT, "DEPTH": 1, "THROW": 0},
           "try_table around a call_indirect that returns (depth 1)", True),
    Kernel("throw_catch", "throw_catch.wat", EXN, 5_000_000, 100_000,
           lambda n: model_throw(n, 1, True), {"CALL": DIRECT, "DEPTH": 1, "THROW": 1},
           "throw caught one direct call up (try_table)", True),
    Kernel("throw_catch_ind", "throw_catch.wat", EXN, 5_000_000, 100_000,
           lambda n: model_throw(n, 1, True), {"CALL": INDIRECT, "DEPTH": 1, "THROW": 1},
           "throw caught one call_indirect up (try_table)", True),
    Kernel("throw_deep", "throw_catch.wat", EXN, 2_000_000, 50_000,
           lambda n: model_throw(n, 10, True), {"CALL": INDIRECT, "DEPTH": 10, "THROW": 1},
           "throw across 10 frames, call_indirect then direct (try_table)", True),
    Kernel("throw_legacy", "throw_catch_legacy.wat", EXN, 5_000_000, 100_000,
           lambda n: model_throw(n, 1, True), {"CALL": INDIRECT, "DEPTH": 1, "THROW": 1},
           "throw_catch_ind in the legacy encoding (try/catch)", True),
]


# -- building ------------------------------------------------------------------------------------

def assemble(kernel: Kernel, n: int, out: Path) -> Path:
    w = R.wabt()
    wat = out / "wat" / f"{kernel.name}-{n}.wat"
    wasm = wat.with_suffix(".wasm")
    wat.parent.mkdir(parents=True, exist_ok=True)
    wat.write_text(kernel.source(n))
    R.check_call([w.get_executable("wat2wasm"), str(wat), "-o", str(wasm)],
                 f"{kernel.name}: wat2wasm")
    return wasm


def build(engine: str, kernel: Kernel, wasm: Path, out: Path) -> Path:
    if engine == "wasm2c":
        # wasm2c doubles the underscores of -n in its C names; bench/wasm2c_shim does not
        return R.build_wasm2c(SimpleNamespace(name=re.sub(r"[^a-z0-9]", "", wasm.stem)), wasm,
                              out)
    exe = out / "w2c" / wasm.stem
    exe.parent.mkdir(parents=True, exist_ok=True)
    flags = [f"--enable-{f}" for f in kernel.features]
    R.check_call([sys.executable, "-m", "w2c", "build", *flags, str(wasm), "-o", str(exe),
                  "--cc", R.CC], f"{kernel.name}: w2c build", cwd=R.REPO)
    return exe


RESULT_RE = re.compile(r"result=([0-9a-f]{16})")


def result_of(m: R.Measured) -> int | None:
    found = RESULT_RE.search(m.stdout)
    return int(found[1], 16) if m.returncode == 0 and found else None


# -- measuring ------------------------------------------------------------------------------------

def callgrind(exe: Path, expect: int, out: Path) -> int | None:
    """Instructions callgrind counts for the whole process, if it gives `expect`."""
    cg = out / "callgrind" / f"{exe.parent.name}.{exe.name}.out"
    cg.parent.mkdir(parents=True, exist_ok=True)
    m = R.run_measured(["valgrind", "--tool=callgrind", f"--callgrind-out-file={cg}", str(exe)],
                       timeout=1800)
    found = re.search(r"Collected : (\d+)", m.stderr)
    return int(found[1]) if found and result_of(m) == expect else None


def measure(kernel: Kernel, out: Path, runs: int, with_callgrind: bool) -> dict:
    row: dict = {"kernel": kernel.name, "what": kernel.what, "n_full": kernel.n_full,
                 "n_small": kernel.n_small, "ops": kernel.ops, "engines": {}}
    sizes = (kernel.n_full, kernel.n_small, 1)  # 1: the baseline of the per-operation count
    wasms = [assemble(kernel, n, out) for n in sizes]
    expect_small = kernel.model(kernel.n_small)
    results: dict[str, set] = {}
    for engine in ENGINES:
        cell: dict = {"times": [], "ir": None, "ir_per_op": None, "error": None}
        row["engines"][engine] = cell
        try:
            exe_full, exe_small, exe_one = (build(engine, kernel, w, out) for w in wasms)
        except R.BuildFailed as err:
            lines = str(err).strip().splitlines()
            cell["error"] = next((ln for ln in lines[1:] if "error" in ln), lines[0])[:200]
            R.log(f"  {kernel.name} {engine}: build failed: {cell['error']}")
            continue
        m = R.run_measured([str(exe_small)], timeout=600)
        if result_of(m) != expect_small:
            cell["error"] = f"reduced input: exit {m.returncode}, {m.stdout.strip()[:80]!r}, " \
                            f"expected result={expect_small:016x}"
            R.log(f"  {kernel.name} {engine}: {cell['error']}")
            continue
        for _ in range(runs):
            m = R.run_measured([str(exe_full)], timeout=600)
            results.setdefault(engine, set()).add(result_of(m))
            cell["times"].append(m.wall)
        if with_callgrind:
            cell["ir"] = callgrind(exe_small, expect_small, out)
            base = callgrind(exe_one, kernel.model(1), out)
            if cell["ir"] is not None and base is not None:
                ops = (kernel.n_small - 1) * kernel.ops
                cell["ir_per_op"] = (cell["ir"] - base) / ops
    agreed = set().union(*results.values()) if results else set()
    if kernel.closed_form and results:
        agreed.add(kernel.model(kernel.n_full))
    if results and (len(agreed) != 1 or None in agreed):
        for cell in row["engines"].values():
            if cell["times"]:
                cell["error"] = f"full input: results differ or missing: {sorted(map(str, agreed))}"
                cell["times"] = []
    return row


def _median(times: list[float]) -> float | None:
    return statistics.median(times) if times else None


def _cell(engines: dict, engine: str, value: float | None, fmt: str) -> str:
    if engines[engine]["error"]:
        return "refused" if "unsupported feature" in engines[engine]["error"] else "fails"
    return fmt.format(value) if value is not None else "-"


def render(rows: list[dict], runs: int) -> str:
    """The figures as a Markdown table (bench/ANALYSIS.md quotes them)."""
    lines = ["| kernel | what | n (full / reduced) | w2c s | wasm2c s | w2c/wasm2c | "
             "w2c instr. | wasm2c instr. | w2c/wasm2c | instr./op w2c | instr./op wasm2c |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        e = row["engines"]
        tw, tc = (_median(e[engine]["times"]) for engine in ENGINES)
        iw, ic = e["w2c"]["ir"], e["wasm2c"]["ir"]
        lines.append(
            f"| {row['kernel']} | {row['what']} | {row['n_full']:,} / {row['n_small']:,} | "
            f"{_cell(e, 'w2c', tw, '{:.3f}')} | {_cell(e, 'wasm2c', tc, '{:.3f}')}"
            f" | {f'{tw / tc:.2f}' if tw and tc else '-'} | "
            f"{_cell(e, 'w2c', iw and iw / 1e6, '{:.1f} M')} | "
            f"{_cell(e, 'wasm2c', ic and ic / 1e6, '{:.1f} M')} | "
            f"{f'{iw / ic:.2f}' if iw and ic else '-'} | "
            f"{_cell(e, 'w2c', e['w2c']['ir_per_op'], '{:.1f}')} | "
            f"{_cell(e, 'wasm2c', e['wasm2c']['ir_per_op'], '{:.1f}')} |")
    lines.append("")
    lines.append(f"Times: median wall time of the whole process over {runs} runs, full input. "
                 "Instructions: callgrind, whole process, reduced input; per operation (a "
                 "tail call, a try entered, a throw caught): the reduced input's count less "
                 "that of n = 1, over the operations between them.")
    for row in rows:
        for engine, c in row["engines"].items():
            if c["error"]:
                lines.append(f"- {row['kernel']}, {engine}: {c['error']}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="comma-separated kernels: " +
                    ", ".join(k.name for k in KERNELS))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--out", type=Path, default=Path("/tmp/w2c-bench-micro"))
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    ns = ap.parse_args(argv)
    kernels = KERNELS
    if ns.only:
        wanted = set(ns.only.split(","))
        unknown = wanted - {k.name for k in KERNELS}
        if unknown:
            ap.error(f"unknown kernels: {', '.join(sorted(unknown))}")
        kernels = [k for k in KERNELS if k.name in wanted]
    problems = R.tool_problems(False, False, not ns.no_callgrind)
    problems = [p for p in problems if "clang" not in p]  # wat2wasm builds the modules
    if problems:
        print("\n".join(f"bench.micro: {p}" for p in problems), file=sys.stderr)
        return 1
    rows = []
    for kernel in kernels:
        R.log(f"{kernel.name} ...")
        rows.append(measure(kernel, ns.out, ns.runs, with_callgrind=not ns.no_callgrind))
    print(render(rows, ns.runs), end="")
    if ns.json:
        ns.json.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
