"""Airflow's own source, read from the pinned wheels with `ast` (never installed or
imported), to check that a "before" example would construct its operator."""

from __future__ import annotations

import ast
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from tests.project import ROOT

WHEELS_DIR = ROOT / ".cache" / "airflow-sources"
# The root of every operator's constructor chain; its own parameters are the last ones accepted.
BASE_OPERATOR = "BaseOperator"


@dataclass(frozen=True)
class ClassSource:
    module: str
    node: ast.ClassDef


class AirflowSource:
    """Every Python module of the pinned Airflow wheels, by dotted name."""

    def __init__(self, wheels: list[Path]) -> None:
        if not wheels:
            raise FileNotFoundError(f"no Airflow wheels in {WHEELS_DIR}; `make test` downloads them")
        self.distributions = {}
        self.sources: dict[str, str] = {}
        for wheel in sorted(wheels):
            name, version = wheel.name.split("-")[:2]
            self.distributions[name.replace("_", "-")] = version
            with zipfile.ZipFile(wheel) as archive:
                for member in archive.namelist():
                    if member.startswith("airflow/") and member.endswith(".py"):
                        module = member[: -len(".py")].removesuffix("/__init__").replace("/", ".")
                        self.sources[module] = archive.read(member).decode("utf-8")

    def module_exists(self, module: str) -> bool:
        return module in self.sources

    def _tree(self, module: str) -> ast.Module:
        return self._trees.setdefault(module, ast.parse(self.sources[module]))

    @cached_property
    def _trees(self) -> dict[str, ast.Module]:
        return {}

    @cached_property
    def _classes_by_name(self) -> dict[str, list[ClassSource]]:
        index: dict[str, list[ClassSource]] = {}
        for module in self.sources:
            if "class " not in self.sources[module]:
                continue
            for node in self._tree(module).body:
                if isinstance(node, ast.ClassDef):
                    index.setdefault(node.name, []).append(ClassSource(module, node))
        return index

    def find_class(self, module: str, name: str) -> ClassSource | None:
        """The class `name` defined at the top level of `module`."""
        if not self.module_exists(module):
            return None
        for node in self._tree(module).body:
            if isinstance(node, ast.ClassDef) and node.name == name:
                return ClassSource(module, node)
        return None

    def _resolve_base(self, within: ClassSource, name: str) -> ClassSource | None:
        local = self.find_class(within.module, name)
        if local is not None:
            return local
        candidates = self._classes_by_name.get(name, [])
        if name == BASE_OPERATOR:
            candidates = [candidate for candidate in candidates if candidate.module == "airflow.sdk.bases.operator"] or candidates
        imported_from = self._imported_module(within.module, name)
        preferred = [candidate for candidate in candidates if imported_from and candidate.module.startswith(imported_from)]
        chosen = preferred or candidates
        return chosen[0] if chosen else None

    def _imported_module(self, module: str, name: str) -> str | None:
        for node in ast.walk(self._tree(module)):
            if isinstance(node, ast.ImportFrom) and node.module and any(alias.name == name for alias in node.names):
                return node.module
        return None

    def accepted_keywords(self, cls: ClassSource) -> set[str]:
        """Every keyword the class's constructor accepts, following `**kwargs` up to BaseOperator."""
        init = next((node for node in cls.node.body if isinstance(node, ast.FunctionDef) and node.name == "__init__"), None)
        accepted: set[str] = set()
        forwards = True
        if init is not None:
            arguments = init.args
            accepted |= {argument.arg for argument in arguments.args[1:] + arguments.kwonlyargs + arguments.posonlyargs[1:]}
            forwards = arguments.kwarg is not None
        if cls.node.name == BASE_OPERATOR and init is not None:
            return accepted
        if forwards:
            for base in cls.node.bases:
                base_name = _base_name(base)
                resolved = self._resolve_base(cls, base_name) if base_name else None
                if resolved is not None and resolved.node is not cls.node:
                    accepted |= self.accepted_keywords(resolved)
        return accepted


def _base_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def constructor_calls(code: str, class_name: str) -> list[ast.Call]:
    """The calls `class_name(...)` in a code example."""
    return [
        node
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == class_name
    ]


def airflow_source() -> AirflowSource:
    return AirflowSource(sorted(WHEELS_DIR.glob("*.whl")))
