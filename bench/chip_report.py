"""bench/RESULTS-chip.md and bench/results-chip.json from the Cortex-M
bench's measurements (bench/chip.py): instruction counts and ratios per
program and profile, geometric means, the acceptance lines of issue 17
for cortex-m3, and flash and RAM by part.
"""
from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

GOAL_NATIVE = 1.35     # geomean w2c / native on cortex-m3 (issue 17)


def geomean(xs: list[float]) -> float:
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def flash_code(b: dict) -> int:
    """Flash of runtime (or interpreter) + module: everything but the harness."""
    return b["flash"]["runtime"] + b["flash"]["module"]


def ram_total(b: dict) -> int:
    """RAM of runtime + module: static data, linear memory, heap peak (no stack)."""
    r = b["ram"]
    return r["runtime"] + r["module"] + r.get("linear memory", 0) + b["heap"]


def linear_memory(b: dict) -> int:
    return b["ram"].get("linear memory", 0) or (b.get("wasm3_memory") or 0)


def write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    os.fchmod(fd, 0o644)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def counts_table(rows: list[dict], builds: list[str]) -> list[str]:
    w2cs = [b for b in builds if b.startswith("w2c")]
    head = ["program", "n", *builds, *(f"{b} / native" for b in w2cs)]
    if "wasm3" in builds:
        head += [f"{b} / wasm3" for b in w2cs]
    L = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    ratios: dict[str, list[float]] = {}
    for r in rows:
        b = r["builds"]
        cells = [r["program"], str(r["n"])]
        cells += [f"{b[k]['kernel']:,}" if k in b else "-" for k in builds]
        for base in ["native"] + (["wasm3"] if "wasm3" in builds else []):
            for w in w2cs:
                if base in b and w in b:
                    x = b[w]["kernel"] / b[base]["kernel"]
                    ratios.setdefault(f"{w} / {base}", []).append(x)
                    cells.append(f"{x:.3f}")
                else:
                    cells.append("-")
        L.append("| " + " | ".join(cells) + " |")
    gm = ["**geomean**", ""] + [""] * len(builds)
    gm += [f"**{geomean(ratios.get(f'{w} / native', [])):.3f}**" for w in w2cs]
    if "wasm3" in builds:
        gm += [f"**{geomean(ratios.get(f'{w} / wasm3', [])):.3f}**" for w in w2cs]
    L.append("| " + " | ".join(gm) + " |")
    return L


def size_table(rows: list[dict], builds: list[str]) -> list[str]:
    head = ["program"] + [f"{b} flash" for b in builds] + [f"{b} RAM" for b in builds]
    L = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        b = r["builds"]
        cells = [r["program"]]
        for k in builds:
            cells.append(f"{b[k]['flash']['runtime']:,} + {b[k]['flash']['module']:,}"
                         if k in b else "-")
        for k in builds:
            cells.append(f"{ram_total(b[k]):,} ({linear_memory(b[k]) // 1024} K)"
                         if k in b else "-")
        L.append("| " + " | ".join(cells) + " |")
    return L


def acceptance(rows: list[dict]) -> list[str]:
    nat = [r["builds"]["w2c"]["kernel"] / r["builds"]["native"]["kernel"] for r in rows]
    g = geomean(nat)
    L = [f"- geomean w2c / native = **{g:.3f}** (goal <= {GOAL_NATIVE}): "
         f"{'met' if g <= GOAL_NATIVE else 'NOT met'}"]
    with3 = [r for r in rows if "wasm3" in r["builds"]]
    if with3:
        smaller = [r["program"] for r in with3
                   if flash_code(r["builds"]["w2c"]) < flash_code(r["builds"]["wasm3"])]
        larger = sorted({r["program"] for r in with3} - set(smaller))
        L.append(f"- w2c runtime + module smaller in flash than wasm3 interpreter + module: "
                 f"{len(smaller)} of {len(with3)} programs"
                 + (f" (not: {', '.join(larger)})" if larger else " (met)"))
        sp = geomean([r["builds"]["wasm3"]["kernel"] / r["builds"]["w2c"]["kernel"]
                      for r in with3])
        L.append(f"- wasm3 executes {sp:.1f}x w2c's instructions (geomean)")
    return L


def write_results(md: Path, js: Path, meta: dict, results: dict[str, list]) -> None:
    order = ["native", "w2c", *sorted(meta["variants"]), "wasm3"]
    L = ["# Cortex-M bench results", "",
         "Written by `python -m bench.chip` (bench/chip.py; bench/README.md explains it). "
         "Exact guest instruction counts of each program's kernel `bench_run(n)` under "
         "qemu-system-arm, counted by a QEMU plugin between two marks (calibrated on this run: "
         + "; ".join(f"{p}: a 2-instruction loop run {c['n2'] - c['n1']} more times counts "
                     f"{c['diff']} more, repeatable" for p, c in meta["calibration"].items())
         + "). Every build's checksum equals wasmtime's for the same module and n.", "",
         f"`{meta['command']}`: "
         f"{meta['date']}, {meta['host']}, {meta['jobs']} jobs, {meta['seconds']} s; "
         f"{meta['tools']['qemu']}; {meta['tools']['cc']}; wasm3 from {meta['tools']['wasm3']} "
         f"(sdist) with {' '.join(meta['wasm3_cflags'])}.", "",
         "Builds:", "",
         "- **native**: arm-none-eabi-gcc of the C source (-DBENCH_PURE), the profile's flags; "
         "newlib nano for malloc and libm",
         "- **w2c**: this tree's `w2c compile` of the pure .wasm, the profile's flags and "
         "defines (static memory of the size the run needs, explicit bounds checks)"]
    for k, d in sorted(meta["variants"].items()):
        L.append(f"- **{k}**: {d}")
    L += ["- **wasm3**: wasm3's interpreter with the same .wasm as a const array in flash", "",
          "All builds share the startup code, semihosting hooks and memcpy/memset "
          "(targets/baremetal/) and the bench harness (bench/chipfw/); flash figures leave that "
          "harness out. Flash is `runtime + module`: w2c's out-of-line runtime functions and "
          "libgcc + the translated code and data; wasm3's interpreter with the newlib and "
          "libgcc it pulls in + the .wasm bytes; native's libc/libgcc + its code. RAM is static "
          "data + linear memory + heap peak (wasm3 keeps its compiled code, value stack and "
          "linear memory on the heap), without the stack (the profile's, the same for every "
          "build); in brackets the linear memory in KiB. The lm3s6965 profile (64 KB RAM) "
          "cannot hold a 64 KiB Wasm page plus a stack, so the bench runs on the profiles "
          "with 4 MB of RAM."]
    for prof, rows in results.items():
        if not rows:
            continue
        builds = [b for b in order if any(b in r["builds"] for r in rows)]
        p = meta["profiles"][prof]
        L += ["", f"## {prof}", "", f"{p['description']}; C flags {' '.join(p['cflags'])}.", "",
              "Instructions of the kernel (fewer is better):", ""]
        L += counts_table(rows, builds)
        L += ["", "Flash (runtime + module, bytes) and RAM (bytes, linear memory in KiB):", ""]
        L += size_table(rows, builds)
        if prof == "cortex-m3":
            L += ["", "Issue 17's acceptance on cortex-m3:", ""] + acceptance(rows)
    write_atomic(md, "\n".join(L) + "\n")
    write_atomic(js, json.dumps({"meta": meta, "results": results}, indent=1, sort_keys=True)
                 + "\n")
