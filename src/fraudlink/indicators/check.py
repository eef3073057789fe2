"""The public check: may I pay this account, answer this number, buy from this shop?

Anyone may ask, without a key. The answer says whether the value was reported, how often in
the last twelve months (in bands, so that single reports cannot be told apart), which kinds of
fraud those reports were about, when last, and what to do. It never says "safe": the absence of
reports proves nothing, and it never shows personal data or a victim's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from fraudlink.i18n import LOCAL_TIME_ZONE, Language, translate
from fraudlink.identifiers import Identifier
from fraudlink.indicators.index import Entry, IndicatorIndex, RecentReport
from fraudlink.indicators.vocabulary import IndicatorStatus

WINDOW: Final = timedelta(days=365)
# Counts of at most this many reports are shown as a band, not a number.
BANDS: Final = ((1, "1"), (5, "2-5"))
TOP_BAND: Final = "6+"
_SHOWN: Final = frozenset({IndicatorStatus.ACTIVE, IndicatorStatus.DISPUTED})


@dataclass(frozen=True)
class CheckResult:
    identifier: Identifier
    reported: bool
    reports_band: str | None
    fraud_types: list[str]
    last_reported: date | None
    disputed: bool
    advice: list[str]


def band(count: int) -> str | None:
    if count <= 0:
        return None
    return next((label for limit, label in BANDS if count <= limit), TOP_BAND)


def check(
    identifier: Identifier,
    *,
    token: str,
    index: IndicatorIndex,
    now: datetime,
    language: Language,
) -> CheckResult:
    """What the index knows of ``identifier`` (whose pseudonym is ``token``)."""
    entry = index.lookup(token)
    recent = _recent_reports(entry, now)
    # Partners' own listings stay out: their marking may forbid showing even the fraud type.
    fraud_types = sorted({report.fraud_type for report in recent})
    return CheckResult(
        identifier=identifier,
        reported=bool(recent),
        reports_band=band(len(recent)),
        fraud_types=fraud_types,
        last_reported=recent[0].moment.astimezone(LOCAL_TIME_ZONE).date() if recent else None,
        disputed=bool(recent) and entry is not None and entry.status is IndicatorStatus.DISPUTED,
        advice=_advice(identifier, fraud_types, language),
    )


def _recent_reports(entry: Entry | None, now: datetime) -> tuple[RecentReport, ...]:
    if entry is None or entry.status not in _SHOWN or entry.capped:
        return ()
    return tuple(report for report in entry.recent_reports if now - report.moment <= WINDOW)


def _advice(identifier: Identifier, fraud_types: list[str], language: Language) -> list[str]:
    """Prevention advice for this kind of value, and for the frauds it was reported for."""
    state = "reported" if fraud_types else "not_reported"
    tips = [translate(f"indicators.check_{identifier.kind.value}_{state}", language)]
    tips += [translate(f"indicators.prevent_{fraud_type}", language) for fraud_type in fraud_types]
    tips.append(translate("indicators.check_no_guarantee", language))
    return tips
