"""Benchmark: generator time, full site build time and operator page size at 30, 300 and 3000 operators.

Run with `make bench`. Synthetic mapping documents of 30 operators each (one
document per synthetic AWS service) are written into a copy of the project,
which is then built with `mkdocs build` as `make build` does.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.load import load_mappings
from generator.render import render_site
from generator.versions import LOCK_FILES, project_versions

ROOT = Path(__file__).resolve().parent.parent
OPERATORS_PER_SERVICE = 30
SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "30 300 3000").split()]

SECTION = """
{{% section {name} %}}
## operator
{name}

## module
airflow.providers.amazon.aws.operators.{module}

## source_context
Runs operation {index} of service {service} and waits for it to finish.

## prefect_pattern
boto3 {module} call through `AwsCredentials.get_client`

## prefect_package
prefect-aws

## prefect_import
from prefect_aws import AwsCredentials

## example
### before
```python
op = {name}(
    task_id="step_{index}",
    aws_conn_id="aws_default",
)
```
### after
```python
from prefect import task
from prefect_aws import AwsCredentials


@task
def step_{index}():
    client = AwsCredentials.load("aws-default").get_client("{module}")
    return client.list_things()
```

## verification
### setup
```python
aws("{module}").create_thing(Name="thing-{index}")
```
### call
```python
result = step_{index}()
```
### assertions
```python
assert result == {{"Things": ["thing-{index}"]}}
```

## notes
- Synthetic operator {index} for the benchmark
{{% endsection %}}
"""


def write_synthetic_mappings(folder: Path, count: int) -> None:
    for service_index in range(max(1, count // OPERATORS_PER_SERVICE)):
        module = f"svc{service_index:03d}"
        slug = f"service-{service_index:03d}"
        text = f"---\nname: Synthetic {slug}\nservice:\n  slug: {slug}\n  title: Synthetic Service {service_index:03d}\n---\n"
        for index in range(OPERATORS_PER_SERVICE):
            name = f"Svc{service_index:03d}Op{index:02d}RunOperator"
            text += SECTION.format(name=name, module=module, index=index, service=slug)
        (folder / f"{slug}.md").write_text(text)


def synthetic_project(count: int) -> Path:
    project = Path(tempfile.mkdtemp(prefix=f"bench-{count}-"))
    for name in ("mkdocs.yml", "docs", "overrides", "generator", *LOCK_FILES):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    (project / "mappings").mkdir()
    write_synthetic_mappings(project / "mappings", count)
    return project


def time_generator(project: Path, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        mappings, diagnostics = load_mappings(project / "mappings")
        assert not diagnostics, diagnostics[:3]
        render_site(mappings, project_versions(ROOT), "https://reference.example/")
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def time_build(project: Path) -> float:
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="0")
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(project / "site")],
        cwd=project,
        env=environment,
        check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print("| operators | generator (s) | full build (s) | generator share | one operator page (KB) |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for count in SIZES:
        project = synthetic_project(count)
        try:
            generator_seconds = time_generator(project, repeats=3 if count <= 300 else 1)
            build_seconds = time_build(project)
            page = project / "site" / "operators" / "service-000" / "svc000op00runoperator" / "index.html"
            size_kb = page.stat().st_size / 1024
            print(
                f"| {count} | {generator_seconds:.2f} | {build_seconds:.1f} | {generator_seconds / build_seconds:.1%} | {size_kb:.1f} |",
                flush=True,
            )
        finally:
            shutil.rmtree(project)


if __name__ == "__main__":
    main()
