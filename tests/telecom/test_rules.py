"""The call rules and the sender-name rules on their own, without a database: every rule, every
origin, and the order in which verdicts win."""

from __future__ import annotations

import pytest

from fraudlink.errors import InvalidInput
from fraudlink.identifiers import IdentifierKind, parse
from fraudlink.telecom import rules, senders
from fraudlink.telecom.rules import Protection
from fraudlink.telecom.vocabulary import CallOrigin, CallReason, Verdict, most_severe
from tests.telecom.screening import BANK_LINE, FOREIGN_NUMBER, KPN_LINE, ODIDO_MOBILE, POLICE_LINE

OWN, DOMESTIC = CallOrigin.OWN_NETWORK, CallOrigin.DOMESTIC_NETWORK
ABROAD = CallOrigin.INTERNATIONAL
KPN_ID, ODIDO_ID = 5, 6
DNO = CallReason.DO_NOT_ORIGINATE
PROTECTED_ABROAD = CallReason.PROTECTED_NUMBER_ABROAD
OUTSIDE = CallReason.PROTECTED_NUMBER_OUTSIDE_NETWORK
FIXED_ABROAD = CallReason.DOMESTIC_NUMBER_ABROAD
MOBILE_ABROAD = CallReason.MOBILE_NUMBER_ABROAD
REPORTED = CallReason.REPORTED_FRAUD_NUMBER


def judge(
    number: str,
    origin: CallOrigin,
    *,
    protection: Protection | None = None,
    reported: bool = False,
    operator: int = KPN_ID,
) -> rules.Judgement:
    return rules.judge(
        parse(number, IdentifierKind.PHONE),
        origin=origin,
        operator_id=operator,
        protection=protection,
        reported=reported,
    )


@pytest.mark.parametrize(
    ("number", "origin", "protection", "reported", "verdict", "reasons"),
    [
        # Unprotected, unreported numbers from home are allowed, foreign ones from abroad too.
        (ODIDO_MOBILE, DOMESTIC, None, False, Verdict.ALLOW, ()),
        (BANK_LINE, OWN, None, False, Verdict.ALLOW, ()),
        (FOREIGN_NUMBER, ABROAD, None, False, Verdict.ALLOW, ()),
        # Dutch numbers from abroad: fixed, service and company numbers cannot; mobiles roam.
        (BANK_LINE, ABROAD, None, False, Verdict.BLOCK, (FIXED_ABROAD,)),
        ("+31887226767", ABROAD, None, False, Verdict.BLOCK, (FIXED_ABROAD,)),
        ("+318000024", ABROAD, None, False, Verdict.BLOCK, (FIXED_ABROAD,)),
        (ODIDO_MOBILE, ABROAD, None, False, Verdict.WARN, (MOBILE_ABROAD,)),
        # Do-not-originate, from anywhere.
        (POLICE_LINE, OWN, Protection(True, None), False, Verdict.BLOCK, (DNO,)),
        (POLICE_LINE, DOMESTIC, Protection(True, None), False, Verdict.BLOCK, (DNO,)),
        (
            POLICE_LINE,
            ABROAD,
            Protection(True, None),
            False,
            Verdict.BLOCK,
            (DNO, PROTECTED_ABROAD, FIXED_ABROAD),
        ),
        # A protected number that may call out, in no operator's range: only abroad is wrong.
        (BANK_LINE, DOMESTIC, Protection(False, None), False, Verdict.ALLOW, ()),
        (BANK_LINE, OWN, Protection(False, None), False, Verdict.ALLOW, ()),
        # In the asking operator's own range: it must come from the own network.
        (KPN_LINE, OWN, Protection(False, KPN_ID), False, Verdict.ALLOW, ()),
        (KPN_LINE, DOMESTIC, Protection(False, KPN_ID), False, Verdict.BLOCK, (OUTSIDE,)),
        (
            KPN_LINE,
            ABROAD,
            Protection(False, KPN_ID),
            False,
            Verdict.BLOCK,
            (PROTECTED_ABROAD, OUTSIDE, MOBILE_ABROAD),
        ),
        # In another operator's range: it cannot come from the asking operator's own network.
        (KPN_LINE, DOMESTIC, Protection(False, ODIDO_ID), False, Verdict.ALLOW, ()),
        (KPN_LINE, OWN, Protection(False, ODIDO_ID), False, Verdict.BLOCK, (OUTSIDE,)),
        # Reported numbers warn; a block found alongside wins and comes first.
        (ODIDO_MOBILE, DOMESTIC, None, True, Verdict.WARN, (REPORTED,)),
        (FOREIGN_NUMBER, ABROAD, None, True, Verdict.WARN, (REPORTED,)),
        (ODIDO_MOBILE, ABROAD, None, True, Verdict.WARN, (MOBILE_ABROAD, REPORTED)),
        (BANK_LINE, ABROAD, None, True, Verdict.BLOCK, (FIXED_ABROAD, REPORTED)),
    ],
)
def test_each_rule(
    number: str,
    origin: CallOrigin,
    protection: Protection | None,
    reported: bool,
    verdict: Verdict,
    reasons: tuple[CallReason, ...],
) -> None:
    judgement = judge(number, origin, protection=protection, reported=reported)
    assert (judgement.verdict, judgement.reasons) == (verdict, reasons)


def test_the_most_severe_verdict_wins() -> None:
    assert most_severe([]) is Verdict.ALLOW
    assert most_severe([Verdict.WARN, Verdict.ALLOW]) is Verdict.WARN
    assert most_severe([Verdict.WARN, Verdict.BLOCK, Verdict.ALLOW]) is Verdict.BLOCK
    assert [reason.verdict for reason in CallReason].count(Verdict.WARN) == 2


@pytest.mark.parametrize(
    ("name", "expected"),
    [("ING", "ING"), ("  Rabobank ", "Rabobank"), ("ABN AMRO", "ABN AMRO"), ("Ω-Bank", "Ω-Bank")],
)
def test_valid_sender_names(name: str, expected: str) -> None:
    assert senders.valid_name(name) == expected


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "sender_empty"),
        ("   ", "sender_empty"),
        ("Rabobank NL1", "sender_too_long"),
        ("ING€", "sender_character"),
        ("ING\u200b", "sender_character"),
        ("Ban{k}", "sender_character"),
        ("0900 8844", "sender_needs_letter"),
        ("112", "sender_needs_letter"),
    ],
)
def test_invalid_sender_names_are_explained(name: str, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        senders.valid_name(name)
    assert refused.value.message_key == f"telecom.{code}"
    assert refused.value.field == "name"


def test_an_invisible_character_is_named_by_its_code_point() -> None:
    with pytest.raises(InvalidInput) as refused:
        senders.valid_name("ING\u200b")
    assert "U+200B" in refused.value.message("en")


@pytest.mark.parametrize(
    "lookalike",
    [
        *("1NG", "lNG", "I.N.G", "ing", "I N G", "ING.", "-ING-"),
        "\u0130NG",  # a Turkish dotted capital I
        "\u0406NG",  # a Cyrillic I
        "\uff29\uff2e\uff27",  # full-width letters
    ],
)
def test_lookalikes_of_a_name_share_its_skeleton(lookalike: str) -> None:
    assert senders.skeleton(lookalike) == senders.skeleton("ING")


@pytest.mark.parametrize(
    ("lookalike", "name"),
    [
        ("RAB0BANK", "Rabobank"),
        ("Rabobarnk", "Rabobamk"),
        ("\u0410\u0412N \u0410\u041cR\u041e", "ABN AMRO"),  # Cyrillic
        ("VVehkamp", "Wehkamp"),
        ("B0L.C0M", "bol.com"),
        ("ASN 8ANK", "ASN Bank"),
        ("Snsbank", "SNS8ANK"),
    ],
)
def test_lookalike_characters(lookalike: str, name: str) -> None:
    assert senders.skeleton(lookalike) == senders.skeleton(name)


@pytest.mark.parametrize(("one", "other"), [("ING", "INGB"), ("ING", "KNAB"), ("bunq", "Bunq Pay")])
def test_different_names_do_not_look_alike(one: str, other: str) -> None:
    assert senders.skeleton(one) != senders.skeleton(other)


def test_routes_are_compared_in_capitals_and_checked() -> None:
    assert senders.valid_routes([" kpn-a2p", "KPN-A2P", "odido/a2p"]) == ["KPN-A2P", "ODIDO/A2P"]
    for bad in (["", " "], ["KPN,A2P"], ["x" * 33]):
        with pytest.raises(InvalidInput) as refused:
            senders.valid_routes(bad)
        assert refused.value.field == "routes"
    with pytest.raises(InvalidInput) as too_many:
        senders.valid_routes([f"ROUTE-{number}" for number in range(21)])
    assert too_many.value.message_key == "telecom.routes_too_many"
