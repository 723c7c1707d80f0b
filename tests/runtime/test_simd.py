"""runtime_c/w2c_simd*.h against wasmtime, instruction by instruction.

simd_cases.py makes one small wasm function per SIMD and relaxed-SIMD
instruction and immediate, and the same instruction as the runtime's C
call for tests/runtime/c/test_simd.c; random and edge-case operands go
through both, and each C result must be one the spec allows where wasmtime
gave its own (bit for bit but for NaN lanes and relaxed instructions).  The
C program is built with gcc and clang, -O0 and -O2, in the vector and
portable configurations, with SSE4.1, without intrinsics, without builtins,
once under ASan+UBSan; cross-built for rpi-aarch64, rpi-armhf (with and
without NEON) and linux-s390x (big-endian; portable, generic vectors, z13
vector registers) under qemu-user; with guard pages on a w2c_memory; and
compiled freestanding for Cortex-M3 (only mem* and libgcc symbols may
remain).  All instructions go in one program per build.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from w2c import resources

from .simd_cases import M64, Fn, c_case, c_name, cases, check, functions, wat_func

HERE = Path(__file__).resolve().parent
CDIR = HERE / "c"
RT = resources.runtime_dir()
STRICT = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
EXPLICIT = ["-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT"]
PORTABLE = ["-DW2C_SIMD_IMPL=W2C_SIMD_PORTABLE"]


# -- running both ------------------------------------------------------------------------------


@dataclass
class Reference:
    fns: list[Fn]
    inputs: list[list[tuple[int, ...]]]
    results: list[list[str]]   # wasmtime's, per function and case
    stdin: str                 # the C program's input, all cases in order
    header: str                # simd_cases.h


@pytest.fixture(scope="module")
def reference() -> Reference:
    pytest.importorskip("wasmtime", reason="the wasmtime Python package (.venv)")
    return make_reference()


def make_reference() -> Reference:
    """wasmtime's results for every function and case, and the C program's input."""
    import wasmtime
    fns = functions()
    wat = "(module (memory 1)\n" + "\n".join(wat_func(i, f) for i, f in enumerate(fns)) + ")"
    cfg = wasmtime.Config()
    cfg.wasm_simd = True
    cfg.wasm_relaxed_simd = True
    engine = wasmtime.Engine(cfg)
    store = wasmtime.Store(engine)
    inst = wasmtime.Instance(store, wasmtime.Module(engine, wasmtime.wat2wasm(wat)), [])
    exports = inst.exports(store)
    inputs, results, lines = [], [], []
    for i, f in enumerate(fns):
        fn = exports[f"f{i}"]
        ins = cases(f, i)
        res = []
        for c in ins:
            args = [x - (1 << 64) if x >> 63 else x for x in c]
            try:
                lo, hi = fn(store, *args)
                res.append(f"{lo & M64:016x} {hi & M64:016x}")
            except wasmtime.Trap:
                res.append("trap")
            lines.append(f"{i:x} " + " ".join(f"{x:x}" for x in c))
        inputs.append(ins)
        results.append(res)
    header = "\n".join(c_case(i, f) for i, f in enumerate(fns)) + "\n"
    return Reference(fns, inputs, results, "\n".join(lines) + "\n", header)


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=300,
                          **kw)


def build(ref: Reference, tmp: Path, cc: list[str], flags: list[str], ldflags=("-lm",),
          out: str = "test_simd") -> Path:
    (tmp / "simd_cases.h").write_text(ref.header)
    exe = tmp / out
    cmd = [*cc, *STRICT, *flags, f"-I{tmp}", f"-I{RT}", CDIR / "test_simd.c", "-o", exe, *ldflags]
    proc = _run(cmd)
    assert proc.returncode == 0 and proc.stderr == "", f"{' '.join(map(str, cmd))}\n{proc.stderr}"
    return exe


def compare(ref: Reference, cmd: list, env=None) -> None:
    proc = _run(cmd, input=ref.stdin, env=env)
    assert proc.returncode == 0, f"rc {proc.returncode}\n{proc.stderr[-3000:]}"
    got = proc.stdout.splitlines()
    assert len(got) == len(ref.stdin.splitlines()), f"{len(got)} results\n{proc.stderr[-2000:]}"
    it = iter(got)
    fails = []
    for f, ins, res in zip(ref.fns, ref.inputs, ref.results):
        for c, r in zip(ins, res):
            g = next(it)
            why = check(f, c, r, g)
            if why:
                fails.append(f"{f.wat}: {why}\n  in  {' '.join(f'{x:x}' for x in c)}\n"
                             f"  wasmtime {r}\n  C        {g}")
    ops = sorted({x.split(":")[0] for x in fails})
    assert not fails, f"{len(fails)} mismatches in {ops}:\n" + "\n".join(fails[:30])


def _cpu_has(*flags: str) -> bool:
    try:
        words = set(Path("/proc/cpuinfo").read_text().split())
    except OSError:
        return False
    return all(f in words for f in flags)


def _cc(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not found (apt-get install -y {name})")
    return path


HOST = {
    "vector": [],
    "portable": PORTABLE,
    "no-intrinsics": ["-DW2C_SIMD_NO_INTRINSICS"],
    "sse4": ["-msse4.1", "-mssse3"],
    # AVX2 + FMA: relaxed_madd fused (W2C_SIMD_RELAXED_FMA), VEX encodings
    "x86-64-v3": ["-march=x86-64-v3"],
}


# compiler, optimization, configuration
HOST_BUILDS = [(cc, opt, cfg) for cc in ("gcc", "clang") for opt in ("-O0", "-O2")
               for cfg in ("vector", "portable")] + [("gcc", "-O2", "sse4"),
                                                     ("clang", "-O2", "no-intrinsics"),
                                                     ("clang", "-O2", "x86-64-v3")]


@pytest.mark.parametrize("compiler,opt,config", HOST_BUILDS)
def test_host(reference, compiler, opt, config, tmp_path):
    if config == "x86-64-v3" and not _cpu_has("avx2", "fma"):
        pytest.skip("this CPU has no AVX2/FMA to run an x86-64-v3 build")
    exe = build(reference, tmp_path, [_cc(compiler)], [opt, *EXPLICIT, *HOST[config]])
    compare(reference, [exe])


@pytest.mark.parametrize("compiler", ["gcc", "clang"])
def test_guard_pages(reference, compiler, tmp_path):
    """The default configuration (guard pages on x86-64 Linux): the memory is
    a w2c_memory, out-of-bounds v128 accesses fault into traps, and unused
    loads still happen."""
    exe = build(reference, tmp_path, [_cc(compiler)], ["-O2", "-DSIMD_MEMORY", "-DCHECK_GUARD"])
    compare(reference, [exe])


def test_sanitizers(reference, tmp_path):
    """gcc's ASan + UBSan (float-cast-overflow included), on the portable
    path (the vector one leaves arithmetic to the vector operators)."""
    flags = ["-O0", "-g", "-fsanitize=address,undefined,float-cast-overflow",
             "-fno-sanitize-recover=all", *EXPLICIT, *PORTABLE]
    exe = build(reference, tmp_path, [_cc("gcc")], flags)
    compare(reference, [exe], env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))


# flags -> the start of the #error's sentence
ERRORS = {
    ("-DW2C_SIMD_PORTABLE",): "W2C_SIMD_PORTABLE / W2C_SIMD_VECTOR are values",
    ("-DW2C_SIMD_IMPL=3",): "W2C_SIMD_IMPL must be",
    ("-DW2C_SIMD_IMPL=W2C_SIMD_PORTABLE", "-DW2C_SIMD_NO_INTRINSICS"):
        "W2C_SIMD_NO_INTRINSICS only applies",
}


@pytest.mark.parametrize("flags", list(ERRORS), ids=lambda f: " ".join(f))
def test_config_errors(flags, tmp_path):
    """Each conflicting choice stops the build with its sentence."""
    src = tmp_path / "e.c"
    src.write_text('#include "w2c_rt.h"\n#include "w2c_simd.h"\n')
    proc = _run([_cc("gcc"), *STRICT, *flags, f"-I{RT}", "-fsyntax-only", src])
    assert proc.returncode != 0 and f"w2c: {ERRORS[flags]}" in proc.stderr, proc.stderr


# the stricter warnings generated code may be built with (tests/runtime's other headers too)
EXTRA_WARNINGS = ["-Wconversion", "-Wsign-conversion", "-Wshadow", "-Wundef", "-Wcast-align",
                  "-Wcast-qual", "-Wstrict-prototypes", "-Wmissing-prototypes",
                  "-Wdouble-promotion", "-Wredundant-decls"]


@pytest.mark.parametrize("config", ["vector", "portable"])
@pytest.mark.parametrize("compiler", ["gcc", "clang"])
def test_quiet_under_extra_warnings(reference, compiler, config, tmp_path):
    """Every SIMD function, used, compiles without a warning under -Wconversion & co."""
    (tmp_path / "simd_cases.h").write_text(reference.header)
    cmd = [_cc(compiler), *STRICT, *EXTRA_WARNINGS, "-O2", *EXPLICIT, *HOST[config],
           f"-I{tmp_path}", f"-I{RT}", "-c", CDIR / "test_simd.c", "-o", tmp_path / "t.o"]
    proc = _run(cmd)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr[:3000]


def test_no_builtins_is_portable(reference, tmp_path):
    """W2C_NO_BUILTINS (the runtime's portable fallbacks) also selects the
    portable SIMD path, and it agrees with wasmtime."""
    exe = build(reference, tmp_path, [_cc("gcc")], ["-O2", "-DW2C_NO_BUILTINS", *EXPLICIT,
                                                    "-DCHECK_PORTABLE"])
    compare(reference, [exe])


# target profile, extra flags: NEON on ARMv7 and generic vectors on big-endian s390x
# exercise the vector path where the profile's default is the portable one
CROSS = {
    "aarch64": ("rpi-aarch64", []),
    "armhf": ("rpi-armhf", []),
    "armhf-neon": ("rpi-armhf", ["-mfpu=neon"]),
    "s390x": ("linux-s390x", []),
    "s390x-vector": ("linux-s390x", ["-DW2C_SIMD_IMPL=W2C_SIMD_VECTOR"]),
    # z13's vector facility: the default vector path in real vector registers
    "s390x-z13": ("linux-s390x", ["-march=z13", "-mzvector"]),
}


@pytest.mark.parametrize("name", list(CROSS))
def test_cross(reference, name, tmp_path):
    from w2c.program import load_target
    target, extra = CROSS[name]
    prof = load_target(target)
    missing = [c for c in (prof.cc, prof.run[0]) if shutil.which(c) is None]
    if missing:
        pytest.skip(f"{target}: {', '.join(missing)} not found "
                    f"(apt-get install -y {' '.join(prof.debian_packages)})")
    exe = build(reference, tmp_path, [prof.cc], [*prof.cflags, *EXPLICIT, *extra],
                ldflags=prof.ldflags)
    compare(reference, [*prof.run, exe])


def test_cortex_m3_freestanding(reference, tmp_path):
    """The portable path compiles for Cortex-M3 with -ffreestanding, and the
    object needs nothing but mem* and libgcc's soft-float helpers."""
    from w2c.program import load_target
    prof = load_target("cortex-m3")
    if shutil.which(prof.cc) is None:
        pytest.skip(f"{prof.cc} not found (apt-get install -y gcc-arm-none-eabi)")
    defines = [f"-D{d}" for d in prof.defines]
    obj = build(reference, tmp_path, [prof.cc], [*prof.cflags, *defines, "-DSIMD_FREESTANDING",
                                                 "-c"], ldflags=(), out="test_simd.o")
    nm = _run([shutil.which("arm-none-eabi-nm") or "nm", "-u", obj])
    undefined = {line.split()[-1] for line in nm.stdout.splitlines() if line.strip()}
    assert undefined, "nm found no undefined symbol: the check cannot be right"
    extra = {s for s in undefined if not s.startswith("__") and s not in
             ("memcpy", "memmove", "memset", "w2c_bare_trap")}
    assert not extra, f"the SIMD runtime refers to {sorted(extra)}"


# -- SIMDe, for the comparison in docs/codegen.md (not run by pytest) ------------------------
# `python -m tests.runtime.test_simd simde` runs the same differential test with
# SIMDe's wasm/simd128.h (PyPI simde-py) behind the w2c_ names: per target, the
# instructions whose results differ from wasmtime's.

_SIMDE_LOADS = {"load8x8": "16x8", "load16x4": "32x4", "load32x2": "64x2"}
_SIMDE_NONE = ("relaxed_swizzle", "relaxed_laneselect", "relaxed_q15mulr", "relaxed_dot")


def simde_name(op: str) -> str | None:
    """SIMDe's function for a w2c_ name (wasm_simd128.h's naming), None if it has none."""
    shape, name = op.split(".")
    if any(name.startswith(p) for p in _SIMDE_NONE):
        return None
    if op == "v128.const":
        return "i64x2_make"
    uns = bool(re.search(r"_u(_zero)?$", name))
    name = re.sub(r"_[su](?=(_zero)?$)", "", name)
    for k, v in _SIMDE_LOADS.items():
        if name == k:
            return ("u" if uns else "i") + v + "_" + k
    if uns:
        shape = "u" + shape[1:] if shape[0] == "i" else shape
        if "narrow" not in name:
            name = re.sub(r"i(\d+x\d+)", r"u\1", name)
    return f"{shape}_{name}"


def simde_adapter(fns: list[Fn]) -> str:
    out = ['#include "w2c_rt.h"', '#include "wasm/simd128.h"', '#include "wasm/relaxed-simd.h"',
           "typedef simde_v128_t w2c_v128;",
           "static inline uint8_t *w2c_simde_at_(uint8_t *mem, uint64_t size, uint32_t addr,",
           "    uint32_t off, uint32_t n) { W2C_MEM_CHECK(size, addr, off, n); "
           "return mem + (uint64_t)addr + off; }",
           "#define w2c_i64x2_splat(x) simde_wasm_i64x2_splat((int64_t)(x))",
           "#define w2c_i64x2_replace_lane(v, l, x) simde_wasm_i64x2_replace_lane(v, l, (int64_t)(x))",
           "#define w2c_i64x2_extract_lane simde_wasm_i64x2_extract_lane",
           "#define w2c_v128_const(lo, hi) simde_wasm_i64x2_make((int64_t)(lo), (int64_t)(hi))"]
    done = {"i64x2.splat", "i64x2.replace_lane", "i64x2.extract_lane", "v128.const"}
    for f in fns:
        if f.op in done:
            continue
        done.add(f.op)
        s, w = simde_name(f.op), c_name(f.op)
        if s is None:
            continue
        if f.addr:
            m = re.search(r"(load|store)(\d+)(x\d+)?", f.op)
            n = 16 if m is None else 8 if m.group(3) else int(m.group(2)) // 8
            lane = ", v, l" if f.lane is not None else ""
            val = ", v" if f.op == "v128.store" else lane
            out.append(f"#define {w}(m, s, a, o{val}) simde_wasm_{s}(w2c_simde_at_(m, s, a, o, "
                       f"{n}){val})")
        else:
            out.append(f"#define {w} simde_wasm_{s}")
    return "\n".join(out) + "\n"


def simde_eval() -> None:
    import tempfile
    import simde_py  # noqa: F401
    inc = Path(simde_py.__file__).parent / "simde" / "simde"
    from w2c.program import load_target
    ref = make_reference()
    header = simde_adapter(ref.fns)
    unsupported = {f.op for f in ref.fns if f.op != "v128.const" and simde_name(f.op) is None}
    ref.header = "\n".join(
        c_case(i, f) if f.op not in unsupported else f"CASE({i}, (out[0] = out[1] = 0))"
        for i, f in enumerate(ref.fns)) + "\n"
    print(f"SIMDe has no function for {sorted(unsupported)}")
    targets = [("x86-64 gcc -O2", ["gcc"], ["-O2"], [], ["-lm"]),
               ("x86-64 gcc -O2 -msse4.1", ["gcc"], ["-O2", "-msse4.1"], [], ["-lm"])]
    for t in ("rpi-aarch64", "rpi-armhf", "linux-s390x"):
        p = load_target(t)
        targets.append((t, [p.cc], p.cflags, p.run, p.ldflags))
    for label, cc, flags, run, ld in targets:
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d)
            (tmp / "simd_simde.h").write_text(header)
            (tmp / "simd_cases.h").write_text(ref.header)
            exe = tmp / "t"
            cmd = [*cc, "-std=c99", *flags, *EXPLICIT, "-DSIMD_SIMDE", f"-I{tmp}", f"-I{RT}",
                   f"-I{inc}", CDIR / "test_simd.c", "-o", exe, *ld]
            proc = _run(cmd)
            if proc.returncode:
                print(f"{label}: build failed\n{proc.stderr[-2000:]}")
                continue
            got = _run([*run, exe], input=ref.stdin).stdout.splitlines()
            bad: dict[str, int] = {}
            it = iter(got)
            for f, ins, res in zip(ref.fns, ref.inputs, ref.results):
                for c, r in zip(ins, res):
                    g = next(it, "missing")
                    if f.op not in unsupported and check(f, c, r, g):
                        bad[f.op] = bad.get(f.op, 0) + 1
            print(f"{label}: {len(bad)} instructions differ: {sorted(bad)}")


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["simde"]:
        simde_eval()
