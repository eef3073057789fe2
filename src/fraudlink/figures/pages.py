"""The dashboard of figures for signed-in partner staff: each figure as a chart drawn on the
server (SVG, readable without JavaScript), the same numbers in a table, and links to its JSON
and CSV. The numbers are those of ``GET /v1/figures/…``, from the same functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup

from fraudlink.access.dependencies import require_page
from fraudlink.access.service import Principal
from fraudlink.database import utcnow
from fraudlink.errors import InvalidInput
from fraudlink.figures import catalogue, service
from fraudlink.figures.catalogue import Ask
from fraudlink.figures.schemas import DomainOut, FigureOut, GroupOut
from fraudlink.figures.service import Period
from fraudlink.i18n import Language, format_amount, translate
from fraudlink.web.charts import bar_chart
from fraudlink.web.dependencies import LanguageDep, SessionDep
from fraudlink.web.downloads import attachment
from fraudlink.web.templating import render

router = APIRouter(include_in_schema=False)

SignedIn = Annotated[Principal, Depends(require_page())]
PAGE: Final = "/figures"


@dataclass(frozen=True)
class Shown:
    """A figure on the dashboard: its document, its charts and its links."""

    document: FigureOut
    about: str
    charts: list[Markup]
    json_url: str
    csv_url: str


@dataclass(frozen=True)
class Filter:
    year: str
    start: str
    end: str
    error: str | None
    period: Period

    @property
    def query(self) -> str:
        pairs = {"year": self.year, "from": self.start, "to": self.end}
        found = urlencode({key: value for key, value in pairs.items() if value})
        return f"?{found}" if found else ""


def _filter(request: Request, language: Language) -> Filter:
    """The period the reader asked for; something unreadable shows an error and every report."""
    typed = {name: request.query_params.get(name, "").strip() for name in ("year", "from", "to")}
    try:
        year = int(typed["year"]) if typed["year"] else None
        start = date.fromisoformat(typed["from"]) if typed["from"] else None
        end = date.fromisoformat(typed["to"]) if typed["to"] else None
        period = Period.of(year=year, start=start, end=end)
    except InvalidInput as error:
        return Filter(typed["year"], typed["from"], typed["to"], error.message(language), Period())
    except ValueError:
        message = translate("figures.page_period_unreadable", language)
        return Filter(typed["year"], typed["from"], typed["to"], message, Period())
    return Filter(typed["year"], typed["from"], typed["to"], None, period)


def _count(value: float) -> str:
    return str(round(value))


def _chart(
    name: str, bars: list[tuple[str, float]], key: str, language: Language, *, euros: bool = False
) -> Markup:
    return bar_chart(
        bars,
        label=translate(key, language),
        value_format=(lambda value: f"€ {format_amount(round(value * 100), language)}")
        if euros
        else _count,
        chart_id=f"chart-{name}",
    )


def _charts(document: FigureOut, language: Language) -> list[Markup]:
    name, rows = document.name, document.rows
    if name in catalogue.BREAKDOWNS:
        groups = [row for row in rows if isinstance(row, GroupOut)]
        charts = [
            _chart(
                name,
                [(row.label, float(row.reports)) for row in groups],
                "figures.page_chart_reports_" + name.replace("-", "_"),
                language,
            )
        ]
        if name == "by-fraud-type":
            charts.append(
                _chart(
                    "damage-by-fraud-type",
                    [(row.label, row.damage_euros) for row in groups],
                    "figures.page_chart_damage_by_fraud_type",
                    language,
                    euros=True,
                )
            )
        return charts
    if name == "emerging-domains":
        domains = [
            (row.domain, float(row.reports)) for row in rows[:15] if isinstance(row, DomainOut)
        ]
        return (
            [_chart(name, domains, "figures.page_chart_emerging_domains", language)]
            if domains
            else []
        )
    if rows:  # month-on-month, climbing: the recent span's reports of each group that moved
        key = "figures.page_chart_" + name.replace("-", "_")
        bars = [(getattr(row, "label", ""), float(getattr(row, "current", 0))) for row in rows]
        return [_chart(name, bars, key, language)]
    return []


def _shown(document: FigureOut, language: Language, query: str) -> Shown:
    slug = document.name.replace("-", "_")
    return Shown(
        document=document,
        about=translate(f"figures.about_{slug}", language),
        charts=_charts(document, language),
        json_url=f"{PAGE}/{document.name}.json{query}",
        csv_url=f"{PAGE}/{document.name}.csv{query}",
    )


@router.get(PAGE, response_class=HTMLResponse)
def dashboard(
    request: Request, session: SessionDep, principal: SignedIn, language: LanguageDep
) -> HTMLResponse:
    del principal  # any signed-in partner: see figures/api.py for why
    chosen = _filter(request, language)
    ask = Ask(chosen.period, utcnow(), language)
    figures = [
        _shown(catalogue.figure(session, name, ask), language, chosen.query)
        for name in catalogue.NAMES
    ]
    return render(
        request,
        "figures_dashboard.html",
        {
            "chosen": chosen,
            "total": service.total(session, period=chosen.period),
            "figures": figures,
            "breakdowns": list(catalogue.BREAKDOWNS),
            "years": list(range(ask.today.year, ask.today.year - 6, -1)),
        },
        status_code=422 if chosen.error else 200,
    )


def _document(request: Request, session: SessionDep, name: str, language: Language) -> FigureOut:
    chosen = _filter(request, language)
    if chosen.error:
        raise InvalidInput("figures.page_period_unreadable", field="period")
    return catalogue.figure(session, name, Ask(chosen.period, utcnow(), language))


@router.get(PAGE + "/{name}.csv")
def figure_csv(
    name: str, request: Request, session: SessionDep, principal: SignedIn, language: LanguageDep
) -> Response:
    """A figure's CSV for the signed-in reader (the API needs a key, a browser has a session)."""
    del principal
    return attachment(
        catalogue.as_csv(_document(request, session, name, language)), filename=f"{name}.csv"
    )


@router.get(PAGE + "/{name}.json")
def figure_json(
    name: str, request: Request, session: SessionDep, principal: SignedIn, language: LanguageDep
) -> JSONResponse:
    del principal
    document = _document(request, session, name, language)
    return JSONResponse(document.model_dump(mode="json", exclude_none=False))
