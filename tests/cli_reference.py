"""docs/cli.md is generated from the commands' own help: ``make docs`` writes it, a test compares.

Run ``python -m tests.cli_reference`` to rewrite the file after changing a command.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from fraudlink.cli import app

REFERENCE = Path(__file__).parent.parent / "docs" / "cli.md"
HEADER = """# Command line reference

Generated from the commands' `--help` by `make docs`; a test fails when it is out of date.
Every command reads its settings from `FRAUDLINK_*` environment variables (see settings.md).
Messages follow the operator's locale (`LANG=en_GB.UTF-8` for English; Dutch otherwise).
"""


def _commands(command: Any, path: list[str]) -> Iterator[list[str]]:
    yield path
    subcommands = getattr(command, "commands", {})
    for name in sorted(subcommands):
        yield from _commands(subcommands[name], [*path, name])


def render() -> str:
    root = typer.main.get_command(app)
    sections = [HEADER]
    runner = CliRunner()
    for path in _commands(root, ["fraudlink"]):
        result = runner.invoke(
            app,
            [*path[1:], "--help"],
            env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"},
            prog_name="fraudlink",
        )
        help_text = "\n".join(line.rstrip() for line in result.stdout.strip().splitlines())
        sections.append(f"## `{' '.join(path)}`\n\n```text\n{help_text}\n```\n")
    return "\n".join(sections)


if __name__ == "__main__":
    REFERENCE.write_text(render())
