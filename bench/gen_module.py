"""A large, valid, deterministic WebAssembly module for the decode benchmark.

    python -m bench.gen_module -o big.wasm [--size MB] [--seed N] [--check]

The module is emitted directly in the binary format (no assembler needed, so
10 MB take seconds rather than the minutes a 100 MB .wat would), shaped like
compiler output: a few hundred to many thousand functions whose bodies mix
arithmetic on all four number types, locals, globals, loads and stores with
varied alignments and offsets, nested block/loop/if, br/br_if/br_table,
multi-value blocks, direct calls, call_indirect through a table, select,
conversions, bulk memory and some SIMD; plus imports, exports, data and
element segments and a name section.  The same (size, seed) gives the same
bytes on every machine.  --check validates the result with
`wasm-tools validate --features wasm2` when wasm-tools is installed.
"""
from __future__ import annotations

import argparse
import random
import struct
import subprocess
import sys
from pathlib import Path

from tests.support.wasmbin import find_wasm_tools, name, section, sleb, uleb, vec

VERSION = 1          # bump when the output for a given (size, seed) changes

I32, I64, F32, F64, V128, FUNCREF = 0x7F, 0x7E, 0x7D, 0x7C, 0x7B, 0x70
NUM = (I32, I64, F32, F64)


# Opcodes, by operand types.  (code, natural alignment log2) for memory ops.
BINOPS = {I32: range(0x6A, 0x79), I64: range(0x7C, 0x8B),
          F32: range(0x92, 0x99), F64: range(0xA0, 0xA7)}
UNOPS = {I32: (0x67, 0x68, 0x69, 0xC0, 0xC1), I64: (0x79, 0x7A, 0x7B, 0xC2, 0xC3, 0xC4),
         F32: range(0x8B, 0x92), F64: range(0x99, 0xA0)}
COMPARE = {I32: range(0x46, 0x50), I64: range(0x51, 0x5B),       # t t -> i32
           F32: range(0x5B, 0x61), F64: range(0x61, 0x67)}
EQZ = {I32: 0x45, I64: 0x50}
# (result type) -> [(opcode bytes, operand type)]
CONVERT = {
    I32: [(b"\xa7", I64), (b"\xa8", F32), (b"\xaa", F64), (b"\xbc", F32),
          (b"\xfc\x00", F32), (b"\xfc\x02", F64), (b"\xfc\x03", F64)],
    I64: [(b"\xac", I32), (b"\xad", I32), (b"\xbd", F64), (b"\xfc\x06", F64),
          (b"\xfc\x05", F32), (b"\xae", F32)],
    F32: [(b"\xb2", I32), (b"\xb3", I32), (b"\xb4", I64), (b"\xb6", F64), (b"\xbe", I32)],
    F64: [(b"\xb7", I32), (b"\xb9", I64), (b"\xbb", F32), (b"\xbf", I64), (b"\xba", I64)],
}
LOADS = {I32: [(0x28, 2), (0x2C, 0), (0x2D, 0), (0x2E, 1), (0x2F, 1)],
         I64: [(0x29, 3), (0x30, 0), (0x31, 0), (0x32, 1), (0x33, 1), (0x34, 2), (0x35, 2)],
         F32: [(0x2A, 2)], F64: [(0x2B, 3)]}
STORES = {I32: [(0x36, 2), (0x3A, 0), (0x3B, 1)],
          I64: [(0x37, 3), (0x3C, 0), (0x3D, 1), (0x3E, 2)],
          F32: [(0x38, 2)], F64: [(0x39, 3)]}
SIMD_BINOPS = (78, 80, 81, 110, 113, 142, 145, 174, 177, 181, 206, 209, 228, 229, 230, 240)
SIMD_SPLAT = {I32: 17, F32: 19, I64: 18, F64: 20}
SIMD_EXTRACT = {I32: 27, F32: 31}     # lanes 0..3

MEM_MASK = 0xFFF0        # addresses stay in the first page (loads must not trap at run time)
N_DATA_ACTIVE = 8
N_DATA_PASSIVE = 2


class Gen:
    def __init__(self, size: int, seed: int, simd: bool = True,
                 budgets: tuple[int, ...] = (3, 6, 10, 20, 40, 80), min_funcs: int = 0,
                 wasi: bool = False):
        self.allow_simd = simd
        self.wasi = wasi                # a WASI program: see generate()
        self.budgets = budgets          # statements per function, picked at random
        self.min_funcs = min_funcs
        self.rng = random.Random(f"w2c-bench-module-v{VERSION}:{seed}")
        self.target = size
        rng = self.rng
        # Function signatures: mostly few i32 params, 0 or 1 result, some multi-value.
        self.types: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
        self.type_index: dict = {}
        for _ in range(48):
            params = tuple(rng.choices(NUM, (6, 2, 1, 1))[0] for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4, 6))))
            r = rng.random()
            results = () if r < 0.3 else (rng.choices(NUM, (6, 2, 1, 1))[0],) if r < 0.93 else \
                (I32, rng.choice(NUM))
            self.type_of((params, results))
        self.mv_block = self.type_of(((), (I32, I32)))          # multi-value block type
        # Imports: functions then one immutable global.
        self.imports: list[tuple[str, int]] = []
        if wasi:
            i32_i32 = self.type_of(((I32,), (I32,)))
            self.imports = [(n, i32_i32) for n in ("fd_close", "fd_sync", "fd_datasync")]
        for i in range(0 if wasi else 10):
            self.imports.append((f"host_{i}", rng.randrange(len(self.types))))
        self.n_imported = len(self.imports)
        # Globals: the imported one (index 0, i32, immutable) then defined ones.
        self.globals: list[tuple[int, bool]] = [(I32, False)]
        for i in range(24):
            self.globals.append((NUM[i % 4], i % 5 != 4))
        self.func_sigs: list[int] = [t for _, t in self.imports]   # type index of each function
        self.by_result: dict[tuple, list[int]] = {}
        for f, t in enumerate(self.func_sigs):
            self.by_result.setdefault(self.types[t][1], []).append(f)
        self.bodies: list[bytes] = []

    def type_of(self, sig) -> int:
        if sig not in self.type_index:
            self.type_index[sig] = len(self.types)
            self.types.append(sig)
        return self.type_index[sig]

    # -- one function -----------------------------------------------------------
    def function(self) -> None:
        rng = self.rng
        tidx = rng.randrange(len(self.types) - 1)            # not the multi-value block type
        params, results = self.types[tidx]
        decls = [(rng.randrange(1, 4), rng.choices(NUM, (5, 2, 1, 1))[0])
                 for _ in range(rng.randrange(0, 6))]
        decls.append((2, I32))                               # loop counters and scratch
        self.locals = list(params) + [t for n, t in decls for _ in range(n)]
        self.locals_by = {t: [i for i, lt in enumerate(self.locals) if lt == t] for t in NUM}
        self.results = results
        self.labels: list[tuple[int, ...]] = []              # branch types, innermost last
        self.simd = self.allow_simd and rng.random() < 0.15
        out = bytearray()
        out += vec([uleb(n) + bytes([t]) for n, t in decls])
        budget = rng.choice(self.budgets)
        self.stmts(out, budget, 0)
        for t in results:
            self.expr(out, t, 0)
        out.append(0x0B)
        self.bodies.append(uleb(len(out)) + bytes(out))
        f = len(self.func_sigs)
        self.func_sigs.append(tidx)
        self.by_result.setdefault(results, []).append(f)

    def memarg(self, out: bytearray, natural: int) -> None:
        rng = self.rng
        out += uleb(rng.randrange(natural + 1) if rng.random() < 0.3 else natural)
        out += uleb(rng.choice((0, 0, 0, 4, 8, 16, 64, 256, 1024)))

    def address(self, out: bytearray, depth: int) -> None:
        rng = self.rng
        if rng.random() < 0.4 or depth > 3:
            out += b"\x41" + sleb(rng.randrange(0, 4096) & ~7)
        else:
            self.expr(out, I32, depth + 1)
            out += b"\x41" + sleb(MEM_MASK) + b"\x71"            # i32.and

    def const(self, out: bytearray, t: int) -> None:
        rng = self.rng
        if t == I32:
            out += b"\x41" + sleb(rng.choice((0, 1, 2, 8, 255, -1, rng.randrange(-2**31, 2**31))))
        elif t == I64:
            out += b"\x42" + sleb(rng.choice((0, 1, -1, rng.randrange(-2**63, 2**63))))
        elif t == F32:
            out += b"\x43" + struct.pack("<f", rng.choice((0.0, 1.0, 0.5, rng.uniform(-1e6, 1e6))))
        else:
            out += b"\x44" + struct.pack("<d", rng.choice((0.0, 1.0, -2.5, rng.uniform(-1e9, 1e9))))

    def expr(self, out: bytearray, t: int, depth: int) -> None:
        """Code that pushes exactly one value of type t."""
        rng = self.rng
        if depth >= 5:
            r = rng.random()
            if r < 0.6 and self.locals_by[t]:
                out += b"\x20" + uleb(rng.choice(self.locals_by[t]))
            elif r < 0.7:
                g = [i for i, (gt, _) in enumerate(self.globals) if gt == t]
                out += b"\x23" + uleb(rng.choice(g))
            else:
                self.const(out, t)
            return
        k = rng.random()
        d = depth + 1
        if k < 0.20 and self.locals_by[t]:
            out += b"\x20" + uleb(rng.choice(self.locals_by[t]))
        elif k < 0.28:
            self.const(out, t)
        elif k < 0.50:
            self.expr(out, t, d)
            self.expr(out, t, d)
            out.append(rng.choice(BINOPS[t]))
        elif k < 0.55:
            self.expr(out, t, d)
            out.append(rng.choice(UNOPS[t]))
        elif k < 0.62:
            if t == I32:
                ot = rng.choice(NUM)
                self.expr(out, ot, d)
                if ot in EQZ and rng.random() < 0.3:
                    out.append(EQZ[ot])
                else:
                    self.expr(out, ot, d)
                    out.append(rng.choice(COMPARE[ot]))
            else:
                code, ot = rng.choice(CONVERT[t])
                self.expr(out, ot, d)
                out += code
        elif k < 0.70:
            code, natural = rng.choice(LOADS[t])
            self.address(out, d)
            out.append(code)
            self.memarg(out, natural)
        elif k < 0.76:
            callees = self.by_result.get((t,))
            if callees:
                f = callees[-1 - min(rng.randrange(40), len(callees) - 1)]   # recent ones
                self.args(out, self.func_sigs[f], d)
                out += b"\x10" + uleb(f)
            else:
                self.const(out, t)
        elif k < 0.79:
            tidx = self.type_of(((I32,) * rng.randrange(3), (t,)))
            self.args(out, tidx, d)
            self.address(out, d)                                   # the table slot
            out += b"\x11" + uleb(tidx) + b"\x00"
        elif k < 0.83:
            self.expr(out, t, d)
            self.expr(out, t, d)
            self.expr(out, I32, d)
            out += b"\x1b" if rng.random() < 0.7 else b"\x1c\x01" + bytes([t])
        elif k < 0.87:                                             # if with a result
            self.expr(out, I32, d)
            out += b"\x04" + bytes([t])
            self.labels.append((t,))
            self.stmts(out, rng.randrange(2), d)
            self.expr(out, t, d)
            out.append(0x05)
            self.stmts(out, rng.randrange(2), d)
            self.expr(out, t, d)
            self.labels.pop()
            out.append(0x0B)
        elif k < 0.91:                                             # block with a result
            out += b"\x02" + bytes([t])
            self.labels.append((t,))
            self.stmts(out, rng.randrange(1, 4), d)
            self.expr(out, t, d)
            self.labels.pop()
            out.append(0x0B)
        elif k < 0.93 and t == I32:                                # multi-value block
            out += b"\x02" + sleb(self.mv_block)
            self.labels.append((I32, I32))
            self.stmts(out, rng.randrange(2), d)
            self.expr(out, I32, d)
            self.expr(out, I32, d)
            self.labels.pop()
            out += b"\x0b" + bytes([rng.choice(BINOPS[I32])])
        elif k < 0.95 and self.locals_by[t]:
            self.expr(out, t, d)
            out += b"\x22" + uleb(rng.choice(self.locals_by[t]))      # local.tee
        elif k < 0.97 and self.simd and t in SIMD_EXTRACT:
            self.vexpr(out, d)
            out += b"\xfd" + uleb(SIMD_EXTRACT[t]) + bytes([rng.randrange(4)])
        elif k < 0.98 and t == I32:
            out += b"\x3f\x00"                                     # memory.size
        else:
            g = [i for i, (gt, _) in enumerate(self.globals) if gt == t]
            out += b"\x23" + uleb(rng.choice(g))

    def vexpr(self, out: bytearray, depth: int) -> None:
        rng = self.rng
        r = rng.random()
        if r < 0.4 or depth > 4:
            self.address(out, depth + 1)
            out += b"\xfd\x00"
            self.memarg(out, 4)
        elif r < 0.6:
            t = rng.choice(tuple(SIMD_SPLAT))
            self.expr(out, t, depth + 1)
            out += b"\xfd" + uleb(SIMD_SPLAT[t])
        else:
            self.vexpr(out, depth + 1)
            self.vexpr(out, depth + 1)
            out += b"\xfd" + uleb(rng.choice(SIMD_BINOPS))

    def args(self, out: bytearray, tidx: int, depth: int) -> None:
        for p in self.types[tidx][0]:
            self.expr(out, p, depth)

    def stmts(self, out: bytearray, n: int, depth: int) -> None:
        for _ in range(n):
            self.stmt(out, depth)

    def stmt(self, out: bytearray, depth: int) -> None:
        """Code with no net effect on the stack."""
        rng = self.rng
        d = depth + 1
        k = rng.random() if depth < 4 else rng.random() * 0.45
        if k < 0.22:
            t = rng.choices(NUM, (5, 2, 1, 1))[0]
            if self.locals_by[t]:
                self.expr(out, t, d)
                out += b"\x21" + uleb(rng.choice(self.locals_by[t]))
            else:
                self.expr(out, t, d)
                out.append(0x1A)
        elif k < 0.35:
            t = rng.choices(NUM, (5, 2, 1, 1))[0]
            code, natural = rng.choice(STORES[t])
            self.address(out, d)
            self.expr(out, t, d)
            out.append(code)
            self.memarg(out, natural)
        elif k < 0.40:
            g = [i for i, (_, mut) in enumerate(self.globals) if mut]
            gi = rng.choice(g)
            self.expr(out, self.globals[gi][0], d)
            out += b"\x24" + uleb(gi)
        elif k < 0.45:
            f = len(self.func_sigs) - 1 - rng.randrange(min(60, len(self.func_sigs)))
            tidx = self.func_sigs[f]
            self.args(out, tidx, d)
            out += b"\x10" + uleb(f)
            out += b"\x1a" * len(self.types[tidx][1])
        elif k < 0.58:                                          # if / else
            self.expr(out, I32, d)
            out += b"\x04\x40"
            self.labels.append(())
            self.stmts(out, rng.randrange(1, 4), d)
            if rng.random() < 0.5:
                out.append(0x05)
                self.stmts(out, rng.randrange(1, 3), d)
            self.labels.pop()
            out.append(0x0B)
        elif k < 0.68:                                          # block with early exits
            out += b"\x02\x40"
            self.labels.append(())
            for _ in range(rng.randrange(1, 4)):
                self.stmt(out, d)
                self.br_if(out, d)
            if rng.random() < 0.2:                              # br, then end
                empty = [i for i, types in enumerate(reversed(self.labels)) if not types]
                out += b"\x0c" + uleb(rng.choice(empty))
            self.labels.pop()
            out.append(0x0B)
        elif k < 0.78:                                          # counted loop
            c = rng.choice(self.locals_by[I32][-2:])
            out += b"\x41" + sleb(rng.randrange(1, 100)) + b"\x21" + uleb(c)
            out += b"\x03\x40"
            self.labels.append(())
            self.stmts(out, rng.randrange(1, 4), d)
            out += b"\x20" + uleb(c) + b"\x41\x01\x6b\x22" + uleb(c) + b"\x0d\x00"
            self.labels.pop()
            out.append(0x0B)
        elif k < 0.84:                                          # switch: br_table
            n = rng.randrange(2, 6)
            for _ in range(n):
                out += b"\x02\x40"
                self.labels.append(())
            self.expr(out, I32, d)
            targets = [rng.randrange(n) for _ in range(rng.randrange(1, 12))]
            out += b"\x0e" + vec([uleb(x) for x in targets]) + uleb(rng.randrange(n))
            for _ in range(n):
                out.append(0x0B)
                self.labels.pop()
                self.stmt(out, d + 2)
        elif k < 0.88:
            self.br_if(out, d)
        elif k < 0.92:                                          # bulk memory
            self.address(out, d)
            r = rng.random()
            if r < 0.4:
                self.expr(out, I32, d + 2)
                out += b"\x41" + sleb(rng.randrange(64)) + b"\xfc\x0b\x00"      # memory.fill
            elif r < 0.8:
                self.address(out, d)
                out += b"\x41" + sleb(rng.randrange(64)) + b"\xfc\x0a\x00\x00"  # memory.copy
            else:
                out += b"\x41\x00\x41" + sleb(rng.randrange(8))
                out += b"\xfc\x08" + uleb(N_DATA_ACTIVE + rng.randrange(N_DATA_PASSIVE)) + b"\x00"
        elif k < 0.95 and self.simd:
            self.address(out, d)
            self.vexpr(out, d)
            out += b"\xfd\x0b"
            self.memarg(out, 4)
        elif k < 0.97:                                          # early return
            out += b"\x41" + sleb(rng.randrange(3)) + b"\x04\x40"
            self.labels.append(())
            for t in self.results:
                self.expr(out, t, d)
            out += b"\x0f\x0b"
            self.labels.pop()
        else:
            self.expr(out, rng.choice(NUM), d)
            out.append(0x1A)

    def br_if(self, out: bytearray, depth: int) -> None:
        if not self.labels:
            return
        rng = self.rng
        lab = rng.randrange(len(self.labels))
        types = self.labels[-1 - lab]
        for t in types:
            self.expr(out, t, depth + 1)
        self.expr(out, I32, depth + 1)
        out += b"\x0d" + uleb(lab)
        out += b"\x1a" * len(types)

    # -- the module --------------------------------------------------------------------
    def build(self) -> bytes:
        rng = self.rng
        code_size = 0
        while code_size < self.target or len(self.bodies) < self.min_funcs:
            self.function()
            code_size += len(self.bodies[-1])
        if self.wasi:   # `_start`, doing nothing
            self.func_sigs.append(self.type_of(((), ())))
            self.bodies.append(b"\x02\x00\x0b")
        n_defined = len(self.bodies)
        n_funcs = len(self.func_sigs)

        types = vec([b"\x60" + vec([bytes([p]) for p in ps]) + vec([bytes([r]) for r in rs])
                     for ps, rs in self.types])
        host = "wasi_snapshot_preview1" if self.wasi else "env"
        imports = [name(host) + name(n) + b"\x00" + uleb(t) for n, t in self.imports]
        gl = []
        if self.wasi:   # global 0 is defined, not imported
            gl.append(b"\x7f\x00\x41" + sleb(4096) + b"\x0b")
        else:
            imports.append(name("env") + name("stack_base") + b"\x03\x7f\x00")
        funcs = vec([uleb(t) for t in self.func_sigs[self.n_imported:]])
        table = vec([b"\x70\x01" + uleb(n_funcs) + uleb(n_funcs)])
        memory = vec([b"\x01" + uleb(17) + uleb(1024)])
        for t, mut in self.globals[1:]:
            init = {I32: b"\x41" + sleb(rng.randrange(-1000, 1000)),
                    I64: b"\x42" + sleb(rng.randrange(-1 << 40, 1 << 40)),
                    F32: b"\x43" + struct.pack("<f", 1.5),
                    F64: b"\x44" + struct.pack("<d", -0.25)}[t]
            if t == I32 and not mut and rng.random() < 0.5 and not self.wasi:
                init = b"\x23\x00"                                  # global.get of the import
            gl.append(bytes([t, int(mut)]) + init + b"\x0b")
        exports = [name("memory") + b"\x02\x00", name("table") + b"\x01\x00"]
        for f in range(self.n_imported, n_funcs, 7):
            exports.append(name(f"f{f}") + b"\x00" + uleb(f))
        if self.wasi:
            exports.append(name("_start") + b"\x00" + uleb(n_funcs - 1))
        elems = vec([b"\x00\x41\x00\x0b" + vec([uleb(f) for f in range(n_funcs)])])
        datas = []
        for i in range(N_DATA_ACTIVE):
            blob = rng.randbytes(rng.randrange(16, 2048))
            datas.append(b"\x00\x41" + sleb(i * 4096) + b"\x0b" + uleb(len(blob)) + blob)
        for i in range(N_DATA_PASSIVE):
            blob = rng.randbytes(rng.randrange(16, 256))
            datas.append(b"\x01" + uleb(len(blob)) + blob)
        names = vec([uleb(f) + name(f"func_{f}") for f in range(n_funcs)])
        name_sec = name("name") + b"\x00" + uleb(len(name("bench"))) + name("bench") \
            + b"\x01" + uleb(len(names)) + names
        return b"".join([
            b"\0asm\1\0\0\0",
            section(1, types),
            section(2, vec(imports)),
            section(3, funcs),
            section(4, table),
            section(5, memory),
            section(6, vec(gl)),
            section(7, vec(exports)),
            section(9, elems),
            section(12, uleb(len(datas))),
            section(10, uleb(n_defined) + b"".join(self.bodies)),
            section(11, vec(datas)),
            section(0, name_sec),
        ])


def generate(size: int = 10 << 20, seed: int = 1, simd: bool = True,
             budgets: tuple[int, ...] | None = None, min_funcs: int = 0,
             wasi: bool = False) -> bytes:
    """A valid module of at least `size` bytes (nearly all of it code);
    simd=False leaves out SIMD (for translation before SIMD code generation).
    budgets (statements per function, one picked at random for each) and
    min_funcs shape modules of many small functions (bench/split_bench.py);
    the defaults give the same bytes as before they existed.  wasi=True makes
    it a WASI program `w2c build` accepts (bench/startup.py): three
    wasi_snapshot_preview1 imports instead of env's, no imported global, and
    an empty `_start`."""
    if budgets is None:
        return Gen(size, seed, simd, min_funcs=min_funcs, wasi=wasi).build()
    return Gen(size, seed, simd, budgets, min_funcs, wasi=wasi).build()


def check_with_wasm_tools(path: Path) -> str | None:
    """None if wasm-tools accepts the module as WebAssembly 2.0 (or is absent), else its error."""
    tool = find_wasm_tools()
    if tool is None:
        return None
    r = subprocess.run([tool, "validate", "--features", "wasm2", str(path)],
                       capture_output=True, text=True)
    return None if r.returncode == 0 else (r.stderr.strip() or f"exit status {r.returncode}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.gen_module", description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--size", type=float, default=10.0, help="size in MB (2^20 bytes), default 10")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", action="store_true", help="validate with wasm-tools afterwards")
    args = ap.parse_args(argv)
    data = generate(int(args.size * (1 << 20)), args.seed)
    args.output.write_bytes(data)
    print(f"{args.output}: {len(data)} bytes ({len(data) / (1 << 20):.2f} MB)")
    if args.check:
        err = check_with_wasm_tools(args.output)
        if err:
            print(f"wasm-tools rejects it: {err}", file=sys.stderr)
            return 1
        print("wasm-tools validate --features wasm2: ok" if find_wasm_tools() else
              "wasm-tools not found: not checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
