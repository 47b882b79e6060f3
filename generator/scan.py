"""Scan step: find the Airflow classes that DAG files instantiate, by reading them with `ast`, and match them to pages.

DAG files are never imported or run. A class counts when a DAG instantiates it
(`X(...)`, or `X.partial(...)` for dynamic task mapping) and it was imported by name
(`from … import X`, `from … import X as Y`, `import airflow.… as m`) or defined in the
file. The inventory resolves each import path to one current class: old module paths,
old names and removed classes lead to the class that replaced them.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.coverage import coverage_of
from generator.inventory import Inventory, ProviderClass
from generator.model import Diagnostic, Mapping, SourceLocation

OPERATOR_SUFFIXES = ("Operator", "Sensor", "Transfer")
DYNAMIC_MAPPING = "partial"
"""`Operator.partial(...).expand(...)` / `.expand_kwargs(...)`: the `partial` call is the instantiation."""
LOCAL_MODULE = "<defined in the DAG file>"
AROUND_PAGE = "concepts/around-aws-operators/"
CORE_CLASS_ANCHORS = {
    "PythonOperator": "pythonoperator-and-bashoperator",
    "BashOperator": "pythonoperator-and-bashoperator",
    "EmptyOperator": "emptyoperator-and-dummyoperator",
    "DummyOperator": "emptyoperator-and-dummyoperator",
    "BranchPythonOperator": "branchpythonoperator-and-shortcircuitoperator",
    "ShortCircuitOperator": "branchpythonoperator-and-shortcircuitoperator",
    "TriggerDagRunOperator": "triggerdagrunoperator-and-externaltasksensor",
    "ExternalTaskSensor": "triggerdagrunoperator-and-externaltasksensor",
}
"""Airflow's own classes that sit around AWS tasks, by the section of the page that maps them."""


@dataclass
class OperatorUse:
    """One class, by the import path a DAG used, and where DAG files instantiate it."""

    module: str
    name: str
    places: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"{self.module}.{self.name}"


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
    """(module, class, line) of every instantiation of an operator class imported by name or defined in the file."""
    classes: dict[str, tuple[str, str]] = {}  # local name → (module, class)
    modules: dict[str, str] = {}  # local name → module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name.endswith(OPERATOR_SUFFIXES):
                    classes[alias.asname or alias.name] = (node.module, alias.name)
                elif node.module.split(".")[0] == "airflow":
                    modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "airflow":
                    # `import airflow.x.y` binds `airflow`; `import airflow.x.y as m` binds `m` to the module.
                    modules[alias.asname or "airflow"] = alias.name if alias.asname else "airflow"
        elif isinstance(node, ast.ClassDef) and node.name.endswith(OPERATOR_SUFFIXES):
            classes.setdefault(node.name, (LOCAL_MODULE, node.name))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        target = node.func
        if isinstance(target, ast.Attribute) and target.attr == DYNAMIC_MAPPING:
            target = target.value
        if isinstance(target, ast.Name) and target.id in classes:
            found.append((*classes[target.id], node.lineno))
        elif isinstance(target, ast.Attribute) and target.attr.endswith(OPERATOR_SUFFIXES):
            module = _dotted(target.value, modules)
            if module is not None:
                found.append((module, target.attr, node.lineno))
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


def current_class(use: OperatorUse, inventory: Inventory) -> ProviderClass | None:
    """The class of the pinned providers an import path stands for today, if any."""
    by_path = inventory.by_path()
    if use.path in by_path:
        return by_path[use.path]
    old = inventory.legacy_by_path().get(use.path)
    return by_path[old.replacement] if old else None


def checklist_rows(result: ScanResult, mappings: list[Mapping], inventory: Inventory, site_url: str) -> list[dict]:
    """One row per current class used (old paths merged into it), then one per class that is not an Airflow AWS class."""
    coverage = {entry.cls.path: entry for entry in coverage_of(inventory, mappings).entries}
    legacy_pages = {name: mapping for mapping in mappings if mapping.is_legacy for name in mapping.names}
    rows: dict[str, dict] = {}
    for (module, name), use in sorted(result.uses.items()):
        cls = current_class(use, inventory)
        key = cls.path if cls else f"other:{use.path}"
        row = rows.setdefault(
            key,
            {
                "class": cls.name if cls else name,
                "module": cls.module if cls else module,
                "aws": cls is not None,
                "uses": 0,
                "places": [],
                "imported_as": [],
                "operator": None,
                "page": None,
                "coverage": None,
            },
        )
        row["uses"] += len(use.places)
        row["places"].extend(use.places)
        row["imported_as"].append({"path": use.path, "uses": len(use.places), "old": cls is not None and use.path != cls.path})
        if cls is None:
            if module.startswith("airflow.") and name in CORE_CLASS_ANCHORS:
                row["page"] = f"{site_url}{AROUND_PAGE}#{CORE_CLASS_ANCHORS[name]}"
            continue
        entry = coverage[cls.path]
        page = entry.mapping or legacy_pages.get(name)
        if page is not None and (row["page"] is None or page is entry.mapping):
            row["operator"], row["page"] = page.operator, f"{site_url}{page.url}"
        row["coverage"] = f"{site_url}{entry.url}" if not entry.mapping else None
    ordered = sorted(rows.values(), key=lambda row: (not row["aws"], row["class"], row["module"]))
    for row in ordered:
        row["places"].sort()
    return ordered


def summary(rows: list[dict]) -> dict:
    """How many AWS class instantiations land on a page: the DAGs' coverage."""
    aws = [row for row in rows if row["aws"]]
    uses = sum(row["uses"] for row in aws)
    on_a_page = sum(row["uses"] for row in aws if row["page"])
    return {"aws_classes": len(aws), "aws_uses": uses, "aws_uses_with_a_page": on_a_page, "coverage_percent": round(100 * on_a_page / uses, 1) if uses else 100.0}


def render_markdown(rows: list[dict], result: ScanResult) -> str:
    """The migration checklist in Markdown, one line per class."""
    figures = summary(rows)
    lines = [
        f"# Migration checklist: {figures['aws_classes']} AWS classes in {result.files} DAG files",
        "",
        f"Coverage: {figures['aws_uses_with_a_page']} of {figures['aws_uses']} AWS class instantiations "
        f"({figures['coverage_percent']:g}%) land on a page.",
        "",
    ]
    for row in rows:
        uses = f"×{row['uses']}"
        old = [item["path"] for item in row["imported_as"] if item["old"]]
        imported = f" (imported as {', '.join(f'`{path}`' for path in old)})" if old else ""
        if not row["aws"] and row["page"]:
            lines.append(f"- [ ] `{row['class']}` {uses} — Airflow core, not AWS → [Around your AWS operators]({row['page']})")
        elif not row["aws"]:
            lines.append(f"- [ ] `{row['class']}` {uses} — not an Airflow AWS class (`{row['module']}`)")
        elif row["page"]:
            lines.append(f"- [ ] `{row['class']}` {uses}{imported} → [{row['operator']} → Prefect]({row['page']})")
        else:
            lines.append(f"- [ ] `{row['class']}` {uses}{imported} — **no page yet**: [coverage entry]({row['coverage']})")
    return "\n".join(lines) + "\n"


def render_json(rows: list[dict], result: ScanResult) -> str:
    payload = {"files": result.files, "summary": summary(rows), "operators": rows, "errors": [str(error) for error in result.errors]}
    return json.dumps(payload, indent=2, sort_keys=True) + "\n"
