"""``fraudlink audit``: prove that the audit log is intact."""

from __future__ import annotations

import typer

from fraudlink.audit import service
from fraudlink.console import fail, open_database, say

app = typer.Typer(help="The audit log.", no_args_is_help=True)


@app.command("verify")
def verify() -> None:
    """Check every entry of the hash chain; exit 1 naming the first bad entry."""
    with open_database().read_only() as session:
        report = service.verify(session)
    if report.problem is not None:
        fail(f"audit.{report.problem}", **report.params)
    say("audit.chain_intact", count=report.entries_checked)
