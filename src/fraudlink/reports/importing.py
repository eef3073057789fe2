"""Bulk import of reports from CSV or JSON Lines: good rows in, bad rows listed, nothing twice.

A reporting point that collected reports elsewhere (a call centre, an older system) hands them
over as a file. Every row goes through the same validation as the API (``ReportIn``). Rows are
written in batches, one transaction each; a row that was imported before (same external id,
or the same content when there is none) is skipped, so running the same file again imports
nothing twice.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
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

# Rows per transaction. Every batch writes into the same few thousand index pages (tokens are
# random), so bigger batches write each page less often. 100,000 reports with two workers took
# 82 s in batches of 1,000, 59 s in batches of 5,000 and 56 s in batches of 10,000 (which hold
# half a gigabyte), before numbering moved into the store.
BATCH_SIZE: Final = 5000
MAX_DEFAULT_WORKERS: Final = 4
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

    @property
    def rows(self) -> int:
        """The rows accounted for: each was imported, already present, or bad."""
        return self.imported + self.already_present + len(self.bad)

    def add(self, other: ImportSummary) -> None:
        self.imported += other.imported
        self.already_present += other.already_present
        self.bad += other.bad
        self.references += other.references

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


def default_workers() -> int:
    """The cores this process may use, at most four: the database takes one batch at a time,
    and more workers than that only wait for their turn."""
    return min(len(os.sched_getaffinity(0)), MAX_DEFAULT_WORKERS)


@dataclass(frozen=True)
class ImportJob:
    """What every batch of one import shares; a worker process receives it once, at its start."""

    database: Database
    partner_id: int | None
    actor: Actor
    policy: service.RoutingPolicy
    language: Language
    # Held while writing. Workers take turns through it: SQLite would make them wait as well,
    # but polls in steps of up to 100 ms where a lock hands the turn over at once.
    writing: AbstractContextManager[Any] = field(default_factory=nullcontext)


@dataclass(frozen=True)
class _Row:
    line: int
    key: str
    content: dict[str, Any]
    repeated: bool  # an earlier row of the same file had the same key


def import_rows(
    database: Database,
    rows: Iterator[tuple[int, dict[str, Any]]],
    *,
    partner_id: int | None,
    actor: Actor,
    policy: service.RoutingPolicy,
    language: Language,
    progress: Callable[[int], None] = lambda _: None,
    workers: int = 1,
) -> ImportSummary:
    """Import the rows in batches of ``BATCH_SIZE``.

    With ``workers`` above 1, that many processes take batches at once: one checks and prepares
    a batch while another writes its own. The summary lists the rows in file order either way.
    """
    job = ImportJob(database, partner_id, actor, policy, language)
    batches = _batches(rows, partner_id)
    if workers > 1:
        outcomes = _in_workers(job, batches, workers)
    else:
        outcomes = (_import_batch(job, batch) for batch in batches)
    summary = ImportSummary()
    for outcome in outcomes:
        summary.add(outcome)
        progress(outcome.rows)
    return summary


def _batches(
    rows: Iterator[tuple[int, dict[str, Any]]], partner_id: int | None
) -> Iterator[list[_Row]]:
    seen: set[str] = set()
    batch: list[_Row] = []
    for line, content in rows:
        key = idempotency_key(partner_id, content)
        batch.append(_Row(line, key, content, repeated=key in seen))
        seen.add(key)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


# The job of a worker process, set when it starts (see _in_workers).
_worker_job: ImportJob | None = None


def _start_worker(job: ImportJob) -> None:
    global _worker_job  # noqa: PLW0603 (one job per worker process, for its whole life)
    # A forked process must open connections of its own, and leave the parent's alone.
    job.database.engine.dispose(close=False)
    _worker_job = job


def _import_in_worker(batch: list[_Row]) -> ImportSummary:
    assert _worker_job is not None, "_start_worker runs first"
    return _import_batch(_worker_job, batch)


def _in_workers(
    job: ImportJob, batches: Iterator[list[_Row]], workers: int
) -> Iterator[ImportSummary]:
    """The outcomes of batches run by forked worker processes, in file order.

    Two batches wait per worker, so that none idles, and no more, so that a big file is not
    held in memory twice. A failing batch stops the import; batches written before it stay.
    """
    context = multiprocessing.get_context("fork")
    job = replace(job, writing=context.Lock())
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(job,)
    ) as pool:
        pending: deque[Future[ImportSummary]] = deque()
        try:
            for batch in batches:
                pending.append(pool.submit(_import_in_worker, batch))
                if len(pending) > 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Keep Python's cycle collector still for one batch.

    A batch keeps a few hundred thousand objects alive, which the collector, woken every 700
    new objects, would walk again and again: a quarter of an import's time. The batch's own
    reference cycles are collected once the collector runs again.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@_cycle_collector_paused()
def _import_batch(job: ImportJob, batch: list[_Row]) -> ImportSummary:
    """Check and prepare a batch, then number and store its new reports in one transaction.

    Only the transaction holds the database's write lock: checking and preparing, most of the
    work, run while another worker writes.
    """
    outcome = ImportSummary()
    valid: list[tuple[str, ReportIn]] = []
    for row in batch:
        report = _validate(row.line, row.content, outcome, job.language)
        if report is None:
            continue
        if row.repeated:
            outcome.already_present += 1
        else:
            valid.append((row.key, report))
    if not valid:
        return outcome
    with job.database.read_only() as session:
        intake = service.Intake.begin(session, job.policy)
        present = _present_keys(session, [key for key, _ in valid])
    prepared = [
        service.prepare(
            report,
            intake=intake,
            source=ReportSource.IMPORT,
            partner_id=job.partner_id,
            idempotency_key=key,
            actor=job.actor,
        )
        for key, report in valid
        if key not in present
    ]
    with job.writing, job.database.transaction() as session:
        # Checked again: another import of the same rows may have stored some in the meantime.
        present |= _present_keys(session, [report.row["idempotency_key"] for report in prepared])
        fresh = [report for report in prepared if report.row["idempotency_key"] not in present]
        outcome.already_present += len(valid) - len(fresh)
        if not fresh:
            return outcome
        references = service.allocate_references(session, year=intake.now.year, count=len(fresh))
        for numbered, reference in zip(fresh, references, strict=True):
            numbered.number(reference, intake.cipher)
        service.store(session, fresh, now=intake.now, evidence=job.policy.evidence)
        audit_service.record(
            session,
            actor=job.actor,
            action="report.import",
            subject_type="report",
            subject_id=f"{references[0]}..{references[-1]}",
            details={"reports": len(fresh)},
        )
    outcome.imported = len(fresh)
    outcome.references = references
    return outcome


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


def _present_keys(session: Session, keys: list[str]) -> set[str]:
    return set(
        session.scalars(select(Report.idempotency_key).where(Report.idempotency_key.in_(keys)))
    )
