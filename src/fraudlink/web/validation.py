"""Pydantic validation errors as people read them: the field, a code, a sentence in their language.

The API (problem details), the pages (inline errors) and the bulk import (a line per bad row)
all describe a failed validation with this one function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from fraudlink.errors import DomainError
from fraudlink.i18n import Language, MissingMessageError, translate
from fraudlink.identifiers import InvalidIdentifier

# Locations FastAPI reports that a caller need not be told about: "body.iban" is just "iban".
_LOCATION_PREFIXES: Final = frozenset({"body", "query", "path", "header", "cookie"})


def describe_errors(
    errors: Sequence[Mapping[str, Any]], language: Language
) -> list[dict[str, str]]:
    """``[{"field": "payments.0.beneficiary_iban", "code": "iban_checksum", "message": ...}]``."""
    described = []
    for error in errors:
        code, message = _message(error, language)
        location = list(error["loc"])
        cause = (error.get("ctx") or {}).get("error")
        # A check across fields (model_validator) names its field itself.
        if isinstance(cause, DomainError) and cause.field and location[-1:] != [cause.field]:
            location.append(cause.field)
        described.append({"field": field_name(location), "code": code, "message": message})
    return described


def field_name(location: Sequence[str | int]) -> str:
    parts = list(location)
    if parts and parts[0] in _LOCATION_PREFIXES and len(parts) > 1:
        parts = parts[1:]
    return ".".join(str(part) for part in parts)


def _message(error: Mapping[str, Any], language: Language) -> tuple[str, str]:
    """The code and the reader-language message of one pydantic error."""
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, InvalidIdentifier):
        return cause.code, cause.message(language)
    if isinstance(cause, DomainError):
        return cause.message_key.rsplit(".", 1)[-1], cause.message(language)
    code = str(error["type"])
    try:
        return code, translate(f"web.validation_{code}", language, **(error.get("ctx") or {}))
    except (MissingMessageError, KeyError, IndexError):
        return code, str(error["msg"])
