# A DAG on provider 2.x–4.x paths: old modules, a removed class, dynamic task mapping,
# a name no release ever had, and the DAG's own operator.
from datetime import datetime

from airflow import DAG
from airflow.models import BaseOperator
from airflow.providers.amazon.aws.operators.s3 import S3MagicOperator
from airflow.providers.amazon.aws.operators.s3_copy_object import S3CopyObjectOperator
from airflow.providers.amazon.aws.operators.sagemaker_processing import SageMakerProcessingOperator
from airflow.providers.amazon.aws.sensors.s3_key import S3KeySensor
from airflow.providers.amazon.aws.sensors.s3_prefix import S3PrefixSensor


class TidyOperator(BaseOperator):
    def execute(self, context):
        return None


with DAG("mapped", start_date=datetime(2022, 1, 1)) as dag:
    landed = S3PrefixSensor(task_id="landed", bucket_name="my-bucket", prefix="input/")
    ready = S3KeySensor(task_id="ready", bucket_key="s3://my-bucket/input/_SUCCESS")
    steps = SageMakerProcessingOperator.partial(task_id="process").expand(config=[{"ProcessingJobName": "a"}, {"ProcessingJobName": "b"}])
    copies = S3CopyObjectOperator.partial(task_id="copy").expand_kwargs(
        [{"source_bucket_key": "a", "dest_bucket_key": "b"}, {"source_bucket_key": "c", "dest_bucket_key": "d"}]
    )
    magic = S3MagicOperator(task_id="magic")
    tidy = TidyOperator(task_id="tidy")
    landed >> ready >> steps >> copies >> magic >> tidy
