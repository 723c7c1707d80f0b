"""w2c.mk, the Make fragment (`include $(shell w2c --make-include)`), on small
projects built by real GNU make and gcc: the %.c %.h: %.wasm pattern rule,
w2c_module with several outputs under make -j (grouped targets, and the
stamp files used before GNU make 4.3), no-op rebuilds (`make -q`, "Nothing
to be done"), a touched or changed .wasm translated again, the output lists
against `w2c compile --list-outputs`, and a bad W2C_TARGET."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .tools import EXAMPLES, generated_by_w2c, need, run, touch, w2c_command

HELLO = EXAMPLES / "hello"
GREETER = EXAMPLES / "cmake-rpi" / "greeter.wasm"

HELLO_OUT = ("Hello from w2c!\nfac(20) = 2432902008176640000\nfib(30) = 832040\n"
             "apply(square, 12) = 144\ncalls = 1\napply(7, 1) -> trap: undefined element\n")

PATTERN_MAKEFILE = """\
include $(shell w2c --make-include)
CFLAGS := -O1
app: main.o hello.o
\t$(CC) $^ -o $@ -lm
main.o: hello.h
"""


@pytest.fixture
def hello_project(tmp_path) -> Path:
    need("make", "cc")
    shutil.copy(HELLO / "hello.wasm", tmp_path)
    shutil.copy(HELLO / "main.c", tmp_path)
    (tmp_path / "Makefile").write_text(PATTERN_MAKEFILE)
    return tmp_path


def up_to_date(project: Path, *args: str) -> None:
    """Nothing to do: `make -q` says so (exit 0) and `make` does nothing."""
    assert run(["make", "-q", *args], project, check=False).returncode == 0
    out = run(["make", *args], project).stdout
    assert "Nothing to be done" in out or "is up to date" in out, out
    assert not generated_by_w2c(out)


def test_pattern_rule(hello_project):
    p = hello_project
    out = run(["make", "-j2"], p).stdout
    assert out.count("w2c compile") == 1
    assert run(["./app"], p).stdout == HELLO_OUT
    up_to_date(p)
    # A touched .wasm is translated again (and main.o, which includes hello.h, rebuilt).
    touch(p / "hello.wasm")
    assert run(["make", "-q"], p, check=False).returncode == 1
    out = run(["make", "-j2"], p).stdout
    assert out.count("w2c compile") == 1 and "main.o" in out
    up_to_date(p)
    # A changed module changes the program.
    wasm = (p / "hello.wasm").read_bytes()
    (p / "hello.wasm").write_bytes(wasm.replace(b"Hello from w2c!", b"Hello from make"))
    touch(p / "hello.wasm")
    run(["make"], p)
    assert run(["./app"], p).stdout == HELLO_OUT.replace("Hello from w2c!", "Hello from make")


MODULE_MAKEFILE = """\
include $(shell w2c --make-include)
N ?= 3
CFLAGS := -O1
SRCS := $(call w2c_sources,out/greeter.c,$(N),--wasi)
all: app
$(eval $(call w2c_module,greeter.wasm,out/greeter.c,$(N),--wasi))
app: main.o $(SRCS:.c=.o)
\t$(CC) $^ -o $@
main.o: main.c out/greeter_wasi.h
\t$(CC) $(CFLAGS) -Iout -c $< -o $@
out/%.o: out/%.c
\t$(CC) $(CFLAGS) -c $< -o $@
"""


@pytest.mark.parametrize("mode", ["grouped", "stamps"])
def test_module_rule(mode, tmp_path):
    """Several outputs, one w2c run per change under make -j, whichever way."""
    need("make", "cc")
    shutil.copy(GREETER, tmp_path)
    shutil.copy(EXAMPLES / "cmake-rpi" / "main.c", tmp_path)
    (tmp_path / "Makefile").write_text(MODULE_MAKEFILE)
    args = ["W2C_USE_STAMPS=1"] if mode == "stamps" else []
    out = run(["make", "-j4", *args], tmp_path).stdout
    assert out.count("w2c compile") == 1, out
    assert "--num-outputs 3" in out and "--wasi" in out
    names = {f.name for f in (tmp_path / "out").glob("*.o")}
    assert names == {"greeter_0.o", "greeter_1.o", "greeter_2.o", "greeter_data.o",
                     "greeter_wasi.o"}
    assert (tmp_path / "out" / "greeter.w2c-stamp").exists() == (mode == "stamps")
    proc = run(["./app"], tmp_path)
    assert "hello from WebAssembly, through WASI\n" in proc.stdout
    assert "fib(90) = 2880067194370816120" in proc.stdout
    up_to_date(tmp_path, *args)
    touch(tmp_path / "greeter.wasm")
    out = run(["make", "-j4", *args], tmp_path).stdout
    assert out.count("w2c compile") == 1, out
    assert out.count("greeter_") >= 5   # every part compiled again
    up_to_date(tmp_path, *args)
    if mode == "stamps":
        # A deleted output is made again, by translating again (the other
        # outputs, rewritten too, are compiled again by the next make).
        (tmp_path / "out" / "greeter_1.c").unlink()
        out = run(["make", "-j4", *args], tmp_path).stdout
        assert out.count("w2c compile") == 1, out
        assert (tmp_path / "out" / "greeter_1.c").is_file()
        assert not generated_by_w2c(run(["make", "-j4", *args], tmp_path).stdout)
        up_to_date(tmp_path, *args)


@pytest.mark.parametrize("n,wasi", [(1, False), (1, True), (2, False), (5, True), (12, False)])
def test_outputs_match_list_outputs(n, wasi, tmp_path):
    """$(call w2c_outputs,...) names exactly what `w2c compile --list-outputs` prints."""
    need("make")
    flags = "--wasi" if wasi else ""
    (tmp_path / "Makefile").write_text(
        "include $(shell w2c --make-include)\n"
        f"$(info OUT=$(call w2c_outputs,gen/m.c,{n},{flags}))\n"
        f"$(info SRC=$(call w2c_sources,gen/m.c,{n},{flags}))\n"
        "all: ;\n")
    out = dict(line.split("=", 1) for line in run(["make", "-s"], tmp_path).stdout.splitlines())
    cmd = [w2c_command(), "compile", "--list-outputs", "m.wasm", "-o", "gen/m.c",
           "--num-outputs", str(n)] + ([flags] if flags else [])
    listed = run(cmd, tmp_path).stdout.split()
    assert sorted(out["OUT"].split()) == sorted(f"gen/{f}" for f in listed)
    assert sorted(out["SRC"].split()) == sorted(f"gen/{f}" for f in listed if f.endswith(".c"))


def test_bad_target(tmp_path):
    need("make")
    (tmp_path / "Makefile").write_text("include $(shell w2c --make-include)\nall: ;\n")
    p = run(["make", "W2C_TARGET=no-such-board"], tmp_path, check=False)
    assert p.returncode == 2
    assert "error: unknown target 'no-such-board'" in p.stderr
    assert "no build data for W2C_TARGET=no-such-board" in p.stderr
