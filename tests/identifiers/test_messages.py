"""Every message code the package raises exists in both languages, with matching placeholders."""

import ast
import string
import tomllib
from pathlib import Path

import pytest

import fraudlink.identifiers
from fraudlink.i18n import LANGUAGES

PACKAGE = Path(fraudlink.identifiers.__file__).parent
CATALOGUE = tomllib.loads((PACKAGE / "messages.toml").read_text(encoding="utf-8"))


def _raise_sites() -> list[tuple[str, str, frozenset[str]]]:
    """(where, code, keyword names) of every ``InvalidIdentifier(...)`` in the package source."""
    sites = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "InvalidIdentifier"
            ):
                continue
            code = node.args[0]
            # A literal code is what makes this scan complete; a computed one would escape it.
            assert isinstance(code, ast.Constant), f"{path.name}:{node.lineno}: code not literal"
            assert isinstance(code.value, str)
            keywords = frozenset(keyword.arg for keyword in node.keywords if keyword.arg)
            sites.append((f"{path.name}:{node.lineno}", code.value, keywords))
    return sites


RAISE_SITES = _raise_sites()


def _placeholders(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def test_the_scan_finds_the_raise_sites() -> None:
    assert len(RAISE_SITES) > 40


@pytest.mark.parametrize(("where", "code", "keywords"), RAISE_SITES)
def test_raised_code_has_a_message_with_its_placeholders(
    where: str, code: str, keywords: frozenset[str]
) -> None:
    assert code in CATALOGUE, f"{where}: no message {code!r} in messages.toml"
    for language in LANGUAGES:
        assert _placeholders(CATALOGUE[code][language]) == keywords, f"{where}: {language}"


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_message_is_used_and_complete(code: str) -> None:
    assert code in {site_code for _, site_code, _ in RAISE_SITES}, f"unused message {code!r}"
    texts = CATALOGUE[code]
    assert set(texts) == set(LANGUAGES)
    assert _placeholders(texts["nl"]) == _placeholders(texts["en"])
    for text in texts.values():
        assert text.strip() == text
        assert text[-1] in ".?!", "a message is a full sentence"


def test_every_code_is_documented() -> None:
    documentation = (Path(__file__).parents[2] / "docs" / "identifiers.md").read_text()
    for code, texts in CATALOGUE.items():
        assert f"| `{code}` | {texts['en']} |" in documentation, f"docs/identifiers.md: {code}"
