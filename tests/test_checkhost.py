"""`w2c check-host` and `w2c compile --check-host/--host-stubs`
(w2c/checkhost.py, w2c/hostc.py): host C files checked against the
module's imports with the real preprocessor (gcc and clang) and pycparser.
One module imports functions of every value type the checks tell apart;
hosts are written right, then wrong in one way each, and each wrong one
must give one `error: host.c:LINE: import ...` line naming the mismatch,
exit 1.  A WASI module's wasi_snapshot_preview1 imports are not the
host's.  The stubs --host-stubs writes compile, link with the module and
pass the check."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

WAT = """
(module
  (import "env" "write" (func (param i32 i32)))
  (import "env" "now" (func (result f64)))
  (import "env" "scale" (func (param f32 i64) (result f32)))
  (import "env" "pair" (func (result i32 i64)))
  (import "env" "ref" (func (param externref) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32) (i32.const 0)))
"""

HOST_OK = r"""
#include <stdint.h>
#include "m.h"

void m_i_env__write(void *ctx, uint32_t ptr, uint32_t len) {
  (void)ctx; (void)ptr; (void)len;
}
double m_i_env__now(void *ctx) { (void)ctx; return 0.0; }
float m_i_env__scale(void *ctx, float x, uint64_t k) { (void)ctx; return x * (float)k; }
w2c_ret_ij m_i_env__pair(void *ctx) { w2c_ret_ij r = {1u, 2u}; (void)ctx; return r; }
uint32_t m_i_env__ref(void *ctx, w2c_externref r) { (void)ctx; return r != NULL; }

int main(void) {
  m_instance inst;
  int rc = W2C_TRY(m_instantiate(&inst, NULL));
  return rc;
}
"""

# (what to replace in HOST_OK, by what, the expected error's pattern)
MISTAKES = {
    "missing": ("double m_i_env__now(void *ctx) { (void)ctx; return 0.0; }", "",
                r'^error: [^:]*host\.c: import "env" "now": not defined; define '
                r'`double m_i_env__now\(void \*ctx\)`$'),
    "arity": ("(void *ctx, uint32_t ptr, uint32_t len) {", "(void *ctx, uint32_t ptr) {",
              r'host\.c:5: import "env" "write": m_i_env__write has 2 parameters, not 3'),
    "i32-vs-i64": ("(void *ctx, uint32_t ptr, uint32_t len) {",
                   "(void *ctx, uint64_t ptr, uint32_t len) {",
                   r'host\.c:5: import "env" "write": parameter 2 is uint64_t \(unsigned '
                   r'64-bit integer\), expected uint32_t \(unsigned 32-bit integer\) for the '
                   r'Wasm i32'),
    "signedness": ("(void *ctx, uint32_t ptr, uint32_t len) {",
                   "(void *ctx, uint32_t ptr, int len) {",
                   r'host\.c:5: .*parameter 3 is int \(signed 32-bit integer\)'),
    "float-vs-double": ("float m_i_env__scale(void *ctx, float x,",
                        "float m_i_env__scale(void *ctx, double x,",
                        r'host\.c:9: import "env" "scale": parameter 2 is double \(64-bit '
                        r'float\), expected float \(32-bit float\) for the Wasm f32'),
    "pointer-for-offset": ("(void *ctx, uint32_t ptr, uint32_t len) {",
                           "(void *ctx, const char *ptr, uint32_t len) {",
                           r'host\.c:5: .*parameter 2 is const char \* \(a pointer\), '
                           r'expected uint32_t'),
    "result": ("double m_i_env__now(void *ctx)", "float m_i_env__now(void *ctx)",
               r'host\.c:8: import "env" "now": returns float \(32-bit float\), expected '
               r'double \(64-bit float\) for the Wasm result f64'),
    "multi-result": ("w2c_ret_ij m_i_env__pair(void *ctx) { w2c_ret_ij r = {1u, 2u};",
                     "uint64_t m_i_env__pair(void *ctx) { uint64_t r = 1u;",
                     r'host\.c:10: import "env" "pair": returns uint64_t .*expected w2c_ret_ij'),
    "context": ("uint32_t m_i_env__ref(void *ctx,", "uint32_t m_i_env__ref(int ctx,",
                r'host\.c:11: .*parameter 1 \(the context\) is int'),
    "static": ("double m_i_env__now(void *ctx)", "static double m_i_env__now(void *ctx)",
               r'host\.c:8: import "env" "now": m_i_env__now is static'),
}


def _w2c(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", *args], capture_output=True,
                          text=True, cwd=cwd)


@pytest.fixture(scope="module")
def module(wat2wasm, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ch")
    (out / "m.wasm").write_bytes(wat2wasm(WAT))
    return out / "m.wasm"


def _compilers() -> list[str]:
    return [c for c in ("gcc", "clang") if shutil.which(c)] or ["cc"]


@pytest.mark.parametrize("cc", _compilers())
def test_correct_host_passes_and_builds(module, cc, tmp_path):
    host = tmp_path / "host.c"
    host.write_text(HOST_OK)
    p = _w2c("check-host", str(module), str(host), "--cc", cc, "--std", "c99")
    assert (p.returncode, p.stderr) == (0, ""), p.stderr
    assert "5 imported functions defined as the module declares them" in p.stdout
    # and the compiler agrees: the same host builds against the real output
    c = _w2c("compile", str(module), "-o", str(tmp_path / "out" / "m.c"))
    assert c.returncode == 0, c.stderr
    b = subprocess.run([cc, "-std=c99", "-Wall", "-Wextra", "-Werror", f"-I{tmp_path / 'out'}",
                        str(tmp_path / "out" / "m.c"), str(host), "-o", str(tmp_path / "h"),
                        "-lm"], capture_output=True, text=True)
    assert b.returncode == 0, b.stderr


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_mistake_is_one_located_error(module, mistake, tmp_path):
    old, new, pattern = MISTAKES[mistake]
    assert old in HOST_OK
    host = tmp_path / "host.c"
    host.write_text(HOST_OK.replace(old, new))
    p = _w2c("check-host", str(module), str(host))
    lines = p.stderr.splitlines()
    assert p.returncode == 1 and len(lines) == 1, p.stderr
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in p.stderr


def test_host_without_the_header_is_checked_by_its_own_types(module, tmp_path):
    """A host file that does not include the module header (so the compiler
    cannot catch a wrong prototype): `long` is 64-bit on this ABI."""
    host = tmp_path / "host.c"
    host.write_text("void m_i_env__write(void *c, unsigned a, unsigned long b) "
                    "{ (void)c; (void)a; (void)b; }\n")
    p = _w2c("check-host", str(module), str(host))
    assert p.returncode == 1
    errors = p.stderr.splitlines()
    assert any(re.search(r'host\.c:1: import "env" "write": parameter 3 is unsigned long '
                         r'\(unsigned 64-bit integer\)', e) for e in errors), p.stderr
    assert sum("not defined" in e for e in errors) == 4, p.stderr


def test_imports_may_be_split_over_files(module, tmp_path):
    first, second = HOST_OK.split("float m_i_env__scale")
    (tmp_path / "a.c").write_text(first)
    (tmp_path / "b.c").write_text('#include "m.h"\nfloat m_i_env__scale' + second)
    p = _w2c("check-host", str(module), str(tmp_path / "a.c"), str(tmp_path / "b.c"))
    assert p.returncode == 0, p.stderr


def test_wasi_imports_are_not_the_hosts(wat2wasm, tmp_path):
    (tmp_path / "w.wasm").write_bytes(wat2wasm("""
      (module
        (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
        (import "env" "tick" (func (param i64)))
        (memory (export "memory") 1)
        (func (export "_start")))"""))
    host = tmp_path / "host.c"
    host.write_text('#include "w.h"\nvoid w_i_env__tick(void *ctx, uint32_t t) '
                    '{ (void)ctx; (void)t; }\n')
    p = _w2c("check-host", str(tmp_path / "w.wasm"), str(host))
    assert p.returncode == 1
    assert p.stderr.count("\n") == 1 and 'import "env" "tick": parameter 2 is uint32_t' \
        in p.stderr, p.stderr
    host.write_text(host.read_text().replace("uint32_t t", "uint64_t t"))
    p = _w2c("check-host", str(tmp_path / "w.wasm"), str(host))
    assert p.returncode == 0, p.stderr


def test_stubs_compile_link_and_pass(module, tmp_path):
    out = tmp_path / "out"
    p = _w2c("compile", str(module), "-o", str(out / "m.c"), "--host-stubs",
             str(out / "stubs.c"))
    assert p.returncode == 0, p.stderr
    main = tmp_path / "main.c"
    main.write_text('#include "m.h"\nint main(void) { static m_instance i; m_imports im; '
                    'W2C_MEMSET(&im, 0, sizeof im); return m_instantiate(&i, &im); }\n')
    b = subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", f"-I{out}",
                        str(out / "m.c"), str(out / "stubs.c"), str(main), "-o",
                        str(tmp_path / "exe"), "-lm"], capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    assert subprocess.run([str(tmp_path / "exe")]).returncode == 0
    p = _w2c("compile", str(module), "-o", str(out / "m.c"), "--check-host",
             str(out / "stubs.c"))
    assert (p.returncode, p.stderr) == (0, ""), p.stderr


def test_compile_check_host_reports_and_fails(module, tmp_path):
    host = tmp_path / "host.c"
    old, new, _ = MISTAKES["result"]
    host.write_text(HOST_OK.replace(old, new))
    p = _w2c("compile", str(module), "-o", str(tmp_path / "out" / "m.c"), "--check-host",
             str(host))
    assert p.returncode == 1
    assert re.search(r'^error: .*host\.c:8: import "env" "now": returns float', p.stderr), \
        p.stderr


def test_unpreprocessable_host_is_one_line(module, tmp_path):
    host = tmp_path / "host.c"
    host.write_text('#include "no_such_header.h"\n')
    p = _w2c("check-host", str(module), str(host))
    assert p.returncode == 1 and p.stderr.count("\n") == 1, p.stderr
    assert p.stderr.startswith("error: ") and "no_such_header.h" in p.stderr


def test_missing_host_file_is_a_usage_error(module, tmp_path):
    p = _w2c("check-host", str(module), str(tmp_path / "nope.c"))
    assert p.returncode == 2 and p.stderr.count("\n") == 1, p.stderr


EXAMPLES = [("hello", "hello.wasm", "1 imported function"),
            ("cmake-desktop", "plugin.wasm", "2 imported functions"),
            ("cmake-rpi", "greeter.wasm", "nothing to check")]   # WASI: includes greeter_wasi.h


@pytest.mark.parametrize("example, wasm, said", EXAMPLES)
def test_examples_hosts_match(repo_root, example, wasm, said):
    d = repo_root / "examples" / example
    p = _w2c("check-host", str(d / wasm), str(d / "main.c"))
    assert (p.returncode, p.stderr) == (0, ""), p.stderr
    assert said in p.stdout


def test_missing_compiler_is_one_line(module, tmp_path):
    host = tmp_path / "host.c"
    host.write_text(HOST_OK)
    p = _w2c("check-host", str(module), str(host), "--cc", "no-such-cc-w2c")
    assert p.returncode == 1 and p.stderr.count("\n") == 1, p.stderr
    assert "cannot run the C compiler 'no-such-cc-w2c'" in p.stderr
