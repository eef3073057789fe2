"""The public check and the partners' indicator exchange."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from fraudlink.database import utcnow
from fraudlink.errors import InvalidInput
from fraudlink.identifiers import MAX_INPUT_LENGTH, InvalidIdentifier
from fraudlink.indicators import check as check_service
from fraudlink.indicators.index import IndicatorIndex
from fraudlink.indicators.schemas import CheckOut
from fraudlink.web.dependencies import DatabaseDep, LanguageDep
from fraudlink.web.problems import problem_responses

router = APIRouter(prefix="/v1", tags=["indicators"])


def indicator_index(request: Request) -> IndicatorIndex:
    index: IndicatorIndex = request.app.state.indicator_index
    return index


def run_check(
    request: Request, database: DatabaseDep, value: str, language: LanguageDep
) -> check_service.CheckResult:
    """Bring the index up to date and check ``value``; InvalidInput names the field ``value``."""
    index = indicator_index(request)
    with database.read_only() as session:
        index.catch_up(session)
    try:
        return check_service.check(
            value,
            index=index,
            pseudonymiser=request.app.state.pseudonymiser,
            now=utcnow(),
            language=language,
        )
    except InvalidIdentifier as error:
        raise InvalidInput(f"identifiers.{error.code}", field="value", **error.params) from None


@router.get("/check", responses=problem_responses(422, 429))
def check(
    request: Request,
    database: DatabaseDep,
    language: LanguageDep,
    value: Annotated[
        str,
        Query(
            max_length=MAX_INPUT_LENGTH,
            description="An IBAN, phone number, web address, e-mail address or wallet address.",
            examples=["NL91 ABNA 0417 1643 00"],
        ),
    ],
) -> CheckOut:
    """Was this reported as fraud? Anyone may ask; the answer is in bands and never says "safe"."""
    return CheckOut.of(run_check(request, database, value, language))
