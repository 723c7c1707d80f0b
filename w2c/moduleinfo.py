"""A summary of a module's interface and layout, for `w2c info`.

Place in the pipeline: reads the decoded Module (w2c.module) after
validation (w2c.parse.check_module) and produces nothing the later stages
use.  `describe` gives a JSON-able dict (what `w2c info --json` prints);
`format_text` renders that dict as an aligned human-readable summary.
Function bodies are never decoded here: the code section is only counted.
"""
from __future__ import annotations

from w2c.module import (
    EXT_FUNC,
    EXT_GLOBAL,
    EXT_MEMORY,
    EXT_NAMES,
    EXT_TABLE,
    SEC_CUSTOM,
    SECTION_NAMES,
    GlobalType,
    Limits,
    MemType,
    Module,
    TableType,
    type_name,
)

# -- describe -------------------------------------------------------------------

def describe(module: Module, data_size: int) -> dict:
    """Everything `w2c info` reports about `module` (`data_size`: file size in bytes)."""
    imported_funcs = module.num_imported_funcs
    return {
        "name": module.names.module,
        "size": data_size,
        "features": sorted(module.features_used),
        "sections": [_section(s) for s in module.sections],
        "types": len(module.types),
        "functions": {"imported": imported_funcs, "defined": len(module.funcs),
                      "total": imported_funcs + len(module.funcs)},
        "imports": [_import(module, i) for i in module.imports],
        "exports": [{"name": e.name, "kind": EXT_NAMES.get(e.kind, str(e.kind)),
                     "index": e.index} for e in module.exports],
        "tables": _tables(module),
        "memories": _memories(module),
        "globals": _globals(module),
        "start": module.start,
        "elements": len(module.elems),
        "data": len(module.datas),
    }


def _section(s) -> dict:
    custom = s.id == SEC_CUSTOM
    return {"id": s.id,
            "name": s.name if custom else SECTION_NAMES.get(s.id, f"<{s.id}>"),
            "custom": custom, "offset": s.offset, "size": s.size}


def _limits(lim: Limits) -> dict:
    out = {"min": lim.min, "max": lim.max}
    if lim.shared:
        out["shared"] = True
    if lim.is64:
        out["is64"] = True
    return out


def _signature(module: Module, type_index) -> str:
    if isinstance(type_index, int) and 0 <= type_index < len(module.types):
        return str(module.types[type_index])
    return "<invalid type>"


def _desc_text(module: Module, kind: int, desc) -> str:
    """One-line description of an import's type or limits."""
    if kind == EXT_FUNC:
        return f"type {desc}: {_signature(module, desc)}"
    if kind == EXT_TABLE and isinstance(desc, TableType):
        return f"{type_name(desc.elem)} {_limits_of(_limits(desc.limits))}"
    if kind == EXT_MEMORY and isinstance(desc, MemType):
        return _limits_of(_mem_limits(desc), " pages")
    if kind == EXT_GLOBAL and isinstance(desc, GlobalType):
        return _global_text(desc)
    return str(desc)


def _mem_limits(mem: MemType) -> dict:
    out = _limits(mem.limits)
    if mem.limits.page_size != 65536:
        out["page_size"] = mem.limits.page_size
    return out


def _global_text(g: GlobalType) -> str:
    return f"{'mut ' if g.mutable else 'const '}{type_name(g.type)}"


def _import(module: Module, imp) -> dict:
    out = {"module": imp.module, "name": imp.name,
           "kind": EXT_NAMES.get(imp.kind, str(imp.kind)),
           "desc": _desc_text(module, imp.kind, imp.desc)}
    if imp.kind == EXT_FUNC:
        out["type"] = imp.desc
    return out


def _origin(imp) -> dict:
    return {"imported": True, "import": f"{imp.module}.{imp.name}"}


def _tables(module: Module) -> list[dict]:
    rows = [(t.table_type(), _origin(t)) for t in module.imported(EXT_TABLE)]
    rows += [(t, {"imported": False}) for t in module.tables]
    return [{"index": i, "type": type_name(t.elem), **_limits(t.limits), **origin}
            for i, (t, origin) in enumerate(rows)]


def _memories(module: Module) -> list[dict]:
    rows = [(m.mem_type(), _origin(m)) for m in module.imported(EXT_MEMORY)]
    rows += [(m, {"imported": False}) for m in module.mems]
    return [{"index": i, **_mem_limits(m), **origin} for i, (m, origin) in enumerate(rows)]


def _globals(module: Module) -> list[dict]:
    rows = [(g.global_type(), _origin(g)) for g in module.imported(EXT_GLOBAL)]
    rows += [(g.type, {"imported": False}) for g in module.globals]
    return [{"index": i, "type": type_name(g.type), "mutable": g.mutable, **origin}
            for i, (g, origin) in enumerate(rows)]


# -- text -------------------------------------------------------------------------

def _align(rows: list[list[str]], indent: str = "  ") -> list[str]:
    """Rows of cells as lines with every column padded to its widest cell."""
    if not rows:
        return []
    widths = [max(len(r[c]) for r in rows if c < len(r))
              for c in range(max(len(r) for r in rows))]
    return [indent + "  ".join(cell.ljust(widths[c]) for c, cell in enumerate(r)).rstrip()
            for r in rows]


def _origin_text(entry: dict) -> str:
    return f"imported {entry['import']}" if entry.get("imported") else "defined"


def _limits_of(entry: dict, unit: str = "") -> str:
    text = f"{entry['min']}..{'' if entry['max'] is None else entry['max']}{unit}"
    if entry.get("is64"):
        text = "i64 " + text
    if entry.get("shared"):
        text += " shared"
    if "page_size" in entry:
        text += f" (page size {entry['page_size']})"
    return text


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _summary(desc: dict) -> list[str]:
    f = desc["functions"]
    start = desc["start"]
    rows = [
        ["name", "$" + desc["name"] if desc["name"] is not None else "-"],
        ["size", f"{desc['size']} bytes"],
        ["features", ", ".join(desc["features"]) or "-"],
        ["types", str(desc["types"])],
        ["functions", f"{f['total']} ({f['imported']} imported, {f['defined']} defined)"],
        ["tables", str(len(desc["tables"]))],
        ["memories", str(len(desc["memories"]))],
        ["globals", str(len(desc["globals"]))],
        ["start", "-" if start is None else f"func {start}"],
        ["elements", _count(desc["elements"], "segment")],
        ["data", _count(desc["data"], "segment")],
    ]
    return _align(rows, indent="")


def _block(title: str, rows: list[list[str]]) -> list[str]:
    if not rows:
        return []
    return ["", f"{title}:"] + _align(rows)


def format_text(desc: dict) -> str:
    """The dict of `describe` as an aligned, human-readable summary."""
    lines = _summary(desc)
    lines += _block("sections", [
        [str(s["id"]), s["name"] if not s["custom"] else f'custom "{s["name"]}"',
         f"offset 0x{s['offset']:x}", f"size {s['size']}"] for s in desc["sections"]])
    lines += _block("imports", [
        [i["kind"], f"{i['module']}.{i['name']}", i["desc"]] for i in desc["imports"]])
    lines += _block("exports", [
        [e["name"], e["kind"], str(e["index"])] for e in desc["exports"]])
    lines += _block("tables", [
        [str(t["index"]), t["type"], _limits_of(t), _origin_text(t)] for t in desc["tables"]])
    lines += _block("memories", [
        [str(m["index"]), _limits_of(m, " pages"), _origin_text(m)] for m in desc["memories"]])
    lines += _block("globals", [
        [str(g["index"]), "mut" if g["mutable"] else "const", g["type"], _origin_text(g)]
        for g in desc["globals"]])
    return "\n".join(lines) + "\n"
