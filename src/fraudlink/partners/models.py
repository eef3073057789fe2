"""Partner organisations of the integrated approach, and the bank codes and numbers they hold."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fraudlink.database import Base, string_enum, utcnow


class PartnerType(StrEnum):
    BANK = "bank"
    PSP = "psp"  # payment service provider (betaaldienstverlener) that holds accounts
    TELECOM = "telecom"
    MARKETPLACE = "marketplace"
    POLICE = "police"
    PROSECUTION = "prosecution"
    HELPDESK = "helpdesk"  # reporting points: the Fraudehelpdesk, the identity-fraud desk
    VICTIM_SUPPORT = "victim_support"
    RESEARCH = "research"
    PROGRAMME = "programme"  # the programme office of the integrated approach (Kerngroep)


ACCOUNT_HOLDING_TYPES = frozenset({PartnerType.BANK, PartnerType.PSP})


class Partner(Base):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[PartnerType] = mapped_column(string_enum(PartnerType, "partner_type"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    bank_codes: Mapped[list[PartnerBankCode]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="PartnerBankCode.bank_code"
    )
    number_ranges: Mapped[list[PartnerNumberRange]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="PartnerNumberRange.prefix"
    )
    domains: Mapped[list[PartnerDomain]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="PartnerDomain.domain"
    )


class PartnerBankCode(Base):
    """A bank code (the part of an IBAN that names the bank) held by a bank or PSP partner."""

    __tablename__ = "partner_bank_codes"
    __table_args__ = (UniqueConstraint("country_code", "bank_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    country_code: Mapped[str] = mapped_column(String(2))
    bank_code: Mapped[str] = mapped_column(String(16))
    bic: Mapped[str | None] = mapped_column(String(11))

    partner: Mapped[Partner] = relationship(back_populates="bank_codes")


class PartnerNumberRange(Base):
    """A block of phone numbers (an E.164 prefix such as ``+31612``) held by a telecom operator."""

    __tablename__ = "partner_number_ranges"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)

    partner: Mapped[Partner] = relationship(back_populates="number_ranges")


class PartnerDomain(Base):
    """A registrable domain (``marktplaats.nl``) that belongs to a partner.

    Reports that name a web address or e-mail address on it are routed to that partner.
    """

    __tablename__ = "partner_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(253), unique=True)

    partner: Mapped[Partner] = relationship(back_populates="domains")
