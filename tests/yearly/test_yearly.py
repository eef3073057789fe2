"""The yearly report (Jaarbericht): its figures come from the live register, and each format
(HTML, Markdown, PDF) says the same; the PDF is rendered to images and looked at."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pypdfium2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from fraudlink.actions import service as action_service
from fraudlink.actions.vocabulary import Status, Theme
from fraudlink.cli import app as cli_app
from fraudlink.database import Database
from fraudlink.errors import InvalidInput
from fraudlink.figures.catalogue import label
from fraudlink.figures.service import Dimension
from fraudlink.networks import service as network_service
from fraudlink.recovery.service import Rules
from fraudlink.reports.models import Report
from fraudlink.settings import Settings
from fraudlink.yearly import render, service
from fraudlink.yearly.document import Chart, Heading, Table, document
from tests.factories import OPERATOR
from tests.recovery.helpers import seed_register
from tests.recovery.test_register import TOTAL
from tests.reports.partnership import ING, Partnership, iban, report, submit
from tests.webhooks.test_webhook_pages import sign_in

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
runner = CliRunner()


@pytest.fixture
def seeded(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    """Seven refund requests of September and October 2026 with known figures."""
    seed_register(client, partnership, database, settings)


def compiled(database: Database, settings: Settings, year: int) -> service.YearlyReport:
    with database.read_only() as session:
        return service.compile_report(
            session, year=year, rules=Rules.from_settings(settings), now=NOW
        )


@pytest.mark.usefixtures("seeded")
def test_the_recovery_section_counts_the_requests_of_its_year_only(
    database: Database, settings: Settings
) -> None:
    this_year = compiled(database, settings, 2026).recovery.total
    assert (this_year.requests, this_year.recovered_euros) == (TOTAL["requests"], 2100.0)
    assert this_year.median_days_to_first_answer == TOTAL["median_days_to_first_answer"]
    assert compiled(database, settings, 2025).recovery.total.requests == 0


@pytest.mark.usefixtures("seeded")
def test_every_format_says_the_same(database: Database, settings: Settings) -> None:
    written = document(compiled(database, settings, 2026), "en")
    headings = [block.text for block in written.blocks if isinstance(block, Heading)]
    assert headings[:4] == [
        "Reports, victims and damage",
        "Money back: refund requests between banks (PNBF)",
        "The effect of the rules of thumb",
        "Intervening: spoofed calls and payments",
    ]
    html = render.to_html(written)
    markdown = render.to_markdown(written)
    assert html.count("<svg") == sum(isinstance(block, Chart) for block in written.blocks)
    for text in (html, markdown):
        assert written.title in text
        assert "| Requests | 7 |" in markdown
        assert "€ 2,100.00" in text  # recovered: 1,000 + 500 + 600 euros
    rows = [list(row) for block in written.blocks if isinstance(block, Table) for row in block.rows]
    assert ["Requests", "7"] in rows
    assert "There are no reports of fraud in 2026." in markdown  # they happened in 2025


@pytest.mark.usefixtures("seeded")
def test_the_figures_count_the_reports_of_fraud_that_happened_in_the_year(
    database: Database, settings: Settings
) -> None:
    with database.read_only() as session:
        occurred = session.scalars(select(Report.occurred_at)).all()
    in_2025 = sum(moment.year == 2025 for moment in occurred)
    assert in_2025
    written = document(compiled(database, settings, 2025), "en")
    rows = [list(row) for block in written.blocks if isinstance(block, Table) for row in block.rows]
    assert ["Reports", str(in_2025)] in rows
    by_type = next(
        block
        for block in written.blocks
        if isinstance(block, Table) and block.columns[0] == "Kind of fraud"
    )
    assert sum(int(row[1]) for row in by_type.rows) == in_2025
    assert len(by_type.rows) == 3  # bank helpdesk, purchase and romance fraud
    by_region = next(
        block
        for block in written.blocks
        if isinstance(block, Table) and block.columns[0] == "Province"
    )
    assert sum(int(row[1]) for row in by_region.rows) == in_2025


@pytest.mark.usefixtures("seeded")
def test_the_pdf_renders_to_pages_that_show_the_figures(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    pdf = render.to_pdf(document(compiled(database, settings, 2026), "nl"))
    assert pdf.startswith(b"%PDF-")
    rendered = pypdfium2.PdfDocument(pdf)
    first = rendered[0]
    text = first.get_textpage().get_text_range()
    assert "Jaarbericht 2026" in text
    assert "EUR 2.100,00" in text  # the euro sign is written as EUR in the PDF's fonts
    image = first.render(scale=1).to_pil().convert("L")
    image.save(tmp_path / "page-1.png")
    dark = sum(image.histogram()[:128])
    assert dark > 1_000  # text, tables and bars, not a blank page


def fraudlink(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli_app, list(args), env={"LANG": "en_GB.UTF-8"})
    return result.exit_code, result.output  # stdout and stderr, as a person sees them


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("chosen", "starts"), [("html", b"<!doctype html>"), ("md", b"# "), ("pdf", b"%PDF-")]
)
def test_the_command_writes_each_format(tmp_path: Path, chosen: str, starts: bytes) -> None:
    output = tmp_path / f"jaarbericht.{chosen}"
    code, out = fraudlink("report", "yearly", "2026", "--format", chosen, "--output", str(output))
    assert code == 0, out
    assert output.read_bytes().startswith(starts)
    assert str(output) in out


def test_a_year_outside_the_programme_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as refused:
        service.check_year(2019, now=NOW)
    assert refused.value.field == "year"
    service.check_year(2026, now=NOW)
    with pytest.raises(InvalidInput):
        service.check_year(2027, now=NOW)
    output = tmp_path / "later.md"
    code, out = fraudlink("report", "yearly", "2999", "--output", str(output))
    assert code != 0
    assert "2020" in out
    assert not output.exists()


@pytest.mark.usefixtures("seeded")
def test_the_page_is_for_signed_in_partners_in_every_format(
    client: TestClient, partnership: Partnership
) -> None:
    assert client.get("/yearly/2026", follow_redirects=False).status_code == 303
    sign_in(client, partnership.key(ING))
    page = client.get("/yearly/2026")
    assert page.status_code == 200
    assert "<svg" in page.text
    assert "Jaarbericht 2026" in page.text
    pdf = client.get("/yearly/2026?format=pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert "jaarbericht-2026.pdf" in pdf.headers["content-disposition"]
    assert client.get("/yearly/2026?format=md").text.startswith("# Jaarbericht 2026")
    assert client.get("/yearly/1999").status_code == 422


def test_the_action_plan_says_what_was_realised_and_what_carries_over(
    database: Database, settings: Settings
) -> None:
    with database.transaction() as session:
        action_service.create(
            session,
            year=2025,
            theme=Theme.PREVENTION,
            title="Campagne voor ouderen",
            owner="Fraudehelpdesk",
            status=Status.REALISED,
            actor=OPERATOR,
        )
        unfinished = action_service.create(
            session,
            year=2025,
            theme=Theme.DATA_SHARING,
            title="Gegevensdeling tussen banken en telecom",
            owner="NVB",
            status=Status.RUNNING,
            actor=OPERATOR,
        )
        action_service.carry_over(session, unfinished, actor=OPERATOR)
    written = render.to_markdown(document(compiled(database, settings, 2025), "en"))
    assert "## The action plan 2025" in written
    assert "Of the 2 actions, 1 were realised, 1 carry over" in written
    assert "| Campagne voor ouderen | Fraudehelpdesk | Realised |" in written
    carried = written.split("These actions carry over into 2026:")[1]
    assert "Gegevensdeling tussen banken en telecom" in carried
    assert "Campagne voor ouderen" not in carried
    assert "holds no actions" in render.to_markdown(
        document(compiled(database, settings, 2024), "en")
    )


def test_the_networks_section_counts_networks_but_names_no_account(
    client: TestClient, partnership: Partnership, database: Database, settings: Settings
) -> None:
    mule = iban("BUNQ", 7_000_001)
    for victim in range(2):
        submit(
            client,
            partnership,
            report(
                fraud_type="friend_in_need",
                channel="whatsapp",
                occurred_at=f"2025-06-0{victim + 1}T10:00:00Z",
                payments=[{"amount_cents": 150_000, "method": "instant", "beneficiary_iban": mule}],
                identifiers=[{"value": "+31 6 1400 0099"}],  # the "child's new number"
            ),
        )
    with database.transaction() as session:
        network_service.build(
            session, rules=network_service.Rules.of(session, settings), now=NOW, full=True
        )
    written = render.to_markdown(document(compiled(database, settings, 2025), "en"))
    section = written.split("## Money mules and networks")[1].split("## ")[0]
    assert "1 networks with fraud this year, together behind 2 victims and € 3,000.00" in section
    assert label(Dimension.FRAUD_TYPE, "friend_in_need", "en") in section
    assert mule not in written
    assert "No networks found with fraud in 2024" in render.to_markdown(
        document(compiled(database, settings, 2024), "en")
    )


def test_the_account_page_leads_to_last_years_report(
    client: TestClient, partnership: Partnership
) -> None:
    sign_in(client, partnership.key(ING))
    assert 'href="/yearly"' in client.get("/account").text
    latest = client.get("/yearly", follow_redirects=False)
    assert latest.status_code == 303
    assert latest.headers["location"] == f"/yearly/{datetime.now(UTC).year - 1}"
