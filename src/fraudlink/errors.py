"""Errors that services raise, free of HTTP: the API, pages and CLI each translate them.

A service says *what* went wrong (a message key with its parameters, and the field when the
caller's input is at fault); the edge decides how to show it (problem details with a status,
an inline form error, or one line on the terminal) and in which language.
"""

from __future__ import annotations

from typing import ClassVar

from fraudlink.i18n import DEFAULT_LANGUAGE, Language, translate


class DomainError(Exception):
    """Base of every expected failure; ``kind`` selects the HTTP status at the API edge."""

    kind: ClassVar[str] = "invalid"

    def __init__(self, message_key: str, /, *, field: str | None = None, **params: object) -> None:
        self.message_key = message_key
        self.field = field
        self.params = params
        super().__init__(message_key)

    @property
    def parts(self) -> list[DomainError]:
        """The separate faults this error stands for: itself, unless several were found at once."""
        return [self]

    def message(self, language: Language = DEFAULT_LANGUAGE) -> str:
        return translate(self.message_key, language, **self.params)

    def __str__(self) -> str:
        return self.message()


class InvalidInput(DomainError, ValueError):
    """The caller's input is wrong; ``field`` names which part.

    Also a ValueError, so a pydantic validator may raise it and keep its translated message.
    """

    kind = "invalid"


class SeveralInvalid(InvalidInput):
    """Several parts of the input are wrong at once: the caller learns of all of them together."""

    def __init__(self, faults: list[InvalidInput]) -> None:
        assert faults, "at least one fault"
        first = faults[0]
        super().__init__(first.message_key, field=first.field, **first.params)
        self.faults = faults

    @property
    def parts(self) -> list[DomainError]:
        return list(self.faults)

    def message(self, language: Language = DEFAULT_LANGUAGE) -> str:
        return " ".join(fault.message(language) for fault in self.faults)


class NotFound(DomainError):
    kind = "not_found"


class Conflict(DomainError):
    """The request clashes with the current state (a duplicate name, a revoked key, ...)."""

    kind = "conflict"


class Forbidden(DomainError):
    kind = "forbidden"


class Unauthenticated(DomainError):
    """No credentials, or credentials that are unknown, malformed or revoked."""

    kind = "unauthenticated"
