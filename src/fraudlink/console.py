"""What every command shares: the database of the configured installation, and clean failures.

A command never shows a traceback for an expected failure: a ``DomainError`` becomes one line
on standard error, in the operator's language, and exit status 1.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.exc import DBAPIError
from typer.core import TyperGroup

from fraudlink.crypto import SecretKeyError, installation_keys
from fraudlink.database import Database
from fraudlink.errors import DomainError
from fraudlink.i18n import terminal_language, translate
from fraudlink.settings import Settings

console = Console()


def say(message_key: str, /, **params: object) -> None:
    typer.echo(translate(message_key, terminal_language(), **params))


def fail(message_key: str, /, **params: object) -> NoReturn:
    _exit_with(translate(message_key, terminal_language(), **params))


def _exit_with(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def open_database(settings: Settings | None = None) -> Database:
    settings = settings or Settings()
    return Database(
        settings.resolved_database_url, installation_keys(settings.resolved_secret_key_file)
    )


class CommandGroup(TyperGroup):
    """The root command: turns expected failures anywhere below it into one clear line."""

    def invoke(self, ctx: Any) -> Any:  # typer vendors click; its Context type is private
        try:
            return super().invoke(ctx)
        except DomainError as error:
            _exit_with(error.message(terminal_language()))
        except SecretKeyError as error:
            _exit_with(str(error))
        except DBAPIError as error:
            reason = str(error.orig).splitlines()[0] if error.orig else type(error).__name__
            fail("migrations.database_unusable", reason=reason)


def progress_bar(*, quiet: bool = False) -> Progress:
    """The progress bar of long commands; ``quiet`` (a --json run) shows none."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=quiet,
        disable=quiet,
    )


def print_json(text: str) -> None:
    sys.stdout.write(text + "\n")
