"""The victim's private follow-up link, and the measured effect of the advice it feeds."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, Final
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from fraudlink.advice import outcomes
from fraudlink.advice.models import AdviceGiven
from fraudlink.cli import app as cli_app
from fraudlink.database import Database
from fraudlink.reports.models import Report
from fraudlink.settings import Settings
from tests.reports.partnership import EXAMPLE, ING, Partnership, report, submit

CSRF: Final = re.compile(r'name="csrf_token" value="([^"]+)"')
runner = CliRunner()


def effectiveness_json() -> dict[str, dict[str, Any]]:
    result = runner.invoke(
        cli_app, ["advice", "effectiveness", "--json"], env={"LANG": "en_GB.UTF-8"}
    )
    assert result.exit_code == 0, result.stderr
    effects: list[dict[str, Any]] = json.loads(result.stdout)
    return {effect["step_id"]: effect for effect in effects}


def follow_up_path(receipt: dict[str, Any]) -> str:
    path: str = urlsplit(receipt["follow_up_url"]).path
    return path


def ticked(page: str) -> set[str]:
    """The steps the page shows as taken: its checked "followed" boxes."""
    boxes = re.findall(r"<input[^>]*>", page)
    return {
        value
        for box in boxes
        if 'name="followed"' in box and re.search(r"\schecked\b", box)
        for value in re.findall(r'value="([^"]+)"', box)
    }


def csrf_token(page: str) -> str:
    match = CSRF.search(page)
    assert match is not None, "the form carries a CSRF token"
    return str(match[1])


@pytest.fixture
def receipt(client: TestClient, partnership: Partnership) -> dict[str, Any]:
    return submit(client, partnership, EXAMPLE)


def test_the_private_link_opens_the_follow_up_page_with_the_plan(
    client: TestClient, receipt: dict[str, Any]
) -> None:
    page = client.get(follow_up_path(receipt), headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert receipt["reference"] in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    boxes = [box for box in re.findall(r"<input[^>]*>", page.text) if 'name="followed"' in box]
    shown = [re.findall(r'value="([^"]+)"', box)[0] for box in boxes]
    assert shown == [step["id"] for step in receipt["advice"]]
    assert ticked(page.text) == set()
    assert ING in page.text, "the victim sees who was told"


@pytest.mark.parametrize(
    "path",
    [
        "/follow-up/{reference}/AAAAAAAAAAAAAAAAAAAAAA",
        "/follow-up/{reference}/",
        "/follow-up/FL-2020-000001/{token}",
        "/follow-up/{reference}/{token}x",
    ],
    ids=["wrong token", "no token", "token of another reference", "token with a tail"],
)
def test_a_wrong_link_is_404(client: TestClient, receipt: dict[str, Any], path: str) -> None:
    reference, token = follow_up_path(receipt).split("/")[2:4]
    response = client.get(path.format(reference=reference, token=token))
    assert response.status_code == 404


def test_a_link_opens_only_its_own_report(
    client: TestClient, partnership: Partnership, receipt: dict[str, Any]
) -> None:
    other = submit(client, partnership, report(external_id="other"))
    reference = other["reference"]
    token = follow_up_path(receipt).rsplit("/", 1)[1]
    assert client.get(f"/follow-up/{reference}/{token}").status_code == 404


def post_answers(
    client: TestClient,
    path: str,
    *,
    followed: Sequence[str],
    money_back: str,
    amount_back: str = "",
    advice_clear: str = "yes",
) -> str:
    token = csrf_token(client.get(path).text)
    response = client.post(
        path,
        data={
            "csrf_token": token,
            "followed": list(followed),
            "money_back": money_back,
            "amount_back": amount_back,
            "advice_clear": advice_clear,
        },
    )
    assert response.status_code == 200, response.text
    return response.text


def test_ticked_steps_and_the_outcome_are_stored_and_measured(
    settings: Settings, client: TestClient, database: Database, receipt: dict[str, Any]
) -> None:
    steps = [step["id"] for step in receipt["advice"]]
    followed, skipped = steps[0], steps[1]
    page = post_answers(
        client,
        follow_up_path(receipt),
        followed=[followed],
        money_back="yes",
        amount_back="1.250,50",
    )
    assert ticked(page) == {followed}

    with database.read_only() as session:
        report_id = session.scalars(select(Report.id)).one()
        answers = outcomes.follow_up_of(session, report_id=report_id)
    assert answers == outcomes.FollowUp(frozenset({followed}), True, 125_050, True)

    effects = effectiveness_json()
    assert effects[followed]["followed"] == 1
    assert effects[followed]["outcome_if_followed"] == {
        "reports": 1,
        "with_outcome": 1,
        "money_back": 1,
        "money_back_share": 1.0,
        "amount_back_cents": 125_050,
    }
    assert effects[skipped]["followed"] == 0
    assert effects[skipped]["outcome_if_not_followed"]["money_back"] == 1
    assert all(effect["shown"] == effect["answered"] == 1 for effect in effects.values())


def test_a_later_answer_replaces_the_earlier_one(
    client: TestClient, database: Database, receipt: dict[str, Any]
) -> None:
    steps = [step["id"] for step in receipt["advice"]]
    path = follow_up_path(receipt)
    post_answers(client, path, followed=steps[:2], money_back="yes", amount_back="100")
    post_answers(client, path, followed=steps[2:3], money_back="no", amount_back="100")
    with database.read_only() as session:
        report_id = session.scalars(select(Report.id)).one()
        answers = outcomes.follow_up_of(session, report_id=report_id)
    # No money back: an amount typed anyway is not kept.
    assert answers == outcomes.FollowUp(frozenset(steps[2:3]), False, None, True)


def test_a_step_that_was_not_advised_cannot_be_ticked(
    client: TestClient, database: Database, receipt: dict[str, Any]
) -> None:
    post_answers(client, follow_up_path(receipt), followed=["made-up-step"], money_back="no")
    with database.read_only() as session:
        steps = set(session.scalars(select(AdviceGiven.step_id)))
    assert "made-up-step" not in steps


def test_answers_without_the_form_token_are_refused(
    client: TestClient, database: Database, receipt: dict[str, Any]
) -> None:
    path = follow_up_path(receipt)
    client.get(path)
    response = client.post(
        path, data={"csrf_token": "forged", "followed": receipt["advice"][0]["id"]}
    )
    assert response.status_code == 403
    with database.read_only() as session:
        assert session.scalars(select(AdviceGiven.followed)).all() == [None] * len(
            receipt["advice"]
        )


def test_answers_to_a_wrong_link_are_404(client: TestClient, receipt: dict[str, Any]) -> None:
    path = follow_up_path(receipt)
    token = csrf_token(client.get(path).text)
    response = client.post(path[:-2] + "xx", data={"csrf_token": token, "money_back": "yes"})
    assert response.status_code == 404


# A hand-made set: five victims of one kind got the same plan; two of its steps are measured.
#   report  evidence  support  money back  amount  clear
#   1       yes       no       yes         10.00   yes
#   2       yes       yes      no          -       yes
#   3       no        no       yes          5.00   no
#   4       no        yes      not yet     -       -
#   5       (never answered)
EVIDENCE: Final = "keep-evidence"
SUPPORT: Final = "victim-support"
ANSWERS: Final = [
    ({EVIDENCE}, True, 1000, True),
    ({EVIDENCE, SUPPORT}, False, None, True),
    (set(), True, 500, False),
    ({SUPPORT}, None, None, None),
]


def test_effectiveness_sets_followers_beside_the_others(
    client: TestClient, partnership: Partnership, database: Database
) -> None:
    for number in range(5):
        receipt = submit(client, partnership, report(external_id=f"v{number}"))
        assert {EVIDENCE, SUPPORT} <= {step["id"] for step in receipt["advice"]}
    with database.transaction() as session:
        report_ids = session.scalars(select(Report.id).order_by(Report.id)).all()
        for report_id, (followed, money_back, amount, clear) in zip(
            report_ids, ANSWERS, strict=False
        ):
            outcomes.record_follow_up(
                session,
                report_id=report_id,
                followed=followed,
                money_back=money_back,
                amount_back_cents=amount,
                advice_clear=clear,
            )
    with database.read_only() as session:
        measured = {effect.step_id: effect for effect in outcomes.effectiveness(session)}
    effects = {step_id: effect.as_dict() for step_id, effect in measured.items()}

    assert effects[EVIDENCE] == {
        "step_id": EVIDENCE,
        "shown": 5,
        "answered": 4,
        "followed": 2,
        "followed_share": 0.5,
        "advice_clear": 2,
        "outcome_if_followed": {
            "reports": 2,  # 1 and 2
            "with_outcome": 2,
            "money_back": 1,
            "money_back_share": 0.5,
            "amount_back_cents": 1000,
        },
        "outcome_if_not_followed": {
            "reports": 2,  # 3 and 4; 4 has no outcome yet
            "with_outcome": 1,
            "money_back": 1,
            "money_back_share": 1.0,
            "amount_back_cents": 500,
        },
    }
    assert effects[SUPPORT] == {
        "step_id": SUPPORT,
        "shown": 5,
        "answered": 4,
        "followed": 2,
        "followed_share": 0.5,
        "advice_clear": 2,
        "outcome_if_followed": {
            "reports": 2,  # 2 and 4
            "with_outcome": 1,
            "money_back": 0,
            "money_back_share": 0.0,
            "amount_back_cents": 0,
        },
        "outcome_if_not_followed": {
            "reports": 2,  # 1 and 3
            "with_outcome": 2,
            "money_back": 2,
            "money_back_share": 1.0,
            "amount_back_cents": 1500,
        },
    }
    # Every other step: nobody ticked it, so the four who answered did not follow it.
    for step_id, effect in measured.items():
        if step_id not in {EVIDENCE, SUPPORT}:
            assert (effect.shown, effect.answered, effect.followed.reports) == (5, 4, 0)
            assert effect.not_followed.money_back == 2


def test_effectiveness_of_an_empty_installation_is_empty(settings: Settings) -> None:
    assert effectiveness_json() == {}
