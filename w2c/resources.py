"""Where w2c's data folders are: the C runtime, the target descriptions, the templates.

The repository keeps `runtime_c/` and `targets/` at its top level, beside
the `w2c/` package; a wheel ships them inside the package as
`w2c/runtime_c/` and `w2c/targets/` (see `[tool.setuptools]` in
pyproject.toml).  The templates live in `w2c/templates/` in both.  The
functions below return the folder that exists, so the same code runs from
a source checkout (with or without an editable install) and from an
installed wheel:

    runtime_dir()    -> .../runtime_c   C runtime sources and headers
    targets_dir()    -> .../targets     target descriptions (compilers, flags)
    templates_dir()  -> .../templates   Jinja2 templates of the C emitter

Use these rather than importlib.resources: runtime_c/ and targets/ are
data folders without __init__.py, which an editable install cannot import
as `w2c.runtime_c`.  Each function raises FileNotFoundError, naming the
places it looked, if neither layout is present (a broken install).
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent   # .../w2c
_SOURCE_ROOT = _PACKAGE_DIR.parent                # the repository, in a checkout


def _find(name: str, *candidates: Path) -> Path:
    for path in candidates:
        if path.is_dir():
            return path
    looked = ", ".join(str(p) for p in candidates)
    raise FileNotFoundError(f"w2c data folder {name!r} not found (looked in {looked})")


def runtime_dir() -> Path:
    """The C runtime folder: `w2c/runtime_c` installed, `runtime_c` in a checkout."""
    return _find("runtime_c", _PACKAGE_DIR / "runtime_c", _SOURCE_ROOT / "runtime_c")


def targets_dir() -> Path:
    """The target descriptions: `w2c/targets` installed, `targets` in a checkout."""
    return _find("targets", _PACKAGE_DIR / "targets", _SOURCE_ROOT / "targets")


def templates_dir() -> Path:
    """The emitter's templates: `w2c/templates` in both layouts."""
    return _find("templates", _PACKAGE_DIR / "templates")
