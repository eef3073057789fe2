import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fraudlink.crypto import installation_keys
from fraudlink.identifiers import Pseudonymiser, parse
from fraudlink.identifiers.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FRAUDLINK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FRAUDLINK_SECRET_KEY_FILE", raising=False)
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path


def test_parse_prints_the_identifier_and_its_token(data_dir: Path) -> None:
    result = runner.invoke(app, ["parse", "nl91 abna 0417 1643 00"])
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    key = installation_keys(data_dir / "secret.key").pseudonym
    expected_token = Pseudonymiser(key).token(parse("NL91ABNA0417164300"))
    assert output == {
        "kind": "iban",
        "normalized": "NL91ABNA0417164300",
        "display": "NL91 ABNA 0417 1643 00",
        "details": {
            "country": "NL",
            "bank_code": "ABNA",
            "bic": "ABNANL2A",
            "bank_name": "ABN AMRO BANK N.V.",
        },
        "token": expected_token,
    }


def test_kind_option_forces_the_kind() -> None:
    result = runner.invoke(app, ["parse", "--kind", "url", "example.nl"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["normalized"] == "https://example.nl/"


@pytest.mark.parametrize(
    ("language", "line"),
    [
        (None, "De controlecijfers van het IBAN kloppen niet; controleer op een tikfout.\n"),
        ("en_GB.UTF-8", "The IBAN check digits do not match; check for a typo.\n"),
    ],
)
def test_invalid_value_gives_one_line_in_the_terminal_language(
    language: str | None, line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if language:
        monkeypatch.setenv("LANG", language)
    result = runner.invoke(app, ["parse", "NL91 ABNA 0417 1643 01"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == line
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_no_arguments_shows_help() -> None:
    result = runner.invoke(app, [])
    assert "parse" in result.output
