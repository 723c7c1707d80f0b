"""The Python API: what the command line does, as functions (the CLI,
w2c/cli.py, is a thin layer over these: it adds only argument parsing,
progress display and the `error:` lines).  Re-exported by the package:

    import w2c
    w2c.validate("m.wasm")                      # raises w2c.Error if bad
    desc = w2c.info("m.wat")                   # the module described, as data
    files = w2c.compile("m.wasm", "out/m.c")   # OUT.c, OUT.h, runtime headers
    exe = w2c.build("prog.wasm", "prog")       # a native executable (or firmware)
    r = w2c.run("prog.wasm", ["arg"], capture_output=True)   # as `w2c run`
    problems = w2c.check_host("m.wasm", ["host.c"])

A source is a path (str or os.PathLike) or the module's bytes, binary or
text format.  Features are feature names (`["threads"]`, meaning the
defaults plus these; a leading "-" turns one off) or a w2c.features.Features.
Errors are exceptions: w2c.Error for a bad module (its `offset`, `func`
and `message` attributes; str() is the one-line `0xOFF: message`),
w2c.TextError for text that does not parse (`line`, `col`), OutputError
for an output path that cannot be written, BuildError for a target or C
compiler problem (OptionError, one of them, for an option that cannot be
used: the CLI's usage errors), InputError for a source that cannot be read.
Every command of the CLI (w2c/cli.py) is one or two calls of these.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from w2c.emit import compile_module, output_names
from w2c.emit.names import module_prefix
from w2c.emit.wasi import is_wasi, write_wasi_glue
from w2c.errors import W2CError
from w2c.features import Features
from w2c.frontdoor import Translation, open_module
from w2c.moduleinfo import describe
from w2c.outputs import OutputError, Outputs
from w2c.target import HOST_TARGET, OptionError, Target, list_targets, load_target
from w2c.wat import NoTextParser, is_text, wat_to_wasm

if TYPE_CHECKING:   # imported where used: subprocess-heavy, see w2c/cli.py _LAZY
    from w2c.buildinfo import TargetInfo
    from w2c.checkhost import Problem
    from w2c.doctor import TargetStatus
    from w2c.firmware import SizeReport
    from w2c.program import Command

Source = str | os.PathLike | bytes
FeatureSpec = Features | Iterable[str] | None


class InputError(Exception):
    """A source file cannot be read (missing, a directory, no permission), or
    it is text and wasm-tools is not installed."""


def features_of(spec: FeatureSpec) -> Features:
    """Features from names: the defaults, each name enabled ("-name": disabled)."""
    if isinstance(spec, Features):
        return spec
    f = Features()
    for name in spec or ():
        if name.startswith("-"):
            f.disable(name[1:])
        else:
            f.enable(name)
    return f


def read_source(source: Source) -> bytes:
    """The binary module of a path or of bytes (text is assembled first)."""
    data = source if isinstance(source, bytes) else _read_file(source)
    if not is_text(data):
        return data
    try:
        return wat_to_wasm(data)
    except NoTextParser as err:
        raise InputError(str(err)) from None


def _read_file(path: str | os.PathLike) -> bytes:
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise InputError("no such file") from None
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}") from None


def load(source: Source | Translation, features: FeatureSpec = None, *,
         bodies: bool = True) -> Translation:
    """The module decoded and validated (with bodies: every function body
    too).  A Translation passes through: every function below takes one, so
    that a module is decoded once however many steps use it."""
    if isinstance(source, Translation):
        return source
    return open_module(read_source(source), features_of(features), bodies=bodies)


def validate(source: Source, features: FeatureSpec = None) -> None:
    """Raise w2c.Error unless the module is valid."""
    load(source, features)


def info(source: Source | Translation, features: FeatureSpec = None) -> dict:
    """What `w2c info --json` prints: sections, imports, exports, memories,
    tables, globals, counts, start, segments and the features used."""
    t = load(source, features)
    return describe(t.module, len(t.data))


def _name(source: Source | Translation, source_name: str | None) -> str | None:
    """The file name that defaults the C prefix (None: the module's own name)."""
    if source_name is not None or isinstance(source, (bytes, Translation)):
        return source_name
    return None if str(source) == "-" else str(source)


def compile(source: Source | Translation, output: str | os.PathLike, *,
            module_name: str | None = None, wasi: bool = False, num_outputs: int = 1,
            jobs: int | None = None, max_memory: int | None = None,
            features: FeatureSpec = None,
            source_name: str | None = None, progress=None, debug: bool = False
            ) -> list[Path]:
    """Translate the module into C: `output` (OUT.c), OUT.h and the runtime
    headers beside it (and OUT_wasi.h/.c with wasi; split into num_outputs
    parts, translated by `jobs` processes (default: one per CPU for a large
    module, see w2c.emit.translate.auto_jobs); with debug, `#line` directives to
    the module's DWARF lines or to OUT.w2c.txt); returns the paths written.
    Atomic: nothing is written when the module is bad."""
    t = load(source, features, bodies=False)   # the emitter validates the bodies
    name = _name(source, source_name)
    written = compile_module(t, output, module_name, source_name=name, max_memory=max_memory,
                             num_outputs=num_outputs, jobs=jobs, progress=progress,
                             debug=debug)
    if wasi:
        try:
            written += write_wasi_glue(t.module, module_prefix(t.module, name, module_name),
                                       output)
        except (W2CError, OSError) as err:
            for path in written[:len(output_names(Path(output), num_outputs))]:
                path.unlink()   # no half-written output
            if isinstance(err, OSError):
                raise OutputError(f"{output}: cannot write the WASI glue: "
                                  f"{err.strerror or err}") from None
            raise
    return written


def build(source: Source | Translation, output: str | os.PathLike, *,
          target: str | None = None, cc: str | None = None, cflags: Iterable[str] = (),
          features: FeatureSpec = None, max_memory: int | None = None,
          guest_args: Iterable[str] = (), guest_env: Iterable[str] = (),
          size_report: bool = False, source_name: str | None = None,
          jobs: int | None = None, num_outputs: int | None = None,
          launcher: str | None = None, debug: bool = False) -> Path | SizeReport:
    """Translate and compile the module into a native executable (a WASI
    program or one without imports), or firmware for a bare-metal target;
    returns the output path (with size_report: the w2c.firmware.SizeReport).
    A Linux program is compiled as `num_outputs` parts (default: by code
    size) by `jobs` compilers at once (default: one per CPU), each object
    cached; `launcher` prefixes each compile (e.g. "ccache").  With debug
    (also when cflags have -g): compiled with -g, translated as compile's
    debug does, and a trap names the function it happened in."""
    from w2c.program import build_program  # noqa: PLC0415 (subprocess, firmware: only here)
    t = load(source, features, bodies=False)
    cflags = _debug_cflags(cflags, debug)
    return build_program(t, Path(output), target=target, cc=cc, cflags=cflags,
                         features=t.features, source_name=_name(source, source_name),
                         max_memory=max_memory, guest_args=tuple(guest_args),
                         guest_env=tuple(guest_env), size_report=size_report, jobs=jobs,
                         num_outputs=num_outputs, launcher=launcher)


def host_stubs(source: Source | Translation, path: str | os.PathLike, *,
               header: str, module_name: str | None = None,
               features: FeatureSpec = None, source_name: str | None = None) -> None:
    """Write `path` (atomically): a host C file including `header` with
    each imported function as a stub to fill in."""
    from w2c.checkhost import expected_imports, host_stubs as stubs  # noqa: PLC0415 (pycparser)
    t = load(source, features, bodies=False)
    prefix = module_prefix(t.module, _name(source, source_name), module_name)
    with Outputs(path) as out:
        out.temp(path).write_text(stubs(expected_imports(t.module, prefix), header),
                                  encoding="utf-8")
        out.commit()


def check_host(source: Source | Translation, hosts: Iterable[str | os.PathLike], *,
               includes: Iterable[str] = (), defines: Iterable[str] = (),
               module_name: str | None = None, output: str | None = None, cc: str = "cc",
               std: str | None = None, header_dir: str | os.PathLike | None = None,
               features: FeatureSpec = None, source_name: str | None = None
               ) -> list[Problem]:
    """The problems (w2c.checkhost.Problem: file, line, message) of the host
    C files against the module's imported functions; [] when they match.
    The module's header comes from header_dir (where `w2c compile` wrote
    it), else it is generated into a temporary folder as OUT.h (`output`:
    the OUT.c given to compile; default the source's name)."""
    from w2c.checkhost import check_host as check, expected_imports  # noqa: PLC0415 (pycparser)
    t = load(source, features)
    name = _name(source, source_name)
    prefix = module_prefix(t.module, name, module_name)
    paths = [Path(h) for h in hosts]
    for p in paths:
        if not p.is_file():
            raise InputError(f"{p}: no such host file")
    extra = [*(f"-I{d}" for d in includes), *(f"-D{d}" for d in defines)]
    extra += [f"-std={std}"] if std else []
    expected = expected_imports(t.module, prefix)
    if header_dir is not None:
        return check(expected, paths, cc, [f"-I{header_dir}", *extra])
    out_name = Path(output).name if output else (Path(name).stem if name else prefix) + ".c"
    with tempfile.TemporaryDirectory(prefix="w2c-check-host-") as tmp:
        compile_module(t, Path(tmp) / out_name, module_name, source_name=name)
        if is_wasi(t.module):   # the host may include OUT_wasi.h
            write_wasi_glue(t.module, prefix, str(Path(tmp) / out_name))
        return check(expected, paths, cc, [f"-I{tmp}", *extra])


def count_host_imports(source: Source | Translation, features: FeatureSpec = None) -> int:
    """How many imported functions the host must define (WASI's are w2c's)."""
    from w2c.checkhost import expected_imports  # noqa: PLC0415 (pycparser: only here)
    t = load(source, features, bodies=False)
    return len(expected_imports(t.module, "m"))


def list_outputs(output: str | os.PathLike, *, num_outputs: int = 1,
                 wasi: bool = False) -> list[str]:
    """The files `compile` writes with these options, relative to the
    output's folder (the runtime headers not included); reads no module."""
    return output_names(Path(output), num_outputs, wasi)


# -- build and run ----------------------------------------------------------------------------

def _debug_cflags(cflags: Iterable[str], debug: bool) -> tuple[str, ...]:
    cflags = tuple(cflags)
    return ("-g", *cflags) if debug and "-g" not in cflags else cflags


def executable(source: Source | Translation, *, target: str | None = None,
               cc: str | None = None, cflags: Iterable[str] = (), debug: bool = False,
               features: FeatureSpec = None, source_name: str | None = None,
               guest_args: Iterable[str] = (), guest_env: Iterable[str] = (),
               jobs: int | None = None, launcher: str | None = None,
               verbose: bool = False) -> Path:
    """The executable (firmware for a bare-metal target, with guest_args and
    guest_env built in) that `w2c run` runs, from w2c's cache ($W2C_CACHE_DIR,
    else $XDG_CACHE_HOME/w2c), built into it first if it is not there.
    With verbose, says on stderr whether the cache had it."""
    from w2c.program import cached_program  # noqa: PLC0415 (subprocess: only here)
    if isinstance(source, Translation):
        data, spec = source.data, source.features
    else:
        data, spec = read_source(source), features_of(features)
    name = _name(source, source_name) or "program"
    return cached_program(data, target=target, cc=cc, cflags=_debug_cflags(cflags, debug),
                          features=spec, source_name=name, verbose=verbose,
                          guest_args=tuple(guest_args), guest_env=tuple(guest_env),
                          jobs=jobs, launcher=launcher)


def run_command(source: Source | Translation, args: Iterable[str] = (), *,
                dirs: Iterable[str] = (), env: Iterable[str] = (), invoke: str | None = None,
                target: str | None = None, cc: str | None = None, debug: bool = False,
                features: FeatureSpec = None, source_name: str | None = None,
                jobs: int | None = None, launcher: str | None = None,
                verbose: bool = False) -> Command:
    """How `w2c run` starts the module: a w2c.program.Command (path, argv,
    env) of its executable (see `executable`), built first if needed.  `dirs`
    are preopened directories `HOST[::GUEST]`, `env` the guest's variables
    `NAME=VALUE` (it sees no others); with `invoke` the exported function
    of that name is called with `args` and its results are printed.  A
    bare-metal target runs the firmware under its emulator, `args` and
    `env` built into it.  OptionError for options that cannot be used,
    found before anything is built."""
    from w2c.program import program_command, run_environment  # noqa: PLC0415 (subprocess)
    args = tuple(args)
    dirs, env = tuple(dirs), tuple(env)
    bare = load_target(target or HOST_TARGET).bare_metal
    if bare and dirs:
        raise OptionError("--dir: a bare-metal target has no file system (give the "
                          "firmware its input with --arg/--env, or use a Linux target)")
    if bare and invoke is not None:
        raise OptionError("--invoke: firmware runs its _start (use a Linux target)")
    environment = {} if bare else run_environment(dirs, env)
    if invoke is not None:
        environment["W2C_WASI_INVOKE"] = invoke   # read by the program's main()
    name = _name(source, source_name)
    exe = executable(source, target=target, cc=cc, debug=debug, features=features,
                     source_name=name, verbose=verbose,
                     guest_args=args if bare else (), guest_env=env if bare else (),
                     jobs=None if bare else jobs, launcher=None if bare else launcher)
    return program_command(exe, os.path.basename(name or "program"), () if bare else args,
                           environment, target)


def run(source: Source | Translation, args: Iterable[str] = (), *,
        dirs: Iterable[str] = (), env: Iterable[str] = (), invoke: str | None = None,
        target: str | None = None, cc: str | None = None, debug: bool = False,
        features: FeatureSpec = None, source_name: str | None = None,
        jobs: int | None = None, launcher: str | None = None, verbose: bool = False,
        capture_output: bool = False, stdin: bytes | None = None,
        timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run the module as `w2c run` does (the options are run_command's) and
    wait for it: the completed process, its output as bytes with
    capture_output, `stdin` its input (default: this process's).  Its
    returncode is the guest's exit status, 134 after a trap (`error: trap:
    <reason>` on its stderr)."""
    cmd = run_command(source, args, dirs=dirs, env=env, invoke=invoke, target=target, cc=cc,
                      debug=debug, features=features, source_name=source_name, jobs=jobs,
                      launcher=launcher, verbose=verbose)
    return subprocess.run(cmd.argv, executable=cmd.path, env=cmd.env, input=stdin,
                          capture_output=capture_output, timeout=timeout, check=False)


# -- targets ----------------------------------------------------------------------------------

def targets() -> list[Target]:
    """The target profiles (targets/*.json) that `target=` accepts."""
    return list_targets()


def target_info(name: str) -> TargetInfo:
    """How to build for the target profile `name` (compiler, flags, link
    flags, startup files, linker script, memory map): w2c.buildinfo.TargetInfo.
    OptionError for an unknown name."""
    from w2c.buildinfo import target_info as info_of  # noqa: PLC0415 (jinja2 behind it)
    return info_of(load_target(name))


def target_info_text(name: str, fmt: str = "json") -> str:
    """target_info(name) as `w2c target-info --format FMT` prints it: "json",
    "make" (Makefile assignments) or "cmake" (set() commands);
    w2c.buildinfo.FormatError if a value cannot be written in that format."""
    from w2c.buildinfo import render  # noqa: PLC0415 (jinja2)
    return render(target_info(name), fmt)


def toolchains(names: Iterable[str] = ()) -> list[TargetStatus]:
    """`w2c doctor`: for each target profile (only `names`, if given), whether
    its C compiler builds here, whether it runs here, and what to install
    (w2c.doctor.TargetStatus).  OptionError for an unknown name."""
    from w2c.doctor import check_all  # noqa: PLC0415 (subprocess: only here)
    wanted = [load_target(n).name for n in names]
    return [s for s in check_all() if not wanted or s.target.name in wanted]


def cmake_dir() -> Path:
    """The folder of w2c's CMake package (`-Dw2c_DIR=...`)."""
    from w2c import buildinfo  # noqa: PLC0415 (jinja2)
    return buildinfo.cmake_dir()


def make_include() -> Path:
    """The path of w2c's Make fragment (`include $(shell w2c --make-include)`)."""
    from w2c import buildinfo  # noqa: PLC0415 (jinja2)
    return buildinfo.make_include()
