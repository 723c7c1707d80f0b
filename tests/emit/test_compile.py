"""`w2c compile`: output files, determinism, atomic failure, and the example
built with real C compilers under -std=c99 -Wall -Wextra -Werror."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from w2c.emit import compile_module

CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
COMPILERS = [c for c in ("gcc", "clang") if shutil.which(c)]


def w2c(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", *args], capture_output=True,
                          text=True, cwd=cwd)


@pytest.fixture(scope="module")
def hello_wasm(repo_root_path=Path(__file__).resolve().parents[2]) -> Path:
    return repo_root_path / "examples" / "hello" / "hello.wasm"


def test_writes_c_header_and_runtime(tmp_path, hello_wasm):
    r = w2c("compile", str(hello_wasm), "-o", str(tmp_path / "out" / "m.c"))
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "m.c" in names and "m.h" in names and "w2c_rt.h" in names
    assert not [n for n in names if n.endswith(".tmp")]
    text = (tmp_path / "out" / "m.h").read_text()
    assert "hello_instantiate" in text and "hello_x_fac" in text  # prefix from the name section


def test_module_name_option(tmp_path, hello_wasm):
    r = w2c("compile", str(hello_wasm), "-o", str(tmp_path / "m.c"), "-n", "greeter")
    assert r.returncode == 0, r.stderr
    assert "greeter_x_fac" in (tmp_path / "m.h").read_text()


def test_output_is_deterministic(tmp_path, hello_wasm):
    data = hello_wasm.read_bytes()
    compile_module(data, tmp_path / "a" / "m.c")
    compile_module(data, tmp_path / "b" / "m.c")
    for name in ("m.c", "m.h"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_bad_module_leaves_no_output(tmp_path, wat2wasm):
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(wat2wasm("(module (func (result i32) i64.const 0))", check=False))
    out = tmp_path / "out"
    r = w2c("compile", str(bad), "-o", str(out / "m.c"))
    assert r.returncode == 1
    assert r.stderr.startswith(f"error: {bad}:0x") and "type mismatch" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not out.exists() or not any(out.iterdir())


def test_missing_input_is_usage_error(tmp_path):
    r = w2c("compile", str(tmp_path / "nope.wasm"), "-o", str(tmp_path / "m.c"))
    assert r.returncode == 2 and "error:" in r.stderr


@pytest.mark.parametrize("cc", COMPILERS)
@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_example_builds_and_runs(tmp_path, hello_wasm, cc, opt):
    out = tmp_path / "out"
    compile_module(hello_wasm.read_bytes(), out / "hello.c")
    main_c = hello_wasm.parent / "main.c"
    exe = tmp_path / "hello"
    b = subprocess.run([cc, *CFLAGS, opt, f"-I{out}", str(out / "hello.c"), str(main_c),
                        "-o", str(exe)], capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "Hello from w2c!",
        "fac(20) = 2432902008176640000",
        "fib(30) = 832040",
        "apply(square, 12) = 144",
        "calls = 1",
        "apply(7, 1) -> trap: undefined element",
    ]


@pytest.mark.parametrize("cc", COMPILERS)
def test_u64_to_f64_not_folded_after_truncation(tmp_path, wat2wasm, cc):
    """clang 14 -O2 folded (u64)(double)(u64)x back to x (LLVM issue 55150);
    found by the differential test (smith seed 336)."""
    data = wat2wasm("""(module (func (export "f") (param f32) (result i64)
        local.get 0 i64.trunc_f32_s f64.convert_i64_u i64.trunc_sat_f64_u))""")
    compile_module(data, tmp_path / "cl.c", "cl")
    (tmp_path / "main.c").write_text(
        '#include <stdio.h>\n#include <inttypes.h>\n#include "cl.h"\n'
        'int main(void) { static cl_instance i; cl_instantiate(&i, NULL);\n'
        '  printf("%016" PRIx64 "\\n", cl_x_f(&i, -26139.654f)); return 0; }\n')
    exe = tmp_path / "t"
    b = subprocess.run([cc, *CFLAGS, "-O2", f"-I{tmp_path}", str(tmp_path / "cl.c"),
                        str(tmp_path / "main.c"), "-o", str(exe), "-lm"],
                       capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    out = subprocess.run([str(exe)], capture_output=True, text=True).stdout
    assert out.strip() == "ffffffffffff9800"


def test_two_instances_of_one_module_are_independent(tmp_path, wat2wasm):
    data = wat2wasm("""(module
      (memory (export "mem") 1)
      (global $n (export "n") (mut i32) (i32.const 0))
      (func (export "bump") (result i32)
        (global.set $n (i32.add (global.get $n) (i32.const 1)))
        (i32.store (i32.const 0) (global.get $n))
        (global.get $n)))""")
    compile_module(data, tmp_path / "c.c", "c")
    (tmp_path / "main.c").write_text(r'''
#include <stdio.h>
#include "c.h"
int main(void) {
  static c_instance a, b;
  if (c_instantiate(&a, NULL) || c_instantiate(&b, NULL)) return 1;
  c_x_bump(&a); c_x_bump(&a); c_x_bump(&b);
  printf("%u %u %u %u\n", (unsigned)*c_x_n(&a), (unsigned)*c_x_n(&b),
         (unsigned)c_x_mem(&a)->data[0], (unsigned)c_x_mem(&b)->data[0]);
  c_free(&a); c_free(&b);
  return 0;
}
''')
    exe = tmp_path / "t"
    b = subprocess.run(["gcc", *CFLAGS, "-O2", f"-I{tmp_path}", str(tmp_path / "c.c"),
                        str(tmp_path / "main.c"), "-o", str(exe), "-lm"],
                       capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    assert subprocess.run([str(exe)], capture_output=True, text=True).stdout == "2 1 2 1\n"


def test_output_files_get_the_umask_mode(tmp_path):
    """Written atomically through temporary files, yet with the mode a plain
    open() gives (mkstemp's 0600 would break builds by other users, make install)."""
    import os
    import stat
    wasm = Path(__file__).resolve().parents[2] / "examples" / "hello" / "hello.wasm"
    out = tmp_path / "out" / "m.c"
    for mask, mode in ((0o022, 0o644), (0o077, 0o600)):
        p = subprocess.run([sys.executable, "-m", "w2c", "compile", str(wasm), "-o", str(out)],
                           capture_output=True, text=True, preexec_fn=lambda m=mask: os.umask(m))
        assert p.returncode == 0, p.stderr
        for f in (out, out.with_suffix(".h"), out.parent / "w2c_rt.h"):
            assert stat.S_IMODE(f.stat().st_mode) == mode, (f, oct(mask))
        for f in out.parent.iterdir():   # rewrite the runtime headers next time
            if f.name.startswith("w2c_"):
                f.unlink()


def test_a_function_that_calls_itself_is_declared_inline(tmp_path, wat2wasm):
    """gcc does not inline a function with a call of itself into its one other
    caller unless it is declared inline (w2c.emit.body, `render`)."""
    data = wat2wasm("""(module
      (func $rec (export "rec") (param i32) (result i32)
        (if (result i32) (local.get 0)
          (then (i32.sub (i32.const 0) (call $rec (i32.sub (local.get 0) (i32.const 1)))))
          (else (i32.const 0))))
      (func $outer (export "outer") (param i32) (result i32) (call $rec (local.get 0))))""")
    compile_module(data, tmp_path / "m.c")
    text = (tmp_path / "m.c").read_text()
    defs = [ln for ln in text.splitlines() if ln.startswith("static ") and ln.endswith(") {")
            and "(void *instance" in ln]
    assert len(defs) == 2, defs
    assert defs[0].startswith("static inline "), defs
    assert not defs[1].startswith("static inline "), defs
