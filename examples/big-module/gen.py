#!/usr/bin/env python3
"""gen.py: writes big.wasm, the generated module of examples/big-module.

    python3 gen.py -o big.wasm [--functions N]    the module (binary, no tools needed)
    python3 gen.py --expect SEED [--functions N]  what main.c prints for SEED

The module has N functions f_0 .. f_{N-1} of type (i32) -> i32, each a few
arithmetic instructions over its argument and a constant read from a data
segment; most call the function before them (chains of up to 5), so calls
cross the files `w2c compile --num-outputs` splits the C into.  All of them
sit in a table, and the export run(seed) calls each through call_indirect,
folding the results.  Exports: run, count (N), memory.  --expect computes
run(seed) in Python from the same description.
"""
from __future__ import annotations

import argparse
import sys

MASK = 0xFFFFFFFF
CONSTS = 64   # i32 constants in the data segment at address 0


def leb_u(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def leb_s(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        done = (n == 0 and not b & 0x40) or (n == -1 and b & 0x40)
        out.append(b | (0 if done else 0x80))
        if done:
            return bytes(out)


def i32(n: int) -> int:
    """A u32 as the signed value i32.const encodes."""
    n &= MASK
    return n - (1 << 32) if n & 0x80000000 else n


def params(i: int) -> tuple[int, int, int, bool]:
    """f_i's multiplier, addend, rotation and whether it calls f_{i-1}."""
    a = (i * 2654435761 + 1) & MASK | 1
    b = (i * 40503 + 12345) & MASK
    r = i % 31 + 1
    return a, b, r, i % 5 != 0


def consts() -> list[int]:
    return [(k * 0x9E3779B9 + 0x7F4A7C15) & MASK for k in range(CONSTS)]


def rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & MASK


def f(i: int, x: int, table: list[int]) -> int:
    a, b, r, calls = params(i)
    v = ((x * a + b) & MASK) ^ rotl(x, r)
    v = (v + table[i % CONSTS]) & MASK
    if calls:
        v = (v + f(i - 1, x ^ 0x5A5A5A5A, table)) & MASK
    return v


def expect(seed: int, n: int) -> int:
    table = consts()
    acc = 0
    for i in range(n):
        acc = rotl(acc, 5) ^ f(i, (acc + seed) & MASK, table)
    return acc


def section(sid: int, body: bytes) -> bytes:
    return bytes([sid]) + leb_u(len(body)) + body


def vec(items: list[bytes]) -> bytes:
    return leb_u(len(items)) + b"".join(items)


def name(s: str) -> bytes:
    return leb_u(len(s)) + s.encode()


def module(n: int) -> bytes:
    I32 = 0x7F
    types = vec([b"\x60" + vec([bytes([I32])]) + vec([bytes([I32])]),    # 0: (i32) -> i32
                 b"\x60" + vec([]) + vec([bytes([I32])])])              # 1: () -> i32
    funcs = vec([leb_u(0)] * (n + 1) + [leb_u(1)])   # f_0..f_{n-1}, run, count
    table = vec([b"\x70\x00" + leb_u(n)])            # funcref, min n
    memory = vec([b"\x00\x01"])                      # min 1 page
    exports = vec([name("run") + b"\x00" + leb_u(n), name("count") + b"\x00" + leb_u(n + 1),
                   name("memory") + b"\x02\x00"])
    elems = vec([b"\x00\x41\x00\x0b" + vec([leb_u(i) for i in range(n)])])
    bodies = []
    for i in range(n):
        a, b, r, calls = params(i)
        code = (b"\x20\x00\x41" + leb_s(i32(a)) + b"\x6c\x41" + leb_s(i32(b)) + b"\x6a"   # x*a+b
                + b"\x20\x00\x41" + leb_s(r) + b"\x77\x73"                                # ^ rotl(x,r)
                + b"\x41" + leb_s((i % CONSTS) * 4) + b"\x28\x02\x00\x6a")               # + mem[k]
        if calls:
            code += (b"\x20\x00\x41" + leb_s(i32(0x5A5A5A5A)) + b"\x73"
                     + b"\x10" + leb_u(i - 1) + b"\x6a")                                  # + f(i-1)
        bodies.append(vec([]) + code + b"\x0b")
    # run(seed): for i in 0..n-1: acc = rotl(acc, 5) ^ table[i](acc + seed)
    # locals: 1 = i, 2 = acc
    run = (vec([b"\x02\x7f"])
           + b"\x02\x40\x03\x40"                                    # block loop
           + b"\x20\x01\x41" + leb_s(i32(n)) + b"\x4f\x0d\x01"      # br_if 1 (i >= n, unsigned)
           + b"\x20\x02\x41\x05\x77"                                # rotl(acc, 5)
           + b"\x20\x02\x20\x00\x6a\x20\x01\x11\x00\x00"            # call_indirect (acc+seed), i
           + b"\x73\x21\x02"                                        # xor; acc =
           + b"\x20\x01\x41\x01\x6a\x21\x01"                        # i += 1
           + b"\x0c\x00\x0b\x0b"                                    # br 0; end loop; end block
           + b"\x20\x02\x0b")
    count = vec([]) + b"\x41" + leb_s(i32(n)) + b"\x0b"
    bodies += [run, count]
    code = vec([leb_u(len(body)) + body for body in bodies])
    data = vec([b"\x00\x41\x00\x0b" + leb_u(CONSTS * 4)
                + b"".join(c.to_bytes(4, "little") for c in consts())])
    return (b"\x00asm\x01\x00\x00\x00" + section(1, types) + section(3, funcs)
            + section(4, table) + section(5, memory) + section(7, exports)
            + section(9, elems) + section(10, code) + section(11, data))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", help="write the module here")
    ap.add_argument("--functions", type=int, default=2000, help="number of functions (2000)")
    ap.add_argument("--expect", type=lambda s: int(s, 0), metavar="SEED",
                    help="print run(SEED) as the module computes it")
    args = ap.parse_args()
    if args.functions < 1:
        ap.error("--functions must be at least 1")
    if args.expect is not None:
        print(f"functions: {args.functions}")
        print(f"run({args.expect}) = 0x{expect(args.expect & MASK, args.functions):08x}")
        return 0
    if not args.output:
        ap.error("give -o FILE or --expect SEED")
    with open(args.output, "wb") as out:
        out.write(module(args.functions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
