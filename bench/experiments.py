"""What would make w2c's output faster: instruction counts (callgrind) of
w2c's C for the benchmark programs, as emitted and with candidate changes
applied by hand to a copy of the generated C and runtime headers.  The
numbers behind bench/ANALYSIS.md; nothing here changes w2c itself.

    python -m bench.experiments                       # every experiment, every program
    python -m bench.experiments --only recurse,parse --exp base,sext,depth-none
    python -m bench.experiments --list

Each experiment is a list of edits (text substitutions on program.c or a
runtime header of the kept build folder, or -D flags); an edit that no
longer finds its text (w2c changed since) stops that experiment with a
message.  The wasm2c rows are WABT's wasm2c with its default configuration
(guard pages, stack exhaustion by guard page) and with
-DWASM_RT_MEMCHECK_BOUNDS_CHECK=1 (explicit bounds checks, which also turns
on wasm2c's call-depth counter).  Counts are for the whole process on each
program's reduced input.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import run as R

GUARD: list[str] = []  # w2c's default on x86-64: guard pages (and W2C_STACK_GUARD)
BOUNDS = ["-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT"]
BOUNDS_MMAP = ["-DW2C_MEMORY_ALLOC=W2C_ALLOC_MMAP", *BOUNDS]


class EditFailed(Exception):
    pass


ALREADY: set[str] = set()  # edits found already done by w2c itself


def _already(d: Path, header: str, marker: str, edit: str) -> bool:
    if marker in (d / header).read_text():
        ALREADY.add(edit)
        return True
    return False


def _sub(path: Path, old: str, new: str, count: int = 0, regex: bool = False,
         flags: int = 0) -> None:
    text = path.read_text()
    if regex:
        text2, n = re.subn(old, new, text, count=count, flags=flags)
    else:
        n = text.count(old)
        text2 = text.replace(old, new) if n else text
    if n == 0:
        raise EditFailed(f"{path.name}: text not found: {old[:70]!r}")
    path.write_text(text2)


# -- the edits -------------------------------------------------------------------------------

def sext_casts(d: Path) -> list[str]:
    """Sign-extending loads as C casts ((int8_t)v) instead of (v ^ 0x80) - 0x80,
    which gcc does not turn into movsx."""
    if _already(d, "w2c_mem.h", "(int8_t)", "sext"):
        return []
    h = d / "w2c_mem.h"
    _sub(h, "((uint32_t)v ^ 0x80u) - 0x80u)", "(uint32_t)(int32_t)(int8_t)v)")
    _sub(h, "((uint32_t)W2C_LE16(v) ^ 0x8000u) - 0x8000u)",
         "(uint32_t)(int32_t)(int16_t)W2C_LE16(v))")
    _sub(h, "((uint64_t)v ^ 0x80u) - 0x80u)", "(uint64_t)(int64_t)(int8_t)v)")
    _sub(h, "((uint64_t)W2C_LE16(v) ^ 0x8000u) - 0x8000u)",
         "(uint64_t)(int64_t)(int16_t)W2C_LE16(v))")
    _sub(h, r"\(\(uint64_t\)W2C_LE32\(v\) \^ 0x80000000u\) - 0x80000000u\)",
         "(uint64_t)(int64_t)(int32_t)W2C_LE32(v))", regex=True)
    return []


def depth_none(d: Path) -> list[str]:
    """No call-depth counter at all: the cost of W2C_CALL_ENTER/LEAVE (what a
    guard page below the native stack, as wasm2c does, would leave)."""
    return ["-DW2C_NONCONFORMING_NO_STACK_CHECK"]


def depth_sp(d: Path) -> list[str]:
    """Stack exhaustion by comparing the stack pointer (read by an asm, x86-64
    here) with a limit in a global: a load, a compare and a branch on entry,
    no store and nothing on return, instead of counting calls.
    (__builtin_frame_address(0) instead forces a frame pointer: worse.)"""
    if _already(d, "w2c_trap.h", "W2C_STACK_POINTER", "depth-sp"):
        return ["-DW2C_STACK_CHECK=W2C_STACK_POINTER"]
    h = d / "w2c_trap.h"
    text = h.read_text()
    start = text.find("#if W2C_CALL_DEPTH_LIMIT > 0\n#define W2C_CALL_ENTER()")
    end = text.find("#endif", text.find("#define W2C_CALL_LEAVE() ((void)0)"))
    if start < 0 or end < 0:
        raise EditFailed("w2c_trap.h: W2C_CALL_ENTER block not found")
    text = text[:start] + (
        "W2C_GLOBAL(uintptr_t, w2c_stack_limit);\n"
        "static inline uintptr_t w2c_sp_(void) { uintptr_t sp; "
        "__asm__(\"mov %%rsp, %0\" : \"=r\"(sp)); return sp; }\n"
        "#define W2C_CALL_ENTER() do { if (W2C_UNLIKELY(w2c_sp_() < w2c_stack_limit)) "
        "W2C_TRAP(W2C_TRAP_EXHAUSTION); } while (0)\n"
        "#define W2C_CALL_LEAVE() ((void)0)\n") + text[end + len("#endif"):]
    h.write_text(text)
    return []


def base_const(d: Path) -> list[str]:
    """The memory base is loaded once per function and never reloaded (it
    cannot move when memory is an mmap reservation); the size is still
    reloaded after calls (dead, and removed by gcc, with guard pages)."""
    if _already(d, "program.c", "W2C_MEM_BASE", "base-const"):
        return []
    c = d / "program.c"
    _sub(c, "m0 = inst->mem0->data; m0_size = inst->mem0->size;", "m0_size = inst->mem0->size;")
    _sub(c, "  uint8_t *m0 = inst->mem0->data;", "  uint8_t *const m0 = inst->mem0->data;")
    return []


def mem_embedded(d: Path) -> list[str]:
    """Defined memories and tables addressed in the instance (inst->mem0_storage),
    not through the pointer inst->mem0: one load instead of two for the base."""
    if _already(d, "program.c", "inst->mem0_storage.data", "mem-embedded"):
        return []
    c = d / "program.c"
    _sub(c, r"inst->mem0->(data|size)", r"inst->mem0_storage.\1", regex=True)
    try:
        _sub(c, r"w2c_table_call_target\(inst->t(\d+),", r"w2c_table_call_target(&inst->t\1_storage,",
             regex=True)
    except EditFailed:
        pass  # no call_indirect
    return []


def force_read_typed(d: Path) -> list[str]:
    """With guard pages, each load's value is kept alive by an empty asm; w2c
    passes the raw bits in a general register ("r"), so every f32/f64 load
    goes through an integer register and cannot be folded into arithmetic.
    Here float loads pass the float itself in an SSE register ("x"), as
    wasm2c does (x86-64 only; "w" on AArch64)."""
    if _already(d, "w2c_mem.h", "W2C_FORCE_READ_FLOAT", "force-read-typed"):
        return []
    h = d / "w2c_mem.h"
    _sub(h, "    W2C_FORCE_READ(v);                                                                      \\\n"
            "    return conv;                                                                            \\\n",
         "    W2C_FORCE_READ_AS(R, conv);                                                             \\\n")
    _sub(h, '#define W2C_FORCE_READ(v) __asm__("" : : "r"(v))',
         '#define W2C_FORCE_READ(v) __asm__("" : : "r"(v))\n'
         '#define W2C_FORCE_READ_AS(R, x) do { R r_ = (x); '
         'if ((R)0.5 != 0) __asm__("" : : "x"(r_)); else __asm__("" : : "r"(r_)); '
         'return r_; } while (0)')
    _sub(h, "#define W2C_FORCE_READ(v) ((void)0)",
         "#define W2C_FORCE_READ(v) ((void)0)\n#define W2C_FORCE_READ_AS(R, x) return (x)")
    return []


def snan_gcc(d: Path) -> list[str]:
    """Float constants +-0 and +-1 as plain constants (not w2c_f64_opaque,
    which routes them through an integer register and hides their value),
    made safe by compiling with gcc's -fsignaling-nans, which stops gcc
    folding x*1.0, x-0.0 ... (gcc defines __SUPPORT_SNAN__ then; clang has no
    such option and would keep the opaque constants)."""
    h = d / "w2c_num.h"
    _sub(h, r"static inline float w2c_f32_opaque\(uint32_t u\) \{.*?\n\}",
         "static inline float w2c_f32_opaque(uint32_t u) { return w2c_f32_bits(u); }",
         regex=True, flags=re.S)
    _sub(h, r"static inline double w2c_f64_opaque\(uint64_t u\) \{.*?\n\}",
         "static inline double w2c_f64_opaque(uint64_t u) { return w2c_f64_bits(u); }",
         regex=True, flags=re.S)
    return ["-fsignaling-nans"]


EDITS = {"sext": sext_casts, "depth-none": depth_none, "depth-sp": depth_sp,
         "base-const": base_const, "mem-embedded": mem_embedded,
         "force-read-typed": force_read_typed, "snan-gcc": snan_gcc}

ALL = ["sext", "depth-none", "base-const", "mem-embedded", "force-read-typed", "snan-gcc"]
ALL_SP = ["sext", "depth-sp", "base-const", "mem-embedded", "force-read-typed", "snan-gcc"]

# name -> (configuration flags, edits)
EXPERIMENTS = {
    "base": (GUARD, []),
    "sext": (GUARD, ["sext"]),
    "depth-sp": (GUARD, ["depth-sp"]),
    "depth-none": (GUARD, ["depth-none"]),
    "base-const": (GUARD, ["base-const"]),
    "mem-embedded": (GUARD, ["mem-embedded"]),
    "force-read-typed": (GUARD, ["force-read-typed"]),
    "snan-gcc": (GUARD, ["snan-gcc"]),
    "all-sp": (GUARD, ALL_SP),
    "all": (GUARD, ALL),
    "bounds": (BOUNDS, []),
    "bounds-all-sp": (BOUNDS_MMAP, ALL_SP),
}


# -- running -------------------------------------------------------------------------------------

def keep_sources(prog: R.Program, wasm: Path, out: Path) -> Path:
    """w2c's build folder for the program (program.c, glue, main, headers)."""
    from w2c.program import build_program
    d = out / "kept" / prog.name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    build_program(wasm.read_bytes(), d / "exe", cc=R.CC, cflags=tuple(GUARD), keep_dir=d)
    return d


def count(exe: Path, prog: R.Program, cg_out: Path) -> int | None:
    m = R.run_measured(["valgrind", "--tool=callgrind", f"--callgrind-out-file={cg_out}",
                        str(exe), str(prog.n_small)], timeout=1800)
    found = re.search(r"Collected : (\d+)", m.stderr)
    if m.returncode != 0 or not found or f"checksum={prog.expect_small:08x}" not in m.stdout:
        return None
    return int(found[1])


def experiment(prog: R.Program, kept: Path, name: str, out: Path) -> tuple[str, str, object]:
    flags, edits = EXPERIMENTS[name]
    d = out / "exp" / prog.name / name
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(kept, d)
    extra = []
    try:
        for e in edits:
            extra += EDITS[e](d)
    except EditFailed as err:
        return prog.name, name, f"edit failed: {err}"
    exe = d / "exe"
    from w2c.program import compiler_extra_flags  # what `w2c build` adds (gcc: -fsignaling-nans)
    cmd = [R.CC, "-std=c99", *R.CFLAGS, *compiler_extra_flags(R.CC), f"-I{d}",
           str(d / "program.c"), str(d / "program_wasi.c"),
           str(d / "program_main.c"), "-o", str(exe), "-lm", *flags, *extra]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return prog.name, name, f"gcc failed: {p.stderr.strip()[-200:]}"
    ir = count(exe, prog, d / "callgrind.out")
    return prog.name, name, ir if ir is not None else "run failed"


def wasm2c_counts(prog: R.Program, wasm: Path, out: Path) -> dict:
    res = {}
    exe = R.build_wasm2c(prog, wasm, out / "exp-wasm2c")
    res["wasm2c"] = count(exe, prog, out / "exp-wasm2c" / f"{prog.name}.cg")
    exe_b = _wasm2c_bounds(prog, wasm, out / "exp-wasm2c-bounds")
    res["wasm2c-bounds"] = count(exe_b, prog, out / "exp-wasm2c-bounds" / f"{prog.name}.cg")
    return res


def _wasm2c_bounds(prog: R.Program, wasm: Path, out: Path) -> Path:
    return R.build_wasm2c(prog, wasm, out, extra=R.WASM2C_BOUNDS)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.experiments",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="", help="comma-separated program names")
    ap.add_argument("--exp", default=",".join(EXPERIMENTS), help="comma-separated experiments")
    ap.add_argument("--list", action="store_true", help="describe the experiments and exit")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--markdown", type=Path, default=None, help="also write the table here")
    args = ap.parse_args(argv)
    if args.list:
        for name, (flags, edits) in EXPERIMENTS.items():
            print(f"{name}: {' '.join(flags) or '(w2c defaults)'}; " + (", ".join(edits) or
                                                                         "as emitted"))
        for e, fn in EDITS.items():
            print(f"  {e}: {' '.join(fn.__doc__.split())}")
        return 0
    exps = [e for e in args.exp.split(",") if e]
    progs = R.programs([p for p in args.only.split(",") if p] or None)
    out = (args.out or R.default_out().parent / "experiments")
    out.mkdir(parents=True, exist_ok=True)
    R.log(f"building {len(progs)} programs in {out} ...")
    wasms = {p.name: R.build_wasm(p, out) for p in progs}
    kept = {p.name: keep_sources(p, wasms[p.name], out) for p in progs}
    results: dict = {p.name: {} for p in progs}
    tasks = [(p, e) for p in progs for e in exps]
    with ThreadPoolExecutor(args.jobs) as ex:
        futs = [ex.submit(experiment, p, kept[p.name], e, out) for p, e in tasks]
        futs += [ex.submit(lambda p=p: (p.name, "wasm2c*", wasm2c_counts(p, wasms[p.name], out)))
                 for p in progs]
        for f in futs:
            name, e, val = f.result()
            if e == "wasm2c*":
                results[name].update(val)
            else:
                results[name][e] = val
                if not isinstance(val, int):
                    R.log(f"  {name} {e}: {val}")
    cols = exps + ["wasm2c", "wasm2c-bounds"]
    lines = ["| program | " + " | ".join(cols) + " |", "|" + " --- |" * (len(cols) + 1)]
    rel = {c: [] for c in cols}
    for p in progs:
        r = results[p.name]
        w = r.get("wasm2c")
        cells = []
        for c in cols:
            v = r.get(c)
            if isinstance(v, int) and isinstance(w, int):
                cells.append(f"{v / 1e6:.1f} ({v / w:.3f})")
                rel[c].append(v / w)
            else:
                cells.append("-" if v is None else str(v)[:20])
        lines.append(f"| {p.name} | " + " | ".join(cells) + " |")
    lines.append("| **geomean vs wasm2c** | " + " | ".join(
        f"**{R.geomean(rel[c]):.3f}**" if rel[c] else "-" for c in cols) + " |")
    if ALREADY:
        lines.append("")
        lines.append("Already done by w2c itself (those edits changed nothing): "
                     + ", ".join(sorted(ALREADY)))
    table = "\n".join(lines)
    print("Millions of instructions (callgrind, reduced input); in parentheses: / wasm2c\n")
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
