"""`w2c compile -j N` leaves no worker process behind (w2c/emit/translate.py):
not when it ends, not after a bad function body found in a worker, not
after SIGTERM to w2c alone, and not after Ctrl-C (SIGINT to the whole
process group, as a terminal sends it).

Each command runs in a session of its own; the test lists the session's
processes from /proc and waits (bounded) for it to be empty.  No wait is
unbounded: a command that does not end in time is killed with its session
and the test fails (a worker killed while it sent a result once hung the
pool's shutdown, see w2c.emit.translate._terminate).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import wasmbin as w

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")

FUNCS = 3000        # enough work that the workers are busy when the signal comes
GONE_WITHIN = 30.0  # seconds for every process of the session to end
ENDS_WITHIN = 120.0  # seconds for the command to end after a signal


def big_module(bad_last: bool = False) -> bytes:
    """FUNCS functions of some arithmetic each; with bad_last, the last body
    is ill-typed (the error surfaces in a worker)."""
    body = b"\x20\x00" + b"\x41\x07\x6a\x41\x03\x6c" * 40 + b"\x0b"   # (x + 7) * 3, 40 times
    bad = b"\x20\x00\x42\x01\x6a\x0b"                                     # i32 + i64
    bodies = [w.func_body(bad if bad_last and i == FUNCS - 1 else body) for i in range(FUNCS)]
    return w.module(w.section(w.TYPE, w.vec([w.functype([w.I32], [w.I32])])),
                    w.section(w.FUNCTION, w.vec([w.uleb(0)] * FUNCS)),
                    w.section(w.EXPORT, w.vec([w.export("f0", w.EXT_FUNC, 0)])),
                    w.code_section(bodies))


def session_members(sid: int) -> list[int]:
    """The processes of session sid (the field after the command's parenthesis)."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[3]) == sid:
            out.append(int(d.name))
    return out


def wait_gone(sid: int) -> list[int]:
    deadline = time.monotonic() + GONE_WITHIN
    while (left := session_members(sid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def start(tmp_path: Path, module: bytes) -> subprocess.Popen:
    (tmp_path / "m.wasm").write_bytes(module)
    return subprocess.Popen([sys.executable, "-m", "w2c", "compile", str(tmp_path / "m.wasm"),
                             "-o", str(tmp_path / "out" / "m.c"), "--num-outputs", "2",
                             "-j", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, preexec_fn=_sigint_default)


def _sigint_default() -> None:
    """Ctrl-C as at a terminal: a test run in the background (`cmd &` in a
    script) inherits SIGINT ignored, and Python keeps it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_workers(proc: subprocess.Popen) -> None:
    """Until the command has its worker processes (or has ended)."""
    deadline = time.monotonic() + 120
    while proc.poll() is None:
        if len(session_members(proc.pid)) >= 4:   # w2c, resource tracker, 2 workers
            return
        if time.monotonic() > deadline:
            end(proc)
            pytest.fail("w2c started no workers within 120 s")
        time.sleep(0.05)


def end(proc: subprocess.Popen) -> None:
    """Kill the command's whole session (a test never leaves it running)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()


def finish(proc: subprocess.Popen, timeout: float) -> str:
    """The command's stderr once it has ended; fails (and kills it) after timeout seconds."""
    try:
        return proc.communicate(timeout=timeout)[1]
    except subprocess.TimeoutExpired:
        left = session_members(proc.pid)
        end(proc)
        pytest.fail(f"w2c did not end within {timeout:.0f} s (session: {left})")


def test_workers_end_with_the_command(tmp_path):
    p = start(tmp_path, big_module())
    err = finish(p, 600)
    assert p.returncode == 0, err
    assert wait_gone(p.pid) == []


def test_workers_end_after_an_error(tmp_path):
    p = start(tmp_path, big_module(bad_last=True))
    err = finish(p, 600)
    assert p.returncode == 1 and err.startswith("error: ") and "Traceback" not in err, err
    assert wait_gone(p.pid) == []
    assert not (tmp_path / "out" / "m.c").exists()


@pytest.mark.parametrize("how", ["sigterm", "ctrl-c"])
def test_workers_end_after_a_signal(tmp_path, how):
    p = start(tmp_path, big_module())
    wait_for_workers(p)
    if p.poll() is not None:
        pytest.skip("the translation ended before the signal (machine too fast)")
    if how == "sigterm":
        os.kill(p.pid, signal.SIGTERM)
    else:
        os.killpg(p.pid, signal.SIGINT)
    err = finish(p, ENDS_WITHIN)
    assert p.returncode != 0
    assert "Traceback" not in err, err
    assert wait_gone(p.pid) == []
    assert not (tmp_path / "out" / "m.c").exists()
