"""The public report form: from what a person typed to a ``ReportIn``, and back to inline errors.

People write amounts as "1.250,00" and dates in their own time zone; the form accepts that and
hands the same ``ReportIn`` to the same service as the API, so page and API validate alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any, Final

from pydantic import ValidationError

from fraudlink.i18n import LOCAL_TIME_ZONE, Language, translate
from fraudlink.reports.schemas import ReportIn
from fraudlink.web.validation import describe_errors

PAYMENT_ROWS: Final = 3
UNSURE: Final = "unsure"
# Whole euros: plain digits, or thousands in groups of three ("1.250.000", "1,250,000").
_WHOLE_EUROS: Final = re.compile(r"\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+")


class FormErrors(Exception):
    """The form's fields at fault: ``{input name: message}``, in the order of the form."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def parse_amount(text: str) -> int | None:
    """Euro cents of "250", "250,50", "1.250,00", "1,250.50" or "€ 1 250"; None when unreadable.

    The last separator followed by one or two digits marks the cents, whichever it is: Dutch and
    English readers write amounts with the roles of comma and dot swapped.
    """
    cleaned = re.sub(r"\s", "", text.strip().removeprefix("€"))
    if not re.fullmatch(r"\d[\d.,]*", cleaned):
        return None
    last = max(cleaned.rfind(","), cleaned.rfind("."))
    whole, cents = cleaned, ""
    if last != -1 and len(cleaned) - last - 1 in {1, 2}:
        whole, cents = cleaned[:last], cleaned[last + 1 :]
    if not _WHOLE_EUROS.fullmatch(whole):
        return None
    return int(re.sub(r"[.,]", "", whole)) * 100 + int(cents.ljust(2, "0") or "0")


def to_report(form: Mapping[str, str], language: Language) -> ReportIn:
    """Build the report from the form's fields, or raise FormErrors naming each bad input."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {
        "fraud_type": None if form.get("fraud_type") in {UNSURE, "", None} else form["fraud_type"],
        "channel": form.get("channel") or None,
        "age_band": form.get("age_band") or None,
        "postcode": form.get("postcode", "").strip() or None,
        "victim_iban": form.get("victim_iban", "").strip() or None,
        "aangifte_made": form.get("aangifte") == "made",
        "aangifte_wanted": form.get("aangifte") == "wanted",
        "aangifte_reference": form.get("aangifte_reference", "").strip() or None,
        "contact_consent": form.get("contact_consent") == "yes",
        "narrative": form.get("narrative") or None,
    }
    if not data["channel"]:
        errors["channel"] = translate("reports.form_channel_missing", language)
    data["occurred_at"] = _moment(form, errors, language)
    data["payments"] = _payments(form, errors, language)
    data["identifiers"] = [
        {"value": line.strip()} for line in form.get("identifiers", "").splitlines() if line.strip()
    ] + [
        {"value": line.strip(), "kind": "username"}
        for line in form.get("usernames", "").splitlines()
        if line.strip()
    ]
    try:
        report = ReportIn.model_validate(data)
    except ValidationError as error:
        for described in describe_errors(error.errors(), language):
            name, message = _input_of(described["field"], data, described["message"], language)
            errors.setdefault(name, message)
        raise FormErrors(errors) from None
    if errors:
        raise FormErrors(errors)
    return report


def _moment(form: Mapping[str, str], errors: dict[str, str], language: Language) -> str | None:
    day, clock = form.get("occurred_on", "").strip(), form.get("occurred_time", "").strip()
    if not day:
        errors["occurred_on"] = translate("reports.form_date_missing", language)
        return None
    try:
        when = datetime.combine(
            date.fromisoformat(day), time.fromisoformat(clock) if clock else time(12, 0)
        ).replace(tzinfo=LOCAL_TIME_ZONE)
    except ValueError:
        errors["occurred_on"] = translate("reports.form_date_invalid", language)
        return None
    if not clock:
        # A day without a time counts as its noon; "today" in the morning is now, not later.
        when = min(when, datetime.now(LOCAL_TIME_ZONE))
    return when.isoformat()


def _payments(
    form: Mapping[str, str], errors: dict[str, str], language: Language
) -> list[dict[str, Any]]:
    payments = []
    for row in range(PAYMENT_ROWS):
        fields = {
            name: form.get(f"payments.{row}.{name}", "").strip()
            for name in ("amount", "paid_on", "method", "beneficiary")
        }
        if not any(fields.values()):
            continue
        amount = parse_amount(fields["amount"])
        if amount is None:
            errors[f"payments.{row}.amount"] = translate("reports.form_amount_invalid", language)
        beneficiary = fields["beneficiary"]
        is_wallet = fields["method"] == "crypto"
        payments.append(
            {
                "amount_cents": amount,  # None: the error above is the one shown
                "method": fields["method"] or None,
                "paid_on": fields["paid_on"] or None,
                "beneficiary_wallet" if is_wallet else "beneficiary_iban": beneficiary or None,
            }
        )
    return payments


def _input_of(
    field: str, data: Mapping[str, Any], message: str, language: Language
) -> tuple[str, str]:
    """The form input behind a ``ReportIn`` field path, and the message to show beside it."""
    parts = field.split(".")
    if parts[0] == "occurred_at":
        return "occurred_on", message
    if parts[0] == "payments" and len(parts) >= 3:
        column = {
            "amount_cents": "amount",
            "beneficiary_iban": "beneficiary",
            "beneficiary_wallet": "beneficiary",
        }.get(parts[2], parts[2])
        return f"payments.{parts[1]}.{column}", message
    if parts[0] == "identifiers" and len(parts) >= 2:
        item = data["identifiers"][int(parts[1])]
        name = "usernames" if item.get("kind") == "username" else "identifiers"
        line = translate("reports.form_line", language, value=item["value"])
        return name, f"{line}: {message}"
    return parts[0], message
