"""Translation of user-facing text: Dutch by default, English available.

Each domain keeps its messages beside its code in ``<domain>/messages.toml``, one table per
message with both languages side by side, so a missing translation shows up in review::

    [iban_checksum]
    nl = "De controlecijfers van het IBAN kloppen niet; controleer op een tikfout."
    en = "The IBAN check digits do not match; check for a typo."

The message ``iban_checksum`` of the folder ``identifiers`` is addressed as
``identifiers.iban_checksum``. Placeholders use ``str.format`` names: ``{length}``.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Final, Literal, get_args
from zoneinfo import ZoneInfo

# Dutch time for people: pages show it and forms read it; storage is UTC.
LOCAL_TIME_ZONE: Final = ZoneInfo("Europe/Amsterdam")

Language = Literal["nl", "en"]
LANGUAGES: Final[tuple[Language, ...]] = get_args(Language)
DEFAULT_LANGUAGE: Final[Language] = "nl"

_PACKAGE_DIR = Path(__file__).parent


class MissingMessageError(KeyError):
    """A message key that no catalogue defines: a programming error, never user input."""


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message of every domain: ``{"domain.name": {"nl": ..., "en": ...}}``."""
    messages: dict[str, dict[str, str]] = {}
    for path in sorted(_PACKAGE_DIR.glob("*/messages.toml")):
        domain = path.parent.name
        with path.open("rb") as handle:
            for name, texts in tomllib.load(handle).items():
                messages[f"{domain}.{name}"] = texts
    return messages


def translate(key: str, language: Language = DEFAULT_LANGUAGE, /, **params: object) -> str:
    try:
        texts = catalogue()[key]
    except KeyError:
        raise MissingMessageError(key) from None
    template = texts.get(language) or texts[DEFAULT_LANGUAGE]
    return template.format(**params) if params else template


def parse_language(value: str | None) -> Language | None:
    """``"en"``, ``"EN"`` and ``"en-GB"`` are English; anything unknown is None."""
    if not value:
        return None
    primary = value.strip().split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def negotiate(accept_language: str | None) -> Language:
    """The best language for an ``Accept-Language`` header, by its q-values."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, Language]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, parameters = part.partition(";")
        language = parse_language(tag)
        if language is None:
            continue
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def terminal_language() -> Language:
    """The command line speaks the language of the operator's locale (LC_ALL, LC_MESSAGES, LANG)."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        language = parse_language(os.environ.get(variable, "").split(".")[0].replace("_", "-"))
        if language is not None:
            return language
    return DEFAULT_LANGUAGE


def format_amount(cents: int, language: Language) -> str:
    """2.500,00 for Dutch readers, 2,500.00 for English ones."""
    english = f"{cents / 100:,.2f}"
    if language == "en":
        return english
    return english.replace(",", " ").replace(".", ",").replace(" ", ".")
