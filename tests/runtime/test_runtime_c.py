"""The header-only C runtime (runtime_c/): C test programs built with real compilers.

Each program in tests/runtime/c/ checks one helper group against known
vectors and prints `checks: N failures: F` (and a FAIL line per mismatch);
it is built with -std=c99 -Wall -Wextra -Werror -pedantic under gcc and
clang (skipped with the reason if absent), at -O0 and -O2, in the
configurations that change its code (allocators, bounds checks, trap
delivery, portable fallbacks).  Then: one ASan+UBSan build per program, a
freestanding compile (no libc header, no libc symbol but mem*), the FP
contraction check, the multi-file link, and one test per configuration
#error showing the build stops with its sentence.
"""
from __future__ import annotations

import re
import shutil
import signal
from pathlib import Path

import pytest

from tests.support.ctool import (CHECKS_RE, EXTRA_WARNINGS, STRICT, compile_quietly,
                                 freestanding_include, run, run_checks, sanitizer_env,
                                 sanitizer_flags, tool)
from w2c import resources

HERE = Path(__file__).resolve().parent
CDIR = HERE / "c"
RT = resources.runtime_dir()

HANDLER = ["-DW2C_TRAP_HANDLER=check_trap_handler"]
STATIC = ["-DW2C_MEMORY_ALLOC=W2C_ALLOC_STATIC", "-DW2C_STATIC_MEMORY_BYTES=266240"]
MMAP = ["-DW2C_MEMORY_ALLOC=W2C_ALLOC_MMAP"]
EXPLICIT = ["-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT"]
CONFIGS = {
    "default": [],     # on x86-64/AArch64 Linux: mmap, guard pages, stack guard
    "explicit": EXPLICIT,
    "mmap": MMAP + EXPLICIT,
    "guard": MMAP + ["-DW2C_BOUNDS_CHECK=W2C_BOUNDS_GUARD"],
    "static": STATIC,
    "handler": HANDLER,
    "handler-count": HANDLER + ["-DW2C_STACK_CHECK=W2C_STACK_COUNT"],
    # the embedded configuration, run on the host: freestanding, handler, arena
    "embedded": ["-ffreestanding"] + HANDLER + STATIC,
    "portable": ["-DW2C_NO_BUILTINS"],
    # memory byte-swapped as on a big-endian host (exercises the swap path)
    "swapped": ["-DW2C_BIG_ENDIAN=1"] + EXPLICIT,
    "depth50": ["-DW2C_CALL_DEPTH_LIMIT=50", "-DLIMIT=50"],
    "count": ["-DW2C_STACK_CHECK=W2C_STACK_COUNT", "-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT"],
    # 1 MiB of budget: several thousand small frames, even under ASan
    "sp": ["-DW2C_STACK_CHECK=W2C_STACK_POINTER", "-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT",
           "-DMIN_DEPTH=2000"],
    # the whole 8 MiB stack (CI's and Linux's default limit)
    "stackguard": ["-DW2C_STACK_CHECK=W2C_STACK_GUARD", "-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT",
                   "-DMIN_DEPTH=20000"],
    "nostack": ["-DW2C_NONCONFORMING_NO_STACK_CHECK", "-DLIMIT=0"],
    # GC: a fixed heap in a static array (the bare-metal heap), with its full-heap test
    "gcstatic": ["-DW2C_GC_STATIC_HEAP=262144", "-DW2C_TEST_STATIC_HEAP"],
    "gcembedded": ["-ffreestanding"] + HANDLER + STATIC + ["-DW2C_GC_STATIC_HEAP=262144",
                                                          "-DW2C_TEST_STATIC_HEAP"],
}
# program -> (configurations, fewest checks it must report)
PROGRAMS = {
    "test_num": (["default", "handler", "embedded", "portable"], 280),
    "test_mem": (["default", "explicit", "mmap", "guard", "static", "handler", "embedded",
                  "portable", "swapped"], 160),
    "test_table": (["default", "static", "handler", "portable"], 85),
    "test_trap": (["default", "guard", "depth50", "count", "sp", "stackguard", "nostack"],
                  35),
    "test_handler": (["handler", "embedded", "handler-count"], 12),
    "test_gc": (["default", "gcstatic", "handler", "gcembedded"], 28),
}
CASES = [(p, c) for p, (cfgs, _) in PROGRAMS.items() for c in cfgs]


def build(cc: str, out: Path, sources, flags, link=True) -> Path:
    cmd = [cc, *STRICT, *flags, f"-I{RT}", f"-I{CDIR}", *[CDIR / s for s in sources],
           "-o", out]
    if link:
        cmd.append("-lm")
    compile_quietly(cmd)
    return out


# -- the test programs ---------------------------------------------------------------


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
@pytest.mark.parametrize("program,config", CASES)
def test_program(cc, opt, program, config, tmp_path):
    exe = build(cc, tmp_path / program, [f"{program}.c"], [opt, *CONFIGS[config]])
    run_checks([exe], PROGRAMS[program][1])


@pytest.mark.parametrize("program", ["test_num", "test_mem", "test_table", "test_trap"])
def test_sanitizers(cc, program, tmp_path):
    """ASan (with leak checks) + UBSan (float-cast-overflow included): no
    undefined behaviour, nothing leaked."""
    exe = build(cc, tmp_path / program, [f"{program}.c"], sanitizer_flags(cc))
    run_checks([exe], PROGRAMS[program][1], env=sanitizer_env(exe))


def test_sse41_rounding(tmp_path):
    """With SSE4.1 ceil/floor/trunc/nearest are the builtins: same vectors."""
    if "sse4_1" not in Path("/proc/cpuinfo").read_text(errors="replace"):
        pytest.skip("this CPU has no SSE4.1")
    for name in ("gcc", "clang"):
        if shutil.which(name):
            exe = build(name, tmp_path / f"num_{name}", ["test_num.c"], ["-O2", "-msse4.1"])
            run_checks([exe], PROGRAMS["test_num"][1])


def test_harness_reports_failures(tmp_path):
    """A wrong expectation makes the program fail, and says what differed."""
    exe = build(tool("gcc"), tmp_path / "t", ["test_num.c"], ["-DCHECK_SELFTEST"])
    proc = run([exe])
    assert proc.returncode == 1
    assert "FAIL" in proc.stdout and "got 0x2, want 0x3" in proc.stdout
    assert re.search(r"checks: \d+ failures: 1$", proc.stdout, re.M)


def test_uncaught_trap_aborts(cc, tmp_path):
    exe = build(cc, tmp_path / "t", ["test_trap.c"], ["-DUNCAUGHT"])
    proc = run([exe])
    assert proc.returncode == -signal.SIGABRT
    assert proc.stdout == "before\n"
    assert "w2c: uncaught trap: indirect call type mismatch" in proc.stderr


def test_guard_leaves_other_faults_alone(cc, tmp_path):
    """Under W2C_BOUNDS_GUARD a fault outside linear memory still kills."""
    exe = build(cc, tmp_path / "t", ["test_mem.c"],
                ["-O2", "-DFOREIGN_FAULT", *CONFIGS["guard"]])
    proc = run([exe])
    assert CHECKS_RE.search(proc.stdout) and "failures: 0" in proc.stdout
    assert proc.returncode == -signal.SIGSEGV, (proc.returncode, proc.stderr)


# -- whole-program properties --------------------------------------------------------


def test_no_fma_contraction(cc, tmp_path):
    """a*b+c is never fused, even with -mfma in a GNU mode (GCC fuses there)."""
    if " fma " not in " " + Path("/proc/cpuinfo").read_text(errors="replace").replace("\n", " "):
        pytest.skip("this CPU has no FMA: the check cannot run")
    flags = ["-std=gnu99", "-Wall", "-Wextra", "-Werror", "-O2", "-mfma", f"-I{RT}"]
    exe = tmp_path / "fma"
    proc = run([cc, *flags, CDIR / "test_fma.c", "-o", exe])
    assert proc.returncode == 0, proc.stderr
    assert run([exe]).stdout.split() == ["0x0p+0"] * 4
    # the same code without the runtime's pragmas: does this compiler fuse?
    proc = run([cc, *flags, "-DNO_RT", CDIR / "test_fma.c", "-o", exe])
    assert proc.returncode == 0, proc.stderr
    if run([exe]).stdout.split() == ["0x0p+0"] * 4:
        pytest.skip(f"{cc} does not fuse here even without the pragmas")


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_freestanding(cc, opt, tmp_path):
    """Only the compiler's own headers (-nostdinc), and the object needs
    nothing but the trap handler it defines and memcpy/memmove/memset."""
    obj = tmp_path / "fs.o"
    flags = [opt, "-ffreestanding", "-nostdlib", "-nostdinc", "-isystem", freestanding_include(cc),
             "-DW2C_TRAP_HANDLER=fs_trap", "-DW2C_MEMORY_ALLOC=W2C_ALLOC_STATIC",
             "-DW2C_STATIC_MEMORY_BYTES=131072", "-c"]
    build(cc, obj, ["freestanding.c"], flags, link=False)
    nm = shutil.which("nm")
    if nm is None:
        pytest.skip("nm not found: compiled, but cannot list undefined symbols")
    undefined = set(run([nm, "-u", obj]).stdout.split()) - {"U", "w"}
    assert undefined <= {"memcpy", "memmove", "memset"}, undefined


@pytest.mark.parametrize("external", [False, True], ids=["weak", "external"])
def test_two_files_share_state(cc, external, tmp_path):
    """Generated files for several modules share one trap stack and depth."""
    objs = []
    for src, extra in (("link_a.c", ["-DW2C_DEFINE_STORAGE"]), ("link_b.c", [])):
        flags = ["-O2", "-c", "-DW2C_STACK_CHECK=W2C_STACK_COUNT"] + \
            (["-DW2C_STORAGE_EXTERNAL", *extra] if external else [])
        objs.append(build(cc, tmp_path / (src + ".o"), [src], flags, link=False))
    exe = tmp_path / "linked"
    proc = run([cc, *objs, "-o", exe])
    assert proc.returncode == 0, proc.stderr
    proc = run([exe])
    assert (proc.returncode, proc.stdout) == (0, "link ok\n")


# -- every configuration #error ------------------------------------------------------

ERRORS = {
    "value-as-switch": (["-DW2C_ALLOC_STATIC"], "are values, not switches"),
    "two-trap-modes": (["-DW2C_TRAP_SETJMP", "-DW2C_TRAP_HANDLER=h"],
                       "W2C_TRAP_SETJMP and W2C_TRAP_HANDLER are exclusive"),
    # not an #error (an #if on the name would trip -Wundef): a named negative array
    "handler-unnamed": (["-DW2C_TRAP_HANDLER"], "W2C_TRAP_HANDLER_must_name_your_trap_function"),
    "freestanding-setjmp": (["-ffreestanding"], "a freestanding build has no setjmp.h"),
    "bad-alloc": (["-DW2C_MEMORY_ALLOC=7"], "W2C_MEMORY_ALLOC must be"),
    "freestanding-malloc": (["-ffreestanding", "-DW2C_TRAP_HANDLER=h",
                             "-DW2C_MEMORY_ALLOC=W2C_ALLOC_MALLOC"],
                            "a freestanding build has no malloc or mmap"),
    "mmap-not-posix": (["-U__unix__", "-U__linux__", "-U__APPLE__", *MMAP],
                       "W2C_ALLOC_MMAP needs a POSIX system"),
    "static-bytes-alone": (["-DW2C_STATIC_MEMORY_BYTES=10"],
                           "W2C_STATIC_MEMORY_BYTES only applies to"),
    "bad-bounds": (["-DW2C_BOUNDS_CHECK=5"], "W2C_BOUNDS_CHECK must be"),
    "guard-without-mmap": (["-DW2C_BOUNDS_CHECK=W2C_BOUNDS_GUARD"],
                           "W2C_BOUNDS_GUARD needs reserved address space"),
    "guard-with-handler": (CONFIGS["guard"] + ["-DW2C_TRAP_HANDLER=h"],
                           "W2C_BOUNDS_GUARD delivers traps from a signal handler"),
    "guard-32-bit": (CONFIGS["guard"] + ["-U__LP64__", "-U_LP64", "-U__x86_64__", "-U__aarch64__"],
                     "W2C_BOUNDS_GUARD needs a 64-bit address space"),
    "guard-no-posix-signals": (CONFIGS["guard"] + ["-include", "stdio.h"],
                               "W2C_BOUNDS_GUARD and W2C_STACK_GUARD need POSIX signals"),
    "mmap-no-map-anonymous": (MMAP + ["-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT",
                               "-include", "stdio.h"],
                              "W2C_ALLOC_MMAP needs MAP_ANONYMOUS"),
    "no-stack-check-with-limit": (["-DW2C_NONCONFORMING_NO_STACK_CHECK",
                                   "-DW2C_CALL_DEPTH_LIMIT=5"],
                                  "contradicts a nonzero W2C_CALL_DEPTH_LIMIT"),
    "limit-zero": (["-DW2C_CALL_DEPTH_LIMIT=0"], "also define W2C_NONCONFORMING_NO_STACK_CHECK"),
    "limit-negative": (["-DW2C_CALL_DEPTH_LIMIT=-3"], "must be a positive number of calls"),
    "stack-value-as-switch": (["-DW2C_STACK_GUARD"], "are values: write -DW2C_STACK_CHECK="),
    "bad-stack-check": (["-DW2C_STACK_CHECK=9"], "W2C_STACK_CHECK must be"),
    "stack-check-and-none": (["-DW2C_STACK_CHECK=W2C_STACK_COUNT",
                              "-DW2C_NONCONFORMING_NO_STACK_CHECK"],
                             "contradicts W2C_STACK_CHECK"),
    "limit-without-count": (["-DW2C_STACK_CHECK=W2C_STACK_POINTER", "-DW2C_CALL_DEPTH_LIMIT=9"],
                            "W2C_CALL_DEPTH_LIMIT only applies to"),
    "stack-guard-with-handler": (["-DW2C_STACK_CHECK=W2C_STACK_GUARD", "-DW2C_TRAP_HANDLER=h"],
                                 "W2C_STACK_GUARD delivers the trap from a signal handler"),
    "stack-guard-not-posix": (["-DW2C_STACK_CHECK=W2C_STACK_GUARD", "-U__unix__", "-U__linux__",
                               "-U__APPLE__", "-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT"],
                              "W2C_STACK_GUARD needs POSIX signals"),
    "stack-pointer-unknown-cpu": (["-DW2C_STACK_CHECK=W2C_STACK_POINTER", "-U__x86_64__",
                                   "-U__i386__", "-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT"],
                                  "W2C_STACK_POINTER cannot read the stack pointer"),
    "limit-symbol-without-pointer": (["-DW2C_STACK_LIMIT_SYMBOL=lim",
                                      "-DW2C_STACK_CHECK=W2C_STACK_COUNT"],
                                     "W2C_STACK_LIMIT_SYMBOL needs -DW2C_STACK_CHECK=W2C_STACK_POINTER"),
    "guard-no-builtins": (CONFIGS["guard"] + ["-DW2C_NO_BUILTINS"],
                          "W2C_BOUNDS_GUARD needs each load and store to be one access"),
    "guard-small-pages": (CONFIGS["guard"] + ["-DW2C_MODULE_SMALL_PAGES"],
                          "pages smaller than 4 KiB"),
    "no-weak-symbols": (["-U__GNUC__"], "this compiler has no weak symbols"),
    "define-storage-alone": (["-DW2C_DEFINE_STORAGE"],
                             "W2C_DEFINE_STORAGE goes with W2C_STORAGE_EXTERNAL"),
    "fast-math": (["-ffast-math"], "-ffast-math breaks WebAssembly float semantics"),
    "x87": (["-mfpmath=387"], "compile with -msse2 -mfpmath=sse"),
    "half-sqrt": (["-DW2C_SQRTF=sqrtf"], "define both W2C_SQRTF and W2C_SQRT"),
    "freestanding-no-sqrt": (["-U__GNUC__", "-DW2C_STORAGE_EXTERNAL", "-ffreestanding",
                              "-DW2C_TRAP_HANDLER=h"],
                             "no sqrt in a freestanding build with this compiler"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_config_error(case, tmp_path):
    """The build stops, and the message says what to do."""
    flags, sentence = ERRORS[case]
    gcc = tool("gcc")   # -mfpmath=387 and -U__GNUC__ are GCC's ways to get there
    src = tmp_path / "e.c"
    src.write_text('#include "w2c_rt.h"\n')
    proc = run([gcc, "-std=c99", *flags, f"-I{RT}", "-c", src, "-o", tmp_path / "e.o"])
    assert proc.returncode != 0
    errors = [line for line in proc.stderr.splitlines() if " error: " in line]
    assert errors and sentence in errors[0], proc.stderr
    # and the same file builds without the offending flags
    ok = run([gcc, *STRICT, f"-I{RT}", "-c", src, "-o", tmp_path / "ok.o"])
    assert ok.returncode == 0, ok.stderr


# -- the header files themselves -----------------------------------------------------

HEADER_CONFIGS = {
    "default": [], "mmap": MMAP, "guard": CONFIGS["guard"], "portable": ["-DW2C_NO_BUILTINS"],
    "embedded": ["-ffreestanding", "-DW2C_TRAP_HANDLER=h", *STATIC],
    "unchecked": ["-DW2C_BOUNDS_CHECK=W2C_NONCONFORMING_NO_BOUNDS_CHECK",
                  "-DW2C_NONCONFORMING_NO_STACK_CHECK"],
    "external": ["-DW2C_STORAGE_EXTERNAL", "-DW2C_DEFINE_STORAGE", "-DW2C_THREAD_LOCAL=__thread"],
}


@pytest.mark.parametrize("config", sorted(HEADER_CONFIGS))
def test_headers_quiet_under_extra_warnings(cc, config, tmp_path):
    """Generated code may be built with stricter flags: the headers stay quiet."""
    src = tmp_path / "h.c"
    src.write_text('#include "w2c_rt.h"\n')
    proc = run([cc, *STRICT, *EXTRA_WARNINGS, "-O2", *HEADER_CONFIGS[config], f"-I{RT}", "-c",
                src, "-o", tmp_path / "h.o"])
    assert proc.returncode == 0 and not proc.stderr, proc.stderr[:3000]



C_TYPES = {0x7F: "uint32_t", 0x7E: "uint64_t", 0x7D: "float", 0x7C: "double"}


def template_program() -> str:
    """One C function per opcode template (scalar types), operands as parameters."""
    from w2c.opcodes import OPS
    out = ['#define W2C_MODULE_THREADS 1', '#include "w2c_rt.h"', '#include "w2c_atomic.h"']
    for i, op in enumerate(OPS):
        if not op.c or op.params is None or op.results is None:
            continue
        types = op.params + op.results
        if any(t not in C_TYPES for t in types):
            continue  # v128 and references: not scalar templates
        if "inst->" in op.c:
            continue  # reads the module instance (memory.size, data.drop): tests/spec
        params = ["uint8_t *m0", "uint64_t m0_size"]
        params += [f"{C_TYPES[t]} a{k}" for k, t in enumerate(op.params)]
        results = {f"r{k}": f"r{k}" for k in range(len(op.results))}
        expr = op.c.format(*[f"a{k}" for k in range(len(op.params))],
                           mem="m0, m0_size", offset="16u", lane="0", imm="0", shared="1",
                           **results)
        if len(op.results) > 1:   # the helper writes the results: {r0}, {r1}, ...
            body = "".join(f"{C_TYPES[t]} r{k}; " for k, t in enumerate(op.results))
            body += f"{expr}; " + " ".join(f"(void)r{k};" for k in range(len(op.results)))
        elif op.results:
            body = f"{C_TYPES[op.results[0]]} r = {expr}; (void)r;"
        else:
            body = f"{expr};" if expr else ""
        out.append(f"/* {op.name} */\nvoid t{i}({', '.join(params)}) {{\n"
                   f"  (void)m0; (void)m0_size; {body}\n}}")
    return "\n".join(out) + "\n"


def test_every_template_compiles(cc, tmp_path):
    """Every opcode's C template, expanded as the emitter does, compiles
    warning-free against the runtime: each helper exists with that arity
    and types."""
    src = tmp_path / "templates.c"
    text = template_program()
    assert text.count("w2c_") > 80, "no templates?"
    src.write_text(text)
    flags = [*STRICT, "-O1", "-Wno-missing-prototypes", f"-I{RT}", "-c", src, "-o",
             tmp_path / "t.o"]
    proc = run([cc, *flags])
    assert proc.returncode == 0 and not proc.stderr, proc.stderr[:3000]


def test_endless_recursion_compiles_quietly(cc, tmp_path):
    """Wasm may recurse forever (the depth check traps): no -Winfinite-recursion."""
    src = tmp_path / "r.c"
    src.write_text('#include "w2c_rt.h"\nvoid f(void *i);\n'
                   'void f(void *i) { W2C_CALL_ENTER(); f(i); W2C_CALL_DONE(); W2C_CALL_LEAVE(); }\n')
    for opt in ("-O0", "-O2"):
        proc = run([cc, *STRICT, opt, f"-I{RT}", "-c", src, "-o", tmp_path / "r.o"])
        assert proc.returncode == 0 and not proc.stderr, proc.stderr


def test_files_stay_small():
    for p in sorted(RT.glob("*.h")):
        n = len(p.read_text().splitlines())
        assert n <= 600, f"{p.name}: {n} lines"
