"""Command line: `python -m generator check|render`; exit 0 when fine, 2 on bad input."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.load import load_mappings
from generator.render import render_site
from generator.versions import project_versions
from generator.write import OutputFolderError, write_tree

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    parser.add_argument("--mappings", type=Path, default=Path("mappings"), help="folder of mapping documents (default: mappings)")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("check", help="validate the mapping documents (the default)")
    render = commands.add_parser("render", help="write the generated pages and mappings.json to a folder")
    render.add_argument("--out", type=Path, required=True, help="output folder, owned by the generator")
    arguments = parser.parse_args(argv)

    mappings, diagnostics = load_mappings(arguments.mappings, Path.cwd())
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)
    if diagnostics:
        print(f"{len(diagnostics)} problem(s) in {arguments.mappings}; nothing written", file=sys.stderr)
        return EXIT_BAD_INPUT
    if arguments.command == "render":
        try:
            changed = write_tree(render_site(mappings, project_versions(Path.cwd())), arguments.out)
        except OutputFolderError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"{len(changed)} file(s) changed in {arguments.out}")
        return EXIT_OK
    print(f"{len(mappings)} mapping(s) OK")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
