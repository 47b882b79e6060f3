"""Scan step: find the Airflow operators and sensors that DAG files use, by reading them with `ast`.

DAG files are never imported or run. A class counts when it is imported from an
`airflow` module (`from … import X`, `from … import X as Y`, `import airflow.… as m`)
and instantiated; it is matched to a page by module and name, old names included.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.model import Diagnostic, Mapping, SourceLocation

OPERATOR_SUFFIXES = ("Operator", "Sensor", "Transfer")


@dataclass
class OperatorUse:
    """One operator class and where DAG files instantiate it."""

    module: str
    name: str
    places: list[str] = field(default_factory=list)


@dataclass
class ScanResult:
    uses: dict[tuple[str, str], OperatorUse] = field(default_factory=dict)
    errors: list[Diagnostic] = field(default_factory=list)
    files: int = 0


def dag_files(paths: list[Path]) -> list[Path]:
    """The Python files at `paths`, folders searched recursively, sorted."""
    found = []
    for path in paths:
        found.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return sorted(dict.fromkeys(found))


def scan_paths(paths: list[Path]) -> ScanResult:
    """Every operator class instantiated in the DAG files at `paths`."""
    result = ScanResult()
    for path in dag_files(paths):
        result.files += 1
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError as error:
            result.errors.append(Diagnostic(SourceLocation(str(path), error.lineno or 1), "unparsable-dag", f"not valid Python: {error.msg}"))
            continue
        except (OSError, UnicodeDecodeError) as error:
            result.errors.append(Diagnostic(SourceLocation(str(path), 1), "unparsable-dag", f"cannot read: {error}"))
            continue
        for module, name, line in instantiations(tree):
            use = result.uses.setdefault((module, name), OperatorUse(module, name))
            use.places.append(f"{path}:{line}")
    return result


def instantiations(tree: ast.Module) -> list[tuple[str, str, int]]:
    """(module, class, line) of every call of an operator class imported from `airflow`."""
    classes: dict[str, tuple[str, str]] = {}  # local name → (module, class)
    modules: dict[str, str] = {}  # local name → module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "airflow" and not node.level:
            for alias in node.names:
                if alias.name.endswith(OPERATOR_SUFFIXES):
                    classes[alias.asname or alias.name] = (node.module, alias.name)
                else:
                    modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "airflow":
                    # `import airflow.x.y` binds `airflow`; `import airflow.x.y as m` binds `m` to the module.
                    modules[alias.asname or "airflow"] = alias.name if alias.asname else "airflow"
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in classes:
            found.append((*classes[node.func.id], node.lineno))
        elif isinstance(node.func, ast.Attribute) and node.func.attr.endswith(OPERATOR_SUFFIXES):
            module = _dotted(node.func.value, modules)
            if module is not None:
                found.append((module, node.func.attr, node.lineno))
    return sorted(found, key=lambda item: item[2])


def _dotted(node: ast.expr, modules: dict[str, str]) -> str | None:
    """The module an expression like `airflow.contrib.operators.x` or `ops` names, if imported."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in modules:
        return None
    return ".".join([modules[node.id], *reversed(parts)])


def page_index(mappings: list[Mapping]) -> tuple[dict[tuple[str, str], Mapping], dict[str, Mapping]]:
    """Pages by exact (module, class), current and old, and by class name alone."""
    by_path: dict[tuple[str, str], Mapping] = {}
    by_name: dict[str, Mapping] = {}
    for mapping in mappings:
        by_path[(mapping.text("module"), mapping.operator)] = mapping
        for alias in mapping.aliases:
            module, _, name = alias.rpartition(".")
            by_path[(module, name)] = mapping
        for name in mapping.names:
            by_name.setdefault(name, mapping)
    return by_path, by_name


def checklist_rows(result: ScanResult, mappings: list[Mapping], site_url: str) -> list[dict]:
    """One row per operator class used: its uses and the page it maps to, if any."""
    by_path, by_name = page_index(mappings)
    rows = []
    for (module, name), use in sorted(result.uses.items(), key=lambda item: (item[0][1], item[0][0])):
        mapping = by_path.get((module, name)) or by_name.get(name)
        rows.append(
            {
                "class": name,
                "module": module,
                "uses": len(use.places),
                "places": use.places,
                "operator": mapping.operator if mapping else None,
                "page": f"{site_url}{mapping.url}" if mapping else None,
            }
        )
    return rows


def render_markdown(rows: list[dict], result: ScanResult) -> str:
    """The migration checklist in Markdown, one line per operator class."""
    mapped = sum(1 for row in rows if row["page"])
    lines = [
        f"# Migration checklist: {len(rows)} operator classes in {result.files} DAG files ({mapped} with a page)",
        "",
    ]
    for row in rows:
        uses = f"×{row['uses']}"
        if row["page"]:
            old = f" (old name of {row['operator']})" if row["operator"] != row["class"] else ""
            lines.append(f"- [ ] `{row['class']}` {uses}{old} → [{row['operator']} → Prefect]({row['page']})")
        else:
            lines.append(f"- [ ] `{row['class']}` {uses} — **no page yet** (`{row['module']}`)")
    return "\n".join(lines) + "\n"


def render_json(rows: list[dict], result: ScanResult) -> str:
    payload = {"files": result.files, "operators": rows, "errors": [str(error) for error in result.errors]}
    return json.dumps(payload, indent=2, sort_keys=True) + "\n"
