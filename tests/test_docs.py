"""The documentation is tested: every setting, command and permission is described, examples run."""

from __future__ import annotations

import re
from pathlib import Path

from fraudlink.access.permissions import GRANTS, Permission
from fraudlink.partners.models import PartnerType
from fraudlink.settings import Settings
from tests import cli_reference

DOCS = Path(__file__).parent.parent / "docs"
README = Path(__file__).parent.parent / "README.md"


def permissions_table() -> str:
    """The grants as the Markdown table that docs/access.md must contain."""
    types = list(PartnerType)
    lines = [
        "| permission | " + " | ".join(kind.value for kind in types) + " |",
        "|---|" + "---|" * len(types),
    ]
    for permission in Permission:
        marks = ["yes" if permission in GRANTS[kind] else "" for kind in types]
        lines.append(f"| `{permission.value}` | " + " | ".join(marks) + " |")
    return "\n".join(lines)


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text()
    for name in Settings.model_fields:
        assert f"`FRAUDLINK_{name.upper()}`" in text, name


def test_the_command_reference_is_current() -> None:
    assert (DOCS / "cli.md").read_text() == cli_reference.render(), "run: make docs"


def test_the_permission_table_matches_the_grants() -> None:
    assert permissions_table() in (DOCS / "access.md").read_text()


def test_the_readme_opens_with_the_two_commands() -> None:
    first_block = README.read_text().split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make run", "make test"]


def test_every_doc_linked_from_the_readme_exists() -> None:
    for link in re.findall(r"\]\((docs/[^)#]+)", README.read_text()):
        assert (README.parent / link).exists(), link
