"""The committed inventory is what the pinned wheels give, and it accounts for every class the way DAGs name it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from generator.inventory import INVENTORY_PATH, Inventory, generate, load_inventory
from tests.airflow_source import LEGACY_WHEELS_DIR, WHEELS_DIR
from tests.project import ROOT

AMAZON_CLASS_COUNT = 280
"""Concrete operator, sensor and transfer classes of apache-airflow-providers-amazon 9.39.0, counted by hand."""


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return load_inventory()


def test_committed_inventory_is_what_the_pinned_wheels_give():
    generated = generate(WHEELS_DIR, LEGACY_WHEELS_DIR)
    committed = INVENTORY_PATH.read_text(encoding="utf-8")
    if generated != committed:
        result = subprocess.run([sys.executable, "-m", "generator", "inventory", "--check"], capture_output=True, text=True, cwd=ROOT)
        pytest.fail(result.stderr[-4000:])


def test_check_mode_fails_with_a_diff_that_names_the_command(tmp_path):
    stale = tmp_path / "inventory.json"
    stale.write_text(INVENTORY_PATH.read_text(encoding="utf-8").replace('"S3KeySensor"', '"S3KeySensorX"', 1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "inventory", "--check", "--out", str(stale), "--wheels", str(WHEELS_DIR), "--old-wheels", str(LEGACY_WHEELS_DIR)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert '-   "name": "S3KeySensorX",' in result.stderr and '+   "name": "S3KeySensor",' in result.stderr
    assert "run `make inventory`" in result.stderr


def test_the_amazon_provider_has_280_concrete_classes(inventory):
    assert len(inventory.amazon_classes) == AMAZON_CLASS_COUNT
    kinds = {kind: sum(1 for cls in inventory.amazon_classes if cls.kind == kind) for kind in ("operator", "sensor", "transfer")}
    assert kinds == {"operator": 198, "sensor": 61, "transfer": 21}


def test_abstract_bases_are_left_out_but_a_base_in_a_name_is_not_enough(inventory):
    names = set(inventory.by_name())
    assert not names & {"AwsBaseOperator", "AwsBaseSensor", "EmrBaseSensor", "SageMakerBaseOperator", "AwsToAwsBaseOperator"}
    assert {"BedrockCreateKnowledgeBaseOperator", "EksPodOperator", "AppflowRecordsShortCircuitOperator"} <= names


def test_class_names_are_unique(inventory):
    assert len(inventory.by_name()) == len(inventory.classes)


def test_other_providers_classes_that_aws_dags_use_are_included(inventory):
    sql = inventory.by_name()["SQLExecuteQueryOperator"]
    assert sql.module == "airflow.providers.common.sql.operators.sql"
    assert sql.distribution == "apache-airflow-providers-common-sql"
    assert "sql" in sql.template_fields


def test_a_class_records_its_module_kind_bases_parameters_and_templated_fields(inventory):
    sensor = inventory.by_name()["S3KeySensor"]
    assert (sensor.module, sensor.kind, sensor.service) == ("airflow.providers.amazon.aws.sensors.s3", "sensor", "s3")
    assert sensor.rests_on[:3] == ("AwsBaseSensor", "BaseSensorOperator", "AwsBaseHookMixin")
    assert sensor.parameter("bucket_key").default is None
    assert sensor.parameter("wildcard_match").default == "False"
    assert set(sensor.template_fields) >= {"bucket_key", "bucket_name", "aws_conn_id", "region_name", "verify"}


def test_a_class_without_its_own_init_takes_its_nearest_providers_base_parameters(inventory):
    run = inventory.by_name()["EcsRunTaskOperator"]
    assert run.parameters_from == "EcsRunTaskOperator"
    assert all(cls.parameters_from != "AwsBaseOperator" for cls in inventory.classes)


@pytest.mark.parametrize(
    ("old_path", "replacement"),
    [
        ("airflow.providers.amazon.aws.sensors.s3.S3PrefixSensor", "S3KeySensor"),
        ("airflow.providers.amazon.aws.sensors.s3_prefix.S3PrefixSensor", "S3KeySensor"),
        ("airflow.providers.amazon.aws.sensors.s3_key.S3KeySensor", "S3KeySensor"),
        ("airflow.sensors.s3_key_sensor.S3KeySensor", "S3KeySensor"),
        ("airflow.providers.amazon.aws.operators.emr_add_steps.EmrAddStepsOperator", "EmrAddStepsOperator"),
        ("airflow.contrib.operators.emr_add_steps_operator.EmrAddStepsOperator", "EmrAddStepsOperator"),
        ("airflow.contrib.operators.aws_athena_operator.AWSAthenaOperator", "AthenaOperator"),
        ("airflow.providers.amazon.aws.operators.redshift_sql.RedshiftSQLOperator", "SQLExecuteQueryOperator"),
        ("airflow.operators.s3_to_redshift_operator.S3ToRedshiftTransfer", "S3ToRedshiftOperator"),
    ],
)
def test_old_names_that_dags_still_import_lead_to_their_replacement(inventory, old_path, replacement):
    legacy = {item.path: item for item in inventory.legacy}
    assert legacy[old_path].replacement.rpartition(".")[2] == replacement


def test_every_old_name_leads_to_a_current_class(inventory):
    current = inventory.by_path()
    assert [item.path for item in inventory.legacy if item.replacement not in current] == []
    assert not {item.path for item in inventory.legacy} & set(current)
