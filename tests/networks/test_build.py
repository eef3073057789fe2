"""Networks are found where the demo planted them, and common values join no strangers."""

from __future__ import annotations

import json
from random import Random

import pytest
from typer.testing import CliRunner

from fraudlink.cli import app as cli_app
from fraudlink.database import Database
from fraudlink.demo.reports import SEED, planted_networks
from fraudlink.networks import service
from fraudlink.networks.graph import TOO_COMMON, WARNING_LISTED
from fraudlink.settings import Settings
from tests.networks.helpers import add_reports, build, load_demo, made, snapshot

MARKETPLACE_URL = "https://www.marktplaats.nl/v/fietsen"
SPOOFED_BANK_NUMBER = "+31202288800"  # ING's real number: protected, and warning-listed


def network_of(database: Database) -> dict[str, int]:
    """Which network each member value is in."""
    with database.read_only() as session:
        networks = service.search(session, filters=service.Filters(min_size=1))
        members = service.members_of(session, network_ids=[network.id for network in networks])
    return {member.value: network_id for network_id, found in members.items() for member in found}


def planted() -> list[set[str]]:
    random = Random(SEED)  # noqa: S311 - the demo's own seeded generator, no secret
    return [
        {
            *network.accounts,
            *network.phones,
            network.wallet,
            *([f"https://www.{network.domain}/aanbieding"] if network.domain else []),
        }
        for network in planted_networks(random)
    ]


def test_each_planted_network_is_found_whole_and_apart_from_the_others(demo: Database) -> None:
    where = network_of(demo)
    found = []
    for values in planted():
        ids = {where[value] for value in values if value in where}
        assert len(ids) == 1, f"a planted network is split over networks {ids}"
        found.append(ids.pop())
    assert len(set(found)) == len(found), "two planted networks were merged"


def test_the_central_accounts_of_a_planted_network_rank_first(demo: Database) -> None:
    where = network_of(demo)
    with demo.read_only() as session:
        for values in planted():
            network_id = where[next(value for value in values if value in where)]
            top = service.members_of(session, network_ids=[network_id])[network_id][0]
            assert top.value in values
            assert top.report_count >= 2


@pytest.mark.parametrize("common", [MARKETPLACE_URL, SPOOFED_BANK_NUMBER])
def test_common_values_link_no_reports_and_are_listed_as_not_used(
    demo: Database, common: str
) -> None:
    assert common not in network_of(demo)
    with demo.read_only() as session:
        excluded = {item.value: item for item in service.exclusions(session, limit=1000)}
    assert excluded[common].reason == WARNING_LISTED
    assert excluded[common].report_count > 20


def test_marketplace_reports_of_different_sellers_stay_in_different_networks(
    demo: Database,
) -> None:
    """Purchase networks 1 and 7 both name the marketplace; they must stay apart."""
    where = network_of(demo)
    purchase = [
        values
        for values, network in zip(
            planted(),
            planted_networks(Random(SEED)),  # noqa: S311 - the demo's seeded generator
            strict=True,
        )
        if network.domain
    ]
    ids = {where[next(value for value in values if value in where)] for values in purchase}
    assert len(ids) == len(purchase)


def test_an_incremental_build_gives_what_a_full_build_gives(
    database: Database, settings: Settings
) -> None:
    load_demo(database, settings, reports=700)
    first = build(database, settings)
    assert first.full
    load_demo(database, settings, reports=1400)
    incremental = build(database, settings)
    assert not incremental.full
    assert incremental.reports_read == 700
    assert incremental.networks_removed > 0, "new reports joined existing networks"
    after_increment = snapshot(database)
    assert build(database, settings, full=True).full
    assert snapshot(database) == after_increment


def test_a_new_report_naming_two_networks_merges_them(
    database: Database, settings: Settings
) -> None:
    add_reports(
        database,
        settings,
        [
            made(ibans=["NL91ABNA0417164300"], phones=["+31612345678"]),
            made(ibans=["NL91ABNA0417164300"]),
            made(ibans=["NL20INGB0001234567"], phones=["+31687654321"]),
            made(ibans=["NL20INGB0001234567"]),
            made(phones=["+31611111111"]),  # alone: no network
        ],
    )
    build(database, settings)
    assert len(snapshot(database)) == 2 + 1  # two networks and the exclusions
    add_reports(database, settings, [made(phones=["+31612345678", "+31687654321"])])
    built = build(database, settings)
    assert (built.full, built.networks_removed, built.networks_written) == (False, 2, 1)
    merged = snapshot(database)
    assert merged[0][:2] == (4, 5)  # four identifiers, five reports
    build(database, settings, full=True)
    assert snapshot(database) == merged


def test_a_new_report_joins_a_report_that_was_alone(database: Database, settings: Settings) -> None:
    add_reports(database, settings, [made(phones=["+31611111111"], ibans=["NL91ABNA0417164300"])])
    build(database, settings)
    assert snapshot(database) == [()]
    add_reports(database, settings, [made(phones=["+31611111111"])])
    assert build(database, settings).networks_written == 1
    joined = snapshot(database)
    build(database, settings, full=True)
    assert snapshot(database) == joined


def test_a_value_named_by_more_reports_than_the_cap_is_no_link(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRAUDLINK_CORRELATION_CAP", "3")
    settings = Settings()
    shared = "+31655512345"
    add_reports(
        database,
        settings,
        [
            made(phones=[shared], ibans=[iban])
            for iban in (
                "NL91ABNA0417164300",
                "NL20INGB0001234567",
                "NL02ABNA0123456789",
                "NL39RABO0300065264",
            )
        ],
    )
    build(database, settings)
    assert _too_common(database, shared)
    assert len(snapshot(database)) == 1  # no network: only the exclusions


def _too_common(database: Database, value: str) -> bool:
    with database.read_only() as session:
        excluded = {item.value: item for item in service.exclusions(session)}
    return excluded[value].reason == TOO_COMMON and excluded[value].report_count == 4


def test_crossing_the_cap_later_splits_the_network_it_held_together(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRAUDLINK_CORRELATION_CAP", "3")
    settings = Settings()
    shared = "+31655512345"
    add_reports(
        database,
        settings,
        [made(phones=[shared], ibans=["NL91ABNA0417164300"]), made(phones=[shared])],
    )
    assert build(database, settings).networks == 1
    add_reports(database, settings, [made(phones=[shared]), made(phones=[shared])])
    assert build(database, settings).networks == 0
    assert _too_common(database, shared)


def test_a_change_of_the_rules_makes_the_next_build_a_full_one(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_reports(database, settings, [made(phones=["+31611111111"])])
    build(database, settings)
    assert not build(database, settings).full
    monkeypatch.setenv("FRAUDLINK_CORRELATION_CAP", "7")
    assert build(database, Settings()).full


def test_the_command_line_builds_and_lists_networks_as_json(
    database: Database, settings: Settings
) -> None:
    load_demo(database, settings, reports=400)
    runner = CliRunner()
    built = runner.invoke(cli_app, ["networks", "build"], env={"LANG": "en_GB.UTF-8"})
    assert built.exit_code == 0, built.output
    assert "networks" in built.output
    listed = runner.invoke(cli_app, ["networks", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    networks = json.loads(listed.stdout)
    assert networks
    for network in networks:
        assert {"id", "size", "identifiers", "reports"} <= network.keys()
        assert network["size"] == len(network["identifiers"])
        assert len(network["reports"]) >= 2
        assert {"kind", "value", "reports"} <= network["identifiers"][0].keys()
        assert network["reports"][0]["reference"].startswith("FL-")
    again = runner.invoke(cli_app, ["networks", "build", "--full", "--quiet"])
    assert again.exit_code == 0, again.output
    table = runner.invoke(cli_app, ["networks", "list"], env={"LANG": "en_GB.UTF-8"})
    assert table.exit_code == 0 and "Money-mule networks" in table.output


@pytest.mark.parametrize(
    ("options", "check"),
    [
        (["--min-size", "8"], lambda network: network["size"] >= 8),
        (["--fraud-type", "investment"], lambda network: "investment" in network["fraud_types"]),
        (["--since", "2026-06-01"], lambda network: network["last_seen"] >= "2026-06-01"),
        (["--until", "2024-03-01"], lambda network: network["first_seen"] < "2024-03-02"),
    ],
)
def test_the_list_filters(demo: Database, options: list[str], check: object) -> None:
    everything = json.loads(CliRunner().invoke(cli_app, ["networks", "list", "--json"]).stdout)
    listed = CliRunner().invoke(cli_app, ["networks", "list", "--json", *options])
    assert listed.exit_code == 0, listed.output
    filtered = json.loads(listed.stdout)
    assert callable(check)
    assert filtered == [network for network in everything if check(network)]
    assert 0 < len(filtered) < len(everything)
