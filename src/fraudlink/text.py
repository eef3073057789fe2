"""Free text from people and partner systems, as every schema accepts it.

Text may hold line breaks and tabs, never other control characters: a NUL byte cannot be stored
in PostgreSQL at all, and invisible controls in a name or a story only hide what it says.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final

from pydantic import AfterValidator, GetJsonSchemaHandler, StringConstraints
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from fraudlink.errors import InvalidInput

PRINTABLE: Final = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
_PRINTABLE: Final = re.compile(PRINTABLE)


def _printable(text: str) -> str:
    if not _PRINTABLE.match(text):
        raise InvalidInput("web.validation_control_character")
    return text


class _DocumentedAsPrintable:
    """Puts the rule in the OpenAPI document, so clients (and schemathesis) know it."""

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        documented: dict[str, Any] = handler(schema)
        documented["pattern"] = PRINTABLE
        return documented


def plain_text(*, max_length: int, min_length: int = 0) -> Any:
    """A text type of at most ``max_length`` characters without control characters.

    The length is checked on the string itself, before the control check, so a too long text
    is explained in characters ("at most 64 characters"), not as a list would be.
    """
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        AfterValidator(_printable),
        _DocumentedAsPrintable,
    ]
