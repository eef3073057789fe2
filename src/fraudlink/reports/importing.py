"""Bulk import of reports from CSV or JSON Lines: good rows in, bad rows listed, nothing twice.

A reporting point that collected reports elsewhere (a call centre, an older system) hands them
over as a file. Every row goes through the same validation as the API (``ReportIn``). Rows are
written in batches, one transaction each; a row that was imported before (same external id,
or the same content when there is none) is skipped, so running the same file again imports
nothing twice.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fraudlink.audit import service as audit_service
from fraudlink.audit.service import Actor
from fraudlink.database import Database
from fraudlink.errors import InvalidInput
from fraudlink.i18n import Language, translate
from fraudlink.reports import service
from fraudlink.reports.models import Report, ReportSource
from fraudlink.reports.schemas import ReportIn
from fraudlink.web.validation import describe_errors

BATCH_SIZE: Final = 1000
# Marks a row that could not even be read as a row; its value is (error code, message key).
INVALID_ROW: Final = "__invalid_row__"
REQUIRED_COLUMNS: Final = ("channel", "occurred_at")
# One payment per CSV row; JSON Lines rows take the API's full shape (several payments).
PAYMENT_COLUMNS: Final = (
    "amount_cents",
    "method",
    "paid_on",
    "beneficiary_iban",
    "beneficiary_wallet",
)
REPORT_COLUMNS: Final = (
    "external_id",
    "fraud_type",
    "channel",
    "occurred_at",
    "reported_at",
    "age_band",
    "postcode",
    "victim_iban",
    "aangifte_made",
    "aangifte_reference",
    "aangifte_wanted",
    "contact_consent",
    "narrative",
    "identifiers",
)
CSV_COLUMNS: Final = frozenset(REPORT_COLUMNS + PAYMENT_COLUMNS)
_TRUE: Final = frozenset({"1", "true", "yes", "ja", "waar"})
_FALSE: Final = frozenset({"", "0", "false", "no", "nee", "onwaar"})


@dataclass(frozen=True)
class BadRow:
    line: int
    errors: list[dict[str, str]]


@dataclass
class ImportSummary:
    imported: int = 0
    already_present: int = 0
    bad: list[BadRow] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "already_present": self.already_present,
            "bad_rows": len(self.bad),
            "bad": [{"line": row.line, "errors": row.errors} for row in self.bad],
        }


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row) pairs of a .csv or .jsonl file; a file that cannot be read at all
    raises InvalidInput before any row is returned."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise InvalidInput("reports.import_encoding", field="file", line=line) from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(text)
    if suffix in {".jsonl", ".ndjson"}:
        return _json_rows(text)
    raise InvalidInput("reports.import_format", field="file", suffix=suffix or "?")


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader, [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise InvalidInput(
            "reports.import_missing_columns", field="file", columns=", ".join(missing)
        )
    unknown = sorted(set(header) - CSV_COLUMNS)
    if unknown:
        raise InvalidInput(
            "reports.import_unknown_columns", field="file", columns=", ".join(unknown)
        )
    return _numbered(reader, header)


def _numbered(reader: Any, header: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows with the line each starts on: a quoted narrative may span lines, blank lines count."""
    end = reader.line_num
    for cells in reader:
        start, end = end + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            yield start, {INVALID_ROW: ("csv_row_invalid", "reports.import_wrong_cell_count")}
            continue
        yield start, _from_csv(dict(zip(header, cells, strict=True)))


def _from_csv(row: Mapping[str, str | None]) -> dict[str, Any]:
    """A CSV row in the API's shape: empty cells are absent, flags are yes/no words."""
    cells = {name: (value or "").strip() for name, value in row.items() if name is not None}
    report: dict[str, Any] = {
        name: cells[name]
        for name in REPORT_COLUMNS
        if cells.get(name) and name not in {"identifiers", *_FLAGS}
    }
    for flag in _FLAGS:
        if flag in cells:
            report[flag] = _flag(cells[flag])
    if cells.get("identifiers"):
        report["identifiers"] = [
            {"value": value.strip()} for value in cells["identifiers"].split(";") if value.strip()
        ]
    payment = {name: cells[name] for name in PAYMENT_COLUMNS if cells.get(name)}
    if payment:
        report["payments"] = [payment]
    return report


_FLAGS: Final = ("aangifte_made", "aangifte_wanted", "contact_consent")


def _flag(text: str) -> bool | str:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return text  # let validation say that this is no yes or no


def _json_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    # Only "\n" ends a line: str.splitlines() would also split on the Unicode line separators
    # that JSON leaves unescaped inside strings (text pasted from other programs has them).
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            row = None
        invalid = {INVALID_ROW: ("json_invalid", "reports.import_invalid_json")}
        yield number, row if isinstance(row, dict) else invalid


def idempotency_key(partner_id: int | None, row: Mapping[str, Any]) -> str:
    """The external id when the row has one, else the row's content: the same row twice is one."""
    owner = partner_id if partner_id is not None else "import"
    external_id = row.get("external_id")
    if external_id:
        return f"{owner}:{external_id}"
    content = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return f"{owner}:sha256:{hashlib.sha256(content.encode()).hexdigest()}"


def import_rows(
    database: Database,
    rows: Iterator[tuple[int, dict[str, Any]]],
    *,
    partner_id: int | None,
    actor: Actor,
    policy: service.RoutingPolicy,
    language: Language,
    progress: Callable[[int], None] = lambda _: None,
) -> ImportSummary:
    summary = ImportSummary()
    batch: list[tuple[str, ReportIn]] = []
    seen: set[str] = set()
    for line, row in rows:
        progress(1)
        report = _validate(line, row, summary, language)
        if report is None:
            continue
        key = idempotency_key(partner_id, row)
        if key in seen:
            summary.already_present += 1
            continue
        seen.add(key)
        batch.append((key, report))
        if len(batch) == BATCH_SIZE:
            _import_batch(database, batch, partner_id, actor, policy, summary)
            batch = []
    _import_batch(database, batch, partner_id, actor, policy, summary)
    return summary


def _validate(
    line: int, row: dict[str, Any], summary: ImportSummary, language: Language
) -> ReportIn | None:
    if INVALID_ROW in row:
        code, key = row[INVALID_ROW]
        summary.bad.append(
            BadRow(line, [{"field": "", "code": code, "message": translate(key, language)}])
        )
        return None
    try:
        return ReportIn.model_validate(row)
    except ValidationError as error:
        summary.bad.append(BadRow(line, describe_errors(error.errors(), language)))
        return None


def _import_batch(
    database: Database,
    batch: list[tuple[str, ReportIn]],
    partner_id: int | None,
    actor: Actor,
    policy: service.RoutingPolicy,
    summary: ImportSummary,
) -> None:
    if not batch:
        return
    with database.transaction() as session:
        present = _present_keys(session, [key for key, _ in batch])
        fresh = [(key, report) for key, report in batch if key not in present]
        summary.already_present += len(batch) - len(fresh)
        if not fresh:
            return
        intake = service.Intake.begin(session, policy)
        references = service.allocate_references(session, year=intake.now.year, count=len(fresh))
        prepared = [
            service.prepare(
                report,
                intake=intake,
                reference=reference,
                source=ReportSource.IMPORT,
                partner_id=partner_id,
                idempotency_key=key,
                actor=actor,
            )
            for (key, report), reference in zip(fresh, references, strict=True)
        ]
        service.store(session, prepared, now=intake.now, evidence=policy.evidence)
        audit_service.record(
            session,
            actor=actor,
            action="report.import",
            subject_type="report",
            subject_id=f"{references[0]}..{references[-1]}",
            details={"reports": len(prepared)},
        )
    summary.imported += len(fresh)
    summary.references += references


def _present_keys(session: Session, keys: list[str]) -> set[str]:
    return set(
        session.scalars(select(Report.idempotency_key).where(Report.idempotency_key.in_(keys)))
    )
