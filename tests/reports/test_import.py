"""``fraudlink reports import``: good rows in, bad rows listed by line, nothing twice or half."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fraudlink.audit.models import AuditEntry
from fraudlink.audit.service import Actor
from fraudlink.cli import app as cli_app
from fraudlink.database import Database
from fraudlink.reports import importing, service
from fraudlink.reports.models import Report, ReportSource
from fraudlink.settings import Settings
from tests.reports.partnership import (
    ABN_AMRO,
    BAD_IBAN,
    EXAMPLE,
    HELPDESK,
    IDENTITY_DESK,
    ING,
    ING_IBAN,
    KPN,
    KPN_NUMBER,
    MARKTPLAATS,
    MOLLIE,
    ODIDO,
    POLICE,
    RABOBANK,
    Partnership,
    count_rows,
    iban,
    submit,
)

DATA: Final = Path(__file__).resolve().parent.parent / "data"
GOOD_CSV: Final = DATA / "reports_import.csv"
GOOD_JSONL: Final = DATA / "reports_import.jsonl"
HEADER: Final = [
    *("external_id", "channel", "occurred_at", "amount_cents", "method"),
    *("beneficiary_iban", "identifiers", "narrative"),
]

runner = CliRunner()


def fraudlink(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli_app, list(args), env={"LANG": "en_GB.UTF-8"})
    return result.exit_code, result.stdout, result.stderr


def import_json(path: Path, *options: str) -> tuple[int, dict[str, Any]]:
    code, out, err = fraudlink("reports", "import", str(path), "--json", *options)
    assert "Traceback" not in out + err
    summary: dict[str, Any] = json.loads(out)
    return code, summary


def write_csv(path: Path, rows: Iterable[Mapping[str, str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def row(number: int, *, beneficiary: str = ING_IBAN, **changes: str) -> dict[str, str]:
    return {
        "external_id": f"row-{number:05d}",
        "channel": "phone_call",
        "occurred_at": "2025-03-01T10:00:00Z",
        "amount_cents": "5000",
        "method": "transfer",
        "beneficiary_iban": beneficiary,
        "identifiers": KPN_NUMBER,
        "narrative": f"Melding {number}",
        **changes,
    }


@pytest.mark.parametrize(
    ("path", "payments", "identifiers", "routing"),
    [
        pytest.param(
            GOOD_CSV,
            2,
            4,
            {
                "fhd-0001": {ING, RABOBANK, KPN, POLICE},
                "fhd-0002": {MOLLIE, MARKTPLAATS},
                "fhd-0003": {KPN},
            },
            id="csv",
        ),
        pytest.param(
            GOOD_JSONL,
            2,
            3,
            {
                "fhd-1001": {ABN_AMRO, ODIDO, POLICE},
                "fhd-1002": {ING, MARKTPLAATS},
                "fhd-1003": {IDENTITY_DESK},
            },
            id="jsonl",
        ),
    ],
)
def test_a_good_file_is_imported_and_routed_and_a_rerun_imports_nothing_twice(
    settings: Settings,
    partnership: Partnership,
    database: Database,
    path: Path,
    payments: int,
    identifiers: int,
    routing: dict[str, set[str]],
) -> None:
    code, summary = import_json(path, "--partner", HELPDESK)
    assert code == 0
    assert summary == {"imported": 3, "already_present": 0, "bad_rows": 0, "bad": []}
    counts = count_rows(database)
    assert (counts["reports"], counts["report_payments"], counts["report_identifiers"]) == (
        3,
        payments,
        identifiers,
    )
    with database.read_only() as session:
        reports = session.scalars(select(Report)).all()
        names = {partner_id: name for name, partner_id in partnership.ids.items()}
        stored = {
            report.external_id: {names[recipient.partner_id] for recipient in report.recipients}
            for report in reports
        }
        assert {report.source for report in reports} == {ReportSource.IMPORT}
        assert {report.reporting_partner_id for report in reports} == {partnership.ids[HELPDESK]}
    assert stored == routing
    with database.read_only() as session:
        actions = Counter(session.scalars(select(AuditEntry.action)))
    assert (actions["report.create"], actions["report.import"]) == (3, 1)

    code, again = import_json(path, "--partner", HELPDESK)
    assert (code, again["imported"], again["already_present"]) == (0, 0, 3)
    assert count_rows(database) == counts


def test_the_human_summary_is_one_line(settings: Settings, partnership: Partnership) -> None:
    code, out, err = fraudlink("reports", "import", str(GOOD_CSV))
    assert (code, err) == (0, "")
    assert out.strip().splitlines()[-1] == (
        "3 reports imported, 0 were already there, 0 rows rejected."
    )


def test_an_imported_multi_line_narrative_is_kept_whole(
    settings: Settings, client: TestClient, partnership: Partnership
) -> None:
    import_json(GOOD_CSV, "--partner", HELPDESK)
    [item] = client.get("/v1/inbox", headers=partnership.headers(POLICE)).json()["items"]
    shown = client.get(
        f"/v1/reports/{item['report']['reference']}", headers=partnership.headers(POLICE)
    ).json()
    assert shown["narrative"].splitlines() == [
        "Een medewerker van de bank belde.",
        "Hij zei dat mijn rekening gehackt was.",
        "Ik heb alles naar een veilige rekening overgemaakt.",
    ]


def test_rows_without_an_external_id_are_recognised_by_their_content(
    settings: Settings, partnership: Partnership, database: Database, tmp_path: Path
) -> None:
    rows = [row(number, external_id="") for number in range(3)]
    path = write_csv(tmp_path / "no-ids.csv", [*rows, rows[0]])
    code, summary = import_json(path)
    assert (code, summary["imported"], summary["already_present"]) == (0, 3, 1)
    code, summary = import_json(path)
    assert (code, summary["imported"], summary["already_present"]) == (0, 0, 4)
    assert count_rows(database)["reports"] == 3


def test_a_report_sent_through_the_api_is_not_imported_again(
    settings: Settings, client: TestClient, partnership: Partnership, database: Database
) -> None:
    submit(client, partnership, {**EXAMPLE, "external_id": "fhd-0001"})
    code, summary = import_json(GOOD_CSV, "--partner", HELPDESK)
    assert (code, summary["imported"], summary["already_present"]) == (0, 2, 1)
    assert count_rows(database)["reports"] == 3


def test_latin1_bytes_are_refused_with_one_line_and_nothing_is_written(
    settings: Settings, partnership: Partnership, database: Database, tmp_path: Path
) -> None:
    text = write_csv(tmp_path / "utf8.csv", [row(1), row(2, narrative="Ik betaalde € 50")])
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(text.read_text(encoding="utf-8").replace("€", "EUR é").encode("latin-1"))
    before = count_rows(database)
    code, out, err = fraudlink("reports", "import", str(latin1))
    assert code == 1
    assert err.strip() == (
        "The file is not UTF-8 text (the first error is on line 3). "
        "Save it as UTF-8 and try again; nothing was imported."
    )
    assert "Traceback" not in out
    assert count_rows(database) == before


@pytest.mark.parametrize(
    ("header", "message"),
    [
        pytest.param(
            ["external_id", "fraud_type", "narrative"],
            "The CSV file lacks these columns: channel, occurred_at. Nothing was imported.",
            id="missing columns",
        ),
        pytest.param(
            ["channel", "occurred_at"],
            None,
            id="only the required columns",
        ),
        pytest.param(
            ["channel", "occurred_at", "victim_name", "bsn"],
            "The CSV file has columns fraudlink does not know: bsn, victim_name. "
            "Check the header (see docs/reports.md); nothing was imported.",
            id="unknown columns",
        ),
    ],
)
def test_a_wrong_header_is_refused_naming_the_columns(
    settings: Settings,
    partnership: Partnership,
    database: Database,
    tmp_path: Path,
    header: list[str],
    message: str | None,
) -> None:
    values = {"channel": "sms", "occurred_at": "2025-03-01T10:00:00Z", "narrative": "x"}
    path = tmp_path / "reports.csv"
    write_csv(path, [{name: values.get(name, "") for name in header}], header)
    code, out, err = fraudlink("reports", "import", str(path))
    if message is None:
        assert code == 0, err
        assert count_rows(database)["reports"] == 1
        return
    assert (code, err.strip()) == (1, message)
    assert "Traceback" not in out
    assert count_rows(database)["reports"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--partner", "Nobody"],
            "There is no partner named 'Nobody'. See the names with: fraudlink partners list",
            id="unknown partner",
        ),
        pytest.param(["--file", "reports.xlsx"], "Files of type '.xlsx'", id="unknown format"),
        pytest.param(["--file", "missing.csv"], "does not exist", id="missing file"),
    ],
)
def test_mistakes_get_one_clear_line_and_write_nothing(
    settings: Settings,
    partnership: Partnership,
    database: Database,
    tmp_path: Path,
    args: list[str],
    message: str,
) -> None:
    path = GOOD_CSV
    if args[0] == "--file":
        path = tmp_path / args[1]
        if path.suffix == ".xlsx":
            path.write_bytes(b"PK\x03\x04")
        args = []
    before = count_rows(database)
    code, out, err = fraudlink("reports", "import", str(path), *args)
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err
    assert count_rows(database) == before


BATCH_SIZE: Final = 1000
BAD_ROWS: Final = 1000
GOOD_ROWS: Final = BATCH_SIZE + 500  # more than one batch of good rows


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of a thousand rows: files of a few batches, and still quick to import."""
    monkeypatch.setattr(importing, "BATCH_SIZE", BATCH_SIZE)


@pytest.mark.usefixtures("small_batches")
def test_a_thousand_bad_rows_among_good_ones_leave_only_the_good_ones(
    settings: Settings,
    partnership: Partnership,
    database: Database,
    tmp_path: Path,
) -> None:
    total = BAD_ROWS + GOOD_ROWS
    # Every fifth row is bad, the rest good: bad rows sit between good ones in every batch.
    bad = {number for number in range(total) if number % 5 in {1, 3}}
    bad |= set(range(total - (BAD_ROWS - len(bad)), total))
    assert len(bad) == BAD_ROWS
    rows = [
        row(number, beneficiary=BAD_IBAN if number in bad else iban("INGB", number))
        for number in range(total)
    ]
    path = write_csv(tmp_path / "mixed.csv", rows)

    code, summary = import_json(path, "--partner", HELPDESK)

    assert code == 1
    assert (summary["imported"], summary["already_present"]) == (GOOD_ROWS, 0)
    assert summary["bad_rows"] == BAD_ROWS
    # The header is line 1, so row n (from 0) is on line n + 2.
    assert [item["line"] for item in summary["bad"]] == sorted(number + 2 for number in bad)
    assert {
        (error["field"], error["code"]) for item in summary["bad"] for error in item["errors"]
    } == {("payments.0.beneficiary_iban", "iban_checksum")}
    counts = count_rows(database)
    assert counts["reports"] == counts["report_payments"] == GOOD_ROWS
    assert counts["report_identifiers"] == counts["report_recipients"] // 2 == GOOD_ROWS
    with database.read_only() as session:
        imported = set(session.scalars(select(Report.external_id)))
    assert imported == {f"row-{number:05d}" for number in range(total) if number not in bad}

    code, again = import_json(path, "--partner", HELPDESK)
    assert (code, again["imported"], again["already_present"], again["bad_rows"]) == (
        1,
        0,
        GOOD_ROWS,
        BAD_ROWS,
    )
    assert count_rows(database) == counts


@pytest.mark.usefixtures("small_batches")
def test_workers_import_every_row_once_and_list_bad_rows_in_file_order(
    settings: Settings,
    partnership: Partnership,
    database: Database,
    tmp_path: Path,
) -> None:
    total = 2 * BATCH_SIZE + 300
    bad = set(range(7, total, 97))
    rows = [
        row(number, beneficiary=BAD_IBAN if number in bad else iban("INGB", number))
        for number in range(total)
    ]
    # Rows repeated in a later batch, which another worker takes: present, as with one process.
    in_file = [*rows[: BATCH_SIZE + 10], rows[3], rows[BATCH_SIZE + 5], *rows[BATCH_SIZE + 10 :]]
    path = write_csv(tmp_path / "big.csv", in_file)

    code, summary = import_json(path, "--partner", HELPDESK, "--workers", "2")

    good = total - len(bad)
    assert code == 1
    assert (summary["imported"], summary["already_present"]) == (good, 2)
    assert [item["line"] for item in summary["bad"]] == [
        position + 2
        for position, item in enumerate(in_file)
        if item["beneficiary_iban"] == BAD_IBAN
    ]
    counts = count_rows(database)
    assert counts["reports"] == counts["report_payments"] == good
    with database.read_only() as session:
        references = session.scalars(select(Report.reference)).all()
        imported = set(session.scalars(select(Report.external_id)))
        batches = session.scalar(select(func.count()).where(AuditEntry.action == "report.import"))
    assert len(set(references)) == good
    assert imported == {f"row-{number:05d}" for number in range(total) if number not in bad}
    assert batches == 3

    code, again = import_json(path, "--partner", HELPDESK, "--workers", "2")
    assert (code, again["imported"], again["already_present"]) == (1, 0, good + 2)
    assert count_rows(database) == counts


@pytest.mark.usefixtures("small_batches")
def test_a_batch_failing_in_a_worker_stops_the_import_and_leaves_none_of_itself(
    settings: Settings,
    partnership: Partnership,
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = service.store

    def failing_store(session: Session, prepared: Sequence[Any], **options: Any) -> list[int]:
        if any(report.row["external_id"] == "row-01500" for report in prepared):
            raise RuntimeError("disk full")
        return store(session, prepared, **options)

    # Worker processes are forked, so they inherit the patched function.
    monkeypatch.setattr(service, "store", failing_store)
    path = write_csv(tmp_path / "three.csv", [row(number) for number in range(3 * BATCH_SIZE)])

    with pytest.raises(RuntimeError, match="disk full"):
        importing.import_rows(
            database,
            importing.read_rows(path),
            partner_id=None,
            actor=Actor(name="test"),
            policy=service.RoutingPolicy.from_settings(settings),
            language="en",
            workers=2,
        )

    with database.read_only() as session:
        imported = set(session.scalars(select(Report.external_id)))
    assert {f"row-{number:05d}" for number in range(BATCH_SIZE)} <= imported
    assert not imported & {f"row-{number:05d}" for number in range(BATCH_SIZE, 2 * BATCH_SIZE)}
    counts = count_rows(database)
    assert counts["reports"] == counts["report_payments"] == counts["report_identifiers"]


def test_bad_rows_are_listed_on_standard_error_with_line_and_reason(
    settings: Settings, partnership: Partnership, tmp_path: Path
) -> None:
    rows = [row(0), *(row(number, beneficiary=BAD_IBAN) for number in range(1, 56)), row(56)]
    rows[3]["channel"] = "fax"
    path = write_csv(tmp_path / "bad.csv", rows)
    code, out, err = fraudlink("reports", "import", str(path))
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0] == (
        "line 3: payments.0.beneficiary_iban: The IBAN check digits do not match; check for a typo."
    )
    assert lines[1].startswith("line 4: payments.0.beneficiary_iban: ")
    assert lines[2].startswith("line 5: channel: ")
    assert lines[-1] == "… and 5 more rejected rows (see --json for all)."
    assert len(lines) == 52  # 50 rows, one of them with two reasons, and the remainder line
    assert out.strip().splitlines()[-1] == (
        "2 reports imported, 0 were already there, 55 rows rejected."
    )


def test_an_excel_style_file_with_bom_and_crlf_is_read_line_by_line(
    settings: Settings, partnership: Partnership, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "excel.csv", [row(0), row(1, beneficiary=BAD_IBAN), row(2)])
    text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(text.encode("utf-8-sig"))
    code, summary = import_json(path)
    assert (code, summary["imported"]) == (1, 2)
    assert [item["line"] for item in summary["bad"]] == [3]


def test_a_quoted_multi_line_narrative_counts_from_the_rows_first_line(
    settings: Settings, partnership: Partnership, tmp_path: Path
) -> None:
    rows = [
        row(0, narrative="Eerste regel\nTweede regel\nDerde regel"),  # lines 2-4
        row(1, beneficiary=BAD_IBAN),  # line 5
        row(2, beneficiary=BAD_IBAN, narrative="Nog een\nverhaal"),  # lines 6-7
        row(3, channel="fax"),  # line 8
    ]
    code, summary = import_json(write_csv(tmp_path / "multi.csv", rows))
    assert code == 1
    assert [item["line"] for item in summary["bad"]] == [5, 6, 8]


def test_jsonl_lines_that_are_no_report_are_listed_by_line(
    settings: Settings, partnership: Partnership, database: Database, tmp_path: Path
) -> None:
    good = {**EXAMPLE, "external_id": "j1"}
    lines = [
        json.dumps(good),  # 1
        "",  # 2: blank lines are skipped, but counted
        "{not json",  # 3
        "[1, 2]",  # 4
        json.dumps({**good, "external_id": "j2", "payments": [{"amount_cents": 0}]}),  # 5
        json.dumps({**good, "external_id": "j3"}),  # 6
    ]
    path = tmp_path / "reports.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, summary = import_json(path)
    assert code == 1
    assert summary["imported"] == 2
    assert [(item["line"], item["errors"][0]["code"]) for item in summary["bad"]] == [
        (3, "json_invalid"),
        (4, "json_invalid"),
        (5, "greater_than"),
    ]
    assert {error["field"] for error in summary["bad"][2]["errors"]} == {
        "payments.0.amount_cents",
        "payments.0.method",
    }
    assert count_rows(database)["reports"] == 2


def test_a_blank_line_in_a_csv_does_not_shift_the_line_numbers(
    settings: Settings, partnership: Partnership, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "gap.csv", [row(0), row(1, beneficiary=BAD_IBAN)])
    header, first, second = path.read_text(encoding="utf-8").splitlines()
    path.write_text(f"{header}\n{first}\n\n{second}\n", encoding="utf-8")  # second on line 4
    code, summary = import_json(path)
    assert code == 1
    assert [item["line"] for item in summary["bad"]] == [4]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"], ids=["LS", "PS", "NEL"])
def test_a_jsonl_narrative_with_a_unicode_line_separator_is_one_row(
    settings: Settings, partnership: Partnership, tmp_path: Path, separator: str
) -> None:
    # JSON leaves these unescaped (json.dumps with ensure_ascii=False too), and text pasted
    # from web pages and word processors holds them.
    pasted = f"Eerste alinea.{separator}Tweede alinea, geplakt uit een webpagina."
    path = tmp_path / "pasted.jsonl"
    body = {**EXAMPLE, "narrative": pasted}
    path.write_text(json.dumps(body, ensure_ascii=False) + "\n", encoding="utf-8")
    code, summary = import_json(path)
    assert (code, summary["imported"], summary["bad"]) == (0, 1, [])


def test_only_a_reporting_point_may_be_named_as_the_source_of_an_import(
    settings: Settings, client: TestClient, partnership: Partnership, database: Database
) -> None:
    code, out, err = fraudlink("reports", "import", str(GOOD_CSV), "--partner", ING)
    assert code == 1, out
    assert len(err.strip().splitlines()) == 1
    assert count_rows(database)["reports"] == 0
