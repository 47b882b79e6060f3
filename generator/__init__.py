"""Generator of the Airflow → Prefect AWS migration reference.

The pipeline runs in one direction: [parse][generator.parse] →
[model][generator.model] → [validate][generator.validate] →
[render][generator.render] → [write][generator.write].
"""
