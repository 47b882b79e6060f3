"""Inventory step: every Airflow class the reference must map, read from the pinned wheels with `ast`.

`python -m generator inventory` writes `generator/data/inventory.json` from the
wheels that `make test` downloads; the file is committed, so building the site
and checking the mappings never need the wheels. `--check` fails with a diff when
the committed file is stale. Old names come from older releases: the deprecated
modules Apache Airflow 2.2 kept for `airflow.contrib.*` and `airflow.operators.*`
paths, and older releases of the Amazon provider (old module paths, renamed classes).
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from generator.airflow_source import BASE_OPERATOR, AirflowSource, ClassSource, base_name, own_parameters, read_wheels

INVENTORY_PATH = Path(__file__).parent / "data" / "inventory.json"
REGENERATE_COMMAND = "make inventory"
AMAZON = "apache-airflow-providers-amazon"
AMAZON_PACKAGE = "airflow.providers.amazon.aws"
CLASS_SUFFIXES = ("Operator", "Sensor", "Transfer")
KINDS = {"operators": "operator", "sensors": "sensor", "transfers": "transfer"}

OTHER_PROVIDER_CLASSES = ("airflow.providers.common.sql.operators.sql.SQLExecuteQueryOperator",)
"""Classes of other providers that AWS DAGs reach for, mapped like the Amazon provider's own."""

AWS_TEMPLATE_FIELDS = ("aws_conn_id", "region_name", "verify")
"""What `aws_template_fields(...)` adds to a class's own templated fields (amazon.aws.utils.mixins)."""

HIDDEN_ANCESTOR_MODULES = ("airflow.sdk.definitions._internal", "airflow.sdk._shared")
"""Machinery every operator inherits; not worth listing among the bases a class rests on."""

SERVICES = {
    "appflow": ("appflow", "Amazon AppFlow"),
    "athena": ("athena", "Amazon Athena"),
    "athena_spark": ("athena", "Amazon Athena"),
    "batch": ("batch", "AWS Batch"),
    "bedrock": ("bedrock", "Amazon Bedrock"),
    "cloud_formation": ("cloudformation", "AWS CloudFormation"),
    "comprehend": ("comprehend", "Amazon Comprehend"),
    "datasync": ("datasync", "AWS DataSync"),
    "dms": ("dms", "AWS Database Migration Service"),
    "dynamodb": ("dynamodb", "Amazon DynamoDB"),
    "ec2": ("ec2", "Amazon EC2"),
    "ecr": ("ecr", "Amazon ECR"),
    "ecs": ("ecs", "Amazon ECS"),
    "eks": ("eks", "Amazon EKS"),
    "emr": ("emr", "Amazon EMR"),
    "eventbridge": ("events", "Amazon EventBridge"),
    "glacier": ("glacier", "Amazon S3 Glacier"),
    "glue": ("glue", "AWS Glue"),
    "glue_catalog": ("glue", "AWS Glue"),
    "glue_catalog_partition": ("glue", "AWS Glue"),
    "glue_crawler": ("glue", "AWS Glue"),
    "glue_databrew": ("databrew", "AWS Glue DataBrew"),
    "kinesis_analytics": ("kinesisanalyticsv2", "Amazon Managed Service for Apache Flink"),
    "lambda_function": ("lambda", "AWS Lambda"),
    "mwaa": ("mwaa", "Amazon MWAA"),
    "mwaa_serverless": ("mwaa", "Amazon MWAA"),
    "neptune": ("neptune", "Amazon Neptune"),
    "neptune_analytics": ("neptune-graph", "Amazon Neptune Analytics"),
    "opensearch_serverless": ("opensearchserverless", "Amazon OpenSearch Serverless"),
    "quicksight": ("quicksight", "Amazon QuickSight"),
    "rds": ("rds", "Amazon RDS"),
    "redshift_cluster": ("redshift", "Amazon Redshift"),
    "redshift_data": ("redshift", "Amazon Redshift"),
    "s3": ("s3", "Amazon S3"),
    "s3_tables": ("s3tables", "Amazon S3 Tables"),
    "s3_vectors": ("s3vectors", "Amazon S3 Vectors"),
    "sagemaker": ("sagemaker", "Amazon SageMaker"),
    "sagemaker_unified_studio": ("datazone", "Amazon SageMaker Unified Studio"),
    "sagemaker_unified_studio_notebook": ("datazone", "Amazon SageMaker Unified Studio"),
    "ses": ("ses", "Amazon SES"),
    "sns": ("sns", "Amazon SNS"),
    "sqs": ("sqs", "Amazon SQS"),
    "ssm": ("ssm", "AWS Systems Manager"),
    "step_function": ("stepfunctions", "AWS Step Functions"),
    "transfers": ("transfers", "Transfers between services"),
    "sql": ("sql", "SQL (common.sql provider)"),
}
"""Module name → (service slug, title): the slug is boto3's client name, as for mapping documents."""

REMOVED_WITHOUT_SUBCLASS: dict[str, tuple[str, str]] = {}
"""Old name → (replacement's dotted path, why): for a removed class whose source names no successor
(no subclassing, no alias). Every old name read so far has one, so this is empty."""


class InventoryError(Exception):
    """The wheels hold something the inventory cannot classify; names what."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of a class's `__init__`; `default` is the source text, None when required."""

    name: str
    default: str | None


@dataclass(frozen=True)
class ProviderClass:
    """A concrete operator, sensor or transfer class of a pinned provider."""

    name: str
    module: str
    distribution: str
    kind: str
    service: str
    service_title: str
    bases: tuple[str, ...]
    rests_on: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    parameters_from: str
    template_fields: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"{self.module}.{self.name}"

    @property
    def is_amazon(self) -> bool:
        return self.distribution == AMAZON

    def parameter(self, name: str) -> Parameter | None:
        return next((parameter for parameter in self.parameters if parameter.name == name), None)


@dataclass(frozen=True)
class LegacyName:
    """An old import path of a class: a moved module, a renamed class, or a removed one with its replacement."""

    module: str
    name: str
    replacement: str
    """The current class's dotted path."""
    change: str
    """`moved` (same name, old module), `replaced` (another class took its place) or `removed` (see `reason`)."""
    last_seen_in: str
    reason: str = ""

    @property
    def path(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass(frozen=True)
class Inventory:
    """Every class to map, and every old name that leads to one."""

    sources: dict
    classes: tuple[ProviderClass, ...]
    legacy: tuple[LegacyName, ...]

    def by_path(self) -> dict[str, ProviderClass]:
        return self._by_path

    def by_name(self) -> dict[str, ProviderClass]:
        """Current classes by name (class names are unique across the inventory; a test proves it)."""
        return self._by_name

    def legacy_by_path(self) -> dict[str, LegacyName]:
        return self._legacy_by_path

    @cached_property
    def _by_path(self) -> dict[str, ProviderClass]:
        return {cls.path: cls for cls in self.classes}

    @cached_property
    def _by_name(self) -> dict[str, ProviderClass]:
        return {cls.name: cls for cls in self.classes}

    @cached_property
    def _legacy_by_path(self) -> dict[str, LegacyName]:
        return {item.path: item for item in self.legacy}

    @property
    def amazon_classes(self) -> tuple[ProviderClass, ...]:
        return tuple(cls for cls in self.classes if cls.is_amazon)


# --- reading the current wheels ---------------------------------------------------------------


def is_abstract(cls: ClassSource, derived_from: set[str]) -> bool:
    """A base the provider builds its classes on, never instantiated in a DAG (`AwsBaseOperator`, `_GlueCrawlerBaseOperator`).

    A name with `Base` in it is not enough (`BedrockCreateKnowledgeBaseOperator` is concrete): the class must also have subclasses.
    """
    return cls.name.startswith("_") or ("Base" in cls.name and cls.name in derived_from)


def is_task_class(source: AirflowSource, cls: ClassSource) -> bool:
    """Whether `cls` is an operator: it inherits BaseOperator, or an operator of a provider not read here."""
    if not cls.name.endswith(CLASS_SUFFIXES):
        return False
    if any(ancestor.name == BASE_OPERATOR for ancestor in source.ancestors(cls)):
        return True
    unresolved = [name for name in map(base_name, cls.node.bases) if name and source.resolve_base(cls, name) is None]
    return any(name.endswith(CLASS_SUFFIXES) for name in unresolved)


def template_fields(source: AirflowSource, cls: ClassSource) -> tuple[str, ...]:
    """The class's `template_fields`, its own or inherited, evaluated from the source."""
    for candidate in [cls, *source.ancestors(cls)]:
        for statement in candidate.node.body:
            target = statement.targets[0] if isinstance(statement, ast.Assign) else getattr(statement, "target", None)
            if isinstance(target, ast.Name) and target.id == "template_fields" and statement.value is not None:
                return _evaluate_fields(source, candidate, statement.value)
    return ()


def _evaluate_fields(source: AirflowSource, cls: ClassSource, node: ast.expr) -> tuple[str, ...]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return tuple(field for element in node.elts for field in _evaluate_fields(source, cls, element))
    if isinstance(node, ast.Starred):
        return _evaluate_fields(source, cls, node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _evaluate_fields(source, cls, node.left) + _evaluate_fields(source, cls, node.right)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return tuple(sorted(set(_evaluate_fields(source, cls, node.left)) | set(_evaluate_fields(source, cls, node.right))))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        arguments = tuple(field for argument in node.args for field in _evaluate_fields(source, cls, argument))
        if node.func.id == "aws_template_fields":
            return tuple(sorted(set(AWS_TEMPLATE_FIELDS) | set(arguments)))
        if node.func.id in ("tuple", "list", "set"):
            return arguments
    if isinstance(node, ast.Attribute) and node.attr == "template_fields" and isinstance(node.value, ast.Name):
        owner = source.resolve_base(cls, node.value.id)
        if owner is not None:
            return template_fields(source, owner)
        return (f"{node.value.id}.template_fields",)  # a class of a provider not read here
    raise InventoryError(f"{cls.module}.{cls.name}: cannot evaluate template_fields {ast.unparse(node)!r}")


def parameters_of(source: AirflowSource, cls: ClassSource) -> tuple[tuple[Parameter, ...], str]:
    """The parameters of the nearest `__init__` (the class's own, else an ancestor's that is not a shared base) and its class."""
    for candidate in [cls, *source.ancestors(cls)]:
        if candidate.init is not None:
            if candidate is not cls and not candidate.module.startswith(AMAZON_PACKAGE):
                return (), candidate.name
            return tuple(_parameter(argument, default) for argument, default in _with_defaults(candidate.init)), candidate.name
    return (), cls.name


def _with_defaults(init: ast.FunctionDef) -> list[tuple[ast.arg, ast.expr | None]]:
    arguments = init.args
    positional = [*arguments.posonlyargs, *arguments.args]
    padded: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    pairs = list(zip(positional, padded))[1:] + list(zip(arguments.kwonlyargs, arguments.kw_defaults))
    assert [argument for argument, _ in pairs] == own_parameters(init)
    return pairs


def _parameter(argument: ast.arg, default: ast.expr | None) -> Parameter:
    return Parameter(argument.arg, None if default is None else ast.unparse(default))


def service_of(module: str) -> tuple[str, str]:
    """The service slug and title a class's module belongs to."""
    parts = module.split(".")
    key = "transfers" if "transfers" in parts else "sql" if parts[2] == "common" else parts[-1]
    if key not in SERVICES:
        raise InventoryError(f"module {module} belongs to no service; add '{key}' to SERVICES in generator/inventory.py")
    return SERVICES[key]


def kind_of(source: AirflowSource, cls: ClassSource) -> str:
    if any(ancestor.name == "BaseSensorOperator" for ancestor in source.ancestors(cls)) or cls.name.endswith("Sensor"):
        return "sensor"
    return KINDS.get(cls.module.split(".")[-2], "operator")


def provider_class(source: AirflowSource, cls: ClassSource) -> ProviderClass:
    service, title = service_of(cls.module)
    parameters, parameters_from = parameters_of(source, cls)
    ancestors = source.ancestors(cls)
    resolved = {ancestor.name for ancestor in source.base_classes(cls)}
    external = [name for name in map(base_name, cls.node.bases) if name and name not in resolved]
    return ProviderClass(
        name=cls.name,
        module=cls.module,
        distribution=source.module_distribution[cls.module],
        kind=kind_of(source, cls),
        service=service,
        service_title=title,
        bases=tuple(ast.unparse(base) for base in cls.node.bases),
        rests_on=tuple([ancestor.name for ancestor in ancestors if not ancestor.module.startswith(HIDDEN_ANCESTOR_MODULES)] + external),
        parameters=parameters,
        parameters_from=parameters_from,
        template_fields=template_fields(source, cls),
    )


def current_classes(source: AirflowSource) -> list[ProviderClass]:
    """Every concrete operator, sensor and transfer class of the Amazon provider, and the other providers' classes AWS DAGs use."""
    modules = [module for module in sorted(source.sources) if _is_task_module(module)]
    candidates = [cls for module in modules for cls in source.classes(module)]
    derived_from = {base.name for cls in candidates for base in source.base_classes(cls)}
    found = [provider_class(source, cls) for cls in candidates if not is_abstract(cls, derived_from) and is_task_class(source, cls)]
    for path in OTHER_PROVIDER_CLASSES:
        module, _, name = path.rpartition(".")
        cls = source.find_class(module, name)
        if cls is None:
            raise InventoryError(f"{path} is not in the pinned wheels")
        found.append(provider_class(source, cls))
    return sorted(found, key=lambda cls: (cls.name, cls.module))


def _is_task_module(module: str) -> bool:
    """`airflow.providers.amazon.aws.{operators,sensors,transfers}.<name>`."""
    parts = module.split(".")
    return module.startswith(AMAZON_PACKAGE + ".") and len(parts) == 6 and parts[4] in KINDS


# --- reading old releases ----------------------------------------------------------------------


OLD_CORE_PACKAGES = ("airflow.contrib.operators.", "airflow.contrib.sensors.", "airflow.operators.", "airflow.sensors.")
"""Where Airflow 1.10 kept the AWS classes that Airflow 2 moved to the provider (Airflow 2.0–2.2 kept shims there)."""


def old_provider_names(source: AirflowSource) -> list[tuple[str, str, str | None]]:
    """(module, name, base or re-exported name) of every operator-like name an old release offered."""
    found = []
    for module in sorted(source.sources):
        if not (_is_task_module(module) or module.startswith(OLD_CORE_PACKAGES)):
            continue
        for node in source.tree(module).body:
            if isinstance(node, ast.ClassDef) and node.name.endswith(CLASS_SUFFIXES) and "Base" not in node.name:
                bases = [name for name in map(base_name, node.bases) if name]
                found.append((module, node.name, bases[0] if bases else None))
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
                # `AwsRedshiftClusterSensor = RedshiftClusterSensor`: an old name kept as an alias
                found.extend(
                    (module, target.id, node.value.id)
                    for target in node.targets
                    if isinstance(target, ast.Name) and target.id.endswith(CLASS_SUFFIXES)
                )
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(AMAZON_PACKAGE):
                for alias in node.names:
                    local = alias.asname or alias.name
                    if local.endswith(CLASS_SUFFIXES) and "Base" not in local:
                        found.append((module, local, alias.name))
    return found


def legacy_names(classes: list[ProviderClass], old_sources: list[AirflowSource]) -> list[LegacyName]:
    """Every old import path that the current classes replace, newest release's word first."""
    by_name = {cls.name: cls for cls in classes}
    current_paths = {cls.path for cls in classes}
    legacy: dict[tuple[str, str], LegacyName] = {}
    resolved_names: dict[str, str] = {}  # an old name → its replacement, as a newer release said
    lowercase_names = {cls.name.lower(): cls.path for cls in classes}

    def replacement_for(name: str, base: str | None) -> tuple[str, str] | None:
        if name in by_name:
            return by_name[name].path, "moved"
        if base in by_name:
            return by_name[base].path, "replaced"
        if name in REMOVED_WITHOUT_SUBCLASS:
            return REMOVED_WITHOUT_SUBCLASS[name][0], "removed"
        if name in resolved_names or base in resolved_names:
            return resolved_names.get(name) or resolved_names[base], "replaced"
        if name.lower() in lowercase_names:  # Airflow 1.10's `AWSGlueJobOperator` became `AwsGlueJobOperator`
            return lowercase_names[name.lower()], "replaced"
        return None

    for source in sorted(old_sources, key=_release_order, reverse=True):
        release = " ".join(f"{name} {version}" for name, version in sorted(source.distributions.items()))
        entries = old_provider_names(source)
        for module, name, base in entries:
            if f"{module}.{name}" in current_paths or (module, name) in legacy:
                continue
            resolved = replacement_for(name, base)
            if resolved is None and base is not None:
                resolved = _via_old_base(source, module, base, replacement_for)
            if resolved is None and not _is_task_module(module):
                continue  # an Airflow core class that is not an AWS one (BashOperator)
            if resolved is None:
                raise InventoryError(
                    f"{module}.{name} ({release}) leads to no current class; add it to REMOVED_WITHOUT_SUBCLASS in generator/inventory.py"
                )
            path, change = resolved
            reason = REMOVED_WITHOUT_SUBCLASS.get(name, ("", ""))[1] if change == "removed" else ""
            legacy[(module, name)] = LegacyName(module, name, path, change, release, reason)
            resolved_names.setdefault(name, path)
            lowercase_names.setdefault(name.lower(), path)
    return sorted(legacy.values(), key=lambda item: (item.name, item.module))


def _via_old_base(source: AirflowSource, module: str, base: str, replacement_for) -> tuple[str, str] | None:
    """Follow an old class's base classes, in its own release, to a current class."""
    seen = set()
    while base and base not in seen:
        seen.add(base)
        defined = source.find_class(module, base) or next(
            (cls for cls in (source.find_class(other, base) for other in source.sources if other.startswith(AMAZON_PACKAGE)) if cls), None
        )
        if defined is None:
            return None
        bases = [name for name in map(base_name, defined.node.bases) if name]
        base = bases[0] if bases else None
        resolved = replacement_for(defined.name, base)
        if resolved is not None:
            return resolved[0], "replaced"
        module = defined.module
    return None


def _release_order(source: AirflowSource) -> tuple:
    """Provider releases before Airflow core, each newest first when reversed."""
    name, version = sorted(source.distributions.items())[0]
    return (name != "apache-airflow", tuple(int(part) for part in version.split(".") if part.isdigit()))


# --- the data file ----------------------------------------------------------------------------


def build_inventory(current: AirflowSource, old_sources: list[AirflowSource]) -> Inventory:
    classes = current_classes(current)
    sources = dict(sorted(current.distributions.items()))
    return Inventory(
        sources={"current": sources, "old": sorted(f"{n} {v}" for s in old_sources for n, v in s.distributions.items())},
        classes=tuple(classes),
        legacy=tuple(legacy_names(classes, old_sources)),
    )


def render_inventory(inventory: Inventory) -> str:
    """The inventory as the committed JSON text: sorted, indented, one trailing newline."""

    def parameter(item: Parameter) -> dict:
        return {"name": item.name} if item.default is None else {"name": item.name, "default": item.default}

    payload = {
        "note": f"Generated by `{REGENERATE_COMMAND}` from the wheels listed under sources; do not edit.",
        "sources": inventory.sources,
        "counts": {
            "amazon": len(inventory.amazon_classes),
            **{kind: sum(1 for cls in inventory.amazon_classes if cls.kind == kind) for kind in ("operator", "sensor", "transfer")},
            "other_providers": len(inventory.classes) - len(inventory.amazon_classes),
            "legacy_names": len(inventory.legacy),
        },
        "classes": [
            {
                "name": cls.name,
                "module": cls.module,
                "distribution": cls.distribution,
                "kind": cls.kind,
                "service": cls.service,
                "service_title": cls.service_title,
                "bases": list(cls.bases),
                "rests_on": list(cls.rests_on),
                "parameters_from": cls.parameters_from,
                "parameters": [parameter(item) for item in cls.parameters],
                "template_fields": list(cls.template_fields),
            }
            for cls in inventory.classes
        ],
        "legacy": [
            {key: value for key, value in vars(item).items() if value != ""}
            for item in inventory.legacy
        ],
    }
    return json.dumps(payload, indent=1, ensure_ascii=False) + "\n"


def parse_inventory(text: str) -> Inventory:
    """The inventory from its JSON text."""
    payload = json.loads(text)
    classes = tuple(
        ProviderClass(
            name=item["name"],
            module=item["module"],
            distribution=item["distribution"],
            kind=item["kind"],
            service=item["service"],
            service_title=item["service_title"],
            bases=tuple(item["bases"]),
            rests_on=tuple(item["rests_on"]),
            parameters=tuple(Parameter(parameter["name"], parameter.get("default")) for parameter in item["parameters"]),
            parameters_from=item["parameters_from"],
            template_fields=tuple(item["template_fields"]),
        )
        for item in payload["classes"]
    )
    legacy = tuple(LegacyName(**item) for item in payload["legacy"])
    return Inventory(sources=payload["sources"], classes=classes, legacy=legacy)


def load_inventory(path: Path = INVENTORY_PATH) -> Inventory:
    """The committed inventory."""
    return parse_inventory(path.read_text(encoding="utf-8"))


def generate(current_dir: Path, old_dir: Path) -> str:
    """The inventory's JSON text from the wheels in `current_dir` and the old releases' wheels in `old_dir`."""
    old_sources = [AirflowSource([wheel]) for wheel in sorted(old_dir.glob("*.whl"))]
    if not old_sources:
        raise FileNotFoundError(f"no old Airflow wheels in {old_dir}; `make inventory` downloads them")
    return render_inventory(build_inventory(read_wheels(current_dir), old_sources))
