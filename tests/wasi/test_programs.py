"""WASI end to end: real programs, w2c against wasmtime.

The programs in tests/wasi/programs/ (C built with `clang --target=wasm32-wasi`
and wasi-libc, Rust with Debian's `/usr/bin/rustc --target wasm32-wasi`) each
exercise a group of WASI functions and print what they see: results, errnos,
and only deterministic properties of clocks and random bytes.  Each CASE
runs its module twice, under `w2c run` and under wasmtime (the PyPI package,
through wasmtime_runner.py), with the same arguments, environment, stdin
bytes and a fresh copy each of the same preopened directory (/sandbox).
Stdout, stderr, the exit status and the preopened directory's tree
afterwards (names, types, file contents, symlink targets) must be equal, and
stdout must show the case's `expect` strings (so two engines failing alike
do not pass).

The compiled modules are shared by the pytest-xdist workers (built once per
session, under a file lock), and so is the w2c cache (W2C_CACHE_DIR in the
session's tmp dir): each module is translated and compiled by the C compiler
once per target.  test_cross.py runs the same CASES built for the Raspberry
Pi targets under qemu-user, test_sandbox.py the escape attempts.
"""
from __future__ import annotations

import difflib
import hashlib
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.ctool import WASI_CLANG_HINT, require_wasmtime, skip_wasi_toolchain
from tests.support.locks import file_lock, shared_folder

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
RUNNER = HERE / "wasmtime_runner.py"
RUSTC = "/usr/bin/rustc"  # Debian's: the rustc first on PATH may lack the wasm32-wasi std
GUEST_DIR = "/sandbox"
TIMEOUT = 120

CLANG_CMD = ["clang", "--target=wasm32-wasi", "-O2", "-Wall", "-Wextra", "-Werror",
             "-Wl,--strip-all"]
RUSTC_CMD = [RUSTC, "--target", "wasm32-wasi", "-O", "-C", "strip=debuginfo"]
RUSTC_HINT = "apt-get install -y rustc libstd-rust-dev-wasm32"


# -- the cases ------------------------------------------------------------------------------

STDIN_TEXT = ("first line of stdin\nsecond line, with a tab\there\n\n"
              "fourth line: non-ASCII \u00e9\u00e8\u4e2d\n"
              "no newline at the end").encode()


@dataclass(frozen=True)
class Case:
    id: str
    program: str                              # programs/<program>.c or .rs
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()     # in this order
    stdin: bytes = b""
    expect: tuple[str, ...] = ()              # must appear in stdout
    status: int | None = None                 # the exit status, when the case fixes it
    # An intended difference: w2c follows the WASI spec where wasmtime does not.
    # Then w2c's stdout must be exactly `w2c_stdout` and wasmtime's exactly
    # `wasmtime_stdout` (so a change on either side shows); stderr, the exit
    # status and the sandbox's tree are still compared.  docs/wasi.md lists them.
    w2c_stdout: str | None = None
    wasmtime_stdout: str | None = None


CPUTIME_W2C = """\
clock_getres process cputime: 0 errno=0 resolution > 0: yes <= 1s: yes
clock_getres thread cputime: 0 errno=0 resolution > 0: yes <= 1s: yes
process cputime readable: yes grew: yes
thread cputime readable: yes
"""
CPUTIME_WASMTIME = """\
clock_getres process cputime: -1 errno=8 resolution > 0: no <= 1s: no
clock_getres thread cputime: -1 errno=8 resolution > 0: no <= 1s: no
process cputime readable: no grew: no
thread cputime readable: no
"""

_POLL_FDS = """\
stdin (a file with data) + 2s clock: errno=0 nevents=1 quick (< 1s): yes
  event userdata=41 type=1 error=0 nbytes>0: yes hangup=0
stdout writable + 2s clock: errno=0 nevents=1 quick (< 1s): yes
  event userdata=43 type=2 error=0 nbytes>0: yes hangup=0
open input.txt: ok
regular file readable: errno=0 nevents=1 quick (< 1s): yes
  event userdata=51 type=1 error=0 nbytes={n1} hangup=0
regular file readable at offset 30: errno=0 nevents=1 quick (< 1s): yes
  event userdata=51 type=1 error=0 nbytes={n2} hangup=0
read-only file: write: errno=0 nevents=1 quick (< 1s): yes
  event userdata=52 type=2 error=0 nbytes>0: yes hangup=0
{bad}read stdin: 102 bytes, last read 0
stdin at EOF + 2s clock: errno=0 nevents=1 quick (< 1s): yes
  event userdata=71 type=1 error=0 nbytes>0: {eof} hangup=0
"""
POLL_FDS_W2C = _POLL_FDS.format(n1=39, n2=9, eof="no", bad="""\
bad fd + 2s clock: errno=0 nevents=1 quick (< 1s): yes
  event userdata=61 type=1 error=8
closed fd: errno=0 nevents=1 quick (< 1s): yes
  event userdata=63 type=1 error=8
""")
POLL_FDS_WASMTIME = _POLL_FDS.format(n1=1, n2=1, eof="yes", bad="""\
bad fd + 2s clock: errno=8 nevents=0 quick (< 1s): yes
closed fd: errno=8 nevents=0 quick (< 1s): yes
""")

_RIGHTS = """\
fd_prestat_get 3: 0
prestat 3: tag=0 name_len=8
fd_prestat_dir_name 3: 0
preopen name: [/sandbox]
opened input.txt: yes sub: yes
path_open with fd_read only: 0
fd_seek: {e}
fd_tell: {e}
fd_sync: {e}
fd_filestat_get: {e}
fd_fdstat_get: 0
fd_fdstat_set_rights more: {more}
path_open dir without path_open's inheriting rights: 0
path_open in it: {e}
survived
"""
RIGHTS_W2C = _RIGHTS.format(e=0, more=76)
RIGHTS_WASMTIME = _RIGHTS.format(e=0, more=58)

CASES = [
    Case("files", "files", expect=("input.txt: [line one\\x0aline two", "big written: 300000",
                                   "fgets: tail", "two.txt: [bbaa]")),
    Case("seek_stat", "seek_stat", expect=("lseek end: 39", "hole read: 0",
                                           "same inode: yes same dev: yes nlink: 2",
                                           "mtime now is after 2020: yes")),
    Case("dirs", "dirs", expect=("entry f199 file", "rmdir non-empty: -1 errno=55",
                                 "seekdir returns to the same entry: yes")),
    Case("rename", "rename", expect=("rename file: 0", "contents of b.txt: [from a]",
                                     "rename dir over non-empty dir: -1 errno=55")),
    Case("symlinks", "symlinks", expect=("readlink link_to_input: [input.txt]",
                                         "open O_NOFOLLOW symlink: -1 errno=32",
                                         "cat loop_a: errno=32")),
    Case("args_env", "args_env",
         args=("one", "two words", "", "caf\u00e9 \u4e2d", "--flag=x", "-"),
         env=(("FOO", "bar"), ("EMPTY", ""), ("WITH_EQ", "a=b=c"), ("UNI", "\u00e9t\u00e9"),
              ("PATH", "/nowhere")),
         expect=("argc: 7", "argv[4]: [caf\\xc3\\xa9 \\xe4\\xb8\\xad]",
                 "environ[2]: [WITH_EQ=a=b=c]", "getenv MISSING: (null)", "environ count: 5")),
    Case("args_env_empty", "args_env", expect=("argc: 1", "environ count: 0")),
    Case("clocks", "clocks", expect=("monotonic non-decreasing: yes",
                                     "sleep 50ms elapsed >= 50ms: yes",
                                     "absolute sleep elapsed >= 30ms: yes")),
    # INTENDED DIFFERENCE: the process/thread CPU-time clocks.  wasmtime has none
    # (EBADF); the spec defines them and the issue lists them, so w2c supports them.
    Case("clocks_cputime", "clocks", args=("cputime",), expect=("clock_getres process cputime",),
         w2c_stdout=CPUTIME_W2C, wasmtime_stdout=CPUTIME_WASMTIME),
    Case("random", "random", expect=("two getentropy calls differ: yes",
                                     "every byte value 2048..6144 times: yes")),
    Case("poll", "poll", stdin=STDIN_TEXT,
         expect=("relative 30ms: errno=0 nevents=1 elapsed >= 30ms: yes",
                 "two clocks, 800ms and 10ms: errno=0 nevents=1 elapsed >= 10ms: yes",
                 "zero subscriptions: errno=28")),
    # what descriptor events carry (nbytes), bad descriptors in a subscription.
    # INTENDED DIFFERENCES (fd_write events and everything else agree):
    # * fd_read on a regular file: the spec's nbytes is "the number of bytes
    #   available for reading"; w2c gives the bytes left (39, 9 at offset 30, 0 for
    #   stdin from a file at EOF), wasmtime always 1;
    # * a closed/bad fd in a subscription: w2c reports it in that subscription's
    #   event (error=8, what the event's error field is for; the other
    #   subscriptions still work), wasmtime fails the whole call with EBADF.
    Case("poll_fds", "poll", args=("fds",), stdin=STDIN_TEXT,
         expect=("stdin (a file with data) + 2s clock: errno=0",),
         w2c_stdout=POLL_FDS_W2C, wasmtime_stdout=POLL_FDS_WASMTIME),
    Case("stdin", "stdin", stdin=STDIN_TEXT,
         expect=(f"bytes: {len(STDIN_TEXT)}", "line 4: [fourth line",
                 "line 5: [no newline at the end] (no newline)")),
    Case("stdin_empty", "stdin", expect=("bytes: 0", "first read: eof")),
    Case("stdin_big", "stdin", stdin=bytes(range(256)) * 1000 + b"\nend\n",
         expect=("bytes: 256005", "newlines: 1002")),
    Case("exit_return_0", "exit_codes", args=("return", "0"), status=0,
         expect=("mode return 0", "returning 0atexit handler ran")),
    Case("exit_return_7", "exit_codes", args=("return", "7"), status=7),
    Case("exit_3", "exit_codes", args=("exit", "3"), status=3, expect=("atexit handler ran",)),
    Case("exit_125", "exit_codes", args=("exit", "125"), status=125),
    # wasmtime refuses exit statuses of 126 and more (an error, status 1)
    Case("exit_255", "exit_codes", args=("exit", "255")),
    Case("exit_256", "exit_codes", args=("exit", "256")),
    Case("exit_quick", "exit_codes", args=("_Exit", "42"), status=42,
         expect=("unflushed text before _Exit",)),
    Case("exit_abort", "exit_codes", args=("abort",), status=134),
    Case("exit_div0", "exit_codes", args=("div0",), status=134),
    Case("exit_oob", "exit_codes", args=("oob",), status=134),
    Case("errnos", "errnos", expect=("fd_write fd 99: 8", "path_open invalid utf-8: 25",
                                     "path_create_directory 64 KiB name: 37", "checks: ")),
    # INTENDED DIFFERENCE: fd_fdstat_set_rights.  Rights asked for at path_open
    # only choose the access mode in both engines (the calls beyond them succeed);
    # w2c lets fd_fdstat_set_rights drop rights (adding one: ENOTCAPABLE 76),
    # wasmtime does not support it (ENOTSUP 58).
    Case("errnos_rights", "errnos", args=("rights",), expect=("survived",),
         w2c_stdout=RIGHTS_W2C, wasmtime_stdout=RIGHTS_WASMTIME),
    Case("rust_fs", "rust_fs", args=("alpha", "beta"), env=(("RUST_CASE", "1"), ("X", "y")),
         stdin=b"piped into rust\n", status=17,
         expect=("arg 1: alpha", "read back: hello from rust", "stdin: piped into rust",
                 'vars in order: [("RUST_CASE", "1"), ("X", "y")]')),
    Case("rust_exit_0", "rust_fs", args=("a", "b", "0"), status=0),
]
CASE_IDS = [c.id for c in CASES]


def make_sandbox(root: Path) -> None:
    """The preopened directory's initial contents (the same for every engine)."""
    root.mkdir(parents=True)
    (root / "input.txt").write_bytes(b"line one\nline two\nthird line, the last\n")
    (root / "data.bin").write_bytes(bytes(range(256)) * 16)
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "sub" / "nested.txt").write_bytes(b"nested\n")
    (root / "sub" / "deeper" / "leaf.txt").write_bytes(b"leaf\n")
    (root / "empty_dir").mkdir()
    (root / "link_to_input").symlink_to("input.txt")
    (root / "link_to_sub").symlink_to("sub")
    for p in [root, *root.rglob("*")]:
        if not p.is_symlink():
            p.chmod(0o755 if p.is_dir() else 0o644)


# -- trees ----------------------------------------------------------------------------------

def snapshot(root: Path) -> dict[str, tuple]:
    """Everything under `root`: relative path -> ("dir", mode) | ("file", mode, bytes) |
    ("symlink", target), mode being the permission bits."""
    out: dict[str, tuple] = {}
    if not root.exists():
        return out
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            st = p.lstat()
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("symlink", os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", oct(stat.S_IMODE(st.st_mode)))
            elif stat.S_ISREG(st.st_mode):
                out[rel] = ("file", oct(stat.S_IMODE(st.st_mode)), p.read_bytes())
            else:
                out[rel] = ("other", stat.S_IFMT(st.st_mode))
    return dict(sorted(out.items()))


def tree_text(tree: dict[str, tuple]) -> str:
    """A readable listing for assertion diffs."""
    lines = []
    for rel, what in tree.items():
        if what[0] == "file":
            data = what[2]
            digest = hashlib.sha256(data).hexdigest()[:16]
            shown = data[:60].decode("utf-8", "backslashreplace")
            lines.append(f"{rel}: file {what[1]} {len(data)} bytes sha256:{digest} {shown!r}")
        else:
            lines.append(f"{rel}: {' '.join(map(str, what))}")
    return "\n".join(lines)


# -- building -------------------------------------------------------------------------------

def shared_tmp(tmp_path_factory) -> Path:
    """A folder shared by all xdist workers of this pytest run."""
    return shared_folder(tmp_path_factory, "wasi-e2e")


@dataclass
class Result:
    stdout: bytes
    stderr: str
    status: int
    tree: dict[str, tuple] = field(default_factory=dict)

    def describe(self) -> str:
        return (f"status {self.status}\n--- stderr\n{self.stderr}\n--- stdout\n"
                f"{self.stdout.decode('utf-8', 'backslashreplace')}")


class Toolbox:
    """Compiles programs (once, shared by workers), builds them with w2c for a
    target (once, into the shared W2C_CACHE_DIR) and runs them under each engine."""

    def __init__(self, shared: Path):
        self.shared = shared
        self.cache = shared / "w2c-cache"
        self.modules = shared / "modules"
        self.locks = shared / "locks"
        self._wasmtime_results: dict[str, Result] = {}

    # modules
    def module(self, program: str) -> Path:
        """programs/<program>.c or .rs compiled to wasm32-wasi (once for all workers)."""
        c_src, rs_src = PROGRAMS / f"{program}.c", PROGRAMS / f"{program}.rs"
        src = c_src if c_src.exists() else rs_src
        kind = "c" if src.suffix == ".c" else "rust"
        out = self.modules / f"{program}.wasm"
        with file_lock(self.locks / f"module-{program}"):
            stamp = out.with_suffix(".src-sha256")
            digest = hashlib.sha256(src.read_bytes()).hexdigest()
            if out.exists() and stamp.exists() and stamp.read_text() == digest:
                return out
            self._require_toolchain(kind)
            out.parent.mkdir(parents=True, exist_ok=True)
            cmd = [*(CLANG_CMD if kind == "c" else RUSTC_CMD), str(src), "-o", str(out)]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
            if proc.returncode != 0:
                pytest.fail(f"{' '.join(cmd)} failed:\n{proc.stderr}")
            stamp.write_text(digest)
            return out

    def _require_toolchain(self, kind: str) -> None:
        """Skip, saying what to install, unless a trivial program builds for wasm32-wasi."""
        hint = WASI_CLANG_HINT if kind == "c" else RUSTC_HINT
        tool = "clang" if kind == "c" else RUSTC
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found ({hint})")
        probe = self.modules / f"probe-{kind}"
        if not (probe / "ok").exists():
            probe.mkdir(parents=True, exist_ok=True)
            src = probe / ("p.c" if kind == "c" else "p.rs")
            src.write_text("#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n"
                           if kind == "c" else "fn main() { println!(\"hi\"); }\n")
            cmd = [*(CLANG_CMD if kind == "c" else RUSTC_CMD), str(src), "-o",
                   str(probe / "p.wasm")]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
            if proc.returncode != 0:
                skip_wasi_toolchain(proc.stderr, tool, hint)
            (probe / "ok").write_text("")

    # w2c
    def w2c_cmd(self) -> list[str]:
        return [sys.executable, "-m", "w2c.cli"]

    def w2c_env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env["W2C_CACHE_DIR"] = str(self.cache)
        env.pop("W2C_PROGRESS", None)
        env.update(extra)
        return env

    def prebuild(self, wasm: Path, target: str | None = None) -> None:
        """Put the executable for (wasm, target) in the shared cache, once for all
        workers, so the runs compared below only hit the cache."""
        from w2c.program import BuildError, cached_program, load_target
        from w2c.features import Features
        name = target or "host"
        with file_lock(self.locks / f"build-{wasm.stem}-{name}"):
            old = os.environ.get("W2C_CACHE_DIR")
            os.environ["W2C_CACHE_DIR"] = str(self.cache)
            try:
                cached_program(wasm.read_bytes(), target=target, cc=None, cflags=(),
                               features=Features(), source_name=str(wasm))
            except BuildError as err:
                if target and "not found" in str(err):
                    profile = load_target(target)
                    pytest.skip(f"{err} (apt-get install -y {' '.join(profile.debian_packages)})")
                raise
            finally:
                if old is None:
                    del os.environ["W2C_CACHE_DIR"]
                else:
                    os.environ["W2C_CACHE_DIR"] = old

    def run_w2c(self, wasm: Path, case: Case, work: Path, target: str | None = None,
                sandbox: Path | None = None) -> Result:
        """`w2c run` on `wasm` the way `case` says, in its own copy of the sandbox."""
        self.prebuild(wasm, target)
        sandbox = sandbox if sandbox is not None else self._fresh_sandbox(work / "w2c")
        cmd = [*self.w2c_cmd(), "run"]
        if target:
            cmd += ["--target", target]
        cmd += ["--dir", f"{sandbox}::{GUEST_DIR}"]
        for k, v in case.env:
            cmd += ["--env", f"{k}={v}"]
        cmd += [str(wasm), "--", *case.args]
        return self._run(cmd, case, work / "w2c.stdout", sandbox, self.w2c_env())

    # wasmtime
    def run_wasmtime(self, wasm: Path, case: Case, work: Path,
                     sandbox: Path | None = None) -> Result:
        require_wasmtime()
        sandbox = sandbox if sandbox is not None else self._fresh_sandbox(work / "wasmtime")
        out = work / "wasmtime.stdout"
        cmd = [sys.executable, str(RUNNER), "--dir", f"{sandbox}::{GUEST_DIR}",
               "--stdin", str(self._stdin_file(case, work)), "--stdout", str(out)]
        for k, v in case.env:
            cmd += ["--env", f"{k}={v}"]
        cmd += [str(wasm), "--", *case.args]
        return self._run(cmd, case, out, sandbox, dict(os.environ), stdout_by_runner=True)

    def wasmtime_result(self, wasm: Path, case: Case, tmp_root: Path) -> Result:
        """run_wasmtime, once per case and worker (the cross tests compare with it twice)."""
        if case.id not in self._wasmtime_results:
            work = tmp_root / f"wasmtime-{case.id}"
            work.mkdir(parents=True, exist_ok=True)
            self._wasmtime_results[case.id] = self.run_wasmtime(wasm, case, work)
        return self._wasmtime_results[case.id]

    # helpers
    @staticmethod
    def _fresh_sandbox(where: Path) -> Path:
        sandbox = where / "sandbox"
        make_sandbox(sandbox)
        return sandbox

    @staticmethod
    def _stdin_file(case: Case, work: Path) -> Path:
        path = work / "stdin.bin"
        path.write_bytes(case.stdin)
        return path

    def _run(self, cmd: list[str], case: Case, out: Path, sandbox: Path, env: dict[str, str],
             stdout_by_runner: bool = False) -> Result:
        """Run `cmd` with the case's stdin; the guest's stdout is the file `out` (opened
        here, or by the wasmtime runner: then this process's stdout must stay empty)."""
        stdin = self._stdin_file(case, out.parent)
        with open(stdin, "rb") as fin:
            if stdout_by_runner:
                proc = subprocess.run(cmd, stdin=fin, capture_output=True, env=env,
                                      timeout=TIMEOUT)
                assert proc.stdout == b"", f"wasmtime_runner wrote to its stdout: {proc.stdout!r}"
            else:
                with open(out, "wb") as fout:
                    proc = subprocess.run(cmd, stdin=fin, stdout=fout, stderr=subprocess.PIPE,
                                          env=env, timeout=TIMEOUT)
        return Result(out.read_bytes() if out.exists() else b"",
                      proc.stderr.decode("utf-8", "backslashreplace"),
                      proc.returncode, snapshot(sandbox))


def require_target(target: str) -> None:
    """Skip (with the reason) unless the target's C compiler and emulator are here."""
    from w2c.program import load_target
    profile = load_target(target)
    missing = [c for c in [profile.cc, *profile.run[:1]] if shutil.which(c) is None]
    if missing:
        pytest.skip(f"{target}: {', '.join(missing)} not found (apt-get install -y "
                    f"{' '.join(profile.debian_packages)})")


@pytest.fixture(scope="session")
def toolbox(tmp_path_factory) -> Toolbox:
    return Toolbox(shared_tmp(tmp_path_factory))


def _diff(a: str, b: str, engine: str) -> str:
    return "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), "wasmtime", engine,
                                          lineterm="", n=1))


def assert_same(case: Case, ref: Result, got: Result, engine: str) -> None:
    """`got` (w2c) equals `ref` (wasmtime): stdout (byte for byte), exit status,
    stderr and the sandbox's tree; one failure lists every difference."""
    text = ref.stdout.decode("utf-8", "backslashreplace")
    for s in case.expect:
        assert s in text, f"wasmtime's stdout lacks {s!r}: the case is broken\n{ref.describe()}"
    if case.status is not None:
        assert ref.status == case.status, f"wasmtime's exit status\n{ref.describe()}"
    problems = []
    if case.w2c_stdout is not None:
        # an intended difference: each engine's stdout exactly as the case says
        assert text == case.wasmtime_stdout, (
            "wasmtime's stdout is not the one the intended difference expects:\n"
            + _diff(case.wasmtime_stdout, text, "wasmtime now"))
        out = got.stdout.decode("utf-8", "backslashreplace")
        if out != case.w2c_stdout:
            problems.append("stdout is not w2c's intended (spec) behaviour:\n" + _diff(
                case.w2c_stdout, out, engine))
    elif got.stdout != ref.stdout:
        problems.append("stdout differs:\n" + _diff(
            text, got.stdout.decode("utf-8", "backslashreplace"), engine))
    if got.status != ref.status:
        problems.append(f"exit status: {engine} {got.status}, wasmtime {ref.status}")
    if got.stderr != ref.stderr:
        problems.append("stderr differs:\n" + _diff(ref.stderr, got.stderr, engine))
    if got.tree != ref.tree:
        problems.append("the sandbox's contents differ afterwards:\n" + _diff(
            tree_text(ref.tree), tree_text(got.tree), engine))
    if problems:
        pytest.fail(f"{engine} disagrees with wasmtime ({case.id}):\n" + "\n".join(problems),
                    pytrace=False)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_program(case: Case, toolbox: Toolbox, tmp_path: Path) -> None:
    wasm = toolbox.module(case.program)
    ref = toolbox.run_wasmtime(wasm, case, tmp_path)
    got = toolbox.run_w2c(wasm, case, tmp_path)
    assert_same(case, ref, got, "w2c")


# -- malformed arguments: errnos, not crashes ---------------------------------------------------

TARGETS = [None, "rpi-aarch64", "rpi-armhf"]
TARGET_IDS = ["host" if t is None else t for t in TARGETS]

FAULT_STDOUT = """\
fd_write bad iovs: 21
fd_write iov buffer outside: 21
fd_write iov length past the end: 21
fd_write iov straddling the end of memory: 21
fd_write the last 2 bytes of memory to stderr (valid): 0
fd_read into the last 2 bytes (valid): 0
read into the end: 2
fd_write huge iovs_len: 21
fd_write zero iovs: 0
nwritten: 0
fd_read into outside: 21
fd_pread into outside: 21
fd_read nread pointer outside: 21
fd_tell after it: 0
offset: 2
fd_seek result outside: 21
fd_fdstat_get outside: 21
fd_filestat_get outside: 21
fd_prestat_get outside: 21
fd_prestat_dir_name outside: 21
args_sizes_get outside: 21
args_get outside: 21
environ_sizes_get outside: 21
environ_get outside: 21
clock_time_get outside: 21
clock_res_get outside: 21
random_get outside: 21
random_get length past the end: 21
path_open path outside: 21
path_open path length past the end: 21
path_open result outside: 21
path_filestat_get result outside: 21
path_readlink buffer outside: 21
path_symlink target outside: 21
path_create_directory path outside: 21
path_rename new path outside: 21
fd_readdir buffer outside: 21
poll_oneoff subscriptions outside: 21
poll_oneoff events outside: 21
poll_oneoff huge count: 21
stat created_by_bad_call.txt: 44
survived
"""


@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
def test_bad_pointers_give_efault(target: str | None, toolbox: Toolbox, tmp_path: Path) -> None:
    """Pointers and lengths outside linear memory: EFAULT (21) from every function,
    nothing done (no bytes moved, no file created), the program goes on.  wasmtime
    ends the program at the first one instead; where it does not, it must agree."""
    if target:
        require_target(target)
    case = Case("errnos_fault", "errnos", args=("fault",))
    wasm = toolbox.module(case.program)
    got = toolbox.run_w2c(wasm, case, tmp_path, target=target)
    out = got.stdout.decode("utf-8", "backslashreplace")
    if got.status != 0 or out.split("opened input.txt: yes sub: yes\n", 1)[-1] != FAULT_STDOUT:
        diff = difflib.unified_diff(FAULT_STDOUT.splitlines(), out.splitlines(), "expected",
                                    "w2c", lineterm="", n=1)
        pytest.fail(f"status {got.status}\n" + "\n".join(diff), pytrace=False)
    ref = toolbox.wasmtime_result(wasm, case, tmp_path)
    if ref.status == 0:
        assert_same(case, ref, got, "w2c")
    else:
        assert "Pointer out of bounds" in ref.stderr, ref.describe()


ENUM_CASES = {  # errnos enum NAME -> the line w2c prints (EINVAL, 28)
    "whence": "fd_seek whence 3: 28",
    "whence-big": "fd_seek whence 255: 28",
    "clock": "clock_time_get id 4: 28",
    "clock-res": "clock_res_get id 99: 28",
    "advice": "fd_advise advice 6: 28",
    "oflags": "path_open oflags 0x10: 28",
    "fdflags": "fd_fdstat_set_flags 0x20: 28",
    "lookupflags": "path_filestat_get lookupflags 2: 28",
    "fstflags": "fd_filestat_set_times fst_flags 0x10: 28",
    "fstflags-conflict": "fd_filestat_set_times ATIM|ATIM_NOW: 28",
    "signal": "proc_raise 99: 28",
    "eventtype": "poll_oneoff event type 3: 28",
    "poll-clock": "poll_oneoff clock id 7: 28",
    "subclockflags": "poll_oneoff subclockflags 2: 28",
}


@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
@pytest.mark.parametrize("name", list(ENUM_CASES))
def test_invalid_enum_values_give_einval(name: str, target: str | None, toolbox: Toolbox,
                                         tmp_path: Path) -> None:
    """An unknown whence, clock id, advice, signal, event type or flag bit: EINVAL,
    and the program goes on.  wasmtime agrees for some and ends the program with
    'Invalid enum value' / 'Invalid flag value' for the others."""
    if target:
        require_target(target)
    case = Case(f"errnos_enum_{name}", "errnos", args=("enum", name))
    wasm = toolbox.module(case.program)
    got = toolbox.run_w2c(wasm, case, tmp_path, target=target)
    want = f"{ENUM_CASES[name]}\nsurvived\n"
    if got.status != 0 or not got.stdout.endswith(want.encode()):
        pytest.fail(f"w2c should print {want!r} and exit 0:\n{got.describe()}", pytrace=False)
    ref = toolbox.wasmtime_result(wasm, case, tmp_path)
    if ref.status == 0:
        assert_same(case, ref, got, "w2c")
    else:
        assert "Invalid enum value" in ref.stderr or "Invalid flag value" in ref.stderr, \
            ref.describe()
