"""Host bindings checked against the module (`w2c check-host`, `w2c compile
--check-host`, `--host-stubs`): after decoding, beside the emitter.  The
module's function imports become the C prototypes the emitter declares in
OUT.h (w2c.emit.names: `R P_i_<module>__<name>(void *ctx, params...)`);
the host's C is read by w2c.hostc with the real compiler and pycparser, and
each import is matched with the host function of its generated name:
missing, static, wrong number of parameters, a parameter or result of
another width, signedness or kind (i32 vs i64, float vs double, a pointer
where an i32 offset is expected) are each one `Problem` with the host
file's line.  Imports from wasi_snapshot_preview1 are w2c's WASI
implementation's (OUT_wasi.c), not the host's, and are skipped.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from w2c.emit.module import unique_import_keys
from w2c.emit.names import c_type, result_type
from w2c.emit.wasi import WASI_MODULE
from w2c.hostc import CType, HostFunction, TypeResolver, read_host
from w2c.module import EXT_FUNC, FuncType, Module, type_name


@dataclass(frozen=True)
class Expected:
    """One function import as the generated header declares it."""
    module: str
    name: str
    cname: str
    type: FuncType

    def prototype(self) -> str:
        params = "".join(f", {c_type(t)} l{i}" for i, t in enumerate(self.type.params))
        return f"{result_type(self.type)} {self.cname}(void *ctx{params})"

    def label(self) -> str:
        return f'import "{self.module}" "{self.name}"'


@dataclass(frozen=True)
class Problem:
    """One mismatch: where (line 0: the host file as a whole) and what."""
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


def expected_imports(module: Module, prefix: str) -> list[Expected]:
    """The host's part of the module's function imports, once per C name."""
    seen: set[str] = set()
    out = []
    for key, imp in zip(unique_import_keys(module), module.imports, strict=True):
        if imp.kind != EXT_FUNC or imp.module == WASI_MODULE:
            continue
        cname = f"{prefix}_i_{key}"
        if cname not in seen:
            seen.add(cname)
            out.append(Expected(imp.module, imp.name, cname,
                                module.type_func(imp.func_type_index())))
    return out


def _wanted(t: int, resolver: TypeResolver) -> CType:
    """The canonical C type the header gives a Wasm value type."""
    name = c_type(t)
    found = resolver.named(name)
    if found is not None:
        return found
    scalar = {"uint32_t": ("int", 32), "uint64_t": ("int", 64), "float": ("float", 32),
              "double": ("float", 64)}
    if name in scalar:
        kind, bits = scalar[name]
        return CType(kind, name, bits=bits)
    return CType("other", name, name=name)


def _result_wanted(ft: FuncType, resolver: TypeResolver) -> CType:
    name = result_type(ft)
    if name == "void":
        return CType("void", "void")
    if len(ft.results) == 1:
        return _wanted(ft.results[0], resolver)
    return resolver.named(name) or CType("other", name, name=name)


def _wasm(t: int) -> str:
    return type_name(t)


def compare(exp: Expected, fn: HostFunction, resolver: TypeResolver) -> list[Problem]:
    """What is wrong with `fn` as the implementation of `exp`."""
    def problem(msg: str) -> Problem:
        return Problem(fn.file, fn.line, f"{exp.label()}: {msg}; expected `{exp.prototype()}`")

    if fn.static:
        return [problem(f"{fn.name} is static: the module's C cannot call it")]
    params = list(fn.params)
    if fn.variadic:
        return [problem(f"{fn.name} is variadic")]
    want = len(exp.type.params) + 1
    if len(params) != want:
        return [problem(f"{fn.name} has {len(params)} parameter"
                        f"{'' if len(params) == 1 else 's'}, not {want} "
                        f"(the context and {len(exp.type.params)} Wasm parameters)")]
    problems = []
    ctx = params[0]
    if not (ctx.kind == "ptr" and ctx.to is not None and ctx.to.kind == "void"):
        problems.append(problem(f"parameter 1 (the context) is {ctx.describe()}, expected void *"))
    for i, (got, t) in enumerate(zip(params[1:], exp.type.params, strict=True), start=2):
        w = _wanted(t, resolver)
        if not got.same(w):
            problems.append(problem(f"parameter {i} is {got.describe()}, "
                                    f"expected {w.describe()} for the Wasm {_wasm(t)}"))
    w = _result_wanted(exp.type, resolver)
    if not fn.result.same(w):
        wasm = " ".join(_wasm(t) for t in exp.type.results) or "nothing"
        problems.append(problem(f"returns {fn.result.describe()}, expected {w.describe()} "
                                f"for the Wasm result {wasm}"))
    return problems


def check_host(expected: list[Expected], host_files: list[Path], cc: str,
               flags: list[str]) -> list[Problem]:
    """Every problem of the host files against the module's imports (an
    import defined in no file is reported against the first file)."""
    defined: dict[str, tuple[HostFunction, TypeResolver]] = {}
    for path in host_files:
        functions, resolver = read_host(cc, path, flags)
        for fn in functions:
            defined.setdefault(fn.name, (fn, resolver))
    problems = []
    for exp in expected:
        if exp.cname not in defined:
            problems.append(Problem(str(host_files[0]), 0,
                                    f"{exp.label()}: not defined; define `{exp.prototype()}`"))
            continue
        fn, resolver = defined[exp.cname]
        problems.extend(compare(exp, fn, resolver))
    return problems


def host_stubs(expected: list[Expected], header: str) -> str:
    """A host C file to start from: each import as a stub returning zero."""
    lines = [f"/* Host functions for the imports declared in {header}: written by",
             " * `w2c compile --host-stubs`; fill in each body.  ctx is the import",
             " * module's ctx_<module> member of the imports struct. */",
             f'#include "{header}"', ""]
    for exp in expected:
        rt = result_type(exp.type)
        lines += [f"/* {exp.label()}: {exp.type} */", exp.prototype() + " {"]
        if rt != "void":
            lines.append(f"  {rt} r;")
        lines.append("  (void)ctx;")
        lines += [f"  (void)l{i};" for i in range(len(exp.type.params))]
        if rt != "void":
            lines += ["  W2C_MEMSET(&r, 0, sizeof r);", "  return r;"]
        lines += ["}", ""]
    return "\n".join(lines)
