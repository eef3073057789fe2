"""A broken rules file is refused with a message that names the step and the field at fault."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from fraudlink.advice.service import RulesError, Situation, Urgency, load_rules, rules
from fraudlink.reports.vocabulary import FraudType, PaymentMethod

Document = dict[str, Any]

VALID: Document = {
    "contacts": {
        "helpdesk": {
            "nl": "Fraudehelpdesk",
            "en": "Fraud Helpdesk",
            "phone": "088-786 73 72",
            "url": "https://www.fraudehelpdesk.nl",
        }
    },
    "steps": [
        {
            "id": "call-bank-now",
            "urgency": "now",
            "priority": 10,
            "supersedes": ["ask-refund"],
            "nl": "Bel nu uw bank.",
            "en": "Call your bank now.",
            "when": [{"payment_methods": ["transfer", "unknown"], "within_hours": 72}],
        },
        {
            "id": "ask-refund",
            "urgency": "today",
            "priority": 10,
            "nl": "Vraag om een terugbetalingsverzoek.",
            "en": "Ask for a refund request.",
            "when": [{"payment_methods": ["transfer", "unknown"]}],
        },
        {
            "id": "report",
            "urgency": "today",
            "priority": 20,
            "contact": "helpdesk",
            "nl": "Meld het.",
            "en": "Report it.",
            "when": "always",
        },
    ],
}


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
    return path


def changed(change: Callable[[Document], object]) -> Document:
    document = copy.deepcopy(VALID)
    change(document)
    return document


def test_a_valid_file_loads_and_plans(tmp_path: Path) -> None:
    book = load_rules(write(tmp_path, VALID))
    assert [rule.id for rule in book.steps] == ["call-bank-now", "ask-refund", "report"]
    recent = Situation(
        FraudType.PURCHASE, hours_since=1, payment_methods=frozenset({PaymentMethod.TRANSFER})
    )
    assert [step.id for step in book.plan(recent)] == ["call-bank-now", "report"]
    late = Situation(FraudType.PURCHASE, hours_since=100, paid=True)
    steps = book.plan(late, "en")
    assert [(step.id, step.urgency, step.text) for step in steps] == [
        ("ask-refund", Urgency.TODAY, "Ask for a refund request."),
        ("report", Urgency.TODAY, "Report it."),
    ]
    assert steps[1].contact is not None
    assert steps[1].contact.name == "Fraud Helpdesk"


def test_the_version_follows_the_content(tmp_path: Path) -> None:
    first = load_rules(write(tmp_path, VALID)).version
    assert load_rules(write(tmp_path, VALID)).version == first
    edited = changed(lambda document: document["steps"][2].update(nl="Meld het bij de helpdesk."))
    assert load_rules(write(tmp_path, edited)).version != first


def test_folded_text_becomes_one_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "steps:\n"
        "  - id: a\n    urgency: now\n    priority: 1\n    when: always\n"
        "    nl: >-\n      Bel nu\n      uw bank.\n"
        "    en: >-\n      Call your\n      bank now.\n"
    )
    assert load_rules(path).steps[0].text("nl") == "Bel nu uw bank."


def test_the_shipped_rules_load() -> None:
    assert len(rules().steps) >= 25


def _step(index: int, **fields: object) -> Callable[[Document], object]:
    return lambda document: document["steps"][index].update(fields)


def _drop(index: int, name: str) -> Callable[[Document], object]:
    return lambda document: document["steps"][index].pop(name)


def _when(index: int, condition: object) -> Callable[[Document], object]:
    return lambda document: document["steps"][index].update(when=[condition])


def _contact(**fields: object) -> Callable[[Document], object]:
    return lambda document: document["contacts"]["helpdesk"].update(fields)


def _contact_without(*names: str) -> Callable[[Document], object]:
    def change(document: Document) -> None:
        for name in names:
            del document["contacts"]["helpdesk"][name]

    return change


BROKEN: list[tuple[str, Callable[[Document], object], tuple[str, ...]]] = [
    ("missing English", _drop(0, "en"), ("step 'call-bank-now'", "field 'en'", "is missing")),
    ("missing Dutch", _drop(2, "nl"), ("step 'report'", "field 'nl'", "is missing")),
    ("empty text", _step(1, en="  "), ("step 'ask-refund'", "field 'en'", "non-empty text")),
    (
        "untranslated",
        _step(1, en="Vraag om een terugbetalingsverzoek."),
        ("field 'en'", "translate"),
    ),
    (
        "bad urgency",
        _step(0, urgency="soon"),
        ("step 'call-bank-now'", "field 'urgency'", "'soon' is not one of: now, today, this_week"),
    ),
    (
        "missing urgency",
        _drop(0, "urgency"),
        ("step 'call-bank-now'", "field 'urgency'", "missing"),
    ),
    ("bad priority", _step(0, priority="high"), ("field 'priority'", "whole number")),
    ("boolean priority", _step(0, priority=True), ("field 'priority'", "whole number")),
    ("missing when", _drop(2, "when"), ("step 'report'", "field 'when'", "missing")),
    ("bad id", _step(0, id="Call Bank"), ("step 1", "field 'id'", "'Call Bank' is not a step id")),
    ("missing id", _drop(1, "id"), ("step 2", "field 'id'", "None is not a step id")),
    ("duplicate id", _step(2, id="ask-refund"), ("step 'ask-refund'", "used twice")),
    ("typo in a field", _step(2, urgncy="now"), ("step 'report'", "unknown field 'urgncy'")),
    ("unknown contact", _step(2, contact="bank"), ("field 'contact'", "unknown contact 'bank'")),
    (
        "unknown fraud type",
        _when(2, {"fraud_types": ["bank"]}),
        ("step 'report'", "field 'when', condition 1, field 'fraud_types'", "unknown value 'bank'"),
    ),
    (
        "unknown payment method",
        _when(1, {"payment_methods": ["cheque"]}),
        ("field 'payment_methods'", "unknown value 'cheque'", "unknown"),
    ),
    ("unknown channel", _when(1, {"channels": ["fax"]}), ("field 'channels'", "'fax'")),
    ("unknown age band", _when(1, {"age_bands": ["70-79"]}), ("field 'age_bands'", "'70-79'")),
    (
        "fraud types not a list",
        _when(1, {"fraud_types": "purchase"}),
        ("field 'fraud_types'", "list"),
    ),
    ("unknown condition", _when(1, {"fraud_type": ["purchase"]}), ("unknown field 'fraud_type'",)),
    ("empty condition", _when(1, {}), ("condition 1", "empty condition", "when: always")),
    ("when not a list", _step(1, when="sometimes"), ("field 'when'", "non-empty list")),
    ("negative hours", _when(1, {"within_hours": -1}), ("field 'within_hours'", "positive number")),
    (
        "hours as text",
        _when(1, {"after_hours": "soon"}),
        ("field 'after_hours'", "positive number"),
    ),
    (
        "an empty window",
        _when(1, {"within_hours": 24, "after_hours": 48}),
        ("field 'after_hours'", "less than within_hours"),
    ),
    ("paid as text", _when(1, {"paid": "yes"}), ("field 'paid'", "true or false")),
    (
        "a contradiction",
        _when(1, {"paid": False, "payment_methods": ["transfer"]}),
        ("field 'paid'", "contradicts payment_methods"),
    ),
    (
        "aangifte as number",
        _when(1, {"aangifte_made": 1}),
        ("field 'aangifte_made'", "true or false"),
    ),
    (
        "supersedes unknown",
        _step(0, supersedes=["ask"]),
        ("field 'supersedes'", "unknown step 'ask'"),
    ),
    ("supersedes itself", _step(0, supersedes=["call-bank-now"]), ("cannot supersede itself",)),
    (
        "a chain",
        _step(1, supersedes=["report"]),
        ("step 'call-bank-now'", "'ask-refund' supersedes other steps itself"),
    ),
    ("supersedes not a list", _step(0, supersedes="ask-refund"), ("list of step ids",)),
    (
        "contact without a way",
        _contact_without("phone", "url"),
        ("contact 'helpdesk'", "phone number, a web address or both"),
    ),
    (
        "plain http",
        _contact(url="http://www.fraudehelpdesk.nl"),
        ("field 'url'", "not an https:// address"),
    ),
    ("phone as words", _contact(phone="call us"), ("field 'phone'", "not a phone number")),
    (
        "contact without English",
        _contact_without("en"),
        ("contact 'helpdesk'", "field 'en'"),
    ),
    ("no steps", lambda d: d.update(steps=[]), ("field 'steps'", "non-empty list")),
    ("unknown section", lambda d: d.update(version=2), ("unknown field 'version'",)),
]


@pytest.mark.parametrize(
    ("change", "expected"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN]
)
def test_a_broken_file_names_the_step_and_the_field(
    tmp_path: Path, change: Callable[[Document], object], expected: tuple[str, ...]
) -> None:
    with pytest.raises(RulesError) as caught:
        load_rules(write(tmp_path, changed(change)))
    message = str(caught.value)
    assert message.startswith("rules.yaml")
    for part in expected:
        assert part in message, message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("steps: [\n", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping, found list"),
        ("", "expected a mapping, found NoneType"),
        (
            "steps:\n  - id: a\n    nl: Een\n    nl: Twee\n",
            "the key 'nl' appears twice",
        ),
    ],
)
def test_a_file_that_is_not_a_rules_file(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    with pytest.raises(RulesError, match=expected):
        load_rules(path)


def test_a_duplicate_key_error_says_where(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("steps:\n  - id: a\n    nl: Een\n    nl: Twee\n")
    with pytest.raises(RulesError, match="line 4"):
        load_rules(path)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read the rules"):
        load_rules(tmp_path / "nowhere.yaml")


def test_a_contact_name_may_be_the_same_in_every_language(tmp_path: Path) -> None:
    document = changed(_contact(en="Fraudehelpdesk"))
    book = load_rules(write(tmp_path, document))
    assert book.contacts["helpdesk"].names == {"nl": "Fraudehelpdesk", "en": "Fraudehelpdesk"}
