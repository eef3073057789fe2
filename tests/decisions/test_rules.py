"""Rule documents: what they may say, how a mistake is reported, and how they decide."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from fraudlink.decisions import rules
from fraudlink.decisions.vocabulary import Outcome
from fraudlink.errors import InvalidInput

TEXT = {"nl": "Regel.", "en": "Rule."}


def document(*rule_specs: dict[str, Any], **changes: Any) -> str:
    return yaml.safe_dump(
        {
            "version": "test-1",
            "thresholds": {"warn": 30, "delay": 60, "block": 90},
            "rules": list(rule_specs),
        }
        | changes
    )


def rule(code: str = "big", when: Any = None, weight: int = 40, **changes: Any) -> dict[str, Any]:
    return {
        "code": code,
        "when": when if when is not None else {"amount_cents": {"gte": 100_000}},
        "weight": weight,
        "text": TEXT,
    } | changes


def facts(**changes: Any) -> dict[str, Any]:
    """Facts of an unremarkable payment."""
    return {
        "amount_cents": 5_000,
        "on_call": False,
        "caller_reasons": frozenset(),
        "new_creditor": False,
        "debtor_age_band": "30-49",
        "older_customer": False,
        "creditor_reported": False,
    } | changes


def test_the_bundled_rules_compile() -> None:
    bundled = rules.bundled()
    assert bundled.version == "2026.11-1"
    assert {"creditor_reported", "on_call_spoofed_number", "payee_name_mismatch"} <= {
        item.code for item in bundled.rules
    }


def test_the_score_adds_up_and_the_thresholds_set_the_outcome() -> None:
    rule_set = rules.parse(
        document(
            rule("big", weight=40),
            rule("call", when={"on_call": True}, weight=30),
        )
    )
    assert rule_set.evaluate(facts()).outcome is Outcome.ALLOW
    big = rule_set.evaluate(facts(amount_cents=200_000))
    assert (big.outcome, big.score, big.codes) == (Outcome.WARN, 40, ["big"])
    both = rule_set.evaluate(facts(amount_cents=200_000, on_call=True))
    assert (both.outcome, both.score) == (Outcome.DELAY, 70)


def test_the_most_severe_floor_wins_and_its_reason_comes_first() -> None:
    rule_set = rules.parse(
        document(
            rule("big", weight=40),
            rule("reported", when={"creditor_reported": True}, weight=5, floor="block"),
        )
    )
    evaluation = rule_set.evaluate(facts(amount_cents=200_000, creditor_reported=True))
    assert evaluation.outcome is Outcome.BLOCK
    assert evaluation.codes == ["reported", "big"]


def test_the_score_is_capped_at_100() -> None:
    rule_set = rules.parse(document(rule("a", weight=80), rule("b", weight=80)))
    assert rule_set.evaluate(facts(amount_cents=500_000)).score == 100


def test_combinators_and_comparisons() -> None:
    when = {
        "any": [
            {"all": [{"on_call": True}, {"caller_reasons": {"contains": "do_not_originate"}}]},
            {"debtor_age_band": {"in": ["70+"]}, "not": {"new_creditor": False}},
        ]
    }
    rule_set = rules.parse(document(rule("mixed", when=when)))
    fires = [
        facts(on_call=True, caller_reasons=frozenset({"do_not_originate"})),
        facts(debtor_age_band="70+", new_creditor=True),
    ]
    quiet = [
        facts(on_call=True, caller_reasons=frozenset({"mobile_number_abroad"})),
        facts(debtor_age_band="70+", new_creditor=False),
        facts(on_call=False, caller_reasons=frozenset({"do_not_originate"})),
    ]
    assert [rule_set.evaluate(item).codes for item in fires] == [["mixed"], ["mixed"]]
    assert [rule_set.evaluate(item).codes for item in quiet] == [[], [], []]


def test_a_reason_quotes_the_facts_it_read_and_its_text_fills_them_in() -> None:
    spec = rule(
        "big", text={"nl": "Bedrag {amount_cents} cent.", "en": "Amount {amount_cents} cents."}
    )
    evaluation = rules.parse(document(spec)).evaluate(facts(amount_cents=123_456))
    (reason,) = evaluation.reasons
    assert reason.facts == {"amount_cents": 123_456}
    assert (reason.nl, reason.en) == ("Bedrag 123456 cent.", "Amount 123456 cents.")


def test_a_warning_is_given_only_when_the_outcome_is_not_allow() -> None:
    warning = {"nl": "Pas op.", "en": "Beware."}
    rule_set = rules.parse(document(rule("small", weight=5, warning=warning)))
    assert rule_set.evaluate(facts(amount_cents=500_000)).warning is None
    rule_set = rules.parse(document(rule("big", weight=50, warning=warning)))
    evaluation = rule_set.evaluate(facts(amount_cents=500_000))
    assert evaluation.warning is not None
    assert evaluation.warning.en == "Beware."


def test_a_partner_override_switches_a_rule_off_or_reweighs_it() -> None:
    text = document(
        rule("big", weight=40),
        overrides=[
            {"partner": "ING", "rule": "big", "enabled": False},
            {"partner": "Rabobank", "rule": "big", "weight": 70, "floor": "delay"},
        ],
    )
    rule_set = rules.parse(text)
    payment = facts(amount_cents=500_000)
    assert rule_set.for_partner("ING").evaluate(payment).outcome is Outcome.ALLOW
    rabobank = rule_set.for_partner("Rabobank").evaluate(payment)
    assert (rabobank.outcome, rabobank.score) == (Outcome.DELAY, 70)
    assert rule_set.for_partner("ABN AMRO").evaluate(payment).score == 40


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("version: [", "YAML"),
        (document(rule(when={"amount": 5})), "unknown feature 'amount'"),
        (document(rule(when={"amount_cents": {"about": 5}})), "unknown comparison 'about'"),
        (document(rule(when={"on_call": "yes"})), "'on_call' is true or false"),
        (document(rule(when={"channel": {"gte": 3}})), "needs a number feature"),
        (document(rule(when={"amount_cents": {"contains": 3}})), "does not apply"),
        (document(rule(when={"all": []})), "non-empty list"),
        (document(rule(when={"on_call": True}, text={"nl": "{x}", "en": "x"})), "'x'"),
        (document(rule(), rule()), "big"),
        (document(rule(weight=101)), "rules.0.weight"),
        (document(rule(floor="maybe")), "rules.0.floor"),
        (document(rule(), overrides=[{"partner": "ING", "rule": "nope"}]), "nope"),
        (document(rule(), thresholds={"warn": 60, "delay": 30, "block": 90}), "thresholds"),
        (document(rule(), version="has space"), "version"),
    ],
)
def test_a_wrong_document_is_refused_saying_where(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        rules.parse(text)
    assert raised.value.field == "rules"
    assert says in raised.value.message("en")
