"""The figures through the API: each dashboard figure as JSON and CSV for any partner's key, and
the open-data export for everyone.

Counts of reports are not personal data, but small counts of a narrow group can point at a
person; so the figures, which show every count, need a partner's key (any valid one: no
permission of its own), and only the open data, where small counts are suppressed, is public.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from fraudlink.access.dependencies import require
from fraudlink.access.service import Principal
from fraudlink.database import utcnow
from fraudlink.figures import catalogue, opendata
from fraudlink.figures.catalogue import Ask
from fraudlink.figures.schemas import FigureList, FigureOut
from fraudlink.figures.service import Period
from fraudlink.web.dependencies import LanguageDep, SessionDep
from fraudlink.web.downloads import attachment
from fraudlink.web.problems import problem_responses

router = APIRouter(tags=["figures"])

Reader = Annotated[Principal, Depends(require())]
ERRORS = problem_responses(401, 422)
Year = Annotated[int | None, Query(ge=2000, le=2100, description="A calendar year.")]
From = Annotated[date | None, Query(alias="from", description="First day (UTC), included.")]
To = Annotated[date | None, Query(alias="to", description="Last day (UTC), included.")]
Days = Annotated[int, Query(ge=1, le=365, description="emerging-domains: the window, in days.")]
CSV = "text/csv; charset=utf-8"


def period_of(year: int | None, start: date | None, end: date | None) -> Period:
    return Period.of(year=year, start=start, end=end)


@router.get("/v1/figures", responses=ERRORS)
def list_figures(_principal: Reader, language: LanguageDep) -> FigureList:
    """Every figure, with links to its JSON and CSV. Each takes `year`, or `from` and `to`."""
    return FigureList(figures=catalogue.links(language))


def _figure(
    name: str,
    session: SessionDep,
    language: LanguageDep,
    year: int | None,
    start: date | None,
    end: date | None,
    days: int,
) -> FigureOut:
    ask = Ask(period_of(year, start, end), utcnow(), language, days)
    return catalogue.figure(session, name, ask)


@router.get("/v1/figures/{name}.csv", responses={**ERRORS, **problem_responses(404)})
def figure_csv(
    name: str,
    _principal: Reader,
    session: SessionDep,
    language: LanguageDep,
    year: Year = None,
    start: From = None,
    end: To = None,
    days: Days = 30,
) -> Response:
    """The figure's rows as CSV, with a header line."""
    document = _figure(name, session, language, year, start, end, days)
    return attachment(catalogue.as_csv(document), filename=f"{name}.csv")


@router.get("/v1/figures/{name}", responses={**ERRORS, **problem_responses(404)})
def figure_json(
    name: str,
    _principal: Reader,
    session: SessionDep,
    language: LanguageDep,
    year: Year = None,
    start: From = None,
    end: To = None,
    days: Days = 30,
) -> FigureOut:
    """One figure: `by-fraud-type`, `by-channel`, `by-age-band`, `by-month` (reports, victims
    and damage per group), `month-on-month` (the last complete month against the one before, per
    fraud type and channel), `climbing-fraud-types` (the last three complete months against the
    three before) or `emerging-domains` (web domains first named in the last `days` days)."""
    return _figure(name, session, language, year, start, end, days)


@router.get("/v1/opendata", responses=problem_responses(422))
def open_data(
    session: SessionDep, year: Year = None, start: From = None, end: To = None
) -> dict[str, object]:
    """Public, no key: reports by fraud type by month, channel by month and age band by fraud
    type, with totals. Every count under 10 is null with `suppressed: true`, and so are enough
    other counts that none of them can be worked out from the totals."""
    found = opendata.export(session, period=period_of(year, start, end), today=utcnow().date())
    return found.as_dict()


@router.get("/v1/opendata.csv", response_class=Response, responses=problem_responses(422))
def open_data_csv(
    session: SessionDep, year: Year = None, start: From = None, end: To = None
) -> Response:
    """The same as one CSV table: `table,row,column,count,suppressed`; `total` names a total."""
    found = opendata.export(session, period=period_of(year, start, end), today=utcnow().date())
    return attachment(found.as_csv(), filename="fraudlink-opendata.csv")
