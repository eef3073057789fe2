"""``fraudlink identifiers``: check an identifier by hand, as the platform would read it."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from fraudlink.crypto import installation_keys
from fraudlink.i18n import terminal_language
from fraudlink.identifiers import IdentifierKind, InvalidIdentifier, Pseudonymiser, parse
from fraudlink.settings import Settings

app = typer.Typer(
    help="Parse, validate and pseudonymise IBANs, phone numbers, web addresses, e-mail "
    "addresses and wallet addresses.",
    no_args_is_help=True,
)


@app.callback()
def identifiers() -> None:
    """Parse, validate and pseudonymise fraud identifiers."""
    # A callback keeps "parse" a named subcommand; with one command Typer would drop the name.


@app.command("parse")
def parse_command(
    value: Annotated[str, typer.Argument(help="The identifier, e.g. 'NL91 ABNA 0417 1643 00'.")],
    kind: Annotated[
        IdentifierKind | None,
        typer.Option(help="Parse as this kind instead of recognising the kind by its shape."),
    ] = None,
) -> None:
    """Print the identifier's normal form, details and pseudonym token as JSON.

    Exits with status 1 and one line of explanation when the value is not valid.
    """
    try:
        identifier = parse(value, kind)
    except InvalidIdentifier as error:
        typer.echo(error.message(terminal_language()), err=True)
        raise typer.Exit(code=1) from None
    keys = installation_keys(Settings().resolved_secret_key_file)
    output = {**identifier.as_dict(), "token": Pseudonymiser(keys.pseudonym).token(identifier)}
    typer.echo(json.dumps(output, ensure_ascii=False, indent=2))
