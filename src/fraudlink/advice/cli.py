"""``fraudlink advice``: how well the advice works, step by step."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from fraudlink.advice import outcomes
from fraudlink.console import console, open_database, print_json

app = typer.Typer(help="The advice (vuistregels) and its measured effect.", no_args_is_help=True)


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


@app.command("effectiveness")
def effectiveness(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Per step: shown, followed, and how it ended for those who followed it or did not."""
    with open_database().read_only() as session:
        effects = outcomes.effectiveness(session)
    if as_json:
        print_json(json.dumps([effect.as_dict() for effect in effects], indent=2))
        return
    table = Table("shown", "answered", "followed", "money back if followed", "if not followed")
    table.add_column("step", no_wrap=True)
    for effect in effects:
        table.add_row(
            str(effect.shown),
            str(effect.answered),
            _share(effect.followed_share),
            _share(effect.followed.money_back_share),
            _share(effect.not_followed.money_back_share),
            effect.step_id,
        )
    console.print(table)
