"""The cost of bounds checks on 64-bit memories (memory64): one program,
written once with a 32-bit and once with a 64-bit memory, translated by w2c
and built with gcc -O2 in four ways:

  mem32-guard     the 32-bit memory with guard pages (the x86-64 default)
  mem32-explicit  the 32-bit memory with explicit compares
  mem64-guard     the 64-bit memory, guarded reservation + high-bits test
                  (W2C_MEM64_GUARD=1, the default with guard pages)
  mem64-compare   the 64-bit memory with two compares per access
                  (W2C_MEM64_GUARD=0)

The program (all loads and stores, little arithmetic): a sieve of
Eratosthenes over 4 MiB, a byte histogram of it, an in-place prefix sum
of 1M i32, a 96x96 f64 matrix product and 2000 sums of 4096 i32 in L1
(two loads per step: where the checks show most), repeated; it returns a checksum,
which must agree.  Prints the best of `--runs` user CPU times per build.

    python -m bench.mem64_bench [--runs 5] [--reps 8]
"""
from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WAT = """
(module
  (memory (export "memory") {at} 256)
  (func $sieve (param $n {t}) (result i32) (local $i {t}) (local $j {t}) (local $c i32)
    (memory.fill (i{b}.const 0) (i32.const 1) (local.get $n))
    (local.set $i (i{b}.const 2))
    (block $done (loop $outer
      (br_if $done (i{b}.ge_u (i{b}.mul (local.get $i) (local.get $i)) (local.get $n)))
      (if (i32.load8_u (local.get $i)) (then
        (local.set $j (i{b}.mul (local.get $i) (local.get $i)))
        (block $d2 (loop $inner
          (br_if $d2 (i{b}.ge_u (local.get $j) (local.get $n)))
          (i32.store8 (local.get $j) (i32.const 0))
          (local.set $j (i{b}.add (local.get $j) (local.get $i)))
          (br $inner)))))
      (local.set $i (i{b}.add (local.get $i) (i{b}.const 1)))
      (br $outer)))
    (local.set $i (i{b}.const 2))
    (block $d3 (loop $count
      (br_if $d3 (i{b}.ge_u (local.get $i) (local.get $n)))
      (local.set $c (i32.add (local.get $c) (i32.load8_u (local.get $i))))
      (local.set $i (i{b}.add (local.get $i) (i{b}.const 1)))
      (br $count)))
    (local.get $c))
  ;; histogram of bytes [0, n) into 256 i32 counters at h
  (func $hist (param $n {t}) (param $h {t}) (result i32) (local $i {t}) (local $p {t})
    (memory.fill (local.get $h) (i32.const 0) (i{b}.const 1024))
    (block $d (loop $l
      (br_if $d (i{b}.ge_u (local.get $i) (local.get $n)))
      (local.set $p (i{b}.add (local.get $h)
        (i{b}.shl {byte} (i{b}.const 2))))
      (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32.const 1)))
      (local.set $i (i{b}.add (local.get $i) (i{b}.const 1)))
      (br $l)))
    (i32.load offset=4 (local.get $h)))
  ;; prefix sum of k i32 at a
  (func $scan (param $a {t}) (param $k {t}) (result i32) (local $i {t}) (local $s i32)
    (block $d (loop $l
      (br_if $d (i{b}.ge_u (local.get $i) (local.get $k)))
      (local.set $s (i32.add (local.get $s)
        (i32.load (i{b}.add (local.get $a) (i{b}.shl (local.get $i) (i{b}.const 2))))))
      (i32.store (i{b}.add (local.get $a) (i{b}.shl (local.get $i) (i{b}.const 2))) (local.get $s))
      (local.set $i (i{b}.add (local.get $i) (i{b}.const 1)))
      (br $l)))
    (local.get $s))
  ;; c = a * b, n x n f64 matrices
  (func $matmul (param $a {t}) (param $bm {t}) (param $c {t}) (param $n {t}) (result f64)
    (local $i {t}) (local $j {t}) (local $k {t}) (local $s f64)
    (block $di (loop $li
      (br_if $di (i{b}.ge_u (local.get $i) (local.get $n)))
      (local.set $j (i{b}.const 0))
      (block $dj (loop $lj
        (br_if $dj (i{b}.ge_u (local.get $j) (local.get $n)))
        (local.set $s (f64.const 0))
        (local.set $k (i{b}.const 0))
        (block $dk (loop $lk
          (br_if $dk (i{b}.ge_u (local.get $k) (local.get $n)))
          (local.set $s (f64.add (local.get $s) (f64.mul
            (f64.load (i{b}.add (local.get $a)
              (i{b}.shl (i{b}.add (i{b}.mul (local.get $i) (local.get $n)) (local.get $k))
                        (i{b}.const 3))))
            (f64.load (i{b}.add (local.get $bm)
              (i{b}.shl (i{b}.add (i{b}.mul (local.get $k) (local.get $n)) (local.get $j))
                        (i{b}.const 3)))))))
          (local.set $k (i{b}.add (local.get $k) (i{b}.const 1)))
          (br $lk)))
        (f64.store (i{b}.add (local.get $c)
          (i{b}.shl (i{b}.add (i{b}.mul (local.get $i) (local.get $n)) (local.get $j))
                    (i{b}.const 3)))
          (local.get $s))
        (local.set $j (i{b}.add (local.get $j) (i{b}.const 1)))
        (br $lj)))
      (local.set $i (i{b}.add (local.get $i) (i{b}.const 1)))
      (br $li)))
    (f64.load (local.get $c)))
  ;; sum of the k i32 at a (in L1), m times: loads and little else
  (func $l1sum (param $a {t}) (param $k {t}) (param $m i32) (result i32)
    (local $i {t}) (local $s i32)
    (block $dm (loop $lm
      (br_if $dm (i32.eqz (local.get $m)))
      (local.set $i (i{b}.const 0))
      (block $d (loop $l
        (br_if $d (i{b}.ge_u (local.get $i) (local.get $k)))
        (local.set $s (i32.add (local.get $s)
          (i32.add (i32.load (i{b}.add (local.get $a) (i{b}.shl (local.get $i) (i{b}.const 2))))
                   (i32.load offset=4 (i{b}.add (local.get $a)
                                                (i{b}.shl (local.get $i) (i{b}.const 2)))))))
        (local.set $i (i{b}.add (local.get $i) (i{b}.const 2)))
        (br $l)))
      (local.set $m (i32.sub (local.get $m) (i32.const 1)))
      (br $lm)))
    (local.get $s))
  (func (export "run") (param $reps i32) (result i64) (local $r i32) (local $x i64)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $r) (local.get $reps)))
      (local.set $x (i64.add (local.get $x) (i64.extend_i32_u (call $sieve (i{b}.const 4194304)))))
      (local.set $x (i64.add (local.get $x) (i64.extend_i32_u
        (call $hist (i{b}.const 4194304) (i{b}.const 4194304)))))
      (local.set $x (i64.add (local.get $x) (i64.extend_i32_u
        (call $scan (i{b}.const 4198400) (i{b}.const 1048576)))))
      (local.set $x (i64.add (local.get $x) (i64.trunc_sat_f64_u
        (call $matmul (i{b}.const 0) (i{b}.const 73728) (i{b}.const 147456) (i{b}.const 96)))))
      (local.set $x (i64.add (local.get $x) (i64.extend_i32_u
        (call $l1sum (i{b}.const 4198400) (i{b}.const 4096) (i32.const 2000)))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $l)))
    (local.get $x)))
"""

DRIVER = r"""
#include "m.h"
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  static m_instance inst;
  uint64_t x = 0;
  int reps = argc > 1 ? atoi(argv[1]) : 8;
  if (m_instantiate(&inst, NULL) != 0) return 2;
  if (W2C_TRY(x = m_x_run(&inst, (uint32_t)reps)) != 0) return 3;
  printf("%llu\n", (unsigned long long)x);
  m_free(&inst);
  return 0;
}
"""

BUILDS = {
    "mem32-guard": ("i32", []),
    "mem32-explicit": ("i32", ["-DW2C_BOUNDS_CHECK=W2C_BOUNDS_EXPLICIT",
                               "-DW2C_MEMORY_ALLOC=W2C_ALLOC_MMAP"]),
    "mem64-guard": ("i64", []),
    "mem64-compare": ("i64", ["-DW2C_MEM64_GUARD=0"]),
}


def wat(at: str) -> str:
    byte = "(i32.load8_u (local.get $i))"
    if at == "i64":    # (the loaded byte extended to the address type)
        byte = f"(i64.extend_i32_u {byte})"
    return WAT.format(at=at, t=at, b=at[1:], byte=byte)


def build(work: Path, name: str, at: str, flags: list[str]) -> Path:
    d = work / name
    d.mkdir()
    (d / "m.wat").write_text(wat(at))
    subprocess.run(["wasm-tools", "parse", d / "m.wat", "-o", d / "m.wasm"], check=True)
    subprocess.run([sys.executable, "-m", "w2c", "compile", "--enable-memory64",
                    d / "m.wasm", "-o", d / "m.c"], check=True)
    (d / "main.c").write_text(DRIVER)
    exe = d / "bench"
    subprocess.run(["gcc", "-std=c99", "-O2", *flags, "-I", d, d / "m.c", d / "main.c",
                    "-o", exe, "-lm"], check=True)
    return exe


def _run(exe: Path, reps: int) -> tuple[str, float]:
    """Run exe; its output and its user CPU seconds (less disturbed than
    wall time on a shared machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    p = subprocess.run([exe, str(reps)], capture_output=True, text=True, check=True)
    return p.stdout.strip(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--reps", type=int, default=8)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="w2c-mem64-bench-"))
    try:
        exes = {n: build(work, n, at, fl) for n, (at, fl) in BUILDS.items()}
        best = {n: float("inf") for n in exes}
        sums = {}
        for _ in range(args.runs):       # interleaved, so load changes hit all alike
            for n, exe in exes.items():
                out, cpu = _run(exe, args.reps)
                best[n] = min(best[n], cpu)
                sums[n] = out
        assert len(set(sums.values())) == 1, sums
        base = best["mem32-guard"]
        for n, t in best.items():
            print(f"{n:15} {t:7.3f} s  {t / base:5.2f}x")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
