from airflow import DAG
from airflow.providers.amazon.aws.operators.glue import GlueJobOperator

with DAG("broken") as dag:
    GlueJobOperator(task_id="x", job_name="y"
