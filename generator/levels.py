"""Verification levels: what a section's verification earns, computed from the code it runs, never typed by hand.

The sandbox (`tests/sandbox/usage.py`) records what each example really used while
it ran, and `tests/test_examples.py` fails when that differs from what this module
reads from the code, so a page cannot claim more than its run earned.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from generator.model import Mapping, Verification


@dataclass(frozen=True)
class Level:
    """A verification level: its key (in `mappings.json`), its badge, and the sentence a page shows."""

    key: str
    badge: str
    sentence: str


LEVELS = (
    Level("moto", "executed · moto", "Executed against a local AWS (moto)."),
    Level("moto-answered", "executed · moto, a wait answered", "Executed against moto, with a wait answered locally."),
    Level("local-service", "executed · local service", "Executed against a local service."),
    Level("api-model", "request checked", "Request checked against the AWS API model; not executed."),
    Level("not-executed", "not executed", "Not executed."),
)
"""Best first. A run that used several backends earns the weakest level among them."""

LEVEL_BY_KEY = {level.key: level for level in LEVELS}

BACKENDS = ("moto", "answered", "postgres", "model")
"""What an example can run against: moto's server, a call answered locally by `answer_locally(...)`,
the local PostgreSQL, botocore's service model through `model_stub(...)`."""

AWS_MODULES = ("prefect_aws", "boto3", "botocore")
DATABASE_MODULES = ("prefect_sqlalchemy", "sqlalchemy", "psycopg2")
ANSWER_HELPER = "answer_locally"
MODEL_HELPER = "model_stub"


def level_for(backends: set[str] | tuple[str, ...]) -> str:
    """The level a run that used `backends` earns."""
    backends = set(backends)
    if not backends:
        return "not-executed"
    if "model" in backends:
        return "api-model"
    if "postgres" in backends:
        return "local-service"
    if "answered" in backends:
        return "moto-answered"
    return "moto"


IMPORT_LINE = re.compile(r"^\s*(?:from\s+([A-Za-z_][\w.]*)\s+import\b|import\s+([A-Za-z_][\w.]*))", re.MULTILINE)


def imported_modules(code: str) -> set[str]:
    """The top-level packages a piece of code imports (`import x.y`, `from x.y import z`; relative imports left out)."""
    return {(match[1] or match[2]).split(".")[0] for match in IMPORT_LINE.finditer(code)}


def helper_calls(code: str, helper: str) -> list[str]:
    """`service.operation` (or `service`) of each call of a sandbox helper, from its constant arguments."""
    if helper not in code:
        return []  # most verifications call no helper: skip parsing them
    calls = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == helper:
            constants = [argument.value for argument in node.args[:2] if isinstance(argument, ast.Constant) and isinstance(argument.value, str)]
            calls.append(".".join(constants))
    return calls


def backends_in_code(example: str, verification: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The backends an example and its verification use, and the calls answered locally or checked against the model."""
    modules = imported_modules(example)
    answered = helper_calls(verification, ANSWER_HELPER)
    modelled = helper_calls(verification, MODEL_HELPER)
    backends = set()
    if modules & set(AWS_MODULES):
        backends.add("moto")
    if modules & set(DATABASE_MODULES):
        backends.add("postgres")
    if answered:
        backends.add("answered")
    if modelled:
        backends.discard("moto")
        backends.add("model")
    return tuple(sorted(backends)), tuple(dict.fromkeys(answered + modelled))  # each call once, in order of first use


def verification_of(mapping: Mapping) -> Verification:
    """What the section's verification runs against, and its level."""
    if not mapping.verification:
        return Verification(level="not-executed", backends=(), reason=mapping.text("unverified"))
    verification_code = "\n".join(block.code for _, block in mapping.verification)
    backends, calls = backends_in_code(mapping.example("after").code, verification_code)
    return Verification(level=level_for(backends), backends=backends, services=calls)
