# An Airflow 1.10 DAG: contrib imports, a module imported whole, classic operators.
from datetime import datetime

import airflow.contrib.operators.sns_publish_operator as sns_ops
from airflow import DAG
from airflow.contrib.operators.aws_athena_operator import AWSAthenaOperator
from airflow.contrib.operators.ecs_operator import ECSOperator
from airflow.operators.bash_operator import BashOperator
from airflow.sensors.s3_key_sensor import S3KeySensor

with DAG("daily_report", start_date=datetime(2020, 1, 1), schedule_interval="@daily") as dag:
    wait = S3KeySensor(task_id="wait", bucket_key="s3://my-bucket/input/{{ ds }}.csv")
    query = AWSAthenaOperator(
        task_id="query",
        query="SELECT * FROM events WHERE day = '{{ ds }}'",
        database="analytics",
        output_location="s3://my-bucket/athena/",
    )
    export = ECSOperator(task_id="export", cluster="reports", task_definition="export", overrides={})
    notify = sns_ops.SnsPublishOperator(task_id="notify", target_arn="arn:aws:sns:us-east-1:123456789012:reports", message="done")
    cleanup = BashOperator(task_id="cleanup", bash_command="echo done")
    wait >> query >> export >> notify >> cleanup
