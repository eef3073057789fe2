"""The partner directory: who takes part, and which accounts and numbers each one holds."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from fraudlink.audit import service as audit_service
from fraudlink.audit.service import Actor
from fraudlink.errors import Conflict, InvalidInput, NotFound
from fraudlink.identifiers import IdentifierKind, InvalidIdentifier, parse
from fraudlink.identifiers.banks import bank_by_code
from fraudlink.partners.models import (
    ACCOUNT_HOLDING_TYPES,
    Partner,
    PartnerBankCode,
    PartnerDomain,
    PartnerNumberRange,
    PartnerType,
)

_DIRECTORY: Final = "fraudlink.partners.directory"  # its key in ``Session.info``
# An E.164 prefix: "+", a country code that does not start with 0, at most 15 digits in all.
_NUMBER_PREFIX = re.compile(r"\+[1-9]\d{0,14}")
_BANK_CODE = re.compile(r"(?:(?P<country>[A-Z]{2}):)?(?P<code>[A-Z0-9]{1,16})")
DEFAULT_BANK_COUNTRY = "NL"


@dataclass(frozen=True)
class BankCode:
    country_code: str
    bank_code: str
    bic: str | None


def parse_bank_code(text: str) -> BankCode:
    """``"ABNA"`` (a Dutch bank code) or ``"BE:539"``; the BIC comes from the bank registry."""
    match = _BANK_CODE.fullmatch(text.strip().upper())
    if match is None:
        raise InvalidInput("partners.bank_code_invalid", field="bank_codes", value=text)
    country = match["country"] or DEFAULT_BANK_COUNTRY
    bank = bank_by_code(country, match["code"])
    return BankCode(country, match["code"], bank.bic if bank else None)


def parse_domain(text: str) -> str:
    """The registrable domain a partner owns: "www.Marktplaats.nl" is "marktplaats.nl"."""
    try:
        domain = parse(text, IdentifierKind.DOMAIN)
    except InvalidIdentifier as error:
        raise InvalidInput(f"identifiers.{error.code}", field="domains", **error.params) from None
    return str(domain.details["registrable_domain"])


def parse_number_prefix(text: str) -> str:
    prefix = re.sub(r"[\s-]", "", text)
    if _NUMBER_PREFIX.fullmatch(prefix) is None:
        raise InvalidInput("partners.number_range_invalid", field="number_ranges", value=text)
    return prefix


def create(
    session: Session,
    *,
    name: str,
    partner_type: PartnerType,
    bank_codes: Sequence[str] = (),
    number_ranges: Sequence[str] = (),
    domains: Sequence[str] = (),
    actor: Actor,
) -> Partner:
    """Register a partner, with what it holds written as people write it ("ABNA", "+31 612")."""
    name = name.strip()
    if not name:
        raise InvalidInput("partners.name_missing", field="name")
    if bank_codes and partner_type not in ACCOUNT_HOLDING_TYPES:
        raise InvalidInput("partners.bank_codes_not_allowed", field="bank_codes", type=partner_type)
    if number_ranges and partner_type is not PartnerType.TELECOM:
        raise InvalidInput(
            "partners.number_ranges_not_allowed", field="number_ranges", type=partner_type
        )
    if session.scalar(select(Partner.id).where(Partner.name == name)) is not None:
        raise Conflict("partners.name_taken", field="name", name=name)
    codes = [parse_bank_code(code) for code in bank_codes]
    prefixes = [parse_number_prefix(prefix) for prefix in number_ranges]
    owned_domains = [parse_domain(domain) for domain in domains]
    partner = Partner(
        name=name,
        type=partner_type,
        bank_codes=[
            PartnerBankCode(country_code=code.country_code, bank_code=code.bank_code, bic=code.bic)
            for code in codes
        ],
        number_ranges=[PartnerNumberRange(prefix=prefix) for prefix in prefixes],
        domains=[PartnerDomain(domain=domain) for domain in owned_domains],
    )
    session.add(partner)
    session.info.pop(_DIRECTORY, None)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("partners.holding_taken", field="bank_codes", name=name) from None
    audit_service.record(
        session,
        actor=actor,
        action="partner.create",
        subject_type="partner",
        subject_id=partner.id,
        details={
            "name": name,
            "type": partner_type.value,
            "bank_codes": [f"{code.country_code}:{code.bank_code}" for code in codes],
            "number_ranges": prefixes,
            "domains": owned_domains,
        },
    )
    return partner


def list_all(session: Session) -> Sequence[Partner]:
    return session.scalars(
        select(Partner)
        .options(
            selectinload(Partner.bank_codes),
            selectinload(Partner.number_ranges),
            selectinload(Partner.domains),
        )
        .order_by(Partner.type, Partner.name)
    ).all()


def find_by_name(session: Session, *, name: str) -> Partner | None:
    return session.scalar(select(Partner).where(Partner.name == name))


def get_by_name(session: Session, *, name: str) -> Partner:
    partner = find_by_name(session, name=name)
    if partner is None:
        raise NotFound("partners.not_found", field="partner", name=name)
    return partner


def bank_codes_of(session: Session, *, partner_id: int) -> set[tuple[str, str]]:
    """(country, bank code) of the accounts this bank or PSP holds."""
    return {
        (row.country_code, row.bank_code)
        for row in session.execute(
            select(PartnerBankCode.country_code, PartnerBankCode.bank_code).where(
                PartnerBankCode.partner_id == partner_id
            )
        )
    }


@dataclass(frozen=True)
class Directory:
    """Who holds what, in memory: routing a report asks it many times and the database once."""

    names: Mapping[int, str]
    types: Mapping[int, PartnerType]
    by_bank_code: Mapping[tuple[str, str], int]
    by_number_prefix: Mapping[str, int]
    by_domain: Mapping[str, int]

    def account_holder(self, country_code: str, bank_code: str) -> int | None:
        """The bank or PSP that holds accounts with this bank code, to route an IBAN to."""
        return self.by_bank_code.get((country_code, bank_code))

    def number_holder(self, e164: str) -> int | None:
        """The operator whose longest registered prefix covers this E.164 number."""
        for length in range(len(e164), 1, -1):
            holder = self.by_number_prefix.get(e164[:length])
            if holder is not None:
                return holder
        return None

    def domain_holder(self, registrable_domain: str) -> int | None:
        return self.by_domain.get(registrable_domain)

    def of_type(self, partner_type: PartnerType) -> list[int]:
        return sorted(id_ for id_, kind in self.types.items() if kind is partner_type)

    def named(self, name: str) -> int | None:
        return next((id_ for id_, known in self.names.items() if known == name), None)


def directory(session: Session) -> Directory:
    """Read once per session (a request, a transaction): storing one report asks for it several
    times (routing, the receipt, the indicators' trust in their sources), and reading every
    partner with its holdings was two fifths of ``POST /v1/reports``. ``create`` forgets it."""
    found = session.info.get(_DIRECTORY)
    if found is None:
        found = session.info[_DIRECTORY] = _read_directory(session)
    return found


def _read_directory(session: Session) -> Directory:
    # Plain rows, not partner objects with their holdings: this runs for every report taken in.
    partners = session.execute(select(Partner.id, Partner.name, Partner.type)).all()
    bank_codes = session.execute(
        select(PartnerBankCode.country_code, PartnerBankCode.bank_code, PartnerBankCode.partner_id)
    ).all()
    ranges = session.execute(select(PartnerNumberRange.prefix, PartnerNumberRange.partner_id)).all()
    domains = session.execute(select(PartnerDomain.domain, PartnerDomain.partner_id)).all()
    return Directory(
        names={partner_id: name for partner_id, name, _ in partners},
        types={partner_id: kind for partner_id, _, kind in partners},
        by_bank_code={(country, code): partner_id for country, code, partner_id in bank_codes},
        by_number_prefix=dict(ranges),
        by_domain=dict(domains),
    )
