# An Airflow 2 TaskFlow DAG: decorators, an `as` alias, a class used twice, a sensor.
import pendulum
from airflow.decorators import dag, task
from airflow.providers.amazon.aws.operators.glue import GlueJobOperator as Glue
from airflow.providers.amazon.aws.operators.s3 import S3CreateObjectOperator, S3DeleteObjectsOperator
from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor


@dag(schedule="@daily", start_date=pendulum.datetime(2024, 1, 1), catchup=False)
def etl():
    @task
    def plan() -> dict:
        return {"--input": "s3://my-bucket/input/"}

    landed = S3KeySensor(task_id="landed", bucket_name="my-bucket", bucket_key="input/*.csv", wildcard_match=True)
    clean = Glue(task_id="clean", job_name="clean", script_args=plan())
    enrich = Glue(task_id="enrich", job_name="enrich")
    marker = S3CreateObjectOperator(task_id="marker", s3_bucket="my-bucket", s3_key="_SUCCESS", data="")
    tidy = S3DeleteObjectsOperator(task_id="tidy", bucket="my-bucket", prefix="tmp/")
    landed >> clean >> enrich >> marker >> tidy


etl()
