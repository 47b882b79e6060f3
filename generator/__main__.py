"""Command line: `python -m generator check|render|scan|connection|inventory`; exit 0 when fine, 2 on bad input."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from generator.load import PRELOADED, load_mappings
from generator import scan
from generator.connection import ConnectionInputError, convert_text
from generator.coverage import coverage_of
from generator.readme import ReadmeError, update_readme
from generator.inventory import AMAZON, INVENTORY_PATH, REGENERATE_COMMAND, InventoryError, generate, load_inventory
from generator.render import render_site
from generator.versions import project_versions
from generator.write import OutputFolderError, write_tree

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
EXIT_OK = 0
EXIT_BAD_INPUT = 2


def default_mappings() -> Path:
    """`./mappings` when there is one, else the mappings beside this package."""
    here = Path("mappings")
    return here if here.is_dir() else Path(__file__).resolve().parent.parent / "mappings"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    parser.add_argument("--mappings", type=Path, default=default_mappings(), help="folder of mapping documents (default: ./mappings, else the project's)")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("check", help="validate the mapping documents (the default)")
    render = commands.add_parser("render", help="write the generated pages and mappings.json to a folder")
    render.add_argument("--out", type=Path, required=True, help="output folder, owned by the generator")
    render.add_argument("--site-url", default=DEFAULT_SITE_URL, help=f"the published site's base URL (default: {DEFAULT_SITE_URL})")
    scanner = commands.add_parser("scan", help="list the operators that Airflow DAG files use, as a migration checklist")
    scanner.add_argument("paths", nargs="+", type=Path, help="DAG files or folders")
    scanner.add_argument("--format", choices=("markdown", "json"), default="markdown")
    scanner.add_argument("--site-url", default=DEFAULT_SITE_URL, help=f"the site the links point to (default: {DEFAULT_SITE_URL})")
    converter = commands.add_parser("connection", help="print the Prefect code for an Airflow connection URI or JSON")
    converter.add_argument("connection", help="an Airflow connection URI (aws://…, postgres://…) or JSON object")
    converter.add_argument("--name", help="the Prefect block's name (default: <type>-default)")
    converter.add_argument("--show-secrets", action="store_true", help="print passwords and keys instead of reading them from the environment")
    inventory = commands.add_parser("inventory", help="write the inventory of Airflow classes from the pinned wheels (--check: compare)")
    inventory.add_argument("--wheels", type=Path, default=Path(".cache/airflow-sources"), help="the pinned Airflow wheels")
    inventory.add_argument("--old-wheels", type=Path, default=Path(".cache/airflow-legacy-sources"), help="old releases' wheels, for old names")
    inventory.add_argument("--out", type=Path, default=INVENTORY_PATH, help="the inventory file (default: the committed one)")
    inventory.add_argument("--check", action="store_true", help="fail with a diff when the file is not what the wheels give")
    builder = commands.add_parser("build", help="check the mappings, then build the site with MkDocs in the same process")
    builder.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"))
    builder.add_argument("--site-dir", type=Path, default=Path("site"))
    readme = commands.add_parser("readme", help="rewrite the coverage figure in README.md from the data (--check: compare)")
    readme.add_argument("--file", type=Path, default=Path(__file__).resolve().parent.parent / "README.md")
    readme.add_argument("--check", action="store_true", help="fail with a diff when the figure is stale")
    arguments = parser.parse_args(argv)
    if arguments.command == "connection":
        return run_connection(arguments)
    if arguments.command == "inventory":
        return run_inventory(arguments)

    inventory = load_inventory()
    mappings, diagnostics = load_mappings(arguments.mappings, arguments.mappings.resolve().parent, inventory)
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)
    if diagnostics:
        print(f"{len(diagnostics)} problem(s) in {arguments.mappings}; nothing written", file=sys.stderr)
        return EXIT_BAD_INPUT
    if arguments.command == "scan":
        return run_scan(arguments, mappings)
    if arguments.command == "readme":
        return run_readme(arguments, mappings)
    if arguments.command == "build":
        return run_build(arguments, mappings, inventory)
    if arguments.command == "render":
        try:
            changed = write_tree(render_site(mappings, project_versions(Path.cwd()), arguments.site_url, load_inventory()), arguments.out)
        except OutputFolderError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"{len(changed)} file(s) changed in {arguments.out}")
        return EXIT_OK
    print(f"{len(mappings)} mapping(s) OK")
    return EXIT_OK


def run_connection(arguments: argparse.Namespace) -> int:
    try:
        conversion = convert_text(arguments.connection, name=arguments.name, show_secrets=arguments.show_secrets)
    except ConnectionInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for warning in conversion.warnings:
        print(f"warning: not carried over: {warning}", file=sys.stderr)
    print(conversion.text(), end="")
    return EXIT_OK


def write_or_check(path: Path, committed: str, generated: str, *, check: bool, command: str) -> int:
    """Write a committed generated file, or with `check` fail with a diff that names the command to run."""
    if check:
        diff = "".join(difflib.unified_diff(committed.splitlines(True), generated.splitlines(True), f"{path} (committed)", f"{path} (generated)"))
        if diff:
            print(diff, end="", file=sys.stderr)
            print(f"error: {path} is stale; run `{command}` and commit it", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"{path} is up to date")
        return EXIT_OK
    if committed != generated:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generated, encoding="utf-8")
    print(f"wrote {path}")
    return EXIT_OK


def run_inventory(arguments: argparse.Namespace) -> int:
    try:
        generated = generate(arguments.wheels, arguments.old_wheels)
    except (InventoryError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    committed = arguments.out.read_text(encoding="utf-8") if arguments.out.exists() else ""
    return write_or_check(arguments.out, committed, generated, check=arguments.check, command=REGENERATE_COMMAND)


def run_build(arguments: argparse.Namespace, mappings, inventory) -> int:
    """`mkdocs build --strict`, with the mappings this run already checked: the generator runs once."""
    import logging

    from mkdocs.commands import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    PRELOADED[arguments.mappings.resolve()] = (mappings, inventory)
    try:
        config = load_config(str(arguments.config_file), strict=True, site_dir=str(arguments.site_dir))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build.build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        PRELOADED.pop(arguments.mappings.resolve(), None)
    return EXIT_OK


def run_readme(arguments: argparse.Namespace, mappings) -> int:
    inventory = load_inventory()
    text = arguments.file.read_text(encoding="utf-8")
    try:
        updated = update_readme(text, coverage_of(inventory, mappings), inventory.sources["current"][AMAZON])
    except ReadmeError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return write_or_check(arguments.file, text, updated, check=arguments.check, command="make readme")


def run_scan(arguments: argparse.Namespace, mappings) -> int:
    missing = [str(path) for path in arguments.paths if not path.exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    result = scan.scan_paths(arguments.paths)
    for error in result.errors:
        print(error, file=sys.stderr)
    rows = scan.checklist_rows(result, mappings, load_inventory(), arguments.site_url.rstrip("/") + "/")
    print(scan.render_markdown(rows, result) if arguments.format == "markdown" else scan.render_json(rows, result), end="")
    return EXIT_BAD_INPUT if result.errors else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
