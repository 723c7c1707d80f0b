"""The import structure of the w2c package: no cycles, every module importable alone.

The graph is read with `ast` from every w2c/**/*.py, imports written inside
functions included (they hide a cycle from a plain `import` but not from a
later refactoring that moves them to the top).  An edge goes to the module
named: `from w2c.emit import consts` is an edge to w2c.emit.consts (a
submodule), `from w2c.emit import compile_module` one to w2c.emit.  The
implicit import of a package's __init__ by its submodules is not an edge
(Python has the package in sys.modules before a submodule runs).

Each module is also imported alone in a fresh interpreter, so a module that
only works when something else was imported first fails here.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "w2c"


def module_names() -> dict[str, Path]:
    """{dotted name: file} of every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _resolve(base: str, level: int, name: str) -> str:
    """The absolute name of a (possibly relative) import made from module `base`."""
    if not level:
        return name
    parts = base.split(".")[:len(base.split(".")) - level + 1]
    return ".".join(parts + ([name] if name else []))


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The w2c modules `name` imports, anywhere in its file."""
    base = name if path.name == "__init__.py" else name.rsplit(".", 1)[0] + ".x"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(base, node.level, node.module or "")
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in known:
                    found.add(sub)
                elif target in known:
                    found.add(target)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    names = module_names()
    known = set(names)
    return {n: imports_of(n, p, known) for n, p in names.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as [a, b, ..., a], or None (iterative DFS)."""
    state: dict[str, int] = {}          # 1: on the current path, 2: done
    for root in sorted(graph):
        if root in state:
            continue
        path = [root]
        stack = [iter(sorted(graph[root]))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph[nxt])))
    return None


def test_graph_is_read() -> None:
    """The walk sees imports at the top and inside functions (a sanity check)."""
    graph = import_graph()
    assert "w2c.cli" in graph and "w2c.errors" in graph["w2c.cli"]
    assert len(graph) >= 20


def test_find_cycle_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize("name", sorted(module_names()))
def test_imports_alone(name: str) -> None:
    """Importing w2c.__main__ runs the CLI: it is run as `python -m w2c --version`."""
    code = ["-m", "w2c", "--version"] if name == "w2c.__main__" else ["-c", f"import {name}"]
    proc = subprocess.run([sys.executable, *code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
