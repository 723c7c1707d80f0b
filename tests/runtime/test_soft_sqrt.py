"""The freestanding sqrt of runtime_c/w2c_num.h (tests/runtime/c/soft_sqrt.c).

    test_soft_sqrt_matches_hardware   -DW2C_SOFT_SQRT on x86-64 (gcc, clang):
                                      the integer sqrt against libm's
                                      sqrtf/sqrt bit for bit: special values,
                                      every 37th f32 bit pattern (116 M),
                                      every exponent with random mantissas,
                                      exact squares and neighbours, 3 M
                                      random f64 patterns (fixed seed)
    test_freestanding_sqrt_links_no_libm
                                      Cortex-M0/M3 (soft), M4 (FPU single),
                                      M7 (FPU double), rv32imac, rv32imafdc
                                      objects built -ffreestanding -nostdlib
                                      refer to no sqrt/sqrtf (no undefined
                                      symbol at all) and use vsqrt/fsqrt
                                      exactly where the FPU has them
    test_fpu_instruction_paths        the inline-asm instructions (armhf
                                      vsqrt.f32/.f64, aarch64 fsqrt) built
                                      -ffreestanding, run under qemu-user
                                      against libm
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.ctool import STRICT, compile_quietly, run, run_checks, tool
from w2c import resources

HERE = Path(__file__).resolve().parent
SRC = HERE / "c" / "soft_sqrt.c"
RT = resources.runtime_dir()


def test_soft_sqrt_matches_hardware(cc, tmp_path):
    exe = tmp_path / "soft_sqrt"
    compile_quietly([cc, *STRICT, "-O2", "-DW2C_SOFT_SQRT", "-DSOFT_SQRT_MAIN",
                     "-DSTRIDE32=37u", f"-I{RT}", SRC, "-o", exe, "-lm"])
    run_checks([exe], 120_000_000)


# name -> (compiler, flags, instruction expected in t_sqrtf, in t_sqrt (None: soft))
CROSS = {
    "cortex-m0": ("arm-none-eabi-gcc", ["-mcpu=cortex-m0", "-mthumb"], None, None),
    "cortex-m3": ("arm-none-eabi-gcc", ["-mcpu=cortex-m3", "-mthumb"], None, None),
    "cortex-m4f": ("arm-none-eabi-gcc", ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard",
                                         "-mfpu=fpv4-sp-d16"], "vsqrt.f32", None),
    "cortex-m7d": ("arm-none-eabi-gcc", ["-mcpu=cortex-m7", "-mthumb", "-mfloat-abi=softfp",
                                         "-mfpu=fpv5-d16"], "vsqrt.f32", "vsqrt.f64"),
    "rv32imac": ("riscv64-unknown-elf-gcc", ["-march=rv32imac", "-mabi=ilp32"], None, None),
    "rv32imafdc": ("riscv64-unknown-elf-gcc", ["-march=rv32imafdc", "-mabi=ilp32d"],
                   "fsqrt.s", "fsqrt.d"),
}
PACKAGES = {"arm-none-eabi-gcc": "gcc-arm-none-eabi",
            "riscv64-unknown-elf-gcc": "gcc-riscv64-unknown-elf"}


def functions(disassembly: str) -> dict:
    """objdump -d text -> {function name: its instructions' text}."""
    out, name = {}, None
    for line in disassembly.splitlines():
        m = re.match(r"^[0-9a-f]+ <(\w+)>:$", line)
        if m:
            name = m.group(1)
            out[name] = ""
        elif name:
            out[name] += line + "\n"
    return out


@pytest.mark.parametrize("target", list(CROSS))
def test_freestanding_sqrt_links_no_libm(target, tmp_path):
    gcc_name, flags, insn_f, insn_d = CROSS[target]
    gcc = tool(gcc_name, PACKAGES[gcc_name])
    prefix = gcc[: -len("gcc")]
    obj = tmp_path / "sqrt.o"
    compile_quietly([gcc, *STRICT, "-Os", "-ffreestanding", "-nostdlib", *flags,
                     "-DW2C_TRAP_HANDLER=fs_trap", f"-I{RT}", "-c", SRC, "-o", obj])
    nm = run([prefix + "nm", obj]).stdout
    assert re.search(r" T t_sqrtf$", nm, re.M) and re.search(r" T t_sqrt$", nm, re.M), nm
    assert not re.search(r"\bsqrtf?\b", nm), nm
    assert not re.search(r"^\s+U ", nm, re.M), f"undefined symbols:\n{nm}"
    code = functions(run([prefix + "objdump", "-d", obj]).stdout)
    for fn, insn in (("t_sqrtf", insn_f), ("t_sqrt", insn_d)):
        if insn:
            assert insn in code[fn], code[fn]
        else:
            assert not re.search(r"\b[vf]sqrt", code[fn]), code[fn]  # the integer recurrence
            assert len(code[fn].splitlines()) > 20, code[fn]


QEMU_USER = {"armhf": ("arm-linux-gnueabihf-gcc", "qemu-arm", "vsqrt.f64"),
             "aarch64": ("aarch64-linux-gnu-gcc", "qemu-aarch64", "fsqrt")}


@pytest.mark.parametrize("arch", list(QEMU_USER))
def test_fpu_instruction_paths(arch, tmp_path):
    """-ffreestanding selects the inline asm; here it is linked with the host
    libc anyway so the checker can run, under qemu-user."""
    gcc_name, qemu_name, insn = QEMU_USER[arch]
    gcc = tool(gcc_name, f"gcc-{gcc_name[:-4]}")
    qemu = tool(qemu_name, "qemu-user")
    exe = tmp_path / "sqrt"
    compile_quietly([gcc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-O2", "-ffreestanding",
                     "-static", "-DW2C_TRAP_HANDLER=fs_trap", "-DSOFT_SQRT_MAIN",
                     "-DSTRIDE32=65521u", "-DRANDOM64=300000u", f"-I{RT}", SRC, "-o", exe, "-lm"])
    code = functions(run([gcc[: -len("gcc")] + "objdump", "-d", exe]).stdout)
    assert insn in code["t_sqrt"], code["t_sqrt"]
    run_checks([qemu, exe], 3_000_000)
