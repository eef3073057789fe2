"""Free text from people and partner systems, as every schema accepts it.

Text may hold line breaks and tabs, never other control characters: a NUL byte cannot be stored
in PostgreSQL at all, and invisible controls in a name or a story only hide what it says.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final

from pydantic import AfterValidator, GetJsonSchemaHandler
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


PlainText = Annotated[str, AfterValidator(_printable), _DocumentedAsPrintable]
