"""The dashboard's figures by name, as JSON documents and CSV tables: what ``GET /v1/figures/…``
answers and what the dashboard links to, built once for both."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from pydantic import BaseModel
from sqlalchemy.orm import Session

from fraudlink.errors import NotFound
from fraudlink.figures import service
from fraudlink.figures.models import UNKNOWN
from fraudlink.figures.schemas import ChangeOut, DomainOut, FigureLink, FigureOut, GroupOut
from fraudlink.figures.service import Change, Dimension, Group, Period
from fraudlink.i18n import Language, translate

BREAKDOWNS: Final = {
    "by-fraud-type": Dimension.FRAUD_TYPE,
    "by-channel": Dimension.CHANNEL,
    "by-age-band": Dimension.AGE_BAND,
    "by-region": Dimension.REGION,
    "by-month": Dimension.MONTH,
}
NAMES: Final = (*BREAKDOWNS, "month-on-month", "climbing-fraud-types", "emerging-domains")
# The vocabulary label of a key, by the dimension it belongs to.
LABELS: Final = {
    Dimension.FRAUD_TYPE: "reports.fraud_type_",
    Dimension.CHANNEL: "reports.channel_",
    Dimension.AGE_BAND: "reports.age_band_",
    Dimension.REGION: "reports.region_",
}


@dataclass(frozen=True)
class Ask:
    """What a figure is asked for: the period, the emerging window, when, and in which language."""

    period: Period
    now: datetime
    language: Language
    days: int = service.EMERGING_DAYS

    @property
    def today(self) -> date:
        return self.now.date()


def label(dimension: Dimension, key: str, language: Language) -> str:
    if dimension is Dimension.MONTH:
        return key
    if key == UNKNOWN:
        return translate("figures.unknown", language)
    return translate(LABELS[dimension] + key, language)


def title(name: str, language: Language) -> str:
    return translate("figures.title_" + name.replace("-", "_"), language)


def links(language: Language, *, prefix: str = "/v1/figures") -> list[FigureLink]:
    return [
        FigureLink(
            name=name,
            title=title(name, language),
            description=translate("figures.about_" + name.replace("-", "_"), language),
            json_url=f"{prefix}/{name}",
            csv_url=f"{prefix}/{name}.csv",
        )
        for name in NAMES
    ]


def groups(groups: list[Group], dimension: Dimension, language: Language) -> list[GroupOut]:
    return [
        GroupOut(
            key=group.key,
            label=label(dimension, group.key, language),
            reports=group.reports,
            victims=group.victims,
            damage_euros=group.damage_euros,
        )
        for group in groups
    ]


def changes(changes: list[Change], dimension: Dimension, language: Language) -> list[ChangeOut]:
    return [
        ChangeOut(
            key=change.key,
            label=label(dimension, change.key, language),
            previous=change.previous,
            current=change.current,
            change=change.change,
            change_percent=change.change_percent,
        )
        for change in changes
    ]


def figure(session: Session, name: str, ask: Ask) -> FigureOut:
    """The figure called ``name``; NotFound for a name no figure has."""
    if name not in NAMES:
        raise NotFound("figures.unknown_figure", name=name, names=", ".join(NAMES))
    period, language = ask.period, ask.language
    head = {"name": name, "title": title(name, language), "period": _period(period)}
    if name in BREAKDOWNS:
        dimension = BREAKDOWNS[name]
        found = service.breakdown(session, dimension=dimension, period=period)
        return FigureOut(**head, rows=groups(found, dimension, language))
    if name == "month-on-month":
        moved = service.month_on_month(session, period=period, today=ask.today)
        return FigureOut(
            **head,
            compared={"month": moved.month, "previous_month": moved.previous_month},
            rows=changes(moved.by_fraud_type, Dimension.FRAUD_TYPE, language),
            by_channel=changes(moved.by_channel, Dimension.CHANNEL, language),
        )
    if name == "climbing-fraud-types":
        climbing = service.climbing_fraud_types(session, period=period, today=ask.today)
        return FigureOut(
            **head,
            compared={"months": climbing.months, "previous_months": climbing.previous_months},
            rows=changes(climbing.fraud_types, Dimension.FRAUD_TYPE, language),
        )
    if name == "emerging-domains":
        emerging = service.emerging_domains(session, period=period, now=ask.now, days=ask.days)
        return FigureOut(
            **head,
            compared={"since": emerging.since, "until": emerging.until},
            rows=[
                DomainOut(
                    domain=item.domain, first_named_at=item.first_named_at, reports=item.reports
                )
                for item in emerging.domains
            ],
        )
    raise AssertionError(name)  # every name in NAMES is answered above


def _period(period: Period) -> dict[str, date | None]:
    return {"from": period.start, "to": period.end}


def as_csv(document: FigureOut) -> str:
    """The figure's rows as one CSV table; month-on-month adds a ``group`` column (fraud type or
    channel)."""
    out = io.StringIO()
    writer = csv.writer(out)
    rows: list[BaseModel] = list(document.rows)
    if document.by_channel is not None:
        fields = ["group", *ChangeOut.model_fields]
        writer.writerow(fields)
        for group, items in (("fraud_type", document.rows), ("channel", document.by_channel)):
            for change in items:
                writer.writerow([group, *(_cell(value) for value in change.model_dump().values())])
        return out.getvalue()
    model = {"emerging-domains": DomainOut}.get(document.name) or (
        GroupOut if document.name in BREAKDOWNS else ChangeOut
    )
    writer.writerow(list(model.model_fields))
    for item in rows:
        writer.writerow([_cell(value) for value in item.model_dump().values()])
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
