"""Parse an identifier the way the whole platform does, and get its pseudonym token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from fraudlink.access.dependencies import require
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.database import keys_of
from fraudlink.errors import InvalidInput
from fraudlink.identifiers import (
    MAX_INPUT_LENGTH,
    IdentifierKind,
    InvalidIdentifier,
    Pseudonymiser,
    parse,
)
from fraudlink.web.dependencies import SessionDep
from fraudlink.web.problems import problem_responses

router = APIRouter(
    prefix="/v1/identifiers", tags=["identifiers"], responses=problem_responses(401, 403, 422)
)


class ParseRequest(BaseModel):
    value: str = Field(
        max_length=MAX_INPUT_LENGTH,
        description="As a person typed or pasted it.",
        examples=["NL91 ABNA 0417 1643 00", "06-12345678", "www.example-shop.nl/deal"],
    )
    kind: IdentifierKind | None = Field(
        default=None, description="Leave empty to let the platform recognise the kind."
    )


class ParsedIdentifier(BaseModel):
    kind: IdentifierKind
    normalized: str = Field(description="The one spelling the platform matches on.")
    display: str = Field(description="How to show it to a person.")
    details: dict[str, Any]
    token: str = Field(description="Pseudonym: HMAC-SHA256 of kind and normalized value.")


@router.post("/parse")
def parse_identifier(
    body: ParseRequest,
    _principal: Annotated[Principal, Depends(require(Permission.IDENTIFIER_PARSE))],
    session: SessionDep,
) -> ParsedIdentifier:
    """Validate and normalise a value; a wrong value answers 422 saying exactly what is wrong."""
    try:
        identifier = parse(body.value, body.kind)
    except InvalidIdentifier as error:
        raise InvalidInput(f"identifiers.{error.code}", field="value", **error.params) from None
    token = Pseudonymiser(keys_of(session).pseudonym).token(identifier)
    return ParsedIdentifier(**identifier.as_dict(), token=token)
