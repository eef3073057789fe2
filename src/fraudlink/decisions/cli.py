"""``fraudlink decisions``: rule sets (load, shadow, promote) and backtests on labelled payments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fraudlink.audit.service import Actor
from fraudlink.console import console, fail, open_database, print_json, progress_bar, say
from fraudlink.crypto import installation_keys
from fraudlink.decisions import backtest, rulebook
from fraudlink.decisions import rules as rule_parsing
from fraudlink.decisions.features import NameKeys
from fraudlink.decisions.metrics import Tally
from fraudlink.decisions.vocabulary import RuleSetStatus
from fraudlink.i18n import format_amount, terminal_language, translate
from fraudlink.identifiers import Pseudonymiser
from fraudlink.indicators.index import IndicatorIndex
from fraudlink.indicators.service import Policy
from fraudlink.settings import Settings

app = typer.Typer(help="Payment decisions: rule sets and backtests.", no_args_is_help=True)
rules_app = typer.Typer(help="The versioned rule sets.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

BAD_ROWS_SHOWN = 20


@rules_app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="A rule document (YAML, see docs/decisions.md).")],
    shadow: Annotated[
        bool, typer.Option(help="Run it in shadow beside the live rules instead of live.")
    ] = False,
) -> None:
    """Load a new version of the rules, live or in shadow; the version it replaces is retired."""
    if not file.is_file():
        fail("decisions.backtest_file_missing", path=str(file))
    status = RuleSetStatus.SHADOW if shadow else RuleSetStatus.LIVE
    with open_database().transaction() as session:
        version = rulebook.load_rules(
            session, document=file.read_text("utf-8"), status=status, actor=Actor.operator()
        )
        count = len(rule_parsing.parse(version.document).rules)
    say("decisions.rules_loaded", version=version.version, status=status.value, rules=count)


@rules_app.command("promote")
def promote() -> None:
    """Make the shadow rules live."""
    with open_database().transaction() as session:
        version = rulebook.promote_shadow(session, actor=Actor.operator())
    say("decisions.rules_promoted", version=version.version)


@rules_app.command("stop-shadow")
def stop_shadow() -> None:
    """Stop running the shadow rules."""
    with open_database().transaction() as session:
        version = rulebook.stop_shadow(session, actor=Actor.operator())
    say("decisions.shadow_stopped", version=version.version)


@rules_app.command("list")
def list_versions() -> None:
    """Every rule-set version loaded, newest first (the bundled one is live until another is)."""
    table = Table("version", "status", "loaded", "by")
    with open_database().read_only() as session:
        versions = rulebook.versions(session)
        for version in versions:
            table.add_row(
                version.version,
                version.status.value,
                f"{version.loaded_at:%Y-%m-%d %H:%M}",
                version.loaded_by,
            )
    if not any(version.status is RuleSetStatus.LIVE for version in versions):
        table.add_row(rule_parsing.bundled().version, "live (bundled)", "", "")
    console.print(table)


@app.command("backtest")
def run_backtest(
    file: Annotated[Path, typer.Argument(help="Labelled payments, CSV (see docs/decisions.md).")],
    rules: Annotated[
        Path | None, typer.Option(help="A rule document to test instead of the live rules.")
    ] = None,
    partner: Annotated[
        str | None, typer.Option(help="Apply this bank's overrides of the rules.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Replay labelled payments through the rules: precision, recall, alert rate, money stopped.

    Creditor accounts are looked up in today's indicators; nothing is written.
    """
    for path in (file, rules):
        if path is not None and not path.is_file():
            fail("decisions.backtest_file_missing", path=str(path))
    settings = Settings()
    database = open_database(settings)
    keys = installation_keys(settings.resolved_secret_key_file)
    if rules is not None:
        rule_set = rule_parsing.parse(rules.read_text("utf-8"))
    else:
        live_rules = rulebook.Rulebook()
        live_rules.refresh(database)
        rule_set = live_rules.live
    if partner:
        rule_set = rule_set.for_partner(partner)
    index = IndicatorIndex(Policy.from_settings(settings))
    index.catch_up(database)
    rows = list(backtest.read_rows(file))
    language = terminal_language()
    with progress_bar(quiet=as_json) as progress:
        task = progress.add_task(file.name, total=len(rows))
        result = backtest.replay(
            iter(rows),
            rule_set=rule_set,
            index=index,
            pseudonymiser=Pseudonymiser(keys.pseudonym),
            name_keys=NameKeys(keys.payee_names),
            language=language,
            progress=lambda done: progress.advance(task, done),
        )
    figures = result.as_dict(rule_set.version)
    if as_json:
        print_json(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    for line, message in result.bad_rows[:BAD_ROWS_SHOWN]:
        typer.echo(
            translate("decisions.backtest_bad_row", language, line=line, message=message), err=True
        )
    _print_rules(result.tally)
    say(
        "decisions.backtest_summary",
        decisions=figures["decisions"],
        version=rule_set.version,
        precision=_percent(figures["precision"]),
        recall=_percent(figures["recall"]),
        alert_rate=_percent(figures["alert_rate"]),
        prevented=format_amount(result.tally.stopped_cents, language),
        fraud=format_amount(result.tally.fraud_cents, language),
        bad=figures["bad_rows"],
    )


def _percent(value: object) -> str:
    return "-" if not isinstance(value, float) else f"{value:.1%}"


def _print_rules(tally: Tally) -> None:
    table = Table("rule", "fired", "on fraud", "on genuine", "precision")
    for code, rule in sorted(tally.rules.items()):
        precision = rule.as_dict()["precision"]
        table.add_row(
            code, str(rule.fired), str(rule.fraud), str(rule.genuine), _percent(precision)
        )
    console.print(table)
