"""The one exception of the package: a value that is not a valid identifier, and why."""

from __future__ import annotations

from functools import partial

from fraudlink.i18n import DEFAULT_LANGUAGE, Language, translate
from fraudlink.identifiers.model import IdentifierKind


class InvalidIdentifier(ValueError):
    """Raised for every rejected value, with a message code a person can be shown.

    ``code`` names a message in ``identifiers/messages.toml`` and ``params`` fill its
    placeholders, so pages and the API can answer in the reader's language; ``str()`` gives the
    Dutch text because Dutch is the platform's default language.
    """

    def __init__(self, code: str, kind: IdentifierKind | None = None, /, **params: object) -> None:
        self.code = code
        self.kind = kind
        self.params: dict[str, object] = params
        # Rendering now also proves that the code exists: a typo fails in tests, not in production.
        super().__init__(self.message())

    def message(self, language: Language = DEFAULT_LANGUAGE) -> str:
        return translate(f"identifiers.{self.code}", language, **self.params)

    def __reduce__(self) -> tuple[partial[InvalidIdentifier], tuple[()]]:
        # The default pickling replays ``args`` (the rendered message) into __init__, which
        # expects a code; worker pools and task queues pickle exceptions, so keep them intact.
        return partial(type(self), self.code, self.kind, **self.params), ()


def shown(character: str) -> str:
    """A character as a message can show it: invisible ones by their code point.

    Zero-width and other invisible characters are a phishing trick and a copy-and-paste
    accident alike; "remove the character ''" would leave the reader guessing.
    """
    return character if character.isprintable() else f"U+{ord(character):04X}"
