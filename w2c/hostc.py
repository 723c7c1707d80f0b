"""Reading an embedder's C (for `w2c check-host`, w2c/checkhost.py): the
host file is preprocessed by the real C compiler, then reduced to what
pycparser parses -- GNU extensions of the system headers blanked out,
function bodies emptied (only signatures are checked, and bodies use the
runtime's GNU statement expressions) -- with every line kept where it was,
so pycparser's coordinates are the host file's lines.  The result is each
function definition with its parameter and result types in a canonical
form (`CType`) that compares integer widths, signedness, floats, pointers
and struct types the way the target's ABI sees them.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pycparser import c_ast, c_generator
from pycparser.c_parser import CParser

# Tokens of preprocessed C that matter for the reduction: line markers and
# string/character literals (skipped whole), identifiers, brackets.
_TOKEN = re.compile(r"""
    (?P<marker>^[ \t]*\#[^\n]*)
  | (?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[(){}])
""", re.VERBOSE | re.MULTILINE)

# GNU keywords with a parenthesised argument: dropped with it.
_DROP_WITH_PARENS = {"__attribute__", "__attribute", "__asm__", "__asm", "asm", "__declspec"}
# GNU spellings of C keywords, and extended types pycparser does not know
# (in declarations of system headers only; never in a checked signature).
_RENAME = {"__extension__": "", "__restrict": "restrict", "__restrict__": "restrict",
           "__inline": "inline", "__inline__": "inline", "__const": "const",
           "__signed__": "signed", "__signed": "signed", "__volatile__": "volatile",
           "__volatile": "volatile", "__thread": "", "_Thread_local": "",
           "_Noreturn": "", "__int128": "long long"}
# Types the compiler knows and pycparser does not: declared first (on the
# line before the first line marker, so no line moves).  Some headers
# declare them again for compilers without them: allowed in C11.
_PRELUDE = ("typedef int __builtin_va_list; typedef double __float128; "
            "typedef double _Float128; typedef double _Float64; typedef float _Float32; "
            "typedef double _Float64x; typedef double _Float32x; typedef float _Float16; ")


class HostCError(Exception):
    """The host file cannot be preprocessed or parsed (the message says why)."""


@dataclass(frozen=True)
class CType:
    """A C type as the ABI sees it: kind is "int" (bits, signed), "float"
    (bits 32 or 64), "void", "ptr" (to: the pointee), "struct" (name), or
    "other" (name); text is how the host wrote it."""
    kind: str
    text: str
    bits: int = 0
    signed: bool = False
    to: CType | None = None
    name: str = ""

    def same(self, other: CType) -> bool:
        if self.kind != other.kind:
            return False
        if self.kind == "int":
            return (self.bits, self.signed) == (other.bits, other.signed)
        if self.kind == "float":
            return self.bits == other.bits
        if self.kind == "ptr":
            assert self.to is not None and other.to is not None
            return self.to.same(other.to)
        if self.kind in ("struct", "other"):
            return self.name == other.name
        return True

    def describe(self) -> str:
        if self.kind == "int":
            sign = "signed" if self.signed else "unsigned"
            return f"{self.text} ({sign} {self.bits}-bit integer)"
        if self.kind == "float":
            return f"{self.text} ({self.bits}-bit float)"
        if self.kind == "ptr":
            return f"{self.text} (a pointer)"
        return self.text


@dataclass(frozen=True)
class HostFunction:
    """A function the host file defines: its name, line, types."""
    name: str
    file: str
    line: int
    params: tuple[CType, ...]
    result: CType
    variadic: bool
    static: bool


@dataclass(frozen=True)
class Abi:
    """Sizes in bytes of the C integer types on the compiler's target."""
    sizes: dict[str, int]
    char_signed: bool


def _run(cmd: list[str]) -> str:
    try:
        p = subprocess.run(cmd, input="", capture_output=True, text=True, check=False)
    except OSError as err:
        raise HostCError(f"cannot run the C compiler {cmd[0]!r}: {err.strerror} (install it, "
                         f"or give --cc one on PATH)") from err
    if p.returncode != 0:
        first = next((ln for ln in p.stderr.splitlines() if "error" in ln), p.stderr.strip())
        raise HostCError(first.strip() or f"{cmd[0]} failed")
    return p.stdout


def probe_abi(cc: str, flags: list[str]) -> Abi:
    """The compiler's predefined __SIZEOF_*__ macros (gcc and clang)."""
    out = _run([cc, *flags, "-dM", "-E", "-x", "c", "-"])
    found = dict(re.findall(r"#define __SIZEOF_(\w+)__ (\d+)", out))
    sizes = {k: int(found.get(k, d)) for k, d in
             (("SHORT", 2), ("INT", 4), ("LONG", 8), ("LONG_LONG", 8), ("POINTER", 8))}
    return Abi(sizes, "__CHAR_UNSIGNED__" not in out)


def preprocess(cc: str, path: Path, flags: list[str]) -> str:
    """`cc -E` of the host file with the given -I/-D/-std flags."""
    return _run([cc, *flags, "-E", str(path)])


def _closing(toks: list[re.Match], i: int) -> int:
    """Index of the token that closes the bracket toks[i] opens."""
    open_ = toks[i].group()
    close = ")" if open_ == "(" else "}"
    depth = 0
    for j in range(i, len(toks)):
        t = toks[j].group()
        if t == open_:
            depth += 1
        elif t == close:
            depth -= 1
            if depth == 0:
                return j
    raise HostCError(f"unbalanced {open_!r} in the preprocessed host file")


def reduce_for_pycparser(text: str) -> str:
    """Blank GNU extensions and empty function bodies, keeping every line
    (and line marker) where it was."""
    toks = [m for m in _TOKEN.finditer(text) if m.lastgroup not in ("marker", "str")]
    spans: list[tuple[int, int, str]] = []   # (start, end, replacement)
    depth, prev, i = 0, "", 0
    while i < len(toks):
        tok = toks[i].group()
        nxt = toks[i + 1].group() if i + 1 < len(toks) else ""
        if tok in _DROP_WITH_PARENS and nxt in ("(", "volatile", "__volatile__", "goto"):
            k = i + 1
            while toks[k].group() != "(":
                k += 1
            end = _closing(toks, k)
            spans.append((toks[i].start(), toks[end].end(), ""))
            i = end + 1
            continue
        if tok in _RENAME:
            spans.append((toks[i].start(), toks[i].end(), _RENAME[tok]))
        elif tok == "{" and depth == 0 and prev == ")":
            end = _closing(toks, i)
            spans.append((toks[i].end(), toks[end].start(), ""))
            prev, i = "}", end + 1
            continue
        elif tok in ("(", "{"):
            depth += 1
        elif tok in (")", "}"):
            depth -= 1
        if tok not in _RENAME:
            prev = tok
        i += 1
    out, pos = [], 0
    for start, end, repl in spans:
        out.append(text[pos:start])
        out.append(repl + _kept_lines(text[start:end]))
        pos = end
    out.append(text[pos:])
    return _PRELUDE + "".join(out)


def _kept_lines(blanked: str) -> str:
    """The newlines and line markers of a blanked span, so lines stay put."""
    return "".join("\n" + ln if ln.lstrip().startswith("#") else "\n"
                   for ln in blanked.split("\n")[1:])


def parse(text: str, filename: str) -> c_ast.FileAST:
    try:
        return CParser().parse(text, filename)
    except Exception as err:   # pycparser's ParseError, and asserts on odd input
        raise HostCError(f"{err} (pycparser cannot read this preprocessed C)") from err


_INT_SIZES = {"char": "", "short": "SHORT", "int": "INT", "long": "LONG",
              "long long": "LONG_LONG"}


class TypeResolver:
    """Canonical CTypes of a parsed file's type nodes (typedefs followed)."""

    def __init__(self, ast: c_ast.FileAST, abi: Abi) -> None:
        self.abi = abi
        self.typedefs: dict[str, c_ast.Node] = {
            n.name: n.type for n in ast.ext if isinstance(n, c_ast.Typedef)}
        self.gen = c_generator.CGenerator()

    def resolve(self, node: c_ast.Node, shown: str | None = None) -> CType:
        shown = shown or (self.gen.visit(node).strip() or "int")
        if isinstance(node, (c_ast.PtrDecl, c_ast.ArrayDecl)):
            return CType("ptr", shown, to=self.resolve(node.type))
        if isinstance(node, c_ast.TypeDecl):
            return self._base(node.type, shown)
        if isinstance(node, c_ast.Typename):
            return self.resolve(node.type, shown)
        return CType("other", shown, name=shown)

    def named(self, name: str) -> CType | None:
        """The canonical type of a typedef name, if the file declares it."""
        return self.resolve(self.typedefs[name], name) if name in self.typedefs else None

    def _base(self, t: c_ast.Node, shown: str) -> CType:
        if isinstance(t, c_ast.Struct):
            return CType("struct", shown, name=f"struct {t.name}")
        if isinstance(t, c_ast.Union):
            return CType("struct", shown, name=f"union {t.name}")
        if isinstance(t, c_ast.Enum):
            return CType("int", shown, bits=8 * self.abi.sizes["INT"], signed=True)
        if not isinstance(t, c_ast.IdentifierType):
            return CType("other", shown, name=shown)
        names = list(t.names)
        if len(names) == 1 and names[0] in self.typedefs:
            return self.resolve(self.typedefs[names[0]], shown)
        return self._builtin(names, shown)

    def _builtin(self, names: list[str], shown: str) -> CType:
        if names == ["void"]:
            return CType("void", shown)
        if names in (["float"], ["double"]):
            return CType("float", shown, bits=32 if names == ["float"] else 64)
        if names == ["_Bool"]:
            return CType("int", shown, bits=8)
        core = [n for n in names if n not in ("signed", "unsigned")]
        key = " ".join(n for n in core if n != "int") or "int"
        if key not in _INT_SIZES:
            return CType("other", shown, name=" ".join(names))
        signed = "unsigned" not in names
        if key == "char":
            signed = "signed" in names or ("unsigned" not in names and self.abi.char_signed)
        size = 1 if key == "char" else self.abi.sizes[_INT_SIZES[key]]
        return CType("int", shown, bits=8 * size, signed=signed)


def host_functions(ast: c_ast.FileAST, resolver: TypeResolver,
                   main_file: str) -> list[HostFunction]:
    """Every function defined in the host file itself (not in its headers)."""
    found = []
    for node in ast.ext:
        if not isinstance(node, c_ast.FuncDef) or node.coord is None:
            continue
        if Path(str(node.coord.file)).resolve() != Path(main_file).resolve():
            continue
        decl = node.decl
        fdecl = decl.type
        params: list[CType] = []
        variadic = False
        for p in (fdecl.args.params if fdecl.args else []):
            if isinstance(p, c_ast.EllipsisParam):
                variadic = True
            else:
                params.append(resolver.resolve(p.type))
        if len(params) == 1 and params[0].kind == "void":
            params = []
        found.append(HostFunction(decl.name, main_file, node.coord.line, tuple(params),
                                  resolver.resolve(fdecl.type), variadic,
                                  "static" in (decl.storage or [])))
    return found


def read_host(cc: str, path: Path, flags: list[str]) -> tuple[list[HostFunction], TypeResolver]:
    """The functions `path` defines, and its types, as the compiler sees them."""
    try:
        abi = probe_abi(cc, flags)
    except HostCError as err:
        raise HostCError(f"{path}: {err}") from None
    ast = parse(reduce_for_pycparser(preprocess(cc, path, flags)), str(path))
    resolver = TypeResolver(ast, abi)
    return host_functions(ast, resolver, str(path)), resolver
