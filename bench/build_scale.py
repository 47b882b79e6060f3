"""Benchmark: the site build against the floor of its stack, at 30, 300 and 3000 synthetic operators.

Run with `make bench`. Synthetic mapping documents (30 operators each, one per
synthetic AWS service, each class with six parameters in a synthetic inventory)
are written beside the real ones into a copy of the project. In one run, for each size:

- the generator alone (load, check, render);
- the project's build, as `make build` runs it (`python -m generator build`);
- the floor: the same generated pages, written as files, built by bare Material for
  MkDocs (same Markdown extensions, search plugin, no navigation, no hooks, no extra
  CSS or JavaScript);
- the ratio of the two builds (each the fastest of BENCH_REPEATS, run in turn), in wall-clock seconds and
  in CPU seconds (user + system of the build process, which a busy or throttled machine disturbs less:
  wall-clock times of the same build varied by up to 30% between runs here), and the size of one operator page.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from generator.inventory import INVENTORY_PATH
from generator.load import load_mappings
from generator.parameters import SHARED_PARAMETERS_PATH
from generator.render import render_site
from generator.versions import LOCK_FILES, project_versions

ROOT = Path(__file__).resolve().parent.parent
OPERATORS_PER_SERVICE = 30
SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "30 300 3000").split()]
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
"""Builds of each kind per size; the table gives the fastest of each (the least disturbed by the machine)."""
PARAMETERS = ("thing_name", "thing_kind", "tags", "wait_for_completion", "waiter_delay", "aws_conn_id")
ENVIRONMENT = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="0")

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
    thing_name="thing-{index}",
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

## parameters
- `thing_name`: `Name=` of `create_thing`
- `thing_kind`: `Kind=` of `create_thing`
- `tags`: `Tags=` of `create_thing`, as a list of `{{"Key": …, "Value": …}}`

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


def synthetic_classes(count: int) -> list[dict]:
    """Inventory records of the synthetic classes, in the committed file's format."""
    classes = []
    for service_index in range(max(1, count // OPERATORS_PER_SERVICE)):
        for index in range(OPERATORS_PER_SERVICE):
            classes.append(
                {
                    "name": f"Svc{service_index:03d}Op{index:02d}RunOperator",
                    "module": f"airflow.providers.amazon.aws.operators.svc{service_index:03d}",
                    "distribution": "apache-airflow-providers-amazon",
                    "kind": "operator",
                    "service": f"service-{service_index:03d}",
                    "service_title": f"Synthetic Service {service_index:03d}",
                    "bases": ["AwsBaseOperator"],
                    "rests_on": ["AwsBaseOperator", "AwsBaseHookMixin", "BaseOperator"],
                    "parameters_from": f"Svc{service_index:03d}Op{index:02d}RunOperator",
                    "parameters": [{"name": name, "default": "None"} if name != "thing_name" else {"name": name} for name in PARAMETERS],
                    "template_fields": ["thing_name", "aws_conn_id", "region_name", "verify"],
                }
            )
    return classes


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
    """A copy of the project with `count` synthetic operators beside the real ones."""
    project = Path(tempfile.mkdtemp(prefix=f"bench-{count}-"))
    for name in ("mkdocs.yml", "docs", "overrides", "generator", "mappings", *LOCK_FILES):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if source.is_dir() else {}))
    write_synthetic_mappings(project / "mappings", count)
    inventory = json.loads(INVENTORY_PATH.read_text())
    inventory["classes"] += synthetic_classes(count)
    (project / INVENTORY_PATH.relative_to(ROOT)).write_text(json.dumps(inventory, indent=1) + "\n")
    assert (project / "mappings" / SHARED_PARAMETERS_PATH).exists()
    return project


def run_in(project: Path, *command: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) a command takes in the project folder, in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *command], cwd=project, env=ENVIRONMENT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def time_generator(project: Path, repeats: int) -> float:
    code = (
        "import time; from pathlib import Path\n"
        "from generator.load import load_mappings; from generator.inventory import load_inventory\n"
        "from generator.render import render_site; from generator.versions import project_versions\n"
        "start = time.perf_counter(); inventory = load_inventory()\n"
        "mappings, problems = load_mappings(Path('mappings'), Path('.'), inventory); assert not problems, problems[:3]\n"
        "render_site(mappings, project_versions(Path('.')), 'https://reference.example/', inventory)\n"
        "print(time.perf_counter() - start)\n"
    )
    timings = [
        float(subprocess.run([sys.executable, "-c", code], cwd=project, env=ENVIRONMENT, check=True, capture_output=True, text=True).stdout)
        for _ in range(repeats)
    ]
    return statistics.median(timings)


def floor_project(project: Path) -> Path:
    """The same generated pages as files, with bare Material: no nav, no hooks, no extra CSS or JavaScript."""
    floor = project / "floor"
    shutil.copytree(project / "docs", floor / "docs")
    code = (
        "import json, sys; from pathlib import Path\n"
        "from generator.load import load_mappings; from generator.inventory import load_inventory\n"
        "from generator.render import render_site; from generator.versions import project_versions\n"
        "inventory = load_inventory(); mappings, _ = load_mappings(Path('mappings'), Path('.'), inventory)\n"
        "files = render_site(mappings, project_versions(Path('.')), 'https://reference.example/', inventory)\n"
        "for path, text in files.items():\n"
        "    target = Path('floor/docs') / path; target.parent.mkdir(parents=True, exist_ok=True); target.write_text(text)\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=project, env=ENVIRONMENT, check=True)
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text().replace("!ENV", ""))
    bare = {
        "site_name": config["site_name"],
        "site_url": "https://reference.example/",
        "docs_dir": "docs",
        "nav": [{"Home": "index.md"}],
        "theme": {"name": "material", "font": False},
        "plugins": [{"search": config["plugins"][0]["search"]}],
        "markdown_extensions": config["markdown_extensions"],
        "validation": {"omitted_files": "ignore", "absolute_links": "ignore", "unrecognized_links": "ignore", "anchors": "ignore", "nav": {"omitted_files": "ignore"}},
    }
    (floor / "mkdocs.yml").write_text(yaml.safe_dump(bare, sort_keys=False))
    return floor


def main() -> None:
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print("| operators | generator (s) | project build (s) | floor build (s) | ratio | CPU: project (s) | CPU: floor (s) | CPU ratio | one operator page (KB) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for count in SIZES:
        project = synthetic_project(count)
        try:
            generator_seconds = time_generator(project, repeats=3 if count <= 300 else 1)
            floor = floor_project(project)
            builds, floors = [], []
            for _ in range(REPEATS):  # interleaved, so a slow spell of the machine hits both alike
                builds.append(run_in(project, "-m", "generator", "build", "--site-dir", str(project / "site")))
                floors.append(run_in(floor, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(floor / "site")))
            build_wall, floor_wall = min(wall for wall, _ in builds), min(wall for wall, _ in floors)
            build_cpu, floor_cpu = min(cpu for _, cpu in builds), min(cpu for _, cpu in floors)
            page = project / "site" / "operators" / "service-000" / "svc000op00runoperator" / "index.html"
            print(
                f"| {count} | {generator_seconds:.2f} | {build_wall:.1f} | {floor_wall:.1f} | {build_wall / floor_wall:.2f} | "
                f"{build_cpu:.1f} | {floor_cpu:.1f} | {build_cpu / floor_cpu:.2f} | {page.stat().st_size / 1024:.1f} |",
                flush=True,
            )
        finally:
            shutil.rmtree(project)


if __name__ == "__main__":
    main()
