"""Tail calls (return_call, return_call_indirect, return_call_ref;
w2c.emit.tail) run in constant C stack: 10^7 mutual tail calls, a self
tail call, a return_call_indirect loop, a return_call_ref loop and a chain through functions of other
signatures with two results, under a 64 KiB stack (`ulimit -s 64`) with
gcc and clang at -O0 and -O2, for rpi-aarch64 and rpi-armhf under
qemu-user (a 64 KiB guest stack: QEMU_STACK_SIZE), and as Cortex-M3
firmware under QEMU (8 KiB stack).  The same program with plain calls
instead exhausts the stack (the test can fail).  Tail calls are on by
default (Wasm 3.0); --disable-tail-call refuses them.  Tail calls passing v128 values (two slots of
w2c_tail each; a callee needing more slots than there are is called as
`call` + `return`) run in constant stack too (found by the differential
test, seed 147 of its Wasm 3.0 run: v128 arguments did not compile).
"""
from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from w2c.program import load_target

N = 10_000_000
STACK = 64 * 1024
RUN_TIMEOUT = 300

WAT = """
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (type $ii (func (param i64) (result i32)))
  (memory 1)
  (data (i32.const 16) "tail calls ok\\n")
  (table 2 funcref)
  (elem (i32.const 0) $even_i $odd_i)
  (func $even (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
  (func $odd (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 0))
      (else (return_call $even (i64.sub (local.get 0) (i64.const 1))))))
  (func $count (param i64 i64) (result i64) (local f64)
    (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
      (else (return_call $count (i64.sub (local.get 0) (i64.const 1))
                                (i64.add (local.get 1) (i64.const 3))))))
  (func $even_i (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
      (else (return_call_indirect (type $ii) (i64.sub (local.get 0) (i64.const 1))
                                  (i32.const 1)))))
  (func $odd_i (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 0))
      (else (return_call_indirect (type $ii) (i64.sub (local.get 0) (i64.const 1))
                                  (i32.const 0)))))
  (elem declare func $even_r $odd_r)
  (func $even_r (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
      (else (return_call_ref $ii (i64.sub (local.get 0) (i64.const 1)) (ref.func $odd_r)))))
  (func $odd_r (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 0))
      (else (return_call_ref $ii (i64.sub (local.get 0) (i64.const 1)) (ref.func $even_r)))))
  (func $ping (param i64 i32) (result i64 i32)
    (if (result i64 i32) (i64.eqz (local.get 0)) (then (local.get 0) (local.get 1))
      (else (return_call $pong (i32.add (local.get 1) (i32.const 1))
                               (f64.const 0.5) (i64.sub (local.get 0) (i64.const 1))))))
  (func $pong (param i32 f64 i64) (result i64 i32)
    (return_call $ping (local.get 2) (local.get 0)))
  (func $check (param i32)
    (if (i32.eqz (local.get 0)) (then (unreachable))))
  (func (export "_start")
    (call $check (call $even (i64.const {n})))
    (call $check (i32.eqz (call $odd (i64.const {n}))))
    (call $check (i64.eq (call $count (i64.const {n}) (i64.const 1)) (i64.const {count})))
    (call $check (call $even_i (i64.const {n})))
    (call $check (i32.eqz (call $odd_i (i64.const {n}))))
    (call $check (call $even_r (i64.const {n})))
    (call $check (i32.eq (call $ping (i64.const {n}) (i32.const 0)) (i32.const {n})))
    (drop)
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 14))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
"""
OK = "tail calls ok\n"


def _wat(tail: bool) -> str:
    text = WAT.format(n=N, count=1 + 3 * N)
    return text if tail else text.replace("return_call", "call")


def _w2c(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "w2c", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def programs(wat2wasm, tmp_path_factory) -> dict[bool, Path]:
    """The program with tail calls (True) and with plain calls (False)."""
    d = tmp_path_factory.mktemp("tail")
    out = {}
    for tail in (True, False):
        path = d / f"{'tail' if tail else 'plain'}.wasm"
        path.write_bytes(wat2wasm(_wat(tail), "--enable-function-references"))
        out[tail] = path
    return out


def _small_stack() -> None:
    resource.setrlimit(resource.RLIMIT_STACK, (STACK, STACK))


def _build_host(wasm: Path, cc: str, opt: str, out: Path) -> Path:
    if shutil.which(cc) is None:
        pytest.skip(f"{cc} not found (apt-get install -y {cc})")
    p = _w2c("build", "--cc", cc, str(wasm), "-o", str(out), "--", opt)
    assert p.returncode == 0, p.stderr
    assert p.stderr == "", p.stderr     # no warnings
    return out


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_constant_stack_on_host(programs, cc, opt, tmp_path):
    exe = _build_host(programs[True], cc, opt, tmp_path / "tail")
    p = subprocess.run([str(exe)], capture_output=True, text=True, timeout=RUN_TIMEOUT,
                       preexec_fn=_small_stack)
    assert (p.returncode, p.stdout, p.stderr) == (0, OK, "")


@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_plain_calls_exhaust_the_same_stack(programs, cc, tmp_path):
    """The control: the same loops as ordinary calls do not fit in 64 KiB."""
    exe = _build_host(programs[False], cc, "-O0", tmp_path / "plain")
    p = subprocess.run([str(exe)], capture_output=True, text=True, timeout=RUN_TIMEOUT,
                       preexec_fn=_small_stack)
    assert p.returncode != 0 and p.stdout == ""


@pytest.mark.slow
def test_constant_stack_on_cortex_m3(programs, tmp_path):
    prof = load_target("cortex-m3")
    for tool in (prof.cc, prof.run[0]):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found (Debian: see the profile's debian_packages)")
    elf = tmp_path / "tail.elf"
    p = _w2c("build", "--target", "cortex-m3", str(programs[True]),
             "-o", str(elf))
    assert p.returncode == 0 and p.stderr == "", p.stderr
    p = subprocess.run(prof.run_command(elf), capture_output=True, text=True,
                       timeout=RUN_TIMEOUT)
    assert (p.returncode, p.stdout) == (0, OK), p.stderr


def test_tail_calls_need_the_feature(programs, tmp_path):
    """On by default (Wasm 3.0); --disable-tail-call refuses them by name."""
    p = _w2c("compile", str(programs[True]), "-o", str(tmp_path / "m.c"),
             "--disable-tail-call")
    assert p.returncode == 1
    assert "tail-call" in p.stderr and "Traceback" not in p.stderr
    p = _w2c("compile", str(programs[True]), "-o", str(tmp_path / "d.c"))
    assert p.returncode == 0, p.stderr


QEMU_USER_TARGETS = ["rpi-aarch64", "rpi-armhf"]


def _build_qemu_user(wasm: Path, target: str, out: Path) -> list[str]:
    """`w2c build --target` for a qemu-user profile; the command to run it."""
    prof = load_target(target)
    for tool in (prof.cc, prof.run[0]):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found (Debian: {' '.join(prof.debian_packages)})")
    p = _w2c("build", "--target", target, str(wasm), "-o", str(out))
    assert p.returncode == 0 and p.stderr == "", p.stderr
    return prof.run_command(out)


def _qemu_env() -> dict[str, str]:
    """A 64 KiB guest stack (qemu-user's -s; its own stack is the host's)."""
    return dict(os.environ, QEMU_STACK_SIZE=str(STACK))


@pytest.mark.slow
@pytest.mark.parametrize("target", QEMU_USER_TARGETS)
def test_constant_stack_under_qemu_user(programs, target, tmp_path):
    cmd = _build_qemu_user(programs[True], target, tmp_path / "tail")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT,
                       env=_qemu_env())
    assert (p.returncode, p.stdout, p.stderr) == (0, OK, "")


@pytest.mark.slow
@pytest.mark.parametrize("target", QEMU_USER_TARGETS)
def test_plain_calls_exhaust_the_qemu_user_stack(programs, target, tmp_path):
    """The control: QEMU_STACK_SIZE does limit the guest's stack."""
    cmd = _build_qemu_user(programs[False], target, tmp_path / "plain")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT,
                       env=_qemu_env())
    assert p.returncode != 0 and p.stdout == ""


V128_N = 1_000_000
V128_WAT = """
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (type $vt (func (param v128 i64) (result v128)))
  (memory 1)
  (data (i32.const 16) "v128 tail calls ok\\n")
  (table 1 funcref)
  (elem (i32.const 0) $ind)
  (func $a (param v128 i64) (result v128)
    (if (result v128) (i64.eqz (local.get 1)) (then (local.get 0))
      (else (return_call $b (i64.sub (local.get 1) (i64.const 1))
                            (i32x4.add (local.get 0) (v128.const i32x4 1 0 0 2))
                            (f32.const 1)))))
  (func $b (param i64 v128 f32) (result v128)
    (return_call $a (local.get 1) (local.get 0)))
  (func $ind (param v128 i64) (result v128)
    (if (result v128) (i64.eqz (local.get 1)) (then (local.get 0))
      (else (return_call_indirect (type $vt)
              (i64x2.add (local.get 0) (v128.const i64x2 1 -1))
              (i64.sub (local.get 1) (i64.const 1)) (i32.const 0)))))
  (func $wide (param v128 v128 v128 v128 v128 v128 v128 v128 v128) (result v128)
    (i32x4.add (local.get 0) (local.get 8)))
  (func $callwide (param v128) (result v128)
    (return_call $wide (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0)
                       (local.get 0) (local.get 0) (local.get 0) (v128.const i32x4 5 6 7 8)))
  (func $check (param v128 v128)
    (if (i32.eqz (i8x16.all_true (i8x16.eq (local.get 0) (local.get 1)))) (then (unreachable))))
  (func (export "_start")
    (call $check (call $a (v128.const i32x4 7 0 0 0) (i64.const {n}))
                 (v128.const i32x4 {n7} 0 0 {n2}))
    (call $check (call $ind (v128.const i64x2 0 0) (i64.const {n}))
                 (v128.const i64x2 {n} -{n}))
    (call $check (call $callwide (v128.const i32x4 1 2 3 4)) (v128.const i32x4 6 8 10 12))
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 19))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
"""


@pytest.mark.parametrize("cc,opt", [("gcc", "-O2"), ("clang", "-O0")])
def test_v128_arguments_in_constant_stack(wat2wasm, cc, opt, tmp_path):
    wasm = tmp_path / "v128.wasm"
    wasm.write_bytes(wat2wasm(V128_WAT.format(n=V128_N, n7=V128_N + 7, n2=2 * V128_N)))
    exe = _build_host(wasm, cc, opt, tmp_path / "v128")
    p = subprocess.run([str(exe)], capture_output=True, text=True, timeout=RUN_TIMEOUT,
                       preexec_fn=_small_stack)
    assert (p.returncode, p.stdout, p.stderr) == (0, "v128 tail calls ok\n", "")
