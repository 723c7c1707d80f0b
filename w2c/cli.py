"""The `w2c` command line: the user-facing end of the pipeline, a thin
layer over the Python API (w2c/api.py): each command parses its
arguments, calls one or two API functions and prints their results.

The helpers below: `run_guarded` turns the API's exceptions into one
`error:` line and an exit status (a bad module: `error: FILE:0xOFF:
message`, exit 1; a missing or unreadable file, an output path that
cannot be written, an option that cannot be used: exit 2; a C compiler
that failed: its message on the lines after, exit 1; a bug in w2c: one
`error: FILE: internal error: ...` line and exit 3, never a traceback)
and `feature_options` (WABT's --enable-<feature> / --disable-<feature> /
--enable-all flags, generated from w2c.features.FEATURES).  A command that
handles several files keeps going after a failure and exits with the
worst status.
"""
from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

import click
from click.core import ParameterSource

from w2c import __version__, api
from w2c.api import InputError
from w2c.emit.split import MAX_OUTPUTS
from w2c.errors import W2CError
from w2c.features import FEATURES, Features
from w2c.frontdoor import Translation
from w2c.moduleinfo import format_text
from w2c.outputs import OutputError
from w2c.target import BuildError, OptionError

if TYPE_CHECKING:
    from w2c.program import Command

T = TypeVar("T")

# _LAZY: w2c.program and w2c.buildinfo (with w2c.firmware, subprocess,
# concurrent.futures) are imported by the API functions that use them (build,
# run, target-info, --cmake-dir/--make-include), as are jinja2 (w2c.templates)
# and multiprocessing (w2c.emit.translate, -j only): at the top they cost
# every other command about 20, 20-50 and 15-25 ms of CPU (import alone, on
# this loaded 2-core machine); `w2c validate hello.wasm`: 0.08 s CPU with all
# three where they are used, 0.11 s with the last two at the top (min of 12).
# So are w2c.checkhost and pycparser (check-host, --check-host,
# --host-stubs): about 40 ms more at the top.

# Exit statuses.
EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

EXIT_HELP = """\b
Exit status:
  0  success
  1  the module is malformed or invalid
  2  usage error (bad option, missing or unreadable file, output
     path that cannot be written)
  3  internal error in w2c (please report it)"""


# -- reporting ------------------------------------------------------------------

def report(message: str) -> None:
    """Print `error: message` to stderr, always as a single line."""
    click.echo("error: " + " ".join(message.splitlines()), err=True)


def run_guarded(filename: str, fn: Callable[[], T]) -> tuple[T | None, int]:
    """Run `fn()`, turning every failure into one `error:` line and an exit status.

    Returns `(result, EXIT_OK)` on success, `(None, status)` after reporting
    a failure: a bad module (W2CError) is 1, an unreadable file, an output
    path that cannot be written (OutputError: the message names it) or an
    option that cannot be used (OptionError) 2, a build problem
    (BuildError: the C compiler's output follows on the next lines) 1,
    anything else (RecursionError, MemoryError, a bug) 3.
    """
    try:
        return fn(), EXIT_OK
    except W2CError as err:
        report(err.format(filename))
        return None, EXIT_INVALID
    except InputError as err:
        report(f"{filename}: {err}")
        return None, EXIT_USAGE
    except (OutputError, OptionError) as err:
        report(str(err))
        return None, EXIT_USAGE
    except BuildError as err:
        first, _, rest = str(err).partition("\n")
        report(first)
        if rest:
            click.echo(rest, err=True)
        return None, EXIT_INVALID
    except Exception as err:  # RecursionError, MemoryError and any bug in w2c
        text = str(err)
        report(f"{filename}: internal error: {type(err).__name__}" + (f": {text}" if text else "")
               + " (a bug in w2c: please report it, with the module)")
        return None, EXIT_INTERNAL


# -- feature flags ----------------------------------------------------------------

def _dest(name: str) -> str:
    return "feature_" + name.replace("-", "_")


def _features_from(ctx: click.Context, kwargs: dict) -> Features:
    """Pop the feature flags out of `kwargs`: --enable-all first, then each flag given."""
    features = Features.all() if kwargs.pop("enable_all") else Features()
    for name in FEATURES:
        key = _dest(name)
        value = kwargs.pop(key)
        if ctx.get_parameter_source(key) in (ParameterSource.COMMANDLINE,
                                             ParameterSource.ENVIRONMENT):
            (features.enable if value else features.disable)(name)
    return features


def feature_options(command: Callable) -> Callable:
    """Add --enable-X/--disable-X for every feature and --enable-all; pass `features=`."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        kwargs["features"] = _features_from(click.get_current_context(), kwargs)
        return command(*args, **kwargs)

    for name, (default, text) in reversed(FEATURES.items()):
        wrapper = click.option(
            f"--enable-{name}/--disable-{name}", _dest(name), default=None,
            help=f"{text[0].upper()}{text[1:]} (default: {'on' if default else 'off'}).")(wrapper)
    return click.option("--enable-all", is_flag=True,
                        help="Enable every feature; the flags below then adjust that.")(wrapper)


# -- commands -----------------------------------------------------------------------

def _print_build_file(ctx: click.Context, value: bool, which: str) -> None:
    """--cmake-dir / --make-include: print the shipped path (w2c.buildinfo) and exit 0."""
    if value and not ctx.resilient_parsing:
        click.echo(str(getattr(api, which)()))
        ctx.exit(EXIT_OK)


@click.group(context_settings={"help_option_names": ["-h", "--help"],
                               "max_content_width": 100},
             epilog=EXIT_HELP)
@click.version_option(__version__, "--version", prog_name="w2c",
                      message="%(prog)s %(version)s")
@click.option("--cmake-dir", is_flag=True, expose_value=False, is_eager=True,
              callback=lambda ctx, _, v: _print_build_file(ctx, v, "cmake_dir"),
              help="Print the folder of w2c's CMake package (-Dw2c_DIR=...) and exit.")
@click.option("--make-include", is_flag=True, expose_value=False, is_eager=True,
              callback=lambda ctx, _, v: _print_build_file(ctx, v, "make_include"),
              help="Print the path of w2c's Make fragment (include $(shell w2c "
                   "--make-include)) and exit.")
def w2c() -> None:
    """w2c: an ahead-of-time WebAssembly-to-C compiler.

    \b
    Examples:
      w2c run prog.wasm arg1 arg2        run a WASI program natively (cached)
      w2c run --invoke add lib.wasm 2 3  call an exported function
      w2c compile m.wasm -o out/m.c      translate to C (out/m.h: the API)
      w2c build prog.wasm -o prog        a native executable
      w2c build --target cortex-m3 prog.wasm -o prog.elf
                                         firmware (`w2c targets`, `w2c doctor`)
      w2c check-host m.wasm host.c       the host's C against the imports

    Run `w2c COMMAND --help` for the options of a command.
    """


@w2c.command(epilog=EXIT_HELP)
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("-v", "--verbose", is_flag=True, help="Print `FILE: valid` for each good module.")
@feature_options
def validate(files: tuple[str, ...], verbose: bool, features: Features) -> None:
    """Decode and validate each WebAssembly binary FILE (`-` is stdin).

    Prints nothing for a valid module (unless -v) and one line
    `error: FILE:0xOFFSET: message` to stderr for a bad one.  Every FILE is
    checked; the exit status is the worst of them.
    """
    status = EXIT_OK
    for path in files:
        _, code = run_guarded(path, functools.partial(api.validate, path, features))
        if code == EXIT_OK and verbose:
            click.echo(f"{path}: valid")
        status = max(status, code)
    sys.exit(status)


@w2c.command(epilog=EXIT_HELP)
@click.argument("file", metavar="FILE")
@click.option("--json", "as_json", is_flag=True, help="Print the description as JSON.")
@feature_options
def info(file: str, as_json: bool, features: Features) -> None:
    """Validate FILE and describe it: sections, imports, exports, memories,
    tables, globals, function counts, start function, segments and the
    features it uses.
    """
    def run() -> None:
        desc = api.info(file, features)
        text = json.dumps(desc, sort_keys=True, indent=2) + "\n" if as_json else format_text(desc)
        click.echo(text, nl=False)

    sys.exit(run_guarded(file, run)[1])


class ByteSize(click.ParamType):
    """A size in bytes: 4096, 64K / 64KiB (x1024), 1M / 1MiB (x1024^2)."""
    name = "bytes"
    _UNITS: ClassVar[dict[str, int]] = {
        "": 1, "K": 1 << 10, "KIB": 1 << 10, "KB": 1 << 10, "M": 1 << 20, "MIB": 1 << 20,
        "MB": 1 << 20, "G": 1 << 30, "GIB": 1 << 30, "GB": 1 << 30}

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        text = str(value).strip()
        digits = text.rstrip("KkMmGgIiBb")
        unit = text[len(digits):].upper()
        if not digits.isdigit() or unit not in self._UNITS:
            self.fail(f"{value!r} is not a size in bytes (e.g. 4096, 64K, 1M)", param, ctx)
        n = int(digits) * self._UNITS[unit]
        if n > 1 << 32:
            self.fail(f"{value!r} is more than 4 GiB, the most a 32-bit memory can have",
                      param, ctx)
        return n


_MAX_MEMORY_HELP = ("Cap every memory the module defines at BYTES (e.g. 64K): memory.grow "
                    "fails past it; in static-memory builds (bare metal) its array has this "
                    "size.  Default: the declared maximum, else (static builds) the initial size.")


@w2c.command(epilog=EXIT_HELP)
@click.argument("file", metavar="FILE")
@click.option("-o", "--output", "output", required=True, metavar="OUT.c",
              help="The C file to write; OUT.h and the runtime headers go beside it.")
@click.option("-n", "--module-name", default=None, metavar="NAME",
              help="C prefix of every exported name (default: the module's name "
                   "from its name section, else the file name).")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@click.option("--wasi", is_flag=True,
              help="Also write OUT_wasi.h/.c: the module's WASI imports bound to w2c's "
                   "WASI implementation, and functions to instantiate it from C.")
@click.option("--max-memory", type=ByteSize(), default=None, metavar="BYTES",
              help=_MAX_MEMORY_HELP)
@click.option("--num-outputs", type=click.IntRange(1, MAX_OUTPUTS), default=1, metavar="N",
              help="Split the C into N files compiled separately (in parallel): OUT_0.c .. "
                   "OUT_{N-1}.c (the functions), OUT_data.c (the rest), OUT_internal.h "
                   "(what they share) and OUT.h.  Default 1: OUT.c and OUT.h.")
@click.option("-j", "--jobs", type=click.IntRange(0), default=None, metavar="N",
              help="Translate in at most N processes (0: one per CPU); the output is the "
                   "same for every N.  Default: one per CPU for a module of 1 MB of code "
                   "or more, else 1.")
@click.option("--list-outputs", is_flag=True,
              help="Only print the files these options write (one per line, relative to "
                   "OUT.c's folder, runtime headers not included); FILE is not read.")
@click.option("--check-host", "check_hosts", multiple=True, metavar="HOST.c",
              help="After writing, check that HOST.c defines each imported function with "
                   "the generated prototype, as `w2c check-host` does (repeatable; "
                   "preprocessed with cc and -I OUT.c's folder).")
@click.option("--host-stubs", "stubs_path", default=None, metavar="FILE.c",
              help="Also write FILE.c: every imported function as a stub to fill in.")
@click.option("-g", "debug", is_flag=True,
              help="Source-level debugging: #line directives in the C naming the original "
                   "source lines (the module's DWARF .debug_line, as clang -g writes it), "
                   "else the lines of OUT.w2c.txt, a text dump of the module's code written "
                   "beside.  Build the C with -g too.")
@feature_options
def compile(file: str, output: str, module_name: str | None, quiet: bool, wasi: bool,
            max_memory: int | None, num_outputs: int, jobs: int | None, list_outputs: bool,
            check_hosts: tuple[str, ...], stubs_path: str | None, debug: bool,
            features: Features) -> None:
    """Translate the WebAssembly module FILE into portable C.

    Writes OUT.c, OUT.h (the embedding API, documented inside) and the
    header-only runtime (w2c_rt.h and friends) into OUT.c's folder, so the
    folder builds with nothing but a C compiler: `cc -c OUT.c`.  Nothing is
    written when the module is bad.  On a terminal, a progress bar shows
    the functions translated (not with --quiet).
    """
    if list_outputs:
        for name in api.list_outputs(output, num_outputs=num_outputs, wasi=wasi):
            click.echo(name)
        sys.exit(EXIT_OK)

    def run() -> int:
        name = None if file == "-" else file
        t = api.load(file, features, bodies=False)   # the emitter validates the bodies
        with ProgressBar.for_stderr(quiet) as bar:
            api.compile(t, output, module_name=module_name, wasi=wasi,
                        num_outputs=num_outputs,
                        jobs=None if jobs is None else jobs or os.cpu_count() or 1,
                        max_memory=max_memory, source_name=name, progress=bar, debug=debug)
        if stubs_path:
            api.host_stubs(t, stubs_path, header=Path(output).with_suffix(".h").name,
                           module_name=module_name, source_name=name)
        if check_hosts:
            return _check_hosts(t, check_hosts, module_name=module_name, source_name=name,
                                header_dir=str(Path(output).parent))
        return EXIT_OK

    result, status = run_guarded(file, run)
    sys.exit(status if result is None else result)


def _check_hosts(t: Translation, hosts: tuple[str, ...], **options) -> int:
    """Report each problem of the host files (`error: HOST.c:LINE: ...`); the exit status."""
    from w2c.hostc import HostCError  # noqa: PLC0415 (see _LAZY above)
    try:
        problems = api.check_host(t, hosts, **options)
    except HostCError as err:   # located by the compiler or pycparser
        report(str(err))
        return EXIT_INVALID
    for p in problems:
        report(str(p))
    if problems:
        return EXIT_INVALID
    n = api.count_host_imports(t)
    if n:
        click.echo(f"{', '.join(hosts)}: {n} imported function"
                   f"{'' if n == 1 else 's'} defined as the module declares them")
    else:
        click.echo(f"{', '.join(hosts)}: nothing to check: the module imports no function "
                   f"from its host (WASI imports are w2c's)")
    return EXIT_OK


@w2c.command("check-host", epilog=EXIT_HELP)
@click.argument("file", metavar="MODULE")
@click.argument("hosts", nargs=-1, required=True, metavar="HOST.c...")
@click.option("-I", "includes", multiple=True, metavar="DIR", help="Include folder (repeatable).")
@click.option("-D", "defines", multiple=True, metavar="NAME[=VALUE]",
              help="Macro for the preprocessor (repeatable).")
@click.option("-n", "--module-name", default=None, metavar="NAME",
              help="The C prefix given to `w2c compile -n` (default as compile's).")
@click.option("-o", "--output", default=None, metavar="OUT.c",
              help="The -o given to `w2c compile`: the host includes OUT.h "
                   "(default: MODULE's name with .c).")
@click.option("--cc", default="cc", show_default=True, metavar="CC",
              help="The C compiler that preprocesses the host files.")
@click.option("--std", default=None, metavar="STD", help="-std= for the preprocessor (e.g. c99).")
@feature_options
def check_host_cmd(file: str, hosts: tuple[str, ...], includes: tuple[str, ...],
                   defines: tuple[str, ...], module_name: str | None, output: str | None,
                   cc: str, std: str | None, features: Features) -> None:
    """Check that the C files HOST.c... implement MODULE's imported functions
    with the prototypes w2c generates (`P_i_<module>__<name>`, see OUT.h).

    The host files are preprocessed by the C compiler (with the module's
    generated header and runtime first on the include path) and parsed with
    pycparser.  Each import that is missing, static, or defined with another
    number of parameters, a parameter or result of another width, sign or
    kind (i32 vs i64, float vs double, a pointer for an i32 offset) is one
    line `error: HOST.c:LINE: import "MOD" "NAME": ...`, exit 1.  Imports
    from wasi_snapshot_preview1 are w2c's WASI implementation's and are not
    looked for.  Example: `w2c check-host plugin.wasm host.c -I include`.
    """
    def run() -> int:
        return _check_hosts(api.load(file, features), hosts, includes=includes,
                            defines=defines, module_name=module_name, output=output, cc=cc,
                            std=std, source_name=None if file == "-" else file)

    result, status = run_guarded(file, run)
    sys.exit(status if result is None else result)


class ProgressBar:
    """`w2c: translating [####......] 1234/5678 functions` on stderr, redrawn at
    most 10 times a second and erased when done.  `for_stderr(quiet)` gives
    a bar only when stderr is a terminal and not quiet, else a null context
    (whose value, None, means no progress callback)."""

    WIDTH = 30
    INTERVAL = 0.1

    def __init__(self, stream):
        self.stream = stream
        self.last = None
        self.shown = False

    @classmethod
    def for_stderr(cls, quiet: bool) -> ProgressBar | contextlib.nullcontext:
        stream = sys.stderr
        if quiet or not stream.isatty():
            return contextlib.nullcontext()
        return cls(stream)

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and self.last is not None and now - self.last < self.INTERVAL:
            return
        self.last = now
        fill = self.WIDTH * done // total if total else self.WIDTH
        self.stream.write(f"\rw2c: translating [{'#' * fill}{'.' * (self.WIDTH - fill)}] "
                          f"{done}/{total} functions")
        self.stream.flush()
        self.shown = True

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        if self.shown:   # erase it, so an error line starts clean
            self.stream.write("\r\x1b[K")
            self.stream.flush()


_DEBUG_HELP = ("Debug build: the C compiled with -g and translated as `w2c compile -g` "
               "does (#line directives to the module's sources), and a trap names the "
               "function it happened in: `error: trap: ... in func 12 ($inflate)`.  "
               "Also when the C flags after -- have -g.")
_TARGET_HELP = "Target profile (see `w2c targets`; default: this machine)."
_JOBS_HELP = ("Run at most N C compilers at once, and translate a large module in at most "
              "N processes (default 0: one per CPU); the executable is the same for every N.")
_LAUNCHER_HELP = ("Prefix each C compile with this command, e.g. ccache or distcc (as "
                  "CMake's CMAKE_C_COMPILER_LAUNCHER); default: $W2C_LAUNCHER.")


def build_options(command: Callable) -> Callable:
    """-j/--jobs and --launcher, shared by build and run (w2c.objects)."""
    command = click.option("--launcher", default=None, metavar="CMD",
                           help=_LAUNCHER_HELP)(command)
    return click.option("-j", "--jobs", type=click.IntRange(0), default=0, metavar="N",
                        help=_JOBS_HELP)(command)


@w2c.command(epilog=EXIT_HELP, context_settings={"ignore_unknown_options": True})
@click.argument("file", metavar="FILE")
@click.option("-o", "--output", required=True, metavar="EXE", help="The executable to write.")
@click.option("--target", default=None, metavar="NAME", help=_TARGET_HELP)
@click.option("--cc", default=None, metavar="CC", help="C compiler (default: the target's).")
@click.option("--max-memory", type=ByteSize(), default=None, metavar="BYTES",
              help=_MAX_MEMORY_HELP)
@click.option("--arg", "guest_args", multiple=True, metavar="ARG",
              help="Bare metal: an argument the firmware passes to the guest (repeatable).")
@click.option("--env", "guest_env", multiple=True, metavar="NAME=VALUE",
              help="Bare metal: an environment variable baked into the firmware (repeatable).")
@click.option("--size-report", is_flag=True,
              help="Bare metal: print flash and RAM by part (translated code, runtime, "
                   "WASI shim, libgcc, data, module state, linear memory, stack).")
@click.option("--num-outputs", type=click.IntRange(1, MAX_OUTPUTS), default=None, metavar="N",
              help="Translate into N C files compiled in parallel (default: one file up to "
                   "128 KiB of code, above that one per 64 KiB, at most 256).")
@click.option("-g", "debug", is_flag=True, help=_DEBUG_HELP)
@build_options
@click.argument("cflags", nargs=-1, type=click.UNPROCESSED, metavar="[-- CFLAGS...]")
@feature_options
def build(file: str, output: str, target: str | None, cc: str | None, max_memory: int | None,
          guest_args: tuple[str, ...], guest_env: tuple[str, ...], size_report: bool,
          num_outputs: int | None, debug: bool, jobs: int, launcher: str | None,
          cflags: tuple[str, ...], features: Features) -> None:
    """Translate the WebAssembly program FILE and compile a native executable.

    WASI programs (imports from wasi_snapshot_preview1) get their imports bound
    to w2c's WASI implementation and a main() that calls `_start` (commands)
    or `_initialize` (reactors).  The executable passes its arguments and
    environment to the guest; W2C_WASI_DIR_<n>=HOST[::GUEST] preopens
    directories.  Arguments after `--` go to the C compiler.

    With a bare-metal target (`w2c targets`: cortex-m*, riscv32) the output
    is a firmware ELF: memories in static arrays (see --max-memory), output
    and exit through the platform hooks (semihosting under QEMU), arguments
    and environment fixed by --arg/--env.  A module that cannot fit the
    target's RAM is refused with its figures.

    A Linux program is compiled as several C files at once (see -j), each
    object kept in w2c's cache (see `w2c run`), so a rebuild compiles only
    the files whose text changed.
    """
    def run() -> None:
        result = api.build(file, output, target=target, cc=cc, cflags=cflags, debug=debug,
                           features=features, max_memory=max_memory, guest_args=guest_args,
                           guest_env=guest_env, size_report=size_report,
                           jobs=jobs or None, num_outputs=num_outputs, launcher=launcher)
        if size_report and not isinstance(result, Path):
            click.echo(result.format(output))

    sys.exit(run_guarded(file, run)[1])


@w2c.command(epilog=EXIT_HELP, context_settings={"ignore_unknown_options": True})
@click.argument("file", metavar="FILE")
@click.option("--dir", "dirs", multiple=True, metavar="HOST[::GUEST]",
              help="Preopen the host directory HOST for the guest (as GUEST).")
@click.option("--env", "envs", multiple=True, metavar="NAME=VALUE",
              help="Set an environment variable for the guest (it sees no others).")
@click.option("--target", default=None, metavar="NAME", help=_TARGET_HELP)
@click.option("--cc", default=None, metavar="CC", help="C compiler (default: the target's).")
@click.option("-v", "--verbose", is_flag=True, help="Say whether the cache was hit.")
@click.option("--invoke", default=None, metavar="NAME",
              help="Call the exported function NAME with ARGS (i32, i64, f32, f64) "
                   "instead of _start, and print its results, as wasmtime's --invoke.")
@click.option("-g", "debug", is_flag=True, help=_DEBUG_HELP)
@build_options
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[--] ARGS...")
@feature_options
def run(file: str, dirs: tuple[str, ...], envs: tuple[str, ...], target: str | None,
        cc: str | None, verbose: bool, invoke: str | None, debug: bool, jobs: int,
        launcher: str | None, args: tuple[str, ...], features: Features) -> None:
    """Run the WebAssembly program FILE natively, like `wasmtime run`.

    The first run translates and compiles FILE (as parts, on every CPU:
    see -j) into a cache (under $XDG_CACHE_HOME/w2c, keyed by the module's
    hash, w2c itself and the options); later runs start the cached
    executable at once.  The guest's
    exit code becomes w2c's; a trap prints `error: trap: <reason>` and exits
    with 134.  With a bare-metal --target the firmware runs under the
    profile's QEMU machine, its arguments and --env built into it.

    A module without _start (a reactor) is run with --invoke NAME: its
    exported function NAME is called with ARGS and its results printed, one
    per line (e.g. `w2c run --invoke add lib.wasm 2 3` prints 5); without
    --invoke it says so and lists the functions it exports (exit 2).
    """
    def command() -> Command:
        return api.run_command(file, args, dirs=dirs, env=envs, invoke=invoke, target=target,
                               cc=cc, debug=debug, features=features, jobs=jobs or None,
                               launcher=launcher, verbose=verbose)

    cmd, status = run_guarded(file, command)
    if cmd is None:
        sys.exit(status)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(cmd.path, cmd.argv, cmd.env)
    except OSError as err:   # a cached executable removed or spoilt meanwhile, an emulator
        cached = Path(cmd.path)
        hint = f"remove {cached.parent} to build it again" if cached.name == "program" \
            else "see `w2c doctor`"
        report(f"{cmd.path}: cannot execute: {err.strerror or err} ({hint})")
        sys.exit(EXIT_INVALID)


@w2c.command()
def targets() -> None:
    """List the target profiles `--target` accepts."""
    for t in api.targets():
        click.echo(f"{t.name:16} {t.description}")


@w2c.command()
@click.option("--target", "names", multiple=True, metavar="NAME",
              help="Check only this profile (repeatable); exit 1 if it cannot build.")
def doctor(names: tuple[str, ...]) -> None:
    """Tell which target toolchains are installed and how to install the rest.

    For each target profile (`w2c targets`) the profile's C compiler builds a
    small C file with the profile's flags (and links it, for Linux targets),
    and the emulator `w2c run --target` needs is looked for.  Each line says
    ready, build (it builds, but cannot run here) or missing, with the
    Debian/Ubuntu command that installs what is missing.  Example:
    `w2c doctor --target cortex-m3`.
    """
    from w2c.doctor import format_report  # noqa: PLC0415 (see _LAZY above)
    statuses, status = run_guarded("doctor", lambda: api.toolchains(names))
    if statuses is None:
        sys.exit(status)
    click.echo(format_report(statuses), nl=False)
    sys.exit(EXIT_INVALID if names and any(s.build_problem for s in statuses) else EXIT_OK)


@w2c.command("target-info", epilog=EXIT_HELP)
@click.argument("name", metavar="NAME")
@click.option("--format", "fmt", type=click.Choice(["json", "make", "cmake"]), default="json",
              show_default=True, help="json: every field; make: Makefile assignments "
              "(W2C_TARGET_CFLAGS ...); cmake: set() commands (W2C_TARGET_CFLAGS ...).")
def target_info(name: str, fmt: str) -> None:
    """Print how to build for the target profile NAME (see `w2c targets`):
    its C compiler, compile flags (with the runtime configuration macros),
    link flags and, for bare metal, startup sources, linker script and memory
    map: what `w2c build --target NAME` uses, for Make and CMake builds (see
    docs/build-systems.md).
    """
    from w2c.buildinfo import FormatError  # noqa: PLC0415 (see _LAZY above)
    try:
        text = api.target_info_text(name, fmt)
    except OptionError as err:
        report(str(err))
        sys.exit(EXIT_USAGE)
    except FormatError as err:
        report(f"target {name}: {err} (--format json has every value)")
        sys.exit(EXIT_INVALID)
    click.echo(text, nl=False)


# One whole line each in `w2c --help` (click would cut the docstrings' first lines).
_SHORT_HELP = {
    "build": "Compile a program into a native executable or firmware.",
    "check-host": "Check a host's C functions against the module's imports.",
    "compile": "Translate a WebAssembly module into portable C.",
    "doctor": "Which target toolchains are installed; how to get the rest.",
    "info": "Describe a module: imports, exports, memories, features.",
    "run": "Run a WebAssembly program natively (like `wasmtime run`).",
    "target-info": "Print a target profile's compiler and flags (for Make, CMake).",
    "targets": "List the target profiles.",
    "validate": "Decode and validate modules.",
}
for _name, _text in _SHORT_HELP.items():
    w2c.commands[_name].short_help = _text


def main() -> None:
    """The command line (the console entry point, w2c.quickrun.main, comes here
    when its fast path for a cached run does not apply)."""
    w2c(prog_name="w2c")


if __name__ == "__main__":
    main()
