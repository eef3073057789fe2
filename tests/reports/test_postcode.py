"""The victim's postcode: accepted as people write it, kept as its four digits and a province.

Through every way in (the API, the page's form, the bulk import), a good postcode is stored as
its postcode area and region only, and a bad one is named as the field ``postcode``.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from fraudlink.database import Database
from fraudlink.errors import InvalidInput
from fraudlink.i18n import translate
from fraudlink.reports import forms
from fraudlink.reports.models import Report
from fraudlink.reports.regions import postcode_area
from fraudlink.reports.schemas import ReportIn
from fraudlink.reports.vocabulary import Region
from fraudlink.settings import Settings
from tests.reports.partnership import (
    EXAMPLE,
    HELPDESK,
    MINIMAL,
    POLICE,
    Partnership,
    count_rows,
    submit,
)
from tests.reports.test_import import HEADER, import_json, row, write_csv

UNUSED = ("SA", "SD", "SS")


def stored(database: Database) -> dict[str, tuple[str | None, Region | None]]:
    """``{external id: (postcode area, region)}`` of every stored report."""
    with database.read_only() as session:
        return {
            report.external_id or report.reference: (report.postcode_area, report.region)
            for report in session.scalars(select(Report))
        }


# Normalisation


@pytest.mark.parametrize(
    "value", ["1234", "1234 AB", "1234AB", " 1234 ab ", "1234 aB", "\t1234\u00a0"]
)
def test_a_postcode_as_people_write_it_becomes_its_four_digits(value: str) -> None:
    assert postcode_area(value) == "1234"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "0123",  # no postcode starts with 0
        "0123 AB",
        "123",
        "12345",
        "1234 A",
        "1234 ABC",
        "AB 1234",
        "1234-AB",
        "12 34",
        "1234 SA",  # never handed out
        "1234 sd",
        "1234SS",
        "1234 12",
        "\uff11\uff12\uff13\uff14",  # full-width digits
        "\u0661\u0662\u0663\u0664",  # Arabic-Indic digits
        "1234 \ufb00",  # the ligature "ff", which upper-cases to "FF"
    ],
)
def test_anything_else_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        postcode_area(value)
    assert (refused.value.message_key, refused.value.field) == (
        "reports.postcode_invalid",
        "postcode",
    )


valid_letters = st.text(string.ascii_uppercase, min_size=2, max_size=2).filter(
    lambda letters: letters not in UNUSED
)


@given(
    area=st.integers(1000, 9999),
    letters=st.none() | valid_letters,
    space=st.sampled_from(["", " ", "  "]),
    lower=st.booleans(),
    around=st.sampled_from(["", " ", "\t", " \n"]),
)
def test_every_valid_postcode_keeps_only_its_digits(
    area: int, letters: str | None, space: str, lower: bool, around: str
) -> None:
    written = f"{area}{space}{letters}" if letters else str(area)
    written = written.lower() if lower else written
    assert postcode_area(f"{around}{written}{around}") == str(area)


@given(st.text(max_size=12))
def test_any_text_is_either_refused_or_four_ascii_digits_it_starts_with(text: str) -> None:
    try:
        area = postcode_area(text)
    except InvalidInput:
        return
    assert len(area) == 4
    assert set(area) <= set(string.digits)
    assert area[0] != "0"
    assert text.strip().startswith(area)


@pytest.mark.parametrize(
    ("value", "kept"), [(None, None), ("", None), ("  ", None), ("3512 ab", "3512")]
)
def test_the_report_keeps_the_area_and_takes_a_blank_postcode_for_none(
    value: str | None, kept: str | None
) -> None:
    assert ReportIn.model_validate({**MINIMAL, "postcode": value}).postcode == kept


# The API


def test_a_postcode_sent_to_the_api_is_stored_as_area_and_region_only(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    receipt = submit(client, partnership, {**EXAMPLE, "postcode": "3512 JE"})
    assert stored(database) == {"x1": ("3512", Region.UTRECHT)}
    # Partners see neither: the area and region are for figures, not for casework.
    shown = client.get(
        f"/v1/reports/{receipt['reference']}", headers=partnership.headers(POLICE)
    ).json()
    assert {"postcode", "postcode_area", "region"}.isdisjoint(shown)
    assert "3512" not in json.dumps(shown)


def test_a_report_without_a_postcode_has_no_area_and_no_region(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    submit(client, partnership, EXAMPLE)
    assert stored(database) == {"x1": (None, None)}


@pytest.mark.parametrize("postcode", ["0123 AB", "1234 SS", "12345", "Amsterdam"])
def test_a_bad_postcode_answers_422_naming_it_and_writes_nothing(
    client: TestClient, partnership: Partnership, database: Database, postcode: str
) -> None:
    headers = {**partnership.headers(HELPDESK), "Accept-Language": "en"}  # the key first
    before = count_rows(database)
    response = client.post("/v1/reports", json={**EXAMPLE, "postcode": postcode}, headers=headers)
    assert response.status_code == 422, response.text
    assert [
        (error["field"], error["code"], error["message"]) for error in response.json()["errors"]
    ] == [("postcode", "postcode_invalid", translate("reports.postcode_invalid", "en"))]
    assert count_rows(database) == before


# The page's form


def form(**changes: str) -> dict[str, str]:
    return {"fraud_type": "purchase", "channel": "website", "occurred_on": "2025-03-01", **changes}


def test_the_form_passes_the_postcode_on_as_its_area() -> None:
    assert forms.to_report(form(postcode=" 3512 je "), "nl").postcode == "3512"
    assert forms.to_report(form(postcode=""), "nl").postcode is None


def test_a_bad_postcode_on_the_form_is_shown_beside_its_field() -> None:
    with pytest.raises(forms.FormErrors) as invalid:
        forms.to_report(form(postcode="0123"), "en")
    assert invalid.value.errors == {"postcode": translate("reports.postcode_invalid", "en")}


# The bulk import


def test_an_imported_csv_keeps_good_postcodes_and_lists_bad_ones_by_line(
    settings: Settings, partnership: Partnership, database: Database, tmp_path: Path
) -> None:
    rows = [
        row(0, postcode="9711 AB"),  # line 2
        row(1, postcode="1234 SA"),  # line 3
        row(2, postcode=""),  # line 4: an empty cell is no postcode
        row(3, postcode="2"),  # line 5
    ]
    path = write_csv(tmp_path / "postcodes.csv", rows, [*HEADER, "postcode"])
    code, summary = import_json(path)
    assert (code, summary["imported"], summary["bad_rows"]) == (1, 2, 2)
    refused = {
        "field": "postcode",
        "code": "postcode_invalid",
        "message": translate("reports.postcode_invalid", "en"),  # the terminal speaks English
    }
    assert [(item["line"], item["errors"]) for item in summary["bad"]] == [
        (3, [refused]),
        (5, [refused]),
    ]
    assert stored(database) == {
        "row-00000": ("9711", Region.GRONINGEN),
        "row-00002": (None, None),
    }


def test_imported_json_lines_keep_good_postcodes_and_list_bad_ones_by_line(
    settings: Settings, partnership: Partnership, database: Database, tmp_path: Path
) -> None:
    reports: list[dict[str, Any]] = [
        {**EXAMPLE, "external_id": "j1", "postcode": "6211"},
        {**EXAMPLE, "external_id": "j2", "postcode": "6211 XX X"},
        {**EXAMPLE, "external_id": "j3", "postcode": 6211},  # a number, not text
        {**EXAMPLE, "external_id": "j4"},
    ]
    path = tmp_path / "postcodes.jsonl"
    path.write_text("\n".join(json.dumps(report) for report in reports) + "\n", encoding="utf-8")
    code, summary = import_json(path)
    assert (code, summary["imported"]) == (1, 2)
    assert [
        (item["line"], [(error["field"], error["code"]) for error in item["errors"]])
        for item in summary["bad"]
    ] == [(2, [("postcode", "postcode_invalid")]), (3, [("postcode", "string_type")])]
    assert stored(database) == {"j1": ("6211", Region.LIMBURG), "j4": (None, None)}
