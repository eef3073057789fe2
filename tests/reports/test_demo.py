"""The demo reports look like the field the letter describes, and hold networks to be found."""

from __future__ import annotations

from collections import Counter, defaultdict
from random import Random

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from fraudlink.cli import app as cli_app
from fraudlink.database import Database
from fraudlink.demo.reports import SEED, demo_reports, planted_networks
from fraudlink.reports.models import Report, ReportPayment
from fraudlink.reports.vocabulary import AgeBand, FraudType
from fraudlink.settings import Settings

MULE_VICTIMS = 5


def planted_accounts() -> set[str]:
    """The mule accounts and wallets the demo plants: drawn first from its seeded generator."""
    random = Random(SEED)  # noqa: S311 - the demo's own seeded generator, no secret
    return {
        account
        for network in planted_networks(random)
        for account in (*network.accounts, network.wallet)
    }


@pytest.fixture
def demo(settings: Settings, database: Database) -> Database:
    result = CliRunner().invoke(cli_app, ["demo"], env={"LANG": "en_GB.UTF-8"})
    assert result.exit_code == 0, result.stderr
    return database


def test_mule_accounts_turn_up_in_the_reports_of_many_victims(demo: Database) -> None:
    victims = func.count(func.distinct(ReportPayment.report_id))
    with demo.read_only() as session:
        shared = session.execute(
            select(ReportPayment.beneficiary, victims)
            .where(ReportPayment.beneficiary_kind == "iban")
            .group_by(ReportPayment.beneficiary)
            .having(victims >= MULE_VICTIMS)
        ).all()
        assert session.scalar(select(func.count()).select_from(Report)) == 3000
    assert shared, "at least one mule account behind 5 or more victims"
    assert {account for account, _ in shared} <= planted_accounts()


def test_more_than_half_of_the_bank_helpdesk_victims_are_70_or_older(demo: Database) -> None:
    with demo.read_only() as session:
        bands = Counter(
            session.scalars(
                select(Report.age_band).where(Report.fraud_type == FraudType.BANK_HELPDESK)
            )
        )
    assert bands[AgeBand.FROM_70] > sum(bands.values()) / 2


def test_only_planted_networks_link_many_victims() -> None:
    victims: defaultdict[str, set[str]] = defaultdict(set)
    for row in demo_reports():
        for payment in row["payments"]:
            beneficiary = payment.get("beneficiary_iban") or payment.get("beneficiary_wallet")
            if beneficiary:
                victims[beneficiary].add(row["external_id"])
    shared = {value for value, reports in victims.items() if len(reports) >= MULE_VICTIMS}
    assert shared <= planted_accounts()
