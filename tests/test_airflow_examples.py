"""Every "before" example constructs its operator the way the pinned Airflow provider accepts."""

from __future__ import annotations

import pytest

from generator.model import Mapping
from generator.render import provider_distribution
from tests.airflow_source import AirflowSource, airflow_source, constructor_calls
from tests.project import MAPPING_LIST, ROOT
from generator.versions import project_versions



@pytest.fixture(scope="module")
def source() -> AirflowSource:
    return airflow_source()


def current_class_path(mapping: Mapping) -> str:
    """The class the before example must construct: the operator, or its replacement when legacy."""
    return mapping.text("replaced_by") if mapping.is_legacy else f"{mapping.text('module')}.{mapping.operator}"


def check_before_example(source: AirflowSource, class_path: str, code: str) -> list[str]:
    """Every way `code` fails to construct `class_path` as the provider defines it."""
    module, _, class_name = class_path.rpartition(".")
    if not source.module_exists(module):
        return [f"module {module} does not exist"]
    cls = source.find_class(module, class_name)
    if cls is None:
        return [f"{module} defines no class {class_name}"]
    calls = constructor_calls(code, class_name)
    if not calls:
        return [f"the example never constructs {class_name}"]
    accepted = source.accepted_keywords(cls)
    return [
        f"{class_name} does not accept the keyword argument {keyword.arg!r}"
        for call in calls
        for keyword in call.keywords
        if keyword.arg is not None and keyword.arg not in accepted
    ]


@pytest.mark.parametrize("mapping", MAPPING_LIST, ids=lambda mapping: mapping.operator)
def test_before_example_matches_the_pinned_provider(source: AirflowSource, mapping: Mapping):
    before = mapping.example("before")
    problems = check_before_example(source, current_class_path(mapping), before.code)
    assert not problems, f"{before.location}: " + "; ".join(problems)


@pytest.mark.parametrize("mapping", [m for m in MAPPING_LIST if m.is_legacy], ids=lambda mapping: mapping.operator)
def test_legacy_operator_is_really_gone_from_the_pinned_provider(source: AirflowSource, mapping: Mapping):
    assert source.find_class(mapping.text("module"), mapping.operator) is None


def test_pinned_sources_are_the_versions_the_pages_name(source: AirflowSource):
    versions = project_versions(ROOT)
    for mapping in MAPPING_LIST:
        distribution = provider_distribution(current_class_path(mapping))
        assert source.distributions[distribution] == versions[distribution]


def test_checker_rejects_a_misspelled_keyword_and_a_wrong_class(source: AirflowSource):
    path = "airflow.providers.amazon.aws.operators.s3.S3CreateObjectOperator"
    good = 'S3CreateObjectOperator(task_id="t", s3_bucket="b", s3_key="k", data="d", retries=2, aws_conn_id="aws")'
    assert check_before_example(source, path, good) == []
    assert check_before_example(source, path, good.replace("s3_bucket", "s3_buckett")) == [
        "S3CreateObjectOperator does not accept the keyword argument 's3_buckett'"
    ]
    assert check_before_example(source, path.replace("S3Create", "S3Make"), good) == [
        "airflow.providers.amazon.aws.operators.s3 defines no class S3MakeObjectOperator"
    ]
