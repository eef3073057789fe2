"""``fraudlink demo``: fill the database with the demo partnership and print its keys."""

from __future__ import annotations

from rich.table import Table

from fraudlink.audit.service import Actor
from fraudlink.console import console, open_database, say
from fraudlink.demo import service


def demo() -> None:
    """Load deterministic demo data (a second run changes nothing) and print the demo API keys."""
    with open_database().transaction() as session:
        partners = service.load(session, actor=Actor.operator())
    table = Table("partner", "type", "API key", title="Demo API keys")
    for partner in partners:
        key = f"[strike]{partner.key}[/strike] (revoked)" if partner.key_revoked else partner.key
        table.add_row(partner.name, partner.type.value, key)
    console.print(table, soft_wrap=True)
    say("demo.loaded", count=len(partners))
