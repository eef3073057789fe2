"""The plan per situation: the vuistregels' promises, rule by rule, and their invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fraudlink.advice import service
from fraudlink.advice.service import Situation, Step, Urgency, all_steps, plan
from fraudlink.i18n import LANGUAGES, Language
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType, PaymentMethod
from tests.advice.situations import grid

EVERYONE = ("keep-evidence", "report-to-fraudehelpdesk", "victim-support")
TRANSFER = frozenset({PaymentMethod.TRANSFER})
GRID = grid()


def ids(situation: Situation, language: Language = "nl") -> list[str]:
    return [step.id for step in plan(situation, language)]


def by_id(steps: list[Step]) -> dict[str, Step]:
    return {step.id: step for step in steps}


situations = st.builds(
    Situation,
    fraud_type=st.sampled_from(FraudType),
    hours_since=st.none() | st.floats(min_value=0, max_value=24 * 365 * 10),
    paid=st.booleans(),
    payment_methods=st.frozensets(st.sampled_from(PaymentMethod)),
    channel=st.none() | st.sampled_from(Channel),
    age_band=st.none() | st.sampled_from(AgeBand),
    aangifte_made=st.booleans(),
)


# What every plan has


@pytest.mark.parametrize("fraud_type", FraudType)
@pytest.mark.parametrize("paid", [False, True])
def test_every_type_gets_evidence_the_fraudehelpdesk_and_victim_support(
    fraud_type: FraudType, paid: bool
) -> None:
    steps = by_id(plan(Situation(fraud_type, paid=paid)))
    assert set(EVERYONE) <= set(steps)
    fraudehelpdesk = steps["report-to-fraudehelpdesk"].contact
    assert fraudehelpdesk is not None
    assert fraudehelpdesk.phone == "088-786 73 72"
    assert fraudehelpdesk.url == "https://www.fraudehelpdesk.nl"
    victim_support = steps["victim-support"].contact
    assert victim_support is not None
    assert victim_support.phone == "0900-0101"


@given(situations)
def test_a_plan_is_ordered_by_urgency_then_priority_without_duplicates(
    situation: Situation,
) -> None:
    steps = plan(situation)
    step_ids = [step.id for step in steps]
    assert len(step_ids) == len(set(step_ids))
    keys = [service.step(step_id).sort_key for step_id in step_ids]
    assert keys == sorted(keys)
    assert set(EVERYONE) <= set(step_ids)


@given(situations)
def test_both_languages_give_the_same_steps_in_different_words(situation: Situation) -> None:
    dutch, english = plan(situation, "nl"), plan(situation, "en")
    assert [step.id for step in dutch] == [step.id for step in english]
    for nl, en in zip(dutch, english, strict=True):
        assert nl.text.strip()
        assert en.text.strip()
        assert nl.text != en.text
        assert nl.urgency == en.urgency


@pytest.mark.parametrize("situation", GRID[:: len(GRID) // 200])
def test_now_comes_before_today_before_this_week(situation: Situation) -> None:
    ranks = [step.urgency.rank for step in plan(situation)]
    assert ranks == sorted(ranks)
    assert [urgency.rank for urgency in Urgency] == [0, 1, 2]


def test_every_step_applies_to_some_situation() -> None:
    """A rule that no situation reaches is dead advice: a typo in its conditions, most likely."""
    reached = {step_id for situation in GRID for step_id in ids(situation)}
    assert sorted({rule.id for rule in all_steps()} - reached) == []


@pytest.mark.parametrize("fraud_type", [kind for kind in FraudType if kind != FraudType.OTHER])
def test_every_named_type_gets_advice_of_its_own(fraud_type: FraudType) -> None:
    generic = set(ids(Situation(FraudType.OTHER, paid=True)))
    own = set(ids(Situation(fraud_type, paid=True))) - generic
    assert own, f"{fraud_type} gets only the generic advice"


# Bank-helpdesk fraud: the call to the bank first, while the money may still be there


@pytest.mark.parametrize("hours", [0.0, 0.5, 2.0, 24.0, 72.0, None])
@pytest.mark.parametrize(
    ("paid", "methods"),
    [(False, frozenset()), (True, frozenset()), (True, frozenset({PaymentMethod.INSTANT}))],
)
def test_bank_helpdesk_fraud_starts_with_calling_the_bank_now(
    hours: float | None, paid: bool, methods: frozenset[PaymentMethod]
) -> None:
    situation = Situation(
        FraudType.BANK_HELPDESK, hours_since=hours, paid=paid, payment_methods=methods
    )
    steps = plan(situation)
    assert steps[0].id == "call-bank-now"
    assert steps[0].urgency is Urgency.NOW
    assert "nummer op uw bankpas" in steps[0].text
    assert "terugbetalingsverzoek" in steps[0].text
    english = plan(situation, "en")[0].text
    assert "number on your bank card" in english
    step_ids = [step.id for step in steps]
    assert {"hang-up-call-back", "block-bank-access"} <= set(step_ids)
    assert "ask-bank-refund-request" not in step_ids  # the call now replaces it


@pytest.mark.parametrize("hours", [72.5, 100.0, 1000.0])
def test_after_three_days_the_instant_recall_gives_way_to_a_refund_request(hours: float) -> None:
    steps = plan(Situation(FraudType.BANK_HELPDESK, hours_since=hours, payment_methods=TRANSFER))
    step_ids = [step.id for step in steps]
    assert "call-bank-now" not in step_ids
    refund = by_id(steps)["ask-bank-refund-request"]
    assert refund.urgency is Urgency.TODAY
    # Blocking cards and access still cannot wait; the fake caller may still call.
    assert step_ids[:2] == ["block-bank-access", "hang-up-call-back"]


def test_an_unknown_time_keeps_the_call_now() -> None:
    """A needless call costs minutes; a missed one can cost the money."""
    assert ids(Situation(FraudType.PURCHASE, payment_methods=TRANSFER))[0] == "call-bank-now"
    assert ids(Situation(FraudType.PURCHASE, paid=True))[0] == "call-bank-now"


def test_call_bank_now_and_the_refund_request_never_appear_together() -> None:
    for situation in GRID:
        assert not {"call-bank-now", "ask-bank-refund-request"} <= set(ids(situation))


def test_money_that_left_by_card_or_cash_is_not_recalled_by_a_transfer_recall() -> None:
    for methods in ({PaymentMethod.CARD}, {PaymentMethod.CASH}):
        step_ids = ids(
            Situation(FraudType.PURCHASE, hours_since=1, payment_methods=frozenset(methods))
        )
        assert "call-bank-now" not in step_ids
        assert "ask-bank-refund-request" not in step_ids


# Purchase and sale fraud


def test_purchase_fraud_leads_to_aangifte_and_the_banks_recovery_procedure() -> None:
    steps = by_id(plan(Situation(FraudType.PURCHASE, hours_since=200, payment_methods=TRANSFER)))
    assert steps["report-to-police-online"].urgency is Urgency.TODAY
    police = steps["report-to-police-online"].contact
    assert police is not None
    assert police.phone == "0900-8844"
    assert police.url is not None
    assert police.url.startswith("https://www.politie.nl/")
    assert "terugbetalingsverzoek" in steps["ask-bank-refund-request"].text
    assert "PNBF" in steps["ask-bank-name-and-address"].text


def test_purchase_by_card_asks_for_a_chargeback() -> None:
    step_ids = ids(Situation(FraudType.PURCHASE, payment_methods=frozenset({PaymentMethod.CARD})))
    assert "card-chargeback" in step_ids


def test_nothing_paid_for_a_purchase_means_no_police_and_no_bank() -> None:
    step_ids = set(ids(Situation(FraudType.PURCHASE, hours_since=1)))
    assert not step_ids & {"report-to-police-online", "call-bank-now", "ask-bank-refund-request"}


def test_payment_methods_imply_that_money_was_paid() -> None:
    assert ids(Situation(FraudType.PURCHASE, payment_methods=TRANSFER)) == ids(
        Situation(FraudType.PURCHASE, paid=True, payment_methods=TRANSFER)
    )


def test_sale_fraud_calls_the_bank_and_changes_credentials() -> None:
    step_ids = ids(Situation(FraudType.SALE, hours_since=1))
    assert step_ids[0] == "block-bank-access"
    assert {"change-passwords", "report-to-police-online"} <= set(step_ids)


@pytest.mark.parametrize(
    ("channel", "reported"),
    [
        (Channel.MARKETPLACE, True),
        (Channel.SOCIAL_MEDIA, True),
        (Channel.WEBSITE, False),
        (None, False),
    ],
)
def test_a_marketplace_scam_is_reported_to_the_platform(
    channel: Channel | None, reported: bool
) -> None:
    step_ids = ids(Situation(FraudType.PURCHASE, paid=True, channel=channel))
    assert ("report-to-platform" in step_ids) is reported


# Police report already made


@pytest.mark.parametrize(
    "fraud_type", [FraudType.PURCHASE, FraudType.BANK_HELPDESK, FraudType.IDENTITY]
)
def test_an_aangifte_made_is_not_asked_for_again(fraud_type: FraudType) -> None:
    before = set(ids(Situation(fraud_type, paid=True)))
    after = set(ids(Situation(fraud_type, paid=True, aangifte_made=True)))
    assert before & {"report-to-police", "report-to-police-online"}
    assert not after & {"report-to-police", "report-to-police-online"}
    assert "keep-aangifte-number" in after


# The other types


def test_identity_fraud_points_to_the_cmi_and_the_id_document() -> None:
    steps = by_id(plan(Situation(FraudType.IDENTITY)))
    cmi = steps["report-to-cmi"].contact
    assert cmi is not None
    assert cmi.name == "Centraal Meldpunt Identiteitsfraude (CMI)"
    assert cmi.phone == "088-900 10 00"
    assert cmi.url == "https://www.rvig.nl/centraal-meldpunt-identiteitsfraude"
    assert "block-id-document" in steps
    assert "change-passwords" in steps


@pytest.mark.parametrize("language", LANGUAGES)
def test_investment_fraud_warns_against_recovery_scammers(language: Language) -> None:
    steps = by_id(plan(Situation(FraudType.INVESTMENT, paid=True), language))
    warning = steps["beware-recovery-scams"].text
    assert ("eerst betaalt" if language == "nl" else "pay first") in warning
    assert {"stop-paying", "report-to-afm"} <= set(steps)
    afm = steps["report-to-afm"].contact
    assert afm is not None
    assert afm.url == "https://www.afm.nl"


def test_friend_in_need_fraud_warns_contacts_and_calls_the_known_number() -> None:
    step_ids = ids(Situation(FraudType.FRIEND_IN_NEED, paid=True))
    assert {
        "call-friend-on-known-number",
        "warn-family-and-friends",
        "block-scammer-number",
    } <= set(step_ids)


def test_romance_fraud_stops_paying_and_talks_to_someone_trusted() -> None:
    step_ids = ids(Situation(FraudType.ROMANCE, paid=True))
    assert {"stop-paying", "talk-to-someone-you-trust", "beware-recovery-scams"} <= set(step_ids)


def test_phishing_changes_passwords_and_blocks_bank_access() -> None:
    step_ids = ids(Situation(FraudType.PHISHING))
    assert {"change-passwords", "block-bank-access"} <= set(step_ids)


def test_invoice_fraud_verifies_by_phone_and_warns_colleagues() -> None:
    step_ids = ids(Situation(FraudType.INVOICE, hours_since=1, payment_methods=TRANSFER))
    assert step_ids[0] == "call-bank-now"
    assert {"verify-invoice-by-phone", "warn-colleagues", "report-to-police"} <= set(step_ids)


def test_a_recruited_money_mule_is_told_to_stop() -> None:
    assert ids(Situation(FraudType.MULE_RECRUITMENT))[0] == "stop-as-money-mule"


@pytest.mark.parametrize(
    ("method", "step_id"),
    [
        (PaymentMethod.CRYPTO, "report-crypto-wallet"),
        (PaymentMethod.GIFT_CARD, "report-gift-card-codes"),
    ],
)
@pytest.mark.parametrize(
    "fraud_type", [FraudType.INVESTMENT, FraudType.BANK_HELPDESK, FraudType.OTHER]
)
def test_crypto_and_gift_cards_say_recovery_is_hard_and_report_quickly(
    method: PaymentMethod, step_id: str, fraud_type: FraudType
) -> None:
    steps = by_id(plan(Situation(fraud_type, payment_methods=frozenset({method}))))
    assert steps[step_id].urgency is Urgency.NOW
    assert "moeilijk terug te krijgen" in steps[step_id].text


def test_crypto_payments_warn_against_recovery_scammers_whatever_the_type() -> None:
    assert "beware-recovery-scams" in ids(
        Situation(FraudType.OTHER, payment_methods=frozenset({PaymentMethod.CRYPTO}))
    )


def test_older_victims_are_asked_to_involve_someone_they_trust() -> None:
    assert "talk-to-someone-you-trust" in ids(
        Situation(FraudType.PURCHASE, age_band=AgeBand.FROM_70)
    )
    assert "talk-to-someone-you-trust" not in ids(
        Situation(FraudType.PURCHASE, age_band=AgeBand.FROM_30_TO_49)
    )


@pytest.mark.parametrize("channel", [Channel.PHONE_CALL, Channel.SMS, Channel.WHATSAPP])
def test_a_scammers_number_is_blocked(channel: Channel) -> None:
    assert "block-scammer-number" in ids(Situation(FraudType.OTHER, channel=channel))


# What other domains use


def test_all_steps_are_in_plan_order_and_have_both_languages() -> None:
    steps = all_steps()
    assert [rule.sort_key for rule in steps] == sorted(rule.sort_key for rule in steps)
    assert len({rule.id for rule in steps}) == len(steps)
    for rule in steps:
        texts = [rule.text(language) for language in LANGUAGES]
        assert all(texts)
        assert len(set(texts)) == len(texts)


def test_a_stored_plan_comes_back_in_its_order_and_any_language() -> None:
    stored = ids(Situation(FraudType.BANK_HELPDESK, hours_since=2, paid=True))
    again = service.steps_by_id([*stored, "a-step-that-was-removed"], "en")
    assert [step.id for step in again] == stored
    assert again == plan(Situation(FraudType.BANK_HELPDESK, hours_since=2, paid=True), "en")


def test_a_step_as_the_api_shows_it() -> None:
    steps = by_id(plan(Situation(FraudType.PURCHASE, paid=True), "en"))
    assert steps["report-to-fraudehelpdesk"].as_dict() == {
        "id": "report-to-fraudehelpdesk",
        "urgency": "today",
        "text": steps["report-to-fraudehelpdesk"].text,
        "contact": {
            "name": "Fraud Helpdesk (Fraudehelpdesk)",
            "phone": "088-786 73 72",
            "url": "https://www.fraudehelpdesk.nl",
        },
    }
    assert steps["keep-evidence"].as_dict()["contact"] is None


def test_the_rules_version_is_a_short_hash_of_the_file() -> None:
    version = service.rules_version()
    assert len(version) == 12
    assert int(version, 16) >= 0
    assert version == service.load_rules(service.RULES_FILE).version


def test_an_unknown_step_id_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        service.step("no-such-step")
