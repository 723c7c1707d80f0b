"""Embedding a WASI program from C: `w2c compile --wasi` writes m_wasi.h/.c and
the embedder sets up argv, environment, preopens and stdio itself."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

PROGRAM = r"""
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  FILE *f = fopen("/box/out.txt", "w");
  if (!f) { perror("fopen"); return 3; }
  fprintf(f, "%s|%s|%d", argv[1], getenv("GREETING"), argc);
  fclose(f);
  puts("written");
  return 5;
}
"""

HOST = r"""
#include "prog_wasi.h"
#include <stdio.h>

static int exit_code = -1;
static jmp_buf done;
static void on_exit_hook(uint32_t code) { exit_code = (int)code; longjmp(done, 1); }

int main(int argc, char **argv) {
  static prog_instance inst;
  static prog_wasi w;
  const char *args[] = {"prog", "hello"};
  const char *envp[] = {"GREETING=hi", NULL};
  const char *hosts[] = {argv[1]}, *guests[] = {"/box"};
  w2c_wasi_config cfg = {2, args, envp, 1, hosts, guests, 0, 1, 2};
  int rc;
  (void)argc;
  rc = prog_wasi_instantiate(&w, &inst, &cfg);
  if (rc != 0) { printf("instantiate: %d\n", rc); return 1; }
  w.wasi.exit_hook = on_exit_hook;
  if (setjmp(done) == 0) prog_wasi_start(&w);
  printf("exit %d\n", exit_code);
  prog_wasi_free(&w);
  return 0;
}
"""


def _clang_wasi() -> str | None:
    clang = shutil.which("clang")
    if not clang:
        return None
    probe = subprocess.run([clang, "--target=wasm32-wasi", "-x", "c", "-", "-o", "/dev/null"],
                           input="int main(void){return 0;}", capture_output=True, text=True)
    return clang if probe.returncode == 0 else None


def test_embedder_runs_wasi_program(tmp_path):
    clang = _clang_wasi()
    if clang is None:
        pytest.skip("clang --target=wasm32-wasi not available (Debian: clang lld wasi-libc "
                    "libclang-rt-14-dev-wasm32)")
    (tmp_path / "prog.c").write_text(PROGRAM)
    wasm = tmp_path / "prog.wasm"
    subprocess.run([clang, "--target=wasm32-wasi", "-O2", "-Wl,--strip-all",
                    str(tmp_path / "prog.c"), "-o", str(wasm)], check=True)
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "w2c", "compile", "--wasi", str(wasm),
                        "-o", str(out / "prog.c"), "-n", "prog"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (out / "prog_wasi.h").is_file() and (out / "prog_wasi.c").is_file()
    (out / "host.c").write_text(HOST)
    exe = tmp_path / "host"
    b = subprocess.run(["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", f"-I{out}",
                        str(out / "prog.c"), str(out / "prog_wasi.c"), str(out / "host.c"),
                        "-o", str(exe), "-lm"], capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    box = tmp_path / "box"
    box.mkdir()
    run = subprocess.run([str(exe), str(box)], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["written", "exit 5"]
    assert (box / "out.txt").read_text() == "hello|hi|2"


MIXED_WAT = """
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "report" (func $report (param i32 i64)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $report (i32.const 7) (i64.const 0x100000000))
    (call $exit (i32.const 3))))
"""

MIXED_HOST = r"""
#include "m_wasi.h"
#include <inttypes.h>
#include <stdio.h>

static int marker, exit_code = -1;
static jmp_buf done;
static void on_exit_hook(uint32_t code) { exit_code = (int)code; longjmp(done, 1); }

void m_i_env__report(void *ctx, uint32_t a, uint64_t b) {
  printf("report %" PRIu32 " %" PRIu64 " %d\n", a, b, ctx == &marker);
}

int main(void) {
  static m_instance inst;
  static m_wasi w;
  m_imports host;
  const char *args[] = {"m"};
  const char *envp[] = {NULL};
  w2c_wasi_config cfg = {1, args, envp, 0, NULL, NULL, 0, 1, 2};
  int rc;
  W2C_MEMSET(&host, 0, sizeof host);
  host.ctx_env = &marker;
  rc = m_wasi_instantiate_with(&w, &inst, &cfg, &host);
  if (rc != 0) { printf("instantiate: %d\n", rc); return 1; }
  w.wasi.exit_hook = on_exit_hook;
  if (setjmp(done) == 0) m_wasi_start(&w);
  printf("exit %d\n", exit_code);
  m_wasi_free(&w);
  return 0;
}
"""


def test_wasi_glue_takes_the_hosts_other_imports(tmp_path, wat2wasm):
    """A WASI module that also imports from the host (env.report): the glue
    binds the WASI imports and takes the rest from the embedder's imports
    struct; `w2c check-host` checks the host's part only."""
    wasm = tmp_path / "m.wasm"
    wasm.write_bytes(wat2wasm(MIXED_WAT))
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "w2c", "compile", "--wasi", str(wasm),
                        "-o", str(out / "m.c")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    (out / "host.c").write_text(MIXED_HOST)
    exe = tmp_path / "host"
    b = subprocess.run(["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", f"-I{out}",
                        str(out / "m.c"), str(out / "m_wasi.c"), str(out / "host.c"),
                        "-o", str(exe), "-lm"], capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=30)
    assert (run.returncode, run.stdout) == (0, "report 7 4294967296 1\nexit 3\n"), run.stderr
    c = subprocess.run([sys.executable, "-m", "w2c", "check-host", str(wasm),
                        str(out / "host.c")], capture_output=True, text=True)
    assert (c.returncode, c.stderr) == (0, ""), c.stderr
    assert "1 imported function defined" in c.stdout


def test_wasi_program_build_rejects_other_imports(tmp_path, wat2wasm):
    """`w2c build` (and run) make a whole program: nobody defines env.f."""
    wasm = tmp_path / "m.wasm"
    wasm.write_bytes(wat2wasm('(module (import "wasi_snapshot_preview1" "sched_yield" '
                              '(func (result i32))) (import "env" "f" (func)))'))
    r = subprocess.run([sys.executable, "-m", "w2c", "build", str(wasm),
                        "-o", str(tmp_path / "out" / "m")], capture_output=True, text=True)
    assert r.returncode == 1
    assert "unknown import: env.f" in r.stderr
    assert not (tmp_path / "out").exists()
