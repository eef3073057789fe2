"""Demo reports: a few thousand realistic, deterministic victims' reports, in the API's shape.

The mix follows what the letter says of the field: bank-helpdesk fraud hits older people most
(more than half of its victims are 70 or older), purchase fraud is the most common, investment
fraud costs the most. Reports share identifiers the way real ones do: planted **mule
networks** (a few accounts and phone numbers behind many victims) for the networks work to
find, and common values (the marketplace's own domain) that must *not* link unrelated reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from random import Random
from typing import Any, Final

from schwifty import IBAN

from fraudlink.reports.regions import ranges
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType, PaymentMethod, Region

SEED: Final = 20251
REPORTS: Final = 3000
NETWORKS: Final = 12
FIRST_DAY: Final = datetime(2024, 1, 1, tzinfo=UTC)
DAYS: Final = 1050  # to mid November 2026, so that no report lies in the future
BANK_CODES: Final = ("ABNA", "INGB", "RABO", "SNSB", "ASNB", "RBRB", "BUNQ", "TRIO", "KNAB")
MULE_BANK_CODES: Final = (*BANK_CODES, "BUNQ", "KNAB", "MLLE")  # newer banks a little likelier

# (share of reports, channels, methods, euro range) per fraud type.
PROFILES: Final[
    dict[FraudType, tuple[float, tuple[Channel, ...], tuple[PaymentMethod, ...], tuple[int, int]]]
] = {
    FraudType.PURCHASE: (
        0.26,
        (Channel.MARKETPLACE, Channel.WEBSITE, Channel.SOCIAL_MEDIA),
        (PaymentMethod.TRANSFER, PaymentMethod.IDEAL),
        (20, 900),
    ),
    FraudType.BANK_HELPDESK: (
        0.16,
        (Channel.PHONE_CALL, Channel.SMS),
        (PaymentMethod.INSTANT, PaymentMethod.TRANSFER),
        (500, 25_000),
    ),
    FraudType.PHISHING: (
        0.14,
        (Channel.SMS, Channel.EMAIL, Channel.WHATSAPP),
        (PaymentMethod.TRANSFER, PaymentMethod.IDEAL),
        (150, 6_000),
    ),
    FraudType.FRIEND_IN_NEED: (
        0.11,
        (Channel.WHATSAPP, Channel.SMS),
        (PaymentMethod.INSTANT, PaymentMethod.TRANSFER),
        (300, 3_000),
    ),
    FraudType.SALE: (
        0.09,
        (Channel.MARKETPLACE,),
        (PaymentMethod.IDEAL, PaymentMethod.TRANSFER),
        (200, 3_000),
    ),
    FraudType.INVESTMENT: (
        0.07,
        (Channel.SOCIAL_MEDIA, Channel.WEBSITE, Channel.PHONE_CALL),
        (PaymentMethod.CRYPTO, PaymentMethod.TRANSFER),
        (1_000, 60_000),
    ),
    FraudType.ROMANCE: (
        0.05,
        (Channel.DATING_APP, Channel.SOCIAL_MEDIA),
        (PaymentMethod.TRANSFER, PaymentMethod.GIFT_CARD),
        (200, 15_000),
    ),
    FraudType.IDENTITY: (0.04, (Channel.EMAIL, Channel.WEBSITE, Channel.IN_PERSON), (), (0, 0)),
    FraudType.INVOICE: (0.03, (Channel.EMAIL,), (PaymentMethod.TRANSFER,), (800, 20_000)),
    FraudType.MULE_RECRUITMENT: (0.02, (Channel.SOCIAL_MEDIA, Channel.WHATSAPP), (), (0, 0)),
    FraudType.OTHER: (0.03, tuple(Channel), tuple(PaymentMethod), (10, 2_000)),
}
# Age bands (under 18 … 70+) per fraud type; bank-helpdesk victims are mostly older.
AGES: Final[dict[FraudType, tuple[int, ...]]] = {
    FraudType.BANK_HELPDESK: (0, 2, 8, 25, 65),
    FraudType.FRIEND_IN_NEED: (0, 4, 16, 45, 35),
    FraudType.INVESTMENT: (0, 22, 38, 28, 12),
    FraudType.ROMANCE: (0, 10, 30, 40, 20),
    FraudType.MULE_RECRUITMENT: (30, 55, 12, 3, 0),
}
DEFAULT_AGES: Final = (5, 27, 33, 23, 12)
# Four in five victims give a postcode; where they live follows the population (thousands,
# CBS, 1 January 2024), so the figures by region look like the country.
POSTCODE_SHARE: Final = 0.8
POPULATION: Final[dict[Region, int]] = {
    Region.ZUID_HOLLAND: 3804,
    Region.NOORD_HOLLAND: 2952,
    Region.NOORD_BRABANT: 2626,
    Region.GELDERLAND: 2133,
    Region.UTRECHT: 1391,
    Region.OVERIJSSEL: 1184,
    Region.LIMBURG: 1118,
    Region.FRIESLAND: 659,
    Region.GRONINGEN: 596,
    Region.DRENTHE: 499,
    Region.FLEVOLAND: 444,
    Region.ZEELAND: 391,
}
NARRATIVES: Final[dict[FraudType, tuple[str, ...]]] = {
    FraudType.PURCHASE: (
        "Ik kocht een {item} via Marktplaats en betaalde vooruit. De verkoper reageert niet meer.",
        "Besteld bij een webwinkel: {item}. Nooit geleverd en de site is weg.",
        "Paid for a {item} on a selling site, it never arrived and the seller blocked me.",
    ),
    FraudType.BANK_HELPDESK: (
        "Een medewerker van de bank belde: mijn rekening was gehackt en ik moest mijn geld naar een veilige rekening overmaken.",
        "Ik werd gebeld door de fraudeafdeling van mijn bank, het nummer klopte. Ik heb {amount} euro overgemaakt.",
        "Someone from the bank called about suspicious payments and told me to move my savings to a safe account.",
    ),
    FraudType.PHISHING: (
        "Ik kreeg een sms dat mijn pakketje niet bezorgd kon worden. Via de link moest ik betalen, daarna was er geld weg.",
        "Mail van de 'bank' dat mijn pas verliep. Ik heb ingelogd via de link en toen werd er {amount} euro afgeschreven.",
    ),
    FraudType.FRIEND_IN_NEED: (
        "Hoi mam, dit is mijn nieuwe nummer. Mijn telefoon is kapot, kun je even een rekening betalen? Ik heb {amount} euro overgemaakt.",
        "WhatsApp van mijn 'dochter' met een nieuw nummer die dringend geld nodig had.",
    ),
    FraudType.SALE: (
        "Ik verkocht mijn {item}. De koper stuurde een Tikkie van 0,01 euro ter verificatie en daarna was mijn rekening leeg.",
        "Koper wilde via een koerier betalen en stuurde een link met een QR-code. Toen ging er {amount} euro van mijn rekening.",
    ),
    FraudType.INVESTMENT: (
        "Via een advertentie ging ik beleggen in crypto. Het platform liet mooie winst zien maar ik kan niets opnemen.",
        "A trading platform promised high returns on bitcoin. I invested {amount} euro and now they ask for fees to withdraw.",
    ),
    FraudType.ROMANCE: (
        "Ik leerde iemand kennen op een datingsite. Na weken vroeg hij geld voor een ticket om naar mij toe te komen.",
        "We hadden een relatie online. Ze had geld nodig voor het ziekenhuis en ik heb meerdere keren betaald.",
    ),
    FraudType.IDENTITY: (
        "Er is een telefoonabonnement op mijn naam afgesloten. Ik heb mijn identiteitsbewijs ooit naar een verhuurder gestuurd.",
        "Someone opened an account in my name with a copy of my passport.",
    ),
    FraudType.INVOICE: (
        "Een leverancier mailde dat het rekeningnummer gewijzigd was. We hebben de factuur van {amount} euro op het nieuwe nummer betaald.",
        "Mail van de directeur dat ik dringend een betaling moest doen voor een overname.",
    ),
    FraudType.MULE_RECRUITMENT: (
        "Via Instagram vroeg iemand of ik snel geld wilde verdienen door mijn pinpas uit te lenen.",
        "Ze boden 500 euro als ik geld via mijn rekening wilde doorsturen.",
    ),
    FraudType.OTHER: ("Ik ben opgelicht maar weet niet precies hoe.",),
}
ITEMS: Final = (
    "fiets",
    "PlayStation",
    "iPhone",
    "bank",
    "kinderwagen",
    "concertkaartjes",
    "laptop",
)
SPOOFED_BANK_NUMBERS: Final = ("+31202288800", "+31302160000", "+31107114000")
# Mobile blocks of the demo operators (demo/partners.toml), so reported numbers reach them.
MOBILE_BLOCKS: Final = (
    "+31612", "+31613", "+31622", "+31623", "+31653", "+31610", "+31615", "+31620",
    "+31621", "+31654", "+31614", "+31624", "+31628", "+31634", "+31641",
)  # fmt: skip


def _mobile(random: Random) -> str:
    return f"{random.choice(MOBILE_BLOCKS)}{random.randint(0, 999_999):06d}"


def _wallet(random: Random) -> str:
    """An Ethereum address (all lower case is valid: no checksum to get right)."""
    return f"0x{random.getrandbits(160):040x}"


def _iban(bank_code: str, account: int) -> str:
    return IBAN.generate("NL", bank_code=bank_code, account_code=f"{account:010d}").compact


@dataclass(frozen=True)
class Network:
    """A planted mule network: its accounts and phone numbers turn up in many reports."""

    fraud_type: FraudType
    accounts: tuple[str, ...]
    phones: tuple[str, ...]
    domain: str | None
    wallet: str


def planted_networks(random: Random) -> list[Network]:
    kinds = [FraudType.BANK_HELPDESK, FraudType.PURCHASE, FraudType.FRIEND_IN_NEED,
             FraudType.PHISHING, FraudType.INVESTMENT, FraudType.SALE]  # fmt: skip
    networks = []
    for number in range(NETWORKS):
        fraud_type = kinds[number % len(kinds)]
        accounts = tuple(
            _iban(random.choice(MULE_BANK_CODES), 7_000_000 + number * 100 + index)
            for index in range(random.randint(3, 6))
        )
        phones = tuple(_mobile(random) for _ in range(2))
        domain = f"voordeel-{number}-shop.nl" if fraud_type is FraudType.PURCHASE else None
        networks.append(Network(fraud_type, accounts, phones, domain, _wallet(random)))
    return networks


def demo_reports(count: int = REPORTS, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """``count`` reports in the shape of POST /v1/reports, the same on every run."""
    random = Random(seed)
    # Postcodes come from a generator of their own: drawing them from ``random`` would shift
    # every value drawn after them, and with it the demo's planted networks and counts.
    places = Random(f"{seed}:postcodes")
    networks = planted_networks(random)
    types = list(PROFILES)
    weights = [PROFILES[kind][0] for kind in types]
    for number in range(1, count + 1):
        fraud_type = random.choices(types, weights)[0]
        network = next(
            (
                found
                for found in networks
                if found.fraud_type is fraud_type and random.random() < 0.12
            ),
            None,
        )
        yield _report(random, number, fraud_type, network) | {"postcode": _postcode(places)}


def _report(
    random: Random, number: int, fraud_type: FraudType, network: Network | None
) -> dict[str, Any]:
    _, channels, methods, (low, high) = PROFILES[fraud_type]
    occurred_at = FIRST_DAY + timedelta(days=random.uniform(0, DAYS))
    reported_at = occurred_at + timedelta(hours=random.choice((1, 2, 5, 20, 48, 150)))
    payments = []
    if methods and random.random() < 0.9:
        for _ in range(
            random.choice((1, 1, 1, 2, 3)) if fraud_type is not FraudType.PURCHASE else 1
        ):
            amount = random.randint(low, high) * 100 + random.choice((0, 0, 50, 99))
            method = random.choice(methods)
            payment: dict[str, Any] = {
                "amount_cents": amount,
                "method": method.value,
                "paid_on": (occurred_at + timedelta(hours=random.randint(0, 30)))
                .date()
                .isoformat(),
            }
            if method is PaymentMethod.CRYPTO:
                payment["beneficiary_wallet"] = network.wallet if network else _wallet(random)
            elif method is not PaymentMethod.GIFT_CARD:
                payment["beneficiary_iban"] = (
                    random.choice(network.accounts)
                    if network
                    else _iban(random.choice(MULE_BANK_CODES), random.randint(1, 9_999_999))
                )
            payments.append(payment)
    identifiers = _identifiers(random, fraud_type, network)
    ages = AGES.get(fraud_type, DEFAULT_AGES)
    total = sum(payment["amount_cents"] for payment in payments)
    narrative = random.choice(NARRATIVES[fraud_type]).format(
        item=random.choice(ITEMS), amount=f"{total // 100:,}".replace(",", ".")
    )
    return {
        "external_id": f"demo-{number:06d}",
        # Unsure victims: the type of one report in six is left to the classifier.
        "fraud_type": None if random.random() < 1 / 6 else fraud_type.value,
        "channel": random.choice(channels).value,
        "occurred_at": occurred_at.isoformat(),
        "reported_at": reported_at.isoformat(),
        "payments": payments,
        "identifiers": identifiers,
        "victim_iban": _iban(random.choice(BANK_CODES), 1_000_000 + number)
        if random.random() < 0.6
        else None,
        "age_band": random.choices(list(AgeBand), ages)[0].value,
        "aangifte_made": random.random() < 0.35,
        "aangifte_wanted": random.random() < 0.2,
        "contact_consent": random.random() < 0.7,
        "narrative": narrative,
    }


def _postcode(random: Random) -> str | None:
    """The four digits of a victim's postcode, in a province drawn by its population."""
    if random.random() >= POSTCODE_SHARE:
        return None
    region = random.choices(list(POPULATION), list(POPULATION.values()))[0]
    return str(random.choice(_areas(region)))


@cache
def _areas(region: Region) -> tuple[int, ...]:
    return tuple(
        area
        for span in ranges()
        if span.region is region
        for area in range(span.first, span.last + 1)
    )


def _identifiers(
    random: Random, fraud_type: FraudType, network: Network | None
) -> list[dict[str, str]]:
    identifiers: list[dict[str, str]] = []
    if network:
        identifiers.append({"value": random.choice(network.phones)})
        if network.domain:
            identifiers.append({"value": f"https://www.{network.domain}/aanbieding"})
    elif random.random() < 0.6:
        identifiers.append({"value": _mobile(random)})
    if fraud_type is FraudType.BANK_HELPDESK and random.random() < 0.5:
        identifiers.append({"value": random.choice(SPOOFED_BANK_NUMBERS)})
    if fraud_type in {FraudType.PURCHASE, FraudType.SALE} and random.random() < 0.4:
        # The marketplace's own address: common to many unrelated reports, never a link.
        identifiers.append({"value": "https://www.marktplaats.nl/v/fietsen"})
        identifiers.append({"value": f"verkoper{random.randint(100, 99_999)}", "kind": "username"})
    if fraud_type is FraudType.PHISHING:
        identifiers.append(
            {
                "value": f"https://mijn-{random.choice(('ing', 'rabo', 'abn'))}-verificatie{random.randint(1, 400)}.com/login"
            }
        )
    return identifiers
