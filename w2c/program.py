"""`w2c build` and `w2c run`: the pipeline's end for programs.

build_program() translates a module (w2c.emit), adds the WASI glue and
main() (w2c.emit.wasi, templates/wasi_main.c.j2) and compiles a native
executable for a target profile (targets/*.json) with its C compiler.  A
Linux program is translated into parts (w2c.emit.split; default_outputs:
one per PART_CODE_BYTES of code) compiled in parallel, each object cached
(w2c.objects), then linked; a compiler launcher (--launcher, W2C_LAUNCHER:
ccache, distcc) prefixes each compile.  cached_program() keeps built
executables in a cache keyed by the module's hash, the build options and a
stamp of w2c itself (w2c.runkey.run_key, shared with the fast path of a
cached run), so a second run of the same module starts at once, and
program_command() says how to start it (the CLI execs it, so the guest's
exit code becomes the process's).
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from w2c import resources
from w2c.emit import compile_module
from w2c.emit.simd import SIMD_HEADER_PREFIX
from w2c.emit.translate import auto_jobs
from w2c.emit.wasi import wasi_context, write_wasi_glue
from w2c.emit.wasi_threads import THREAD_CFLAGS
from w2c.errors import W2CError
from w2c.features import Features
from w2c.firmware import FitError, build_firmware, check_fit, size_report
from w2c.frontdoor import Translation, open_module
from w2c.objects import compile_objects, default_jobs, store, write_cache_file
from w2c.outputs import OutputError, Outputs
from w2c.resources import targets_dir
from w2c.runkey import (
    cache_dir as quick_cache_dir,
    read_stamp,
    run_key,
    stamp_path,
    stat_signature,
)
from w2c.target import HOST_TARGET, BuildError, OptionError, Target, list_targets, load_target
from w2c.templates import c_string, env

# A Linux program with more than SPLIT_CODE_BYTES of code (the code
# section's bytes) is split into one part per PART_CODE_BYTES, at most
# MAX_PARTS: see docs/build-systems.md for the measurements behind the figures.
SPLIT_CODE_BYTES = 128 << 10
PART_CODE_BYTES = 64 << 10
MAX_PARTS = 256


# What compiler_extra_flags gives gcc.
GCC_EXTRA_FLAGS = ("-fsignaling-nans", "-fno-optimize-sibling-calls", "-DW2C_NO_SIBLING_CALLS=1")


# What GCC gets besides for the code parts of a split program (w2c builds
# only split big modules): -O2 without the passes that cost GCC CPU and do
# not pay on generated code.  Together they take 25 % off gcc's CPU on the
# real programs' parts, which execute 1-5 % fewer instructions without them
# (docs/build-systems.md, "Flags").
GCC_SPLIT_FLAGS = (
    "-fno-schedule-insns2", "-fno-tree-vrp", "-fno-gcse", "-fira-region=one", "-fno-tree-pre",
    "-fno-code-hoisting", "-fno-crossjumping", "-fno-tree-tail-merge", "-fno-ipa-icf",
    "-fno-ipa-sra", "-fno-partial-inlining", "-fno-inline-functions", "-fno-optimize-strlen",
    "-fno-tree-loop-distribute-patterns", "-fno-isolate-erroneous-paths-dereference",
    "-fno-rerun-cse-after-loop")

# What a split program's files of cold code get (any compiler): the data
# file (instantiation, segment and table initialisation, export wrappers),
# the WASI glue (a system call each) and main().  Named by their suffix.
COLD_FLAGS = ("-O1",)
COLD_FILES = ("_data.c", "_wasi.c", "_main.c")


@functools.cache
def compiler_extra_flags(compiler: str | tuple[str, ...]) -> tuple[str, ...]:
    """Flags w2c adds for this C compiler (a command, or its words): GCC gets
    -fsignaling-nans, which keeps x*1.0, x-0.0 ... as real operations (a
    signalling NaN operand must come out quiet), so the runtime can write the
    float constants +-0 and +-1 as plain constants instead of hiding them
    from the optimiser (runtime_c/w2c_num.h, __SUPPORT_SNAN__); and
    -fno-optimize-sibling-calls with W2C_NO_SIBLING_CALLS: no call becomes a
    jump, so recursion without end still exhausts the stack without the
    empty asm after each call (runtime_c/w2c_config.h).  Other compilers:
    nothing."""
    words = (compiler,) if isinstance(compiler, str) else compiler
    try:
        proc = subprocess.run([*words, "-dM", "-E", "-x", "c", os.devnull],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    macros = proc.stdout
    if "#define __GNUC__ " in macros and "#define __clang__ " not in macros:
        return GCC_EXTRA_FLAGS
    return ()


def default_outputs(t: Translation) -> int:
    """How many parts a Linux program is translated into: one per
    PART_CODE_BYTES of function bodies, at most MAX_PARTS; 1 (one C file,
    no split) for a module of at most SPLIT_CODE_BYTES of code."""
    code = sum(c.size for c in t.module.codes)
    if code <= SPLIT_CODE_BYTES:
        return 1
    return min(MAX_PARTS, -(-code // PART_CODE_BYTES))


def file_flags(name: str, parts: int, gcc: bool) -> tuple[str, ...]:
    """What the C file `name` of a program translated into `parts` parts gets
    after the profile's flags (and before the user's, which override them):
    nothing in a program of one part; in a split one, COLD_FLAGS for the
    files of cold code and, with GCC, GCC_SPLIT_FLAGS for the code parts."""
    if parts < 2:
        return ()
    if name.endswith(COLD_FILES):
        return COLD_FLAGS
    return GCC_SPLIT_FLAGS if gcc else ()


def words(text: str, what: str) -> tuple[str, ...]:
    """A command line split as the shell would; bad quoting is a BuildError."""
    try:
        return tuple(shlex.split(text))
    except ValueError as err:
        raise OptionError(f"{what} {text!r}: {err} (quote it as for a shell)") from None


def launcher_words(launcher: str | None) -> tuple[str, ...]:
    """The compiler launcher's words: --launcher, else $W2C_LAUNCHER, else none."""
    text = launcher if launcher is not None else os.environ.get("W2C_LAUNCHER", "")
    return words(text, "compiler launcher")


def build_program(source: Translation | bytes, out: Path, *, target: str | None = None,
                  cc: str | None = None, cflags: tuple[str, ...] = (),
                  features: Features | None = None, source_name: str | None = None,
                  keep_dir: Path | None = None, max_memory: int | None = None,
                  guest_args: tuple[str, ...] = (), guest_env: tuple[str, ...] = (),
                  size_report: bool = False, jobs: int | None = None,
                  num_outputs: int | None = None, launcher: str | None = None,
                  object_cache: bool = True):
    """Translate a module (a Translation, or its bytes: opened here with
    `features`) and compile it into the executable (or, for a bare-metal
    profile, the firmware ELF) `out`, atomically.  Returns `out`, or with
    size_report (bare metal) the w2c.firmware.SizeReport.

    A Linux program: `num_outputs` parts (default: default_outputs) compiled
    `jobs` at a time (default: every CPU; a large module is also translated
    by at most `jobs` processes, w2c.emit.translate.auto_jobs), prefixed by `launcher` (a command
    line; default $W2C_LAUNCHER), each object kept in the cache's obj/
    folder unless object_cache is false.  `cc` may hold several words
    ("ccache gcc")."""
    profile = load_target(target or HOST_TARGET)
    compiler = words(cc or profile.cc, "C compiler") or (profile.cc,)
    if shutil.which(compiler[0]) is None:
        raise BuildError(f"C compiler '{compiler[0]}' not found ({_install_hint(profile, cc)})")
    launch = launcher_words(launcher)
    if launch and shutil.which(launch[0]) is None:
        raise BuildError(f"compiler launcher '{launch[0]}' not found (install it, or leave "
                         f"out --launcher and W2C_LAUNCHER)")
    if not profile.bare_metal and (guest_args or guest_env or size_report):
        raise OptionError(f"--arg, --env and --size-report are for bare-metal targets; "
                          f"a {profile.name} program takes its arguments and environment "
                          f"when it runs")
    out = Path(out)
    if isinstance(source, Translation):
        t = source
        t.target = profile
    else:
        t = open_module(source, features, target=profile)
    module = t.module
    if profile.bare_metal:
        try:
            check_fit(module, profile, max_memory)
        except FitError as err:
            raise W2CError(str(err)) from None
    with Outputs(out) as outputs, tempfile.TemporaryDirectory(prefix="w2c-build-") as tmp:
        # Made first, so a bad output path fails before anything is compiled.
        tmp_out = outputs.temp(out, 0o777)
        work = Path(keep_dir) if keep_dir else Path(tmp)
        linked = work / "program.out"
        c_file = work / "program.c"
        debug = any(f.startswith("-g") and f != "-g0" for f in cflags)
        if profile.bare_metal:
            compile_module(t, c_file, "program", source_name=source_name,
                           max_memory=max_memory, debug=debug)
            write_wasi_glue(module, "program", c_file)
            argv = (os.path.basename(source_name or "program"), *guest_args)
            ctx = dict(wasi_context(module, "program", "program.h"), debug=debug,
                       args=[c_string(a) for a in argv],
                       envs=[c_string(e) for e in _check_env(guest_env)])
            (work / "program_main.c").write_text(
                env().get_template("wasi_main_bare.c.j2").render(ctx))
            report = _link_firmware(work, profile, compiler[0], cflags, linked, size_report)
            _install(linked, tmp_out, outputs)
            return report if size_report else out
        n = num_outputs or default_outputs(t)
        written = compile_module(t, c_file, "program", source_name=source_name,
                                 max_memory=max_memory, num_outputs=n, debug=debug,
                                 jobs=min(jobs, auto_jobs(module)) if jobs else None)
        write_wasi_glue(module, "program", c_file)
        ctx = dict(wasi_context(module, "program", "program.h"), debug=debug)
        (work / "program_main.c").write_text(env().get_template("wasi_main.c.j2").render(ctx))
        sources = [p.name for p in written if p.suffix == ".c"]
        sources += ["program_wasi.c", "program_main.c"]
        threads = THREAD_CFLAGS if ctx["spawn"] else ()     # wasi-threads
        extra = compiler_extra_flags(compiler)
        base = ("-std=c99", *profile.cflags, *extra)

        def flags_of(name: str) -> tuple[str, ...]:
            return (*base, *file_flags(name, n, extra == GCC_EXTRA_FLAGS), *threads, *cflags)

        objects, new = compile_objects(work, sources, compiler, (), flags_of=flags_of,
                                       jobs=jobs or default_jobs(), launcher=launch,
                                       cache=cache_dir() / "obj" if object_cache else None)
        cmd = [*compiler, *profile.cflags, *threads, *(str(o) for o in objects), "-o",
               str(linked), *profile.ldflags, *cflags]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BuildError(f"the C compiler failed to link ({compiler[0]}, exit "
                             f"{proc.returncode}):\n{proc.stderr.strip()}")
        _install(linked, tmp_out, outputs)
        store(new)
    return out


def _install_hint(profile: Target, cc: str | None = None, emulator: bool = False) -> str:
    """What to do about a missing compiler (given as `cc`, or the profile's)
    or emulator of `profile`."""
    if cc:
        return "give --cc a C compiler on PATH"
    if profile.debian_packages:
        return f"Debian: apt-get install {' '.join(profile.debian_packages)}; `w2c doctor` " \
               f"checks every target"
    return "install it; `w2c doctor` checks every target" if emulator else \
        "install one, or give --cc another C compiler"


def _install(linked: Path, tmp_out: Path, outputs: Outputs) -> None:
    """Copy the executable linked in the work folder into the output's
    temporary file (made early, see build_program) and rename it into place."""
    shutil.copyfile(linked, tmp_out)
    outputs.commit()


def _link_firmware(work: Path, profile: Target, compiler: str, cflags: tuple[str, ...],
                   elf: Path, want_report: bool):
    """Link the firmware into `elf`; returns the size report if wanted."""
    try:
        map_file = build_firmware(work, "program", profile, compiler, elf, cflags)
        if not want_report:
            return None
        # the emitter copies the SIMD headers beside the C only for a module using v128
        simd = any(work.glob(f"{SIMD_HEADER_PREFIX}*.h"))
        return size_report(map_file, elf, "program", profile, simd)
    except FitError as err:
        raise W2CError(str(err)) from None
    except RuntimeError as err:
        raise BuildError(str(err)) from None


def _check_env(env: tuple[str, ...]) -> tuple[str, ...]:
    for kv in env:
        if "=" not in kv:
            raise OptionError(f"--env {kv}: expected NAME=VALUE")
    return env


# -- w2c run ---------------------------------------------------------------------------------

def cache_dir() -> Path:
    """w2c's cache (w2c.runkey.cache_dir): run/ holds executables, obj/ objects,
    stamps/ the fingerprints of w2c's files."""
    return Path(quick_cache_dir())


def tree_digest(*roots: Path) -> str:
    """SHA-256 over the relative paths and contents of every file under roots
    (Python caches excluded), in a fixed order."""
    h = hashlib.sha256()
    for root in roots:
        files = sorted(f for f in Path(root).rglob("*")
                       if f.is_file() and "__pycache__" not in f.parts)
        for f in files:
            h.update(str(f.relative_to(root)).encode() + b"\0")
            h.update(f.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


@functools.cache
def toolchain_fingerprint() -> str:
    """What w2c itself is made of: its Python code, templates, runtime headers
    and target profiles.  Part of the cache key, so that a changed w2c (the
    version number stays the same between releases) rebuilds cached programs."""
    return tree_digest(Path(__file__).resolve().parent, resources.runtime_dir(), targets_dir())


def toolchain_stamp() -> str:
    """toolchain_fingerprint(), as stored in the cache under the signature of
    w2c's files (w2c.runkey.stat_signature) by save_stamp()."""
    return read_stamp(stat_signature()) or toolchain_fingerprint()


def save_stamp() -> None:
    """Store toolchain_stamp() for the fast path of a cached run (after a
    run's executable is in the cache, so a failed run leaves nothing); a
    cache that cannot be written only costs the next run its fast path."""
    signature = stat_signature()
    if read_stamp(signature) is not None:
        return
    write_cache_file(Path(stamp_path(signature)), (toolchain_fingerprint() + "\n").encode())


def default_run_options() -> dict:
    """cached_program's options for `w2c run FILE` without options (run_key's "")."""
    return {"target": HOST_TARGET, "cc": None, "cflags": [],
            "features": sorted(Features().enabled)}


def cache_key(data: bytes, options: dict, stamp: str | None = None) -> str:
    """The key of `data` built with `options` (w2c.runkey.run_key; the default
    options are written "", as the fast path writes them)."""
    text = "" if options == default_run_options() else json.dumps(options, sort_keys=True)
    return run_key(data, text, stamp if stamp is not None else toolchain_stamp())


def cached_program(data: bytes, *, target: str | None, cc: str | None, cflags: tuple[str, ...],
                   features: Features, source_name: str, verbose: bool = False,
                   guest_args: tuple[str, ...] = (), guest_env: tuple[str, ...] = (),
                   jobs: int | None = None, launcher: str | None = None) -> Path:
    """The executable for `data` from the cache, built first if it is not there.
    Bare-metal firmware has its arguments and environment built in, so they
    are part of the key; jobs and the launcher do not change the executable."""
    options = {"target": target or HOST_TARGET, "cc": cc, "cflags": list(cflags),
               "features": sorted(features.enabled)}
    if guest_args or guest_env:
        options.update(args=list(guest_args), env=list(guest_env))
    exe = cache_dir() / "run" / cache_key(data, options) / "program"
    if exe.is_file():
        if verbose:
            print(f"w2c: cache hit: {exe}", file=sys.stderr)
        save_stamp()
        return exe
    if verbose:
        print(f"w2c: building {exe}", file=sys.stderr)
    with _progress(f"w2c: compiling {source_name} (first run; later runs use the cache)"):
        try:
            build_program(data, exe, target=target, cc=cc, cflags=cflags, features=features,
                          source_name=source_name, guest_args=guest_args, guest_env=guest_env,
                          jobs=jobs, launcher=launcher)
        except OutputError as err:
            raise OutputError(f"{err} (the cache of w2c run, under {cache_dir()}: set "
                              f"XDG_CACHE_HOME or W2C_CACHE_DIR to a writable folder)") from None
    save_stamp()
    return exe


class _progress:
    """Prints `message` on stderr if the work takes more than a second."""

    def __init__(self, message: str):
        self.timer = threading.Timer(1.0, self._show, (message,))
        self.shown = False

    def _show(self, message: str) -> None:
        self.shown = True
        print(message + " ...", file=sys.stderr, flush=True)

    def __enter__(self):
        if sys.stderr.isatty() or os.environ.get("W2C_PROGRESS"):
            self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.cancel()
        if self.shown and exc[0] is None:
            print("w2c: done", file=sys.stderr, flush=True)
        return False


def run_environment(dirs: tuple[str, ...], env: tuple[str, ...]) -> dict[str, str]:
    """The executable's environment: the guest sees only --env variables (as with
    wasmtime); --dir preopens travel as W2C_WASI_DIR_<n>."""
    out = {}
    for i, d in enumerate(dirs):
        host, _, guest = d.partition("::")
        if not Path(host).is_dir():
            raise OptionError(f"--dir {d}: '{host}' is not a directory")
        out[f"W2C_WASI_DIR_{i}"] = f"{os.path.abspath(host)}::{guest or host}"
    for kv in env:
        if "=" not in kv:
            raise OptionError(f"--env {kv}: expected NAME=VALUE")
        k, v = kv.split("=", 1)
        out[k] = v
    return out


@dataclass(frozen=True)
class Command:
    """A built program ready to start: execute `path` with `argv` (argv[0] is
    the guest's program name, or the emulator's) and exactly `env`."""
    path: str
    argv: list[str]
    env: dict[str, str]


def program_command(exe: Path, argv0: str, args: tuple[str, ...],
                    environment: dict[str, str], target: str | None) -> Command:
    """How to start the built program `exe` (under the target's emulator if
    any); BuildError if the emulator is missing."""
    profile = load_target(target or HOST_TARGET)
    prefix = profile.run
    if profile.bare_metal:
        # The firmware's arguments and environment are built in (cached_program).
        cmd = profile.run_command(exe)
        emulator = shutil.which(cmd[0])
        if emulator is None:
            hint = _install_hint(profile, emulator=True)
            raise BuildError(f"emulator '{cmd[0]}' not found ({hint})")
        return Command(emulator, cmd, dict(os.environ))
    if prefix:
        # Found on w2c's own PATH: the environment given is the guest's (--env PATH=...).
        emulator = shutil.which(prefix[0])
        if emulator is None:
            hint = _install_hint(profile, emulator=True)
            raise BuildError(f"emulator '{prefix[0]}' not found ({hint})")
        argv = [emulator, *prefix[1:], "-0", argv0, str(exe), *args]
        # qemu-user hands its environment to the guest in reverse order (linux-user
        # prepends each variable to its list): reversed here, the guest sees --env's order.
        return Command(emulator, argv, dict(reversed(list(environment.items()))))
    return Command(str(exe), [argv0, *args], environment)


__all__ = ["BuildError", "Command", "OptionError", "W2CError", "build_program",
           "cached_program", "list_targets", "load_target", "program_command", "run_environment"]
