"""Replaying labelled payments through a rule set: what it would have stopped, and at what cost.

The file is a CSV with a header (``fraudlink demo`` writes one, ``demo-payments.csv``): the
fields of a payment as ``POST /v1/decisions`` takes them, the call context the operator's
signals gave at the time (``on_call``, ``caller_reasons`` joined by ``;``, ``spoofed_call``)
and the truth (``label``: ``fraud`` or ``genuine``). Rows are replayed in file order with fresh
profiles, the way the engine would have built them; creditor accounts are looked up in today's
indicator index. Nothing is written to the database.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from fraudlink.database import utcnow
from fraudlink.decisions.features import Context, NameKeys, Payee, Profile, features
from fraudlink.decisions.metrics import Tally
from fraudlink.decisions.rules import RuleSet
from fraudlink.decisions.schemas import PaymentIn
from fraudlink.decisions.service import judge, prepare
from fraudlink.errors import DomainError, InvalidInput
from fraudlink.i18n import Language
from fraudlink.identifiers import Pseudonymiser
from fraudlink.indicators.index import IndicatorIndex
from fraudlink.telecom.service import CallContext
from fraudlink.web.validation import describe_errors

REQUIRED: Final = ("amount_cents", "label")
_CONTEXT_COLUMNS: Final = ("on_call", "caller_reasons", "spoofed_call", "label", "fraud_type", "id")
_TRUE: Final = frozenset({"true", "1", "yes", "ja"})
_LABELS: Final = {"fraud": True, "genuine": False}
BAD_ROWS_KEPT: Final = 1_000


@dataclass
class BacktestResult:
    tally: Tally = field(default_factory=Tally)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    bad_count: int = 0

    def as_dict(self, rules_version: str) -> dict[str, object]:
        return {"rules_version": rules_version, **self.tally.as_dict(), "bad_rows": self.bad_count}


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) pairs; a file without the needed columns is refused before any replay."""
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput(
                "decisions.backtest_columns", field="file", columns=", ".join(missing)
            )
        for row in reader:
            yield reader.line_num, row


def replay(
    rows: Iterator[tuple[int, dict[str, str]]],
    *,
    rule_set: RuleSet,
    index: IndicatorIndex,
    pseudonymiser: Pseudonymiser,
    name_keys: NameKeys,
    language: Language,
    progress: Callable[[int], None] = lambda _done: None,
) -> BacktestResult:
    result = BacktestResult()
    profiles: dict[str, Profile] = {}
    now = utcnow()  # never used: _read refuses a row that does not say when it was paid
    payees: dict[str, Payee] = {}
    for line, row in rows:
        progress(1)
        try:
            fraud, payment_in, call = _read(row)
            payment = prepare(payment_in, pseudonymiser=pseudonymiser, name_keys=name_keys, now=now)
        except (DomainError, ValidationError) as error:
            result.bad_count += 1
            if len(result.bad_rows) < BAD_ROWS_KEPT:
                result.bad_rows.append((line, _describe(error, language)))
            continue
        profile = profiles.setdefault(payment.debtor_token, Profile())
        context = Context(
            indicator=index.lookup(payment.creditor_token),
            call=call,
            profile=profile,
            payee=payees.get(payment.creditor_token),
        )
        evaluation = judge(rule_set, features(payment, context))
        profile.observe(payment)
        payees.setdefault(payment.creditor_token, Payee(first_seen=payment.at)).observe(payment)
        result.tally.add(
            evaluation.outcome, evaluation.codes, fraud=fraud, amount_cents=payment.amount_cents
        )
    return result


def _read(row: dict[str, str]) -> tuple[bool, PaymentIn, CallContext]:
    label = (row.get("label") or "").strip().lower()
    if label not in _LABELS:
        raise InvalidInput("decisions.backtest_label", field="label", label=label)
    if not (row.get("at") or "").strip():
        raise InvalidInput("decisions.backtest_time", field="at")
    fields = {
        name: value.strip()
        for name, value in row.items()
        if name not in _CONTEXT_COLUMNS and name is not None and value and value.strip()
    }
    if (row.get("id") or "").strip():
        fields["reference"] = row["id"].strip()
    call = CallContext(
        in_call=(row.get("on_call") or "").strip().lower() in _TRUE,
        caller_reasons=frozenset(
            reason.strip()
            for reason in (row.get("caller_reasons") or "").split(";")
            if reason.strip()
        ),
        spoofed_call=(row.get("spoofed_call") or "").strip().lower() in _TRUE,
        signal_ids=(),
    )
    return _LABELS[label], PaymentIn.model_validate(fields), call


def _describe(error: DomainError | ValidationError, language: Language) -> str:
    if isinstance(error, DomainError):
        return f"{error.field}: {error.message(language)}"
    return "; ".join(
        f"{described['field']}: {described['message']}"
        for described in describe_errors(error.errors(), language)
    )
