"""w2c's CMake package beyond the examples (tests/buildsys/test_examples.py):
the toolchain file of every profile builds a translated module (the runtime
configuration macros come from the profile: a bare-metal build fails
without them), a firmware image made by w2c_target_firmware runs under
QEMU, MODULE_NAME and OUTPUT_DIR, the output lists against `w2c compile
--list-outputs`, and the configure-time errors."""
from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from w2c.program import list_targets, load_target

from .test_examples import FIRMWARE_OUT
from .tools import EXAMPLES, generated_by_w2c, need, need_wasi_clang, run, w2c_command

HELLO = EXAMPLES / "hello"


def cmake_dir() -> str:
    return run([w2c_command(), "--cmake-dir"], EXAMPLES).stdout.strip()


def project(root: Path, cmakelists: str, **files: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "CMakeLists.txt").write_text(textwrap.dedent(cmakelists))
    for name, src in files.items():
        shutil.copy(src, root / name.replace("__", "."))
    return root


def configure(src: Path, *defs: str, check: bool = True):
    return run(["cmake", "-S", src, "-B", src / "build", f"-Dw2c_DIR={cmake_dir()}", *defs],
               src, check=check)


def build(src: Path) -> str:
    return run(["cmake", "--build", src / "build", "--parallel", "2"], src).stdout


LIBRARY = """\
    cmake_minimum_required(VERSION 3.16)
    project(lib C)
    find_package(w2c REQUIRED)
    add_library(hello STATIC)
    w2c_add_module(hello hello.wasm)
    """

# The profiles whose toolchain files no other test builds with (examples: the
# rpi ones; test_firmware below: cortex-m3).
TOOLCHAIN_ONLY = [t.name for t in list_targets()
                  if t.name not in ("rpi-aarch64", "rpi-armhf", "cortex-m3")]


@pytest.mark.slow
@pytest.mark.parametrize("target", TOOLCHAIN_ONLY)
def test_toolchain_builds_a_module(target, tmp_path):
    """Each profile's toolchain file compiles a translated module into a static
    library with the profile's compiler, flags and runtime configuration."""
    profile = load_target(target)
    need("cmake", "make", profile.cc)
    src = project(tmp_path / "lib", LIBRARY, hello__wasm=HELLO / "hello.wasm")
    configure(src, f"-DCMAKE_TOOLCHAIN_FILE={cmake_dir()}/toolchains/{target}.cmake")
    out = run(["cmake", "--build", src / "build", "--verbose"], src).stdout
    assert generated_by_w2c(out)
    compile_line = next(line for line in out.splitlines()
                        if re.search(r"hello\.c\.o(bj)? -c ", line))   # .obj: Generic systems
    assert compile_line.split()[0].endswith(profile.cc)
    for flag in profile.cflags + [f"-D{d}" for d in profile.defines]:
        assert flag in compile_line.split(), flag
    assert (src / "build" / "libhello.a").is_file()


FIRMWARE = """\
    cmake_minimum_required(VERSION 3.16)
    project(firmware C)
    find_package(w2c REQUIRED)
    add_executable(firmware.elf main.c)
    target_compile_definitions(firmware.elf PRIVATE TARGET_NAME="${W2C_TARGET}")
    w2c_add_module(firmware.elf ${APP_WASM} MODULE_NAME app WASI ON)
    w2c_target_firmware(firmware.elf)
    enable_testing()
    add_test(NAME firmware COMMAND firmware.elf)
    """


@pytest.mark.slow
def test_firmware(tmp_path):
    """examples/make-firmware built by CMake: the cortex-m3 toolchain file,
    w2c_add_module(... WASI ON) and w2c_target_firmware (startup files,
    linker script, memory map); run by ctest under QEMU (the emulator the
    toolchain file sets)."""
    target = "cortex-m3"
    profile = load_target(target)
    need("cmake", "make", profile.cc, profile.run[0])
    need_wasi_clang()
    fw = EXAMPLES / "make-firmware"
    src = project(tmp_path / "fw", FIRMWARE, main__c=fw / "main.c")
    wasm = tmp_path / "app.wasm"
    run(["clang", "--target=wasm32-wasi", "-O2", "-Wl,--strip-all", fw / "app.c", "-o", wasm],
        tmp_path)
    configure(src, f"-DCMAKE_TOOLCHAIN_FILE={cmake_dir()}/toolchains/{target}.cmake",
              f"-DAPP_WASM={wasm}")
    out = build(src)
    assert "w2c: translating" in out and "semihost.c.o" in out and "cortex-m.c.o" in out, out
    elf = src / "build" / "firmware.elf"
    proc = run(profile.run_command(elf), src, check=False)
    assert (proc.stdout, proc.returncode) == (FIRMWARE_OUT.format(target=target), 0), proc.stderr
    assert "100% tests passed" in run(["ctest"], src / "build").stdout


NAMED = """\
    cmake_minimum_required(VERSION 3.16)
    project(named C)
    find_package(w2c REQUIRED)
    add_executable(app main.c)
    w2c_add_module(app hello.wasm MODULE_NAME hi OUTPUT_DIR generated/hi)
    target_link_libraries(app PRIVATE m)
    file(WRITE ${CMAKE_BINARY_DIR}/vars.txt "${app_W2C_HI_SOURCES}|${app_W2C_HI_HEADERS}")
    """


def test_module_name_and_output_dir(tmp_path):
    need("cmake", "make", "cc")
    src = project(tmp_path / "named", NAMED, hello__wasm=HELLO / "hello.wasm")
    (src / "main.c").write_text((HELLO / "main.c").read_text().replace("hello_", "hi_")
                             .replace("\"hello.h\"", "\"hi.h\""))
    configure(src)
    out = build(src)
    assert "w2c: translating hello.wasm into hi" in out, out
    gen = src / "build" / "generated" / "hi"
    assert (gen / "hi.c").is_file() and (gen / "hi.h").is_file() and (gen / "w2c_rt.h").is_file()
    sources, headers = (src / "build" / "vars.txt").read_text().split("|")
    assert sources == str(gen / "hi.c") and headers == str(gen / "hi.h")
    assert run([src / "build" / "app"], src).stdout.startswith("Hello from w2c!\nfac(20) = ")


@pytest.mark.parametrize("n,wasi", [(1, False), (1, True), (2, False), (7, True)])
def test_outputs_match_list_outputs(n, wasi, tmp_path):
    """w2c_add_module's OUTPUT list is exactly what `w2c compile --list-outputs` prints."""
    need("cmake")
    script = tmp_path / "outputs.cmake"
    script.write_text(
        f'include("{cmake_dir()}/W2C.cmake")\n'
        f'_w2c_outputs(s h "gen" "m" {n} {"ON" if wasi else "OFF"})\n'
        'message("${s};${h}")\n')
    got = run(["cmake", "-P", script], tmp_path).stderr.strip().split(";")
    cmd = [w2c_command(), "compile", "--list-outputs", "m.wasm", "-o", "gen/m.c",
           "--num-outputs", str(n)] + (["--wasi"] if wasi else [])
    listed = run(cmd, tmp_path).stdout.split()
    assert sorted(got) == sorted(f"gen/{f}" for f in listed)


ERRORS = {
    "no target": ("w2c_add_module(nothing hello.wasm)", "nothing is not a target"),
    "bad argument": ("add_executable(app main.c)\nw2c_add_module(app hello.wasm NUM_OUTPUT 2)",
                     "unknown arguments: NUM_OUTPUT;2"),
    "bad count": ("add_executable(app main.c)\nw2c_add_module(app hello.wasm NUM_OUTPUTS many)",
                  "NUM_OUTPUTS 'many' is not a positive number"),
    "unknown profile": ("add_executable(app main.c)\nw2c_add_module(app hello.wasm TARGET nope)",
                        "no build data for the target profile 'nope': error: unknown target"),
    "not bare metal": ("add_executable(app main.c)\nw2c_target_firmware(app TARGET rpi-armhf)",
                       "rpi-armhf is not a bare-metal profile"),
    "no profile": ("add_executable(app main.c)\nw2c_target_firmware(app)",
                   "no target profile"),
}


def test_configure_errors(tmp_path):
    """Mistakes stop the configuration with a message naming them."""
    need("cmake")
    for i, (what, (body, message)) in enumerate(ERRORS.items()):
        src = project(tmp_path / f"p{i}",
                      "cmake_minimum_required(VERSION 3.16)\nproject(p C)\n"
                      "find_package(w2c REQUIRED)\n" + body + "\n",
                      hello__wasm=HELLO / "hello.wasm", main__c=HELLO / "main.c")
        proc = configure(src, check=False)
        assert proc.returncode != 0, what
        assert message in " ".join(proc.stderr.split()), (what, proc.stderr)
