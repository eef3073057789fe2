"""Every user-facing message exists in Dutch and English, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

import pytest

from fraudlink.access.permissions import Permission
from fraudlink.i18n import LANGUAGES, Language, MissingMessageError, catalogue, translate
from fraudlink.web.problems import PROBLEM_TYPES

SOURCE = Path(__file__).parent.parent / "src" / "fraudlink"
MESSAGES = sorted(catalogue())


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


@pytest.mark.parametrize("key", MESSAGES)
def test_each_message_has_both_languages_and_the_same_placeholders(key: str) -> None:
    texts = catalogue()[key]
    assert set(texts) == set(LANGUAGES), key
    assert all(text.strip() for text in texts.values()), key
    assert _placeholders(texts["nl"]) == _placeholders(texts["en"]), key


def test_messages_used_in_code_and_templates_exist() -> None:
    calls = r"(?:translate|_|say|fail|InvalidInput|NotFound|Conflict|Forbidden|Unauthenticated)"
    pattern = re.compile(calls + r"""\(\s*f?["']([a-z]+\.[a-z0-9_]+)""")
    used: set[str] = set()
    for path in [*SOURCE.rglob("*.py"), *SOURCE.rglob("*.html")]:
        used |= set(pattern.findall(path.read_text()))
    assert used, "the pattern found no message keys"
    # A key ending in "_" is the stem of keys composed at run time, tested below.
    assert sorted(key for key in used - set(MESSAGES) if not key.endswith("_")) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_composed_keys_exist(language: Language) -> None:
    for permission in Permission:
        translate(f"access.permission_{permission.name.lower()}", language)
    for code in LANGUAGES:
        translate(f"web.language_{code}", language)
    for slug in PROBLEM_TYPES.values():
        translate(f"web.problem_{slug.replace('-', '_')}", language)
        translate(f"web.problem_{slug.replace('-', '_')}_detail", language)


def test_an_unknown_key_is_a_programming_error() -> None:
    with pytest.raises(MissingMessageError):
        translate("web.no_such_message")
