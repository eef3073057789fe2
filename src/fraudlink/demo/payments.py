"""Demo payments: a labelled stream of realistic bank payments to backtest payment decisions on.

``fraudlink demo`` writes it to DATA_DIR/demo-payments.csv for ``fraudlink decisions backtest``.
About 20,000 payments in time order over the 60 days up to 1 February 2027, after every demo
report was made (so reports are known before the payments they should stop), the same on every
run. Each row is a payment as a bank would ask about it, with its truth (``label``,
``fraud_type``) beside it:

- **Genuine customers** (one per ten payments or so, at Dutch banks, with the age mix of bank
  customers) pay a handful of regular creditors again and again, each with its own typical amount
  (rent, energy, groceries, their own savings account, family), and now and then a webshop, a
  private seller, something abroad (German and Belgian accounts) or something large (a car, a
  holiday, a builder). Some pay while on the phone, a few just had a spoofed call blocked, some
  write a creditor's name a little differently: reasons to alarm that fire on genuine payments
  too, so that no single column separates fraud from the rest.
- **Bank-helpdesk fraud** (0.8% of payments): a "bank employee" on the phone, whom the operator
  often judged spoofed (a protected number from outside its network, a domestic number from
  abroad, a do-not-originate number), has a customer, more than half of them 70 or older, move
  1,000-25,000 euro to a "safe account": often several payments within minutes to one or two mules,
  under a name that does not fit the account ("Veilige rekening ING", a person's name).
- **Purchase fraud** (0.6%): a buyer of any age, not on a call, pays 20-900 euro to a mule.
- **Investment fraud** (0.3%): customers of 45 to 75 pay growing amounts (500-20,000 euro) over
  days, often abroad, sometimes while an "account manager" calls from a foreign mobile.

Most mule accounts (70%; 40% for investment fraud, which goes abroad) are accounts of the mule
networks the demo reports plant, so a reported IBAN catches them; the rest are accounts no report
names, which only the payment's circumstances can catch. ``new_creditor`` is true when the debtor
has not paid that account before in this stream, so a regular creditor's first payment in the
window counts as new, as it would for an engine that starts with this stream.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from operator import attrgetter
from pathlib import Path
from random import Random
from typing import Final

from schwifty import IBAN

from fraudlink.decisions.vocabulary import PaymentChannel
from fraudlink.demo.reports import (
    AGES,
    BANK_CODES,
    DEFAULT_AGES,
    MOBILE_BLOCKS,
    MULE_BANK_CODES,
    SEED,
    planted_networks,
)
from fraudlink.reports.vocabulary import AgeBand, FraudType
from fraudlink.telecom.vocabulary import CallReason

PAYMENTS: Final = 20_000
PAYMENTS_FILE: Final = "demo-payments.csv"
WINDOW_DAYS: Final = 60
# The whole window is winter time, so Dutch clock times are UTC+1 throughout.
CET: Final = timezone(timedelta(hours=1), "CET")
LAST_DAY: Final = datetime(2027, 2, 1, tzinfo=CET)
FIRST_PAYMENT_DAY: Final = LAST_DAY - timedelta(days=WINDOW_DAYS)

# The backtest's input format: other code reads these columns by name.
PAYMENT_COLUMNS: Final = (
    "id", "at", "amount_cents", "currency", "debtor_iban", "creditor_iban", "creditor_name",
    "channel", "debtor_age_band", "new_creditor", "debtor_phone", "on_call", "caller_reasons",
    "spoofed_call", "label", "fraud_type",
)  # fmt: skip
FRAUD_SHARES: Final = {
    FraudType.BANK_HELPDESK: 0.008,
    FraudType.PURCHASE: 0.006,
    FraudType.INVESTMENT: 0.003,
}
# Share of mule accounts taken from the reported networks; the rest are accounts nobody reported.
PLANTED_SHARE: Final = {
    FraudType.BANK_HELPDESK: 0.7,
    FraudType.PURCHASE: 0.7,
    FraudType.INVESTMENT: 0.4,
}
FRESH_MULE_REUSE: Final = 0.3  # an unreported mule serves several victims too
INVESTMENT_ABROAD: Final = 0.9  # of the unreported investment accounts
# Age weights in AgeBand order (under 18 … 70+); bank-helpdesk victims as in the demo reports.
CUSTOMER_AGES: Final = (3, 17, 32, 31, 17)
INVESTMENT_AGES: Final = (0, 0, 25, 60, 15)  # 45 to 75: the top of 30-49, 50-69, the start of 70+
BANK_SHARES: Final = (20, 33, 27, 6, 3, 3, 5, 1, 2)  # market share, in BANK_CODES order
HAS_PHONE: Final = 0.9  # customers whose bank knows their mobile number
NEW_ACCOUNT: Final = 1_000_000_000  # above the 7-digit accounts the demo reports name
# Weights in PaymentChannel order (online, mobile, branch, phone).
AGE_CHANNELS: Final = {
    AgeBand.UNDER_18: (10, 90, 0, 0),
    AgeBand.FROM_18_TO_29: (12, 87, 0.5, 0.5),
    AgeBand.FROM_30_TO_49: (25, 72, 1.5, 1.5),
    AgeBand.FROM_50_TO_69: (42, 52, 3, 3),
    AgeBand.FROM_70: (50, 28, 13, 9),
}
FRAUD_CHANNELS: Final = {
    FraudType.BANK_HELPDESK: (42, 50, 2, 6),  # in the app while the "bank" talks them through
    FraudType.PURCHASE: (30, 70, 0, 0),
    FraudType.INVESTMENT: (60, 38, 1, 1),
}
# Genuine payments that look like fraud in one respect: made on a call, after a blocked spoof,
# under another spelling of a known creditor's name.
GENUINE_ON_CALL: Final = 0.015
FAMILY_ON_CALL: Final = 0.1  # paying a relative while talking to them
LARGE_ON_CALL: Final = 0.2  # a car or a builder, paid while on the phone with the seller
CALLER_ABROAD: Final = 0.04  # of genuine calls: a relative or friend on holiday
GENUINE_SPOOFED: Final = 0.003
NAME_VARIANT: Final = 0.05
# Hour-of-day weights (0-23, Dutch time).
DAYTIME: Final = (1, 0.5, 0.3, 0.2, 0.2, 0.4, 1.5, 4, 7, 8, 8, 8,
                  9, 8, 7, 7, 7, 8, 9, 10, 10, 8, 5, 2)  # fmt: skip
OFFICE_HOURS: Final = (0, 0, 0, 0, 0, 0, 0, 1, 4, 9, 10, 10,
                       7, 9, 10, 9, 7, 4, 2, 1, 1, 0, 0, 0)  # fmt: skip
EVENINGS: Final = (2, 1, 0.5, 0.2, 0.2, 0.3, 1, 2, 3, 4, 4, 5,
                   6, 5, 5, 5, 6, 7, 9, 11, 12, 11, 8, 4)  # fmt: skip
PAY_DAYS: Final = (1, 2, 3, 23, 24, 25, 26, 27, 28)  # rent and bills follow the salary

# (name, country, how some payers write it) of companies that many customers pay.
Company = tuple[str, str, tuple[str, ...]]
COMPANIES: Final[dict[str, tuple[Company, ...]]] = {
    "housing": (
        ("Ymere", "NL", ("Stichting Ymere",)),
        ("Eigen Haard", "NL", ("Woonstichting Eigen Haard",)),
        ("Stadgenoot", "NL", ()),
        ("Woonstad Rotterdam", "NL", ("Woonstad",)),
        ("Portaal", "NL", ("Stichting Portaal",)),
        ("Mitros", "NL", ()),
        ("Staedion", "NL", ()),
        ("Lefier", "NL", ()),
    ),
    "energy": (
        ("Vattenfall", "NL", ("Vattenfall Klantenservice N.V.",)),
        ("Eneco", "NL", ("Eneco Consumenten B.V.",)),
        ("Essent", "NL", ("Essent Retail Energie B.V.",)),
        ("Greenchoice", "NL", ()),
        ("Budget Energie", "NL", ("BudgetEnergie",)),
        ("Vandebron", "NL", ()),
    ),
    "groceries": (
        ("Albert Heijn", "NL", ("AH Online", "Albert Heijn B.V.")),
        ("Jumbo", "NL", ("Jumbo Supermarkten B.V.",)),
        ("Picnic", "NL", ("Picnic B.V.",)),
        ("PLUS", "NL", ("Plus Retail",)),
        ("Crisp", "NL", ()),
    ),
    "webshop": (
        ("bol.com", "NL", ("bol.com b.v.", "Bol")),
        ("Coolblue", "NL", ("Coolblue B.V.",)),
        ("Wehkamp", "NL", ()),
        ("HEMA", "NL", ("HEMA B.V.",)),
        ("MediaMarkt", "NL", ("Media Markt",)),
        ("Thuisbezorgd.nl", "NL", ("Thuisbezorgd",)),
        ("Decathlon", "NL", ()),
        ("Praxis", "NL", ()),
        ("Kruidvat", "NL", ()),
    ),
    "webshop_abroad": (
        ("Zalando SE", "DE", ("Zalando",)),
        ("Otto GmbH", "DE", ("OTTO",)),
        ("Fnac Belgium", "BE", ("Fnac",)),
        ("Standaard Boekhandel", "BE", ()),
    ),
    "holiday": (
        ("TUI Nederland", "NL", ("TUI",)),
        ("Corendon", "NL", ("Corendon Vakanties",)),
        ("Center Parcs", "NL", ()),
        ("Landal GreenParks", "NL", ("Landal",)),
        ("Ferienpark Sauerland GmbH", "DE", ()),
        ("Sunparks De Haan", "BE", ("Sunparks",)),
    ),
}
FOREIGN_BANKS: Final = {
    "DE": ("10010010", "50010517", "37040044", "10070000"),
    "BE": ("001", "068", "310", "734"),
    "LT": ("32500",),
    "EE": ("77",),
    "CY": ("002",),
}
INVESTMENT_COUNTRIES: Final = ("LT", "EE", "CY", "DE")
BANK_NAMES: Final = {
    "ABNA": "ABN AMRO", "INGB": "ING", "RABO": "Rabobank", "SNSB": "SNS", "ASNB": "ASN Bank",
    "RBRB": "RegioBank", "BUNQ": "bunq", "TRIO": "Triodos", "KNAB": "Knab",
}  # fmt: skip
SAFE_ACCOUNTS: Final = (
    "Veilige rekening {bank}",
    "{bank} Veiligheidsdienst",
    "Kluisrekening {bank}",
    "Tijdelijke rekening {bank}",
    "Beveiligde spaarrekening",
    "{bank} Fraudeafdeling",
)
# The callers of bank-helpdesk fraud as the operator judged them, with weights: mostly a spoofed
# bank number; a quarter an ordinary number that nothing flags.
HELPDESK_CALLERS: Final[dict[tuple[CallReason, ...], int]] = {
    (CallReason.PROTECTED_NUMBER_OUTSIDE_NETWORK,): 25,
    (CallReason.DO_NOT_ORIGINATE, CallReason.PROTECTED_NUMBER_OUTSIDE_NETWORK): 15,
    (CallReason.DOMESTIC_NUMBER_ABROAD,): 18,
    (CallReason.DO_NOT_ORIGINATE, CallReason.PROTECTED_NUMBER_ABROAD): 7,
    (CallReason.REPORTED_FRAUD_NUMBER,): 8,
    (): 27,
}
FAKE_SHOPS: Final = (
    "Voordeelshop", "Outlet Store NL", "Budget Electronics", "Merkkleding Outlet",
    "Telefoonstunter", "Fietsdeal", "Gadget Korting",
)  # fmt: skip
PLATFORMS: Final = (
    "Bitvex Trading Ltd", "Nordic Crypto Capital", "Apex Wealth Partners", "CoinPrime Europe UAB",
    "Tradevista OU", "Golden Ridge Invest", "BlueOak Asset Management", "Quantum Yield Ltd",
)  # fmt: skip
FIRST_NAMES: Final = (
    "Anna", "Bram", "Daan", "Emma", "Fleur", "Gerrit", "Henk", "Ingrid", "Jan", "Joke", "Kees",
    "Lotte", "Marco", "Noor", "Piet", "Ria", "Sanne", "Thijs", "Willem", "Yvonne", "Sem", "Julia",
    "Mohamed", "Fatima", "Priya", "Wim", "Truus", "Sophie", "Lucas", "Tess", "Ahmet", "Lieke",
)  # fmt: skip
SURNAMES: Final = (
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs", "Yilmaz",
    "El Amrani", "Haddou", "Kaya", "Nguyen", "Pinas", "Verhoeven", "Koster",
)  # fmt: skip
TRADES: Final = ("Bouwbedrijf", "Installatiebedrijf", "Schildersbedrijf", "Dakdekker", "Hovenier")
SMALL_SHOPS: Final = ("Fietsonderdelen", "Koffiebonen", "Plantenhuis", "Speelgoedkist", "Wolwinkel")


@dataclass(frozen=True)
class Customer:
    iban: str
    bank_code: str
    name: str
    age: AgeBand
    phone: str  # empty when the bank knows no mobile number


@dataclass(frozen=True)
class Creditor:
    iban: str
    name: str
    variants: tuple[str, ...] = ()  # how some payers write the name instead


@dataclass(frozen=True)
class _Payment:
    at: datetime
    debtor: Customer
    creditor_iban: str
    creditor_name: str
    amount_cents: int
    channel: PaymentChannel
    on_call: bool = False
    caller_reasons: tuple[CallReason, ...] = ()
    spoofed_call: bool = False
    fraud_type: FraudType | None = None


def demo_payments(count: int = PAYMENTS, seed: int = SEED) -> Iterator[dict[str, str]]:
    """``count`` payments as CSV rows (PAYMENT_COLUMNS), in time order, the same on every run."""
    stream = _Stream(Random(seed))  # noqa: S311 - seeded demo data, no secret
    frauds = {kind: round(count * share) for kind, share in FRAUD_SHARES.items()}
    payments = stream.genuine(count - sum(frauds.values()))
    for kind, number in frauds.items():
        payments += stream.fraud(kind, number)
    payments.sort(key=attrgetter("at"))  # stable: equal times keep the order they were made in
    paid: set[tuple[str, str]] = set()
    for number, payment in enumerate(payments, start=1):
        pair = (payment.debtor.iban, payment.creditor_iban)
        new_creditor = pair not in paid
        paid.add(pair)
        yield {
            "id": f"P-{number:06d}",
            "at": payment.at.astimezone(UTC).isoformat(),
            "amount_cents": str(payment.amount_cents),
            "currency": "EUR",
            "debtor_iban": payment.debtor.iban,
            "creditor_iban": payment.creditor_iban,
            "creditor_name": payment.creditor_name,
            "channel": payment.channel.value,
            "debtor_age_band": payment.debtor.age.value,
            "new_creditor": _flag(new_creditor),
            "debtor_phone": payment.debtor.phone,
            "on_call": _flag(payment.on_call),
            # In CallReason order, so that the same reasons always read the same.
            "caller_reasons": ";".join(
                reason.value for reason in CallReason if reason in payment.caller_reasons
            ),
            "spoofed_call": _flag(payment.spoofed_call),
            "label": "genuine" if payment.fraud_type is None else "fraud",
            "fraud_type": "" if payment.fraud_type is None else payment.fraud_type.value,
        }


def write_payments_csv(path: Path, *, count: int = PAYMENTS, seed: int = SEED) -> int:
    """Write the stream to ``path`` and return the number of rows. The rows go to a temporary
    file that then replaces ``path``: a backtest reading it never sees half a stream."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=PAYMENT_COLUMNS, lineterminator="\n")
            writer.writeheader()
            rows = 0
            for row in demo_payments(count, seed):
                writer.writerow(row)
                rows += 1
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return rows


def _flag(value: bool) -> str:
    return "true" if value else "false"


@dataclass
class _Stream:
    """One run's state: its random numbers, the accounts it handed out, who was defrauded."""

    random: Random
    customers: list[Customer] = field(default_factory=list)
    victims: set[str] = field(default_factory=set)
    habits: list[_Payment] = field(default_factory=list)  # genuine payments
    phones: set[str] = field(default_factory=set)
    accounts: Iterator[int] = field(default_factory=lambda: itertools.count(NEW_ACCOUNT))
    companies: dict[str, tuple[Creditor, ...]] = field(init=False)
    planted: dict[FraudType, tuple[str, ...]] = field(init=False)
    fresh: dict[FraudType, list[str]] = field(init=False)

    def __post_init__(self) -> None:
        self.companies = {
            kind: tuple(self._company(*company) for company in entries)
            for kind, entries in COMPANIES.items()
        }
        # The reports' own seed, whatever this stream's: exactly the networks demo reports name.
        networks = planted_networks(Random(SEED))  # noqa: S311 - seeded demo data, no secret
        self.planted = {
            kind: tuple(
                account
                for network in networks
                if network.fraud_type is kind
                for account in network.accounts
            )
            for kind in FRAUD_SHARES
        }
        self.fresh = {kind: [] for kind in FRAUD_SHARES}

    # Genuine customers

    def genuine(self, count: int) -> list[_Payment]:
        """Customers with their habits until there are ``count`` payments, then a random
        ``count`` of those (the last customer's habits rarely end exactly there)."""
        while len(self.habits) < count:
            customer = self._customer()
            self.customers.append(customer)
            self._regulars(customer)
            self._occasionals(customer)
        return self.random.sample(self.habits, count)

    def _customer(self) -> Customer:
        random = self.random
        bank_code = random.choices(BANK_CODES, BANK_SHARES)[0]
        phone = ""
        if random.random() < HAS_PHONE:
            while not phone or phone in self.phones:
                phone = f"{random.choice(MOBILE_BLOCKS)}{random.randrange(1_000_000):06d}"
            self.phones.add(phone)
        return Customer(
            iban=self._dutch_iban(bank_code),
            bank_code=bank_code,
            name=_person_name(random),
            age=random.choices(list(AgeBand), CUSTOMER_AGES)[0],
            phone=phone,
        )

    def _regulars(self, customer: Customer) -> None:
        """The creditors a customer pays again and again, each with its typical amount."""
        random = self.random
        adult = customer.age is not AgeBand.UNDER_18
        if adult and random.random() < 0.75:
            landlord = (
                random.choice(self.companies["housing"])
                if random.random() < 0.6
                else self._person()
            )
            rent = _cents(random, 550, 1_650, 0)
            self._monthly(customer, landlord, lambda: rent)
        if adult and random.random() < 0.6:
            energy = _cents(random, 60, 260, 1)
            self._monthly(customer, random.choice(self.companies["energy"]), lambda: energy)
        if adult and random.random() < 0.35:
            self._every(
                customer,
                random.choice(self.companies["groceries"]),
                random.randint(6, 10),
                lambda: _cents(random, 25, 140, 0),
            )
        if random.random() < 0.55:
            # Their own savings account at the same bank, in their own name.
            savings = Creditor(self._dutch_iban(customer.bank_code), customer.name)
            high = 1_000 if adult else 100
            self._monthly(customer, savings, lambda: _cents(random, 10, high, 5))
        for _ in range(random.choice((0, 0, 1, 1, 2, 3))):
            self._relative(customer)

    def _relative(self, customer: Customer) -> None:
        """A relative paid a few times, while talking to them more often than not; one in ten
        lives in Germany or Belgium."""
        random = self.random
        abroad = random.random() < 0.1
        surname = customer.name.split(" ", 1)[1] if random.random() < 0.6 else None
        relative = Creditor(
            self._foreign_iban(random.choice(("DE", "BE"))) if abroad else self._dutch_iban(),
            _person_name(random, surname),
        )
        name = self._written(relative)
        for _ in range(random.randint(1, 3)):
            self._pay(
                customer,
                relative,
                name,
                self._moment(random.randrange(WINDOW_DAYS), DAYTIME),
                _cents(random, 10, 300, 5),
                on_call_share=FAMILY_ON_CALL,
                caller_abroad=abroad,
            )

    def _occasionals(self, customer: Customer) -> None:
        """Creditors paid once: webshops, private sellers, and rarely something large."""
        random = self.random
        for _ in range(random.choice((0, 0, 1, 1, 1, 2, 2, 3, 4))):
            draw = random.random()
            if draw < 0.7:
                shop = random.choice(self.companies["webshop"])
            elif draw < 0.82:
                shop = random.choice(self.companies["webshop_abroad"])
            else:
                shop = Creditor(self._dutch_iban(), _small_shop(random))
            self._once(customer, shop, _cents(random, 8, 400, 0))
        if random.random() < 0.25:
            self._once(customer, self._person(), _cents(random, 15, 450, 5), hours=EVENINGS)
        if customer.age is AgeBand.UNDER_18:
            return
        if random.random() < 0.06:
            holiday = random.choice(self.companies["holiday"])
            self._once(customer, holiday, _cents(random, 600, 5_500, 0))
        if random.random() < 0.006:
            dealer = Creditor(self._dutch_iban(), f"Autobedrijf {_company_surname(random)}")
            self._once(customer, dealer, _cents(random, 3_500, 28_000, 250), large=True)
        if random.random() < 0.02:
            builder = Creditor(
                self._dutch_iban(), f"{random.choice(TRADES)} {_company_surname(random)}"
            )
            self._once(customer, builder, _cents(random, 1_200, 15_000, 0), large=True)

    def _monthly(self, customer: Customer, creditor: Creditor, amount: Callable[[], int]) -> None:
        random = self.random
        name = self._written(creditor)
        day = random.choice(PAY_DAYS)
        month = FIRST_PAYMENT_DAY.replace(day=1)
        while month < LAST_DAY:
            at = month.replace(day=day) + _hours(random, DAYTIME)
            if FIRST_PAYMENT_DAY <= at < LAST_DAY:
                self._pay(customer, creditor, name, at, amount())
            month = (month + timedelta(days=32)).replace(day=1)

    def _every(
        self, customer: Customer, creditor: Creditor, days: int, amount: Callable[[], int]
    ) -> None:
        random = self.random
        name = self._written(creditor)
        day = random.randrange(days)
        while day < WINDOW_DAYS:
            self._pay(customer, creditor, name, self._moment(day, DAYTIME), amount())
            day += days + random.randint(-1, 1)

    def _once(
        self,
        customer: Customer,
        creditor: Creditor,
        cents: int,
        *,
        hours: Sequence[float] = DAYTIME,
        large: bool = False,
    ) -> None:
        at = self._moment(self.random.randrange(WINDOW_DAYS), hours)
        on_call_share = LARGE_ON_CALL if large else GENUINE_ON_CALL
        self._pay(
            customer, creditor, self._written(creditor), at, cents, on_call_share=on_call_share
        )

    def _pay(
        self,
        customer: Customer,
        creditor: Creditor,
        name: str,
        at: datetime,
        cents: int,
        *,
        on_call_share: float = GENUINE_ON_CALL,
        caller_abroad: bool = False,
    ) -> None:
        random = self.random
        on_call = bool(customer.phone) and random.random() < on_call_share
        abroad = on_call and (caller_abroad or random.random() < CALLER_ABROAD)
        self.habits.append(
            _Payment(
                at=at,
                debtor=customer,
                creditor_iban=creditor.iban,
                creditor_name=name,
                amount_cents=cents,
                channel=random.choices(list(PaymentChannel), AGE_CHANNELS[customer.age])[0],
                on_call=on_call,
                caller_reasons=(CallReason.MOBILE_NUMBER_ABROAD,) if abroad else (),
                spoofed_call=bool(customer.phone) and random.random() < GENUINE_SPOOFED,
            )
        )

    def _written(self, creditor: Creditor) -> str:
        """The name a customer saved for a creditor: mostly right, now and then not quite."""
        random = self.random
        if random.random() >= NAME_VARIANT:
            return creditor.name
        if creditor.variants:
            return random.choice(creditor.variants)
        return _misspelt(random, creditor.name)

    # Fraud

    def fraud(self, fraud_type: FraudType, count: int) -> list[_Payment]:
        """Incidents of ``fraud_type`` until there are ``count`` payments; the last incident is
        cut short if it has more."""
        incident = {
            FraudType.BANK_HELPDESK: self._bank_helpdesk,
            FraudType.PURCHASE: self._purchase,
            FraudType.INVESTMENT: self._investment,
        }[fraud_type]
        payments: list[_Payment] = []
        while len(payments) < count:
            payments += incident()[: count - len(payments)]
        return payments

    def _bank_helpdesk(self) -> list[_Payment]:
        """One call: one or more transfers within minutes to a "safe account" or two."""
        random = self.random
        victim = self._victim(AGES[FraudType.BANK_HELPDESK], needs_phone=True)
        on_call = bool(victim.phone) and random.random() < 0.85
        callers = list(HELPDESK_CALLERS)
        reasons = random.choices(callers, list(HELPDESK_CALLERS.values()))[0] if on_call else ()
        spoofed = bool(victim.phone) and random.random() < 0.35
        channel = random.choices(list(PaymentChannel), FRAUD_CHANNELS[FraudType.BANK_HELPDESK])[0]
        at = self._moment(random.randrange(WINDOW_DAYS), OFFICE_HOURS)
        mules: dict[str, str] = {}
        iban = self._mule(FraudType.BANK_HELPDESK)
        payments = []
        for index in range(random.choices((1, 2, 3, 4, 5), (30, 30, 22, 12, 6))[0]):
            if index:
                at += timedelta(seconds=random.randint(90, 840))
                if len(mules) < 2 and random.random() < 0.4:
                    iban = self._mule(FraudType.BANK_HELPDESK)
            if iban not in mules:
                mules[iban] = self._safe_account_name(victim)
            payments.append(
                _Payment(
                    at=at,
                    debtor=victim,
                    creditor_iban=iban,
                    creditor_name=mules[iban],
                    amount_cents=_cents(random, 1_000, 25_000, random.choice((100, 50, 0))),
                    channel=channel,
                    on_call=on_call,
                    caller_reasons=reasons,
                    spoofed_call=spoofed,
                    fraud_type=FraudType.BANK_HELPDESK,
                )
            )
        return payments

    def _safe_account_name(self, victim: Customer) -> str:
        """A name that does not fit the account: a "safe account" of the victim's own bank, a
        stranger's name, or the victim's own (the caller says the account is theirs)."""
        random = self.random
        draw = random.random()
        if draw < 0.5:
            return random.choice(SAFE_ACCOUNTS).format(bank=BANK_NAMES[victim.bank_code])
        if draw < 0.85:
            return _person_name(random)
        return victim.name

    def _purchase(self) -> list[_Payment]:
        """One purchase paid ahead, now and then followed by "shipping costs" to the same mule."""
        random = self.random
        victim = self._victim(DEFAULT_AGES, needs_phone=False)
        iban = self._mule(FraudType.PURCHASE)
        name = random.choice(FAKE_SHOPS) if random.random() < 0.4 else _person_name(random)
        channel = random.choices(list(PaymentChannel), FRAUD_CHANNELS[FraudType.PURCHASE])[0]
        at = self._moment(random.randrange(WINDOW_DAYS - 1), EVENINGS)
        amounts = [_cents(random, 20, 900, random.choice((1, 5, 0)))]
        if random.random() < 0.15:
            amounts.append(_cents(random, 20, 60, 1))
        payments = []
        for cents in amounts:
            payments.append(
                _Payment(
                    at=at,
                    debtor=victim,
                    creditor_iban=iban,
                    creditor_name=name,
                    amount_cents=cents,
                    channel=channel,
                    fraud_type=FraudType.PURCHASE,
                )
            )
            at += timedelta(minutes=random.randint(20, 90))
        return payments

    def _investment(self) -> list[_Payment]:
        """Deposits that grow every few days as the platform shows "profits"; now and then the
        platform names a new account, and an "account manager" calls from abroad."""
        random = self.random
        victim = self._victim(INVESTMENT_AGES, needs_phone=False)
        deposits = random.choice((2, 3, 3, 4, 4, 5, 6))
        day = random.randrange(WINDOW_DAYS - 8 * (deposits - 1))
        name = random.choice(PLATFORMS)
        iban = self._mule(FraudType.INVESTMENT)
        euros = random.uniform(500, 2_000)
        payments = []
        for index in range(deposits):
            if index:
                day += random.randint(2, 8)
                euros = min(20_000, euros * random.uniform(1.3, 2.2))
                if random.random() < 0.25:
                    iban = self._mule(FraudType.INVESTMENT)
            on_call = bool(victim.phone) and random.random() < 0.3
            payments.append(
                _Payment(
                    at=self._moment(day, DAYTIME),
                    debtor=victim,
                    creditor_iban=iban,
                    creditor_name=name,
                    amount_cents=round(euros / 50) * 5_000,
                    channel=random.choices(
                        list(PaymentChannel), FRAUD_CHANNELS[FraudType.INVESTMENT]
                    )[0],
                    on_call=on_call,
                    caller_reasons=(CallReason.MOBILE_NUMBER_ABROAD,)
                    if on_call and random.random() < 0.8
                    else (),
                    fraud_type=FraudType.INVESTMENT,
                )
            )
        return payments

    def _victim(self, ages: Sequence[int], *, needs_phone: bool) -> Customer:
        """A customer not defrauded before, of an age band drawn from ``ages`` (AgeBand order):
        the band first, so that its weight, not its number of customers, decides."""
        random = self.random
        candidates = [
            customer
            for customer in self.customers
            if customer.iban not in self.victims and (customer.phone or not needs_phone)
        ] or self.customers
        present = {customer.age for customer in candidates}
        bands = {
            band: weight
            for band, weight in zip(AgeBand, ages, strict=True)
            if band in present and weight
        }
        if bands:
            band = random.choices(list(bands), list(bands.values()))[0]
            candidates = [customer for customer in candidates if customer.age is band]
        victim = random.choice(candidates)
        self.victims.add(victim.iban)
        return victim

    def _mule(self, fraud_type: FraudType) -> str:
        random = self.random
        if random.random() < PLANTED_SHARE[fraud_type]:
            return random.choice(self.planted[fraud_type])
        fresh = self.fresh[fraud_type]
        if fresh and random.random() < FRESH_MULE_REUSE:
            return random.choice(fresh)
        if fraud_type is FraudType.INVESTMENT and random.random() < INVESTMENT_ABROAD:
            iban = self._foreign_iban(random.choice(INVESTMENT_COUNTRIES))
        else:
            iban = self._dutch_iban(random.choice(MULE_BANK_CODES))
        fresh.append(iban)
        return iban

    # Accounts and moments

    def _company(self, name: str, country: str, variants: tuple[str, ...]) -> Creditor:
        iban = self._dutch_iban() if country == "NL" else self._foreign_iban(country)
        return Creditor(iban, name, variants)

    def _person(self) -> Creditor:
        return Creditor(self._dutch_iban(), _person_name(self.random))

    def _dutch_iban(self, bank_code: str | None = None) -> str:
        """A Dutch account no other in the stream or in the demo reports has."""
        code = bank_code or self.random.choices(BANK_CODES, BANK_SHARES)[0]
        account = f"{next(self.accounts):010d}"
        return str(IBAN.generate("NL", bank_code=code, account_code=account).compact)

    def _foreign_iban(self, country: str) -> str:
        # Seven digits fit every country's account number; the counter keeps them apart.
        account = f"{next(self.accounts) % 10_000_000:07d}"
        bank_code = self.random.choice(FOREIGN_BANKS[country])
        return str(IBAN.generate(country, bank_code=bank_code, account_code=account).compact)

    def _moment(self, day: int, hours: Sequence[float]) -> datetime:
        return FIRST_PAYMENT_DAY + timedelta(days=day) + _hours(self.random, hours)


def _hours(random: Random, weights: Sequence[float]) -> timedelta:
    """A time of day, to the second, with the hour drawn by ``weights``."""
    hour = random.choices(range(24), weights)[0]
    return timedelta(hours=hour, seconds=random.randrange(3_600))


def _cents(random: Random, low: int, high: int, step: int) -> int:
    """An amount between ``low`` and ``high`` euro, small amounts likelier (log-uniform), rounded
    to ``step`` euro the way people choose amounts; a step of 0 keeps the cents."""
    euros = math.exp(random.uniform(math.log(low), math.log(high)))
    if step:
        return min(max(round(euros / step) * step, low), high) * 100
    return round(euros * 100)


def _person_name(random: Random, surname: str | None = None) -> str:
    first = random.choice(FIRST_NAMES)
    last = surname or random.choice(SURNAMES)
    return f"{first} {last}" if random.random() < 0.6 else f"{first[0]}. {last}"


def _company_surname(random: Random) -> str:
    surname = random.choice(SURNAMES)
    return surname[0].upper() + surname[1:]


def _small_shop(random: Random) -> str:
    return f"{random.choice(SMALL_SHOPS)}{random.choice(('.nl', ' Webshop', ' B.V.'))}"


def _misspelt(random: Random, name: str) -> str:
    """How a payer might write a known name: abbreviated, in capitals, a letter lost or two
    swapped."""
    first, _, rest = name.partition(" ")
    if rest and len(first) > 2 and random.random() < 0.4:
        return f"{first[0]}. {rest}"
    if len(name) < 5 or random.random() < 0.3:
        return name.upper()
    position = random.randrange(1, len(name) - 2)
    if random.random() < 0.5:
        return name[:position] + name[position + 1 :]
    return name[:position] + name[position + 1] + name[position] + name[position + 2 :]
