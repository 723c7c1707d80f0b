"""Recipes of the real-program bench (bench/realprogs.py) and of the
end-to-end tests tests/programs/test_real_programs.py: three C code bases
from source packages, pinned by version and sha256, built to wasm32-wasi
(Debian clang 14 + wasi-libc) and natively (gcc -O2), with their workloads.

    SQLite 3.52.0 shell   npm `sqlite3` 6.0.1 (its deps/sqlite-autoconf-3520000.tar.gz:
                          shell.c + the sqlite3.c amalgamation)
    Brotli 1.2.1 CLI      PyPI `brotli` sdist (c/ and c/tools/brotli.c; its testdata
                          has the Canterbury texts used as corpus)
    QuickJS 2021-03-27    PyPI `quickjs` 1.19.4 sdist (upstream-quickjs/: the library;
                          bench/real/qjs_main.c is the host, the sdist has no qjs shell)

The archives are downloaded with the registries' own clients (`pip download
--no-binary :all:`, `npm pack`) into $W2C_BENCH_CACHE (default
~/.cache/w2c-bench), checked against their sha256 and unpacked there; no
third-party source is kept in this repository.  Every WASI adaptation is a
compiler flag (the *_WASM defines below, each with its reason); no source is
patched.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
WASI_CC = ["clang", "--target=wasm32-wasi", "-O2", "-Wl,--strip-all"]
NATIVE_CC = ["gcc", "-O2"]


class RecipeError(Exception):
    """A source package cannot be fetched, checked or built (the message says why)."""


class FetchError(RecipeError):
    """A source package cannot be downloaded (no network, no npm)."""


@dataclass(frozen=True)
class Archive:
    registry: str         # "pypi" (pip download) or "npm" (npm pack)
    package: str
    version: str
    filename: str         # what the client saves
    sha256: str
    root: str             # the folder of the sources once unpacked
    inner: str = ""       # a tarball inside the archive that holds `root`
    inner_sha256: str = ""


SQLITE = Archive("npm", "sqlite3", "6.0.1", "sqlite3-6.0.1.tgz",
                 "ab8d044a93e05bd031d7ea75547c7fa60387cdc259d27f93c0e3e2832c4b1df9",
                 "sqlite-autoconf-3520000", "package/deps/sqlite-autoconf-3520000.tar.gz",
                 "f6b50b0c103392af32a8be15b2b9d25959de9a00a70c3979128aafeaa5338b3f")
BROTLI = Archive("pypi", "brotli", "1.2.1", "brotli-1.2.1.tar.gz",
                 "02b2f7b5a83485efe448a44ddf7983def05c3bb1dcf917d4f7154070260e13de",
                 "brotli-1.2.1")
QUICKJS = Archive("pypi", "quickjs", "1.19.4", "quickjs-1.19.4.tar.gz",
                  "1205953abc24ff757f4a795304d5d61e4bf1e555c9ef6ec96a132d4b95535484",
                  "quickjs-1.19.4/upstream-quickjs")


@dataclass(frozen=True)
class Program:
    name: str
    archive: Archive
    sources: tuple[str, ...]                    # under the archive's root (globs)
    own_sources: tuple[str, ...] = ()           # under bench/real/
    includes: tuple[str, ...] = ()              # under the archive's root
    defines: tuple[str, ...] = ()               # both builds
    wasm_flags: tuple[str, ...] = ()            # the wasm32-wasi build only
    native_flags: tuple[str, ...] = ()
    libs_native: tuple[str, ...] = ("-lm",)


# SQLite: the shell in its documented WASI shape (no threads, no extension
# loading, no WAL: wasi-libc has no shared mmap, no popen/system); chmod and
# realpath (its fileio extension) do not exist in wasi-libc: they fail.
SQLITE_DEFINES = ("-DSQLITE_THREADSAFE=0", "-DSQLITE_OMIT_LOAD_EXTENSION", "-DSQLITE_OMIT_WAL",
                  "-DSQLITE_OMIT_POPEN", "-DSQLITE_NOHAVE_SYSTEM")
SQLITE_WASM = ("-DSQLITE_WASI", "-D_WASI_EMULATED_SIGNAL", "-D_WASI_EMULATED_PROCESS_CLOCKS",
               "-D_WASI_EMULATED_GETPID", "-Dchmod(p,m)=(-1)", "-Drealpath(p,b)=((char*)0)",
               "-lwasi-emulated-signal", "-lwasi-emulated-process-clocks",
               "-lwasi-emulated-getpid")
# Brotli's CLI: clock() (its -v timing) is wasi-libc's emulated process clock;
# chmod/chown (copying the input's mode to the output file) become no-ops, as
# brotli.c itself does on Windows.
BROTLI_WASM = ("-D_WASI_EMULATED_PROCESS_CLOCKS", "-Dchmod(f,p)=(0)", "-Dchown(f,o,g)=(0)",
               "-lwasi-emulated-process-clocks")
# QuickJS: EMSCRIPTEN is the upstream switch for a single-threaded target with
# no stack probing and no malloc_usable_size (no Atomics, no pthreads), used
# for both builds so they run the same code; no CONFIG_BIGNUM (BigFloat needs
# directed rounding).  wasi-libc's <fenv.h> has only FE_TONEAREST: the two
# other modes, which toFixed/toPrecision try for ties, get musl's values and
# fesetround refuses them (ties then round away from zero).
QUICKJS_DEFINES = ('-DCONFIG_VERSION="2021-03-27"', "-DEMSCRIPTEN")
QUICKJS_WASM = ("-DFE_DOWNWARD=0x400", "-DFE_UPWARD=0x800")

PROGRAMS = {
    "sqlite": Program("sqlite", SQLITE, ("shell.c", "sqlite3.c"), defines=SQLITE_DEFINES,
                      wasm_flags=SQLITE_WASM),
    "brotli": Program("brotli", BROTLI, ("c/common/*.c", "c/dec/*.c", "c/enc/*.c",
                                         "c/tools/brotli.c"),
        includes=("c/include",), wasm_flags=BROTLI_WASM),
    "quickjs": Program("quickjs", QUICKJS, ("cutils.c", "libbf.c", "libregexp.c", "libunicode.c",
                                            "quickjs.c"),
                       own_sources=("qjs_main.c",), includes=(".",), defines=QUICKJS_DEFINES,
                       wasm_flags=QUICKJS_WASM),
}


# -- fetching -------------------------------------------------------------------------------------

def cache_dir() -> Path:
    return Path(os.environ.get("W2C_BENCH_CACHE") or Path.home() / ".cache" / "w2c-bench")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _download_command(a: Archive, dest: Path) -> list[str]:
    if a.registry == "pypi":
        return [sys.executable, "-m", "pip", "download", "--disable-pip-version-check",
                "--no-binary", ":all:", "--no-deps", f"{a.package}=={a.version}", "-d", str(dest)]
    if shutil.which("npm") is None:
        raise FetchError(f"npm not found (needed for the {a.package} package; apt-get install "
                          f"npm, or put {a.filename} into {cache_dir() / 'archives'})")
    return ["npm", "pack", "--silent", f"{a.package}@{a.version}", "--pack-destination", str(dest)]


def fetch(a: Archive) -> Path:
    """The archive in the cache, downloaded first if need be; its sha256 checked."""
    path = cache_dir() / "archives" / a.filename
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
            cmd = _download_command(a, Path(tmp))
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            except (OSError, subprocess.TimeoutExpired) as e:
                raise FetchError(f"{' '.join(cmd)}: {e}") from None
            got = Path(tmp) / a.filename
            if proc.returncode != 0 or not got.exists():
                raise FetchError(f"{' '.join(cmd)} failed (exit {proc.returncode}): "
                                  f"{(proc.stderr or proc.stdout).strip()[-600:]}")
            os.replace(got, path)
    digest = sha256(path)
    if digest != a.sha256:
        raise RecipeError(f"{path}: sha256 {digest}, expected {a.sha256} (delete it to refetch)")
    return path


def _extract(tar_path: Path, dest: Path, members: str) -> None:
    with tarfile.open(tar_path) as tar:
        chosen = [m for m in tar.getmembers() if m.name == members
                  or m.name.startswith(members.rstrip("/") + "/")]
        if not chosen:
            raise RecipeError(f"{tar_path}: no {members} inside")
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+: no links out of dest
            tar.extractall(dest, members=chosen, filter="data")
        else:
            tar.extractall(dest, members=chosen)


def source_root(a: Archive) -> Path:
    """The unpacked sources (unpacked once into the cache)."""
    base = cache_dir() / "src" / f"{a.package}-{a.version}"
    done = base / ".unpacked"
    if not done.exists():
        archive = fetch(a)
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        if a.inner:
            _extract(archive, base, a.inner)
            digest = sha256(base / a.inner)
            if digest != a.inner_sha256:
                raise RecipeError(f"{base / a.inner}: sha256 {digest}, expected {a.inner_sha256}")
            _extract(base / a.inner, base, a.root)
        else:
            _extract(archive, base, a.root.split("/")[0])
        done.touch()
    return base / a.root


# -- building -------------------------------------------------------------------------------------

def _command(p: Program, wasm: bool, out: Path) -> list[str]:
    root = source_root(p.archive)
    cc = WASI_CC if wasm else NATIVE_CC
    flags = [*p.defines, *(p.wasm_flags if wasm else p.native_flags)]
    cflags = [f for f in flags if not f.startswith("-l")]
    libs = [f for f in flags if f.startswith("-l")] + ([] if wasm else list(p.libs_native))
    return [*cc, "-w", *cflags, *(f"-I{root / i}" for i in p.includes),
            *(str(f) for s in p.sources for f in sorted(root.glob(s))),
            *(str(HERE / s) for s in p.own_sources),
            *libs, "-o", str(out)]


def build_key(p: Program, wasm: bool) -> str:
    """A hash of the build command (flags, sources, own files' contents)."""
    h = hashlib.sha256(repr((p, wasm, WASI_CC if wasm else NATIVE_CC)).encode())
    for s in p.own_sources:
        h.update((HERE / s).read_bytes())
    return h.hexdigest()[:16]


def build(p: Program, wasm: bool) -> Path:
    """The program's wasm32-wasi module (wasm) or native executable, built
    once into the cache (keyed by the command)."""
    kind = "wasm" if wasm else "native"
    out = cache_dir() / "build" / f"{p.name}-{kind}-{build_key(p, wasm)}"
    out = out.with_suffix(".wasm") if wasm else out
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    cmd = _command(p, wasm, tmp)
    if shutil.which(cmd[0]) is None:
        raise RecipeError(f"{cmd[0]} not found (apt-get install clang lld wasi-libc "
                          "libclang-rt-14-dev-wasm32 gcc)")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise RecipeError(f"{p.name}: {' '.join(cmd[:3])} ... failed (exit {proc.returncode}):\n"
                          f"{proc.stderr.strip()[-2000:]}")
    os.replace(tmp, out)
    return out


# -- workloads ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Workload:
    """One run of a program: its arguments and stdin at a size ("bench" or "test")."""
    name: str
    program: str
    args: tuple[str, ...]
    stdin: bytes = field(repr=False)


SIZES = {"bench": {"rows": 200_000, "js": 60_000, "repeat": 4, "quality": "9"},
         "test": {"rows": 20_000, "js": 8_000, "repeat": 1, "quality": "5"}}


def sqlite_script(rows: int) -> str:
    """SQL of an order-processing database: bulk inserts in a transaction, an
    index, joins, aggregates, window functions, updates and deletes."""
    customers = max(rows // 20, 10)
    seq = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<{})"
    # temp_store: the sorter of CREATE INDEX spills to temporary files past a few MB, and
    # a WASI guest without preopened directories has none ("disk I/O error")
    return f"""\
PRAGMA temp_store = MEMORY;
CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT, region TEXT);
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INT, amount INT, day INT, note TEXT);
BEGIN;
{seq.format(customers)} INSERT INTO customer SELECT x, 'cust' || x, char(65 + x % 7) FROM c;
{seq.format(rows)} INSERT INTO orders
  SELECT x, 1 + (x * 7919) % {customers}, (x * 31337) % 1000, x % 365,
         printf('%08x-%d', (x * 2654435761) % 4294967296, x % 97) FROM c;
COMMIT;
CREATE INDEX orders_customer ON orders(customer);
SELECT region, count(*), sum(amount), round(avg(amount), 3)
  FROM orders JOIN customer ON customer.id = orders.customer GROUP BY region ORDER BY region;
SELECT name, total FROM (SELECT customer, sum(amount) AS total FROM orders GROUP BY customer)
  JOIN customer ON id = customer ORDER BY total DESC, name LIMIT 5;
SELECT day, count(*) FROM orders WHERE note LIKE '%ab%' GROUP BY day ORDER BY 2 DESC, 1 LIMIT 5;
SELECT customer, amount, rnk FROM (SELECT customer, amount,
    rank() OVER (PARTITION BY customer % 10 ORDER BY amount DESC, id) AS rnk FROM orders)
  WHERE rnk <= 2 ORDER BY customer % 10, rnk LIMIT 20;
UPDATE orders SET amount = amount * 2 WHERE day % 7 = 0;
DELETE FROM orders WHERE amount < 10;
SELECT count(*), sum(amount), total(amount * 1.5), min(note), max(note) FROM orders;
SELECT c.region, count(DISTINCT o.day), group_concat(DISTINCT o.amount % 3)
  FROM customer c JOIN orders o ON o.customer = c.id GROUP BY c.region ORDER BY 1;
SELECT note FROM orders ORDER BY substr(note, 5), id LIMIT 3;
"""


def brotli_corpus(repeat: int) -> bytes:
    """English texts of the Canterbury corpus and a binary map file from
    Brotli's own test data, `repeat` times."""
    data = source_root(BROTLI) / "tests" / "testdata"
    names = ("alice29.txt", "asyoulik.txt", "lcet10.txt", "plrabn12.txt", "mapsdatazrh")
    return b"".join((data / n).read_bytes() for n in names) * repeat


WORKLOADS = ("sqlite", "brotli-compress", "brotli-decompress", "quickjs")


def workload(name: str, size: str,
             compress: Callable[[bytes, tuple[str, ...]], bytes] | None = None) -> Workload:
    """The workload `name` at `size`; the decompression's input is the corpus
    compressed by `compress(data, args)` (default: the native Brotli CLI)."""
    s = SIZES[size]
    args = ("-c", "-q", s["quality"])
    if name == "sqlite":
        return Workload(name, "sqlite", (), sqlite_script(s["rows"]).encode())
    if name == "quickjs":
        js = f"const N = {s['js']};\n".encode() + (HERE / "workload.js").read_bytes()
        return Workload(name, "quickjs", (), js)
    corpus = brotli_corpus(s["repeat"])
    if name == "brotli-compress":
        return Workload(name, "brotli", args, corpus)
    if name == "brotli-decompress":
        return Workload(name, "brotli", ("-d", "-c"), (compress or native_brotli)(corpus, args))
    raise ValueError(f"no workload {name!r} (known: {', '.join(WORKLOADS)})")


def workloads(size: str, programs: list[str]) -> list[Workload]:
    """The workloads of `programs` at `size`."""
    return [workload(n, size) for n in WORKLOADS if n.split("-")[0] in programs]


def native_brotli(data: bytes, args: tuple[str, ...]) -> bytes:
    """`data` through the native Brotli CLI with `args`."""
    exe = build(PROGRAMS["brotli"], wasm=False)
    proc = subprocess.run([str(exe), *args], input=data, capture_output=True, timeout=600)
    if proc.returncode != 0:
        raise RecipeError(f"native brotli failed: {proc.stderr.decode(errors='replace')}")
    return proc.stdout
