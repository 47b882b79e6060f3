"""Parse step for Airflow's own code: the modules of Airflow wheels, read with `ast` (never installed or imported)."""

from __future__ import annotations

import ast
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

BASE_OPERATOR = "BaseOperator"
"""The root of every operator's constructor chain; its own parameters are the last ones accepted."""
BASE_OPERATOR_MODULE = "airflow.sdk.bases.operator"


@dataclass(frozen=True)
class ClassSource:
    """A class statement at the top level of a module."""

    module: str
    node: ast.ClassDef

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def init(self) -> ast.FunctionDef | None:
        """The class's own `__init__`, if it defines one."""
        return next((item for item in self.node.body if isinstance(item, ast.FunctionDef) and item.name == "__init__"), None)


class AirflowSource:
    """Every Python module of some Airflow wheels, by dotted name."""

    def __init__(self, wheels: list[Path]) -> None:
        if not wheels:
            raise FileNotFoundError("no Airflow wheels given; `make test` downloads them into .cache/")
        self.distributions: dict[str, str] = {}
        self.sources: dict[str, str] = {}
        self.module_distribution: dict[str, str] = {}
        for wheel in sorted(wheels):
            name, version = wheel.name.split("-")[:2]
            distribution = name.replace("_", "-")
            self.distributions[distribution] = version
            with zipfile.ZipFile(wheel) as archive:
                for member in archive.namelist():
                    if member.startswith("airflow/") and member.endswith(".py"):
                        module = member[: -len(".py")].removesuffix("/__init__").replace("/", ".")
                        self.sources[module] = archive.read(member).decode("utf-8")
                        self.module_distribution[module] = distribution

    def module_exists(self, module: str) -> bool:
        return module in self.sources

    def tree(self, module: str) -> ast.Module:
        """The parsed module, parsed once."""
        if module not in self._trees:
            self._trees[module] = ast.parse(self.sources[module])
        return self._trees[module]

    @cached_property
    def _trees(self) -> dict[str, ast.Module]:
        return {}

    def classes(self, module: str) -> list[ClassSource]:
        """The classes defined at the top level of `module`, in source order."""
        if "class " not in self.sources.get(module, ""):
            return []
        return [ClassSource(module, node) for node in self.tree(module).body if isinstance(node, ast.ClassDef)]

    @cached_property
    def _classes_by_name(self) -> dict[str, list[ClassSource]]:
        index: dict[str, list[ClassSource]] = {}
        for module in sorted(self.sources):
            for cls in self.classes(module):
                index.setdefault(cls.name, []).append(cls)
        return index

    def find_class(self, module: str, name: str) -> ClassSource | None:
        """The class `name` defined at the top level of `module`."""
        return next((cls for cls in self.classes(module) if cls.name == name), None)

    def imported_module(self, module: str, name: str) -> str | None:
        """The module `module` imports `name` from, if it does."""
        for node in ast.walk(self.tree(module)):
            if isinstance(node, ast.ImportFrom) and node.module and any(alias.name == name for alias in node.names):
                return node.module
        return None

    def resolve_base(self, within: ClassSource, name: str) -> ClassSource | None:
        """The class a base-class name in `within`'s statement refers to."""
        local = self.find_class(within.module, name)
        if local is not None and local.node is not within.node:
            return local
        candidates = [candidate for candidate in self._classes_by_name.get(name, []) if candidate.node is not within.node]
        if name == BASE_OPERATOR:
            candidates = [candidate for candidate in candidates if candidate.module == BASE_OPERATOR_MODULE] or candidates
        imported_from = self.imported_module(within.module, name)
        preferred = [candidate for candidate in candidates if imported_from and candidate.module.startswith(imported_from)]
        chosen = preferred or candidates
        return chosen[0] if chosen else None

    def base_classes(self, cls: ClassSource) -> list[ClassSource]:
        """The resolved direct bases of `cls` that these wheels define."""
        resolved = (self.resolve_base(cls, name) for name in map(base_name, cls.node.bases) if name)
        return [base for base in resolved if base is not None]

    def ancestors(self, cls: ClassSource) -> list[ClassSource]:
        """Every class `cls` inherits from, nearest first, each once."""
        seen: dict[tuple[str, str], ClassSource] = {}
        queue = self.base_classes(cls)
        while queue:
            current = queue.pop(0)
            key = (current.module, current.name)
            if key in seen:
                continue
            seen[key] = current
            queue.extend(self.base_classes(current))
        return list(seen.values())

    def accepted_keywords(self, cls: ClassSource) -> set[str]:
        """Every keyword the class's constructor accepts, following `**kwargs` up to BaseOperator."""
        init = cls.init
        accepted: set[str] = set()
        forwards = True
        if init is not None:
            accepted |= {parameter.arg for parameter in own_parameters(init)}
            forwards = init.args.kwarg is not None
        if cls.name == BASE_OPERATOR and init is not None:
            return accepted
        if forwards:
            for base in self.base_classes(cls):
                accepted |= self.accepted_keywords(base)
        return accepted


def own_parameters(init: ast.FunctionDef) -> list[ast.arg]:
    """The named parameters of an `__init__`, `self` left out, in order."""
    arguments = init.args
    return [*arguments.posonlyargs, *arguments.args][1:] + arguments.kwonlyargs


def base_name(node: ast.expr) -> str | None:
    """The class name a base-class expression names (`Generic[T]` → `Generic`, `mod.Cls` → `Cls`)."""
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def read_wheels(folder: Path) -> AirflowSource:
    """The wheels in `folder`."""
    return AirflowSource(sorted(folder.glob("*.whl")))
