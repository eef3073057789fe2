"""The demo payment stream: the same on every run, truthful in every column, and not trivially
separable, so that a backtest on it says something about the rules."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from random import Random

import pytest
from typer.testing import CliRunner

from fraudlink.cli import app as cli_app
from fraudlink.decisions.vocabulary import PaymentChannel
from fraudlink.demo import payments, service
from fraudlink.demo.payments import (
    FIRST_PAYMENT_DAY,
    LAST_DAY,
    PAYMENTS,
    demo_payments,
    write_payments_csv,
)
from fraudlink.demo.reports import SEED, demo_reports, planted_networks
from fraudlink.identifiers import IdentifierKind, parse
from fraudlink.reports.vocabulary import AgeBand, FraudType
from fraudlink.settings import Settings

Row = dict[str, str]
# The backtest's input format, written out again: a change to it must be a deliberate one.
COLUMNS = (
    "id", "at", "amount_cents", "currency", "debtor_iban", "creditor_iban", "creditor_name",
    "channel", "debtor_age_band", "new_creditor", "debtor_phone", "on_call", "caller_reasons",
    "spoofed_call", "label", "fraud_type",
)  # fmt: skip
CALLER_REASONS = {
    "do_not_originate", "protected_number_abroad", "protected_number_outside_network",
    "domestic_number_abroad", "mobile_number_abroad", "reported_fraud_number",
}  # fmt: skip
FLAGS = {"true", "false"}


@pytest.fixture(scope="module")
def stream() -> list[Row]:
    return list(demo_payments())


@pytest.fixture(scope="module")
def reported() -> set[str]:
    """Every IBAN a demo report names as the beneficiary of a payment."""
    return {
        payment["beneficiary_iban"]
        for report in demo_reports()
        for payment in report["payments"]
        if "beneficiary_iban" in payment
    }


def of_type(stream: list[Row], fraud_type: FraudType | None) -> list[Row]:
    wanted = fraud_type.value if fraud_type else ""
    return [row for row in stream if row["fraud_type"] == wanted]


def cents(row: Row) -> int:
    return int(row["amount_cents"])


def test_the_same_rows_on_every_run_and_other_rows_for_another_seed() -> None:
    assert list(demo_payments(2_000)) == list(demo_payments(2_000))
    assert list(demo_payments(2_000, seed=7)) != list(demo_payments(2_000))


@pytest.mark.parametrize("count", [0, 1, 100, 2_000])
def test_count_rows_with_exactly_the_backtest_columns(count: int) -> None:
    rows = list(demo_payments(count))
    assert len(rows) == count
    assert payments.PAYMENT_COLUMNS == COLUMNS
    assert all(tuple(row) == COLUMNS for row in rows)


def test_payments_are_in_time_order_in_the_window_after_every_demo_report(
    stream: list[Row],
) -> None:
    moments = [datetime.fromisoformat(row["at"]) for row in stream]
    assert moments == sorted(moments)
    assert {moment.utcoffset() for moment in moments} == {timedelta(0)}
    assert (LAST_DAY - FIRST_PAYMENT_DAY).days == 60
    assert moments[0] >= FIRST_PAYMENT_DAY
    assert moments[-1] < LAST_DAY
    last_report = max(datetime.fromisoformat(report["reported_at"]) for report in demo_reports())
    assert last_report < moments[0]
    assert [row["id"] for row in stream] == [f"P-{n:06d}" for n in range(1, len(stream) + 1)]


def test_the_label_mix(stream: list[Row]) -> None:
    assert len(stream) == PAYMENTS
    counts = Counter(row["fraud_type"] for row in stream)
    assert set(counts) == {"", FraudType.BANK_HELPDESK, FraudType.PURCHASE, FraudType.INVESTMENT}
    assert 0.006 <= counts[FraudType.BANK_HELPDESK] / PAYMENTS <= 0.01
    assert 0.0045 <= counts[FraudType.PURCHASE] / PAYMENTS <= 0.0075
    assert 0.002 <= counts[FraudType.INVESTMENT] / PAYMENTS <= 0.004
    assert all((row["label"] == "fraud") == bool(row["fraud_type"]) for row in stream)
    assert {row["label"] for row in stream} == {"fraud", "genuine"}
    assert 1_500 <= len({row["debtor_iban"] for row in stream}) <= 2_500


def test_every_value_is_of_its_vocabulary(stream: list[Row]) -> None:
    channels = {channel.value for channel in PaymentChannel}
    ages = {band.value for band in AgeBand}
    for row in stream:
        assert row["currency"] == "EUR"
        assert cents(row) > 0
        assert row["channel"] in channels
        assert row["debtor_age_band"] in ages
        assert {row["new_creditor"], row["on_call"], row["spoofed_call"]} <= FLAGS
        reasons = row["caller_reasons"].split(";") if row["caller_reasons"] else []
        assert set(reasons) <= CALLER_REASONS
        assert not reasons or row["on_call"] == "true", row["id"]
        if "true" in (row["on_call"], row["spoofed_call"]):
            assert row["debtor_phone"], row["id"]


def test_most_customers_have_a_dutch_mobile_number(stream: list[Row]) -> None:
    phones = {row["debtor_iban"]: row["debtor_phone"] for row in stream}
    assert sum(bool(phone) for phone in phones.values()) / len(phones) > 0.8
    numbers = {phone for phone in phones.values() if phone}
    assert len(numbers) == sum(bool(phone) for phone in phones.values())  # one each
    for number in numbers:
        assert re.fullmatch(r"\+316\d{8}", number)
        assert parse(number).normalized == number


def test_every_iban_is_valid(stream: list[Row]) -> None:
    ibans = {row[column] for row in stream for column in ("debtor_iban", "creditor_iban")}
    for iban in ibans:
        parsed = parse(iban)
        assert (parsed.kind, parsed.normalized) == (IdentifierKind.IBAN, iban)
    assert all(row["debtor_iban"].startswith("NL") for row in stream)


def test_new_creditor_says_whether_the_debtor_paid_that_account_before(stream: list[Row]) -> None:
    paid: set[tuple[str, str]] = set()
    for row in stream:
        pair = (row["debtor_iban"], row["creditor_iban"])
        assert row["new_creditor"] == ("false" if pair in paid else "true"), row["id"]
        paid.add(pair)


def test_more_than_half_of_the_bank_helpdesk_victims_are_70_or_older(stream: list[Row]) -> None:
    victims = {
        row["debtor_iban"]: row["debtor_age_band"]
        for row in of_type(stream, FraudType.BANK_HELPDESK)
    }
    assert Counter(victims.values())[AgeBand.FROM_70] > len(victims) / 2


def test_bank_helpdesk_fraud_is_large_transfers_on_a_spoofed_call(stream: list[Row]) -> None:
    helpdesk = of_type(stream, FraudType.BANK_HELPDESK)
    assert all(100_000 <= cents(row) <= 2_500_000 for row in helpdesk)
    assert sum(row["on_call"] == "true" for row in helpdesk) / len(helpdesk) > 0.7
    assert any(row["spoofed_call"] == "true" for row in helpdesk)
    reasons = Counter(reason for row in helpdesk for reason in row["caller_reasons"].split(";"))
    assert reasons["protected_number_outside_network"] > reasons["domestic_number_abroad"] > 0
    assert reasons["do_not_originate"] > 0
    assert any(row["creditor_name"].startswith("Veilige rekening") for row in helpdesk)
    # Several transfers within minutes, to one mule or two.
    times: defaultdict[str, list[datetime]] = defaultdict(list)
    for row in helpdesk:
        times[row["debtor_iban"]].append(datetime.fromisoformat(row["at"]))
    bursts = [moments for moments in times.values() if len(moments) > 1]
    assert len(bursts) > len(times) / 3
    assert all(moments[-1] - moments[0] < timedelta(hours=2) for moments in bursts)


def test_purchase_and_investment_fraud_look_like_themselves(stream: list[Row]) -> None:
    purchase = of_type(stream, FraudType.PURCHASE)
    assert all(2_000 <= cents(row) <= 90_000 for row in purchase)
    assert all(row["on_call"] == "false" for row in purchase)
    investment = of_type(stream, FraudType.INVESTMENT)
    assert all(50_000 <= cents(row) <= 2_000_000 for row in investment)
    assert {row["debtor_age_band"] for row in investment} <= {"30-49", "50-69", "70+"}
    assert any(not row["creditor_iban"].startswith("NL") for row in investment)
    assert any(row["caller_reasons"] == "mobile_number_abroad" for row in investment)
    deposits: defaultdict[str, list[int]] = defaultdict(list)
    for row in investment:
        deposits[row["debtor_iban"]].append(cents(row))
    assert all(amounts == sorted(amounts) for amounts in deposits.values())  # growing
    assert any(amounts[-1] > amounts[0] for amounts in deposits.values())


def test_planted_mules_are_reported_and_the_fresh_ones_are_not(
    stream: list[Row], reported: set[str]
) -> None:
    planted = {
        account
        for network in planted_networks(Random(SEED))  # noqa: S311 - the demo's seeded generator
        for account in network.accounts
    }
    fraud = [row for row in stream if row["label"] == "fraud"]
    mules = {row["creditor_iban"] for row in fraud}
    assert mules & planted, "some mules are the reported networks' accounts"
    assert mules & planted <= reported
    assert mules - planted, "some mules nobody reported"
    assert not (mules - planted) & reported
    assert not {row["creditor_iban"] for row in of_type(stream, None)} & reported
    helpdesk = of_type(stream, FraudType.BANK_HELPDESK)
    share = sum(row["creditor_iban"] in planted for row in helpdesk) / len(helpdesk)
    assert 0.55 <= share <= 0.85


def test_genuine_payments_do_what_fraud_does_now_and_then(stream: list[Row]) -> None:
    genuine = of_type(stream, None)
    on_call = [row for row in genuine if row["on_call"] == "true"]
    assert len(on_call) > 200
    assert any(row["caller_reasons"] == "mobile_number_abroad" for row in on_call)
    assert any(row["spoofed_call"] == "true" for row in genuine)
    large_and_new = [
        row for row in genuine if row["new_creditor"] == "true" and cents(row) >= 500_000
    ]
    assert len(large_and_new) > 10
    abroad = Counter(
        row["creditor_iban"][:2] for row in genuine if row["creditor_iban"][:2] != "NL"
    )
    assert set(abroad) == {"DE", "BE"}
    assert 0.01 <= abroad.total() / len(genuine) <= 0.08
    names: defaultdict[str, set[str]] = defaultdict(set)
    for row in genuine:
        names[row["creditor_iban"]].add(row["creditor_name"])
    assert sum(len(spellings) > 1 for spellings in names.values()) > 20
    # Regular creditors: most payments go to an account the debtor pays more than once.
    pairs = Counter((row["debtor_iban"], row["creditor_iban"]) for row in genuine)
    assert sum(count for count in pairs.values() if count > 1) / len(genuine) > 0.5


def test_the_csv_replaces_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    path.write_text("old")
    assert write_payments_csv(path, count=300) == 300
    with path.open(newline="") as handle:
        assert list(csv.DictReader(handle)) == list(demo_payments(300))
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_a_failed_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(count: int, seed: int) -> Iterator[Row]:
        yield from demo_payments(10, seed)
        raise OSError("disk full")

    monkeypatch.setattr(payments, "demo_payments", failing)
    path = tmp_path / "payments.csv"
    path.write_text("old")
    with pytest.raises(OSError, match="disk full"):
        write_payments_csv(path)
    assert path.read_text() == "old"
    assert list(tmp_path.iterdir()) == [path]


def test_fraudlink_demo_writes_the_stream_and_says_how_to_backtest_it(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A few reports are enough here: tests/reports/test_demo.py loads them all.
    monkeypatch.setattr(service, "demo_reports", lambda: demo_reports(count=20))
    result = CliRunner().invoke(cli_app, ["demo"], env={"LANG": "en_GB.UTF-8"})
    assert result.exit_code == 0, result.stderr
    path = settings.data_dir / "demo-payments.csv"
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == PAYMENTS + 1
    assert (
        f"Demo payments to test rules on: {PAYMENTS} labelled payments in {path}. "
        f"Backtest them: fraudlink decisions backtest {path}"
    ) in result.stdout.splitlines()
