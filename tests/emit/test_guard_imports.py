"""Imported memories and guard pages: a module built with guard pages (the
default on 64-bit Linux) emits no bounds compare, so it must refuse an
imported memory whose out-of-bounds accesses would not fault.  Such a memory
is made by a host file that got the portable configuration (malloc +
explicit checks) because it included a C library header before the module
header under -std=c99, or that was built with W2C_NO_GUARD_DEFAULT, or that
hands in a buffer of its own.  Each is refused with W2C_ERR_IMPORT; a memory
the host allocates with the same configuration is accepted and an
out-of-bounds load through it traps.  Real gcc and clang, -Werror."""
from __future__ import annotations

import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
RUN_TIMEOUT = 60

WAT = """
(module
  (import "env" "mem" (memory 1))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))
"""

# {first}: what comes before the module header; {alloc}: how the memory is
# made.  Prints the instantiate result, then (if accepted) a load in bounds
# and one past the end, which must trap.
HOST_C = r"""
{first}
#include "gi.h"
#include <stdio.h>

static uint8_t buf[65536 * 2];

int main(void) {{
  static gi_instance inst;
  static w2c_memory mem;
  gi_imports imports;
  w2c_trap trap = W2C_TRAP_NONE;
  int rc;
  (void)buf;
  if ({alloc} != 0) return 2;
  W2C_MEMSET(&imports, 0, sizeof imports);
  imports.mem_env__mem = &mem;
  rc = gi_instantiate(&inst, &imports);
  printf("instantiate %s\n", rc == 0 ? "ok" : rc == W2C_ERR_IMPORT ? "import" : "other");
  if (rc == 0) {{
    mem.data[8] = 42;
    printf("load %u\n", (unsigned)gi_x_load(&inst, 8));
    W2C_TRY_STMT(trap, gi_x_load(&inst, 65535));
    printf("trap %d\n", trap == W2C_TRAP_OOB_MEMORY);
  }}
  gi_free(&inst);
  w2c_memory_free(&mem);
  return 0;
}}
"""

ALLOC = "w2c_memory_alloc(&mem, 1, UINT64_MAX, 16)"
USE_STATIC = "w2c_memory_use_static(&mem, buf, sizeof buf, 1, UINT64_MAX, 16)"
ACCEPTED = "instantiate ok\nload 42\ntrap 1\n"
REFUSED = "instantiate import\n"

CASES = {
    # host includes the module header first: same configuration (guard pages)
    "same-config": ("", ALLOC, ACCEPTED),
    # a C library header first under -std=c99 hides mmap: malloc + explicit
    "libc-header-first": ("#include <string.h>", ALLOC, REFUSED),
    # the host asks for the portable configuration
    "no-guard-default": ("#define W2C_NO_GUARD_DEFAULT 1", ALLOC, REFUSED),
    # the host's own buffer (only possible without guard pages)
    "user-buffer": ("#define W2C_NO_GUARD_DEFAULT 1", USE_STATIC, REFUSED),
}


@pytest.fixture(scope="module")
def module_c(wat2wasm, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gi")
    (out / "gi.wasm").write_bytes(wat2wasm(WAT))
    p = subprocess.run([sys.executable, "-m", "w2c", "compile", str(out / "gi.wasm"),
                        "-o", str(out / "gi.c")], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return out


@pytest.mark.skipif(not (sys.platform == "linux" and platform.machine() in ("x86_64", "aarch64")),
                    reason="guard pages are the default only on 64-bit Linux/macOS hosts")
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_imported_memory_must_be_guarded(module_c, cc, case, tmp_path):
    if shutil.which(cc) is None:
        pytest.skip(f"{cc} not found (apt-get install -y {cc})")
    first, alloc, expected = CASES[case]
    host = tmp_path / "host.c"
    host.write_text(HOST_C.format(first=first, alloc=alloc))
    exe = tmp_path / "host"
    b = subprocess.run([cc, *CFLAGS, "-O2", f"-I{module_c}", str(module_c / "gi.c"), str(host),
                        "-o", str(exe), "-lm"], capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    p = subprocess.run([str(exe)], capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert (p.returncode, p.stdout, p.stderr) == (0, expected, "")
