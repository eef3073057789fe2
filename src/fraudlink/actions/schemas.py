"""Actions of the plan as the API takes and gives them.

The schema says all that the service checks (a year within range, a title with words in it,
statuses a person may set), so a request that fits the schema is never refused for its form.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from fraudlink.actions.models import Action
from fraudlink.actions.service import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_NAME,
    MAX_NOTES,
    MAX_PARTNERS,
    MAX_TITLE,
)
from fraudlink.actions.vocabulary import Status, Theme
from fraudlink.errors import InvalidInput
from fraudlink.text import PRINTABLE, plain_text

_CONTROL: Final = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
# Printable (as fraudlink.text.PRINTABLE) with at least one character that is not a space.
WORDS_PATTERN: Final = rf"^[^{_CONTROL}]*[^\s{_CONTROL}][^{_CONTROL}]*$"
_PRINTABLE: Final = re.compile(PRINTABLE)


def _words(text: str) -> str:
    """Some words: blank or control characters are refused (the service says which field)."""
    if not text.strip():
        raise InvalidInput("actions.text_missing")
    if not _PRINTABLE.match(text):
        raise InvalidInput("web.validation_control_character")
    return text


class _DocumentedAsWords:
    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        documented: dict[str, Any] = handler(schema)
        documented["pattern"] = WORDS_PATTERN
        return documented


def words(*, max_length: int) -> Any:
    return Annotated[
        str,
        StringConstraints(min_length=1, max_length=max_length),
        AfterValidator(_words),
        _DocumentedAsWords,
    ]


Title = words(max_length=MAX_TITLE)
Name = words(max_length=MAX_NAME)
Notes = plain_text(max_length=MAX_NOTES)
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR, examples=[2025])]
# carried_over is not among them: it comes with a continuation (POST …/carry-over).
SettableStatus = Literal["planned", "running", "realised"]


class ActionIn(BaseModel):
    """A new action of a year's plan."""

    model_config = ConfigDict(extra="forbid")

    year: Year
    theme: Theme = Field(examples=["prevention"])
    title: Title = Field(examples=["Campagne voor ouderen over bankhelpdeskfraude"])  # type: ignore[valid-type]
    owner: Name = Field(description="The partner that leads it.", examples=["Fraudehelpdesk"])  # type: ignore[valid-type]
    partners: list[Name] = Field(  # type: ignore[valid-type]
        default_factory=list,
        max_length=MAX_PARTNERS,
        description="The others that take part (names; repeated names count once).",
        examples=[["Politie", "NVB"]],
    )
    status: SettableStatus = "planned"
    notes: Notes = ""  # type: ignore[valid-type]


class ActionPatch(BaseModel):
    """What changes; a field left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None  # type: ignore[valid-type]
    owner: Name | None = None  # type: ignore[valid-type]
    partners: list[Name] | None = Field(default=None, max_length=MAX_PARTNERS)  # type: ignore[valid-type]
    status: SettableStatus | None = Field(
        default=None, description="A carried-over action keeps its status (409)."
    )
    notes: Notes | None = None  # type: ignore[valid-type]


class ActionOut(BaseModel):
    id: int
    year: int
    theme: Theme
    title: str
    owner: str
    partners: list[str]
    status: Status
    notes: str
    carried_from_id: int | None = Field(description="The same action in the year before.")
    carried_to_id: int | None = Field(description="Its continuation in the next year.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, action: Action, *, carried_to_id: int | None = None) -> ActionOut:
        return cls(
            id=action.id,
            year=action.year,
            theme=action.theme,
            title=action.title,
            owner=action.owner,
            partners=list(action.partners),
            status=action.status,
            notes=action.notes,
            carried_from_id=action.carried_from_id,
            carried_to_id=carried_to_id,
            created_at=action.created_at,
            updated_at=action.updated_at,
        )


class ActionList(BaseModel):
    actions: list[ActionOut]
