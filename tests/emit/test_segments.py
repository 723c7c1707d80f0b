"""Segment initialisation from tables (w2c/emit/segments.py): a module with
50,000 data segments gives a data file that gcc -O2 builds in seconds and
little memory (the init is a table and a loop, not 100,000 statements), and
the loop keeps the spec's order: segments in order, constant and computed
(global.get, extended-const) offsets, two memories, element segments, and
an out-of-bounds segment that traps after the earlier ones wrote.

Modules are written with tests/support/wasmbin.py; the host programs are
built with gcc and clang under -Werror and compared with what Python
computes from the same segments.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import pytest

from tests.support import wasmbin as w
from w2c.emit import compile_module
from w2c.emit.segments import OFFSET_CHUNK

CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
MANY = 50_000
SECONDS, MEGABYTES = 10.0, 300     # issue 17: the data part of MANY segments under gcc -O2


def _blob(data: bytes) -> bytes:
    """A data segment's bytes: length, then the bytes."""
    return w.uleb(len(data)) + data


def many_segments(n: int, size: int = 16) -> bytes:
    """A module with one memory and n active data segments of `size` bytes
    at constant offsets, one after the other (as Go's toolchain writes them)."""
    segs = [b"\x00\x41" + w.sleb(k * size) + b"\x0b"
            + _blob(bytes((k * 7 + j) & 0xFF for j in range(size))) for k in range(n)]
    return w.module(w.section(w.MEMORY, w.vec([w.limits(-(-n * size >> 16) + 1)])),
                    w.section(w.EXPORT, w.vec([w.export("mem", w.EXT_MEMORY, 0)])),
                    w.section(w.DATA, w.vec(segs)))


# A child that runs a command and reports its own children's CPU time and
# peak memory, so the figures are gcc's alone (RUSAGE_CHILDREN of the test
# process would hold every compiler the session ran before).  CPU time, not
# wall time: on a loaded machine (CI, parallel tests) the wall clock
# measures the neighbours.
_MEASURE = """
import json, resource, subprocess, sys, time
t = time.monotonic()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.monotonic() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": p.returncode, "err": p.stderr[-2000:], "wall": wall,
                  "s": r.ru_utime + r.ru_stime, "kb": r.ru_maxrss}))
"""


def measured(cmd: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)


@pytest.mark.slow
def test_many_data_segments_build_fast(tmp_path):
    if shutil.which("gcc") is None:
        pytest.skip("gcc not found (apt-get install -y gcc)")
    t = time.monotonic()
    compile_module(many_segments(MANY), tmp_path / "m.c", "m", num_outputs=2)
    translate_s = time.monotonic() - t
    r = measured(["gcc", *CFLAGS, "-O2", "-c", str(tmp_path / "m_data.c"),
                  "-o", str(tmp_path / "m_data.o")])
    assert r["rc"] == 0, r["err"]
    print(f"translate {translate_s:.1f} s; gcc -O2 m_data.c: {r['s']:.2f} s CPU "
          f"({r['wall']:.1f} s wall), {r['kb'] / 1024:.0f} MB")
    assert r["s"] < SECONDS and r["kb"] < MEGABYTES * 1024
    assert longest_function((tmp_path / "m_data.c").read_text()) < 2 * OFFSET_CHUNK


def longest_function(c: str) -> int:
    """The most lines of one function definition in generated C."""
    longest = run = 0
    for line in c.splitlines():
        run = 0 if line.startswith("}") else run + 1 if run or line.endswith(") {") else 0
        longest = max(longest, run)
    return longest


# -- the order of initialisation ---------------------------------------------------------------

G = 1000                   # the imported global: computed offsets are G + 4k
NSEG = OFFSET_CHUNK + 44   # more computed offsets than one chunk function holds
NFUNC = 3


def order_module(trap: bool) -> bytes:
    """Imported memory 0 and global g, memory 1 of its own, a table; NSEG
    data segments into memory 0 at g+4k (extended const) interleaved with
    passive ones and with segments into memory 1 at 8k (constants); NSEG
    element segments at g+k; with `trap`, a segment past memory 0's end
    and one after it (which must not be written)."""
    datas = []
    for k in range(NSEG):
        at = b"\x23\x00\x41" + w.sleb(4 * k) + b"\x6a\x0b"
        datas.append(b"\x00" + at + _blob(bytes((k & 0xFF, 1, 2, 3))))
        datas.append(b"\x01" + _blob(b"\xee\xee"))
        datas.append(b"\x02\x01\x41" + w.sleb(8 * k) + b"\x0b" + _blob(bytes((k & 0xFF, 9))))
    if trap:
        datas.append(b"\x00\x41" + w.sleb(65535) + b"\x0b" + _blob(b"\x05\x06"))
        datas.append(b"\x00\x41\x00\x0b" + _blob(b"\x77"))
    elems = [b"\x00\x23\x00\x41" + w.sleb(k) + b"\x6a\x0b" + w.vec([w.uleb(k % NFUNC)])
             for k in range(NSEG)]
    call = b"\x20\x00\x11\x00\x00\x0b"   # local.get 0; call_indirect (type 0) table 0
    bodies = [w.func_body(b"\x41" + w.sleb(100 + i) + b"\x0b") for i in range(NFUNC)]
    return w.module(
        w.section(w.TYPE, w.vec([w.functype([], [w.I32]), w.functype([w.I32], [w.I32])])),
        w.section(w.IMPORT, w.vec([w.import_("env", "mem", w.EXT_MEMORY, w.limits(1)),
                                   w.import_("env", "g", w.EXT_GLOBAL, bytes((w.I32, 0)))])),
        w.section(w.FUNCTION, w.vec([w.uleb(0)] * NFUNC + [w.uleb(1)])),
        w.section(w.TABLE, w.vec([b"\x70" + w.limits(G + NSEG)])),
        w.section(w.MEMORY, w.vec([w.limits(1)])),
        w.section(w.EXPORT, w.vec([w.export("m1", w.EXT_MEMORY, 1),
                                   w.export("call", w.EXT_FUNC, NFUNC)])),
        w.section(w.ELEMENT, w.vec(elems)),
        w.code_section(bodies + [w.func_body(call)]),
        w.section(w.DATA, w.vec(datas)))


HOST_C = r"""
#include "ds.h"

#include <inttypes.h>
#include <stdio.h>

static uint32_t hash(const uint8_t *p, uint32_t n) {
  uint32_t h = 0, i;
  for (i = 0; i < n; i++) h = h * 31u + p[i];
  return h;
}

int main(void) {
  static ds_instance inst;
  static w2c_memory mem;
  ds_imports imports;
  uint32_t g = G_u, h = 0, i;
  int rc;
  if (w2c_memory_alloc(&mem, 1, UINT64_MAX, 16) != 0) return 2;
  W2C_MEMSET(&imports, 0, sizeof imports);
  imports.mem_env__mem = &mem;
  imports.global_env__g = &g;
  rc = ds_instantiate(&inst, &imports);
  printf("%s %" PRIu32 "\n", rc == 0 ? "ok" : rc == W2C_TRAP_OOB_MEMORY ? "oob" : "other",
         hash(mem.data, 65536));
  if (rc == 0) {
    printf("%" PRIu32 "\n", hash(ds_x_m1(&inst)->data, 65536));
    for (i = 0; i < NSEG_u; i++) h = h * 31u + ds_x_call(&inst, g + i);
    printf("%" PRIu32 "\n", h);
  }
  ds_free(&inst);
  w2c_memory_free(&mem);
  return 0;
}
""".replace("NSEG_u", f"{NSEG}u").replace("G_u", f"{G}u")


def _hash(data: bytes | bytearray, h: int = 0) -> int:
    for b in data:
        h = (h * 31 + b) & 0xFFFFFFFF
    return h


def expected(trap: bool) -> str:
    m0, m1 = bytearray(65536), bytearray(65536)
    for k in range(NSEG):
        m0[G + 4 * k:G + 4 * k + 4] = bytes((k & 0xFF, 1, 2, 3))
        m1[8 * k:8 * k + 2] = bytes((k & 0xFF, 9))
    if trap:
        return f"oob {_hash(m0)}\n"
    calls = 0
    for k in range(NSEG):
        calls = (calls * 31 + 100 + k % NFUNC) & 0xFFFFFFFF
    return f"ok {_hash(m0)}\n{_hash(m1)}\n{calls}\n"


@pytest.mark.parametrize("trap", [False, True], ids=["fits", "traps"])
@pytest.mark.parametrize("num_outputs", [1, 2])
def test_segments_in_order(tmp_path, cc, trap, num_outputs):
    compile_module(order_module(trap), tmp_path / "ds.c", "ds", num_outputs=num_outputs)
    (tmp_path / "host.c").write_text(HOST_C)
    sources = sorted(str(p) for p in tmp_path.glob("ds*.c"))
    exe = tmp_path / "host"
    b = subprocess.run([cc, *CFLAGS, "-O2", f"-I{tmp_path}", *sources, str(tmp_path / "host.c"),
                        "-o", str(exe), "-lm"], capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    p = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert (p.returncode, p.stdout, p.stderr) == (0, expected(trap), "")


def test_generated_c_has_no_segment_statements(tmp_path):
    """The skeleton holds one table line per segment and no statement per segment."""
    compile_module(order_module(False), tmp_path / "ds.c", "ds")
    c = (tmp_path / "ds.c").read_text()
    assert c.count("_memory_init(inst, ") == 1 and c.count("_table_init(inst, ") == 1
    assert "ds_data_offset1(" in c and "ds_elem_offset1(" in c
    assert 0 < longest_function(c) < 2 * OFFSET_CHUNK


# -- other per-module-size code: globals and function imports ------------------------------------

NGLOBAL = 2 * OFFSET_CHUNK + 5
NIMPORT = OFFSET_CHUNK + 3


def globals_module() -> bytes:
    """NIMPORT imported functions (two module names) and NGLOBAL globals,
    global k = imported global 0 + k (extended const);
    exports the last global and a function calling the last import."""
    imports = [w.import_("env", "g", w.EXT_GLOBAL, bytes((w.I32, 0)))]
    imports += [w.import_func("env" if k % 2 else "ext", f"f{k}", 0) for k in range(NIMPORT)]
    globs = [bytes((w.I32, 0)) + b"\x23\x00\x41" + w.sleb(k) + b"\x6a\x0b"
             for k in range(1, NGLOBAL)]
    call = b"\x20\x00\x10" + w.uleb(NIMPORT - 1) + b"\x0b"
    return w.module(
        w.section(w.TYPE, w.vec([w.functype([w.I32], [w.I32])])),
        w.section(w.IMPORT, w.vec(imports)),
        w.section(w.FUNCTION, w.vec([w.uleb(0)])),
        w.section(w.GLOBAL, w.vec(globs)),
        w.section(w.EXPORT, w.vec([w.export("last", w.EXT_GLOBAL, NGLOBAL - 1),
                                   w.export("call", w.EXT_FUNC, NIMPORT)])),
        w.code_section([w.func_body(call)]))


GLOBALS_HOST_C = r"""
#include "gl.h"

#include <inttypes.h>
#include <stdio.h>

static void *seen;
uint32_t gl_i_MOD__fLAST(void *ctx, uint32_t x) { seen = ctx; return x + 1u; }

int main(void) {
  static gl_instance inst;
  gl_imports imports;
  int env, ext;
  uint32_t g = 5u, r;
  W2C_MEMSET(&imports, 0, sizeof imports);
  imports.ctx_env = &env;
  imports.ctx_ext = &ext;
  imports.global_env__g = &g;
  if (gl_instantiate(&inst, &imports) != 0) return 2;
  r = gl_x_call(&inst, 41u);
  printf("%" PRIu32 " %" PRIu32 " %d\n", *gl_x_last(&inst), r, seen == (void *)&MOD);
  gl_free(&inst);
  return 0;
}
"""


def test_globals_and_imports_in_small_functions(tmp_path, cc):
    compile_module(globals_module(), tmp_path / "gl.c", "gl")
    c = (tmp_path / "gl.c").read_text()
    assert 0 < longest_function(c) < 2 * OFFSET_CHUNK + 10
    mod = "env" if (NIMPORT - 1) % 2 else "ext"
    host = GLOBALS_HOST_C.replace("LAST", str(NIMPORT - 1)).replace("MOD", mod)
    # Every other import needs a definition to link: all but the one called return x.
    others = "".join(f"uint32_t gl_i_{'env' if k % 2 else 'ext'}__f{k}(void *c, uint32_t x) "
                     f"{{ (void)c; return x; }}\n" for k in range(NIMPORT - 1))
    (tmp_path / "host.c").write_text(host + others)
    exe = tmp_path / "host"
    b = subprocess.run([cc, *CFLAGS, "-O1", f"-I{tmp_path}", str(tmp_path / "gl.c"),
                        str(tmp_path / "host.c"), "-o", str(exe), "-lm"],
                       capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    p = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert (p.returncode, p.stdout) == (0, f"{5 + NGLOBAL - 1} 42 1\n")
