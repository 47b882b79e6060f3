# A DAG on provider 4.x–7.x names and a fully dotted module access.
from datetime import datetime

import airflow.providers.amazon.aws.operators.lambda_function
from airflow import DAG
from airflow.providers.amazon.aws.operators.ecs import EcsOperator
from airflow.providers.amazon.aws.operators.redshift import RedshiftSQLOperator
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator

with DAG("warehouse", start_date=datetime(2023, 1, 1)) as dag:
    invoke = airflow.providers.amazon.aws.operators.lambda_function.AwsLambdaInvokeFunctionOperator(
        task_id="invoke", function_name="prepare"
    )
    run = EcsOperator(task_id="run", cluster="etl", task_definition="load", overrides={})
    load = RedshiftSQLOperator(task_id="load", sql="CALL load_day()")
    check = SQLExecuteQueryOperator(task_id="check", conn_id="redshift_default", sql="SELECT 1")
    invoke >> run >> load >> check
