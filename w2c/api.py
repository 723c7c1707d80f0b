"""The Python API: what the command line does, as functions (the CLI,
w2c/cli.py, is a thin layer over these: it adds only argument parsing,
progress display and the `error:` lines).  Re-exported by the package:

    import w2c
    w2c.validate("m.wasm")                      # raises w2c.Error if bad
    desc = w2c.info("m.wat")                   # the module described, as data
    files = w2c.compile("m.wasm", "out/m.c")   # OUT.c, OUT.h, runtime headers
    exe = w2c.build("prog.wasm", "prog")       # a native executable (or firmware)
    problems = w2c.check_host("m.wasm", ["host.c"])

A source is a path (str or os.PathLike) or the module's bytes, binary or
text format.  Features are feature names (`["threads"]`, meaning the
defaults plus these; a leading "-" turns one off) or a w2c.features.Features.
Errors are exceptions: w2c.Error for a bad module (its `offset`, `func`
and `message` attributes; str() is the one-line `0xOFF: message`),
w2c.TextError for text that does not parse (`line`, `col`), OutputError
for an output path that cannot be written, BuildError for a target or C
compiler problem, InputError for a source that cannot be read.
"""
from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from w2c.emit import compile_module, output_names
from w2c.emit.names import module_prefix
from w2c.emit.wasi import is_wasi, write_wasi_glue
from w2c.errors import W2CError
from w2c.features import Features
from w2c.frontdoor import Translation, open_module
from w2c.moduleinfo import describe
from w2c.outputs import OutputError, Outputs
from w2c.wat import NoTextParser, is_text, wat_to_wasm

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
          launcher: str | None = None):
    """Translate and compile the module into a native executable (a WASI
    program or one without imports), or firmware for a bare-metal target;
    returns the output path (with size_report: the w2c.firmware.SizeReport).
    A Linux program is compiled as `num_outputs` parts (default: by code
    size) by `jobs` compilers at once (default: one per CPU), each object
    cached; `launcher` prefixes each compile (e.g. "ccache")."""
    from w2c.program import build_program  # noqa: PLC0415 (subprocess, firmware: only here)
    t = load(source, features, bodies=False)
    return build_program(t, Path(output), target=target, cc=cc, cflags=tuple(cflags),
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
               features: FeatureSpec = None, source_name: str | None = None) -> list:
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
