"""The demo's action plan (demo/actions.toml): the letter's themes and actions, loaded once."""

from __future__ import annotations

from sqlalchemy import func, select

from fraudlink.actions import service as action_service
from fraudlink.actions.vocabulary import Status, Theme
from fraudlink.audit.models import AuditEntry
from fraudlink.database import Database
from fraudlink.demo import actions as demo_actions
from fraudlink.demo import service as demo_service
from tests.factories import OPERATOR


def test_the_demo_plan_covers_every_theme_in_both_years_and_loads_once(
    database: Database,
) -> None:
    entries = demo_actions.entries()
    carried = sum(bool(entry.get("carried_over")) for entry in entries)
    first = demo_service.load_actions(database, actor=OPERATOR)
    assert (first.made, first.present) == (len(entries) + carried, 0)
    with database.read_only() as session:
        audited = session.scalar(select(func.count()).select_from(AuditEntry))
        plan_2024 = action_service.year_plan(session, year=2024)
        plan_2025 = action_service.year_plan(session, year=2025)
        assert {theme for theme, actions in plan_2024.by_theme if actions} >= {
            Theme.PREVENTION,
            Theme.VICTIM_SUPPORT,
            Theme.DATA_SHARING,
            Theme.INTERVENTIONS,
            Theme.MONEY_MULES,
        }
        assert {theme for theme, actions in plan_2025.by_theme if actions} == set(Theme)
        # The Jaarbericht 2024: realised actions, and data sharing and interventions carried over.
        assert plan_2024.counts[Status.REALISED] >= 5
        carried_themes = {action.theme for action in plan_2024.carried_over}
        assert {Theme.DATA_SHARING, Theme.INTERVENTIONS} <= carried_themes
        assert set(plan_2024.carried_to) == {action.id for action in plan_2024.carried_over}
        continued = {action.carried_from_id for action in plan_2025.continued}
        assert continued == set(plan_2024.carried_to)
        titles = " ".join(action.title for action in plan_2025.actions)
        for words in ("ouderen", "vuistregels", "PNBF", "geldezels", "civielrechtelijke"):
            assert words in titles, words

    second = demo_service.load_actions(database, actor=OPERATOR)
    assert (second.made, second.present) == (0, first.made)
    with database.read_only() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == audited


def test_every_demo_entry_names_its_owner_and_a_known_theme_and_status() -> None:
    for entry in demo_actions.entries():
        assert entry["owner"].strip(), entry["title"]
        Theme(entry["theme"])
        assert Status(entry["status"]) is not Status.CARRIED_OVER
        assert entry["year"] in (2024, 2025)
        assert not entry.get("carried_over") or entry["year"] == 2024
